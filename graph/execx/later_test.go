package execx

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// An object's resolver fields run at the same time (each waits here until
// all have started), their values land in their places, a null in a
// non-null field marks the object invalid, a panic is reported and nulls
// its field only, and a deferred field is left to gqlgen.
func TestDispatch(t *testing.T) {
	oc := &graphql.OperationContext{RecoverFunc: func(ctx context.Context, err any) error { return errors.New("internal error") }}
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, oc.RecoverFunc)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "thing"}}})
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "a"}}, {Field: &ast.Field{Alias: "b"}}, {Field: &ast.Field{Alias: "c"}},
		{Field: &ast.Field{Alias: "d"}}, {Field: &ast.Field{Alias: "e"}, Deferrables: []*graphql.Deferrable{{Label: "later"}}},
	}
	var started sync.WaitGroup
	started.Add(4)
	together := func(v graphql.Marshaler) func(context.Context) graphql.Marshaler {
		return func(context.Context) graphql.Marshaler {
			started.Done()
			done := make(chan struct{})
			go func() { started.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Error("the other fields never started")
			}
			return v
		}
	}
	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	var later Later
	ResolveConcurrently(&later, out, fields, oc, &deferred, 0, true, true, together(graphql.MarshalInt(1)))
	ResolveConcurrently(&later, out, fields, oc, &deferred, 1, true, false, together(graphql.Null))
	ResolveConcurrently(&later, out, fields, oc, &deferred, 2, true, false, func(ctx context.Context) graphql.Marshaler {
		together(nil)(ctx)
		panic("boom")
	})
	ResolveConcurrently(&later, out, fields, oc, &deferred, 3, true, false, together(graphql.MarshalString("d")))
	ResolveConcurrently(&later, out, fields, oc, &deferred, 4, true, false, func(context.Context) graphql.Marshaler { return graphql.MarshalString("e") })
	assert.Len(t, later.fields, 4, "the deferred field is gqlgen's")
	assert.Len(t, deferred.Defers, 1)

	Dispatch(ctx, out, &later)
	assert.Equal(t, uint32(0), out.Invalids, "nulls in nullable fields")
	var b bytes.Buffer
	Object(out, fields, 1).MarshalGQL(&b)
	assert.Equal(t, `{"a":1,"b":null,"c":null,"d":"d","e":null}`, b.String())
	errs := graphql.GetErrors(ctx)
	require.Len(t, errs, 1)
	assert.Equal(t, "internal error", errs[0].Message)

	out = graphql.NewFieldSet(fields[:1])
	later = Later{}
	ResolveConcurrently(&later, out, fields[:1], oc, &deferred, 0, true, true, func(context.Context) graphql.Marshaler { return graphql.Null })
	Dispatch(ctx, out, &later)
	assert.Equal(t, uint32(1), out.Invalids, "a null in a non-null field")
}
