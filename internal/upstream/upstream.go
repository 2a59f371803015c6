// Package upstream builds the HTTP transport under each backend client:
//
//	cache (hits and coalescing) → retry → limiter → metrics → network
//
// so a cache hit costs no rate-limit slot, every retry takes one, and the
// metrics count only requests that really went upstream.
package upstream

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// RetryPolicy bounds retries.
type RetryPolicy struct {
	// MaxAttempts counts the first try (default 3).
	MaxAttempts int
	// Base and Max bound the exponential backoff (default 100ms, 2s); each
	// wait is between half the bound and the bound ("equal jitter"), so
	// replicas that failed together do not retry together.
	Base, Max time.Duration
	// Idempotent says whether req may be repeated after it may have reached
	// the server. Requests it rejects are retried only when they certainly
	// did not (a 429, a refused connection).
	Idempotent func(*http.Request) bool
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
	if p.Idempotent == nil {
		p.Idempotent = func(r *http.Request) bool { return r.Method == http.MethodGet }
	}
}

// Retry wraps next with the policy.
func Retry(p RetryPolicy, next http.RoundTripper) http.RoundTripper {
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
			wait, again := p.decide(req, resp, err, attempt)
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
func (p *RetryPolicy) decide(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= p.MaxAttempts {
		return 0, false
	}
	bound := min(p.Max, p.Base<<(attempt-1))
	backoff := bound/2 + time.Duration(rand.Int64N(int64(bound/2)+1))
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, false
		}
		if refused(err) {
			return backoff, true
		}
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return backoff, p.Idempotent(req)
		}
		return 0, false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if d, ok := astro.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > backoff {
			return d, true
		}
		return backoff, true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return backoff, p.Idempotent(req)
	}
	return 0, false
}

// refused reports a connection that was never made: the request certainly
// did not reach the server.
func refused(err error) bool {
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

// AstroIdempotent says which Astro requests may be repeated: reads, deletes
// (a repeat answers 404) and the POSTs that the client's method-class table
// does not mark as creates (updates, role and membership changes,
// finalizing a deploy). A create, a rotation, a bulk create or a rollback
// is never repeated once it may have reached Astro; a POST to a path the
// table does not know counts as a create.
func AstroIdempotent(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		return true
	case http.MethodPost:
		return !astro.IsCreate(r.Method, astroAPIPath(r.URL.Path))
	}
	return false
}

// astroAPIPath strips the base path ("/v1", "/api/v1") from a request path,
// so that it reads like the spec's paths: every Astro write is under
// /organizations.
func astroAPIPath(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		if s == "organizations" {
			return "/" + strings.Join(segs[i:], "/")
		}
	}
	return p
}

type rt func(*http.Request) (*http.Response, error)

func (f rt) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
