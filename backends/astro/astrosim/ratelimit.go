package astrosim

import (
	"net/http"
	"sync"
	"time"
)

// Method classes of the Astro rate limits: creates and updates are POSTs.
const (
	classGet    = "GET"
	classPost   = "POST"
	classDelete = "DELETE"
)

// classLimit is the number of requests one token may make of a class in any
// one-second window (Astro API overview: GET 25/s, POST 10/s, DELETE 5/s).
func classLimit(class string) int {
	switch class {
	case classPost:
		return 10
	case classDelete:
		return 5
	default:
		return 25
	}
}

// methodClass maps an HTTP method to its rate-limit class.
func methodClass(method string) string {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return classPost
	case http.MethodDelete:
		return classDelete
	default:
		return classGet
	}
}

// traffic holds everything the simulator counts about requests: the totals
// and per-route counts of [Stats], and one sliding window per token and
// method class that serves both the limiter and the peak counters.
type traffic struct {
	mu        sync.Mutex
	limit     bool
	requests  int
	throttled int
	byRoute   map[string]int
	windows   map[windowKey]*window
}

type windowKey struct {
	token string
	class string
}

// window is a sliding one-second log. accepted holds the arrival times of
// requests that were let through, which is what the limiter counts; seen
// also holds the throttled ones, so that peak shows what the client sent.
type window struct {
	label    string
	accepted []time.Time
	seen     []time.Time
	peak     int
}

func newTraffic(limit bool) traffic {
	return traffic{limit: limit, byRoute: map[string]int{}, windows: map[windowKey]*window{}}
}

// count records one served API request; route "" is a request no pattern
// matched, counted in the total only.
func (t *traffic) count(route string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
	if route != "" {
		t.byRoute[route]++
	}
}

// admit records a request of tok in class and decides whether the limiter
// lets it through. When it does not, it returns the Retry-After in whole
// seconds (at least 1): the time until the oldest accepted request in the
// window leaves it.
//
// The request's arrival is the moment the limiter sees it: clock is read
// under the lock, so the windows' logs are in time order, which expire
// relies on. (A time read before the lock could be older than one already
// logged by a goroutine that overtook this one, and would then stay in the
// window past its second, counted against the token.)
func (t *traffic) admit(tok Token, class string, clock func() time.Time) (retryAfter int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := clock()
	k := windowKey{tok.Token, class}
	w := t.windows[k]
	if w == nil {
		w = &window{label: tok.Label}
		t.windows[k] = w
	}
	cut := now.Add(-time.Second)
	w.accepted = expire(w.accepted, cut)
	w.seen = append(expire(w.seen, cut), now)
	w.peak = max(w.peak, len(w.seen))

	if t.limit && len(w.accepted) >= classLimit(class) {
		t.throttled++
		wait := w.accepted[0].Sub(cut)
		secs := int((wait + time.Second - 1) / time.Second)
		return max(secs, 1), false
	}
	w.accepted = append(w.accepted, now)
	return 0, true
}

// expire drops the leading times at or before cut: a request at time x is in
// the window (now-1s, now] only while now-x < 1s.
func expire(times []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(cut) {
		i++
	}
	return times[i:]
}
