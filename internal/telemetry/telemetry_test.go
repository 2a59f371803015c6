package telemetry

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
)

func TestAcceptRequestID(t *testing.T) {
	assert.Equal(t, "req-1.a:b/c_d", AcceptRequestID("req-1.a:b/c_d"))
	for _, bad := range []string{"", "has space", "new\nline", `quote"`, strings.Repeat("a", 129), "émoji"} {
		got := AcceptRequestID(bad)
		assert.NotEqual(t, bad, got)
		assert.Len(t, got, 32, "a new id replaces %q", bad)
	}
	assert.NotEqual(t, NewRequestID(), NewRequestID())
}

func TestStats(t *testing.T) {
	var none *Stats
	none.AddUpstream() // a nil Stats counts nothing, and does not panic
	assert.Zero(t, none.Upstream())
	ctx, s := WithStats(context.Background())
	StatsFrom(ctx).AddUpstream()
	StatsFrom(ctx).AddUpstream()
	assert.EqualValues(t, 2, s.Upstream())
	assert.Nil(t, StatsFrom(context.Background()))
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestSetup: tracing is off unless an exporter is configured, and off
// means nothing is extracted, injected or started.
func TestSetup(t *testing.T) {
	ctx := context.Background()
	for _, off := range []map[string]string{
		nil,
		{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
		{"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
	} {
		tr, stop, err := Setup(ctx, env(off), "test")
		require.NoError(t, err)
		assert.False(t, tr.Enabled(), "%v", off)
		require.NoError(t, stop(ctx))
		h := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
		got := tr.Extract(ctx, h)
		assert.Equal(t, ctx, got, "off: nothing extracted")
		out := http.Header{}
		tr.Inject(got, out)
		assert.Empty(t, out, "off: nothing injected")
		_, span := tr.Start(ctx, "x")
		assert.False(t, span.IsRecording())
	}
	for _, on := range []map[string]string{
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"},
		{"OTEL_TRACES_EXPORTER": "otlp"},
	} {
		tr, stop, err := Setup(ctx, env(on), "test")
		require.NoError(t, err)
		assert.True(t, tr.Enabled(), "%v", on)
		h := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, "Baggage": {"team=platform"}}
		sctx, span := tr.Start(tr.Extract(ctx, h), "op")
		assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", span.SpanContext().TraceID().String(), "the caller's trace continues")
		out := http.Header{}
		tr.Inject(sctx, out)
		assert.Contains(t, out.Get("Traceparent"), "4bf92f3577b34da6a3ce929d0e0e4736")
		assert.Equal(t, "team=platform", out.Get("Baggage"))
		span.End()
		sctxStop, cancel := context.WithCancel(ctx)
		cancel() // nothing to flush to a collector that is not there
		_ = stop(sctxStop)
	}
	for _, bad := range []map[string]string{
		{"OTEL_TRACES_EXPORTER": "zipkin"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
	} {
		_, _, err := Setup(ctx, env(bad), "test")
		assert.Error(t, err, "%v", bad)
	}
}

// TestOffAllocatesNothing: with tracing off, what the hot path calls on
// every operation, field and upstream attempt allocates nothing.
func TestOffAllocatesNothing(t *testing.T) {
	var tr Tracing
	ctx := context.Background()
	h := http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
	allocs := testing.AllocsPerRun(100, func() {
		c := tr.Extract(ctx, h)
		c, span := tr.Start(c, "op")
		tr.Inject(c, h)
		span.End()
	})
	assert.Zero(t, allocs)
}

// TestLazy: a resolver's span exists only if a span starts under it while
// it runs; it then parents that span, and starts when the resolver began.
func TestLazy(t *testing.T) {
	ctx := context.Background()
	tr, stop, err := Setup(ctx, env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}), "test")
	require.NoError(t, err)
	defer func() {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_ = stop(c)
	}()
	_, op := tr.Start(ctx, "op")
	opCtx := trace.ContextWithSpan(ctx, op)

	// Nothing under it: no span.
	_, idle := tr.StartLazy(opCtx, "Query.idle")
	idle.End(nil)
	assert.Nil(t, idle.span)

	// A child: the lazy span starts and parents it.
	rctx, busy := tr.StartLazy(opCtx, "Query.busy")
	_, child := tr.Start(rctx, "astro ListDeployments")
	require.NotNil(t, busy.span)
	assert.Equal(t, busy.span.SpanContext().SpanID(), child.(interface{ Parent() trace.SpanContext }).Parent().SpanID())
	child.End()
	busy.End(nil)

	// After the resolver returned, a late child does not start it.
	lctx, late := tr.StartLazy(opCtx, "Query.late")
	late.End(nil)
	_, c := tr.Start(lctx, "late child")
	assert.Nil(t, late.span)
	assert.Equal(t, op.SpanContext().TraceID(), c.SpanContext().TraceID())
	c.End()

	var off Tracing
	octx, none := off.StartLazy(ctx, "x")
	assert.Nil(t, none)
	assert.Equal(t, ctx, octx)
	none.End(nil) // a nil Lazy ends nothing
}
