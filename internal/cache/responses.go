package cache

import (
	"context"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Recorder collects what one GraphQL request read through the cache
// transports: each scope with the generation it was read at, and when the
// oldest upstream answer it used was fetched. A whole response built from
// those reads may be kept as long as every scope keeps its generation and
// the oldest answer is younger than the TTL. Anything else the request sent
// upstream (a write, a request the cache passes through, a read that could
// not learn its scope's generation) spoils it: such a response is not kept.
type Recorder struct {
	mu      sync.Mutex
	scopes  map[string]int64
	oldest  time.Time
	spoiled bool
}

type recorderKey struct{}

// WithRecorder returns ctx carrying r; the transports report to it.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

func recorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

func (r *Recorder) read(scope string, gen int64, fetched time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.scopes == nil {
		r.scopes = map[string]int64{}
	}
	if g, ok := r.scopes[scope]; ok && g != gen {
		r.spoiled = true // the scope changed while the request ran
	}
	r.scopes[scope] = gen
	if r.oldest.IsZero() || fetched.Before(r.oldest) {
		r.oldest = fetched
	}
}

// Spoil marks the request's response as not to be kept.
func (r *Recorder) Spoil() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.spoiled = true
	r.mu.Unlock()
}

// Response is a whole GraphQL response kept for the same request from the
// same credentials.
type Response struct {
	Status      int
	ContentType string
	Body        []byte
	scopes      map[string]int64
	expires     time.Time
}

// Responses keeps whole responses in process, bounded by entries and by
// bytes. An entry is served only while every scope it read keeps the
// generation it had (a write anywhere, on any replica sharing the Store,
// retires it) and until the oldest upstream answer in it is TTL old (at
// least half a TTL after it was built).
type Responses struct {
	store    Store
	ttl      time.Duration
	maxBytes int64
	now      func() time.Time

	mu    sync.Mutex
	lru   *lru.Cache[string, *Response]
	bytes int64
}

// NewResponses returns a response cache of at most size entries and
// maxBytes bytes of bodies, checking generations in store.
func NewResponses(store Store, size int, maxBytes int64, ttl time.Duration) *Responses {
	c := &Responses{store: store, ttl: ttl, maxBytes: maxBytes, now: time.Now}
	c.lru, _ = lru.NewWithEvict(max(size, 1), func(_ string, v *Response) { c.bytes -= int64(len(v.Body)) })
	return c
}

// Get returns the response kept under key, if it is still valid.
func (c *Responses) Get(ctx context.Context, key string) (*Response, bool) {
	c.mu.Lock()
	r, ok := c.lru.Get(key)
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	if c.now().After(r.expires) {
		c.remove(key, r)
		return nil, false
	}
	for scope, gen := range r.scopes {
		g, err := c.store.Generation(ctx, scope)
		if err != nil || g != gen {
			c.remove(key, r)
			return nil, false
		}
	}
	return r, true
}

func (c *Responses) remove(key string, r *Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.lru.Peek(key); ok && cur == r {
		c.lru.Remove(key)
	}
}

// Put keeps r under key if rec says it may be kept: nothing spoiled it and
// it read at least one scope.
func (c *Responses) Put(key string, r Response, rec *Recorder) bool {
	rec.mu.Lock()
	spoiled, oldest := rec.spoiled, rec.oldest
	scopes := make(map[string]int64, len(rec.scopes))
	for s, g := range rec.scopes {
		scopes[s] = g
	}
	rec.mu.Unlock()
	size := int64(len(r.Body))
	if spoiled || len(scopes) == 0 || size > c.maxBytes/8 {
		return false
	}
	// A response lives until its oldest upstream answer is TTL old, and at
	// least half a TTL from now: one that took longer than the TTL to
	// build (a slow upstream, a busy machine) is still worth keeping, or
	// every identical request would build it again.
	r.scopes, r.expires = scopes, oldest.Add(c.ttl)
	if floor := c.now().Add(c.ttl / 2); r.expires.Before(floor) {
		r.expires = floor
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(key); ok {
		c.bytes -= int64(len(old.Body)) // Add replaces it without eviction
	}
	c.lru.Add(key, &r)
	c.bytes += size
	for c.bytes > c.maxBytes && c.lru.Len() > 1 {
		c.lru.RemoveOldest()
	}
	return true
}

// Len and Bytes say how much the cache holds.
func (c *Responses) Len() int { c.mu.Lock(); defer c.mu.Unlock(); return c.lru.Len() }

// Bytes is the size of the bodies held.
func (c *Responses) Bytes() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.bytes }
