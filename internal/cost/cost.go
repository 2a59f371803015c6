// Package cost meters a GraphQL operation before it runs: its size in
// tokens (before parsing), its depth, fields and aliases (after
// validation), and its estimated cost (gqlgen's complexity walker over the
// gateway's cost model, graph.Costed). An operation over any limit is
// answered with one QUERY_TOO_COMPLEX error and never executed. Every
// answer carries the measured figures in extensions.cost.
//
//	srv := handler.New(es)
//	srv.Use(extension.AutomaticPersistedQuery{…}) // before: it fills the query in
//	srv.Use(&cost.Limit{Limits: cost.DefaultLimits(), Schema: graph.Costed(es)})
package cost

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/astro-gateway/gateway/internal/fault"
)

// Limits bound one operation. Zero turns a limit off.
type Limits struct {
	// MaxCost bounds the estimated cost (graph.Costed). Default 100000.
	MaxCost int
	// MaxDepth bounds the nesting of fields (introspection's __schema and
	// __type count as one level: their nesting is the schema's, bounded
	// by gqlparser's MaxIntrospectionDepth rule). Default 12.
	MaxDepth int
	// MaxFields bounds the fields selected, each fragment counted once per
	// use. Default 2000.
	MaxFields int
	// MaxAliases bounds the aliased fields (a: f), each fragment counted
	// once per use. Default 200.
	MaxAliases int
	// MaxTokens bounds the query's lexical tokens, counted before parsing,
	// so that a huge document is refused before it is turned into a tree.
	// Default 15000.
	MaxTokens int
	// Introspection allows __schema and __type. Default true.
	Introspection bool
}

// DefaultLimits returns the gateway's defaults (config.DefaultLimits has
// the same). They accept every example of the README, the docs and the playground, GraphiQL's and graphql-js's
// introspection queries, and reject the hostile queries of issue 9 (a
// nesting 21 deep, a thousand deploymentReport aliases, fifty thousand
// __typename aliases).
func DefaultLimits() Limits {
	return Limits{MaxCost: 100000, MaxDepth: 12, MaxFields: 2000, MaxAliases: 200, MaxTokens: 15000, Introspection: true}
}

// Figures are what was measured of an operation.
type Figures struct {
	Cost    int
	Depth   int
	Fields  int
	Aliases int
}

// Limit is the gqlgen extension that enforces Limits. Schema is the
// executable schema with the cost model (graph.Costed); Use Limit after
// extension.AutomaticPersistedQuery.
type Limit struct {
	Limits Limits
	Schema graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = &Limit{}

const statsKey = "cost"

// ExtensionName implements graphql.HandlerExtension.
func (l *Limit) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (l *Limit) Validate(es graphql.ExecutableSchema) error {
	if l.Schema == nil {
		l.Schema = es
	}
	return nil
}

// MutateOperationParameters counts the query's tokens before gqlgen parses
// it.
func (l *Limit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.Limits.MaxTokens <= 0 {
		return nil
	}
	// The count stops past the limit (lexing the rest of a huge document
	// is the work the limit saves), so only the limit is reported.
	if CountTokens(p.Query, l.Limits.MaxTokens) > l.Limits.MaxTokens {
		return tooComplex(fmt.Sprintf("the query has more than %d tokens", l.Limits.MaxTokens),
			map[string]any{"maxTokens": l.Limits.MaxTokens})
	}
	return nil
}

// CountTokens counts the lexical tokens of query, stopping after limit+1
// (limit <= 0: no stop). A lexical error ends the count: the parser reports
// it.
func CountTokens(query string, limit int) int {
	lx := lexer.New(&ast.Source{Input: query})
	n := 0
	for limit <= 0 || n <= limit {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		n++
	}
	return n
}

// MutateOperationContext measures the validated operation and refuses it
// over a limit, before any resolver runs.
func (l *Limit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		return nil
	}
	s := Measure(op)
	f := &Figures{Depth: s.Depth, Fields: s.Fields, Aliases: s.Aliases}
	oc.Stats.SetExtension(statsKey, f)
	lim := l.Limits
	if !lim.Introspection && s.Introspection {
		err := gqlerror.Errorf("introspection is disabled on this gateway")
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	switch {
	case lim.MaxDepth > 0 && s.Depth > lim.MaxDepth:
		return tooComplex(fmt.Sprintf("depth %d exceeds %d", s.Depth, lim.MaxDepth),
			map[string]any{"depth": s.Depth, "maxDepth": lim.MaxDepth})
	case lim.MaxFields > 0 && s.Fields > lim.MaxFields:
		return tooComplex(fmt.Sprintf("%d fields exceed %d", s.Fields, lim.MaxFields),
			map[string]any{"fields": s.Fields, "maxFields": lim.MaxFields})
	case lim.MaxAliases > 0 && s.Aliases > lim.MaxAliases:
		return tooComplex(fmt.Sprintf("%d aliases exceed %d", s.Aliases, lim.MaxAliases),
			map[string]any{"aliases": s.Aliases, "maxAliases": lim.MaxAliases})
	}
	// The walker expands every fragment use, so it runs only on operations
	// whose expanded size is known to be bounded (MaxFields).
	f.Cost = Estimate(ctx, l.Schema, op, oc.Variables)
	if lim.MaxCost > 0 && f.Cost > lim.MaxCost {
		return tooComplex(fmt.Sprintf("cost %d exceeds %d", f.Cost, lim.MaxCost),
			map[string]any{"cost": f.Cost, "limit": lim.MaxCost})
	}
	return nil
}

// Estimate is the operation's cost under es's complexity functions, with
// scalars free.
func Estimate(ctx context.Context, es graphql.ExecutableSchema, op *ast.OperationDefinition, vars map[string]any) int {
	return complexity.Calculate(ctx, es, op, vars, complexity.WithFixedScalarValue(0))
}

// InterceptResponse adds extensions.cost to every answer of a measured
// operation.
func (l *Limit) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if graphql.HasOperationContext(ctx) {
		if m, ok := l.Extension(graphql.GetOperationContext(ctx)); ok {
			graphql.RegisterExtension(ctx, statsKey, m)
		}
	}
	return next(ctx)
}

// ExtensionKey is the key of the figures in a response's extensions.
const ExtensionKey = statsKey

// Extension is extensions.cost of a measured operation, for an answer made
// without the response middlewares (one refused before it ran).
func (l *Limit) Extension(oc *graphql.OperationContext) (map[string]any, bool) {
	f, ok := FiguresOf(oc)
	if !ok {
		return nil, false
	}
	m := map[string]any{"estimated": f.Cost, "depth": f.Depth, "fields": f.Fields, "aliases": f.Aliases}
	if l.Limits.MaxCost > 0 {
		m["limit"] = l.Limits.MaxCost
	}
	return m, true
}

func tooComplex(msg string, ext map[string]any) *gqlerror.Error {
	ext["code"] = fault.CodeQueryTooComplex
	return &gqlerror.Error{Message: "query too complex: " + msg, Extensions: ext}
}
