package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// field is a generated field function in gqlgen's shape.
func field(name, fcKind, value, middleware, marshal, typ string) string {
	return `
func (ec *executionContext) _T_` + name + `(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return execx.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_` + name + `(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return ` + value + `
		},
		` + middleware + `,
		func(ctx context.Context, selections ast.SelectionSet, v ` + typ + `) graphql.Marshaler {
			return ec.` + marshal + `(ctx, selections, v)
		},
		true,
		true,
	)
}
func (ec *executionContext) fieldContext_T_` + name + `(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("T", field, ` + fcKind + `, "String")
}
`
}

const marshallers = `
func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalString(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "String!")
	}
	return res
}
func (ec *executionContext) marshalOString2ᚖstring(ctx context.Context, sel ast.SelectionSet, v *string) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	_ = sel
	_ = ctx
	res := graphql.MarshalString(*v)
	return res
}
func (ec *executionContext) marshalNStatus2modelᚐStatus(ctx context.Context, sel ast.SelectionSet, v model.Status) graphql.Marshaler {
	return v
}
func (ec *executionContext) marshalNTime2timeᚐTime(ctx context.Context, sel ast.SelectionSet, v time.Time) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalTime(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "Time!")
	}
	return res
}
func (ec *executionContext) marshalNString2ᚖstring(ctx context.Context, sel ast.SelectionSet, v *string) graphql.Marshaler {
	if v == nil {
		if !graphql.HasFieldError(ctx, graphql.GetFieldContext(ctx)) {
			graphql.AddErrorf(ctx, "the requested element is null which the schema does not allow")
		}
		return graphql.Null
	}
	res := graphql.MarshalString(*v)
	return res
}
`

// Only plain leaves are rewritten: a struct field of a scalar or enum whose
// marshaller never reads the context for a value. Resolvers, methods,
// fields with directives, and fields whose marshaller may report an error
// on the field's path keep gqlgen's full path.
func TestPlainLeaves(t *testing.T) {
	src := "package exec\n" + marshallers +
		field("name", "false, false", "obj.Name, nil", "nil", "marshalNString2string", "string") +
		field("label", "false, false", "obj.Inner.Label, nil", "nil", "marshalOString2ᚖstring", "*string") +
		field("status", "false, false", "obj.Status, nil", "nil", "marshalNStatus2modelᚐStatus", "model.Status") +
		field("resolved", "true, true", "ec.resolvers.T().Resolved(ctx, obj)", "nil", "marshalNString2string", "string") +
		field("method", "true, false", "obj.Method(), nil", "nil", "marshalNString2string", "string") +
		field("directive", "false, false", "obj.Directive, nil", "func(ctx context.Context, next graphql.Resolver) graphql.Resolver { return next }", "marshalNString2string", "string") +
		field("created", "false, false", "obj.Created, nil", "nil", "marshalNTime2timeᚐTime", "time.Time") +
		field("required", "false, false", "obj.Required, nil", "nil", "marshalNString2ᚖstring", "*string")
	out, n, err := plainLeaves([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	got := string(out)
	for _, want := range []string{
		"_T_name(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {\n\treturn ec.marshalNString2string(ctx, field.Selections, obj.Name)\n}",
		"_T_label(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {\n\treturn ec.marshalOString2ᚖstring(ctx, field.Selections, obj.Inner.Label)\n}",
		"_T_status(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {\n\treturn ec.marshalNStatus2modelᚐStatus(ctx, field.Selections, obj.Status)\n}",
	} {
		assert.Contains(t, got, want)
	}
	for _, kept := range []string{"resolved", "method", "directive", "created", "required"} {
		i := strings.Index(got, "_T_"+kept+"(")
		require.GreaterOrEqual(t, i, 0)
		assert.Contains(t, got[i:i+300], "execx.ResolveField(", "%s keeps gqlgen's path", kept)
	}
}
