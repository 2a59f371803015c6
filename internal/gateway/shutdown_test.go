package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
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

// TestShutdownEndsSingleConnectionStream: a graphql-sse single-connection
// stream with a subscription running gets the subscription's "complete"
// and ends when the gateway shuts down, which then returns at once.
func TestShutdownEndsSingleConnectionStream(t *testing.T) {
	t.Parallel()
	cfg := config.Default() // no backend: demo mode, demo tokens for every caller
	gw, err := gateway.Build(cfg, gateway.Extras{Ops: config.DefaultOps(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: gw.Handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	url := base + "/graphql"
	do := func(method, body string, h map[string]string) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
		require.NoError(t, err)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	r := testenv.Post(t, url, `{ deployments(first: 1, filter: {platforms: [SOFTWARE]}) { nodes { id } } }`, nil, nil)
	require.Empty(t, r.Errors)
	var d struct {
		Deployments struct{ Nodes []struct{ ID string } }
	}
	r.Decode(t, &d)
	require.NotEmpty(t, d.Deployments.Nodes)

	resp := do(http.MethodPut, "", nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	tok, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	withToken := map[string]string{"X-GraphQL-Event-Stream-Token": string(tok), "Content-Type": "application/json"}
	stream := do(http.MethodGet, "", map[string]string{"X-GraphQL-Event-Stream-Token": string(tok), "Accept": "text/event-stream"})
	defer stream.Body.Close()
	require.Equal(t, http.StatusOK, stream.StatusCode)
	sub, err := json.Marshal(map[string]any{
		"query":      `subscription($id: ID!) { deploymentLogs(deploymentId: $id) { message } }`,
		"variables":  map[string]any{"id": d.Deployments.Nodes[0].ID},
		"extensions": map[string]any{"operationId": "logs"},
	})
	require.NoError(t, err)
	started := do(http.MethodPost, string(sub), withToken)
	started.Body.Close()
	require.Equal(t, http.StatusAccepted, started.StatusCode)
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), "\ngateway_active_subscriptions 1\n")
	}, 10*time.Second, 10*time.Millisecond, "the subscription runs")

	read := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(stream.Body) // until the stream ends
		read <- string(b)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	began := time.Now()
	require.NoError(t, gw.Shutdown(ctx, srv))
	assert.Less(t, time.Since(began), 2*time.Second)
	select {
	case body := <-read:
		assert.Contains(t, body, "event: complete\ndata: {\"id\":\"logs\"}", "the subscription completes on the stream")
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end")
	}
}
