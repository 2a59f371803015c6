package limiter

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redisServer starts a real redis-server (see redistest) and returns a
// client of it; stop kills the server, restart starts it again on the same
// port, empty.
func redisServer(t *testing.T) (rdb *redis.Client, stop, restart func()) {
	t.Helper()
	srv := redistest.Start(t)
	rdb = redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: 1, DialerRetries: 1, DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, srv.Stop, srv.Restart
}

func TestRedisArrivalsNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	rdb, _, _ := redisServer(t)
	limits := Limits{Read: 5, Window: 100 * time.Millisecond}
	// Two replicas share one budget.
	replicas := []Waiter{NewRedis(rdb, limits, time.Second), NewRedis(rdb, limits, time.Second)}
	u := arrivals(t, replicas, 12, 5, 25*time.Millisecond)
	assert.LessOrEqual(t, u.peak(limits.Window), 5)
}

// TestRedisHoldsAWholeWindow: an upstream that answers at once puts each
// arrival right before its release, so a place that freed even a fraction
// of a millisecond early (a clock read in whole milliseconds) would let two
// arrivals into one window. Many short windows make such an edge likely.
func TestRedisHoldsAWholeWindow(t *testing.T) {
	t.Parallel()
	rdb, _, _ := redisServer(t)
	limits := Limits{Read: 4, Window: 20 * time.Millisecond}
	replicas := []Waiter{NewRedis(rdb, limits, time.Second), NewRedis(rdb, limits, time.Second)}
	u := arrivals(t, replicas, 8, 40, 0)
	assert.LessOrEqual(t, u.peak(limits.Window), limits.Read)
}

func TestRedisInFlightPlaceFailsFast(t *testing.T) {
	t.Parallel()
	rdb, _, _ := redisServer(t)
	l := NewRedis(rdb, Limits{Write: 1, Window: 300 * time.Millisecond}, time.Second)
	release, err := l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = l.Acquire(ctx, "k", "POST")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.InDelta(t, 300*time.Millisecond, we.RetryAfter, float64(50*time.Millisecond))
	release()
	released := time.Now()
	release, err = l.Acquire(context.Background(), "k", "POST")
	require.NoError(t, err)
	release()
	assert.GreaterOrEqual(t, time.Since(released), 250*time.Millisecond)
}

// TestSharedFallsBackWithAShareAndReturns: with Redis gone, admissions go
// on in process with the budget divided by the replicas last seen; with
// Redis back, they return to it.
func TestSharedFallsBackWithAShareAndReturns(t *testing.T) {
	t.Parallel()
	rdb, stop, restart := redisServer(t)
	limits := Limits{Read: 10, Window: 2 * time.Second}
	o := SharedOptions{Attempt: time.Second, Interval: 50 * time.Millisecond}
	a, b := NewShared(rdb, limits, o), NewShared(rdb, limits, o)
	defer a.Close()
	defer b.Close()
	require.Eventually(t, func() bool { return a.Replicas() == 2 }, 5*time.Second, 10*time.Millisecond)
	release, err := a.Acquire(context.Background(), "k", "GET")
	require.NoError(t, err)
	release()
	assert.False(t, a.Degraded())

	stop()
	// The first admission without Redis finds it gone; for one window no
	// replica admits anything new (the others' recent places are unknown
	// here), so a request that must go at once is refused.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = a.Acquire(ctx, "k", "GET")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.True(t, a.Degraded())
	// Then admissions go on, five at a time (10 / 2 replicas).
	var releases []func()
	for range 5 {
		r, err := a.Acquire(context.Background(), "k", "GET")
		require.NoError(t, err)
		releases = append(releases, r)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	_, err = a.Acquire(ctx2, "k", "GET")
	require.ErrorAs(t, err, &we, "the share is 5 places, all held")
	for _, r := range releases[:4] {
		r()
	}

	restart()
	require.Eventually(t, func() bool { return !a.Degraded() }, 5*time.Second, 10*time.Millisecond)
	// The places taken alone were handed over: Redis knows the five (one
	// still in flight), so five more fit in the 10.
	n, err := rdb.ZCard(context.Background(), "gw:lim:k|GET").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 5, n)
	releases[4]()
	release, err = a.Acquire(context.Background(), "k", "GET")
	require.NoError(t, err)
	release()
}

// TestSharedHoldsTheLimitThroughAnOutage: two replicas under load while
// Redis dies and comes back (empty): arrivals never exceed the limit.
func TestSharedHoldsTheLimitThroughAnOutage(t *testing.T) {
	t.Parallel()
	rdb, stop, restart := redisServer(t)
	limits := Limits{Read: 10, Window: 200 * time.Millisecond}
	o := SharedOptions{Attempt: time.Second, Interval: 50 * time.Millisecond}
	a, b := NewShared(rdb, limits, o), NewShared(rdb, limits, o)
	defer a.Close()
	defer b.Close()
	require.Eventually(t, func() bool { return a.Replicas() == 2 && b.Replicas() == 2 }, 5*time.Second, 10*time.Millisecond)
	type event struct {
		admit    time.Time
		at       time.Time
		replica  int
		degraded bool
	}
	var (
		mu     sync.Mutex
		events []event
		wg     sync.WaitGroup
	)
	until := time.Now().Add(2 * time.Second)
	for i := range 16 {
		w := []*Shared{a, b}[i%2]
		wg.Go(func() {
			for time.Now().Before(until) {
				release, err := w.Acquire(context.Background(), "k", "GET")
				require.NoError(t, err)
				admitted := time.Now()
				deg := w.Degraded()
				<-time.After(time.Duration(rand.Int64N(int64(20 * time.Millisecond))))
				mu.Lock()
				events = append(events, event{admitted, time.Now(), i % 2, deg})
				mu.Unlock()
				<-time.After(time.Duration(rand.Int64N(int64(20 * time.Millisecond))))
				release()
			}
		})
	}
	began := time.Now()
	<-time.After(500 * time.Millisecond)
	stop()
	<-time.After(700 * time.Millisecond)
	restart()
	wg.Wait()
	slices.SortFunc(events, func(x, y event) int { return x.at.Compare(y.at) })
	peak := 0
	for i := range events {
		n := 0
		for j := i; j < len(events) && events[j].at.Sub(events[i].at) < limits.Window; j++ {
			n++
		}
		if n > 10 && peak <= 10 {
			for j := i; j < len(events) && events[j].at.Sub(events[i].at) < limits.Window; j++ {
				t.Logf("window over the limit: admitted %s arrived %s replica %d degraded %v", events[j].admit.Sub(began), events[j].at.Sub(began), events[j].replica, events[j].degraded)
			}
		}
		peak = max(peak, n)
	}
	assert.LessOrEqual(t, peak, 10)
}
