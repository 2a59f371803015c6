package astrosim

import (
	"bytes"
	"fmt"
	"io"
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
	failRate   float64
	rateLimit  bool
}

// WithDataset selects the generated dataset: [Small] (the default) or
// [Bench]. [New] panics on any other name, as httptest does on misuse.
func WithDataset(name string) Option { return func(c *config) { c.dataset = name } }

// WithSeed sets the seed of the data and token generator (default 1). The
// same dataset and seed always give the same ids, names and tokens.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithClock injects the clock used by the rate limiter, the peak counters,
// the timestamps of writes and the log window (default [time.Now]). Tests
// pass a fake clock to exercise 429s and Retry-After without sleeping.
// Generated data does not depend on the clock.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLatency adds a delay to every API response, drawn uniformly from
// [min, max]; min == max gives a fixed delay. The default is no delay. The
// delay is real time, not the injected clock. A read's delay ends early
// when the request's context is done. A write acts halfway through its
// delay and answers at the end, and acts even when its client has gone
// meanwhile, as a real server does with a request it received: a client
// that times out cannot know whether its write was made. The side door is
// never delayed. POST /_sim/config changes it at run time.
func WithLatency(min, max time.Duration) Option {
	return func(c *config) {
		if max < min {
			min, max = max, min
		}
		c.latencyMin, c.latencyMax = min, max
	}
}

// WithFaults makes a share of API requests, rate in [0, 1] (default 0),
// fail with a 500 Error body, the status every operation declares. A
// failing GET is refused before it is served; a failing POST or DELETE is,
// at random, refused before it acts or answered with the 500 after it has
// acted, as a real server that fails while writing its answer would: a
// client must not retry such a create blindly. Authentication and the rate
// limiter come first, so 401 and 429 answers are never replaced. POST
// /_sim/config changes the rate at run time.
func WithFaults(rate float64) Option {
	return func(c *config) { c.failRate = min(max(rate, 0), 1) }
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

	// mu guards data and the token registry. Stored objects are replaced,
	// never changed in place, so a handler may keep a pointer it read under
	// the lock.
	mu   sync.RWMutex
	data *store
	ids  *generator // ids and secrets of objects created through the API

	// tokenList holds the accepted tokens in the order Tokens lists them:
	// the dataset's, then those created through the API; principals finds
	// them by secret.
	tokenList  []*principal
	principals map[string]*principal

	traffic traffic // counters, peaks and the rate limiter; has its own lock

	jwtKey []byte // signs the API tokens (see jwt.go)

	knobMu     sync.Mutex // guards the run-time knobs and rng
	latencyMin time.Duration
	latencyMax time.Duration
	failRate   float64
	rng        *rand.Rand // latency and fault draws
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
	ds := gen(newGenerator(cfg.seed))
	s := &Sim{
		cfg:        cfg,
		mux:        http.NewServeMux(),
		data:       ds.store,
		ids:        newStreamGenerator(cfg.seed, 0x72756e74696d65),
		jwtKey:     jwtKey(cfg.seed),
		principals: map[string]*principal{},
		traffic:    newTraffic(cfg.rateLimit),
		latencyMin: cfg.latencyMin,
		latencyMax: cfg.latencyMax,
		failRate:   cfg.failRate,
		rng:        rand.New(rand.NewPCG(uint64(cfg.seed), 0x6c6174656e6379)),
	}
	for _, p := range extendDataset(cfg.seed, ds) {
		s.addPrincipal(p)
	}
	s.routes()
	return s
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
	// now is the request's time on the Sim's clock: what it stamps and
	// when tokens expire. The rate limiter reads its own (traffic.admit).
	now time.Time

	// errorType is the Content-Type of Error bodies: the spec declares
	// application/json everywhere but on GetOrganizationAuditLogs.
	errorType string
}

// handle registers an API operation behind counting, authentication, rate
// limiting, latency and faults, in that order. Every outcome, 401 and 429
// included, is counted as a served request.
func (s *Sim) handle(pattern string, h func(*call)) {
	s.handleAs(pattern, "application/json", h)
}

// handleAs is handle for an operation whose Error bodies have another
// Content-Type.
func (s *Sim) handleAs(pattern, errorType string, h func(*call)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, reqID: newRequestID(), now: s.cfg.now(), errorType: errorType}
		w.Header().Set(RequestIDHeader, c.reqID)
		s.traffic.count(pattern)

		var fail *apiError
		var retryAfter int
		p, err := s.authenticate(r, c.now)
		switch {
		case err != nil:
			fail = err
		default:
			c.p = p
			if wait, ok := s.traffic.admit(p.Token, methodClass(r.Method), s.cfg.now); !ok {
				retryAfter = wait
				fail = tooManyRequests(methodClass(r.Method), wait)
			}
		}

		d := s.latency()
		if fail == nil && methodClass(r.Method) != classGet {
			// A write that arrived is made, whether or not its client
			// still waits: it acts halfway through the latency (the way
			// in) and answers after the rest (the way out), so a client
			// that times out may have had its write made, as with a real
			// server.
			if body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1)); err == nil {
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			sleep(nil, d/2)
			var b buffered
			c.w = &b
			s.serveWithFaults(c, h)
			if sleep(r.Context().Done(), d-d/2) {
				b.flush(w)
			}
			return
		}
		if !sleep(r.Context().Done(), d) {
			return // the client went away during the added latency
		}
		if fail != nil {
			if retryAfter > 0 {
				w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
			}
			c.fail(fail)
			return
		}
		s.serveWithFaults(c, h)
	})
}

// serveWithFaults serves c with h, unless a fault draw replaces the answer
// (before or after h acts).
func (s *Sim) serveWithFaults(c *call, h func(*call)) {
	switch s.drawFault(c.r.Method) {
	case faultBefore:
		c.fail(internalFault())
	case faultAfter:
		// Act, then lose the answer: the write happened.
		w := c.w
		c.w = discard{header: http.Header{}}
		h(c)
		c.w = w
		c.fail(internalFault())
	default:
		h(c)
	}
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
func (s *Sim) authenticate(r *http.Request, now time.Time) (*principal, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the request has no API token; send Authorization: Bearer <token>")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the Authorization header must be Bearer <token>")
	}
	tok = strings.TrimSpace(tok)
	if looksLikeJWT(tok) {
		claims, ok := verifyJWT(s.jwtKey, tok)
		if !ok {
			return nil, errorf(http.StatusUnauthorized, "Unauthorized: the API token's signature does not verify")
		}
		if claims.ExpiresAt != 0 && !now.Before(time.Unix(claims.ExpiresAt, 0)) {
			return nil, errorf(http.StatusUnauthorized, "Unauthorized: the API token has expired")
		}
	}
	s.mu.RLock()
	p, ok := s.principals[tok]
	s.mu.RUnlock()
	if !ok || (!p.expiresAt.IsZero() && !now.Before(p.expiresAt)) {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: the API token is invalid or expired")
	}
	return p, nil
}

// addPrincipal registers a token. Callers hold s.mu for writing, or own s.
func (s *Sim) addPrincipal(p *principal) {
	s.tokenList = append(s.tokenList, p)
	s.principals[p.Token.Token] = p
}

// removePrincipal forgets the token of an API token that was deleted.
// Callers hold s.mu for writing.
func (s *Sim) removePrincipal(apiTokenID string) {
	for i, p := range s.tokenList {
		if p.apiTokenID == apiTokenID {
			delete(s.principals, p.Token.Token)
			s.tokenList = append(s.tokenList[:i:i], s.tokenList[i+1:]...)
			return
		}
	}
}

// latency draws the configured latency.
func (s *Sim) latency() time.Duration {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	d := s.latencyMin
	if span := s.latencyMax - s.latencyMin; span > 0 {
		d += time.Duration(s.rng.Int64N(int64(span) + 1))
	}
	return d
}

// sleep waits d, and reports false when done (nil: never) closed first.
func sleep(done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

// buffered holds an answer until its latency has passed.
type buffered struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *buffered) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}

func (b *buffered) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *buffered) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *buffered) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
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
