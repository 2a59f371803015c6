package loader

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"sync"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/idempotency"
)

// Loaders is one request's set of loaders.
type Loaders struct {
	cfg   Config
	creds Credentials
	astro *astro.Client // with the caller's token; nil if not configured
	hou   *houston.Client

	AstroOrganization  *dataloader.Loader[string, *astro.Organization]
	AstroWorkspace     *dataloader.Loader[AstroKey, *astro.Workspace]
	AstroDeployment    *dataloader.Loader[AstroKey, *astro.Deployment]
	AstroCluster       *dataloader.Loader[AstroKey, *astro.Cluster]
	SoftwareWorkspace  *dataloader.Loader[SoftwareKey, *houston.Workspace]
	SoftwareDeployment *dataloader.Loader[SoftwareKey, *houston.Deployment]
	// SoftwareWorkspaceDeployments lists the deployments of workspaces.
	SoftwareWorkspaceDeployments *dataloader.Loader[SoftwareKey, []*houston.Deployment]
	// AstroWorkspaceDeployments pages the deployments of workspaces, many
	// workspaces per upstream call.
	AstroWorkspaceDeployments *dataloader.Loader[AstroPageKey, *AstroPage[*astro.Deployment]]

	astroObjectLoaders

	orgsOnce sync.Once
	orgs     []*astro.Organization
	orgsErr  error

	sels sync.Map // selection key → []houston.Field

	fleet    *fleetState // the request's own loaders in a fleet; nil otherwise
	platform string      // a fleet member's platform; "" otherwise
}

// AstroKey names an Astro object: every Astro path needs the organization.
type AstroKey struct {
	OrganizationID string
	ID             string
}

// SoftwareKey names a Houston object and the selection to fetch it with;
// see [Loaders.SoftwareKey].
type SoftwareKey struct {
	ID        string
	Selection string
}

// New builds the loaders of one request.
func New(cfg Config, creds Credentials) *Loaders {
	l := &Loaders{cfg: cfg, creds: creds}
	if len(cfg.Fleet) > 0 {
		l.fleet = &fleetState{}
	}
	if cfg.Astro != nil && creds.AstroToken != "" {
		l.astro = cfg.Astro.WithToken(creds.AstroToken)
	}
	if cfg.Houston != nil && creds.HoustonToken != "" {
		l.hou = cfg.Houston.WithToken(creds.HoustonToken)
	}
	l.AstroOrganization = newLoader(cfg, "AstroOrganization", l.batchAstroOrganizations)
	l.AstroWorkspace = newLoader(cfg, "AstroWorkspace", l.batchAstroWorkspaces)
	l.AstroDeployment = newLoader(cfg, "AstroDeployment", l.batchAstroDeployments)
	l.AstroCluster = newLoader(cfg, "AstroCluster", l.batchAstroClusters)
	l.SoftwareWorkspace = newLoader(cfg, "SoftwareWorkspace", l.batchSoftwareWorkspaces)
	l.SoftwareDeployment = newLoader(cfg, "SoftwareDeployment", l.batchSoftwareDeployments)
	l.SoftwareWorkspaceDeployments = newLoader(cfg, "SoftwareWorkspaceDeployments", l.batchSoftwareWorkspaceDeployments)
	l.AstroWorkspaceDeployments = newLoader(cfg, "AstroWorkspaceDeployments", l.batchAstroWorkspaceDeployments)
	l.initAstroObjects()
	return l
}

func newLoader[K comparable, V any](cfg Config, name string, fn dataloader.BatchFunc[K, V]) *dataloader.Loader[K, V] {
	if obs := cfg.ObserveBatch; obs != nil {
		inner := fn
		fn = func(ctx context.Context, keys []K) []*dataloader.Result[V] {
			obs(name, len(keys))
			return inner(ctx, keys)
		}
	}
	if trace := cfg.TraceBatch; trace != nil {
		inner := fn
		fn = func(ctx context.Context, keys []K) []*dataloader.Result[V] {
			ctx, end := trace(ctx, name, len(keys))
			defer end()
			return inner(ctx, keys)
		}
	}
	if cfg.Disabled {
		return dataloader.NewBatchedLoader(fn, dataloader.WithBatchCapacity[K, V](1), dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}))
	}
	return dataloader.NewBatchedLoader(fn, dataloader.WithWait[K, V](cfg.Wait))
}

func (l *Loaders) observe(loader string, keys int) {
	if l.cfg.ObserveBatch != nil {
		l.cfg.ObserveBatch(loader, keys)
	}
}

// Fresh returns new loaders with the same backends and credentials: for a
// long-lived operation (a subscription) that must read upstream again
// rather than what its loaders memoised.
func (l *Loaders) Fresh() *Loaders {
	f := New(l.cfg, l.creds)
	f.platform = l.platform
	return f
}

// Load is a shorthand for loader.Load(ctx, key)().
func Load[K comparable, V any](ctx context.Context, ld *dataloader.Loader[K, V], key K) (V, error) {
	return ld.Load(ctx, key)()
}

// HasAstro reports whether the gateway has an Astro backend.
func (l *Loaders) HasAstro() bool { return l.cfg.Astro != nil }

// HasHouston reports whether the gateway has a Houston backend.
func (l *Loaders) HasHouston() bool { return l.cfg.Houston != nil }

// AstroClient is the caller's Astro client, or an error saying why there is none.
func (l *Loaders) AstroClient() (*astro.Client, error) {
	switch {
	case l.cfg.Astro == nil:
		return nil, fault.Upstream(fault.Astro, fault.ErrNotConfigured)
	case l.astro == nil:
		return nil, fault.Upstream(fault.Astro, fault.ErrNoToken)
	}
	return l.astro, nil
}

// HoustonClient is the caller's Houston client, or an error saying why there is none.
func (l *Loaders) HoustonClient() (*houston.Client, error) {
	switch {
	case l.cfg.Houston == nil:
		return nil, fault.Upstream(fault.Houston, fault.ErrNotConfigured)
	case l.hou == nil:
		return nil, fault.Upstream(fault.Houston, fault.ErrNoToken)
	}
	return l.hou, nil
}

// HoustonAnonymous is the gateway's Houston client without a caller token,
// for what Houston answers anonymously (its version, sign-up, log-in).
func (l *Loaders) HoustonAnonymous() (*houston.Client, error) {
	if l.cfg.Houston == nil {
		return nil, fault.Upstream(fault.Houston, fault.ErrNotConfigured)
	}
	return l.cfg.Houston, nil
}

// HasAstroToken reports whether the caller sent an Astro token.
func (l *Loaders) HasAstroToken() bool { return l.astro != nil }

// HasHoustonToken reports whether the caller sent a Houston token.
func (l *Loaders) HasHoustonToken() bool { return l.hou != nil }

// Installation is the Software installation's name.
func (l *Loaders) Installation() string {
	if l.cfg.Houston == nil {
		return houston.DefaultInstallation
	}
	return l.cfg.Houston.Installation()
}

func fill[V any](n int, err error) []*dataloader.Result[V] {
	out := make([]*dataloader.Result[V], n)
	for i := range out {
		out[i] = &dataloader.Result[V]{Error: err}
	}
	return out
}

// CredentialDigest is an HMAC-SHA256 of purpose keyed by the caller's token
// for backend ("astro" or "houston"), and false when the caller sent none.
// It lets per-credential state (idempotency keys, sealed results) live in
// shared stores without the token: one purpose's digest says nothing of the
// token or of another purpose's.
func (l *Loaders) CredentialDigest(backend, purpose string) ([32]byte, bool) {
	tok := l.creds.HoustonToken
	if backend == "astro" {
		tok = l.creds.AstroToken
	}
	if tok == "" {
		return [32]byte{}, false
	}
	m := hmac.New(sha256.New, []byte(tok))
	m.Write([]byte(purpose))
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out, true
}

// Idempotency is the store of creates' client keys, shared by all requests.
func (l *Loaders) Idempotency() idempotency.Store { return l.cfg.Idempotency }
