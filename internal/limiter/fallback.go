package limiter

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// heartbeatScript records replica ARGV[1] as present now (Redis's clock),
// forgets replicas unseen for ARGV[2] ms, and returns how many remain and
// how many of them were seen within the last ARGV[3] ms.
var heartbeatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[3]), '+inf')}
`)

// Shared keeps the places in Redis while Redis answers, and in process with
// a conservative share of the budget while it does not, so that Redis is
// not a single point of failure:
//
//   - Every replica records its presence in Redis (a heartbeat each
//     Interval), so each knows how many replicas share the budget.
//   - When Redis fails (an admission's call errs, or a heartbeat does),
//     the replica admits from its own limiter, with limits divided by the
//     replicas last seen (or by Replicas, when configured) and never less
//     than 1 — never the whole budget. The places it took through Redis
//     still count there.
//   - When a heartbeat succeeds again, it hands the places it took alone
//     over to Redis and returns to it, keeping to its share as well for a
//     while; so does every replica while another one seen lately misses
//     its heartbeats (it may be admitting alone).
//
// What stays approximate: when Redis fails, a replica pauses one window so
// that what the others admitted through Redis leaves the window, but an
// attempt of theirs still in flight longer than that is not counted here;
// and when one replica alone loses Redis (a partition), the others keep to
// their shares only once its heartbeats are overdue (two periods). Upstream
// 429s that follow are retried after their Retry-After.
type Shared struct {
	redis  *Redis
	rdb    redis.UniversalClient
	local  *Limiter
	limits Limits
	log    *slog.Logger

	// Replicas, when positive, is the replica count the fallback share
	// divides by, instead of the count seen through Redis.
	replicas int
	id       string
	interval time.Duration
	presence string // the Redis key of the heartbeats

	down atomic.Bool
	seen atomic.Int64
	// epoch counts the failures of Redis, recoveries its returns.
	epoch, recoveries atomic.Int64
	// pauseUntil (unix ns): after Redis fails, no replica knows what the
	// others admitted through Redis in the last window, so none admits
	// anything new until it has passed.
	pauseUntil atomic.Int64
	// dualUntil (unix ns): back on Redis, a replica also keeps to its
	// share until every replica has had a heartbeat to return and hand
	// over the places it took alone.
	dualUntil atomic.Int64

	stop     chan struct{}
	stopOnce sync.Once
}

// SharedOptions configure a [Shared] limiter.
type SharedOptions struct {
	// Name tells apart the limiters of one replica (one per backend), so
	// that each counts replicas, not limiters. Default "default".
	Name string
	// Attempt bounds one upstream attempt (UPSTREAM_TIMEOUT).
	Attempt time.Duration
	// Replicas, when positive, fixes the replica count of the fallback
	// share; 0 uses the replicas last seen through Redis.
	Replicas int
	// Interval is the heartbeat period (default 1s); a replica unseen for
	// ten periods no longer counts.
	Interval time.Duration
	Logger   *slog.Logger
}

// NewShared returns a limiter for limits in rdb with an in-process
// fallback, and starts its heartbeat goroutine; Close stops it.
func NewShared(rdb redis.UniversalClient, limits Limits, o SharedOptions) *Shared {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Name == "" {
		o.Name = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Shared{
		redis: NewRedis(rdb, limits, o.Attempt), rdb: rdb, limits: limits, log: o.Logger,
		replicas: o.Replicas, id: newMember(), interval: o.Interval, presence: "gw:replicas:" + o.Name, stop: make(chan struct{}),
	}
	s.seen.Store(1)
	s.local = New(s.share())
	s.heartbeat()
	go s.run()
	return s
}

// Close stops the heartbeat.
func (s *Shared) Close() { s.stopOnce.Do(func() { close(s.stop) }) }

// Degraded reports whether Redis is unreachable, so that places are
// admitted in process.
func (s *Shared) Degraded() bool { return s.down.Load() }

// Replicas is the replica count the fallback share divides by.
func (s *Shared) Replicas() int {
	if s.replicas > 0 {
		return s.replicas
	}
	return int(max(s.seen.Load(), 1))
}

// share is the fallback's limits: each class's budget divided by the
// replicas, at least 1 where the class is limited.
func (s *Shared) share() Limits {
	r := s.Replicas()
	part := func(n int) int {
		if n <= 0 {
			return 0
		}
		return max(n/r, 1)
	}
	return Limits{Read: part(s.limits.Read), Write: part(s.limits.Write), Delete: part(s.limits.Delete), Window: s.limits.Window}
}

// Acquire implements Waiter.
func (s *Shared) Acquire(ctx context.Context, key, class string) (func(), error) {
	if !s.down.Load() {
		epoch := s.epoch.Load()
		var local func()
		if s.dual() {
			r, err := s.local.Acquire(ctx, key, class)
			if err != nil {
				return nil, err
			}
			local = r
		}
		release, err := s.redis.Acquire(ctx, key, class)
		if err == nil {
			if local == nil && (s.epoch.Load() != epoch || s.dual()) {
				// Redis failed and came back while this request waited:
				// meanwhile the replicas admitted alone, so keep to the
				// share too.
				r, err := s.local.Acquire(ctx, key, class)
				if err != nil {
					release()
					return nil, err
				}
				local = r
			}
			if local == nil {
				local = s.local.record(key, class)
			}
			return func() { release(); local() }, nil
		}
		var we *WaitError
		if errors.As(err, &we) || ctx.Err() != nil {
			if local != nil {
				local()
			}
			return nil, err
		}
		s.fail(err)
		if local != nil {
			return local, nil // the place taken in process stands
		}
	}
	if until := time.Unix(0, s.pauseUntil.Load()); time.Now().Before(until) {
		if dl, ok := ctx.Deadline(); ok && dl.Before(until) {
			return nil, &WaitError{RetryAfter: time.Until(until), Class: class}
		}
		if err := sleepCtx(ctx, time.Until(until)); err != nil {
			return nil, err
		}
	}
	recovered := s.recoveries.Load()
	local, err := s.local.Acquire(ctx, key, class)
	if err != nil || s.recoveries.Load() == recovered {
		return local, err
	}
	// Redis came back while this request waited, maybe too late to hand
	// its place over: take one in Redis as well.
	release, err := s.redis.Acquire(ctx, key, class)
	if err == nil {
		return func() { release(); local() }, nil
	}
	var we *WaitError
	if errors.As(err, &we) || ctx.Err() != nil {
		local()
		return nil, err
	}
	s.fail(err)
	return local, nil
}

// dual reports whether a replica back on Redis still keeps to its share.
func (s *Shared) dual() bool { return time.Now().UnixNano() < s.dualUntil.Load() }

// fail switches to the in-process limiter.
func (s *Shared) fail(err error) {
	if s.down.CompareAndSwap(false, true) {
		s.epoch.Add(1)
		s.pauseUntil.Store(time.Now().Add(s.limits.Window).UnixNano())
		s.local.SetLimits(s.share())
		s.log.Warn("Redis unreachable: rate limits and cache fall back to this process, with a share of each budget",
			"replicas", s.Replicas(), "err", err)
	}
}

func (s *Shared) run() {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.heartbeat()
		}
	}
}

// heartbeat records this replica's presence and learns how many share
// the budget; its outcome says whether Redis is up.
func (s *Shared) heartbeat() {
	ctx, cancel := context.WithTimeout(context.Background(), s.interval)
	defer cancel()
	res, err := heartbeatScript.Run(ctx, s.rdb, []string{s.presence}, s.id, (10 * s.interval).Milliseconds(), (2 * s.interval).Milliseconds()).Int64Slice()
	if err == nil && len(res) != 2 {
		err = errors.New("limiter: unexpected heartbeat answer")
	}
	if err != nil {
		s.fail(err)
		return
	}
	n, fresh := res[0], res[1]
	if fresh < n {
		// A replica seen lately has missed its heartbeats: it may be
		// admitting alone, with its share. Keep to ours as well.
		s.dualUntil.Store(time.Now().Add(s.interval + s.limits.Window).UnixNano())
	}
	if s.down.Load() || s.dual() {
		// A Redis that comes back has not heard from the other replicas
		// yet: keep the larger count until they have had the time to.
		n = max(n, s.seen.Load())
	}
	if s.down.Load() {
		// Hand the places taken alone over to Redis, then keep to the
		// share until every replica has had the time to do the same. A
		// place taken alone after the count moves takes one in Redis too.
		s.recoveries.Add(1)
		for kc, places := range s.local.handOver(s.redis.maxHold, s.redis.releaseMember) {
			if err := s.redis.push(ctx, kc, places); err != nil {
				return
			}
		}
		s.dualUntil.Store(time.Now().Add(s.interval + s.limits.Window).UnixNano())
		s.down.Store(false)
		s.log.Info("Redis reachable again: rate limits and cache shared through Redis", "replicas", n)
	}
	s.seen.Store(n)
	s.local.SetLimits(s.share())
}
