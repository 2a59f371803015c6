package gateway

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// encode writes what json.Marshal writes for a wireResponse (the same
// keys, omitted when empty, and values), without a second pass over data.
func TestWireResponseEncode(t *testing.T) {
	errs := gqlerror.List{{Message: `bad <"x">`, Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)},
		Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}
	ext := map[string]any{"cost": 12}
	data := json.RawMessage(`{"a":[1,2,{"b":"<c & d>"}]}`)
	for _, r := range []*wireResponse{
		{Errors: errs},
		{Data: data},
		{Data: json.RawMessage("null"), Errors: errs},
		{Data: data, Errors: errs, Extensions: ext},
		{Data: data, Extensions: ext},
		{Errors: errs, Extensions: ext},
		{},
	} {
		want, err := json.Marshal(r)
		require.NoError(t, err)
		got, err := r.encode(nil)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got))
		batch, err := encodeBatch([]*wireResponse{r, r})
		require.NoError(t, err)
		assert.JSONEq(t, "["+string(want)+","+string(want)+"]", string(batch))
	}
}
