package telemetry

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// A lazy span is a resolver's: it exists only if something under it goes
// to a backend (a dataloader batch, an upstream request), so that the
// hundreds of fields a list resolves from memory leave no span. It is
// created, back-dated to when the resolver began, by the first span
// started under it.

type lazyKey struct{}

// Lazy is a span that is started only when a child needs it.
type Lazy struct {
	t      Tracing
	parent context.Context
	name   string
	opts   []trace.SpanStartOption
	start  time.Time

	mu     sync.Mutex
	span   trace.Span
	closed bool
}

// StartLazy returns ctx carrying a lazy span named name, and the Lazy to
// End when the resolver returns. With tracing off it returns ctx and nil.
func (t Tracing) StartLazy(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, *Lazy) {
	if t.Tracer == nil {
		return ctx, nil
	}
	l := &Lazy{t: t, parent: ctx, name: name, opts: opts, start: time.Now()}
	return context.WithValue(ctx, lazyKey{}, l), l
}

// materialize starts the span if the resolver is still running; nil once
// it has returned.
func (l *Lazy) materialize() trace.Span {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	if l.span == nil {
		_, l.span = l.t.Tracer.Start(l.parent, l.name, append(l.opts, trace.WithTimestamp(l.start))...)
	}
	return l.span
}

// End ends the span if it was started, and keeps it from starting later.
func (l *Lazy) End(err error) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.span != nil {
		if err != nil {
			l.span.SetStatus(codes.Error, "resolver error")
		}
		l.span.End()
	}
}

// parentOf returns ctx with its lazy span (if any) started and made the
// current span, and the lazy marker removed, so that what starts under the
// new span is its child.
func parentOf(ctx context.Context) context.Context {
	l, ok := ctx.Value(lazyKey{}).(*Lazy)
	if !ok || l == nil {
		return ctx
	}
	ctx = context.WithValue(ctx, lazyKey{}, (*Lazy)(nil))
	if s := l.materialize(); s != nil {
		ctx = trace.ContextWithSpan(ctx, s)
	}
	return ctx
}
