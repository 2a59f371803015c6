package gateway_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestMetricsMove runs a dashboard query twice, then the same query written
// otherwise, and reads /metrics: upstream requests, limiter waits, cache
// misses then hits (of the response tier for the repeat, of the upstream
// tier for the rewritten query), dataloader batches, operation durations
// and the response cache's size all show up.
func TestMetricsMove(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		q := `{ deployments(first: 20) { totalCount nodes { name platform ... on AstroDeployment { workspace { description } } } } }`
		for _, q := range []string{q, q, q + " "} {
			r := env.Query(t, q, nil, env.Headers())
			require.Empty(t, r.Errors)
		}
		resp, err := http.Get(strings.TrimSuffix(env.GatewayURL, "graphql") + "metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		body := string(b)
		for _, want := range []string{
			`gateway_upstream_requests_total{backend="astro",operation="ListDeployments",status="200"}`,
			`gateway_upstream_requests_total{backend="houston",operation="paginatedDeployments",status="200"}`,
			`gateway_upstream_request_duration_seconds_bucket{backend="astro"`,
			`gateway_limiter_wait_seconds_count{backend="astro",class="GET"}`,
			`gateway_cache_requests_total{backend="astro",result="miss"}`,
			`gateway_cache_requests_total{backend="astro",result="decoded_hit"}`,
			`gateway_cache_entries{tier="decoded"}`,
			`gateway_cache_requests_total{backend="response",result="hit"} 1`,
			`gateway_cache_entries{tier="response"} 2`,
			`gateway_dataloader_batch_size_count{loader="AstroWorkspace"}`,
			`gateway_graphql_operation_duration_seconds_count{outcome="ok",type="query"}`,
		} {
			assert.Contains(t, body, want)
		}
		assert.NotContains(t, body, env.AstroToken)
	})
}

// TestMetricSeriesBounded: ids a caller crafts never become metric
// labels: a hundred distinct deployment ids, some shaped like paths, add
// no series beyond the operations they used.
func TestMetricSeriesBounded(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, testenv.Config{NoHouston: true, Configure: func(c *config.Config) { c.CacheTTL = 0 }})
	org := env.Astro.Tokens()[0].Scope[0]
	var q strings.Builder
	q.WriteString("query($org: String!) { astro { organization(id: $org) {")
	for i := range 100 {
		id := fmt.Sprintf("crafted%d", i)
		if i%3 == 0 {
			id = fmt.Sprintf("a%%2F..%%2Fb%d", i)
		}
		fmt.Fprintf(&q, " d%d: deployment(id: %q) { name }", i, id)
	}
	q.WriteString(" } } }")
	env.Query(t, q.String(), map[string]any{"org": org}, env.Headers())
	resp, err := http.Get(strings.TrimSuffix(env.GatewayURL, "graphql") + "metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	series := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, `gateway_upstream_requests_total{backend="astro"`) {
			series++
			assert.NotContains(t, line, "crafted")
		}
	}
	assert.Positive(t, series)
	assert.LessOrEqual(t, series, 3, "one series per operation and status, whatever the ids:\n%s", b)
}
