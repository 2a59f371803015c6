package execx

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ResolveField is graphql.ResolveField, with a shorter path for a plain
// leaf (a scalar or enum struct field of the model: neither a resolver nor
// a method, with no selection below it). gqlgen runs every field through
// the operation's field interceptors, allocating a closure per interceptor
// and per field; the gateway's interceptors (deadline, fleet routing,
// resolver spans) have nothing to stop, route or trace in a leaf. So a
// plain leaf is read and marshalled directly, with the same field context
// (its path in errors), the same null and error handling, and the same
// panic recovery. Everything else — resolvers, methods, fields with
// directives, and plain fields holding objects or lists, where the deadline
// interceptor cuts a whole subtree once the request's time is up — goes
// through gqlgen's own.
func ResolveField[T any](
	ctx context.Context,
	oc *graphql.OperationContext,
	field graphql.CollectedField,
	initializeFieldContext func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error),
	fieldResolver func(ctx context.Context) (any, error),
	middlewareChain func(ctx context.Context, next graphql.Resolver) graphql.Resolver,
	marshal func(ctx context.Context, sel ast.SelectionSet, v T) graphql.Marshaler,
	recoverFromPanic bool,
	nonNull bool,
) (ret graphql.Marshaler) {
	if middlewareChain != nil {
		return graphql.ResolveField(ctx, oc, field, initializeFieldContext, fieldResolver, middlewareChain, marshal, recoverFromPanic, nonNull)
	}
	fc, err := initializeFieldContext(ctx, field)
	if err != nil {
		return graphql.Null
	}
	if fc.IsResolver || fc.IsMethod || len(field.Selections) > 0 {
		made := func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) { return fc, nil }
		return graphql.ResolveField(ctx, oc, field, made, fieldResolver, nil, marshal, recoverFromPanic, nonNull)
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	res, err := fieldResolver(ctx)
	if err != nil {
		oc.Error(ctx, graphql.AddFieldLocationToError(ctx, err))
		if fc.NonNull && !nonNull {
			return graphql.RequiredNull
		}
		return graphql.Null
	}
	if res == nil {
		if nonNull || fc.NonNull {
			graphql.AddInvalidNullError(ctx, "")
		}
		if fc.NonNull && !nonNull {
			return graphql.RequiredNull
		}
		return graphql.Null
	}
	v, ok := res.(T)
	if !ok {
		graphql.AddErrorf(ctx, `unexpected type %T from field resolver, should be %T`, res, v)
		return graphql.Null
	}
	fc.Result = v
	return marshal(ctx, field.Selections, v)
}
