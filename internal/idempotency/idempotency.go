// Package idempotency remembers creates by client key (Relay's
// clientMutationId), so that a client that retries a create — because its
// answer was lost, or a replica died under it — gets the first result
// instead of a second object.
//
// A record is kept per key for TTL (24 h by default) and moves through
//
//	pending (an attempt holds a lease) → done (the result is kept)
//	pending → unknown (the attempt ended without knowing whether upstream acted)
//	pending → gone (the attempt certainly failed: a retry may create)
//
// A key reused with another input (another fingerprint) is refused with
// [ErrMismatch]. A second request with a key whose attempt is pending waits
// for it; one that finds the outcome unknown, or a lease that ran out (its
// replica died), takes the key over and is told to find out whether the
// object exists before creating it.
//
// Keys and results are derived by the caller from the credential: the key
// from a hash of the token, the result sealed with a key derived from the
// token (see [Do]), so a shared store holds neither tokens nor results that
// another credential could read — created API tokens included.
//
//	store := idempotency.NewMemory(idempotency.DefaultTTL)
//	out, err := idempotency.Do(ctx, store, req, func(ctx context.Context, uncertain bool) ([]byte, bool, error) { … })
package idempotency

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultTTL is how long a key is remembered: a day, as Relay clients and
// payment APIs expect of an idempotency key.
const DefaultTTL = 24 * time.Hour

// ErrMismatch says a key was used before with another input.
var ErrMismatch = errors.New("idempotency: clientMutationId was used before with a different input")

// StoreError says the store could not be read or written; the create was
// not attempted. Its message never repeats Err's, which may name an
// internal address.
type StoreError struct{ Err error }

func (e *StoreError) Error() string {
	return "the idempotency store is unavailable: nothing was created; try again"
}
func (e *StoreError) Unwrap() error { return e.Err }

// State is what Begin found.
type State int

const (
	// Claimed: the caller holds the key and should attempt the create.
	Claimed State = iota
	// Done: an earlier attempt succeeded; Claim.Result is its result.
	Done
	// Busy: another attempt holds the key; wait and ask again.
	Busy
)

// Claim is the answer of Begin.
type Claim struct {
	State State
	// Owner identifies the claim (Claimed); pass it to Finish or Abandon.
	Owner string
	// Uncertain (Claimed): an earlier attempt may have created the object
	// (its outcome stayed unknown, or its lease ran out). Find out before
	// creating.
	Uncertain bool
	// Result (Done) is what Finish stored.
	Result []byte
}

// Store keeps the records. Implementations: [Memory] (one process) and
// [Redis] (shared by replicas). All methods are safe for concurrent use.
type Store interface {
	// Begin claims key for an attempt that may run for lease, or reports
	// what is known about it. A fingerprint other than the first is
	// ErrMismatch.
	Begin(ctx context.Context, key, fingerprint string, lease time.Duration) (Claim, error)
	// Finish records owner's result; a key owner no longer holds is left
	// alone.
	Finish(ctx context.Context, key, owner string, result []byte) error
	// Abandon ends owner's attempt without a result: unknown marks the
	// outcome unknown (the next attempt must find out first); otherwise the
	// key is forgotten, as if never used.
	Abandon(ctx context.Context, key, owner string, unknown bool) error
}

func newOwner() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Memory is a Store in process: enough for one replica, and what the gateway
// uses without REDIS_URL. The zero value is not usable; call NewMemory.
type Memory struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	records   map[string]*record
	lastSweep time.Time
}

type record struct {
	fingerprint string
	state       string // pending, unknown, done
	owner       string
	lease       time.Time
	result      []byte
	expires     time.Time
}

// NewMemory returns an empty in-process store keeping keys for ttl
// (DefaultTTL if 0). It starts no goroutine: expired keys are swept on use.
func NewMemory(ttl time.Duration) *Memory {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Memory{ttl: ttl, now: time.Now, records: map[string]*record{}}
}

func (m *Memory) get(key string, now time.Time) *record {
	if now.Sub(m.lastSweep) > time.Minute {
		m.lastSweep = now
		for k, r := range m.records {
			if !now.Before(r.expires) {
				delete(m.records, k)
			}
		}
	}
	r := m.records[key]
	if r != nil && !now.Before(r.expires) {
		delete(m.records, key)
		return nil
	}
	return r
}

// Begin implements Store.
func (m *Memory) Begin(_ context.Context, key, fingerprint string, lease time.Duration) (Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	r := m.get(key, now)
	if r == nil {
		o := newOwner()
		m.records[key] = &record{fingerprint: fingerprint, state: "pending", owner: o, lease: now.Add(lease), expires: now.Add(m.ttl)}
		return Claim{State: Claimed, Owner: o}, nil
	}
	switch {
	case r.fingerprint != fingerprint:
		return Claim{}, ErrMismatch
	case r.state == "done":
		return Claim{State: Done, Result: r.result}, nil
	case r.state == "pending" && now.Before(r.lease):
		return Claim{State: Busy}, nil
	}
	r.state, r.owner, r.lease = "pending", newOwner(), now.Add(lease)
	return Claim{State: Claimed, Owner: r.owner, Uncertain: true}, nil
}

// Finish implements Store.
func (m *Memory) Finish(_ context.Context, key, owner string, result []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if r := m.get(key, now); r != nil && r.owner == owner && r.state == "pending" {
		r.state, r.owner, r.result, r.expires = "done", "", result, now.Add(m.ttl)
	}
	return nil
}

// Abandon implements Store.
func (m *Memory) Abandon(_ context.Context, key, owner string, unknown bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.get(key, m.now())
	if r == nil || r.owner != owner || r.state != "pending" {
		return nil
	}
	if unknown {
		r.state, r.owner = "unknown", ""
		return nil
	}
	delete(m.records, key)
	return nil
}

// Request names one create for Do.
type Request struct {
	// Key identifies the key in the store: derived from a hash of the
	// credential, the operation and the client's key — never the token.
	Key string
	// Fingerprint is a hash of the canonical input.
	Fingerprint string
	// Secret seals the result in the store (AES-GCM); derive it from the
	// credential, so only its holder can read the result back.
	Secret [32]byte
	// Lease bounds how long the attempt may hold the key; a replica that
	// dies holding it loses it then. Default: until ctx's deadline plus 5 s,
	// or 2 minutes.
	Lease time.Duration
	// Poll is how often a duplicate waiting for the first attempt asks
	// again (default 50 ms).
	Poll time.Duration
}

// Attempt makes the create. uncertain says an earlier attempt with the key
// may have created the object: find out first. It returns the result to
// keep, or an error and whether the outcome is unknown (the object may
// exist).
type Attempt func(ctx context.Context, uncertain bool) (result []byte, unknown bool, err error)

// Do runs attempt at most once at a time per key, and never again once one
// attempt succeeded: later calls with the key get that result. It waits for
// an attempt in flight elsewhere within ctx. Errors: ErrMismatch, a
// *StoreError, ctx's error while waiting, or attempt's own error.
func Do(ctx context.Context, s Store, req Request, attempt Attempt) ([]byte, error) {
	lease := req.Lease
	if lease <= 0 {
		lease = 2 * time.Minute
		if dl, ok := ctx.Deadline(); ok {
			lease = time.Until(dl) + 5*time.Second
		}
	}
	poll := req.Poll
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	for {
		c, err := s.Begin(ctx, req.Key, req.Fingerprint, lease)
		if errors.Is(err, ErrMismatch) {
			return nil, err
		}
		if err != nil {
			return nil, &StoreError{Err: err}
		}
		switch c.State {
		case Done:
			out, err := open(req.Secret, c.Result)
			if err != nil {
				return nil, &StoreError{Err: err}
			}
			return out, nil
		case Busy:
			t := time.NewTimer(poll)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			continue
		}
		out, unknown, aerr := attempt(ctx, c.Uncertain)
		// Record the outcome even when the request was cancelled meanwhile:
		// the object exists (or may) whether or not the client waited.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if aerr == nil {
			if sealed, serr := seal(req.Secret, out); serr == nil {
				_ = s.Finish(wctx, req.Key, c.Owner, sealed)
			}
			cancel()
			// The create succeeded: report it even if it could not be
			// recorded (a retry then finds out as after an unknown outcome).
			return out, nil
		}
		_ = s.Abandon(wctx, req.Key, c.Owner, unknown)
		cancel()
		return nil, aerr
	}
}

func seal(secret [32]byte, plain []byte) ([]byte, error) {
	g, err := gcm(secret)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, plain, nil), nil
}

func open(secret [32]byte, sealed []byte) ([]byte, error) {
	g, err := gcm(secret)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize() {
		return nil, fmt.Errorf("idempotency: stored result is truncated")
	}
	out, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], nil)
	if err != nil {
		return nil, fmt.Errorf("idempotency: stored result does not open with this credential")
	}
	return out, nil
}

func gcm(secret [32]byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(secret[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
