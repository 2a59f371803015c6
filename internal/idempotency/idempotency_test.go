package idempotency

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stores runs f against the in-process store and, when redis-server is
// installed, against a real Redis (CI sets REQUIRE_REDIS=1 and installs it).
func stores(t *testing.T, f func(t *testing.T, s Store)) {
	t.Run("memory", func(t *testing.T) { f(t, NewMemory(time.Hour)) })
	t.Run("redis", func(t *testing.T) {
		f(t, NewRedis(redisClient(t), time.Hour))
	})
}

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Start(t).Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestStoreLifecycle(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		c, err := s.Begin(ctx, "k", "fp", time.Minute)
		require.NoError(t, err)
		require.Equal(t, Claimed, c.State)
		assert.False(t, c.Uncertain)

		busy, err := s.Begin(ctx, "k", "fp", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, Busy, busy.State)

		_, err = s.Begin(ctx, "k", "other", time.Minute)
		require.ErrorIs(t, err, ErrMismatch)

		require.NoError(t, s.Finish(ctx, "k", "not-the-owner", []byte("wrong")))
		require.NoError(t, s.Finish(ctx, "k", c.Owner, []byte("result")))
		done, err := s.Begin(ctx, "k", "fp", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, Done, done.State)
		assert.Equal(t, "result", string(done.Result))
	})
}

func TestStoreAbandon(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		c, err := s.Begin(ctx, "unknown", "fp", time.Minute)
		require.NoError(t, err)
		require.NoError(t, s.Abandon(ctx, "unknown", c.Owner, true))
		again, err := s.Begin(ctx, "unknown", "fp", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, Claimed, again.State)
		assert.True(t, again.Uncertain, "an unknown outcome must be found out before creating again")
		_, err = s.Begin(ctx, "unknown", "other", time.Minute)
		require.ErrorIs(t, err, ErrMismatch, "the key stays bound to its input")

		c, err = s.Begin(ctx, "failed", "fp", time.Minute)
		require.NoError(t, err)
		require.NoError(t, s.Abandon(ctx, "failed", c.Owner, false))
		fresh, err := s.Begin(ctx, "failed", "other", time.Minute)
		require.NoError(t, err, "a certain failure forgets the key")
		assert.Equal(t, Claimed, fresh.State)
		assert.False(t, fresh.Uncertain)
	})
}

func TestStoreLeaseRunsOut(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		if m, ok := s.(*Memory); ok {
			now := time.Now()
			m.now = func() time.Time { return now }
			_, err := m.Begin(ctx, "k", "fp", time.Second)
			require.NoError(t, err)
			now = now.Add(2 * time.Second)
		} else {
			_, err := s.Begin(ctx, "k", "fp", time.Millisecond)
			require.NoError(t, err)
		}
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			cl, err := s.Begin(ctx, "k", "fp", time.Minute)
			require.NoError(c, err)
			assert.Equal(c, Claimed, cl.State)
			assert.True(c, cl.Uncertain, "the dead owner may have created it")
		}, 5*time.Second, 5*time.Millisecond)
	})
}

func TestMemoryExpires(t *testing.T) {
	m := NewMemory(time.Hour)
	now := time.Now()
	m.now = func() time.Time { return now }
	c, err := m.Begin(t.Context(), "k", "fp", time.Minute)
	require.NoError(t, err)
	require.NoError(t, m.Finish(t.Context(), "k", c.Owner, []byte("r")))
	now = now.Add(2 * time.Hour)
	c, err = m.Begin(t.Context(), "k", "other", time.Minute)
	require.NoError(t, err, "an expired key is free")
	assert.Equal(t, Claimed, c.State)
	assert.Len(t, m.records, 1, "expired records are swept")
}

func TestDoOncePerKey(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		var calls atomic.Int32
		release := make(chan struct{})
		attempt := func(context.Context, bool) ([]byte, bool, error) {
			calls.Add(1)
			<-release
			return []byte("created-1"), false, nil
		}
		req := Request{Key: "dup", Fingerprint: "fp", Secret: [32]byte{1}, Poll: 5 * time.Millisecond}
		var wg sync.WaitGroup
		results := make([]string, 8)
		for i := range results {
			wg.Go(func() {
				out, err := Do(t.Context(), s, req, attempt)
				assert.NoError(t, err)
				results[i] = string(out)
			})
		}
		require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
		close(release)
		wg.Wait()
		assert.Equal(t, int32(1), calls.Load(), "concurrent duplicates wait for the first")
		for _, r := range results {
			assert.Equal(t, "created-1", r)
		}

		other := req
		other.Secret = [32]byte{2}
		_, err := Do(t.Context(), s, other, attempt)
		var se *StoreError
		require.ErrorAs(t, err, &se, "another credential cannot read the result")
	})
}

func TestDoUnknownThenResolved(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		req := Request{Key: "u", Fingerprint: "fp", Secret: [32]byte{3}}
		boom := errors.New("timeout")
		_, err := Do(t.Context(), s, req, func(_ context.Context, uncertain bool) ([]byte, bool, error) {
			assert.False(t, uncertain)
			return nil, true, boom
		})
		require.ErrorIs(t, err, boom)
		out, err := Do(t.Context(), s, req, func(_ context.Context, uncertain bool) ([]byte, bool, error) {
			assert.True(t, uncertain, "the retry is told to look before creating")
			return []byte("found"), false, nil
		})
		require.NoError(t, err)
		assert.Equal(t, "found", string(out))
		out, err = Do(t.Context(), s, req, func(context.Context, bool) ([]byte, bool, error) {
			t.Error("a done key never runs the attempt again")
			return nil, false, nil
		})
		require.NoError(t, err)
		assert.Equal(t, "found", string(out))
	})
}

func TestDoStoreDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	_, err := Do(t.Context(), NewRedis(rdb, 0), Request{Key: "k", Fingerprint: "fp"}, func(context.Context, bool) ([]byte, bool, error) {
		t.Error("no attempt without the store")
		return nil, false, nil
	})
	var se *StoreError
	require.ErrorAs(t, err, &se)
	assert.NotContains(t, se.Error(), "127.0.0.1", "errors never name internal addresses")
}
