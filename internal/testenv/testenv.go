// Package testenv starts both simulators and the gateway on loopback for a
// test, all over real HTTP, and offers a small GraphQL client. Only tests
// import it.
package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
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
	// WrapAstro, if set, wraps the Astro simulator's handler, so that a
	// test can hold, count or fail the gateway's upstream requests (each
	// carries its operation's X-Request-Id).
	WrapAstro func(http.Handler) http.Handler
	// Logger, if set, receives the gateway's log lines (discarded
	// otherwise).
	Logger *slog.Logger
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
	// Handler is the gateway's handler, for a test that calls it in
	// process: with a request context of its own (a deadline), say.
	Handler http.Handler
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
	var astroHandler http.Handler = env.Astro
	if cfg.WrapAstro != nil {
		astroHandler = cfg.WrapAstro(astroHandler)
	}
	as := httptest.NewServer(astroHandler)
	t.Cleanup(as.Close)
	hs := httptest.NewServer(env.Houston)
	t.Cleanup(hs.Close)
	env.AstroURL, env.HoustonURL = as.URL+"/v1", hs.URL+"/v1"
	at, ok := env.Astro.TokenOfKind("PERSONAL")
	require.True(t, ok, "astrosim has no personal token")
	ht, ok := env.Houston.TokenOfKind("SYSTEM_ADMIN")
	require.True(t, ok, "houstonsim has no system admin token")
	env.AstroToken, env.HoustonToken = at.Token, ht.Token

	gcfg := config.Default()
	gcfg.AstroAPIURL, gcfg.HoustonURL = env.AstroURL, env.HoustonURL
	if cfg.NoAstro {
		gcfg.AstroAPIURL = ""
	}
	if cfg.NoHouston {
		gcfg.HoustonURL = ""
	}
	if cfg.LogPollInterval > 0 {
		gcfg.LogPollInterval = cfg.LogPollInterval
	}
	if cfg.Configure != nil {
		cfg.Configure(&gcfg)
	}
	// Access lines of every test request would drown the test output.
	x := gateway.Extras{DisableLoaders: cfg.DisableLoaders, Logger: cfg.Logger}
	if x.Logger == nil {
		x.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Fallback.AstroToken != "" || cfg.Fallback.HoustonToken != "" || cfg.Fallback.AstroOrganizationID != "" {
		x.Fallback = &cfg.Fallback
	}
	gw, err := gateway.Build(gcfg, x)
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	env.Metrics, env.Handler = gw.Metrics, gw.Handler
	gs := httptest.NewUnstartedServer(gw.Handler)
	if cfg.ConfigureServer != nil {
		cfg.ConfigureServer(gs.Config)
	}
	gs.Start()
	t.Cleanup(gs.Close)
	env.GatewayURL = gs.URL + "/graphql"
	return env
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
	status, raw := PostRaw(t, url, body, headers)
	var out Response
	require.NoError(t, json.Unmarshal(raw, &out), "body: %s", raw)
	out.Status = status
	return out
}

// PostRaw posts a JSON body to url and returns the status and the body.
func PostRaw(t testing.TB, url string, body []byte, headers map[string]string) (int, []byte) {
	t.Helper()
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
	return resp.StatusCode, raw
}

// Decode unmarshals the response's data into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Data, v), "data: %s", r.Data)
}
