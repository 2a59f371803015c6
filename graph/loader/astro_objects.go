package loader

import (
	"context"
	"sync"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/astro"
)

// AstroChildKey names an Astro object that lives under a deployment (a
// deploy, an agent token): its path needs the deployment too.
type AstroChildKey struct {
	OrganizationID string
	ParentID       string
	ID             string
}

// astroObjectLoaders are the by-id loaders of the Astro objects that no
// list call can fetch by id (users, teams, tokens, roles, environment
// objects, deploys, agent tokens): a batch is one Get per distinct key, side
// by side, and a key asked twice in a request costs one call.
type astroObjectLoaders struct {
	AstroUser              *dataloader.Loader[AstroKey, *astro.User]
	AstroTeam              *dataloader.Loader[AstroKey, *astro.Team]
	AstroAPIToken          *dataloader.Loader[AstroKey, *astro.APIToken]
	AstroCustomRole        *dataloader.Loader[AstroKey, *astro.RoleWithPermission]
	AstroEnvironmentObject *dataloader.Loader[AstroKey, *astro.EnvironmentObject]
	AstroDeploy            *dataloader.Loader[AstroChildKey, *astro.Deploy]
	AstroAgentToken        *dataloader.Loader[AstroChildKey, *astro.APIToken]
}

func (l *Loaders) initAstroObjects() {
	l.AstroUser = newLoader(l.cfg, "AstroUser", getEach(l, "user", func(ctx context.Context, c *astro.Client, k AstroKey) (*astro.User, error) {
		u, _, err := c.Users.Get(ctx, k.OrganizationID, k.ID)
		return u, err
	}))
	l.AstroTeam = newLoader(l.cfg, "AstroTeam", getEach(l, "team", func(ctx context.Context, c *astro.Client, k AstroKey) (*astro.Team, error) {
		t, _, err := c.Teams.Get(ctx, k.OrganizationID, k.ID)
		return t, err
	}))
	l.AstroAPIToken = newLoader(l.cfg, "AstroAPIToken", getEach(l, "API token", func(ctx context.Context, c *astro.Client, k AstroKey) (*astro.APIToken, error) {
		t, _, err := c.APITokens.Get(ctx, k.OrganizationID, k.ID)
		return t, err
	}))
	l.AstroCustomRole = newLoader(l.cfg, "AstroCustomRole", getEach(l, "custom role", func(ctx context.Context, c *astro.Client, k AstroKey) (*astro.RoleWithPermission, error) {
		r, _, err := c.Roles.Get(ctx, k.OrganizationID, k.ID)
		return r, err
	}))
	l.AstroEnvironmentObject = newLoader(l.cfg, "AstroEnvironmentObject", getEach(l, "environment object", func(ctx context.Context, c *astro.Client, k AstroKey) (*astro.EnvironmentObject, error) {
		o, _, err := c.EnvironmentObjects.Get(ctx, k.OrganizationID, k.ID)
		return o, err
	}))
	l.AstroDeploy = newLoader(l.cfg, "AstroDeploy", getEach(l, "deploy", func(ctx context.Context, c *astro.Client, k AstroChildKey) (*astro.Deploy, error) {
		d, _, err := c.Deploys.Get(ctx, k.OrganizationID, k.ParentID, k.ID)
		return d, err
	}))
	l.AstroAgentToken = newLoader(l.cfg, "AstroAgentToken", getEach(l, "agent token", func(ctx context.Context, c *astro.Client, k AstroChildKey) (*astro.APIToken, error) {
		t, _, err := c.AgentTokens.Get(ctx, k.OrganizationID, k.ParentID, k.ID)
		return t, err
	}))
}

// keyID is the upstream id a key names, for fault.NotFoundError.
func keyID(k any) string {
	switch k := k.(type) {
	case AstroKey:
		return k.ID
	case AstroChildKey:
		return k.ID
	}
	return ""
}

// getEach makes a batch function that answers every key with its own Get,
// side by side, in key order.
func getEach[K comparable, V any](l *Loaders, kind string, get func(context.Context, *astro.Client, K) (V, error)) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		c, err := l.AstroClient()
		if err != nil {
			return fill[V](len(keys), err)
		}
		out := make([]*dataloader.Result[V], len(keys))
		var wg sync.WaitGroup
		for i, k := range keys {
			wg.Go(func() {
				v, err := get(ctx, c, k)
				out[i] = &dataloader.Result[V]{Data: v, Error: astroErr(err, kind, keyID(k))}
			})
		}
		wg.Wait()
		return out
	}
}

// Refresh replaces what a loader holds for key with v, the object a write
// just returned, so that later reads in the request see the change.
func Refresh[K comparable, V any](ctx context.Context, ld *dataloader.Loader[K, V], key K, v V) {
	ld.Clear(ctx, key).Prime(ctx, key, v)
}

// Forget drops what a loader holds for key, so that the next read fetches
// it again (after a write that did not return the object, or a delete).
func Forget[K comparable, V any](ctx context.Context, ld *dataloader.Loader[K, V], key K) {
	ld.Clear(ctx, key)
}
