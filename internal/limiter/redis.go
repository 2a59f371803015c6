package limiter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// Waiter admits requests of a class for a key, within ctx's deadline.
// *Limiter keeps the admissions in process; *Redis shares them between the
// replicas of the gateway, since Astro's budget is per token, not per
// replica.
type Waiter interface {
	Wait(ctx context.Context, key, class string) error
}

// slidingLog admits a request when fewer than ARGV[1] admissions are
// younger than ARGV[2] ms, by Redis's own clock (so replicas with skewed
// clocks agree), and otherwise returns how many ms until the oldest one
// leaves the window.
var slidingLog = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
`)

// Redis is a Waiter whose admissions live in Redis: a sorted set per token
// hash and class, trimmed to the window by a script, so the check and the
// admission are one atomic step for every replica.
type Redis struct {
	rdb    redis.UniversalClient
	limits Limits
	prefix string
}

// NewRedis returns a limiter for limits that keeps its state in rdb.
func NewRedis(rdb redis.UniversalClient, limits Limits) *Redis {
	return &Redis{rdb: rdb, limits: limits, prefix: "gw:lim:"}
}

// Wait implements Waiter. Redis errors fail the request: admitting blindly
// could break the upstream's limit.
func (r *Redis) Wait(ctx context.Context, key, class string) error {
	n := (&Limiter{limits: r.limits}).limit(class)
	if n <= 0 {
		return nil
	}
	window := (r.limits.Window + r.limits.Margin).Milliseconds()
	member := make([]byte, 12)
	_, _ = rand.Read(member)
	start := time.Now()
	for {
		wait, err := slidingLog.Run(ctx, r.rdb, []string{r.prefix + key + "|" + class}, n, window, hex.EncodeToString(member)).Int64()
		if err != nil {
			return err
		}
		if wait == 0 {
			return nil
		}
		d := time.Duration(wait) * time.Millisecond
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
			return &WaitError{RetryAfter: time.Since(start) + d, Class: class}
		}
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
}
