// Package loader holds the per-request dataloaders of the gateway: every
// by-id lookup of a request goes through them, so N lookups of one kind cost
// one upstream call (a list call with an id filter on Astro, one document
// with aliases on Houston). Loaders never outlive a request: they capture the
// caller's tokens when built, and nothing they memoise is seen by another
// request.
package loader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	// Idempotency keeps creates' clientMutationIds across requests (and,
	// in Redis, across replicas). Shared by every request, like the
	// clients; nil: creates with a clientMutationId fail.
	Idempotency idempotency.Store
}

// Credentials are a caller's upstream credentials.
type Credentials struct {
	AstroToken string
	// AstroOrganizationID names the caller's organization for tokens that
	// may not list organizations (organization, workspace and deployment
	// tokens). Empty: list the organizations of a personal token.
	AstroOrganizationID string
	HoustonToken        string
}

// BackendError marks an upstream failure with the backend it came from.
type BackendError struct {
	Backend string // "astro" or "houston"
	Err     error
}

func (e *BackendError) Error() string { return e.Err.Error() }
func (e *BackendError) Unwrap() error { return e.Err }

// NotFoundError says an object does not exist or the caller may not see it.
type NotFoundError struct {
	Backend string
	Kind    string
	ID      string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %s not found", e.Kind, e.ID) }

// ErrNoToken is returned for a backend the caller has no token for.
var ErrNoToken = errors.New("no token for this backend: pass X-Astro-Token (or Authorization: Bearer) for Astro and X-Houston-Token for Houston")

// ErrNotConfigured is returned for a backend the gateway was not given.
var ErrNotConfigured = errors.New("backend not configured on this gateway")

func wrap(backend string, err error) error {
	if err == nil {
		return nil
	}
	var be *BackendError
	if errors.As(err, &be) {
		return err
	}
	return &BackendError{Backend: backend, Err: err}
}

type ctxKey struct{}

// For returns the request's loaders. It panics if the middleware did not run,
// a wiring bug that a test catches at once.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; is loader.Middleware installed?")
	}
	return l
}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// Middleware builds fresh loaders for every request from the credentials
// that creds reads off it.
func Middleware(cfg Config, creds func(*http.Request) Credentials, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := New(cfg, creds(r))
		next.ServeHTTP(w, r.WithContext(WithLoaders(r.Context(), l)))
	})
}
