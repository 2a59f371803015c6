// Package limiter keeps the gateway inside Astro's per-token rate limits
// (GET 25/s, POST 10/s, DELETE 5/s), read strictly: never more than N
// requests of a class in any one-second window, not a bucket that bursts N
// and then refills. Requests wait for a slot within their deadline; one whose
// slot comes too late fails at once with a *[WaitError], before reaching the
// upstream.
//
//	lim := limiter.New(limiter.AstroLimits)
//	hc := &http.Client{Transport: limiter.Transport(lim, "astro", nil, http.DefaultTransport)}
package limiter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limits are requests allowed per Window for each method class. Zero means
// unlimited.
type Limits struct {
	Read, Write, Delete int
	Window              time.Duration
	// Margin is added to Window to absorb the jitter between leaving the
	// gateway and arriving upstream, so the upstream never sees N+1 in its
	// own window.
	Margin time.Duration
}

// AstroLimits are the Astro API's documented limits per token.
var AstroLimits = Limits{Read: 25, Write: 10, Delete: 5, Window: time.Second, Margin: 75 * time.Millisecond}

// WaitError says a request could not get a slot before its deadline.
type WaitError struct {
	RetryAfter time.Duration
	Class      string
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("rate limit: no %s slot for this token before the request's deadline; retry after %s", e.Class, e.RetryAfter.Round(time.Millisecond))
}

// Limiter tracks the admissions of each key (a token hash and a class).
type Limiter struct {
	limits Limits
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu   sync.Mutex
	logs map[string]*ring
}

// New returns a limiter for limits.
func New(limits Limits) *Limiter {
	return &Limiter{limits: limits, now: time.Now, sleep: sleepCtx, logs: map[string]*ring{}}
}

// ring holds the last n admission times of one key, oldest first.
type ring struct {
	times []time.Time
	next  int
}

// Class is the method class of an HTTP method: "GET", "POST" or "DELETE".
func Class(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return "GET"
	case http.MethodDelete:
		return "DELETE"
	}
	return "POST"
}

func (l *Limiter) limit(class string) int {
	switch class {
	case "GET":
		return l.limits.Read
	case "DELETE":
		return l.limits.Delete
	}
	return l.limits.Write
}

// Wait blocks until a request of class for key may go, or returns a
// *WaitError at once if that moment is past ctx's deadline.
func (l *Limiter) Wait(ctx context.Context, key, class string) error {
	n := l.limit(class)
	if n <= 0 {
		return nil
	}
	window := l.limits.Window + l.limits.Margin
	l.mu.Lock()
	k := key + "|" + class
	now := l.now()
	r := l.logs[k]
	if r == nil {
		if len(l.logs) >= sweepAt {
			l.sweep(now, window)
		}
		r = &ring{times: make([]time.Time, n)}
		l.logs[k] = r
	}
	at := now
	// The slot frees when the admission n places back leaves the window.
	if oldest := r.times[r.next]; !oldest.IsZero() && oldest.Add(window).After(now) {
		at = oldest.Add(window)
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return &WaitError{RetryAfter: at.Sub(now), Class: class}
	}
	r.times[r.next] = at
	r.next = (r.next + 1) % n
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

// sweepAt is how many keys the limiter holds before it drops idle ones: a
// stream of requests with made-up tokens must not grow it without bound.
const sweepAt = 10000

// sweep drops the keys whose last admission has left the window: they hold
// nothing that limits a future request. l.mu is held.
func (l *Limiter) sweep(now time.Time, window time.Duration) {
	for k, r := range l.logs {
		last := r.times[(r.next+len(r.times)-1)%len(r.times)]
		if !last.Add(window).After(now) {
			delete(l.logs, k)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Key is the limiter key of a credential: a hash, so the token itself is
// never held or logged.
func Key(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:12])
}

// Observer hears how long requests waited and which were refused.
type Observer interface {
	LimiterWait(backend, class string, d time.Duration)
	LimiterReject(backend, class string)
}

// Transport wraps next so that every request waits for its token's slot in
// w. The token is read from the Authorization header ("Bearer x" or raw).
// obs may be nil.
func Transport(w Waiter, backend string, obs Observer, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
		class := Class(req.Method)
		start := time.Now()
		err := w.Wait(req.Context(), Key(tok), class)
		if obs != nil {
			var we *WaitError
			if errors.As(err, &we) {
				obs.LimiterReject(backend, class)
			} else if err == nil {
				obs.LimiterWait(backend, class, time.Since(start))
			}
		}
		if err != nil {
			return nil, err
		}
		return next.RoundTrip(req)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
