package limiter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock advances only when the limiter sleeps.
type fakeClock struct{ t time.Time }

func newTestLimiter(limits Limits) (*Limiter, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := New(limits)
	l.now = func() time.Time { return c.t }
	l.sleep = func(_ context.Context, d time.Duration) error { c.t = c.t.Add(d); return nil }
	return l, c
}

func TestNeverMoreThanNInAnyWindow(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(Limits{Read: 25, Write: 10, Delete: 5, Window: time.Second})
	for _, tc := range []struct {
		class string
		n     int
	}{{"GET", 25}, {"POST", 10}, {"DELETE", 5}} {
		var admitted []time.Time
		for range tc.n * 4 {
			require.NoError(t, l.Wait(context.Background(), "k", tc.class))
			admitted = append(admitted, c.t)
		}
		for i := tc.n; i < len(admitted); i++ {
			assert.GreaterOrEqual(t, admitted[i].Sub(admitted[i-tc.n]), time.Second,
				"%s: admissions %d and %d are inside one window", tc.class, i-tc.n, i)
		}
		// A burst of n goes at once; the whole run takes three windows.
		assert.Equal(t, admitted[0], admitted[tc.n-1])
		assert.Equal(t, 3*time.Second, admitted[len(admitted)-1].Sub(admitted[0]))
	}
}

func TestKeysAreIndependent(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(Limits{Read: 2, Window: time.Second})
	start := c.t
	for _, k := range []string{"a", "a", "b", "b"} {
		require.NoError(t, l.Wait(context.Background(), k, "GET"))
	}
	assert.Equal(t, start, c.t, "two tokens do not share a budget")
}

func TestDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(Limits{Write: 1, Window: time.Second})
	require.NoError(t, l.Wait(context.Background(), "k", "POST"))
	ctx, cancel := context.WithDeadline(context.Background(), c.t.Add(100*time.Millisecond))
	defer cancel()
	err := l.Wait(ctx, "k", "POST")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, time.Second, we.RetryAfter)
	// The refused request took no slot: the next one after the window goes.
	c.t = c.t.Add(time.Second)
	require.NoError(t, l.Wait(context.Background(), "k", "POST"))
}

func TestKeyHidesToken(t *testing.T) {
	t.Parallel()
	assert.NotContains(t, Key("secret-token"), "secret")
	assert.Equal(t, Key("x"), Key("x"))
	assert.NotEqual(t, Key("x"), Key("y"))
}

func TestIdleKeysAreDropped(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(Limits{Read: 25, Window: time.Second})
	for i := range sweepAt {
		require.NoError(t, l.Wait(context.Background(), Key(string(rune(i))+"-made-up"), "GET"))
	}
	require.Len(t, l.logs, sweepAt)
	c.t = c.t.Add(2 * time.Second)
	require.NoError(t, l.Wait(context.Background(), "fresh", "GET"))
	assert.Len(t, l.logs, 1, "the idle keys went when a new one came")
}
