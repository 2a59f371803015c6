package gateway

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/telemetry"
	"github.com/astro-gateway/gateway/internal/upstream"
)

// BackendOptions configure the upstream clients.
type BackendOptions struct {
	AstroURL   string // empty: no Astro backend
	HoustonURL string // empty: no Software backend
	// Instance names the backend in a fleet: the Software installation's
	// name (in its global ids), and a part of cache keys. Empty: the one
	// backend of each kind (installation "default").
	Instance string
	// Budget is the upstream host whose per-token budget the limiter
	// keeps for a fleet's backend (see upstream.Options.Budget).
	Budget string
	// Timeout bounds one attempt on the wire (UPSTREAM_TIMEOUT); waits for
	// a limiter slot and retries are bounded by the request's deadline.
	Timeout   time.Duration
	UserAgent string
	// AstroLimiter and HoustonLimiter admit requests per token; nil: Astro
	// gets an in-process limiter with limiter.AstroLimits, Houston none.
	AstroLimiter, HoustonLimiter limiter.Waiter
	// Cache holds upstream reads; nil: no cache (identical concurrent reads
	// are still coalesced).
	Cache cache.Store
	// Decoded, with Cache, keeps decoded answers in front of it; nil: none.
	Decoded *decoded.Tier
	Metrics *metrics.Metrics
	// NaiveReads turns coalescing off (with Cache nil: every read goes
	// upstream), to measure what batching saves. Never in production.
	NaiveReads bool
	// Health, when set, says what is degraded ("" when nothing is): Redis
	// unreachable, say. /readyz reports it.
	Health func() string
	// Transport is the network transport (default: newTransport, tuned for
	// the fan-out of batches).
	Transport http.RoundTripper
	// Idempotency keeps creates' clientMutationIds; pass it on in
	// Options.Idempotency (NewBackends does not use it).
	Idempotency idempotency.Store
	// Tracing traces upstream attempts and sends the trace context (zero:
	// off); Logger hears upstream failures (nil: not logged).
	Tracing telemetry.Tracing
	Logger  *slog.Logger
}

// NewBackends builds the upstream clients, each over the transport chain of
// package upstream (cache → retry → limiter → attempt timeout → metrics →
// network), told by its backend's policy what each request is.
func NewBackends(o BackendOptions) (*astro.Client, *houston.Client, error) {
	if o.UserAgent == "" {
		o.UserAgent = "astro-graphql-gateway"
	}
	if o.Transport == nil {
		o.Transport = newTransport()
	}
	if o.AstroLimiter == nil {
		o.AstroLimiter = limiter.New(limiter.AstroLimits)
	}
	var (
		a   *astro.Client
		h   *houston.Client
		err error
	)
	hc := func(backend string, p upstream.Policy, lim limiter.Waiter, cacheable func(int, []byte) bool) *http.Client {
		return &http.Client{Transport: upstream.Chain(upstream.Options{
			Backend: backend, Instance: o.Instance, Budget: o.Budget, Policy: p, Limiter: lim, Cache: o.Cache, Decoded: o.Decoded, Cacheable: cacheable, NoCoalescing: o.NaiveReads,
			AttemptTimeout: o.Timeout, Metrics: o.Metrics, Network: o.Transport,
			Tracing: o.Tracing, Logger: o.Logger,
		})}
	}
	if o.AstroURL != "" {
		if a, err = astro.NewClient(o.AstroURL, astro.WithHTTPClient(hc("astro", astroPolicy{}, o.AstroLimiter, nil)), astro.WithUserAgent(o.UserAgent)); err != nil {
			return nil, nil, err
		}
	}
	if o.HoustonURL != "" {
		inst := houston.DefaultInstallation
		if o.Instance != "" {
			inst = o.Instance
		}
		p := houstonPolicy{installation: inst}
		if h, err = houston.NewClient(o.HoustonURL, houston.WithHTTPClient(hc("houston", p, o.HoustonLimiter, cache.NoGraphQLErrors)),
			houston.WithUserAgent(o.UserAgent), houston.WithInstallation(inst)); err != nil {
			return nil, nil, err
		}
	}
	return a, h, nil
}
