// Package cache answers repeated upstream reads without asking upstream
// again, and makes identical concurrent reads share one call.
//
// Entries are keyed by a hash of the caller's credential, so nothing cached
// for one token is ever served to another, and by a scope generation: a
// write to a scope (an Astro organization, a Houston installation) bumps
// the generation, which retires every entry of that scope for every token
// at once. The store is in process (an expirable LRU) or, with REDIS_URL,
// in Redis and shared by every replica.
package cache

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/redis/go-redis/v9"
)

// Store holds encoded responses and scope generations.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, val []byte)
	// Generation is the current generation of scope.
	Generation(ctx context.Context, scope string) (int64, error)
	// Bump retires every entry of scope.
	Bump(ctx context.Context, scope string) error
}

// Local is an in-process Store.
type Local struct {
	lru  *expirable.LRU[string, []byte]
	mu   sync.Mutex
	gens map[string]int64
}

// NewLocal returns a store of at most size entries, each kept for ttl.
// Create one per process: each starts an expiry goroutine that
// golang-lru/v2 (v2.0.7) offers no way to stop.
func NewLocal(size int, ttl time.Duration) *Local {
	return &Local{lru: expirable.NewLRU[string, []byte](size, nil, ttl), gens: map[string]int64{}}
}

// Get implements Store.
func (l *Local) Get(_ context.Context, key string) ([]byte, bool) { return l.lru.Get(key) }

// Set implements Store.
func (l *Local) Set(_ context.Context, key string, val []byte) { l.lru.Add(key, val) }

// Generation implements Store.
func (l *Local) Generation(_ context.Context, scope string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gens[scope], nil
}

// Bump implements Store.
func (l *Local) Bump(_ context.Context, scope string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gens[scope]++
	return nil
}

// Len is the number of entries held.
func (l *Local) Len() int { return l.lru.Len() }

// Redis is a Store in Redis, shared by every replica of the gateway.
type Redis struct {
	rdb    redis.UniversalClient
	ttl    time.Duration
	prefix string
}

// NewRedis returns a store in rdb whose entries live for ttl.
func NewRedis(rdb redis.UniversalClient, ttl time.Duration) *Redis {
	return &Redis{rdb: rdb, ttl: ttl, prefix: "gw:cache:"}
}

// Get implements Store. A Redis failure is a miss: the cache never fails a
// request.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool) {
	b, err := r.rdb.Get(ctx, r.prefix+key).Bytes()
	return b, err == nil
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, val []byte) {
	_ = r.rdb.Set(ctx, r.prefix+key, val, r.ttl).Err()
}

// Generation implements Store.
func (r *Redis) Generation(ctx context.Context, scope string) (int64, error) {
	s, err := r.rdb.Get(ctx, r.prefix+"gen:"+scope).Result()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// Bump implements Store.
func (r *Redis) Bump(ctx context.Context, scope string) error {
	return r.rdb.Incr(ctx, r.prefix+"gen:"+scope).Err()
}

// Fallback is a Store in Redis that falls back to an in-process one while
// Redis is unreachable, so that a Redis outage costs cache hits, never
// answers: Shared says which to use.
type Fallback struct {
	Shared Store
	Local  Store
	// Healthy reports whether Shared is reachable.
	Healthy func() bool
}

func (f *Fallback) store() Store {
	if f.Healthy() {
		return f.Shared
	}
	return f.Local
}

// Get implements Store.
func (f *Fallback) Get(ctx context.Context, key string) ([]byte, bool) {
	return f.store().Get(ctx, key)
}

// Set implements Store.
func (f *Fallback) Set(ctx context.Context, key string, val []byte) { f.store().Set(ctx, key, val) }

// Generation implements Store.
func (f *Fallback) Generation(ctx context.Context, scope string) (int64, error) {
	return f.store().Generation(ctx, scope)
}

// Bump implements Store. A write retires its scope in both stores, so that
// neither serves what it made stale once the other is in use again.
func (f *Fallback) Bump(ctx context.Context, scope string) error {
	err := f.Local.Bump(ctx, scope)
	if f.Healthy() {
		err = f.Shared.Bump(ctx, scope)
	}
	return err
}

// Bypassed reports whether ctx was marked by WithBypass.
func Bypassed(ctx context.Context) bool { return bypass(ctx) }
