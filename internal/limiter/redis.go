package limiter

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The scripts read Redis's own clock (so replicas with skewed clocks agree)
// in ms, rounded down where a place is found free and up where it is
// released: a place frees no earlier than one whole window after its
// attempt ended. (Rounded down on release too, it could free up to a
// millisecond early, and an upstream that answers within that millisecond
// would see two arrivals of the place in one window.) The unit stays the
// ms, so replicas of an earlier version share the sets during an upgrade.

// acquireScript admits a request when fewer than ARGV[1] places of KEYS[1]
// are held. A place is a member of a sorted set scored by the time it
// frees, in ms.
// Admission scores it ARGV[3] ms ahead — the longest an attempt may last
// plus one window — so that a replica that dies mid-attempt frees it in
// time; the release script brings it forward to one window after the
// attempt really ended. Refused, it returns a lower bound of the wait in
// ms: a place frees no earlier than its score, nor earlier than one window
// (ARGV[2]) from now if its attempt is still in flight.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = math.min(tonumber(first[2]), now + tonumber(ARGV[2])) - now
if wait < 1 then wait = 1 end
return wait
`)

// releaseScript moves the place ARGV[2] of KEYS[1] to one window (ARGV[1]
// ms) from now, rounded up, if that is sooner than its provisional score.
var releaseScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
local s = redis.call('ZSCORE', KEYS[1], ARGV[2])
if s and tonumber(s) > now + tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
end
return 0
`)

// pushScript adds places that were taken without Redis: ARGV holds pairs
// of a member and the ms from now (Redis's clock, rounded up) at which it
// frees.
var pushScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000)
local longest = 0
for i = 1, #ARGV, 2 do
  local d = tonumber(ARGV[i + 1])
  redis.call('ZADD', KEYS[1], now + d, ARGV[i])
  if d > longest then longest = d end
end
if longest > 0 and redis.call('PTTL', KEYS[1]) < longest then
  redis.call('PEXPIRE', KEYS[1], longest)
end
return 0
`)

// Redis is a Waiter whose places live in Redis: a sorted set per token hash
// and class, checked and taken by one script (one round trip per
// admission, atomic for every replica), and released by a second call when
// the attempt ends. Within a replica, the waiters of a key take turns
// asking Redis, in arrival order.
type Redis struct {
	rdb     redis.UniversalClient
	limits  Limits
	maxHold time.Duration
	prefix  string

	mu    sync.Mutex
	gates map[string]*gate
}

// gate lets one waiter of a key at a time ask Redis.
type gate struct {
	ch    chan struct{}
	users int
}

// NewRedis returns a limiter for limits that keeps its state in rdb.
// attempt bounds one upstream attempt (UPSTREAM_TIMEOUT): a place whose
// release never reaches Redis frees attempt + one window after admission.
func NewRedis(rdb redis.UniversalClient, limits Limits, attempt time.Duration) *Redis {
	if attempt <= 0 {
		attempt = time.Minute
	}
	return &Redis{rdb: rdb, limits: limits, maxHold: attempt + limits.Window, prefix: "gw:lim:", gates: map[string]*gate{}}
}

// enter waits for k's gate in arrival order; leave must follow.
func (r *Redis) enter(ctx context.Context, k string) (leave func(), err error) {
	r.mu.Lock()
	g := r.gates[k]
	if g == nil {
		g = &gate{ch: make(chan struct{}, 1)}
		r.gates[k] = g
	}
	g.users++
	r.mu.Unlock()
	done := func() {
		r.mu.Lock()
		if g.users--; g.users == 0 {
			delete(r.gates, k)
		}
		r.mu.Unlock()
	}
	select {
	case g.ch <- struct{}{}:
		return func() { <-g.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// Acquire implements Waiter. A Redis error is returned as is: admitting
// blindly could break the upstream's limit ([Shared] decides what to do).
func (r *Redis) Acquire(ctx context.Context, key, class string) (func(), error) {
	n := r.limits.Limit(class)
	if n <= 0 {
		return func() {}, nil
	}
	window := ceilMillis(r.limits.Window)
	member := newMember()
	k := r.prefix + key + "|" + class
	late := func(err error, wait time.Duration) error {
		if errors.Is(err, context.DeadlineExceeded) {
			return &WaitError{RetryAfter: max(wait, time.Millisecond), Class: class}
		}
		return err
	}
	leave, err := r.enter(ctx, k)
	if err != nil {
		return nil, late(err, r.limits.Window)
	}
	defer leave()
	for {
		wait, err := acquireScript.Run(ctx, r.rdb, []string{k}, n, window, ceilMillis(r.maxHold), member).Int64()
		if err != nil {
			if ctx.Err() != nil {
				return nil, late(ctx.Err(), r.limits.Window)
			}
			return nil, err
		}
		if wait == 0 {
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				defer cancel()
				_ = releaseScript.Run(ctx, r.rdb, []string{k}, window, member).Err()
			}, nil
		}
		d := time.Duration(wait) * time.Millisecond
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
			return nil, &WaitError{RetryAfter: d, Class: class}
		}
		if err := sleepCtx(ctx, d); err != nil {
			return nil, late(err, d)
		}
	}
}

// push adds places taken without Redis to key|class: each member frees
// after its duration from now.
func (r *Redis) push(ctx context.Context, keyClass string, places map[string]time.Duration) error {
	if len(places) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(places))
	for m, d := range places {
		args = append(args, m, max(ceilMillis(d), 1))
	}
	return pushScript.Run(ctx, r.rdb, []string{r.prefix + keyClass}, args...).Err()
}

// releaseMember moves member of key|class to one window from now.
func (r *Redis) releaseMember(keyClass, member string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = releaseScript.Run(ctx, r.rdb, []string{r.prefix + keyClass}, ceilMillis(r.limits.Window), member).Err()
}

// ceilMillis is d in whole ms, rounded up: every duration the scripts
// receive (the window, the longest hold, a place handed over) makes a place
// free no earlier than it should.
func ceilMillis(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
