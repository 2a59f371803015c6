package gateway_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestHoustonRateLimits: with HOUSTON_RATE_LIMITS set, Houston requests
// hold places the same way (queries in the read class): Houston never sees
// more than the limit in any second.
func TestHoustonRateLimits(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoAstro: true, Configure: func(c *config.Config) {
		c.HoustonLimits = [3]int{4, 2, 1}
		// Lift the per-caller concurrency cap, so the load reaches the
		// rate limiter rather than the gateway's admission queue.
		c.Limits.MaxConcurrent, c.Limits.MaxConcurrentPerCaller = 100, 100
	}}, func(t *testing.T, env *testenv.Env) {
		h := map[string]string{"X-Houston-Token": env.HoustonToken, "Cache-Control": "no-cache"}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				r := env.Query(t, fmt.Sprintf(`{ software { user(id: "nobody-%d") { id } } }`, i), nil, h)
				for _, e := range r.Errors {
					assert.Equal(t, "NOT_FOUND", e.Extensions["code"], "waited for its place within the deadline: %+v", e)
				}
			})
		}
		wg.Wait()
		s := env.Houston.Stats()
		peak := 0
		for _, byMethod := range s.PeakPerSecond {
			peak = max(peak, byMethod["POST"])
		}
		assert.GreaterOrEqual(t, s.Requests, 12)
		assert.LessOrEqual(t, peak, 4, "at most 4 Houston queries a second for the token")
	})
}
