package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/fault"
)

// admission bounds the requests served at once, per gateway and per
// caller. A request over a bound waits up to wait for a place, then is
// answered OVERLOADED. Streams are not counted: a websocket or SSE stream
// lives long and is bounded by its operations' costs.
type admission struct {
	global    chan struct{} // nil: no bound
	perCaller int
	wait      time.Duration

	mu      sync.Mutex
	callers map[string]*callerSlots
}

type callerSlots struct {
	sem  chan struct{}
	refs int // requests holding or waiting for a slot
}

func newAdmission(l config.Limits) *admission {
	perCaller := l.MaxConcurrentPerCaller
	if perCaller == 0 {
		perCaller = max(1, runtime.GOMAXPROCS(0)/2)
	}
	a := &admission{perCaller: perCaller, wait: l.QueueTimeout, callers: map[string]*callerSlots{}}
	if l.MaxConcurrent > 0 {
		a.global = make(chan struct{}, l.MaxConcurrent)
	}
	return a
}

// errBusy tells which bound refused a request.
type errBusy struct{ caller bool }

func (e errBusy) Error() string {
	if e.caller {
		return "too many requests at once from this caller"
	}
	return "too many requests at once"
}

// acquire waits for a place for the caller key; release gives it back.
func (a *admission) acquire(ctx context.Context, key string) (release func(), err error) {
	timer := time.NewTimer(a.wait)
	defer timer.Stop()
	a.mu.Lock()
	mine := a.callers[key]
	if mine == nil {
		mine = &callerSlots{sem: make(chan struct{}, a.perCaller)}
		a.callers[key] = mine
	}
	mine.refs++
	a.mu.Unlock()
	if err := take(ctx, mine.sem, timer); err != nil {
		a.drop(key, mine, false)
		return nil, errOr(err, errBusy{caller: true})
	}
	if a.global != nil {
		if err := take(ctx, a.global, timer); err != nil {
			a.drop(key, mine, true)
			return nil, errOr(err, errBusy{})
		}
	}
	return func() {
		if a.global != nil {
			<-a.global
		}
		a.drop(key, mine, true)
	}, nil
}

// drop forgets one request of a caller, freeing its slot if it held one,
// and the caller's entry when no request of it is left.
func (a *admission) drop(key string, c *callerSlots, held bool) {
	if held {
		<-c.sem
	}
	a.mu.Lock()
	if c.refs--; c.refs == 0 {
		delete(a.callers, key)
	}
	a.mu.Unlock()
}

var errTimedOut = errors.New("timed out")

func take(ctx context.Context, sem chan struct{}, timer *time.Timer) error {
	select {
	case sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case sem <- struct{}{}:
		return nil
	case <-timer.C:
		return errTimedOut
	case <-ctx.Done():
		return ctx.Err()
	}
}

func errOr(err, busy error) error {
	if errors.Is(err, errTimedOut) {
		return busy
	}
	return err
}

// callerKey names a caller for its share of the gateway: a hash of the
// credentials it sent (tokens never stay in memory longer than the
// request), or its address when it sent none.
func callerKey(r *http.Request) string {
	h := sha256.New()
	sent := false
	keys := []string{"X-Astro-Token", "Authorization", "X-Houston-Token", "X-Gateway-Key"}
	for k := range r.Header {
		// A fleet's per-backend credentials (fleet.go).
		if strings.HasPrefix(k, "X-Astro-Token-") || strings.HasPrefix(k, "X-Houston-Token-") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys[4:])
	for _, k := range keys {
		v := r.Header.Get(k)
		sent = sent || v != ""
		_, _ = io.WriteString(h, k+"\x00"+v+"\x00")
	}
	if !sent {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		return "addr:" + host
	}
	return fmt.Sprintf("cred:%x", h.Sum(nil)[:16])
}

// retryAfter is the Retry-After, in seconds, of an OVERLOADED answer: the
// queue's wait rounded up, at least 1.
func retryAfter(wait time.Duration) int { return max(1, int(math.Ceil(wait.Seconds()))) }

// admit answers OVERLOADED (503, Retry-After) when a request finds no place
// within the queue timeout.
func admit(a *admission, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streaming(r) || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		release, err := a.acquire(r.Context(), callerKey(r))
		if err != nil {
			var busy errBusy
			if !errors.As(err, &busy) {
				return // the client went away while waiting
			}
			retry := retryAfter(a.wait)
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			writeError(w, http.StatusServiceUnavailable, "the gateway is busy: "+busy.Error()+"; retry later",
				map[string]any{"code": fault.CodeOverloaded, "retryAfter": retry})
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// limitBody answers 413 to a request body larger than max, before gqlgen
// reads it.
func limitBody(max int64, next http.Handler) http.Handler {
	if max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			tooLarge(w, max)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, "the request body could not be read", map[string]any{"code": fault.CodeBadUserInput})
			return
		}
		if int64(len(body)) > max {
			tooLarge(w, max)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func tooLarge(w http.ResponseWriter, max int64) {
	w.Header().Set("Connection", "close") // the rest of the body is not read
	writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", max),
		map[string]any{"code": fault.CodeBadUserInput})
}

func writeError(w http.ResponseWriter, status int, msg string, ext map[string]any) {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// stopWhenDone keeps resolvers from starting once the request's deadline
// has passed or its client has gone: every field still to run fails at
// once with the context's error (TIMEOUT), so the work of the request ends
// within moments of its deadline.
func stopWhenDone(ctx context.Context, next graphql.Resolver) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return next(ctx)
}

// boundResponse folds a timed-out operation's many TIMEOUT errors into one,
// and replaces an answer larger than maxBytes by a RESPONSE_TOO_LARGE
// error.
func boundResponse(maxBytes int64, timeout time.Duration) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		resp.Errors = foldTimeouts(resp.Errors, timeout)
		if maxBytes > 0 && int64(len(resp.Data)) > maxBytes {
			resp.Data = nil
			resp.Errors = append(resp.Errors, &gqlerror.Error{
				Message:    fmt.Sprintf("the response is larger than %d bytes: ask for fewer objects or fields", maxBytes),
				Extensions: map[string]any{"code": fault.CodeResponseTooLarge, "maxBytes": maxBytes},
			})
		}
		return resp
	}
}

func foldTimeouts(errs gqlerror.List, timeout time.Duration) gqlerror.List {
	out := errs[:0:0]
	timedOut := false
	for _, e := range errs {
		if e.Extensions["code"] == fault.CodeTimeout {
			timedOut = true
			continue
		}
		out = append(out, e)
	}
	if !timedOut {
		return errs
	}
	msg := "the request was stopped at its deadline"
	if timeout > 0 {
		msg = fmt.Sprintf("the request was stopped at its deadline (REQUEST_TIMEOUT %s)", timeout)
	}
	return append(out, &gqlerror.Error{
		Message:    msg + "; data holds what was complete",
		Extensions: map[string]any{"code": fault.CodeTimeout},
	})
}
