// Package upstream builds the HTTP transport under each backend client:
//
//	describe → cache (hits and coalescing) → retry → observe → limiter → admitted → attempt timeout → metrics → network
//
// observe and admitted (observe.go) are what operators see of each
// attempt: its span from before the limiter's wait to the answer (when
// tracing is on), the request id sent upstream, the attempt counted for
// the access log, and failures and limiter saturation logged at warn.
//
// so a cache hit costs no rate-limit slot, every retry takes one, a wait for
// a slot or a backoff never eats into an attempt's own timeout, and the
// metrics count only requests that really went upstream.
//
// The chain knows nothing of any backend. Each backend hands it a [Policy],
// which says once per request what the request is (its [Call]: operation,
// limiter class, cache kind and scopes) and which failures may be retried;
// every layer reads that [Call] from the request's context instead of
// parsing URLs or bodies.
//
//	hc := &http.Client{Transport: upstream.Chain(upstream.Options{Backend: "astro", Policy: p, Limiter: lim})}
package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// Call is what the chain needs to know about one upstream request.
type Call struct {
	// Operation is the request's metrics label: a bounded set of names
	// (an Astro operationId, a Houston operation name), never built from
	// what a caller sent.
	Operation string
	// Class is the limiter class: "GET", "POST" or "DELETE".
	Class string
	// Kind says whether the cache may answer the request (Read), must
	// retire scopes once it is sent (Write), or leaves it alone (Pass).
	Kind cache.Kind
	// Scopes are the cache scopes of the request: a read is keyed by the
	// generation of the first, a write retires them all.
	Scopes []string
	// Route is the request's path template (the spec's, such as
	// "organizations/{organizationId}/deployments"), for traces; "": the
	// path.
	Route string
}

// Policy is what a backend tells the chain.
type Policy interface {
	// Describe says what req is.
	Describe(req *http.Request) Call
	// Retryable says whether an attempt of req that was answered with
	// status (0 when there was no answer) or failed with err may be sent
	// again.
	Retryable(req *http.Request, status int, err error) bool
}

type callKey struct{}

// CallOf returns the Call that the chain's policy gave req.
func CallOf(req *http.Request) Call {
	c, _ := req.Context().Value(callKey{}).(Call)
	return c
}

// Options configure a chain.
type Options struct {
	Backend string
	// Instance names the backend in a fleet (an Astro organization's or a
	// Software installation's configured name): cache keys carry it, so
	// two backends never share an entry. Empty: the one backend of its
	// kind.
	Instance string
	// Budget names the upstream whose per-token budget the limiter keeps
	// (its host): two backends on one upstream with one token share the
	// budget the upstream counts; otherwise each has its own. Empty: the
	// one upstream of its kind.
	Budget string
	Policy Policy
	// Limiter admits requests per token and class; nil: no limit.
	Limiter limiter.Waiter
	// Cache holds reads; nil: none (identical concurrent reads are still
	// coalesced).
	Cache cache.Store
	// Decoded keeps decoded answers in front of Cache; nil: none.
	Decoded *decoded.Tier
	// Cacheable says whether a read's answer may be kept (default: 200).
	Cacheable func(status int, body []byte) bool
	// NoCoalescing sends every read upstream (with Cache nil); for
	// measurements only.
	NoCoalescing bool
	// AttemptTimeout bounds one attempt on the wire, from sending it to
	// reading the last byte of its answer (UPSTREAM_TIMEOUT); 0: none.
	AttemptTimeout time.Duration
	Retry          RetryPolicy
	Metrics        *metrics.Metrics
	// Network is the transport that sends (default http.DefaultTransport).
	Network http.RoundTripper
	// Tracing, when on, traces every attempt and propagates the trace
	// context upstream.
	Tracing telemetry.Tracing
	// Logger hears failed attempts and limiter saturation (at warn); nil:
	// not logged.
	Logger *slog.Logger
}

// Chain returns the transport chain of o.
func Chain(o Options) http.RoundTripper {
	if o.Network == nil {
		o.Network = http.DefaultTransport
	}
	p := o.Policy
	t := Metrics(o.Metrics, o.Backend, func(r *http.Request) string { return CallOf(r).Operation }, traceNetwork(o, o.Network))
	t = Attempt(o.AttemptTimeout, t)
	t = admitted(t)
	if o.Limiter != nil && o.Budget != "" {
		o.Limiter = limiter.Prefixed(o.Limiter, o.Budget)
	}
	if o.Limiter != nil {
		t = limiter.Transport(o.Limiter, o.Backend, func(r *http.Request) string { return CallOf(r).Class }, o.Metrics, t)
	}
	t = observe(o, t)
	t = Retry(o.Retry, p, t)
	if o.Tracing.Enabled() {
		t = countAttempts(t)
	}
	t = cache.NewTransport(o.Cache, cache.Rules{
		Backend:  o.Backend,
		Instance: o.Instance,
		Classify: func(r *http.Request) (cache.Kind, []string) {
			c := CallOf(r)
			return c.Kind, c.Scopes
		},
		Cacheable:    o.Cacheable,
		NoCoalescing: o.NoCoalescing,
		Decoded:      o.Decoded,
	}, o.Metrics, t)
	return rt(func(req *http.Request) (*http.Response, error) {
		return t.RoundTrip(req.WithContext(context.WithValue(req.Context(), callKey{}, p.Describe(req))))
	})
}

// RetryPolicy bounds retries: the retry budget of one upstream call.
type RetryPolicy struct {
	// MaxAttempts counts the first try (default 3).
	MaxAttempts int
	// Base and Max bound the exponential backoff (default 100ms, 2s); each
	// wait is between half the bound and the bound ("equal jitter"), so
	// replicas that failed together do not retry together.
	Base, Max time.Duration
}

func (p *RetryPolicy) defaults() {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.Base == 0 {
		p.Base = 100 * time.Millisecond
	}
	if p.Max == 0 {
		p.Max = 2 * time.Second
	}
}

// Retry wraps next: an attempt that pol says may be repeated is sent again
// after a backoff (or the upstream's Retry-After, if longer), within p's
// budget and never past the request's deadline.
func Retry(p RetryPolicy, pol Policy, next http.RoundTripper) http.RoundTripper {
	p.defaults()
	return rt(func(req *http.Request) (*http.Response, error) {
		for attempt := 1; ; attempt++ {
			resp, err := next.RoundTrip(req)
			if attempt > 1 && req.Method == http.MethodDelete && err == nil && resp.StatusCode == http.StatusNotFound {
				// The first attempt deleted it and its answer was lost:
				// a repeated DELETE answers 404 (seed 001). Report success.
				_ = resp.Body.Close()
				return &http.Response{Status: "204 No Content", StatusCode: http.StatusNoContent, Proto: resp.Proto,
					ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor, Header: resp.Header, Body: http.NoBody, Request: req}, nil
			}
			wait, again := p.decide(pol, req, resp, err, attempt)
			if !again {
				return resp, err
			}
			if dl, ok := req.Context().Deadline(); ok && time.Now().Add(wait).After(dl) {
				return resp, err
			}
			if resp != nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				_ = resp.Body.Close()
			}
			if req.Body != nil && req.Body != http.NoBody {
				if req.GetBody == nil {
					return resp, err
				}
				b, gerr := req.GetBody()
				if gerr != nil {
					return nil, gerr
				}
				req.Body = b
			}
			t := time.NewTimer(wait)
			select {
			case <-req.Context().Done():
				t.Stop()
				return nil, req.Context().Err()
			case <-t.C:
			}
		}
	})
}

// decide says whether to try again, and after how long.
func (p *RetryPolicy) decide(pol Policy, req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= p.MaxAttempts {
		return 0, false
	}
	var le *limiter.WaitError
	if errors.As(err, &le) {
		return 0, false // no slot in time: a retry would find none either
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if !pol.Retryable(req, status, err) {
		return 0, false
	}
	bound := min(p.Max, p.Base<<(attempt-1))
	backoff := bound/2 + time.Duration(rand.Int64N(int64(bound/2)+1))
	if status == http.StatusTooManyRequests {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After")); ok && d > backoff {
			return d, true
		}
	}
	return backoff, true
}

// parseRetryAfter reads Retry-After in delta-seconds or as an HTTP date.
func parseRetryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// Retryable is the rule for a backend without a table of its own (Houston):
// a 429 or a connection never made is retried (the server did not act);
// a 5xx, a reset or a cut-off answer only when idempotent says the request
// may be repeated; nothing else, and never a timeout or a cancellation.
func Retryable(idempotent bool, status int, err error) bool {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return false
		}
		if Refused(err) {
			return true
		}
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return idempotent
		}
		return false
	}
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// Refused reports a connection that was never made: the request certainly
// did not reach the server.
func Refused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// TimeoutError is an attempt that outlived its own timeout
// (UPSTREAM_TIMEOUT). It is a net.Error whose Timeout is true, and it wraps
// context.DeadlineExceeded.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("upstream did not answer within %s", e.After)
}

// Timeout implements net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *TimeoutError) Temporary() bool { return false }

// Unwrap returns context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Attempt bounds each attempt through next by d, from sending the request
// to reading the last byte of its answer (closing the body ends it). The
// wait for a rate-limit slot and the backoff between retries are outside
// it, bounded only by the request's own deadline.
func Attempt(d time.Duration, next http.RoundTripper) http.RoundTripper {
	if d <= 0 {
		return next
	}
	return rt(func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("Upgrade") != "" {
			// A websocket handshake: the connection it opens lives as long
			// as its subscription, bounded by the caller's context.
			return next.RoundTrip(req)
		}
		ctx, cancel := context.WithTimeoutCause(req.Context(), d, &TimeoutError{After: d})
		resp, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil {
			timedOut := isTimeout(ctx)
			cancel()
			if timedOut && req.Context().Err() == nil {
				return nil, &TimeoutError{After: d}
			}
			return nil, err
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, d: d, parent: req.Context()}
		return resp, nil
	})
}

func isTimeout(ctx context.Context) bool {
	var te *TimeoutError
	return errors.As(context.Cause(ctx), &te)
}

// cancelBody ends the attempt's context when the body is closed.
type cancelBody struct {
	io.ReadCloser
	ctx    context.Context
	parent context.Context
	cancel context.CancelFunc
	d      time.Duration
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && isTimeout(b.ctx) && b.parent.Err() == nil {
		return n, &TimeoutError{After: b.d}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Metrics wraps next so every request that goes upstream is counted and
// timed under operation(req).
func Metrics(m *metrics.Metrics, backend string, operation func(*http.Request) string, next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	return rt(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := next.RoundTrip(req)
		status := "error"
		if resp != nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		m.Upstream(backend, operation(req), status, time.Since(start))
		return resp, err
	})
}

type rt func(*http.Request) (*http.Response, error)

func (f rt) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
