package houston_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// setup serves a raw handler under a path prefix, as go-github's tests do.
func setup(t *testing.T, h http.HandlerFunc) *houston.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/prefix/v1", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := houston.NewClient(srv.URL + "/prefix/v1")
	require.NoError(t, err)
	return c
}

func TestDoSendsRawTokenAndVariables(t *testing.T) {
	t.Parallel()
	var got struct {
		Auth string
		Body houston.Request
	}
	c := setup(t, func(w http.ResponseWriter, r *http.Request) {
		got.Auth = r.Header.Get("Authorization")
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got.Body))
		_, _ = io.WriteString(w, `{"data":{"appConfig":{"version":"1.0.1"}}}`)
	})
	cfg, err := c.WithToken("tok-123").AppConfig(t.Context(), houston.Fields("version"))
	require.NoError(t, err)
	assert.Equal(t, "1.0.1", *cfg.Version)
	assert.Equal(t, "tok-123", got.Auth, "Houston takes the raw token, no Bearer")
	assert.Contains(t, got.Body.Query, "appConfig")
	assert.Contains(t, got.Body.Query, "version")
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, ws []*houston.Workspace, err error)
	}{
		{"graphql errors keep partial data", 200,
			`{"data":{"workspaces":[{"id":"w1","label":"One"}]},"errors":[{"message":"boom","path":["workspaces",1],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`,
			func(t *testing.T, ws []*houston.Workspace, err error) {
				var es houston.Errors
				require.ErrorAs(t, err, &es)
				assert.Equal(t, "INTERNAL_SERVER_ERROR", es[0].Code())
				require.Len(t, ws, 1, "partial data comes back with the errors")
				assert.Equal(t, "One", *ws[0].Label)
			}},
		{"unauthenticated", 200,
			`{"data":{"workspaces":null},"errors":[{"message":"You do not have the appropriate permissions for that","extensions":{"code":"UNAUTHENTICATED"}}]}`,
			func(t *testing.T, _ []*houston.Workspace, err error) {
				assert.True(t, houston.IsUnauthenticated(err))
				assert.False(t, houston.IsForbidden(err))
			}},
		{"forbidden", 200,
			`{"data":{"workspaces":null},"errors":[{"message":"You do not have the appropriate permissions for that","extensions":{"code":"FORBIDDEN"}}]}`,
			func(t *testing.T, _ []*houston.Workspace, err error) { assert.True(t, houston.IsForbidden(err)) }},
		{"validation failure keeps body", 400,
			`{"errors":[{"message":"Cannot query field \"nope\" on type \"Workspace\".","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
			func(t *testing.T, _ []*houston.Workspace, err error) {
				var he *houston.HTTPError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, 400, he.StatusCode)
				assert.Contains(t, string(he.Body), "Cannot query field")
				assert.Contains(t, err.Error(), "Cannot query field")
			}},
		{"not json", 502, `<html>bad gateway</html>`,
			func(t *testing.T, _ []*houston.Workspace, err error) {
				var he *houston.HTTPError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, 502, he.StatusCode)
				assert.Contains(t, err.Error(), "bad gateway")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := setup(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			ws, err := c.WithToken("secret-token").Workspaces(t.Context(), houston.Fields("id", "label"))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "secret-token")
			tc.check(t, ws, err)
		})
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c, err := houston.NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	_, err = c.AppConfig(context.Background(), houston.Fields("version"))
	var te *houston.TransportError
	require.ErrorAs(t, err, &te)
}

// TestBatchAgainstSimulator runs the client's batched lookups against the
// Houston simulator: one request, results in key order, unknown ids nil.
func TestBatchAgainstSimulator(t *testing.T) {
	t.Parallel()
	sim := houstonsim.New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := houston.NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	c = c.WithToken(adminToken(t, sim))

	ws, err := c.Workspaces(t.Context(), houston.Fields("id", "label"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(ws), 2)
	ids := []string{ws[1].ID, "does-not-exist", ws[0].ID, ws[1].ID}

	sim.Reset()
	got, errs, err := c.WorkspacesByID(t.Context(), ids, houston.Fields("label", "description"))
	require.NoError(t, err)
	assert.Equal(t, 1, sim.Stats().Requests)
	require.Len(t, got, 4)
	assert.Equal(t, ws[1].ID, got[0].ID)
	assert.Equal(t, *ws[1].Label, *got[0].Label)
	assert.Nil(t, got[1], "unknown id")
	assert.NoError(t, errs[1])
	assert.Equal(t, ws[0].ID, got[2].ID)
	assert.Equal(t, ws[1].ID, got[3].ID)

	sim.Reset()
	lists, errs, err := c.WorkspaceDeployments(t.Context(), []string{ws[0].ID, ws[1].ID}, []houston.Field{{Name: "label"}, {Name: "workspace", Fields: houston.Fields("id")}})
	require.NoError(t, err)
	assert.Equal(t, 1, sim.Stats().Requests)
	for i, l := range lists {
		require.NoError(t, errs[i])
		for _, d := range l {
			assert.Equal(t, ids[[]int{2, 0}[i]], d.Workspace.ID)
		}
	}
	assert.Equal(t, []string{"workspaceDeployments{id label workspace{id}}"}, uniq(sim.Selections()), "only the fields asked for")
}

func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func adminToken(t *testing.T, sim *houstonsim.Sim) string {
	t.Helper()
	for _, tok := range sim.Tokens() {
		if tok.Kind == "SYSTEM_ADMIN" {
			return tok.Token
		}
	}
	t.Fatal("no SYSTEM_ADMIN token")
	return ""
}
