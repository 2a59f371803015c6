// Package loader holds the per-request dataloaders of the gateway: every
// by-id lookup of a request goes through them, so N lookups of one kind cost
// one upstream call (a list call with an id filter on Astro, one document
// with aliases on Houston). Loaders never outlive a request: they capture the
// caller's tokens when built, and nothing they memoise is seen by another
// request.
package loader

import (
	"context"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/idempotency"
)

// Config is what every request's loaders share: the backends (nil when not
// configured) and the batch window.
type Config struct {
	Astro   *astro.Client
	Houston *houston.Client
	// Wait is how long a loader collects keys before it calls upstream.
	// Keep it near a millisecond: it is added at every nesting level.
	Wait time.Duration
	// Disabled turns batching off: every lookup is its own upstream call.
	// For measuring what the loaders save; never for production.
	Disabled bool
	// ObserveBatch, if set, hears the size of every batch.
	ObserveBatch func(loader string, keys int)
	// TraceBatch, if set, wraps every batch: it returns the context the
	// batch runs in (a span's) and the func that ends it.
	TraceBatch func(ctx context.Context, loader string, keys int) (context.Context, func())
	// Idempotency keeps creates' clientMutationIds across requests (and,
	// in Redis, across replicas). Shared by every request, like the
	// clients; nil: creates with a clientMutationId fail.
	Idempotency idempotency.Store
	// Fleet names every backend when the gateway serves a fleet (see
	// fleet.go); Astro and Houston are then its first Astro and Software
	// backends. Empty: the one Astro and one Houston above.
	Fleet []Member
	// Name is a member's backend name (set by Members).
	Name string
}

// Credentials are a caller's upstream credentials.
type Credentials struct {
	AstroToken string
	// AstroOrganizationID names the caller's organization for tokens that
	// may not list organizations (organization, workspace and deployment
	// tokens). Empty: list the organizations of a personal token.
	AstroOrganizationID string
	HoustonToken        string
	// Tokens are a fleet's credentials by backend name (AstroToken and
	// HoustonToken are then those of the first Astro and Software
	// backends).
	Tokens map[string]string
	// OrganizationIDs are the organizations named by a fleet's Astro
	// credentials (X-Astro-Organization-Id-<name>, or the token's claims).
	OrganizationIDs map[string]string
}

type ctxKey struct{}

// For returns the request's loaders. It panics if the middleware did not run,
// a wiring bug that a test catches at once.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; did the gateway attach them with WithLoaders?")
	}
	return l
}

// CredentialsOf returns the credentials of the request's loaders, if ctx
// has loaders.
func CredentialsOf(ctx context.Context) (Credentials, bool) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		return Credentials{}, false
	}
	return l.creds, true
}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}
