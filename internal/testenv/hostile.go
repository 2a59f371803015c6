package testenv

import (
	"embed"
	"fmt"
	"strings"
)

// The hostile queries of issue 9, for the tests and the benchmark that show
// the gateway survives them.

// DeepQuery nests workspaces → deployments → workspace → deployments … to
// depth levels of fields (at least 3).
func DeepQuery(depth int) string {
	var b strings.Builder
	b.WriteString("{ workspaces { nodes { ... on AstroWorkspace { ")
	d, opened := 2, 3
	cycle := []string{"deployments", "nodes", "workspace"}
	leaf := "name"
	for i := 0; d < depth-1; i++ {
		b.WriteString(cycle[i%3] + " { ")
		leaf = map[string]string{"deployments": "totalCount", "nodes": "name", "workspace": "name"}[cycle[i%3]]
		d++
		opened++
	}
	b.WriteString(leaf + " }")
	b.WriteString(strings.Repeat(" }", opened))
	return b.String()
}

// AliasedReports asks for Query.deploymentReport n times under aliases.
func AliasedReports(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: deploymentReport(groupBy: RUNTIME_VERSION) { total }", i)
	}
	b.WriteString(" }")
	return b.String()
}

// AliasedTypenames asks for __typename n times under aliases.
func AliasedTypenames(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString(" }")
	return b.String()
}

//go:embed testdata/introspection_*.graphql
var introspection embed.FS

// IntrospectionQueries are GraphiQL's and graphql-js's introspection
// queries, by name.
func IntrospectionQueries() map[string]string {
	out := map[string]string{}
	for _, name := range []string{"graphiql", "graphqljs"} {
		b, err := introspection.ReadFile("testdata/introspection_" + name + ".graphql")
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		out[name] = string(b)
	}
	return out
}
