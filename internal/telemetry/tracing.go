package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// ServiceName is the default service.name of the gateway's spans
// (OTEL_SERVICE_NAME overrides it).
const ServiceName = "astro-graphql-gateway"

// Tracing is the gateway's tracer and propagator. The zero value is off:
// Enabled is false and nothing is traced or propagated.
type Tracing struct {
	Provider   trace.TracerProvider
	Tracer     trace.Tracer
	Propagator propagation.TextMapPropagator
}

// Enabled reports whether spans are recorded and exported.
func (t Tracing) Enabled() bool { return t.Tracer != nil }

// Extract returns ctx with the trace context (traceparent, tracestate,
// baggage) that h carries, when tracing is on.
func (t Tracing) Extract(ctx context.Context, h http.Header) context.Context {
	if t.Propagator == nil {
		return ctx
	}
	return t.Propagator.Extract(ctx, propagation.HeaderCarrier(h))
}

// Inject writes ctx's trace context into h, when tracing is on.
func (t Tracing) Inject(ctx context.Context, h http.Header) {
	if t.Propagator != nil {
		t.Propagator.Inject(ctx, propagation.HeaderCarrier(h))
	}
}

// Start starts a span when tracing is on; otherwise it returns ctx and a
// span that does nothing.
func (t Tracing) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if t.Tracer == nil {
		return ctx, trace.SpanFromContext(context.Background())
	}
	return t.Tracer.Start(parentOf(ctx), name, opts...)
}

// Setup configures tracing from the standard environment variables, read
// with getenv:
//
//   - OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none: off.
//   - OTEL_TRACES_EXPORTER=otlp, OTEL_EXPORTER_OTLP_ENDPOINT or
//     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: spans go to an OTLP/HTTP
//     (protobuf) collector; the exporter reads its own OTEL_EXPORTER_OTLP_*
//     settings (headers, timeout, compression).
//   - otherwise: off.
//
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the resource, and
// OTEL_TRACES_SAMPLER(_ARG) choose the sampler (default: parent-based,
// always on). The returned func flushes and stops the exporter.
func Setup(ctx context.Context, getenv func(string) string, version string) (Tracing, func(context.Context) error, error) {
	off := func(context.Context) error { return nil }
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return Tracing{}, off, nil
	}
	exporter := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")))
	switch exporter {
	case "none":
		return Tracing{}, off, nil
	case "", "otlp":
	default:
		return Tracing{}, off, errors.New("OTEL_TRACES_EXPORTER: only otlp and none are supported")
	}
	if exporter == "" && getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return Tracing{}, off, nil
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := getenv(name); p != "" && p != "http/protobuf" {
			return Tracing{}, off, errors.New(name + ": only http/protobuf is supported")
		}
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return Tracing{}, off, err
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.version", version),
	))
	if err != nil {
		res = resource.Default()
	}
	if getenv("OTEL_SERVICE_NAME") == "" && !strings.Contains(getenv("OTEL_RESOURCE_ATTRIBUTES"), "service.name=") {
		if r, err := resource.Merge(res, resource.NewSchemaless(attribute.String("service.name", ServiceName))); err == nil {
			res = r
		}
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	t := Tracing{
		Provider:   tp,
		Tracer:     tp.Tracer("github.com/astro-gateway/gateway"),
		Propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
	return t, tp.Shutdown, nil
}
