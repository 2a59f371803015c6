package gateway

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/internal/fault"
)

// sseSingle is graphql-sse's single connection mode
// (https://github.com/enisdenjo/graphql-sse/blob/master/PROTOCOL.md): a
// browser on HTTP/1 keeps one event stream for all its operations.
//
//   - PUT /graphql reserves a stream: 201 and a one-time token;
//   - GET /graphql with the token (X-GraphQL-Event-Stream-Token, or
//     ?token= for EventSource) and Accept: text/event-stream opens it; one
//     connection per reservation (409 for a second);
//   - POST /graphql with the token and extensions.operationId runs an
//     operation: 202, and its results go to the stream as "next" events
//     {id, payload}, then "complete" {id}; a request error is answered on
//     the POST, as GraphQL over HTTP says;
//   - DELETE /graphql?operationId=… with the token stops one.
//
// A reservation belongs to the caller that made it (the hash of its
// credentials): another caller's request with the token finds nothing;
// only the stream may be opened with no credentials at all, as
// EventSource does. Each operation runs
// with the credentials and loaders of the POST that sent it; queries and
// mutations are bounded by the request timeout, and all end with the
// stream.
type sseSingle struct {
	timeout time.Duration // per query or mutation; 0: none
	// draining is closed when the gateway shuts down (Drain): streams end
	// once their operations have sent their last event.
	draining <-chan struct{}

	mu       sync.Mutex
	streams  map[string]*sseStream // by reservation token
	shutting bool                  // no new operation once set
}

const (
	// eventStreamTokenHeader carries a reservation's token.
	eventStreamTokenHeader = "X-GraphQL-Event-Stream-Token"
	// maxReservations bounds the streams reserved or open at once.
	maxReservations = 10000
	// maxStreamOperations bounds the operations running on one stream: its
	// POSTs return at once, so admission does not hold them.
	maxStreamOperations = 64
)

type sseStream struct {
	caller    string
	events    chan sseEvent
	done      chan struct{} // closed when the stream ends or its reservation lapses
	connected bool          // guarded by sseSingle.mu
	ops       map[string]context.CancelFunc
	// running counts the operations whose events are not all sent;
	// Add under sseSingle.mu, never once it is shutting.
	running sync.WaitGroup
}

type sseEvent struct {
	name string
	data []byte
}

func newSSESingle(timeout time.Duration, draining <-chan struct{}) *sseSingle {
	return &sseSingle{timeout: timeout, draining: draining, streams: map[string]*sseStream{}}
}

var _ graphql.Transport = (*sseSingle)(nil)

// Supports takes a reservation (PUT) and every request that carries a
// reservation's token.
func (s *sseSingle) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodPut || r.Header.Get(eventStreamTokenHeader) != "" {
		return true
	}
	// ?token= only opens a stream (EventSource): a query's own URL
	// parameters are never taken for a reservation.
	return r.Method == http.MethodGet && r.URL.Query().Get("token") != "" && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

func streamToken(r *http.Request) string {
	if t := r.Header.Get(eventStreamTokenHeader); t != "" {
		return t
	}
	return r.URL.Query().Get("token")
}

func (s *sseSingle) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		media = mediaJSON
	}
	if r.Method == http.MethodPut {
		s.reserve(w, r, media)
		return
	}
	s.mu.Lock()
	st := s.streams[streamToken(r)]
	s.mu.Unlock()
	key := callerKey(r)
	// The stream itself may be opened without credentials (EventSource
	// cannot send headers: the token is its ticket); with other
	// credentials, or for anything else, the reservation is the caller's.
	anonymousStream := r.Method == http.MethodGet && strings.HasPrefix(key, "addr:")
	if st == nil || (st.caller != key && !anonymousStream) {
		writeHTTPError(w, media, http.StatusNotFound, "no event stream is reserved under this token for this caller: reserve one with PUT")
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.serve(w, r, st)
	case http.MethodPost:
		s.operate(w, r, exec, media, st)
	case http.MethodDelete:
		id := r.URL.Query().Get("operationId")
		s.mu.Lock()
		cancel, ok := st.ops[id]
		delete(st.ops, id)
		s.mu.Unlock()
		if !ok {
			writeHTTPError(w, media, http.StatusNotFound, "no operation of this stream has that operationId")
			return
		}
		cancel()
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "PUT, GET, POST, DELETE")
		writeHTTPError(w, media, http.StatusMethodNotAllowed, "an event stream is reserved (PUT), opened (GET), used (POST) and stopped (DELETE)")
	}
}

// reserve makes a reservation that lapses unless its stream opens within
// initTimeout.
func (s *sseSingle) reserve(w http.ResponseWriter, r *http.Request, media string) {
	token := rand.Text()
	st := &sseStream{caller: callerKey(r), events: make(chan sseEvent, 64), done: make(chan struct{}), ops: map[string]context.CancelFunc{}}
	s.mu.Lock()
	if len(s.streams) >= maxReservations {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		writeHTTPErrorExt(w, media, http.StatusServiceUnavailable, "too many event streams at once; retry later",
			map[string]any{"code": fault.CodeOverloaded, "retryAfter": 5})
		return
	}
	s.streams[token] = st
	s.mu.Unlock()
	time.AfterFunc(initTimeout, func() {
		s.mu.Lock()
		lapsed := !st.connected && s.streams[token] == st
		s.mu.Unlock()
		if lapsed {
			s.end(token, st)
		}
	})
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, token)
}

// end stops a stream's operations and forgets its reservation.
func (s *sseSingle) end(token string, st *sseStream) {
	s.mu.Lock()
	if s.streams[token] != st {
		s.mu.Unlock()
		return
	}
	delete(s.streams, token)
	ops := st.ops
	st.ops = map[string]context.CancelFunc{}
	s.mu.Unlock()
	close(st.done)
	for _, cancel := range ops {
		cancel()
	}
}

// serve is the event stream: every operation's results, until the client
// goes.
func (s *sseSingle) serve(w http.ResponseWriter, r *http.Request, st *sseStream) {
	token := streamToken(r)
	s.mu.Lock()
	if st.connected {
		s.mu.Unlock()
		writeHTTPError(w, mediaJSON, http.StatusConflict, "this reservation's stream is open already")
		return
	}
	st.connected = true
	s.mu.Unlock()
	defer s.end(token, st)

	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	draining, idle := s.draining, (<-chan struct{})(nil)
	for {
		select {
		case <-draining:
			// The gateway shuts down: its subscriptions end (Drain), each
			// sending "complete"; once every operation has sent its last
			// event, the stream ends.
			draining = nil
			s.mu.Lock()
			s.shutting = true
			s.mu.Unlock()
			ch := make(chan struct{})
			go func() { st.running.Wait(); close(ch) }()
			idle = ch
			continue
		case <-idle:
			for {
				select {
				case ev := <-st.events:
					if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data); err != nil {
						return
					}
				default:
					_ = rc.Flush()
					return
				}
			}
		case ev := <-st.events:
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data); err != nil {
				return
			}
		case <-ping.C:
			if _, err := io.WriteString(w, ":\n\n"); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-st.done:
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// operate validates an operation and runs it on the stream.
func (s *sseSingle) operate(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, st *sseStream) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeHTTPError(w, media, http.StatusBadRequest, "the request body could not be read")
		return
	}
	p := decodeParams(body)
	if p.err != nil {
		writeHTTPError(w, media, http.StatusBadRequest, p.err.Message)
		return
	}
	id, _ := p.raw.Extensions["operationId"].(string)
	if id == "" || strings.ContainsAny(id, "\r\n") {
		writeHTTPError(w, media, http.StatusBadRequest, "an operation on an event stream needs extensions.operationId")
		return
	}
	p.raw.Headers = r.Header
	p.raw.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	// The operation outlives this POST (answered 202 at once) but keeps its
	// credentials and loaders; the stream's end or a DELETE stops it.
	base := context.WithoutCancel(r.Context())
	oc, errs := exec.CreateOperationContext(base, &p.raw)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		writeGraphQL(w, media, status, requestError(exec, r.Context(), oc, errs))
		return
	}
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	if oc.Operation.Operation != ast.Subscription && s.timeout > 0 {
		ctx, cancel = context.WithTimeout(base, s.timeout)
	} else {
		ctx, cancel = context.WithCancel(base)
	}
	s.mu.Lock()
	_, taken := st.ops[id]
	full := len(st.ops) >= maxStreamOperations
	ended := s.streams[streamToken(r)] != st || s.shutting
	if !taken && !full && !ended {
		st.ops[id] = cancel
		st.running.Add(1)
	}
	s.mu.Unlock()
	switch {
	case ended:
		cancel()
		writeHTTPError(w, media, http.StatusNotFound, "the event stream has ended")
		return
	case taken:
		cancel()
		writeHTTPError(w, media, http.StatusConflict, "an operation of this stream already has that operationId")
		return
	case full:
		cancel()
		writeHTTPErrorExt(w, media, http.StatusServiceUnavailable,
			fmt.Sprintf("an event stream runs at most %d operations at once", maxStreamOperations),
			map[string]any{"code": fault.CodeOverloaded, "retryAfter": 1})
		return
	}
	w.WriteHeader(http.StatusAccepted)
	go s.run(ctx, cancel, exec, oc, st, id)
}

// run sends an operation's results to its stream, then "complete" —
// unless the client stopped it (DELETE) or the stream ended.
func (s *sseSingle) run(ctx context.Context, cancel context.CancelFunc, exec graphql.GraphExecutor, oc *graphql.OperationContext, st *sseStream, id string) {
	defer st.running.Done() // last: after "complete" is sent
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			// Not in a handler's goroutine: nothing else would recover.
			r := internalError(p)
			select {
			case st.events <- sseEvent{"next", eventData(map[string]any{"id": id, "payload": r})}:
			case <-st.done:
			}
		}
	}()
	send := func(stop <-chan struct{}, name string, v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			return false
		}
		select {
		case st.events <- sseEvent{name, b}:
			return true
		case <-st.done:
		case <-stop:
		}
		return false
	}
	// A subscription's results end with nil; a query's or a mutation's
	// with the first that has no next (a deferred fragment's hasNext).
	subscription := oc.Operation.Operation == ast.Subscription
	responses, ctx := exec.DispatchOperation(ctx, oc)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		if !send(ctx.Done(), "next", map[string]any{"id": id, "payload": resp}) {
			break
		}
		if !subscription && (resp.HasNext == nil || !*resp.HasNext) {
			break
		}
	}
	s.mu.Lock()
	_, mine := st.ops[id]
	delete(st.ops, id)
	s.mu.Unlock()
	if mine {
		send(nil, "complete", map[string]any{"id": id})
	}
}

// eventData encodes an event's data (maps of JSON values: it cannot fail).
func eventData(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
