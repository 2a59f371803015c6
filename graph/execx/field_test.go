package execx

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/vektah/gqlparser/v2/ast"
)

// A plain field is read without the field interceptors, a resolver
// through them; both report nulls, errors and panics on the field's path as
// gqlgen does.
func TestResolveField(t *testing.T) {
	var intercepted []string
	oc := &graphql.OperationContext{
		ResolverMiddleware: func(ctx context.Context, next graphql.Resolver) (any, error) {
			intercepted = append(intercepted, graphql.GetFieldContext(ctx).Field.Name)
			return next(ctx)
		},
		RecoverFunc: func(ctx context.Context, err any) error { return errors.New("internal error") },
	}
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, oc.RecoverFunc)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "d"}}})
	field := func(name string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Name: name, Alias: name}}
	}
	fcOf := func(resolver, nonNull bool) func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) {
		return func(_ context.Context, f graphql.CollectedField) (*graphql.FieldContext, error) {
			fc, _ := graphql.NewScalarFieldContext("Thing", f, resolver, resolver, "String")
			fc.NonNull = nonNull
			return fc, nil
		}
	}
	str := func(_ context.Context, _ ast.SelectionSet, v string) graphql.Marshaler {
		return graphql.MarshalString(v)
	}
	out := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		return b.String()
	}
	value := func(v any, err error) func(context.Context) (any, error) {
		return func(context.Context) (any, error) { return v, err }
	}

	assert.Equal(t, `"n"`, out(ResolveField(ctx, oc, field("name"), fcOf(false, false), value("n", nil), nil, str, true, false)))
	assert.Equal(t, `"w"`, out(ResolveField(ctx, oc, field("workspace"), fcOf(true, false), value("w", nil), nil, str, true, false)))
	owner := field("owner")
	owner.Selections = ast.SelectionSet{&ast.Field{Name: "name"}}
	assert.Equal(t, `"o"`, out(ResolveField(ctx, oc, owner, fcOf(false, false), value("o", nil), nil, str, true, false)))
	assert.Equal(t, []string{"workspace", "owner"}, intercepted,
		"the resolver and the plain field with a selection below it (where the deadline cuts a subtree) go through the interceptors; the plain leaf does not")

	assert.Equal(t, graphql.RequiredNull, ResolveField(ctx, oc, field("status"), fcOf(false, true), value(nil, nil), nil, str, true, false))
	assert.Equal(t, graphql.Null, ResolveField(ctx, oc, field("label"), fcOf(false, false), value(nil, errors.New("no label")), nil, str, true, false))
	assert.Equal(t, graphql.Null, ResolveField(ctx, oc, field("boom"), fcOf(false, false), func(context.Context) (any, error) { panic("x") }, nil, str, true, false))
	errs := graphql.GetErrors(ctx)
	if assert.Len(t, errs, 3) {
		assert.Equal(t, ast.Path{ast.PathName("d"), ast.PathName("status")}, errs[0].Path)
		assert.Contains(t, errs[0].Message, "cannot return null for non-null field")
		assert.Equal(t, "no label", errs[1].Message)
		assert.Equal(t, ast.Path{ast.PathName("d"), ast.PathName("label")}, errs[1].Path)
		assert.Equal(t, "internal error", errs[2].Message)
		assert.Equal(t, ast.Path{ast.PathName("d"), ast.PathName("boom")}, errs[2].Path)
	}
}
