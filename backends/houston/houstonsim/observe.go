package houstonsim

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// observeOperation is the gqlgen operation middleware that feeds
// Stats.ByRoute and Sim.Selections. It runs once per operation that passed
// validation, before any resolver.
func (s *Sim) observeOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc != nil && oc.Operation != nil {
		var names, rendered []string
		for _, f := range rootFields(oc) {
			names = append(names, f.name)
			rendered = append(rendered, f.name+renderSelection(oc, f.selections, f.typeName))
		}
		s.rec.operation(names, rendered)
	}
	return next(ctx)
}

// selected is one field of a selection set after fragments are expanded and
// @skip/@include applied, with the sub-selections of all its occurrences.
type selected struct {
	name       string
	typeName   string // named type of the field's result
	selections ast.SelectionSet
}

// rootFields lists the root fields an operation executes, one per response
// key (so aliases count separately), in document order, without
// introspection fields.
func rootFields(oc *graphql.OperationContext) []selected {
	root := "Query"
	switch oc.Operation.Operation {
	case ast.Mutation:
		root = "Mutation"
	case ast.Subscription:
		root = "Subscription"
	}
	fields := collect(oc, oc.Operation.SelectionSet, root, func(f *ast.Field) string {
		if f.Alias != "" {
			return f.Alias
		}
		return f.Name
	})
	return slices.DeleteFunc(fields, func(f selected) bool { return strings.HasPrefix(f.name, "__") })
}

// renderSelection renders a selection set in normal form: fields by name
// (aliases dropped, repeated fields merged), sorted, arguments left out,
// fragments expanded, e.g. `{id label workspace{id}}`. A leaf renders as "".
func renderSelection(oc *graphql.OperationContext, set ast.SelectionSet, typeName string) string {
	if len(set) == 0 {
		return ""
	}
	fields := collect(oc, set, typeName, func(f *ast.Field) string { return f.Name })
	slices.SortFunc(fields, func(a, b selected) int { return strings.Compare(a.name, b.name) })
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.name + renderSelection(oc, f.selections, f.typeName)
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// collect flattens a selection set on an object type, grouping fields by
// key(field) in order of first appearance. It deliberately does not use
// graphql.CollectFields: that function caches by the address of the
// selection set, and the merged sets built here are temporary.
func collect(oc *graphql.OperationContext, set ast.SelectionSet, typeName string, key func(*ast.Field) string) []selected {
	var out []selected
	index := map[string]int{}
	visited := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if !included(sel.Directives, oc.Variables) {
					continue
				}
				k := key(sel)
				i, ok := index[k]
				if !ok {
					i = len(out)
					index[k] = i
					out = append(out, selected{name: sel.Name, typeName: resultType(sel)})
				}
				out[i].selections = append(out[i].selections, sel.SelectionSet...)
			case *ast.InlineFragment:
				if included(sel.Directives, oc.Variables) && matches(sel.TypeCondition, typeName) {
					walk(sel.SelectionSet)
				}
			case *ast.FragmentSpread:
				if visited[sel.Name] || !included(sel.Directives, oc.Variables) {
					continue
				}
				visited[sel.Name] = true
				if fr := oc.Doc.Fragments.ForName(sel.Name); fr != nil && matches(fr.TypeCondition, typeName) {
					walk(fr.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return out
}

func resultType(f *ast.Field) string {
	if f.Definition == nil || f.Definition.Type == nil {
		return ""
	}
	return f.Definition.Type.Name()
}

// matches reports whether a fragment's type condition applies to an object
// type. The simulator's schema has no interfaces or unions, so a condition
// either names the type or is absent.
func matches(condition, typeName string) bool {
	return condition == "" || condition == typeName
}

// included applies @skip and @include.
func included(directives ast.DirectiveList, vars map[string]any) bool {
	if d := directives.ForName("skip"); d != nil {
		if skip, _ := d.ArgumentMap(vars)["if"].(bool); skip {
			return false
		}
	}
	if d := directives.ForName("include"); d != nil {
		if include, _ := d.ArgumentMap(vars)["if"].(bool); !include {
			return false
		}
	}
	return true
}
