package graph

import (
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCostTablesNameSchemaFields: every field the cost model names exists,
// so a renamed field cannot silently fall back to the default rule.
func TestCostTablesNameSchemaFields(t *testing.T) {
	t.Parallel()
	s := exec.NewExecutableSchema(exec.Config{Resolvers: &Resolver{}}).Schema()
	for _, table := range []map[string]bool{freeConnections, keys(calls)} {
		for key := range table {
			typ, field, ok := strings.Cut(key, ".")
			require.True(t, ok, key)
			def := s.Types[typ]
			require.NotNil(t, def, key)
			assert.NotNil(t, def.Fields.ForName(field), key)
		}
	}
}

func keys(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// TestEveryConnectionMultiplies: every field with first multiplies what
// its items select by first, and those that make a request per parent
// add CostCall.
func TestEveryConnectionMultiplies(t *testing.T) {
	t.Parallel()
	es := exec.NewExecutableSchema(exec.Config{Resolvers: &Resolver{}, Complexity: Complexity()})
	c := Costed(es)
	n := 0
	for _, def := range es.Schema().Types {
		for _, f := range def.Fields {
			if f.Arguments.ForName("first") == nil {
				continue
			}
			n++
			key := def.Name + "." + f.Name
			got, ok := c.Complexity(t.Context(), def.Name, f.Name, 7, map[string]any{"first": int64(5)})
			require.True(t, ok, key)
			want := 5 * 7
			if !freeConnections[key] {
				want += max(calls[key], CostCall)
			}
			assert.Equal(t, want, got, key)
			// last prices like first; every connection pages both ways.
			for _, a := range []string{"last", "before", "after"} {
				assert.NotNil(t, f.Arguments.ForName(a), "%s has no %s", key, a)
			}
			got, _ = c.Complexity(t.Context(), def.Name, f.Name, 7, map[string]any{"last": int64(5)})
			assert.Equal(t, want, got, "%s with last", key)
			// Out of range: the field is refused before any call.
			got, _ = c.Complexity(t.Context(), def.Name, f.Name, 7, map[string]any{"first": int64(5000)})
			assert.LessOrEqual(t, got, max(calls[key], CostCall), key)
		}
	}
	assert.Greater(t, n, 30, "the connections were found")
}

func TestCostOfFields(t *testing.T) {
	t.Parallel()
	c := Costed(exec.NewExecutableSchema(exec.Config{Resolvers: &Resolver{}, Complexity: Complexity()}))
	for _, tc := range []struct {
		typ, field string
		child      int
		args       map[string]any
		want       int
	}{
		{"AstroDeployment", "name", 0, nil, 0},                              // a scalar
		{"AstroDeployment", "workspace", 3, nil, 4},                         // batched: its object
		{"AstroDeployment", "options", 3, nil, CostCall + 4},                // a request per deployment
		{"AstroCustomRole", "permissions", 0, nil, CostCall},                // a scalar list, a request per role
		{"Query", "deploymentReport", 2, nil, CostReport + 3},               // reads everything
		{"Query", "nodes", 4, map[string]any{"ids": []any{"a", "b"}}, 10},   // one object per id
		{"Mutation", "deleteAstroTeam", 1, map[string]any{"input": nil}, 0}, // below: mutations
	} {
		got, ok := c.Complexity(t.Context(), tc.typ, tc.field, tc.child, tc.args)
		if tc.typ == "Mutation" {
			assert.GreaterOrEqual(t, got, CostCall, "a mutation is a request")
			continue
		}
		require.True(t, ok, tc.typ+"."+tc.field)
		assert.Equal(t, tc.want, got, tc.typ+"."+tc.field)
	}
}
