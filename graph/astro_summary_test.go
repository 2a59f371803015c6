package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/graph/exec"
)

// The benchmarks' and the dashboard's selections on listed Astro
// deployments are answered by summaries; one field a summary lacks, even in
// a fragment, reads the deployments whole.
func TestAstroSummaryOnly(t *testing.T) {
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	nodes := func(query string) (*graphql.OperationContext, ast.SelectionSet) {
		t.Helper()
		doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
		require.Nil(t, errs)
		sel := doc.Operations[0].SelectionSet
		for _, name := range []string{"astro", "organization", "deployments", "nodes"} {
			var next ast.SelectionSet
			for _, s := range sel {
				if f, ok := s.(*ast.Field); ok && f.Name == name {
					next = f.SelectionSet
				}
			}
			require.NotNil(t, next, name)
			sel = next
		}
		return &graphql.OperationContext{Doc: doc, Variables: map[string]any{}}, sel
	}
	for query, want := range map[string]bool{
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name status workspace { name description } cluster { name region } } } } } }`: true,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { id __typename runtimeVersion createdAt backend } } } } }`:                     true,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name schedulerCpu } } } } }`:                                                  false,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { name ... on AstroDeployment { workerQueues { name } } } } } } }`:              false,
		`{ astro { organization(id: "o") { deployments(first: 100) { nodes { ...D } } } } } fragment D on AstroDeployment { name createdBy { id } }`:       false,
	} {
		opCtx, sel := nodes(query)
		assert.Equal(t, want, astroSummaryOnly(opCtx, sel), query)
	}
}
