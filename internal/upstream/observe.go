package upstream

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// What an operator sees of each upstream attempt: a span (when tracing is
// on) from before the limiter's wait to the answer, the request id and
// trace context sent upstream, the attempt counted for the access log, and
// failures logged at warn.

type (
	attemptsKey struct{}
	observeKey  struct{}
)

// observation is one attempt's, shared with the layer under the limiter.
type observation struct {
	start    time.Time
	admitted time.Time
}

// countAttempts numbers the attempts of one call (Retry sends the same
// request again), for the spans' retry attribute.
func countAttempts(next http.RoundTripper) http.RoundTripper {
	return rt(func(req *http.Request) (*http.Response, error) {
		n := 0
		return next.RoundTrip(req.WithContext(context.WithValue(req.Context(), attemptsKey{}, &n)))
	})
}

// observe wraps the limiter and what is under it.
func observe(o Options, next http.RoundTripper) http.RoundTripper {
	log := o.Logger
	return rt(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		call := CallOf(req)
		var (
			span trace.Span
			obs  *observation
		)
		if o.Tracing.Enabled() {
			attempt := 1
			if n, ok := ctx.Value(attemptsKey{}).(*int); ok {
				*n++ // attempts are sequential: Retry waits for each
				attempt = *n
			}
			route := call.Route
			if route == "" {
				route = req.URL.Path
			}
			obs = &observation{start: time.Now()}
			ctx, span = o.Tracing.Start(context.WithValue(ctx, observeKey{}, obs), o.Backend+" "+call.Operation,
				trace.WithSpanKind(trace.SpanKindClient),
				trace.WithAttributes(
					attribute.String("http.request.method", req.Method),
					attribute.String("http.route", route),
					attribute.String("gateway.backend", o.Backend),
					attribute.String("gateway.upstream.operation", call.Operation),
					attribute.Int("http.request.resend_count", attempt-1),
					attribute.Bool("gateway.upstream.retry", attempt > 1),
				))
			defer span.End()
		}
		id := telemetry.RequestID(ctx)
		if id != "" || span != nil {
			r2 := req.WithContext(ctx)
			if id != "" {
				r2.Header = req.Header.Clone()
				r2.Header.Set(telemetry.RequestIDHeader, id)
			}
			req = r2
		}
		resp, err := next.RoundTrip(req)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if span != nil {
			if !obs.admitted.IsZero() {
				span.SetAttributes(attribute.Float64("gateway.limiter.wait_ms", float64(obs.admitted.Sub(obs.start).Microseconds())/1000))
			}
			if status != 0 {
				span.SetAttributes(attribute.Int("http.response.status_code", status))
			}
			if err != nil || status >= 500 {
				span.SetStatus(codes.Error, failure(status, err))
			}
		}
		if log != nil && (err != nil || status >= 500 || status == http.StatusTooManyRequests) && ctx.Err() == nil {
			var we *limiter.WaitError
			attrs := []any{"backend", o.Backend, "operation", call.Operation, "request_id", id}
			if errors.As(err, &we) {
				log.Warn("rate limit saturated: no slot before the request's deadline", append(attrs, "class", call.Class)...)
			} else {
				log.Warn("upstream request failed", append(attrs, "method", req.Method, "status", status, "error", failure(status, err))...)
			}
		}
		return resp, err
	})
}

// admitted marks the moment the limiter let an attempt through, and counts
// it: it is going upstream.
func admitted(next http.RoundTripper) http.RoundTripper {
	return rt(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		telemetry.StatsFrom(ctx).AddUpstream()
		if obs, ok := ctx.Value(observeKey{}).(*observation); ok {
			obs.admitted = time.Now()
		}
		return next.RoundTrip(req)
	})
}

// failure says what went wrong without the URL (whose query may hold what
// a caller asked for) or anything the caller sent.
func failure(status int, err error) string {
	if err == nil {
		return "HTTP " + strconv.Itoa(status)
	}
	var we *limiter.WaitError
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &we):
		return "no rate-limit slot before the deadline"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case Refused(err):
		return "connection refused"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

// traceNetwork sends through otelhttp when tracing is on, so every request
// carries traceparent (and tracestate, baggage) and the wire time is a
// span of its own.
func traceNetwork(o Options, next http.RoundTripper) http.RoundTripper {
	if !o.Tracing.Enabled() {
		return next
	}
	return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(o.Tracing.Provider), otelhttp.WithPropagators(o.Tracing.Propagator))
}
