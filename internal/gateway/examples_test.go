package gateway_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/astro-gateway/gateway/graph"
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/testenv"
)

var (
	mdBlock        = regexp.MustCompile("(?s)```graphql\n(.*?)```")
	jsonQuery      = regexp.MustCompile(`"query":"((?:[^"\\]|\\.)*)"`)
	playgroundText = regexp.MustCompile("(?s)(?:query: |post\\()`([^`]*)`")
)

// documentedExamples are the GraphQL documents of the README, docs/*.md and
// GraphiQL's examples, by where they come from.
func documentedExamples(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	files = append(files, filepath.Join(root, "README.md"), filepath.Join(root, "web", "graphiql", "src", "examples.js"))
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		n := 0
		add := func(q string) {
			n++
			out[fmt.Sprintf("%s#%d", filepath.Base(f), n)] = q
		}
		for _, m := range mdBlock.FindAllStringSubmatch(string(b), -1) {
			add(m[1])
		}
		for _, m := range jsonQuery.FindAllStringSubmatch(string(b), -1) {
			var q string
			require.NoError(t, json.Unmarshal([]byte(`"`+m[1]+`"`), &q), m[1])
			add(q)
		}
		if strings.HasSuffix(f, ".js") {
			for _, m := range playgroundText.FindAllStringSubmatch(string(b), -1) {
				add(m[1])
			}
		}
	}
	return out
}

// TestDocumentedExamplesPassTheLimits: every example of the README, the
// docs and the playground, and both introspection queries, is within the
// default limits — measured as the gateway measures them, and, for those
// that need no variables, sent to a gateway over HTTP.
func TestDocumentedExamplesPassTheLimits(t *testing.T) {
	t.Parallel()
	examples := documentedExamples(t)
	require.Greater(t, len(examples), 30, "the examples were found")
	for name, q := range testenv.IntrospectionQueries() {
		examples["introspection "+name] = q
	}

	es := exec.NewExecutableSchema(exec.Config{Resolvers: &graph.Resolver{}, Complexity: graph.Complexity()})
	lim := &cost.Limit{Limits: cost.DefaultLimits(), Schema: graph.Costed(es)}
	var (
		plain     []string
		costliest string
		most      int
	)
	for name, q := range examples {
		doc, errs := gqlparser.LoadQueryWithRules(es.Schema(), q, rules.NewDefaultRules())
		require.Empty(t, errs, "%s does not validate:\n%s", name, q)
		assert.LessOrEqual(t, cost.CountTokens(q, 0), cost.DefaultLimits().MaxTokens, name)
		for _, op := range doc.Operations {
			oc := &graphql.OperationContext{Operation: op, Variables: map[string]any{}}
			if err := lim.MutateOperationContext(t.Context(), oc); err != nil {
				t.Errorf("%s: %s\n%s", name, err.Message, q)
			}
			if n := cost.Estimate(t.Context(), lim.Schema, op, nil); n > most {
				costliest, most = name, n
			}
			if len(op.VariableDefinitions) == 0 && op.Operation == ast.Query {
				plain = append(plain, q)
			}
		}
	}
	t.Logf("%d examples; the costliest, %s, costs %d", len(examples), costliest, most)
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, q := range plain {
			r := env.Query(t, q, nil, env.Headers())
			for _, e := range r.Errors {
				assert.NotEqual(t, "QUERY_TOO_COMPLEX", e.Extensions["code"], "%s\n%s", e.Message, q)
			}
		}
	})
}

// TestCostDefaultsAreTheConfigDefaults: the limits the examples are
// checked against are the gateway's.
func TestCostDefaultsAreTheConfigDefaults(t *testing.T) {
	t.Parallel()
	c := config.DefaultLimits()
	assert.Equal(t, cost.DefaultLimits(), cost.Limits{
		MaxCost: c.MaxCost, MaxDepth: c.MaxDepth, MaxFields: c.MaxFields, MaxAliases: c.MaxAliases,
		MaxTokens: c.MaxTokens, Introspection: c.Introspection,
	})
}
