package houstonsim

import (
	"context"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Resolver is the root of the simulator's gqlgen resolvers. Resolvers stay
// thin: they check the caller, translate arguments and ask the store.
type Resolver struct {
	store *store
	// version is the Houston version the simulator impersonates, as
	// appConfig reports it. (The schema the Sim serves is that version's,
	// so resolvers never see arguments the version lacks.)
	version string
	logs    logBook
}

// deref returns *p, or "" when p is nil: GraphQL's "not sent" and the CLI's
// empty string mean the same to Houston.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// who returns the authenticated principal of ctx, or the error for an
// anonymous or unknown caller.
func who(ctx context.Context) (*principal, error) { return authenticated(ctx) }

// replicas reads the triggerer input: nil when not sent.
func replicas(t *model.Triggerer) *int {
	if t == nil {
		return nil
	}
	return t.Replicas
}
