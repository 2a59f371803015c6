package gateway_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
)

// upstreamServer serves h on a fixed loopback address that can be stopped
// and started again, as an upstream that goes away and comes back.
type upstreamServer struct {
	t    *testing.T
	addr string
	h    http.Handler
	mu   sync.Mutex
	srv  *http.Server
	// auth records the Authorization headers of the requests seen.
	auth []string
}

func newUpstream(t *testing.T, h http.Handler) *upstreamServer {
	u := &upstreamServer{t: t}
	u.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.auth = append(u.auth, r.Header.Get("Authorization"))
		u.mu.Unlock()
		h.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u.addr = ln.Addr().String()
	u.serve(ln)
	t.Cleanup(u.stop)
	return u
}

func (u *upstreamServer) serve(ln net.Listener) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.srv = &http.Server{Handler: u.h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = u.srv.Serve(ln) }()
}

func (u *upstreamServer) stop() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.srv != nil {
		_ = u.srv.Close()
		u.srv = nil
	}
}

func (u *upstreamServer) start() {
	ln, err := net.Listen("tcp", u.addr)
	require.NoError(u.t, err)
	u.serve(ln)
}

func (u *upstreamServer) url() string { return "http://" + u.addr + "/v1" }

type readyz struct {
	Status string `json:"status"`
	Checks []struct {
		Name, Status, Error string
		Required            bool
	} `json:"checks"`
}

func getReady(t *testing.T, url string) (int, readyz) {
	t.Helper()
	resp, err := http.Get(url + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var r readyz
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return resp.StatusCode, r
}

func checkOf(r readyz, name string) string {
	for _, c := range r.Checks {
		if c.Name == name {
			return c.Status
		}
	}
	return "absent"
}

func buildGateway(t *testing.T, cfg config.Config, ops config.Ops) (*gateway.Gateway, string) {
	t.Helper()
	gw, err := gateway.Build(cfg, gateway.Extras{Ops: ops})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw.Handler)
	t.Cleanup(srv.Close)
	return gw, srv.URL
}

// TestReadyzFollowsUpstream stops the one backend and starts it again:
// /readyz goes 200 ready → 503 not_ready → 200 ready, naming the check;
// /healthz (liveness) stays 200 throughout. The probes carry no token.
func TestReadyzFollowsUpstream(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, astrosim.New(astrosim.WithDataset("small")))
	cfg := config.Default()
	cfg.AstroAPIURL = up.url()
	ops := config.DefaultOps()
	ops.ReadyCache = 0 // probe on every call, for the test
	_, url := buildGateway(t, cfg, ops)

	status, r := getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusReady, r.Status)
	assert.Equal(t, "ok", checkOf(r, "astro"))
	assert.Equal(t, "absent", checkOf(r, "houston"), "only configured backends are checked")

	up.stop()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, gateway.StatusNotReady, r.Status)
	assert.Equal(t, "fail", checkOf(r, "astro"))
	resp, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "liveness does not follow the upstream")

	up.start()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusReady, r.Status)

	up.mu.Lock()
	defer up.mu.Unlock()
	require.NotEmpty(t, up.auth)
	for _, a := range up.auth {
		assert.Empty(t, a, "a readiness probe carries no token")
	}

	// The answers are counted by status class, under the path's name.
	resp, err = http.Get(url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for _, want := range []string{
		`gateway_http_responses_total{class="2xx",path="/readyz"} 2`,
		`gateway_http_responses_total{class="5xx",path="/readyz"} 1`,
		`gateway_http_responses_total{class="2xx",path="/healthz"} 1`,
		`gateway_build_info{goversion="go`,
	} {
		assert.Contains(t, string(b), want)
	}
}

// TestReadyzDegradedAndDraining: with two backends, one down is degraded
// (200: the other platform is served); a probe is reused within its TTL;
// a draining gateway answers 503.
func TestReadyzDegradedAndDraining(t *testing.T) {
	t.Parallel()
	astroUp := newUpstream(t, astrosim.New(astrosim.WithDataset("small")))
	houstonUp := newUpstream(t, houstonsim.New(houstonsim.WithDataset("small")))
	cfg := config.Default()
	cfg.AstroAPIURL, cfg.HoustonURL = astroUp.url(), houstonUp.url()
	ops := config.DefaultOps()
	ops.ReadyCache = 0
	gw, url := buildGateway(t, cfg, ops)

	status, r := getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusReady, r.Status)
	assert.Equal(t, "ok", checkOf(r, "houston"))

	houstonUp.stop()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusOK, status, "degraded still serves")
	assert.Equal(t, gateway.StatusDegraded, r.Status)
	assert.Equal(t, "ok", checkOf(r, "astro"))
	assert.Equal(t, "fail", checkOf(r, "houston"))

	gw.Ready.SetDraining()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, gateway.StatusDraining, r.Status)
}

// TestReadyzCachesProbes: within the TTL a scrape does not probe again.
func TestReadyzCachesProbes(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, astrosim.New(astrosim.WithDataset("small")))
	cfg := config.Default()
	cfg.AstroAPIURL = up.url()
	ops := config.DefaultOps()
	ops.ReadyCache = time.Hour
	_, url := buildGateway(t, cfg, ops)
	for range 5 {
		status, _ := getReady(t, url)
		assert.Equal(t, http.StatusOK, status)
	}
	up.mu.Lock()
	defer up.mu.Unlock()
	assert.Len(t, up.auth, 1, "one probe for five scrapes")
}

// TestReadyzProbesEveryFleetMember: with a fleet, each member has its own
// check; one member down is degraded (the others still serve), all down is
// not ready.
func TestReadyzProbesEveryFleetMember(t *testing.T) {
	t.Parallel()
	acme := newUpstream(t, astrosim.New(astrosim.WithDataset("small")))
	globex := newUpstream(t, astrosim.New(astrosim.WithDataset("small")))
	cfg := config.Default()
	cfg.Fleet = &config.Fleet{Astro: []config.Backend{
		{Platform: "astro", Name: "acme", URL: acme.url()},
		{Platform: "astro", Name: "globex", URL: globex.url()},
	}}
	ops := config.DefaultOps()
	ops.ReadyCache = 0
	_, url := buildGateway(t, cfg, ops)

	status, r := getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusReady, r.Status)
	assert.Equal(t, "ok", checkOf(r, "astro:acme"))
	assert.Equal(t, "ok", checkOf(r, "astro:globex"))

	globex.stop()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusDegraded, r.Status)
	assert.Equal(t, "fail", checkOf(r, "astro:globex"))

	acme.stop()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, gateway.StatusNotReady, r.Status)

	acme.start()
	globex.start()
	status, r = getReady(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, gateway.StatusReady, r.Status)
}
