package gateway_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestShutdownFinishesQueries: a query in flight when the shutdown begins
// is answered whole, a new connection is refused, /readyz says draining
// meanwhile, and Shutdown returns as soon as the query is done.
func TestShutdownFinishesQueries(t *testing.T) {
	t.Parallel()
	sim := astrosim.New(astrosim.WithDataset("small"), astrosim.WithLatency(400*time.Millisecond, 400*time.Millisecond))
	up := newUpstream(t, sim)
	cfg := config.Default()
	cfg.AstroAPIURL = up.url()
	cfg.CacheTTL = 0
	gw, err := gateway.Build(cfg, gateway.Extras{Ops: config.DefaultOps()})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: gw.Handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + "/graphql"
	tok, ok := sim.TokenOfKind("PERSONAL")
	require.True(t, ok)

	answered := make(chan testenv.Response, 1)
	go func() {
		answered <- testenv.Post(t, url, `{ deployments(first: 3) { totalCount } }`, nil, map[string]string{"X-Astro-Token": tok.Token})
	}()
	// The query is upstream (the simulator takes 400 ms per request).
	require.Eventually(t, func() bool {
		up.mu.Lock()
		defer up.mu.Unlock()
		return len(up.auth) > 0
	}, 5*time.Second, 5*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	began := time.Now()
	done := make(chan error, 1)
	go func() { done <- gw.Shutdown(ctx, srv) }()
	assert.Equal(t, gateway.StatusDraining, gw.Ready.Report().Status)

	r := <-answered
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Empty(t, r.Errors, "the query in flight is answered whole")
	require.NoError(t, <-done)
	assert.Less(t, time.Since(began), 5*time.Second)
	_, err = http.Get("http://" + ln.Addr().String() + "/healthz")
	assert.Error(t, err, "no new connection after the shutdown")
}
