package houstonsim_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// The simulator writes an answer without gqlgen's second pass over the data
// (Accept: application/json, what Houston's clients send) and hands every
// other request to gqlgen's POST (Accept: */*): both answer the same
// status, content type and JSON, for data, aliases and nulls, errors, documents that
// fail to validate or parse, and bodies that are not JSON.
func TestPostAnswersAsGqlgen(t *testing.T) {
	sim, srv := start(t)
	auth := token(t, sim, houstonsim.LabelSystemAdmin).Token
	for name, body := range map[string]string{
		"data":            `{"query":"{ workspaces { id label deploymentCount } paginatedDeployments(take: 20) { id label releaseName status workspace { id } } }"}`,
		"variables":       `{"query":"query($id: Uuid!) { workspace(workspaceUuid: $id) { id label } }","variables":{"id":"ckx0000000000000000000000"}}`,
		"aliases, a null": `{"query":"{ a: workspaces { id } b: deployment(where: {id: \"missing\"}) { id } }"}`,
		"invalid":         `{"query":"{ workspaces { nope } }"}`,
		"unparsable":      `{"query":"{ workspaces { "}`,
		"not json":        `{"query":`,
		"no auth":         `{"query":"{ self { user { id } } }"}`,
	} {
		t.Run(name, func(t *testing.T) {
			answer := func(accept, auth string) (int, string, string) {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/v1", bytes.NewReader([]byte(body)))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", accept)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
			}
			caller := auth
			if name == "no auth" {
				caller = ""
			}
			status, media, fast := answer("application/json", caller)
			wantStatus, wantMedia, want := answer("*/*", caller)
			assert.Equal(t, wantStatus, status)
			assert.Equal(t, wantMedia, media)
			assert.JSONEq(t, want, fast)
		})
	}
}
