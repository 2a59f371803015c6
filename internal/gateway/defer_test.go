package gateway_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestDeferOverMultipartMixed: an operation with @defer, sent by a client
// that accepts multipart/mixed, gets its deferred fragments as later parts
// (incremental delivery); without multipart/mixed, one JSON response has
// everything.
func TestDeferOverMultipartMixed(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		const query = `{"query":"{ deployments(first: 2) { nodes { name ... @defer(label: \"ws\") { workspace { name } } } } }"}`
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.GatewayURL, strings.NewReader(query))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", `multipart/mixed;deferSpec=20220824, application/json`)
		for k, v := range env.Headers() {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "multipart/mixed", mt)
		mr := multipart.NewReader(resp.Body, params["boundary"])
		var parts []map[string]json.RawMessage
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			b, err := io.ReadAll(p)
			require.NoError(t, err)
			var part map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &part), "%s", b)
			parts = append(parts, part)
		}
		require.GreaterOrEqual(t, len(parts), 2, "the deferred fragments come after the first part")
		assert.Contains(t, string(parts[0]["data"]), `"name"`)
		// gqlgen holds the deferred fields' places with null; the later
		// parts fill them (clients merge them in).
		assert.NotContains(t, string(parts[0]["data"]), `"workspace":{`, "the first part has no deferred data")
		assert.JSONEq(t, "true", string(parts[0]["hasNext"]))
		for _, p := range parts {
			b, _ := json.Marshal(p)
			t.Logf("part: %s", b)
		}
		var rest strings.Builder
		for _, p := range parts[1:] {
			rest.Write(p["incremental"])
		}
		assert.Contains(t, rest.String(), `"workspace"`)
		assert.Contains(t, rest.String(), `"label":"ws"`)
		assert.JSONEq(t, "false", string(parts[len(parts)-1]["hasNext"]))

		whole := send(t, env, http.MethodPost, env.GatewayURL, "application/json", "application/json", query)
		require.Equal(t, http.StatusOK, whole.status)
		assert.Contains(t, string(whole.body), `"workspace"`)
	})
}
