package gateway

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
)

// TestAdmission: the per-caller bound refuses a caller's extra request
// while others pass; the gateway-wide bound refuses anyone once full; a
// released place is taken by the next; callers are forgotten when idle.
func TestAdmission(t *testing.T) {
	t.Parallel()
	a := newAdmission(config.Limits{MaxConcurrent: 3, MaxConcurrentPerCaller: 2, QueueTimeout: 20 * time.Millisecond})
	ctx := t.Context()

	r1, err := a.acquire(ctx, "alice")
	require.NoError(t, err)
	r2, err := a.acquire(ctx, "alice")
	require.NoError(t, err)
	_, err = a.acquire(ctx, "alice")
	var busy errBusy
	require.ErrorAs(t, err, &busy)
	assert.True(t, busy.caller, "alice's own bound")

	r3, err := a.acquire(ctx, "bob")
	require.NoError(t, err, "bob is not held up by alice")
	_, err = a.acquire(ctx, "carol")
	require.ErrorAs(t, err, &busy)
	assert.False(t, busy.caller, "the gateway-wide bound")

	// A place freed while waiting is taken.
	done := make(chan error, 1)
	a.wait = 5 * time.Second
	go func() {
		r, err := a.acquire(ctx, "carol")
		if err == nil {
			r()
		}
		done <- err
	}()
	r1()
	require.NoError(t, <-done)

	// A waiter whose client leaves gets its context's error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = a.acquire(cctx, "alice")
	require.NoError(t, err, "alice has a free place again: no wait")
	_, err = a.acquire(cctx, "dave")
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)

	r2()
	r3()
	a.mu.Lock()
	defer a.mu.Unlock()
	assert.Len(t, a.callers, 1, "only alice (still holding the place taken above) is remembered")
}
