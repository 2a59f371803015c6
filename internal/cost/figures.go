package cost

import "github.com/99designs/gqlgen/graphql"

// FiguresOf returns what [Limit] measured of a validated operation, for a
// caller that adds up several operations' costs (a batched request).
func FiguresOf(oc *graphql.OperationContext) (Figures, bool) {
	if oc == nil {
		return Figures{}, false
	}
	f, ok := oc.Stats.GetExtension(statsKey).(*Figures)
	if !ok || f == nil {
		return Figures{}, false
	}
	return *f, true
}
