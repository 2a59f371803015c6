// Package testenv starts both simulators and the gateway on loopback for a
// test, all over real HTTP, and offers a small GraphQL client. Only tests
// import it.
package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// Config shapes an environment. The zero value is both simulators with the
// small dataset and the gateway in front of them, with no fallback tokens:
// every request carries its own.
type Config struct {
	Dataset        string // astrosim/houstonsim dataset; default "small"
	AstroOptions   []astrosim.Option
	HoustonOptions []houstonsim.Option
	NoAstro        bool // gateway without an Astro backend
	NoHouston      bool // gateway without a Houston backend
	// DisableLoaders resolves every field with its own upstream call: no
	// batching, no coalescing. For measurements only.
	DisableLoaders bool
	// HoustonLogInterval, if set, is how often houstonsim writes a log line
	// per component (houstonsim.WithLogInterval), so log tests need not wait.
	HoustonLogInterval time.Duration
	// LogPollInterval is the gateway's Astro log poll interval (default 5s).
	LogPollInterval time.Duration
	// Fallback tokens applied to callers that send none (as demo mode does).
	Fallback loader.Credentials
	// Configure adjusts the gateway's configuration (defaults otherwise:
	// in-process limiter and a 5 s cache).
	Configure func(*config.Config)
	// ConfigureServer adjusts the gateway's http.Server before it starts
	// (timeouts, say).
	ConfigureServer func(*http.Server)
	// UpstreamTimeout is the gateway's UPSTREAM_TIMEOUT (default 30 s).
	UpstreamTimeout time.Duration
}

// Env is a running environment.
type Env struct {
	Astro        *astrosim.Sim
	Houston      *houstonsim.Sim
	AstroURL     string // .../v1
	HoustonURL   string // .../v1
	GatewayURL   string // .../graphql
	AstroToken   string // a personal token
	HoustonToken string // a system admin's token
	Metrics      *metrics.Metrics
}

// Run starts an environment, runs f, and stops it.
func Run(t *testing.T, cfg Config, f func(t *testing.T, env *Env)) {
	t.Helper()
	f(t, Start(t, cfg))
}

// Start starts an environment that stops when t's test or benchmark ends.
func Start(t testing.TB, cfg Config) *Env {
	t.Helper()
	if cfg.Dataset == "" {
		cfg.Dataset = "small"
	}
	hopts := []houstonsim.Option{houstonsim.WithDataset(cfg.Dataset)}
	if cfg.HoustonLogInterval > 0 {
		hopts = append(hopts, houstonsim.WithLogInterval(cfg.HoustonLogInterval))
	}
	env := &Env{
		Astro:   astrosim.New(append([]astrosim.Option{astrosim.WithDataset(cfg.Dataset)}, cfg.AstroOptions...)...),
		Houston: houstonsim.New(append(hopts, cfg.HoustonOptions...)...),
	}
	as := httptest.NewServer(env.Astro)
	t.Cleanup(as.Close)
	hs := httptest.NewServer(env.Houston)
	t.Cleanup(hs.Close)
	env.AstroURL, env.HoustonURL = as.URL+"/v1", hs.URL+"/v1"
	env.AstroToken = TokenOfKind(t, env.Astro.Tokens(), "PERSONAL")
	env.HoustonToken = houstonToken(t, env.Houston.Tokens(), "SYSTEM_ADMIN")

	gcfg := config.Default()
	if cfg.Configure != nil {
		cfg.Configure(&gcfg)
	}
	bo, closeShared, err := gateway.Shared(gcfg)
	require.NoError(t, err)
	t.Cleanup(closeShared)
	env.Metrics = bo.Metrics
	bo.NaiveReads = cfg.DisableLoaders
	bo.AstroURL, bo.HoustonURL, bo.Timeout = env.AstroURL, env.HoustonURL, 30*time.Second
	if cfg.UpstreamTimeout > 0 {
		bo.Timeout = cfg.UpstreamTimeout
	}
	if cfg.NoAstro {
		bo.AstroURL = ""
	}
	if cfg.NoHouston {
		bo.HoustonURL = ""
	}
	opts := gateway.Options{LoaderWait: gcfg.LoaderWait, DisableLoaders: cfg.DisableLoaders, Fallback: cfg.Fallback, RequestTimeout: gcfg.RequestTimeout,
		Metrics: bo.Metrics, Idempotency: bo.Idempotency, LogPollInterval: cfg.LogPollInterval, CORSAllowedOrigins: gcfg.CORSAllowedOrigins}
	opts.Astro, opts.Houston, err = gateway.NewBackends(bo)
	require.NoError(t, err)
	gs := httptest.NewUnstartedServer(gateway.New(opts))
	if cfg.ConfigureServer != nil {
		cfg.ConfigureServer(gs.Config)
	}
	gs.Start()
	t.Cleanup(gs.Close)
	env.GatewayURL = gs.URL + "/graphql"
	return env
}

// TokenOfKind returns the first astrosim token of a kind.
func TokenOfKind(t testing.TB, toks []astrosim.Token, kind string) string {
	t.Helper()
	for _, tok := range toks {
		if tok.Kind == kind {
			return tok.Token
		}
	}
	t.Fatalf("simulator has no %s token", kind)
	return ""
}

func houstonToken(t testing.TB, toks []houstonsim.Token, kind string) string {
	t.Helper()
	for _, tok := range toks {
		if tok.Kind == kind {
			return tok.Token
		}
	}
	t.Fatalf("houston simulator has no %s token", kind)
	return ""
}

// Headers carry both default tokens.
func (e *Env) Headers() map[string]string {
	return map[string]string{"X-Astro-Token": e.AstroToken, "X-Houston-Token": e.HoustonToken}
}

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Status int             `json:"-"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Query posts a query to the gateway with headers.
func (e *Env) Query(t testing.TB, query string, vars map[string]any, headers map[string]string) Response {
	t.Helper()
	return Post(t, e.GatewayURL, query, vars, headers)
}

// Post posts a GraphQL query to url.
func Post(t testing.TB, url, query string, vars map[string]any, headers map[string]string) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out Response
	require.NoError(t, json.Unmarshal(raw, &out), "body: %s", raw)
	out.Status = resp.StatusCode
	return out
}

// Decode unmarshals the response's data into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Data, v), "data: %s", r.Data)
}
