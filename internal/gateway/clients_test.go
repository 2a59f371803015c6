package gateway_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// clientsDir holds the real clients the tests run with node
// (web/clients: graphql-http, Apollo Client; `npm ci` there).
var clientsDir = filepath.Join("..", "..", "web", "clients")

// runNode runs a script of web/clients and returns its standard output, or
// skips when node or the packages are missing (CI installs both and sets
// REQUIRE_NODE=1, so there it fails instead).
func runNode(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	path, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(clientsDir, "node_modules", "graphql-http"))
	}
	if err != nil {
		if os.Getenv("REQUIRE_NODE") != "" {
			t.Fatalf("REQUIRE_NODE is set but node or web/clients/node_modules is missing: %v", err)
		}
		t.Skipf("node or web/clients/node_modules missing (cd web/clients && npm ci): %v", err)
	}
	cmd := exec.CommandContext(t.Context(), path, append([]string{script}, args...)...)
	cmd.Dir = clientsDir
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("node %s: %v\n%s", script, err, ee.Stderr)
	}
	require.NoError(t, err)
	return out
}

// TestGraphQLHTTPAudit runs graphql-http's auditServer — every MUST,
// SHOULD and MAY of the GraphQL over HTTP spec it checks — against a
// gateway in demo mode (the simulators' tokens applied to callers that
// send none), and wants every one passed.
func TestGraphQLHTTPAudit(t *testing.T) {
	t.Parallel()
	cfg := testenv.Config{}
	env := testenv.Start(t, cfg)
	demo := testenv.Start(t, testenv.Config{Fallback: loader.Credentials{AstroToken: env.AstroToken, HoustonToken: env.HoustonToken}})
	var results []struct{ ID, Name, Status, Reason string }
	require.NoError(t, json.Unmarshal(runNode(t, "audit.mjs", demo.GatewayURL), &results))
	require.NotEmpty(t, results)
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Status]++
		assert.Equal(t, "ok", r.Status, "%s %s: %s", r.ID, r.Name, r.Reason)
	}
	t.Logf("graphql-http audit: %d checks, %v", len(results), counts)
}

// TestApolloClient: a dashboard's Apollo Client, with HttpLink and with
// BatchHttpLink, gets data for a valid query and graphQLErrors (not a
// network error) for a validation error.
func TestApolloClient(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		type outcome struct {
			Data struct {
				Deployments struct {
					TotalCount int
					Nodes      []struct{ ID, Name, Platform string }
				}
			}
			GraphQLErrors []struct{ Message, Code string }
			NetworkError  *string
		}
		var out map[string]struct {
			Valid, Invalid outcome
			Requests       int
		}
		raw := runNode(t, "apollo.mjs", env.GatewayURL, string(headers))
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
		for _, link := range []string{"HttpLink", "BatchHttpLink"} {
			r, ok := out[link]
			require.True(t, ok, link)
			assert.Nil(t, r.Valid.NetworkError, link)
			assert.Empty(t, r.Valid.GraphQLErrors, link)
			assert.Positive(t, r.Valid.Data.Deployments.TotalCount, link)
			assert.Len(t, r.Valid.Data.Deployments.Nodes, 3, link)

			assert.Nil(t, r.Invalid.NetworkError, "%s: a validation error is no network error", link)
			require.NotEmpty(t, r.Invalid.GraphQLErrors, link)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.Invalid.GraphQLErrors[0].Code, link)
			assert.Contains(t, r.Invalid.GraphQLErrors[0].Message, "nodez", link)
		}
		assert.Equal(t, 2, out["HttpLink"].Requests)
		assert.Equal(t, 1, out["BatchHttpLink"].Requests, "both queries in one batched request")
	})
}
