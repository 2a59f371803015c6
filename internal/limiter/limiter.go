// Package limiter keeps the gateway inside an upstream's per-token rate
// limits (Astro: GET 25/s, POST 10/s, DELETE 5/s), read strictly: never more
// than N requests of a class arriving upstream in any one-second window, not
// a bucket that bursts N and then refills.
//
// The upstream counts arrivals, which the gateway cannot see: it sees the
// moment it admits a request and the moment the answer (or a failure) comes
// back, and the arrival lies somewhere between the two. So a request holds
// its place from admission until one window after its attempt ended, and a
// request is admitted only while fewer than N places are held. Any N+1
// arrivals inside one window would need N+1 places held at the moment of the
// last of them, which the rule forbids, however the machine schedules the
// goroutines or the network delays the packets. The price is throughput:
// each place serves at most one request per window + latency, so a token
// gets at most N / (window + latency) requests per second.
//
// Requests wait for a place within their deadline; one that certainly cannot
// get a place in time fails at once with a *[WaitError], before reaching the
// upstream.
//
//	lim := limiter.New(limiter.AstroLimits)
//	hc := &http.Client{Transport: limiter.Transport(lim, "astro", limiter.MethodClass, nil, http.DefaultTransport)}
package limiter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits are requests allowed per Window for each method class. Zero means
// unlimited.
type Limits struct {
	Read, Write, Delete int
	Window              time.Duration
}

// AstroLimits are the Astro API's documented limits per token.
var AstroLimits = Limits{Read: 25, Write: 10, Delete: 5, Window: time.Second}

// Limit is the number of places of class ("GET", "POST" or "DELETE").
func (l Limits) Limit(class string) int {
	switch class {
	case "GET":
		return l.Read
	case "DELETE":
		return l.Delete
	}
	return l.Write
}

// WaitError says a request could not get a place before its deadline.
type WaitError struct {
	RetryAfter time.Duration
	Class      string
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("rate limit: no %s slot for this token before the request's deadline; retry after %s", e.Class, e.RetryAfter.Round(time.Millisecond))
}

// Waiter admits requests of a class for a key within ctx's deadline. The
// release func it returns must be called once the attempt has ended (its
// response headers arrived, or it failed); the place stays held for one
// window after that. *Limiter keeps the places in process; *Redis shares
// them between the replicas of the gateway, since an upstream's budget is
// per token, not per replica.
type Waiter interface {
	Acquire(ctx context.Context, key, class string) (release func(), err error)
}

// Limiter holds the places of each key (a token hash and a class) in
// process. Waiters are served in arrival order.
type Limiter struct {
	limits Limits
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

// New returns a limiter for limits.
func New(limits Limits) *Limiter {
	return &Limiter{limits: limits, now: time.Now, buckets: map[string]*bucket{}}
}

// bucket is the state of one key.
type bucket struct {
	n     int
	holds []*hold
	queue []*waiter
	timer *time.Timer
}

// hold is one place; release is zero while its attempt is in flight.
// onRelease, when set, hears the end of the attempt (the place was handed
// over to Redis, which must learn it too).
type hold struct {
	release   time.Time
	onRelease func()
}

type waiter struct{ ready chan *hold }

// MethodClass is the class of an HTTP method for a backend without an
// operation table: "GET" (and HEAD), "DELETE", or "POST" for every other
// method, the class with the most careful budget.
func MethodClass(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return "GET"
	case http.MethodDelete:
		return "DELETE"
	}
	return "POST"
}

// SetLimits changes the limits; requests already admitted keep their
// places, and count against the new limits.
func (l *Limiter) SetLimits(limits Limits) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits = limits
}

// Acquire implements Waiter.
func (l *Limiter) Acquire(ctx context.Context, key, class string) (func(), error) {
	l.mu.Lock()
	n := l.limits.Limit(class)
	if n <= 0 {
		l.mu.Unlock()
		return func() {}, nil
	}
	now := l.now()
	b := l.bucket(key+"|"+class, n, now)
	b.n = n
	b.prune(now)
	if len(b.queue) == 0 && len(b.holds) < n {
		h := b.add()

		l.mu.Unlock()
		return l.releaser(b, h), nil
	}
	at := b.earliest(now, len(b.queue), l.limits.Window)
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return nil, &WaitError{RetryAfter: at.Sub(now), Class: class}
	}
	w := &waiter{ready: make(chan *hold, 1)}
	b.queue = append(b.queue, w)
	l.schedule(b, now)
	l.mu.Unlock()

	select {
	case h := <-w.ready:

		return l.releaser(b, h), nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	now = l.now()
	select {
	case h := <-w.ready:
		// Granted as the context ended: the request is not sent, so its
		// place goes back untouched.
		b.holds = slices.DeleteFunc(b.holds, func(x *hold) bool { return x == h })
		l.pump(b, now)
	default:
		b.queue = slices.DeleteFunc(b.queue, func(x *waiter) bool { return x == w })
	}
	retry := b.earliest(now, len(b.queue), l.limits.Window).Sub(now)
	l.mu.Unlock()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &WaitError{RetryAfter: max(retry, time.Millisecond), Class: class}
	}
	return nil, ctx.Err()
}

// record takes a place of key's class whatever the limit: the place of a
// request that another limiter admitted, so that this one counts it should
// it have to take over.
func (l *Limiter) record(key, class string) func() {
	l.mu.Lock()
	now := l.now()
	b := l.bucket(key+"|"+class, max(l.limits.Limit(class), 1), now)
	h := b.add()
	l.mu.Unlock()
	return l.releaser(b, h)
}

// releaser ends h's attempt: the place is held one more window.
func (l *Limiter) releaser(b *bucket, h *hold) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			now := l.now()
			h.release = now.Add(l.limits.Window)

			l.pump(b, now)
			hook := h.onRelease
			l.mu.Unlock()
			if hook != nil {
				go hook()
			}
		})
	}
}

// handOver lists the places held now, by key|class, each under a new
// member name with the time until it frees: maxHold for a place still in
// flight, whose release will then call onRelease(keyClass, member).
func (l *Limiter) handOver(maxHold time.Duration, onRelease func(keyClass, member string)) map[string]map[string]time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	out := map[string]map[string]time.Duration{}
	for k, b := range l.buckets {
		b.prune(now)
		for _, h := range b.holds {
			if out[k] == nil {
				out[k] = map[string]time.Duration{}
			}
			m := newMember()
			if h.release.IsZero() {
				out[k][m] = maxHold
				h.onRelease = func() { onRelease(k, m) }
			} else {
				out[k][m] = h.release.Sub(now)
			}
		}
	}
	return out
}

// newMember names a place in Redis.
func newMember() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// bucket returns the bucket of k, creating it. l.mu is held.
func (l *Limiter) bucket(k string, n int, now time.Time) *bucket {
	b := l.buckets[k]
	if b == nil {
		if len(l.buckets) >= sweepAt {
			l.sweep(now)
		}
		b = &bucket{n: n}
		l.buckets[k] = b
	}
	return b
}

// prune drops the holds whose window has passed.
func (b *bucket) prune(now time.Time) {
	b.holds = slices.DeleteFunc(b.holds, func(h *hold) bool { return !h.release.IsZero() && !h.release.After(now) })
}

func (b *bucket) add() *hold {
	h := &hold{}
	b.holds = append(b.holds, h)
	return h
}

// earliest is a lower bound of the moment the waiter behind ahead others
// can be admitted: a hold in flight frees no earlier than one window from
// now, a finished one at its release, and each place serves at most one
// request per window.
func (b *bucket) earliest(now time.Time, ahead int, window time.Duration) time.Time {
	frees := make([]time.Time, 0, b.n)
	for _, h := range b.holds {
		if h.release.IsZero() {
			frees = append(frees, now.Add(window))
		} else {
			frees = append(frees, h.release)
		}
	}
	for len(frees) < b.n {
		frees = append(frees, now)
	}
	slices.SortFunc(frees, func(a, b time.Time) int { return a.Compare(b) })
	// With more holds than places (the limit went down, or another
	// limiter's admissions were recorded), the surplus frees first.
	surplus := len(frees) - b.n
	return frees[surplus+ahead%b.n].Add(time.Duration(ahead/b.n) * window)
}

// pump admits waiters while places are free, then arms the timer for the
// next release. l.mu is held.
func (l *Limiter) pump(b *bucket, now time.Time) {
	b.prune(now)
	for len(b.queue) > 0 && len(b.holds) < b.n {
		w := b.queue[0]
		b.queue = b.queue[1:]
		w.ready <- b.add()
	}
	l.schedule(b, now)
}

// schedule arms b's timer for the first release that can admit a waiter.
// Holds still in flight need no timer: their release pumps. l.mu is held.
func (l *Limiter) schedule(b *bucket, now time.Time) {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.queue) == 0 {
		return
	}
	var next time.Time
	for _, h := range b.holds {
		if !h.release.IsZero() && (next.IsZero() || h.release.Before(next)) {
			next = h.release
		}
	}
	if next.IsZero() {
		return
	}
	b.timer = time.AfterFunc(next.Sub(now), func() {
		l.mu.Lock()
		l.pump(b, l.now())
		l.mu.Unlock()
	})
}

// sweepAt is how many keys the limiter holds before it drops idle ones: a
// stream of requests with made-up tokens must not grow it without bound.
const sweepAt = 10000

// sweep drops the keys that hold nothing and have nobody waiting. l.mu is
// held.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		b.prune(now)
		if len(b.holds) == 0 && len(b.queue) == 0 {
			delete(l.buckets, k)
		}
	}
}

// Held is how many places key's class holds now, in flight or finished
// within the window. For tests and the fallback's hand-over.
func (l *Limiter) Held(key, class string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key+"|"+class]
	if b == nil {
		return 0
	}
	b.prune(l.now())
	return len(b.holds)
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

// Transport wraps next so that every request holds a place of its token in
// w from admission until one window after next has answered. The token is
// read from the Authorization header ("Bearer x" or raw); class names the
// request's class. obs may be nil.
func Transport(w Waiter, backend string, class func(*http.Request) string, obs Observer, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
		c := class(req)
		start := time.Now()
		release, err := w.Acquire(req.Context(), Key(tok), c)
		if obs != nil {
			var we *WaitError
			if errors.As(err, &we) {
				obs.LimiterReject(backend, c)
			} else if err == nil {
				obs.LimiterWait(backend, c, time.Since(start))
			}
		}
		if err != nil {
			return nil, err
		}
		// The answer's headers have arrived (or the attempt failed): the
		// request reached the upstream, if ever, before now.
		resp, err := next.RoundTrip(req)
		release()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Prefixed returns w with every key prefixed by name (an upstream's host):
// the budgets of one token at two upstreams are kept apart.
func Prefixed(w Waiter, name string) Waiter { return prefixed{w, name} }

type prefixed struct {
	w    Waiter
	name string
}

func (p prefixed) Acquire(ctx context.Context, key, class string) (func(), error) {
	return p.w.Acquire(ctx, p.name+"/"+key, class)
}
