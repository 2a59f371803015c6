package cost_test

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/astro-gateway/gateway/graph"
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// FuzzCost measures arbitrary documents that validate against the
// gateway's schema: never a panic, never a negative figure, and the cost
// of an operation within the limits is never saturated garbage.
func FuzzCost(f *testing.F) {
	for _, seed := range []string{
		`{ deployments(first: 10) { totalCount edges { node { id name workspace { name } } } } }`,
		`{ astro { organizations { nodes { workspaces { nodes { deployments { nodes { deploys { nodes { deployId } } } } } } } } } }`,
		`query($n: Int) { workspaces(first: $n) { nodes { name } } }`,
		`{ nodes(ids: ["a", "b"]) { id } }`,
		`{ ...F } fragment F on Query { a: deploymentReport(groupBy: STATUS) { total } b: deploymentReport(groupBy: PLATFORM) { total } }`,
		`{ deployments(first: 5000) { nodes { id } } }`,
		testenv.DeepQuery(14),
		testenv.AliasedReports(3),
		testenv.IntrospectionQueries()["graphiql"],
	} {
		f.Add(seed, int64(20))
	}
	es := exec.NewExecutableSchema(exec.Config{Resolvers: &graph.Resolver{}, Complexity: graph.Complexity()})
	lim := &cost.Limit{Limits: cost.DefaultLimits(), Schema: graph.Costed(es)}
	f.Fuzz(func(t *testing.T, q string, n int64) {
		if cost.CountTokens(q, lim.Limits.MaxTokens) > lim.Limits.MaxTokens {
			return
		}
		doc, errs := gqlparser.LoadQueryWithRules(es.Schema(), q, rules.NewDefaultRules())
		if len(errs) > 0 {
			return
		}
		for _, op := range doc.Operations {
			s := cost.Measure(op)
			if s.Depth < 0 || s.Fields < 0 || s.Aliases < 0 {
				t.Fatalf("negative shape %+v for %q", s, q)
			}
			vars := map[string]any{}
			for _, v := range op.VariableDefinitions {
				vars[v.Variable] = n
			}
			oc := &graphql.OperationContext{Operation: op, Variables: vars}
			_ = lim.MutateOperationContext(t.Context(), oc)
			if s.Fields <= lim.Limits.MaxFields {
				if c := cost.Estimate(t.Context(), lim.Schema, op, vars); c < 0 {
					t.Fatalf("negative cost %d for %q", c, q)
				}
			}
		}
	})
}
