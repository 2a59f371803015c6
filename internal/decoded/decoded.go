// Package decoded is the in-process tier of decoded upstream answers, and
// the handle by which a client and the cache transport (internal/cache)
// share one read's decoded objects. It has no dependencies of its own, so
// the upstream clients can use it without importing the cache.
package decoded

import (
	"context"
	"reflect"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Tier is the in-process tier of decoded upstream answers, in front of
// the byte Store: a warm read is handed the objects an earlier identical
// read decoded, and neither fetches nor decodes the bytes again. It is keyed
// like the byte tier (backend, scope and its generation, the credential's
// hash, method, URL and body) and by the Go type decoded into, so a write
// retires its entries with the rest of its scope, and nothing decoded for
// one token reaches another. Entries are bounded by count and by an
// estimate of their bytes (the size of the body they were decoded from),
// and live until their answer is TTL old.
//
// What it holds is shared by every reader: a client that decodes through
// it (astro.Client.Do) must treat what it returns as immutable.
type Tier struct {
	ttl      time.Duration
	maxBytes int64
	now      func() time.Time

	mu    sync.Mutex
	lru   *lru.Cache[key, *entry]
	bytes int64
}

type key struct {
	id  string
	typ reflect.Type
}

type entry struct {
	v       any
	size    int64
	fetched time.Time
}

// NewTier returns a tier of at most size entries and about maxBytes
// bytes, each entry kept until its answer is ttl old.
func NewTier(size int, maxBytes int64, ttl time.Duration) *Tier {
	d := &Tier{ttl: ttl, maxBytes: maxBytes, now: time.Now}
	d.lru, _ = lru.NewWithEvict(max(size, 1), func(_ key, e *entry) { d.bytes -= e.size })
	return d
}

func (d *Tier) get(k key) (*entry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.lru.Get(k)
	if !ok {
		return nil, false
	}
	if d.now().Sub(e.fetched) >= d.ttl {
		d.lru.Remove(k)
		return nil, false
	}
	return e, true
}

func (d *Tier) put(k key, e *entry) {
	if e.size > d.maxBytes/8 || d.now().Sub(e.fetched) >= d.ttl {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.lru.Peek(k); ok {
		d.bytes -= old.size // Add replaces it without eviction
	}
	d.lru.Add(k, e)
	d.bytes += e.size
	for d.bytes > d.maxBytes && d.lru.Len() > 1 {
		d.lru.RemoveOldest()
	}
}

// Len is the number of entries held.
func (d *Tier) Len() int { d.mu.Lock(); defer d.mu.Unlock(); return d.lru.Len() }

// Bytes is the estimated size of the entries held.
func (d *Tier) Bytes() int64 { d.mu.Lock(); defer d.mu.Unlock(); return d.bytes }

// Handle is one read's handle on the decoded tier, carried in its request's
// context (With). The transport fills it: with the objects of an
// earlier identical read (Hit), or with where to keep the ones the client
// is about to decode (Keep).
type Handle struct {
	typ     reflect.Type
	hit     any
	tier    *Tier
	key     key
	size    int64
	fetched time.Time
}

type handleKey struct{}

// With returns ctx asking the transports to serve a read decoded into
// a value of type typ (a pointer type) from the decoded tier when they can.
func With(ctx context.Context, typ reflect.Type) (context.Context, *Handle) {
	d := &Handle{typ: typ}
	return context.WithValue(ctx, handleKey{}, d), d
}

// From returns the handle ctx carries, or nil.
func From(ctx context.Context) *Handle {
	d, _ := ctx.Value(handleKey{}).(*Handle)
	return d
}

// Hit returns the decoded value the transport found (of the type asked
// for), which the caller must not modify.
func (d *Handle) Hit() (any, bool) {
	if d == nil || d.hit == nil {
		return nil, false
	}
	return d.hit, true
}

// Keep offers v, decoded from the answer the transport returned, to the
// decoded tier; it is kept only when that answer was cacheable. v must not
// be modified afterwards.
func (d *Handle) Keep(v any) {
	if d == nil || d.tier == nil || reflect.TypeOf(v) != d.typ {
		return
	}
	d.tier.put(d.key, &entry{v: v, size: d.size, fetched: d.fetched})
}

// Lookup returns, for the transport, the value kept for the read id (the
// byte tier's key) decoded into d's type, and when its answer was fetched;
// on a hit, d holds the value too.
func (d *Handle) Lookup(tier *Tier, id string) (fetched time.Time, ok bool) {
	e, ok := tier.get(key{id, d.typ})
	if !ok {
		return time.Time{}, false
	}
	d.hit = e.v
	return e.fetched, true
}

// Offer tells d, for the transport, where the value the client is about to
// decode from the answer of the read id (size bytes, fetched then) is to be
// kept, should the client Keep it.
func (d *Handle) Offer(tier *Tier, id string, size int, fetched time.Time) {
	if d == nil {
		return
	}
	d.tier, d.key, d.size, d.fetched = tier, key{id, d.typ}, int64(size), fetched
}

// Share returns a copy of *v (v a pointer) to be kept in the tier:
// its top-level slices are clipped to their length, so that a caller who
// appends to what it was given gets a new array rather than writing into
// the shared one.
func Share(v any) any {
	cp := reflect.New(reflect.TypeOf(v).Elem())
	cp.Elem().Set(reflect.ValueOf(v).Elem())
	e := cp.Elem()
	switch e.Kind() {
	case reflect.Slice:
		e.Set(e.Slice3(0, e.Len(), e.Len()))
	case reflect.Struct:
		for i := range e.NumField() {
			if f := e.Field(i); f.Kind() == reflect.Slice && f.CanSet() {
				f.Set(f.Slice3(0, f.Len(), f.Len()))
			}
		}
	}
	return cp.Interface()
}
