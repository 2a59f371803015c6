package houstonsim

// Resolver is the root of the simulator's gqlgen resolvers. Resolvers stay
// thin: they check the caller, translate arguments and ask the store.
type Resolver struct {
	store *store
	// version is the Houston version the simulator impersonates. Only
	// appConfig reports it today; per-version behaviour will read it here.
	version string
}

// deref returns *p, or "" when p is nil: GraphQL's "not sent" and the CLI's
// empty string mean the same to Houston.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
