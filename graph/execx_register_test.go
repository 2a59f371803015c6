package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/graph/execx"
)

// selectionAt parses query against the gateway's schema and returns the
// selection set reached through the fields of path, with the operation
// context that resolves its fragments.
func selectionAt(t *testing.T, query string, path ...string) (*graphql.OperationContext, ast.SelectionSet) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(exec.NewExecutableSchema(exec.Config{}).Schema(), query, nil)
	require.Nil(t, errs)
	sel := doc.Operations[0].SelectionSet
	for _, name := range path {
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

// On the gateway's schema, the elements of a list of deployments that
// select plain fields are marshalled in order; a list whose elements have a
// loader-backed field (a workspace's deployments, a deployment's
// workspace) keeps a goroutine per element, so that their loads batch.
func TestListsMarshalInOrderWithoutResolvers(t *testing.T) {
	mayBlock := func(query string, path ...string) bool {
		_, sel := selectionAt(t, query, path...)
		return execx.MayBlock(sel)
	}
	const software = `{ software { workspaces(first: 100) { nodes { name deployments(first: 100) { nodes { name: releaseName status } } } } } }`
	assert.False(t, mayBlock(software, "software", "workspaces", "nodes", "deployments", "nodes"))
	assert.True(t, mayBlock(software, "software", "workspaces", "nodes"), "deployments has a resolver")
	const astro = `{ astro { organization(id: "o") { deployments(first: 100) { nodes { name status workspace { name } } } } } }`
	assert.True(t, mayBlock(astro, "astro", "organization", "deployments", "nodes"), "workspace has a resolver")
	const cross = `{ deployments(first: 20) { nodes { name platform status ... on SoftwareDeployment { releaseName } } } }`
	assert.False(t, mayBlock(cross, "deployments", "nodes"))
}
