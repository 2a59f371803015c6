// Package bench measures the gateway: upstream calls per dashboard query
// (run in CI, with assertions), a load run (LOAD_TEST=1) and the in-process
// hot path (go test -bench). docs/BENCHMARKS.md records the figures.
package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// dashboard is the canonical dashboard query: a page of deployments with
// their status, workspace and cluster.
const dashboard = `query($org: String!, $first: Int!, $after: String) { astro { organization(id: $org) {
	deployments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
		nodes { name status workspace { name description } cluster { name region } } } } } }`

// walk runs the dashboard query over pages of size first until n
// deployments are read, and returns the Astro requests it cost.
func walk(t *testing.T, env *testenv.Env, org string, first, n int) int {
	t.Helper()
	env.Astro.Reset()
	read := 0
	var after any
	for read < n {
		r := env.Query(t, dashboard, map[string]any{"org": org, "first": first, "after": after}, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Astro struct {
				Organization struct {
					Deployments struct {
						PageInfo struct {
							HasNextPage bool   `json:"hasNextPage"`
							EndCursor   string `json:"endCursor"`
						} `json:"pageInfo"`
						Nodes []struct {
							Workspace struct{ Description *string } `json:"workspace"`
							Cluster   *struct{ Region *string }     `json:"cluster"`
						} `json:"nodes"`
					} `json:"deployments"`
				} `json:"organization"`
			} `json:"astro"`
		}
		r.Decode(t, &d)
		page := d.Astro.Organization.Deployments
		for _, nd := range page.Nodes {
			require.NotNil(t, nd.Workspace.Description)
		}
		read += len(page.Nodes)
		if !page.PageInfo.HasNextPage {
			break
		}
		after = page.PageInfo.EndCursor
	}
	require.Equal(t, n, read)
	st := env.Astro.Stats()
	t.Logf("by route: %v", st.ByRoute)
	return st.Requests
}

// TestUpstreamCallsPerQuery measures the Astro requests of the dashboard
// query on the bench dataset, with the loaders and against resolving each
// field with its own call (loaders and cache off). Limits are lifted on
// both sides: this counts calls, it does not time them.
func TestUpstreamCallsPerQuery(t *testing.T) {
	t.Parallel()
	// The cache outlives the walk however slow the machine: a later page's
	// workspaces, asked again with the same ids, are answered from it.
	lift := func(c *config.Config) { c.AstroLimits = [3]int{100000, 100000, 100000}; c.CacheTTL = time.Minute }
	noCache := func(c *config.Config) { lift(c); c.CacheTTL = 0 }
	sims := []astrosim.Option{astrosim.WithRateLimit(false)}
	type result struct{ loaders, naive int }
	results := map[string]*result{}
	for _, tc := range []struct {
		name     string
		first, n int
		minimum  int
	}{
		// The minimum: one ListDeployments per page and one ListWorkspaces
		// for the workspaces' descriptions; cluster name and region come
		// with each deployment.
		{"first 100", 100, 100, 2},
		{"all 2000", 1000, 2000, 3},
	} {
		results[tc.name] = &result{}
		testenv.Run(t, testenv.Config{Dataset: "bench", NoHouston: true, AstroOptions: sims, Configure: lift}, func(t *testing.T, env *testenv.Env) {
			org := env.Astro.Tokens()[0].Scope[0]
			results[tc.name].loaders = walk(t, env, org, tc.first, tc.n)
			assert.Equal(t, tc.minimum, results[tc.name].loaders, "%s: upstream calls with loaders", tc.name)
		})
		testenv.Run(t, testenv.Config{Dataset: "bench", NoHouston: true, AstroOptions: sims, Configure: noCache, DisableLoaders: true}, func(t *testing.T, env *testenv.Env) {
			org := env.Astro.Tokens()[0].Scope[0]
			results[tc.name].naive = walk(t, env, org, tc.first, tc.n)
		})
		r := results[tc.name]
		t.Logf("%-10s minimum %d | loaders %d | one call per field %d", tc.name, tc.minimum, r.loaders, r.naive)
		assert.Greater(t, r.naive, 10*r.loaders)
	}
	fmt.Println() // keep the log lines apart from go test's summary
}

// TestNestedListCalls: the deployments of a page of workspaces cost one
// ListDeployments for all of them (query B of the benchmarks), and every
// workspace's page, total and cursors are those the workspace alone gets.
func TestNestedListCalls(t *testing.T) {
	t.Parallel()
	lift := func(c *config.Config) { c.AstroLimits = [3]int{100000, 100000, 100000}; c.CacheTTL = 0 }
	env := testenv.Start(t, testenv.Config{Dataset: "bench", NoHouston: true, AstroOptions: []astrosim.Option{astrosim.WithRateLimit(false)}, Configure: lift})
	org := env.Astro.Tokens()[0].Scope[0]
	type page struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Nodes []struct{ ID, Name, WorkspaceName string }
	}
	const nested = `query($org: String!, $first: Int!, $after: String) { astro { organization(id: $org) { workspaces(first: 25) { nodes { workspaceId
		deployments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name workspaceName } } } } } } }`
	const single = `query($org: String!, $ws: String!, $first: Int!, $after: String) { astro { organization(id: $org) { workspace(id: $ws) {
		deployments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name workspaceName } } } } } }`
	for _, tc := range []struct {
		first int
		after any
	}{{5, nil}, {20, nil}, {3, encodeOffset(t, env, org, 4)}} {
		env.Astro.Reset()
		r := env.Query(t, nested, map[string]any{"org": org, "first": tc.first, "after": tc.after}, env.Headers())
		require.Empty(t, r.Errors)
		st := env.Astro.Stats()
		var d struct {
			Astro struct {
				Organization struct {
					Workspaces struct {
						Nodes []struct {
							WorkspaceID string
							Deployments page
						}
					}
				}
			}
		}
		r.Decode(t, &d)
		ws := d.Astro.Organization.Workspaces.Nodes
		require.NotEmpty(t, ws)
		total := 0
		for _, w := range ws {
			total += w.Deployments.TotalCount
		}
		// One ListWorkspaces, and ListDeployments in pages of 1,000 for
		// every workspace at once.
		assert.Equal(t, 1+(total+999)/1000, st.Requests, "first %d, %d deployments: %v", tc.first, total, st.ByRoute)
		t.Logf("first %d: %d workspaces, %d deployments, %d upstream calls", tc.first, len(ws), total, st.Requests)
		for _, w := range ws {
			one := env.Query(t, single, map[string]any{"org": org, "ws": w.WorkspaceID, "first": tc.first, "after": tc.after}, env.Headers())
			require.Empty(t, one.Errors)
			var s struct {
				Astro struct {
					Organization struct{ Workspace struct{ Deployments page } }
				}
			}
			one.Decode(t, &s)
			assert.Equal(t, s.Astro.Organization.Workspace.Deployments, w.Deployments, "workspace %s, first %d", w.WorkspaceID, tc.first)
		}
	}
}

// encodeOffset is the cursor after the n-th item, as the gateway hands it
// out: read off a first page of n.
func encodeOffset(t *testing.T, env *testenv.Env, org string, n int) string {
	t.Helper()
	r := env.Query(t, `query($org: String!, $n: Int!) { astro { organization(id: $org) { deployments(first: $n) { pageInfo { endCursor } } } } }`,
		map[string]any{"org": org, "n": n}, env.Headers())
	require.Empty(t, r.Errors)
	var d struct {
		Astro struct {
			Organization struct {
				Deployments struct{ PageInfo struct{ EndCursor string } }
			}
		}
	}
	r.Decode(t, &d)
	return d.Astro.Organization.Deployments.PageInfo.EndCursor
}

// TestSoftwareNestedListCalls: the deployments of every Software workspace
// of a page come in one Houston document (query C of the benchmarks), the
// same document each time.
func TestSoftwareNestedListCalls(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, testenv.Config{Dataset: "bench", NoAstro: true, Configure: func(c *config.Config) { c.CacheTTL = 0 }})
	const q = `{ software { workspaces(first: 50) { nodes { name deployments(first: 5) { totalCount nodes { name status } } } } } }`
	r := env.Query(t, q, nil, env.Headers()) // learns the version
	require.Empty(t, r.Errors)
	for range 3 {
		env.Houston.Reset()
		r := env.Query(t, q, nil, env.Headers())
		require.Empty(t, r.Errors)
		st := env.Houston.Stats()
		t.Logf("houston: %d requests %v", st.Requests, st.ByRoute)
		assert.Equal(t, 2, st.Requests, "one workspaces list, one document with every workspace's deployments: %v", st.ByRoute)
	}
}

// TestSoftwareListCalls: a page of 20 Software deployments with their
// workspace names costs at most 2 Houston requests on every posed version
// with paginatedDeployments (the list, then the page's workspaces), once
// the version is known; a deployment-scoped token sees its deployments.
func TestSoftwareListCalls(t *testing.T) {
	t.Parallel()
	const q = `{ deployments(first: 20, filter: {platforms: [SOFTWARE]}) { totalCount nodes { name workspace { name } } } }`
	for _, v := range []string{"1.0.0", "2.1.0"} {
		t.Run(v, func(t *testing.T) {
			env := testenv.Start(t, testenv.Config{Dataset: "bench", NoAstro: true, HoustonOptions: []houstonsim.Option{houstonsim.WithVersion(v)},
				Configure: func(c *config.Config) { c.CacheTTL = 0 }})
			r := env.Query(t, q, nil, env.Headers()) // learns the version
			require.Empty(t, r.Errors)
			env.Houston.Reset()
			r = env.Query(t, q, nil, env.Headers())
			require.Empty(t, r.Errors)
			st := env.Houston.Stats()
			t.Logf("houston %s: %d requests %v", v, st.Requests, st.ByRoute)
			assert.LessOrEqual(t, st.Requests, 2, "%v", st.ByRoute)
			var d struct{ Deployments struct{ TotalCount int } }
			r.Decode(t, &d)
			assert.Positive(t, d.Deployments.TotalCount)

			tok, ok := env.Houston.TokenOfKind("DEPLOYMENT_ADMIN")
			require.True(t, ok)
			r = env.Query(t, q, nil, map[string]string{"X-Houston-Token": tok.Token})
			require.Empty(t, r.Errors)
			r.Decode(t, &d)
			assert.Equal(t, len(tok.Scope), d.Deployments.TotalCount, "a deployment-scoped token sees its deployments")
		})
	}
}
