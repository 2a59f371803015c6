package houstonsim

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// keepAliveInterval is how often the websocket sends "ka" (graphql-ws) once
// connected; one is sent right after connection_ack anyway.
const keepAliveInterval = 10 * time.Second

// websocketTransport serves subscriptions the way Houston does: the legacy
// subscriptions-transport-ws protocol (subprotocol graphql-ws, or none),
// with the token in the connection_init payload as {"authorization":
// "<token>"} (or "Authorization", with or without "Bearer "). A "start"
// without an id is accepted; its data frames then carry no id. The newer
// graphql-transport-ws protocol works too. Any origin may connect: Houston
// is an API, not a page.
func (s *Sim) websocketTransport() transport.Websocket {
	return transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: []string{"*"}},
		},
		InitFunc:              s.websocketInit,
		InitTimeout:           30 * time.Second,
		KeepAlivePingInterval: keepAliveInterval,
	}
}

// websocketInit authenticates a websocket connection by its connection_init
// payload, falling back on the handshake's Authorization header. Like
// Houston (whose onConnect returns false), it refuses a connection without a
// valid token: the client gets connection_error and the socket closes.
func (s *Sim) websocketInit(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	c, _ := ctx.Value(callerKey{}).(caller)
	if tok := credential(payload.Authorization()); tok != "" {
		c = s.store.callerFor(tok)
	}
	if c.p == nil {
		return ctx, nil, gqlError(codeUnauthenticated, msgNoPermission)
	}
	return withCaller(ctx, c), nil, nil
}

// serveWebsocket counts the handshake as one GET request and hands it to
// gqlgen with the caller of its Authorization header, if any.
func (s *Sim) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	c := s.store.callerFor(credential(r.Header.Get("Authorization")))
	s.rec.request(c.label, r.Method)
	if err := s.delay(r.Context()); err != nil {
		return
	}
	s.gql.ServeHTTP(w, r.WithContext(withCaller(r.Context(), c)))
}
