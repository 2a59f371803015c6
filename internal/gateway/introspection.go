package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// introspectionCache answers a repeated introspection-only query
// (__schema, __type, __typename at its root) from memory: the schema does
// not change while the process runs, and a full introspection costs tens
// of milliseconds of CPU and half a megabyte of JSON to build — fifty
// clients asking for it in a loop would otherwise take the CPU from
// everyone else. Keyed by the query, operation name and variables; only
// answers without errors are kept. Register it last, so that the other
// response middlewares (cost, size, metrics) still see every answer.
func introspectionCache(size int) graphql.ResponseMiddleware {
	cache, err := lru.New[[sha256.Size]byte, json.RawMessage](size)
	if err != nil {
		panic(err) // size > 0: cannot happen
	}
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		if !graphql.HasOperationContext(ctx) {
			return next(ctx)
		}
		oc := graphql.GetOperationContext(ctx)
		if !introspectionOnly(oc.Operation) || len(graphql.GetErrors(ctx)) > 0 {
			// Errors already: the operation was refused (introspection
			// off, over a limit) and is answered as it is.
			return next(ctx)
		}
		key, ok := introspectionKey(oc)
		if !ok {
			return next(ctx)
		}
		if data, ok := cache.Get(key); ok {
			return &graphql.Response{Data: data, Extensions: graphql.GetExtensions(ctx)}
		}
		resp := next(ctx)
		if resp != nil && len(resp.Errors) == 0 && len(graphql.GetErrors(ctx)) == 0 {
			cache.Add(key, resp.Data)
		}
		return resp
	}
}

func introspectionOnly(op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Query || len(op.SelectionSet) == 0 {
		return false
	}
	for _, s := range op.SelectionSet {
		f, ok := s.(*ast.Field)
		if !ok || (f.Name != "__schema" && f.Name != "__type" && f.Name != "__typename") {
			return false
		}
	}
	return true
}

func introspectionKey(oc *graphql.OperationContext) ([sha256.Size]byte, bool) {
	vars, err := json.Marshal(oc.Variables) // map keys sorted: stable
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	h := sha256.New()
	_, _ = io.WriteString(h, oc.RawQuery+"\x00"+oc.OperationName+"\x00")
	_, _ = h.Write(vars)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k, true
}
