package execx

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ResolveField is graphql.ResolveField, with a shorter path for a plain
// field (a struct field of the model: neither a resolver nor a method).
// gqlgen runs every field, plain or not, through the operation's field
// interceptors, allocating a closure per interceptor and per field; the
// gateway's interceptors (deadline, fleet routing, resolver spans) act on
// resolvers only, and a plain field has nothing to stop, route or trace.
// So a plain field is read and marshalled directly, with the same field
// context (its path in errors), the same null and error handling, and the
// same panic recovery. Everything else — resolvers, methods, fields with
// directives — goes through gqlgen's own.
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
	if fc.IsResolver || fc.IsMethod {
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
