package limiter

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upstream stands in for a server that counts arrivals: each request
// arrives at a random moment between its admission and its answer, and
// upstream records when.
type upstream struct {
	mu       sync.Mutex
	arrivals []time.Time
}

// call holds a place of w for one request with a random latency.
func (u *upstream) call(t *testing.T, w Waiter, key, class string, maxLatency time.Duration) {
	t.Helper()
	release, err := w.Acquire(context.Background(), key, class)
	require.NoError(t, err)
	var before, after time.Duration
	if maxLatency > 0 {
		before = time.Duration(rand.Int64N(int64(maxLatency)))
		after = time.Duration(rand.Int64N(int64(maxLatency)))
	}
	<-time.After(before)
	u.mu.Lock()
	u.arrivals = append(u.arrivals, time.Now())
	u.mu.Unlock()
	<-time.After(after)
	release()
}

// peak is the most arrivals inside any one window.
func (u *upstream) peak(window time.Duration) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	a := slices.Clone(u.arrivals)
	slices.SortFunc(a, func(x, y time.Time) int { return x.Compare(y) })
	best, j := 0, 0
	for i := range a {
		for a[i].Sub(a[j]) >= window {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// arrivals sends calls requests from each of goroutines goroutines, which
// take turns among ws (replicas sharing one budget) for the key of t, with
// random latencies up to latency, and returns what the upstream saw.
func arrivals(t *testing.T, ws []Waiter, goroutines, calls int, latency time.Duration) *upstream {
	t.Helper()
	u := &upstream{}
	var wg sync.WaitGroup
	for i := range goroutines {
		w := ws[i%len(ws)]
		wg.Go(func() {
			for range calls {
				u.call(t, w, "k-"+t.Name(), "GET", latency)
			}
		})
	}
	wg.Wait()
	require.Len(t, u.arrivals, goroutines*calls)
	return u
}

// loadArrivals sends requests from many goroutines with random latencies
// and checks that no window holds more arrivals than the limit — the
// property the gateway promises, whatever the scheduling.
func loadArrivals(t *testing.T, w Waiter, limit int, window time.Duration) {
	t.Helper()
	u := arrivals(t, []Waiter{w}, 12, 5, window/4)
	assert.LessOrEqual(t, u.peak(window), limit)
}

func TestArrivalsNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	loadArrivals(t, New(Limits{Read: 5, Window: 100 * time.Millisecond}), 5, 100*time.Millisecond)
}

// TestHoldsAWholeWindow: with an upstream that answers at once, each
// arrival is right before its release; many short windows look for a place
// that frees a moment early.
func TestHoldsAWholeWindow(t *testing.T) {
	t.Parallel()
	u := arrivals(t, []Waiter{New(Limits{Read: 4, Window: 20 * time.Millisecond})}, 8, 40, 0)
	assert.LessOrEqual(t, u.peak(20*time.Millisecond), 4)
}

func TestPlaceIsHeldAWindowAfterTheAnswer(t *testing.T) {
	t.Parallel()
	l := New(Limits{Write: 1, Window: 200 * time.Millisecond})
	release, err := l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)

	// In flight, the place frees no earlier than one window from now: a
	// request that must go within 100 ms fails at once.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err = l.Acquire(ctx, "k", "POST")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.Less(t, time.Since(began), 50*time.Millisecond, "refused without waiting")
	assert.InDelta(t, 200*time.Millisecond, we.RetryAfter, float64(50*time.Millisecond))
	assert.Equal(t, "POST", we.Class)

	release()
	released := time.Now()
	release2, err := l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(released), 190*time.Millisecond, "the place stayed held one window after the answer")
	release2()
}

func TestKeysAndClassesAreIndependent(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 1, Write: 1, Delete: 1, Window: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, kc := range [][2]string{{"a", "GET"}, {"b", "GET"}, {"a", "POST"}, {"a", "DELETE"}} {
		_, err := l.Acquire(ctx, kc[0], kc[1])
		require.NoError(t, err, kc)
	}
	assert.Equal(t, 1, l.Held("a", "GET"))
}

func TestDeepQueueFailsFast(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 1, Window: time.Second})
	release, err := l.Acquire(context.Background(), "k", "GET")
	require.NoError(t, err)
	defer release()
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for range 3 {
		wg.Go(func() { _, _ = l.Acquire(ctx, "k", "GET") })
	}
	require.Eventually(t, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.buckets["k|GET"].queue) == 3
	}, 5*time.Second, time.Millisecond)
	// Three are ahead, each place serves one request a window: the fourth
	// cannot go within 2 s.
	dctx, dcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer dcancel()
	began := time.Now()
	_, err = l.Acquire(dctx, "k", "GET")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.Less(t, time.Since(began), time.Second)
	assert.GreaterOrEqual(t, we.RetryAfter, 4*time.Second)
	cancel()
	wg.Wait()
	l.mu.Lock()
	assert.Empty(t, l.buckets["k|GET"].queue, "cancelled waiters leave the queue")
	l.mu.Unlock()
}

func TestWaitersAreServedWithinTheirDeadline(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 1, Window: 50 * time.Millisecond})
	release, err := l.Acquire(context.Background(), "k", "GET")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		r, err := l.Acquire(context.Background(), "k", "GET")
		if err == nil {
			r()
		}
		done <- err
	}()
	release()
	require.NoError(t, <-done)

	// A waiter whose deadline comes first gets a WaitError, and a cancelled
	// one its context's error; neither keeps a place.
	release, err = l.Acquire(context.Background(), "k", "GET")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	_, err = l.Acquire(ctx, "k", "GET")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err = l.Acquire(cctx, "k", "GET")
	if err != nil {
		require.ErrorIs(t, err, context.Canceled)
	}
	release()
	assert.LessOrEqual(t, l.Held("k", "GET"), 1)
}

func TestKeyHidesToken(t *testing.T) {
	t.Parallel()
	assert.NotContains(t, Key("secret-token"), "secret")
	assert.Equal(t, Key("x"), Key("x"))
	assert.NotEqual(t, Key("x"), Key("y"))
}

func TestIdleKeysAreDropped(t *testing.T) {
	t.Parallel()
	l := New(Limits{Read: 25, Window: time.Second})
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	for i := range sweepAt {
		release, err := l.Acquire(context.Background(), Key(string(rune(i))+"-made-up"), "GET")
		require.NoError(t, err)
		release()
	}
	require.Len(t, l.buckets, sweepAt)
	clock = clock.Add(2 * time.Second)
	_, err := l.Acquire(context.Background(), "fresh", "GET")
	require.NoError(t, err)
	assert.Len(t, l.buckets, 1, "the idle keys went when a new one came")
}
