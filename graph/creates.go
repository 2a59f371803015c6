package graph

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/fault"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/upstream"
)

// Creates happen once (DESIGN.md, second wave). Astro creates are not
// idempotent: the same POST twice makes two objects. So a create that may
// have reached upstream is never sent again blindly:
//
//   - where the object has a unique key upstream (an Astro deployment's name
//     in its workspace, an environment object's type and key in its scope,
//     an allowed IP range in its organization), an unknown outcome is
//     resolved by looking the object up, and the create is repeated only
//     when it certainly does not exist (createByKey);
//   - elsewhere an outcome that stays unknown is reported as
//     OUTCOME_UNKNOWN, never as a plain failure;
//   - a create refused because it certainly was not made (the limiter had
//     no slot, Astro answered 429, the connection was refused) is tried
//     again within the request's deadline;
//   - a client's clientMutationId makes retries across requests and
//     replicas safe (internal/idempotency).

// OutcomeUnknownError says a create may have been made: upstream did not
// answer (a timeout, a connection lost after sending, a 5xx), and the
// object could not be looked up — or has no key to look it up by.
type OutcomeUnknownError struct {
	Backend string
	Kind    string // "deployment", "workspace", …
	// Why says what is unknown, for the message.
	Why string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	msg := fmt.Sprintf("the %s may or may not have been created: %s", e.Kind, e.Why)
	if e.Err != nil {
		// What went wrong, in words: a transport error's own text names
		// upstream addresses.
		msg += " (" + lostAnswer(e.Err) + ")"
	}
	return msg
}

// lostAnswer says how an answer was lost.
func lostAnswer(err error) string {
	var (
		ae *astro.Error
		he *houston.HTTPError
		ne net.Error
	)
	switch {
	case errors.As(err, &ae):
		return fmt.Sprintf("Astro answered %d (request id %s)", ae.StatusCode, ae.RequestID)
	case errors.As(err, &he):
		return fmt.Sprintf("Houston answered %d", he.StatusCode)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return "the connection was lost"
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// ExistsError is a create refused because another object holds its unique
// key: extensions carry the holder's global id (existingId) and upstream id.
type ExistsError struct {
	ExistingID         string // global id, as in Node.id
	ExistingUpstreamID string
	Err                error
}

func (e *ExistsError) Error() string { return e.Err.Error() }
func (e *ExistsError) Unwrap() error { return e.Err }

// astroUnknown reports whether a failed Astro create may nevertheless have
// been made. Only what proves otherwise is certain: an answer other than a
// 5xx (a 4xx, 429 included), the limiter refusing a slot, a connection
// never made, a request never built. Anything else — a timeout, a reset, a
// body that could not be read — may have followed a create that Astro made.
func astroUnknown(err error) bool {
	var ae *astro.Error
	switch {
	case err == nil, certainlyNotSent(err):
		return false
	case errors.As(err, &ae):
		return ae.StatusCode >= 500
	}
	return true
}

// houstonUnknown is astroUnknown for a Houston mutation: a GraphQL answer,
// errors included, is certain; a lost or 5xx answer is not.
func houstonUnknown(err error) bool {
	var (
		he  *houston.HTTPError
		gqe *houston.GraphQLError
		ue  *houston.UnsupportedError
	)
	switch {
	case err == nil, certainlyNotSent(err), errors.As(err, &gqe), errors.As(err, &ue), houston.IsNotFound(err),
		houston.IsUnauthenticated(err), houston.IsForbidden(err):
		return false
	case errors.As(err, &he):
		return he.StatusCode >= 500
	}
	return true
}

// certainlyNotSent: the gateway itself stopped the request before it left.
func certainlyNotSent(err error) bool {
	var (
		we *limiter.WaitError
		rl *astro.RateLimitError
		in *fault.InputError
	)
	return errors.As(err, &we) || errors.As(err, &rl) || errors.As(err, &in) || upstream.Refused(err) ||
		errors.Is(err, fault.ErrNoToken) || errors.Is(err, fault.ErrNotConfigured)
}

// notSent reports whether err proves the create was not made and may be
// sent again at once or after wait: no rate-limit slot, a 429, no
// connection.
func notSent(err error) (wait time.Duration, ok bool) {
	var (
		we *limiter.WaitError
		rl *astro.RateLimitError
	)
	switch {
	case errors.As(err, &we):
		return we.RetryAfter, true
	case errors.As(err, &rl):
		return rl.RetryAfter, true
	case upstream.Refused(err):
		return 0, true
	}
	return 0, false
}

// createAttempts bounds the creates sent for one mutation: the first, and
// those repeated after a refusal that proves nothing was made, or after a
// lookup that proves the object does not exist.
const createAttempts = 6

// pause waits before another attempt: at least atLeast, with a jittered
// exponential backoff from 50 ms up to ceiling (attempt counts from 1),
// never past ctx's deadline; false when there is no time left.
func pause(ctx context.Context, attempt int, atLeast, ceiling time.Duration) bool {
	bound := min(ceiling, 50*time.Millisecond<<min(attempt-1, 5))
	d := max(atLeast, bound/2+time.Duration(rand.Int64N(int64(bound/2)+1)))
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+100*time.Millisecond {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// sendCreate sends one create, again while the answer proves it was not
// made (within ctx's deadline and createAttempts). It returns the last
// error as is; the caller decides what an unknown outcome means.
func sendCreate[T any](ctx context.Context, send func(context.Context) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := send(ctx)
		if err == nil {
			return v, nil
		}
		wait, ok := notSent(err)
		if !ok || attempt >= createAttempts || !pause(ctx, attempt, wait, time.Second) {
			return v, err
		}
	}
}

// astroCreate is the create of an Astro object that has no unique key to be
// looked up by: sent once (again only when it certainly was not made), and
// an unknown outcome is OUTCOME_UNKNOWN. uncertain says an earlier attempt
// with the same clientMutationId ended unknown: the object may exist and
// cannot be found, so nothing is sent.
func astroCreate[T any](ctx context.Context, kind string, uncertain bool, send func(context.Context) (T, error)) (T, error) {
	var zero T
	if uncertain {
		return zero, &fault.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: kind,
			Why: "an earlier attempt with this clientMutationId did not learn Astro's answer, and Astro offers no key to look the " + kind + " up by; check for it, or send a new clientMutationId to create it anyway"}}
	}
	v, err := sendCreate(ctx, send)
	if err == nil {
		return v, nil
	}
	if astroUnknown(err) {
		return zero, &fault.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: kind,
			Why: "Astro's answer was lost, and Astro offers no key to look the " + kind + " up by; retry with the same clientMutationId to stay safe, or check for it before creating it again", Err: err}}
	}
	return zero, astroFail(err)
}

// houstonCreate is astroCreate for a Houston mutation sent through write
// (or another helper that maps its errors).
func houstonCreate[T any](ctx context.Context, kind string, uncertain bool, send func(context.Context) (T, error)) (T, error) {
	var zero T
	if uncertain {
		return zero, &fault.BackendError{Backend: "houston", Err: &OutcomeUnknownError{Backend: "houston", Kind: kind,
			Why: "an earlier attempt with this clientMutationId did not learn Houston's answer; check for it, or send a new clientMutationId to create it anyway"}}
	}
	v, err := sendCreate(ctx, send)
	if err != nil && houstonUnknown(err) {
		return zero, &fault.BackendError{Backend: "houston", Err: &OutcomeUnknownError{Backend: "houston", Kind: kind,
			Why: "Houston's answer was lost; retry with the same clientMutationId to stay safe, or check for it before creating it again", Err: err}}
	}
	return v, err
}

// once runs create under the input's clientMutationId, if it has one: a
// retry with the same key and input gets the first result (T, kept as
// JSON, sealed with the credential), a concurrent one waits for the first,
// and the same key with another input is BAD_USER_INPUT. The key lives per
// credential of backend — derived from the token, never the token — so
// keys of different callers never meet. input is the mutation's input; its
// canonical JSON without clientMutationId, hashed with a key derived from
// the credential, is the fingerprint. Without a key, create runs as is,
// told that no earlier attempt is uncertain.
func once[T any](ctx context.Context, backend, op string, clientMutationID *string, input any, create func(ctx context.Context, uncertain bool) (T, error)) (T, error) {
	var zero T
	if clientMutationID == nil {
		return create(ctx, false)
	}
	l := loader.For(ctx)
	keyDigest, ok := l.CredentialDigest(backend, "idempotency-key")
	if !ok {
		return zero, &fault.BackendError{Backend: backend, Err: fault.ErrNoToken}
	}
	sealKey, _ := l.CredentialDigest(backend, "idempotency-seal")
	return onceKeyed(ctx, keyDigest, sealKey, backend, op, *clientMutationID, input, create)
}

func onceKeyed[T any](ctx context.Context, keyDigest, sealKey [32]byte, scope, op, clientMutationID string, input any, create func(ctx context.Context, uncertain bool) (T, error)) (T, error) {
	var zero T
	fp, err := fingerprint(sealKey, op, input)
	if err != nil {
		return zero, err
	}
	store := loader.For(ctx).Idempotency()
	if store == nil {
		return zero, errors.New("graph: no idempotency store configured")
	}
	k := hmac.New(sha256.New, keyDigest[:])
	k.Write([]byte(op + "\x00" + clientMutationID))
	req := idempotency.Request{Key: scope + ":" + hex.EncodeToString(k.Sum(nil)), Fingerprint: fp, Secret: sealKey}
	raw, err := idempotency.Do(ctx, store, req, func(ctx context.Context, uncertain bool) ([]byte, bool, error) {
		v, err := create(ctx, uncertain)
		if err != nil {
			var ou *OutcomeUnknownError
			return nil, errors.As(err, &ou), err
		}
		b, err := json.Marshal(v)
		return b, false, err
	})
	if errors.Is(err, idempotency.ErrMismatch) {
		return zero, fault.Input("input.clientMutationId", "was used with a different input within the last 24 hours: use a new key for a new create")
	}
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return zero, fmt.Errorf("reading the first result of clientMutationId: %w", err)
	}
	return v, nil
}

// fingerprint is an HMAC (keyed per credential, as inputs may hold
// secrets) of op and the canonical JSON of input without its
// clientMutationId: object keys sorted, so the order a client wrote the
// fields in does not matter.
func fingerprint(key [32]byte, op string, input any) (string, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	delete(m, "clientMutationId")
	b, err = json.Marshal(m) // maps marshal with sorted keys
	if err != nil {
		return "", err
	}
	h := hmac.New(sha256.New, key[:])
	h.Write([]byte(op + "\x00"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// keyedCreate is a create whose object has a unique key upstream, so that
// an unknown outcome can be resolved by looking the key up.
type keyedCreate[T any] struct {
	kind string // "deployment"
	key  string // "the name 'x' in its workspace", for messages
	send func(ctx context.Context) (T, error)
	// find looks the key up once: found, or certainly absent (false, nil).
	find func(ctx context.Context) (T, bool, error)
	// holder names a found object: its global and upstream ids.
	holder func(T) (id, upstreamID string)
}

const (
	// lookupBudget bounds the time one create spends looking its object up
	// after unknown outcomes: enough for many lookups when each may time
	// out, short of any sensible request deadline.
	lookupBudget = 20 * time.Second
	// lookupAttempts bounds the lookups of one resolution.
	lookupAttempts = 80
	// lookupBackoff bounds the wait between two lookups: short, as the
	// client is waiting and each lookup is one GET of its budget.
	lookupBackoff = 250 * time.Millisecond
	// answerMargin is kept before the request's deadline to answer.
	answerMargin = 500 * time.Millisecond
)

// createByKey creates k's object unless it exists. While the outcome of a
// create sent (here, or by an earlier attempt with the same
// clientMutationId: uncertain) is unknown, it looks the key up: found, the
// object is the answer; certainly absent, it creates again, at most
// createAttempts times. A key already taken is the answer too when a
// create of ours may have taken it; otherwise it is Astro's refusal, naming
// the holder (ExistsError).
func createByKey[T any](ctx context.Context, k keyedCreate[T], uncertain bool) (T, error) {
	var zero T
	// Lookups share one budget, and leave time to answer before the
	// request's deadline.
	end := time.Now().Add(lookupBudget)
	if dl, ok := ctx.Deadline(); ok && dl.Add(-answerMargin).Before(end) {
		end = dl.Add(-answerMargin)
	}
	lookupCtx, cancel := context.WithDeadline(cache.WithBypass(ctx), end)
	defer cancel()
	var lastErr error
	for attempt := 1; attempt <= createAttempts; attempt++ {
		if uncertain {
			v, found, err := lookup(lookupCtx, k.find)
			if err != nil {
				return zero, &fault.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: k.kind,
					Why: fmt.Sprintf("Astro's answer to the create was lost and the %s could not be looked up by %s in time; look for it, or retry with the same clientMutationId", k.kind, k.key), Err: err}}
			}
			if found {
				return v, nil
			}
		}
		v, err := sendCreate(ctx, k.send)
		switch {
		case err == nil:
			return v, nil
		case astro.IsAlreadyExists(err):
			holder, found, ferr := lookup(lookupCtx, k.find)
			if ferr == nil && found {
				if uncertain {
					// An earlier create of ours took the key after all.
					return holder, nil
				}
				id, upstreamID := k.holder(holder)
				err = &ExistsError{ExistingID: id, ExistingUpstreamID: upstreamID, Err: err}
			}
			return zero, astroFail(err)
		case !astroUnknown(err):
			return zero, astroFail(err)
		}
		uncertain, lastErr = true, err
	}
	return zero, &fault.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: k.kind,
		Why: fmt.Sprintf("%d creates went unanswered and %s was not found after each", createAttempts, k.key), Err: lastErr}}
}

// lookup runs find, again within ctx's deadline (at most lookupAttempts
// times) while the lookup itself fails.
func lookup[T any](ctx context.Context, find func(context.Context) (T, bool, error)) (T, bool, error) {
	for attempt := 1; ; attempt++ {
		v, found, err := find(ctx)
		if err == nil {
			return v, found, nil
		}
		wait, _ := notSent(err)
		if !lookupAgain(err) || attempt >= lookupAttempts || !pause(ctx, attempt, wait, lookupBackoff) {
			return v, false, err
		}
	}
}

// lookupAgain reports whether a failed lookup may succeed if tried again:
// anything but an answer that refuses it (a 4xx other than 429).
func lookupAgain(err error) bool {
	if _, ok := notSent(err); ok {
		return true
	}
	var ae *astro.Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	return !errors.Is(err, fault.ErrNoToken) && !errors.Is(err, fault.ErrNotConfigured)
}
