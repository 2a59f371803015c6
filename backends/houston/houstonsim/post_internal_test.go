package houstonsim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// answering is an executor that answers every document with resp.
type answering struct{ resp *graphql.Response }

func (a answering) CreateOperationContext(context.Context, *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	return &graphql.OperationContext{}, nil
}

func (a answering) DispatchOperation(ctx context.Context, _ *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	return func(context.Context) *graphql.Response { return a.resp }, ctx
}

func (a answering) DispatchError(_ context.Context, errs gqlerror.List) *graphql.Response {
	return &graphql.Response{Errors: errs}
}

// The fast path is the one taken for Accept: application/json: it copies
// the executor's data as it is (gqlgen's json.Marshal would escape "<" as
// \u003c), and writes the JSON gqlgen writes for data, errors with paths
// and extensions, a null data, and an incremental part.
func TestPostWritesTheExecutorsData(t *testing.T) {
	hasNext := false
	for name, resp := range map[string]*graphql.Response{
		"data": {Data: json.RawMessage(`{"workspaces":[{"label":"a<b & c"}]}`)},
		"errors and extensions": {
			Errors:     gqlerror.List{{Message: "no", Path: ast.Path{ast.PathName("a"), ast.PathIndex(1)}, Extensions: map[string]any{"code": "X"}}},
			Data:       json.RawMessage(`{"a":[null,null]}`),
			Extensions: map[string]any{"cost": 3},
		},
		"null data":   {Errors: gqlerror.List{{Message: "no"}}},
		"incremental": {Data: json.RawMessage(`{}`), Label: "l", HasNext: &hasNext},
	} {
		t.Run(name, func(t *testing.T) {
			answer := func(accept string) string {
				req := httptest.NewRequest(http.MethodPost, "/v1", strings.NewReader(`{"query":"{ x }"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", accept)
				rec := httptest.NewRecorder()
				post{}.Do(rec, req, answering{resp})
				assert.Equal(t, http.StatusOK, rec.Code)
				assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
				return rec.Body.String()
			}
			fast, gqlgens := answer("application/json"), answer("*/*")
			assert.JSONEq(t, gqlgens, fast)
			if name == "data" {
				assert.Contains(t, fast, `"a<b & c"`, "the data as the executor wrote it")
				assert.Contains(t, gqlgens, `"a\u003cb \u0026 c"`, "json.Marshal's second pass")
			}
		})
	}
}
