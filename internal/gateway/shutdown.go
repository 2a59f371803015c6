package gateway

import (
	"context"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/internal/fault"
)

// closeGoingAway is the websocket close code for a server going down.
const closeGoingAway = 1001

// Drain ends streams on shutdown. http.Server.Shutdown stops accepting and
// waits for requests in flight, SSE streams included, but a stream only
// ends when its subscription does, and a websocket, hijacked, is not
// tracked at all. So Drain cancels every subscription (gqlgen then sends
// `complete` on a websocket, `event: complete` on SSE), lets a socket's
// queries and mutations finish, closes the socket with 1001 (going away),
// and waits for the sockets' handlers to return.
type Drain struct {
	ctx      context.Context // done when the drain begins
	begin    context.CancelFunc
	once     sync.Once
	handlers sync.WaitGroup // websocket handlers running

	mu      sync.Mutex
	sockets map[*socket]struct{}
	begun   bool
	// active counts open streams and subscriptions, for metrics.
	onStream func(transport string, delta int)
	onSub    func(delta int)
}

// NewDrain returns a Drain that has not begun.
func NewDrain() *Drain {
	ctx, cancel := context.WithCancel(context.Background())
	return &Drain{ctx: ctx, begin: cancel, sockets: map[*socket]struct{}{}}
}

// socket is one websocket connection's operations.
type socket struct {
	mu      sync.Mutex
	conn    transport.WebsocketConn
	ops     int
	changed chan struct{} // closed and replaced whenever ops falls
}

type socketKey struct{}

// Draining is closed when the drain begins.
func (d *Drain) Draining() <-chan struct{} { return d.ctx.Done() }

// Begin starts draining: every subscription is cancelled, and each
// websocket closes with 1001 once its last operation has answered. It
// returns at once.
func (d *Drain) Begin() {
	d.once.Do(func() {
		d.mu.Lock()
		d.begin()
		d.begun = true
		for s := range d.sockets {
			go s.closeWhenIdle()
		}
		d.mu.Unlock()
	})
}

// Wait waits for every websocket handler to return, or ctx to end; then it
// closes what is left at once and returns ctx's error.
func (d *Drain) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.handlers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		d.mu.Lock()
		for s := range d.sockets {
			s.mu.Lock()
			if s.conn != nil {
				_ = s.conn.Close()
			}
			s.mu.Unlock()
		}
		d.mu.Unlock()
		return ctx.Err()
	}
}

func (s *socket) closeWhenIdle() {
	for {
		s.mu.Lock()
		if s.ops == 0 {
			conn := s.conn
			s.mu.Unlock()
			if conn != nil {
				_ = conn.WriteClose(closeGoingAway, "server shutting down")
			}
			return
		}
		ch := s.changed
		s.mu.Unlock()
		<-ch
	}
}

// track wraps the websocket handler: it registers the connection, so that
// Begin can close it and Wait can wait for it. Other requests pass.
func (d *Drain) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			if streaming(r) && d.onStream != nil {
				d.onStream("sse", 1)
				defer d.onStream("sse", -1)
			}
			next.ServeHTTP(w, r)
			return
		}
		s := &socket{changed: make(chan struct{})}
		d.mu.Lock()
		select {
		case <-d.ctx.Done():
			d.mu.Unlock()
			// A server going down takes no new socket.
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "the gateway is shutting down: connect again", map[string]any{"code": fault.CodeOverloaded})
			return
		default:
		}
		d.sockets[s] = struct{}{}
		d.handlers.Add(1)
		d.mu.Unlock()
		if d.onStream != nil {
			d.onStream("websocket", 1)
			defer d.onStream("websocket", -1)
		}
		defer func() {
			d.mu.Lock()
			delete(d.sockets, s)
			d.mu.Unlock()
			d.handlers.Done()
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), socketKey{}, s)))
	})
}

// implementation wraps a websocket implementation so that the accepted
// connection is known to its socket.
func (d *Drain) implementation(impl transport.WebsocketImplementation) transport.WebsocketImplementation {
	return acceptFunc(func(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
		conn, err := impl.Accept(w, r, o)
		if err != nil {
			return nil, err
		}
		if s, ok := r.Context().Value(socketKey{}).(*socket); ok {
			s.mu.Lock()
			s.conn = conn
			s.mu.Unlock()
			d.mu.Lock()
			begun := d.begun
			d.mu.Unlock()
			if begun {
				go s.closeWhenIdle()
			}
		}
		return conn, nil
	})
}

type acceptFunc func(http.ResponseWriter, *http.Request, transport.WebsocketAcceptOptions) (transport.WebsocketConn, error)

func (f acceptFunc) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	return f(w, r, o)
}

// operations counts a socket's operations until gqlgen has answered them
// (its own cancel of the operation's context comes after `complete` is
// written), and ends subscriptions when the drain begins.
func (d *Drain) operations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if s, ok := ctx.Value(socketKey{}).(*socket); ok {
		s.mu.Lock()
		s.ops++
		s.mu.Unlock()
		context.AfterFunc(ctx, func() {
			s.mu.Lock()
			s.ops--
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
		})
	}
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	ctx, cancel := context.WithCancel(ctx) // cancelled by the drain, or with its parent
	stopDrain := context.AfterFunc(d.ctx, cancel)
	if d.onSub != nil {
		d.onSub(1)
	}
	context.AfterFunc(ctx, func() {
		stopDrain()
		if d.onSub != nil {
			d.onSub(-1)
		}
	})
	// The context is not cancelled when the stream ends: an extension
	// outside (graph.StreamErrors) still reads it then. gqlgen cancels
	// its parent once the stream is answered.
	return next(ctx)
}

// Shutdown stops srv (serving this gateway's handler) within ctx: /readyz
// turns "draining", the listeners close, subscriptions end with
// `complete`, websockets close with 1001 once their last operation has
// answered, and queries in flight finish. Past ctx's deadline what is left
// is closed at once and ctx's error returned.
func (g *Gateway) Shutdown(ctx context.Context, srv *http.Server) error {
	g.Ready.SetDraining()
	g.Drain.Begin()
	err := srv.Shutdown(ctx)
	if werr := g.Drain.Wait(ctx); err == nil {
		err = werr
	}
	if err != nil {
		_ = srv.Close()
	}
	return err
}
