package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// codesByPath maps each error's path (joined with ".") to its code.
func codesByPath(r testenv.Response) map[string]string {
	out := map[string]string{}
	for _, e := range r.Errors {
		key := ""
		for i, p := range e.Path {
			if i > 0 {
				key += "."
			}
			switch v := p.(type) {
			case string:
				key += v
			case float64:
				key += "#"
			}
		}
		code, _ := e.Extensions["code"].(string)
		out[key] = code
	}
	return out
}

// TestSoftwareVersions runs the same queries and writes against Houston
// 0.34, 1.0 and 2.1: what a version lacks comes back as null with an
// UNSUPPORTED_BY_BACKEND_VERSION error on that field, the rest of the data
// is there, and a write the version lacks reaches no Houston write.
func TestSoftwareVersions(t *testing.T) {
	t.Parallel()
	const query = `{ software { houstonVersion
		appConfig { version baseDomain triggererEnabled hardDeleteDeployment featureFlags }
		deployments(first: 3) { nodes { name runtimeVersion airflowVersion clusterId teams { totalCount } } } } }`
	for _, tc := range []struct {
		version     string
		unsupported []string // paths with UNSUPPORTED_BY_BACKEND_VERSION
		adopt       bool     // adoptSoftwareDeployment exists
		mode        bool     // createSoftwareDeployment takes mode
	}{
		{"0.34.0", []string{"software.deployments.nodes.#.clusterId"}, false, false},
		{"1.0.1", nil, false, false},
		{"2.1.0", []string{"software.appConfig.triggererEnabled", "software.appConfig.hardDeleteDeployment"}, true, true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			testenv.Run(t, testenv.Config{HoustonOptions: []houstonsim.Option{houstonsim.WithVersion(tc.version)}}, func(t *testing.T, env *testenv.Env) {
				r := env.Query(t, query, nil, env.Headers())
				assert.Equal(t, tc.version, get(t, r.Data, "software", "houstonVersion"), "errors: %v", r.Errors)
				assert.NotEmpty(t, get(t, r.Data, "software", "appConfig", "baseDomain"), "the rest of appConfig is there")
				nodes := get(t, r.Data, "software", "deployments", "nodes").([]any)
				require.Len(t, nodes, 3)
				for _, n := range nodes {
					assert.NotEmpty(t, n.(map[string]any)["runtimeVersion"])
				}
				codes := codesByPath(r)
				for _, p := range tc.unsupported {
					assert.Equal(t, "UNSUPPORTED_BY_BACKEND_VERSION", codes[p], "error on %s: %v", p, r.Errors)
				}
				assert.Len(t, codes, len(tc.unsupported), "no other errors: %v", r.Errors)
				for _, e := range r.Errors {
					assert.Equal(t, "houston", e.Extensions["backend"])
					assert.Equal(t, tc.version, e.Extensions["backendVersion"])
					assert.NotEmpty(t, e.Extensions["feature"])
				}

				// Writes the version lacks are refused before any write.
				ws := get(t, mustQuery(t, env, `{ software { workspaces(first: 1) { nodes { id } } } }`), "software", "workspaces", "nodes", 0, "id")
				env.Houston.Reset()
				r = env.Query(t, `mutation($ws: ID!) {
					adoptSoftwareDeployment(input: {workspaceId: $ws, clusterId: "c", crNamespace: "ns", crName: "cr"}) { deployment { id } } }`,
					map[string]any{"ws": ws}, env.Headers())
				if tc.adopt {
					require.Len(t, r.Errors, 1)
					assert.NotEqual(t, "UNSUPPORTED_BY_BACKEND_VERSION", r.Errors[0].Extensions["code"], "2.1 has adoptDeployment (the cluster is unknown)")
				} else {
					require.Len(t, r.Errors, 1)
					assert.Equal(t, "UNSUPPORTED_BY_BACKEND_VERSION", r.Errors[0].Extensions["code"])
					assert.Equal(t, "Mutation.adoptDeployment", r.Errors[0].Extensions["feature"])
					assert.Zero(t, env.Houston.Stats().ByRoute["adoptDeployment"])
				}
				r = env.Query(t, `mutation($ws: ID!) {
					createSoftwareDeployment(input: {workspaceId: $ws, name: "moded", mode: OPERATOR}) { deployment { id } } }`,
					map[string]any{"ws": ws}, env.Headers())
				if !tc.mode {
					require.Len(t, r.Errors, 1)
					assert.Equal(t, "UNSUPPORTED_BY_BACKEND_VERSION", r.Errors[0].Extensions["code"])
					st := env.Houston.Stats()
					assert.Zero(t, st.ByRoute["upsertDeployment"]+st.ByRoute["createDeployment"], "no write reached Houston")
				}
			})
		})
	}
}

func mustQuery(t *testing.T, env *testenv.Env, q string) []byte {
	t.Helper()
	r := env.Query(t, q, nil, env.Headers())
	require.Empty(t, r.Errors)
	return r.Data
}
