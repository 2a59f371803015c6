package astrosim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Dataset names accepted by [WithDataset].
const (
	// Small is the default dataset: two organizations, seven workspaces,
	// five clusters and a few dozen deployments of every type.
	Small = "small"
	// Bench is one organization with 2,000 deployments in 25 workspaces on
	// four clusters, for load tests and paging.
	Bench = "bench"
)

// Option configures a [Sim] built by [New].
type Option func(*config)

type config struct {
	dataset    string
	seed       int64
	now        func() time.Time
	latencyMin time.Duration
	latencyMax time.Duration
	rateLimit  bool
}

// WithDataset selects the generated dataset: [Small] (the default) or
// [Bench]. [New] panics on any other name, as httptest does on misuse.
func WithDataset(name string) Option { return func(c *config) { c.dataset = name } }

// WithSeed sets the seed of the data and token generator (default 1). The
// same dataset and seed always give the same ids, names and tokens.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithClock injects the clock used by the rate limiter, the peak counters
// and the timestamps of future writes (default [time.Now]). Tests pass a
// fake clock to exercise 429s and Retry-After without sleeping. Generated
// data does not depend on the clock.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLatency adds a delay to every API response, drawn uniformly from
// [min, max]; min == max gives a fixed delay. The default is no delay. The
// delay is real time, not the injected clock, and ends early when the
// request's context is done. The side door is never delayed.
func WithLatency(min, max time.Duration) Option {
	return func(c *config) {
		if max < min {
			min, max = max, min
		}
		c.latencyMin, c.latencyMax = min, max
	}
}

// WithRateLimit switches the per-token rate limiter on or off (default on):
// at most 25 GET, 10 POST and 5 DELETE requests per token in any sliding
// one-second window; the request over the limit gets a 429 with Retry-After.
// Peak counters in [Stats] are kept either way.
func WithRateLimit(enabled bool) Option { return func(c *config) { c.rateLimit = enabled } }

// Sim is an in-memory Astro API. It implements http.Handler; serve it with
// net/http or wrap it in httptest.NewServer. A Sim is safe for concurrent use.
type Sim struct {
	cfg config
	mux *http.ServeMux

	// mu guards data. Stored objects are replaced, never changed in place,
	// so a handler may keep a pointer it read under the lock.
	mu   sync.RWMutex
	data *store

	// tokens and principals are built by New and read-only afterwards.
	tokens     []Token
	principals map[string]*principal

	traffic traffic // counters, peaks and the rate limiter; has its own lock

	rngMu sync.Mutex
	rng   *rand.Rand // latency draws
}

// New returns a Sim holding the generated dataset. It panics if the dataset
// name is unknown.
func New(opts ...Option) *Sim {
	cfg := config{dataset: Small, seed: 1, now: time.Now, rateLimit: true}
	for _, o := range opts {
		o(&cfg)
	}
	gen, ok := generators()[cfg.dataset]
	if !ok {
		panic(fmt.Sprintf("astrosim: unknown dataset %q (want %q or %q)", cfg.dataset, Small, Bench))
	}
	g := newGenerator(cfg.seed)
	data, tokens := gen(g)
	s := &Sim{
		cfg:        cfg,
		mux:        http.NewServeMux(),
		data:       data,
		tokens:     tokens,
		principals: make(map[string]*principal, len(tokens)),
		traffic:    newTraffic(cfg.rateLimit),
		rng:        rand.New(rand.NewPCG(uint64(cfg.seed), 0x6c6174656e6379)),
	}
	for _, t := range tokens {
		s.principals[t.Token] = newPrincipal(t)
	}
	s.routes()
	return s
}

// routes registers the side door and every served API operation. Patterns
// are the byRoute keys of [Stats].
func (s *Sim) routes() {
	s.mux.HandleFunc("GET /_sim/stats", s.serveStats)
	s.mux.HandleFunc("POST /_sim/reset", s.serveReset)
	s.mux.HandleFunc("GET /_sim/tokens", s.serveTokens)

	s.handle("GET /v1/organizations", s.listOrganizations)
	s.handle("GET /v1/organizations/{organizationId}", s.getOrganization)
	s.handle("GET /v1/organizations/{organizationId}/workspaces", s.listWorkspaces)
	s.handle("GET /v1/organizations/{organizationId}/workspaces/{workspaceId}", s.getWorkspace)
	s.handle("GET /v1/organizations/{organizationId}/deployments", s.listDeployments)
	s.handle("GET /v1/organizations/{organizationId}/deployments/{deploymentId}", s.getDeployment)
	s.handle("GET /v1/organizations/{organizationId}/clusters", s.listClusters)
	s.handle("GET /v1/organizations/{organizationId}/clusters/{clusterId}", s.getCluster)

	s.mux.HandleFunc("/", s.serveUnknown)
}

// ServeHTTP serves the Astro API under /v1 and the side door under /_sim.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// call is one authenticated API request on its way through a handler.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	reqID string
	p     *principal
}

// handle registers an API operation behind counting, authentication, rate
// limiting and latency, in that order. Every outcome, 401 and 429 included,
// is counted as a served request.
func (s *Sim) handle(pattern string, h func(*call)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, reqID: newRequestID()}
		w.Header().Set(RequestIDHeader, c.reqID)
		now := s.cfg.now()
		s.traffic.count(pattern)

		var fail *apiError
		var retryAfter int
		p, err := s.authenticate(r)
		switch {
		case err != nil:
			fail = err
		default:
			c.p = p
			if wait, ok := s.traffic.admit(p.Token, methodClass(r.Method), now); !ok {
				retryAfter = wait
				fail = tooManyRequests(methodClass(r.Method), wait)
			}
		}

		if !s.delay(r) {
			return // the client went away during the added latency
		}
		if fail != nil {
			if retryAfter > 0 {
				w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
			}
			c.fail(fail)
			return
		}
		h(c)
	})
}

// serveUnknown answers paths and methods that no pattern serves with a 404
// Error body, so that clients always get the API's error shape.
func (s *Sim) serveUnknown(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, reqID: newRequestID()}
	w.Header().Set(RequestIDHeader, c.reqID)
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		c.fail(errorf(http.StatusNotFound, "Not found: no side-door route %s %s", r.Method, r.URL.Path))
		return
	}
	s.traffic.count("")
	c.fail(errorf(http.StatusNotFound, "Not found: no route %s %s", r.Method, r.URL.Path))
}

// authenticate maps the Authorization header to the token's principal.
func (s *Sim) authenticate(r *http.Request) (*principal, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the request has no API token; send Authorization: Bearer <token>")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the Authorization header must be Bearer <token>")
	}
	p, ok := s.principals[strings.TrimSpace(tok)]
	if !ok {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the API token is invalid or expired")
	}
	return p, nil
}

// delay waits for the configured latency. It reports false when the
// request's context ended first.
func (s *Sim) delay(r *http.Request) bool {
	d := s.cfg.latencyMin
	if span := s.cfg.latencyMax - s.cfg.latencyMin; span > 0 {
		s.rngMu.Lock()
		d += time.Duration(s.rng.Int64N(int64(span) + 1))
		s.rngMu.Unlock()
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// ParseLatency parses a latency setting for [WithLatency]: "" or "0" (none),
// a single duration such as "50ms" (fixed), or a range such as "20ms-80ms".
func ParseLatency(v string) (min, max time.Duration, err error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "0" {
		return 0, 0, nil
	}
	lo, hi, isRange := strings.Cut(v, "-")
	if min, err = time.ParseDuration(lo); err != nil {
		return 0, 0, fmt.Errorf("astrosim: latency %q: %w", v, err)
	}
	max = min
	if isRange {
		if max, err = time.ParseDuration(hi); err != nil {
			return 0, 0, fmt.Errorf("astrosim: latency %q: %w", v, err)
		}
	}
	if min < 0 || max < min {
		return 0, 0, fmt.Errorf("astrosim: latency %q: want 0 <= min <= max", v)
	}
	return min, max, nil
}
