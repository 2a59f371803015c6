package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/fault"
)

// Streams: subscriptions over websocket (graphql-transport-ws and the older
// graphql-ws of subscriptions-transport-ws) and over SSE.

// keepAlive is how often an idle stream hears from the gateway, so that
// proxies do not close it: "ka" on graphql-ws, "ping" on
// graphql-transport-ws, an SSE comment.
const keepAlive = 15 * time.Second

// initTimeout is how long a websocket may wait before connection_init.
const initTimeout = 30 * time.Second

// streaming reports a websocket upgrade or an SSE request.
func streaming(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

type (
	// streamHeaderKey holds a stream's request headers, for the websocket
	// InitFunc, and marks the context as a stream's.
	streamHeaderKey struct{}
	// socketCredentialsKey holds a websocket's credentials, read from its
	// connection_init payload.
	socketCredentialsKey struct{}
)

// withCredentials builds each request's loaders with the caller's
// credentials (request headers). A stream's connection gets no deadlines:
// http.Server's ReadTimeout and WriteTimeout would cut it (a hijacked
// websocket keeps them, and an expired read deadline cancels an SSE
// request); its operations are bounded one by one instead.
func withCredentials(lcfg loader.Config, o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := loader.WithLoaders(r.Context(), loader.New(lcfg, credentials(r.Header.Get, o)))
		if streaming(r) {
			if r.Body != nil && r.Body != http.NoBody {
				// An SSE request's body is read under the server's read
				// deadline, like any request's: only then is the deadline
				// lifted for the stream (a slow body must not keep a
				// connection open forever).
				body, err := io.ReadAll(r.Body)
				if err != nil {
					fault.WriteHTTP(w, http.StatusBadRequest, fault.CodeBadUserInput, "the request body could not be read", nil)
					return
				}
				// gqlgen's SSE transport would quote (and log) a body it
				// cannot decode; answer it here, without the body.
				var params struct {
					Query         string         `json:"query"`
					OperationName string         `json:"operationName"`
					Variables     map[string]any `json:"variables"`
					Extensions    map[string]any `json:"extensions"`
				}
				if err := json.Unmarshal(body, &params); err != nil {
					writeError(w, http.StatusBadRequest, "json request body could not be decoded", map[string]any{"code": fault.CodeBadUserInput})
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
			ctx = context.WithValue(ctx, streamHeaderKey{}, r.Header)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// websocketTransport serves both websocket subprotocols. Browsers cannot
// set headers on a websocket, so the credentials come from the
// connection_init payload (the same keys as the headers, any case, at the
// top level or under "headers"), falling back on the handshake's headers.
// Cross-origin handshakes are refused unless CORS_ALLOWED_ORIGINS allows
// the origin; same-origin ones and clients that send no Origin (not
// browsers) are always let in.
func websocketTransport(o Options) transport.Websocket {
	accept := websocket.AcceptOptions{}
	for _, origin := range o.CORSAllowedOrigins {
		if origin == "*" {
			accept.InsecureSkipVerify = true // the origin check, that is: any origin may connect
		}
		accept.OriginPatterns = append(accept.OriginPatterns, origin)
	}
	return transport.Websocket{
		Implementation: o.Ops.Drain.implementation(transport.CoderWebsocketImplementation{AcceptOptions: accept}),
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			h, _ := ctx.Value(streamHeaderKey{}).(http.Header)
			get := func(name string) string {
				if v := payloadValue(payload, name); v != "" {
					return v
				}
				return h.Get(name)
			}
			return context.WithValue(ctx, socketCredentialsKey{}, credentials(get, o)), nil, nil
		},
		InitTimeout:           initTimeout,
		KeepAlivePingInterval: keepAlive,
		PingPongInterval:      keepAlive,
		MissingPongOk:         true,
	}
}

// payloadValue reads a string key of a connection_init payload, in any
// case, at its top level or under "headers" (as some clients send them).
func payloadValue(p transport.InitPayload, name string) string {
	maps := []map[string]any{p}
	if h, ok := p["headers"].(map[string]any); ok {
		maps = append(maps, h)
	}
	for _, m := range maps {
		for k, v := range m {
			if s, ok := v.(string); ok && s != "" && strings.EqualFold(k, name) {
				return s
			}
		}
	}
	return ""
}

// perOperation gives every operation of a websocket its own loaders (the
// connection lives long; loaders must not outlive an operation) and bounds
// a stream's queries and mutations by timeout, as a request's are.
func perOperation(lcfg loader.Config, timeout time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if creds, ok := ctx.Value(socketCredentialsKey{}).(loader.Credentials); ok {
			ctx = loader.WithLoaders(ctx, loader.New(lcfg, creds))
		}
		oc := graphql.GetOperationContext(ctx)
		_, streamed := ctx.Value(streamHeaderKey{}).(http.Header)
		if !streamed || timeout <= 0 || oc == nil || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
			return next(ctx)
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			r := responses(ctx)
			if r == nil {
				cancel()
			}
			return r
		}
	}
}
