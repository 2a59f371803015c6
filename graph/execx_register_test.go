package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	_ "github.com/astro-gateway/gateway/graph" // registers the resolvers with execx
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/graph/execx"
)

// On the gateway's schema, the elements of a list of deployments that
// select plain fields are marshalled in order; a list whose elements have a
// loader-backed field (a workspace's deployments, a deployment's
// workspace) keeps a goroutine per element, so that their loads batch.
func TestListsMarshalInOrderWithoutResolvers(t *testing.T) {
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	nodes := func(query string, path ...string) ast.SelectionSet {
		t.Helper()
		doc, errs := gqlparser.LoadQuery(schema, query)
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
		return sel
	}
	const software = `{ software { workspaces(first: 100) { nodes { name deployments(first: 100) { nodes { name: releaseName status } } } } } }`
	assert.False(t, execx.MayBlock(nodes(software, "software", "workspaces", "nodes", "deployments", "nodes")))
	assert.True(t, execx.MayBlock(nodes(software, "software", "workspaces", "nodes")), "deployments has a resolver")
	const astro = `{ astro { organization(id: "o") { deployments(first: 100) { nodes { name status workspace { name } } } } } }`
	assert.True(t, execx.MayBlock(nodes(astro, "astro", "organization", "deployments", "nodes")), "workspace has a resolver")
	const cross = `{ deployments(first: 20) { nodes { name platform status ... on SoftwareDeployment { releaseName } } } }`
	assert.False(t, execx.MayBlock(nodes(cross, "deployments", "nodes")))
}
