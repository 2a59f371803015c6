package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/astro-gateway/gateway/internal/config"
)

// Readiness states, from /readyz's "status".
const (
	// StatusReady: every check passes.
	StatusReady = "ready"
	// StatusDegraded: the gateway serves, with less — one of two backends
	// unreachable, or Redis down (limits and cache in process). HTTP 200:
	// a degraded replica still takes traffic.
	StatusDegraded = "degraded"
	// StatusNotReady: no configured backend is reachable. HTTP 503.
	StatusNotReady = "not_ready"
	// StatusDraining: shutting down. HTTP 503, so that load balancers stop
	// sending before the listener closes.
	StatusDraining = "draining"
)

// Check is one line of /readyz's answer.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // "ok" or "fail"
	// Error says why a check fails: never a token, never a caller's data.
	Error string `json:"error,omitempty"`
	// Required checks fail readiness when all of them fail; others only
	// degrade it.
	Required bool `json:"required"`
}

// Report is /readyz's JSON body.
type Report struct {
	Status    string    `json:"status"`
	Checks    []Check   `json:"checks"`
	CheckedAt time.Time `json:"checkedAt"`
}

// probe is one readiness check: nil when what it checks is usable.
type probe struct {
	name     string
	required bool
	// cheap checks read state the gateway keeps (Redis's health) and run
	// on every call; the others go over the network and are cached.
	cheap bool
	run   func(ctx context.Context) error
}

// Readiness answers /readyz. Backend probes are cheap requests without any
// caller's token, made at most once per TTL whatever the scrape rate; a
// probe never runs under a caller's request context.
type Readiness struct {
	probes  []probe
	ttl     time.Duration
	timeout time.Duration

	draining atomic.Bool

	mu   sync.Mutex // held while probing: concurrent scrapes share one probe
	last Report
}

// NewReadiness returns a Readiness that reuses a probe for ttl and bounds
// each backend probe by timeout (default 2s).
func NewReadiness(ttl, timeout time.Duration) *Readiness {
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	return &Readiness{ttl: ttl, timeout: timeout}
}

// AddBackend adds a reachability probe of a backend at url: a GET without
// credentials over client. Any answer below 500 means the backend is
// there (an API without a token answers 401 or 404); 5xx (a proxy's 502 or
// 503) or no answer means it is not.
func (r *Readiness) AddBackend(name, url string, client *http.Client) {
	if client == nil {
		client = &http.Client{Transport: newTransport()}
	}
	r.probes = append(r.probes, probe{name: name, required: true, run: func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "astro-graphql-gateway-readiness")
		resp, err := client.Do(req)
		if err != nil {
			return errUnreachable
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if resp.StatusCode >= 500 {
			return &statusError{resp.StatusCode}
		}
		return nil
	}})
}

// AddDegraded adds a check that degrades readiness when msg says what is
// degraded ("" when nothing is): Redis, say.
func (r *Readiness) AddDegraded(name string, msg func() string) {
	r.probes = append(r.probes, probe{name: name, cheap: true, run: func(context.Context) error {
		if m := msg(); m != "" {
			return plainError(m)
		}
		return nil
	}})
}

// SetDraining makes /readyz answer 503 "draining" from now on.
func (r *Readiness) SetDraining() { r.draining.Store(true) }

type plainError string

func (e plainError) Error() string { return string(e) }

const errUnreachable = plainError("unreachable")

type statusError struct{ status int }

func (e *statusError) Error() string { return "answered HTTP " + http.StatusText(e.status) }

// Report returns the current state, probing the backends if the last
// probe is older than the TTL.
func (r *Readiness) Report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last.CheckedAt.IsZero() || time.Since(r.last.CheckedAt) >= r.ttl {
		r.last = Report{Checks: r.run(false), CheckedAt: time.Now()}
	}
	checks := append(slices.Clone(r.last.Checks), r.run(true)...)
	rep := Report{Status: status(checks), Checks: checks, CheckedAt: r.last.CheckedAt}
	if r.draining.Load() {
		rep.Status = StatusDraining
	}
	return rep
}

// run runs the cheap checks, or the others, in parallel.
func (r *Readiness) run(cheap bool) []Check {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	var checks []Check
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range r.probes {
		if p.cheap != cheap {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := Check{Name: p.name, Status: "ok", Required: p.required}
			if err := p.run(ctx); err != nil {
				c.Status, c.Error = "fail", err.Error()
				if ctx.Err() != nil && p.required {
					c.Error = "no answer within " + r.timeout.String()
				}
			}
			mu.Lock()
			checks = append(checks, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.SortFunc(checks, func(a, b Check) int { return strings.Compare(a.Name, b.Name) })
	return checks
}

// status is ready when every check passes, not ready when every required
// check fails, degraded otherwise.
func status(checks []Check) string {
	required, requiredOK, failed := 0, 0, 0
	for _, c := range checks {
		if c.Required {
			required++
		}
		if c.Status == "ok" {
			if c.Required {
				requiredOK++
			}
		} else {
			failed++
		}
	}
	switch {
	case required > 0 && requiredOK == 0:
		return StatusNotReady
	case failed > 0:
		return StatusDegraded
	}
	return StatusReady
}

// ServeHTTP answers /readyz: 200 when ready or degraded, 503 when not
// ready or draining, with the Report as JSON.
func (r *Readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	rep := r.Report()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Status == StatusNotReady || rep.Status == StatusDraining {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rep)
}

// readiness is o.Ops.Ready, or one over o.Health alone for a handler built
// without one.
func readiness(o Options) *Readiness {
	if o.Ops.Ready != nil {
		return o.Ops.Ready
	}
	r := NewReadiness(0, 0)
	if o.Health != nil {
		r.AddDegraded("redis", o.Health)
	}
	return r
}

// readinessOf builds the gateway's readiness: a probe per configured
// backend — with a fleet, one per member, named "astro:<name>" or
// "software:<name>" — and Redis's health when it is configured (health
// non-nil).
func readinessOf(ops config.Ops, astroURL, houstonURL string, fleet *config.Fleet, health func() string) *Readiness {
	if ops == (config.Ops{}) {
		ops = config.DefaultOps()
	}
	r := NewReadiness(ops.ReadyCache, ops.ProbeTimeout)
	client := &http.Client{Transport: newTransport(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if fleet != nil {
		for _, b := range fleet.Backends() {
			r.AddBackend(b.Platform+":"+b.Name, b.URL, client)
		}
		astroURL, houstonURL = "", ""
	}
	if astroURL != "" {
		r.AddBackend("astro", astroURL, client)
	}
	if houstonURL != "" {
		r.AddBackend("houston", houstonURL, client)
	}
	if health != nil {
		r.AddDegraded("redis", health)
	}
	return r
}
