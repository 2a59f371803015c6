package gateway

import (
	"net/http"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/upstream"
)

// BackendOptions configure the upstream clients.
type BackendOptions struct {
	AstroURL   string // empty: no Astro backend
	HoustonURL string // empty: no Software backend
	Timeout    time.Duration
	UserAgent  string
	// AstroLimiter and HoustonLimiter admit requests per token; nil: Astro
	// gets an in-process limiter with limiter.AstroLimits, Houston none.
	AstroLimiter, HoustonLimiter limiter.Waiter
	// Cache holds upstream reads; nil: no cache (identical concurrent reads
	// are still coalesced).
	Cache   cache.Store
	Metrics *metrics.Metrics
	// NaiveReads turns coalescing off (with Cache nil: every read goes
	// upstream), to measure what batching saves. Never in production.
	NaiveReads bool
	// Transport is the network transport (default http.DefaultTransport).
	Transport http.RoundTripper
	// Idempotency keeps creates' clientMutationIds; pass it on in
	// Options.Idempotency (NewBackends does not use it).
	Idempotency idempotency.Store
}

// NewBackends builds the upstream clients, each over the transport chain of
// package upstream: cache → retry → limiter → metrics → network.
func NewBackends(o BackendOptions) (*astro.Client, *houston.Client, error) {
	if o.UserAgent == "" {
		o.UserAgent = "astro-graphql-gateway"
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.AstroLimiter == nil {
		o.AstroLimiter = limiter.New(limiter.AstroLimits)
	}
	var (
		a   *astro.Client
		h   *houston.Client
		err error
	)
	if o.AstroURL != "" {
		var t http.RoundTripper = upstream.Metrics(o.Metrics, "astro", func(r *http.Request) string { return metrics.AstroRoute(r.Method, r.URL.Path) }, o.Transport)
		t = limiter.Transport(o.AstroLimiter, "astro", o.Metrics, t)
		t = upstream.Retry(upstream.RetryPolicy{Idempotent: upstream.AstroIdempotent}, t)
		rules := cache.AstroRules()
		rules.NoCoalescing = o.NaiveReads
		t = cache.NewTransport(o.Cache, rules, o.Metrics, t)
		if a, err = astro.NewClient(o.AstroURL, astro.WithHTTPClient(&http.Client{Timeout: o.Timeout, Transport: t}), astro.WithUserAgent(o.UserAgent)); err != nil {
			return nil, nil, err
		}
	}
	if o.HoustonURL != "" {
		rules := cache.HoustonRules(houston.DefaultInstallation)
		rules.NoCoalescing = o.NaiveReads
		var t http.RoundTripper = upstream.Metrics(o.Metrics, "houston", houstonOperation, o.Transport)
		if o.HoustonLimiter != nil {
			t = limiter.Transport(o.HoustonLimiter, "houston", o.Metrics, t)
		}
		t = upstream.Retry(upstream.RetryPolicy{Idempotent: func(r *http.Request) bool { return houstonRead(rules, r) }}, t)
		t = cache.NewTransport(o.Cache, rules, o.Metrics, t)
		if h, err = houston.NewClient(o.HoustonURL, houston.WithHTTPClient(&http.Client{Timeout: o.Timeout, Transport: t}), houston.WithUserAgent(o.UserAgent)); err != nil {
			return nil, nil, err
		}
	}
	return a, h, nil
}
