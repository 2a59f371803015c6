package execx

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// Later holds an object's resolver fields until Dispatch runs them: the
// generated executor declares one per object, in place of the list gqlgen
// keeps inside its field set.
type Later struct {
	fields []laterField
}

type laterField struct {
	i                         int
	oc                        *graphql.OperationContext
	recoverFromPanic, nonNull bool
	resolve                   func(ctx context.Context) graphql.Marshaler
}

// ResolveConcurrently is graphql.FieldSet.ResolveConcurrently: it schedules
// field i of an object, whose value a resolver computes, for Dispatch. A
// deferred field is left to gqlgen (its incremental delivery).
func ResolveConcurrently(l *Later, out *graphql.FieldSet, fields []graphql.CollectedField, oc *graphql.OperationContext, deferred *graphql.DeferredGroup, i int, recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	if fields[i].IsDeferred() {
		out.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
		return
	}
	l.fields = append(l.fields, laterField{i: i, oc: oc, recoverFromPanic: recoverFromPanic, nonNull: nonNull, resolve: resolve})
}

// Dispatch is graphql.FieldSet.Dispatch for the fields l holds: the first
// runs on the caller's goroutine, the others at the same time on worker
// goroutines (goWorker, whose stacks are already grown), and it returns
// when all are done. Each value is stored in out, and a field that resolves
// to its invalid value (null for a non-null field) marks the object
// invalid, as gqlgen does.
func Dispatch(ctx context.Context, out *graphql.FieldSet, l *Later) {
	out.Dispatch(ctx) // whatever gqlgen scheduled itself
	switch len(l.fields) {
	case 0:
	case 1:
		l.fields[0].run(ctx, out)
	default:
		var wg sync.WaitGroup
		wg.Add(len(l.fields) - 1)
		for _, f := range l.fields[1:] {
			goWorker(func() {
				defer wg.Done()
				f.run(ctx, out)
			})
		}
		l.fields[0].run(ctx, out)
		wg.Wait()
	}
}

func (f *laterField) run(ctx context.Context, out *graphql.FieldSet) {
	v := f.resolveToNull(ctx)
	out.Values[f.i] = v
	invalid := graphql.Marshaler(graphql.RequiredNull)
	if f.nonNull {
		invalid = graphql.Null
	}
	if v == invalid {
		atomic.AddUint32(&out.Invalids, 1)
	}
}

// resolveToNull runs the resolver; a panic, when recovered, is reported and
// resolves to null, as gqlgen's recoverToNull does.
func (f *laterField) resolveToNull(ctx context.Context) (v graphql.Marshaler) {
	if f.recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				f.oc.Error(ctx, f.oc.Recover(ctx, r))
				v = graphql.Null
			}
		}()
	}
	return f.resolve(ctx)
}
