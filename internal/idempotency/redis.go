package idempotency

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Each record is a Redis hash (fp, state, owner, lease, result) under
// "gw:idem:<key>", expiring after the TTL. The scripts read Redis's own
// clock, so replicas with skewed clocks agree on leases.

var beginScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = now + tonumber(ARGV[3])
local r = redis.call('HMGET', KEYS[1], 'fp', 'state', 'lease', 'result')
if not r[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'pending', 'owner', ARGV[2], 'lease', lease)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed', '0'}
end
if r[1] ~= ARGV[1] then return {'mismatch', ''} end
if r[2] == 'done' then return {'done', r[4]} end
if r[2] == 'pending' and tonumber(r[3]) > now then return {'busy', ''} end
redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[2], 'lease', lease)
return {'claimed', '1'}
`)

var finishScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[2])
redis.call('HDEL', KEYS[1], 'owner', 'lease')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

var abandonScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'state', 'unknown')
  redis.call('HDEL', KEYS[1], 'owner', 'lease')
else
  redis.call('DEL', KEYS[1])
end
return 1
`)

// Redis is a Store shared by every replica through Redis: a client's retry
// that lands on another replica finds the first attempt's record. Each
// operation is one script, so claims are atomic across replicas.
type Redis struct {
	rdb    redis.UniversalClient
	ttl    time.Duration
	prefix string
}

// NewRedis returns a store in rdb keeping keys for ttl (DefaultTTL if 0).
func NewRedis(rdb redis.UniversalClient, ttl time.Duration) *Redis {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Redis{rdb: rdb, ttl: ttl, prefix: "gw:idem:"}
}

// Begin implements Store.
func (r *Redis) Begin(ctx context.Context, key, fingerprint string, lease time.Duration) (Claim, error) {
	owner := newOwner()
	v, err := beginScript.Run(ctx, r.rdb, []string{r.prefix + key}, fingerprint, owner, lease.Milliseconds(), r.ttl.Milliseconds()).Slice()
	if err != nil {
		return Claim{}, err
	}
	if len(v) != 2 {
		return Claim{}, fmt.Errorf("idempotency: unexpected answer from Redis")
	}
	state, _ := v[0].(string)
	arg, _ := v[1].(string)
	switch state {
	case "claimed":
		return Claim{State: Claimed, Owner: owner, Uncertain: arg == "1"}, nil
	case "done":
		return Claim{State: Done, Result: []byte(arg)}, nil
	case "busy":
		return Claim{State: Busy}, nil
	case "mismatch":
		return Claim{}, ErrMismatch
	}
	return Claim{}, fmt.Errorf("idempotency: unexpected state %q from Redis", state)
}

// Finish implements Store.
func (r *Redis) Finish(ctx context.Context, key, owner string, result []byte) error {
	return finishScript.Run(ctx, r.rdb, []string{r.prefix + key}, owner, result, r.ttl.Milliseconds()).Err()
}

// Abandon implements Store.
func (r *Redis) Abandon(ctx context.Context, key, owner string, unknown bool) error {
	u := "0"
	if unknown {
		u = "1"
	}
	return abandonScript.Run(ctx, r.rdb, []string{r.prefix + key}, owner, u).Err()
}
