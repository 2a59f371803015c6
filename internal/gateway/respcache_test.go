package gateway_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// postBody sends a raw JSON body to the gateway.
func postBody(t *testing.T, env *testenv.Env, body string, headers map[string]string) (int, string) {
	t.Helper()
	status, b := postRaw(t, env.GatewayURL, []byte(body), headers)
	return status, string(b)
}

// TestResponseCache: a repeated query is answered whole, with no upstream
// call, for the same credentials only; variables in another order hit the
// same entry; a write retires it; errors, mutations and no-cache are never
// served from it.
func TestResponseCache(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, testenv.Config{})
	org := env.Astro.Tokens()[0].Scope[0]
	calls := func() int { return env.Astro.Stats().Requests + env.Houston.Stats().Requests }
	reset := func() { env.Astro.Reset(); env.Houston.Reset() }

	q := `query($org: String!, $n: Int!) { astro { organization(id: $org) { workspaces(first: $n) { nodes { workspaceId name description } } } } deployments(first: 5) { totalCount } }`
	body := func(vars string) string { return `{"query":` + quote(q) + `,"variables":` + vars + `}` }
	status, first := postBody(t, env, body(`{"org":"`+org+`","n":3}`), env.Headers())
	require.Equal(t, http.StatusOK, status, first)
	require.NotContains(t, first, `"errors"`)

	reset()
	_, again := postBody(t, env, body(`{"n":3,"org":"`+org+`"}`), env.Headers())
	assert.Equal(t, first, again, "the same answer")
	assert.Zero(t, calls(), "answered whole from the response cache")

	// Another credential never sees it.
	reset()
	personal := env.Headers()
	other := map[string]string{"X-Astro-Token": env.AstroToken + "x", "X-Houston-Token": personal["X-Houston-Token"]}
	_, theirs := postBody(t, env, body(`{"org":"`+org+`","n":3}`), other)
	assert.Contains(t, theirs, "UNAUTHENTICATED")
	assert.Positive(t, calls(), "another token's request runs")

	// Cache-Control: no-cache skips it.
	reset()
	h := map[string]string{"Cache-Control": "no-cache"}
	for k, v := range personal {
		h[k] = v
	}
	postBody(t, env, body(`{"org":"`+org+`","n":3}`), h)
	assert.Positive(t, calls(), "no-cache goes upstream")

	// A write retires it: the next read shows the change.
	var d struct {
		Astro struct {
			Organization struct {
				Workspaces struct {
					Nodes []struct{ WorkspaceID, Name string }
				}
			}
		}
	}
	r := env.Query(t, q, map[string]any{"org": org, "n": 3}, personal)
	r.Decode(t, &d)
	ws := d.Astro.Organization.Workspaces.Nodes[0]
	m := env.Query(t, `mutation($in: UpdateAstroWorkspaceInput!) { updateAstroWorkspace(input: $in) { workspace { description } } }`,
		map[string]any{"in": map[string]any{"organizationId": org, "workspaceId": ws.WorkspaceID, "name": ws.Name, "description": "changed by the cache test", "cicdEnforcedDefault": false}}, personal)
	require.Empty(t, m.Errors)
	reset()
	_, after := postBody(t, env, body(`{"org":"`+org+`","n":3}`), personal)
	assert.Contains(t, after, "changed by the cache test")
	assert.Positive(t, calls())

	// A response with errors is not kept.
	bad := `{"query":"{ node(id: \"QXN0cm9EZXBsb3ltZW50Om5vOm5v\") { id } }"}`
	_, b1 := postBody(t, env, bad, personal)
	require.Contains(t, b1, `"errors"`)
	reset()
	postBody(t, env, bad, personal)
	assert.Positive(t, calls(), "an answer with errors is asked again")
}

func quote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
