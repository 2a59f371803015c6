package cost

import (
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// Shape is the size of an operation's selection, fragments expanded once
// per use.
type Shape struct {
	Depth   int
	Fields  int
	Aliases int
	// Introspection: the operation selects __schema or __type.
	Introspection bool
}

// Measure walks a validated operation (fragment spreads resolved, no
// cycles). Each fragment is measured once and its figures added at every
// use, so a document whose fragments fan out exponentially is measured in
// linear time, its figures saturating rather than wrapping.
func Measure(op *ast.OperationDefinition) Shape {
	m := measurer{frags: map[string]Shape{}}
	return m.set(op.SelectionSet)
}

type measurer struct {
	frags map[string]Shape
}

func (m *measurer) set(sel ast.SelectionSet) Shape {
	var s Shape
	for _, x := range sel {
		var c Shape
		switch x := x.(type) {
		case *ast.Field:
			sub := m.set(x.SelectionSet)
			c = Shape{Depth: 1 + sub.Depth, Fields: sat(1, sub.Fields), Aliases: sub.Aliases, Introspection: sub.Introspection}
			if x.Alias != "" && x.Alias != x.Name {
				c.Aliases = sat(c.Aliases, 1)
			}
			if x.Name == "__schema" || x.Name == "__type" {
				// The schema's own nesting (ofType of ofType …) is not the
				// backends' and gqlparser bounds its cycles.
				c.Depth = 1
				c.Introspection = true
			}
		case *ast.FragmentSpread:
			if x.Definition == nil {
				continue
			}
			var ok bool
			if c, ok = m.frags[x.Name]; !ok {
				c = m.set(x.Definition.SelectionSet)
				m.frags[x.Name] = c
			}
		case *ast.InlineFragment:
			c = m.set(x.SelectionSet)
		}
		s.Depth = max(s.Depth, c.Depth)
		s.Fields = sat(s.Fields, c.Fields)
		s.Aliases = sat(s.Aliases, c.Aliases)
		s.Introspection = s.Introspection || c.Introspection
	}
	return s
}

func sat(a, b int) int {
	if a > math.MaxInt32-b {
		return math.MaxInt32
	}
	return a + b
}
