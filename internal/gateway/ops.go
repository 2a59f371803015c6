package gateway

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// OpsOptions are what makes the handler operable: readiness, draining on
// shutdown, traces and the access log. The zero value works: readiness
// from Options.Health alone, a drain of its own, no traces, access lines
// at Options.Logger.
type OpsOptions struct {
	Ready   *Readiness
	Drain   *Drain
	Tracing telemetry.Tracing
}

func (o *Options) opsDefaults() {
	if o.Ops.Drain == nil {
		o.Ops.Drain = NewDrain()
	}
}

// installOps adds the operations' middlewares to srv, outermost first:
// the drain, then the span and access line of each operation, and the
// spans of resolvers and dataloader batches when tracing is on.
func installOps(srv *handler.Server, o Options, lcfg *loader.Config) {
	srv.AroundOperations(o.Ops.Drain.operations)
	srv.AroundOperations(observeOperation(o.Logger, o.Metrics, o.Ops.Tracing))
	srv.AroundResponses(logRefused(o.Logger))
	if t := o.Ops.Tracing; t.Enabled() {
		srv.AroundFields(traceResolvers(t))
		lcfg.TraceBatch = func(ctx context.Context, name string, keys int) (context.Context, func()) {
			ctx, span := t.Start(ctx, "dataloader "+name, trace.WithAttributes(
				attribute.String("gateway.loader", name), attribute.Int("gateway.batch.size", keys)))
			return ctx, func() { span.End() }
		}
	}
}

// observeOperation gives every operation its span (when tracing is on),
// its upstream call count, and one access line when it ends: a query's or
// a mutation's with its answer, a subscription's when the stream ends.
// The line holds the request id, the operation's name and type, duration,
// cost, upstream calls, error codes and the client's name — never a
// token, a variable's value or the query text.
func observeOperation(log *slog.Logger, m *metrics.Metrics, t telemetry.Tracing) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		typ, name := "unknown", ""
		if oc != nil {
			name = oc.OperationName
			if oc.Operation != nil {
				typ = string(oc.Operation.Operation)
				if name == "" {
					name = oc.Operation.Name
				}
			}
		}
		start := time.Now()
		ctx, stats := telemetry.WithStats(ctx)
		var span trace.Span
		if t.Enabled() {
			spanName := typ
			if name != "" {
				spanName += " " + name
			}
			ctx, span = t.Start(ctx, spanName, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
				attribute.String("graphql.operation.type", typ), attribute.String("graphql.operation.name", name),
				attribute.String("gateway.request_id", telemetry.RequestID(ctx))))
		}
		var (
			cost   float64
			costed bool
			codes_ []string
			done   bool
		)
		finish := func() {
			if done {
				return
			}
			done = true
			d := time.Since(start)
			if costed {
				m.Cost(typ, cost)
			}
			if span != nil {
				if costed {
					span.SetAttributes(attribute.Float64("gateway.cost", cost))
				}
				span.SetAttributes(attribute.Int64("gateway.upstream_calls", stats.Upstream()))
				if w, heavy := stats.HeavyWait(); heavy {
					span.SetAttributes(attribute.Float64("gateway.heavy_wait_ms", float64(w.Microseconds())/1000))
				}
				if len(codes_) > 0 {
					span.SetAttributes(attribute.StringSlice("graphql.error.codes", codes_))
					span.SetStatus(codes.Error, codes_[0])
				}
				span.End()
			}
			if log != nil {
				attrs := []slog.Attr{
					slog.String("request_id", telemetry.RequestID(ctx)),
					slog.String("operation", name), slog.String("type", typ),
					slog.Float64("duration_ms", float64(d.Microseconds())/1000),
					slog.Int64("upstream_calls", stats.Upstream()),
				}
				if costed {
					attrs = append(attrs, slog.Float64("cost", cost))
				}
				if w, heavy := stats.HeavyWait(); heavy {
					attrs = append(attrs, slog.Float64("heavy_wait_ms", float64(w.Microseconds())/1000))
				}
				if len(codes_) > 0 {
					attrs = append(attrs, slog.Any("error_codes", codes_))
				}
				if oc != nil {
					if c := clientName(oc.Headers); c != "" {
						attrs = append(attrs, slog.String("client", c))
					}
				}
				log.LogAttrs(context.Background(), slog.LevelInfo, "graphql operation", attrs...)
			}
		}
		responses := next(ctx)
		return func(rctx context.Context) *graphql.Response {
			r := responses(rctx)
			if r == nil {
				finish()
				return nil
			}
			if c, ok := r.Extensions["cost"].(map[string]any); ok {
				if v, ok := c["estimated"].(int); ok {
					cost, costed = float64(v), true
				}
			}
			codes_ = distinctCodes(codes_, r.Errors)
			if oc == nil || oc.Operation == nil || typ != "subscription" {
				finish()
			}
			return r
		}
	}
}

// clientName is the caller's self-declared client (Apollo's header, or
// X-Client-Name), if it is short printable ASCII; "" otherwise.
func clientName(h http.Header) string {
	if h == nil {
		return ""
	}
	v := h.Get("Apollographql-Client-Name")
	if v == "" {
		v = h.Get("X-Client-Name")
	}
	if len(v) > 64 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return ""
		}
	}
	return v
}

// traceResolvers spans each field with a resolver of its own, but only
// if it goes to a backend: the span is lazy, started (back-dated) by the
// first dataloader batch or upstream request under it. Fields read from
// their parent, or answered by a loader's memo or a cache, leave none.
func traceResolvers(t telemetry.Tracing) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || !fc.IsResolver || fc.Object == "Subscription" {
			return next(ctx)
		}
		ctx, lazy := t.StartLazy(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(
			attribute.String("graphql.field.path", fc.Path().String())))
		res, err := next(ctx)
		lazy.End(err)
		return res, err
	}
}

// observeHTTP is the outermost handler: it accepts or makes the request
// id (returned in X-Request-Id, sent upstream, in every log line), picks
// up the caller's trace context, and counts responses by status class.
func observeHTTP(m *metrics.Metrics, t telemetry.Tracing, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := telemetry.AcceptRequestID(r.Header.Get(telemetry.RequestIDHeader))
		w.Header().Set(telemetry.RequestIDHeader, id)
		ctx := telemetry.WithRequestID(t.Extract(r.Context(), r.Header), id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if m != nil {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			m.Response(pathLabel(r.URL.Path), status)
		}
	})
}

// pathLabel is the metrics label of a path: one of the gateway's own, or
// "other", so a caller cannot add series.
func pathLabel(p string) string {
	switch p {
	case "/graphql", "/", "/healthz", "/readyz", "/metrics":
		return p
	}
	return "other"
}

// statusWriter remembers the status written. It keeps what the
// transports need of the writer underneath: Flush for SSE, Hijack for
// websockets, and Unwrap for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader passes 1xx answers on and the first final status; a second
// final status (a library answering an error after it already wrote one,
// as the websocket upgrade does for a refused origin) is dropped here
// rather than logged by net/http as a superfluous call.
func (w *statusWriter) WriteHeader(code int) {
	if code >= 200 {
		if w.status != 0 {
			return
		}
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the connection cannot be hijacked")
	}
	w.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logCached writes the access line of a query answered whole from the
// response cache (how: "hit" or "coalesced"), which gqlgen never saw: no
// upstream call, no operation name (the body is not parsed again).
func logCached(log *slog.Logger, r *http.Request, how string, start time.Time) {
	if log == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", telemetry.RequestID(r.Context())),
		slog.String("type", "query"), slog.String("response_cache", how),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int64("upstream_calls", 0),
	}
	if c := clientName(r.Header); c != "" {
		attrs = append(attrs, slog.String("client", c))
	}
	log.LogAttrs(r.Context(), slog.LevelInfo, "graphql operation", attrs...)
}

// logRefused writes the access line of a request refused before its
// operation ran — a document that does not parse or validate, or one over
// a limit (QUERY_TOO_COMPLEX) — which gqlgen answers without the
// operation middlewares: their counters are then absent from the context.
func logRefused(log *slog.Logger) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if log == nil || resp == nil || telemetry.StatsFrom(ctx) != nil {
			return resp
		}
		attrs := []slog.Attr{slog.String("request_id", telemetry.RequestID(ctx)), slog.Bool("refused", true)}
		if graphql.HasOperationContext(ctx) {
			if oc := graphql.GetOperationContext(ctx); oc != nil {
				name, typ := oc.OperationName, "unknown"
				if oc.Operation != nil {
					typ = string(oc.Operation.Operation)
					if name == "" {
						name = oc.Operation.Name
					}
				}
				attrs = append(attrs, slog.String("operation", name), slog.String("type", typ))
				if c := clientName(oc.Headers); c != "" {
					attrs = append(attrs, slog.String("client", c))
				}
			}
		}
		if codes := distinctCodes(nil, resp.Errors); len(codes) > 0 {
			attrs = append(attrs, slog.Any("error_codes", codes))
		}
		log.LogAttrs(context.Background(), slog.LevelInfo, "graphql operation", attrs...)
		return resp
	}
}

// distinctCodes adds to codes the distinct extensions.code of errs ("UNKNOWN"
// for an error without one), at most 16 in all, for a log line or a span.
func distinctCodes(codes []string, errs gqlerror.List) []string {
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		if !slices.Contains(codes, code) && len(codes) < 16 {
			codes = append(codes, code)
		}
	}
	return codes
}
