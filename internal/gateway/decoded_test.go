package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestDecodedTierAnswersOtherQueries: with whole responses not kept, a
// different query over the same Astro lists is answered from the decoded
// tier — no upstream request, and the same data as a cold gateway gives —
// and many concurrent queries sharing those objects agree (run with -race:
// the shared objects are never written).
func TestDecodedTierAnswersOtherQueries(t *testing.T) {
	t.Parallel()
	const (
		first  = `{ deployments(first: 20, filter: {platforms: [ASTRO]}) { totalCount nodes { id name } } }`
		second = `{ deployments(first: 20, filter: {platforms: [ASTRO]}) { nodes { name status runtimeVersion ... on AstroDeployment { workspace { name } } } } }`
		both   = `{ deployments(first: 30) { totalCount nodes { name platform status workspace { name } } } workspaces(first: 10) { nodes { name } } }`
	)
	cold := testenv.Start(t, testenv.Config{Configure: func(c *config.Config) { c.CacheTTL = 0 }})
	want := cold.Query(t, second, nil, cold.Headers())
	require.Empty(t, want.Errors)
	wantBoth := cold.Query(t, both, nil, cold.Headers())
	require.Empty(t, wantBoth.Errors)

	env := testenv.Start(t, testenv.Config{Configure: func(c *config.Config) {
		c.ResponseCache = false
		c.Limits.MaxConcurrentPerCaller = 16
	}})
	r := env.Query(t, first, nil, env.Headers())
	require.Empty(t, r.Errors)
	env.Query(t, second, nil, env.Headers()) // the workspaces' batch too
	env.Query(t, both, nil, env.Headers())
	env.Astro.Reset()
	env.Houston.Reset()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				got := env.Query(t, second, nil, env.Headers())
				assert.Empty(t, got.Errors)
				assert.JSONEq(t, string(want.Data), string(got.Data))
				got = env.Query(t, both, nil, env.Headers())
				assert.Empty(t, got.Errors)
				assert.JSONEq(t, string(wantBoth.Data), string(got.Data))
			}
		})
	}
	wg.Wait()
	assert.Zero(t, env.Astro.Stats().Requests+env.Houston.Stats().Requests, "warm queries send nothing upstream: %v %v", env.Astro.Stats().ByRoute, env.Houston.Stats().ByRoute)
	resp, err := http.Get(strings.TrimSuffix(env.GatewayURL, "graphql") + "metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for _, backend := range []string{"astro", "houston"} {
		assert.Contains(t, string(b), `gateway_cache_requests_total{backend="`+backend+`",result="decoded_hit"}`, "and are answered from decoded objects")
	}
}
