// Package bench measures the gateway: upstream calls per dashboard query
// (run in CI, with assertions), a load run (LOAD_TEST=1) and the in-process
// hot path (go test -bench). docs/BENCHMARKS.md records the figures.
package bench

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
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
	lift := func(c *config.Config) { c.AstroLimits = [3]int{100000, 100000, 100000} }
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
