package gateway

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/demo"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// Extras are what a gateway is built with beyond its configuration.
type Extras struct {
	Logger  *slog.Logger
	Version string // reported in the upstream User-Agent
	// Fallback, when set, is applied to every caller that sends no token,
	// with no gateway key required: what demo mode does with its demo
	// tokens, and what tests do.
	Fallback *loader.Credentials
	// DisableLoaders resolves every field with its own upstream call, to
	// measure what batching saves. Never in production.
	DisableLoaders bool
	// Ops are the process settings (readiness probes); zero: their
	// defaults.
	Ops config.Ops
	// Tracing traces operations and upstream calls (zero: off).
	Tracing telemetry.Tracing
}

// Gateway is a built gateway: its handler and what it holds open.
type Gateway struct {
	Handler http.Handler
	Metrics *metrics.Metrics
	// AstroURL and HoustonURL are the backends served, empty when absent;
	// in demo mode, the embedded simulators'.
	AstroURL, HoustonURL string
	// Demo is the embedded simulators in demo mode, nil otherwise.
	Demo *demo.Backends
	// Ready answers /readyz; Drain ends streams on shutdown (see
	// [Gateway.Shutdown]).
	Ready *Readiness
	Drain *Drain

	closers []func()

	current atomic.Pointer[http.Handler]
	mu      sync.Mutex
	digest  [32]byte // of the fleet file served
	// backends are a fleet's backend names, in configuration order
	// (FleetBackends); nil without a fleet.
	backends []string
	// reload rebuilds the handler for another fleet (nil: not a fleet
	// read from a file).
	reload func(*config.Fleet) (http.Handler, error)
}

func (g *Gateway) setHandler(h http.Handler) {
	g.current.Store(&h)
	if g.Handler == nil {
		g.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(*g.current.Load()).ServeHTTP(w, r)
		})
	}
}

// Close releases what the gateway holds (Redis connections, the demo
// simulators), in reverse order of acquisition.
func (g *Gateway) Close() {
	for i := len(g.closers) - 1; i >= 0; i-- {
		g.closers[i]()
	}
	g.closers = nil
}

// Build assembles the gateway from its configuration: the demo simulators
// when no backend is configured, what outlives requests (limiters, cache,
// metrics; in Redis when configured), the upstream clients over their
// transport chains, and the HTTP handler. server.go and the tests build
// the gateway through this one function.
func Build(cfg config.Config, x Extras) (*Gateway, error) {
	if x.Logger == nil {
		x.Logger = slog.Default()
	}
	g := &Gateway{AstroURL: cfg.AstroAPIURL, HoustonURL: cfg.HoustonURL}
	if f := cfg.Fleet; f != nil {
		if len(f.Astro) > 0 {
			g.AstroURL = f.Astro[0].URL
		}
		if len(f.Software) > 0 {
			g.HoustonURL = f.Software[0].URL
		}
	}
	opts := Options{
		GatewayKeys: cfg.GatewayKeys, CORSAllowedOrigins: cfg.CORSAllowedOrigins, CORSAllowedHeaders: cfg.CORSAllowedHeaders,
		LoaderWait: cfg.LoaderWait, RequestTimeout: cfg.RequestTimeout, LogPollInterval: cfg.LogPollInterval,
		Logger: x.Logger, DisableLoaders: x.DisableLoaders,
		Fallback: loader.Credentials{AstroToken: cfg.AstroAPIToken, HoustonToken: cfg.HoustonAPIToken},
	}
	if cfg.Demo() {
		sims, err := demo.Start(cfg.DemoDataset)
		if err != nil {
			return nil, err
		}
		g.closers = append(g.closers, sims.Close)
		g.Demo, g.AstroURL, g.HoustonURL = sims, sims.AstroURL, sims.HoustonURL
		x.Fallback = &loader.Credentials{AstroToken: sims.AstroToken, HoustonToken: sims.HoustonToken,
			Tokens: sims.Tokens, OrganizationIDs: map[string]string{}}
	}
	if x.Fallback != nil {
		opts.Fallback, opts.GatewayKeys = *x.Fallback, nil
	}
	bo, closeShared, err := Shared(cfg)
	if err != nil {
		g.Close()
		return nil, err
	}
	g.closers = append(g.closers, closeShared)
	bo.AstroURL, bo.HoustonURL, bo.NaiveReads = g.AstroURL, g.HoustonURL, x.DisableLoaders
	bo.Tracing, bo.Logger = x.Tracing, x.Logger
	bo.UserAgent = "astro-graphql-gateway"
	if x.Version != "" {
		bo.UserAgent += "/" + x.Version
	}
	if bo.Cache != nil && cfg.CacheTTL > 0 && cfg.DecodedCache {
		bo.Decoded = decoded.NewTier(cfg.CacheSize, cfg.CacheMaxBytes, cfg.CacheTTL)
		bo.Metrics.CacheSize("decoded", func() (int, int64) { return bo.Decoded.Len(), bo.Decoded.Bytes() })
	}
	g.Metrics, opts.Metrics, opts.Health, opts.Limits = bo.Metrics, bo.Metrics, bo.Health, &cfg.Limits
	opts.Idempotency = bo.Idempotency
	fleet := cfg.Fleet
	if fleet == nil && g.Demo != nil && g.Demo.Fleet != nil {
		fleet = g.Demo.Fleet
	}
	if fleet != nil {
		if err := g.withFleet(&opts, fleet, bo, x.Fallback == nil); err != nil {
			g.Close()
			return nil, err
		}
	} else if opts.Astro, opts.Houston, err = NewBackends(bo); err != nil {
		g.Close()
		return nil, err
	}
	if bo.Cache != nil && cfg.CacheTTL > 0 && cfg.ResponseCache {
		opts.Responses = cache.NewResponses(bo.Cache, cfg.CacheSize, cfg.CacheMaxBytes, cfg.CacheTTL)
		g.Metrics.CacheSize("response", func() (int, int64) { return opts.Responses.Len(), opts.Responses.Bytes() })
	}
	g.Ready, g.Drain = readinessOf(x.Ops, g.AstroURL, g.HoustonURL, fleet, bo.Health), NewDrain()
	g.Drain.onStream, g.Drain.onSub = g.Metrics.Stream, g.Metrics.Subscription
	g.Metrics.BuildInfo(x.Version)
	opts.Ops = OpsOptions{Ready: g.Ready, Drain: g.Drain, Tracing: x.Tracing}
	g.setHandler(New(opts))
	if cfg.Fleet != nil {
		g.reload = func(f *config.Fleet) (http.Handler, error) {
			o := opts
			if err := g.withFleet(&o, f, bo, x.Fallback == nil); err != nil {
				return nil, err
			}
			return New(o), nil
		}
	}
	// Outermost, around whichever handler a fleet reload put in place.
	g.Handler = observeHTTP(g.Metrics, x.Tracing, g.Drain.track(g.Handler))
	return g, nil
}

// withFleet builds the clients of fleet's backends into opts: the first
// Astro and Software backends become opts.Astro and opts.Houston, and,
// with service, the backends' service tokens the fallback credentials.
func (g *Gateway) withFleet(opts *Options, fleet *config.Fleet, bo BackendOptions, service bool) error {
	members, tokens, err := buildFleet(fleet, bo)
	if err != nil {
		return err
	}
	opts.Fleet, opts.Astro, opts.Houston = members, nil, nil
	if service {
		opts.Fallback = tokens
	}
	var names []string
	for _, m := range members {
		names = append(names, m.Name)
		if m.Astro != nil && opts.Astro == nil {
			opts.Astro = m.Astro
		}
		if m.Houston != nil && opts.Houston == nil {
			opts.Houston = m.Houston
		}
	}
	g.mu.Lock()
	g.backends, g.digest = names, fleet.Digest
	g.mu.Unlock()
	return nil
}
