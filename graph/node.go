package graph

import (
	"context"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// node fetches any object by its global id, through the same loaders as
// everything else.
func node(ctx context.Context, id string) (model.Node, error) {
	return nodeThunk(ctx, id, &softwareKeys{})()
}

// softwareKeys computes, once per field, the Houston selections of the
// field's Software objects and their loader keys: the selection is the same
// for every id, and computing it per id would slow the enqueueing of a long
// list of ids past the batch window.
type softwareKeys struct {
	workspace, deployment []houston.Field
}

// The key is registered with the loaders in ctx: in a fleet, those of the
// object's installation.
func (k *softwareKeys) workspaceKey(ctx context.Context, id string) loader.SoftwareKey {
	if k.workspace == nil {
		k.workspace = softwareWorkspaceSelection(ctx, fieldSelection(ctx))
	}
	return loader.For(ctx).SoftwareKey(id, k.workspace)
}

func (k *softwareKeys) deploymentKey(ctx context.Context, id string) loader.SoftwareKey {
	if k.deployment == nil {
		k.deployment = softwareDeploymentSelection(ctx, fieldSelection(ctx))
	}
	return loader.For(ctx).SoftwareKey(id, k.deployment)
}

// nodeThunk enqueues the lookup of id in its loader and returns a function
// that waits for the answer. Enqueueing every id before waiting on any is
// what puts them in one batch: nodes(ids) with 50 deployment ids is one
// upstream call, whatever the batch window.
func nodeThunk(ctx context.Context, id string, keys *softwareKeys) func() (model.Node, error) {
	g, err := decodeID(id)
	if err != nil {
		return fail(&fault.InputError{Path: "id", Message: err.Error()})
	}
	l := loader.For(ctx)
	if l.InFleet() {
		// The backend that holds the object: a Software installation by
		// the name its id carries, an Astro one by its organization.
		var m *loader.Loaders
		switch g.Type {
		case typeSoftwareWorkspace, typeSoftwareDeployment, typeSoftwareUser, typeSoftwareTeam:
			if m = l.SoftwareMember(g.Parts[0]); m == nil {
				return fail(&fault.NotFoundError{Backend: fault.Houston, Kind: "installation", ID: g.Parts[0]})
			}
		default:
			m = l.AstroMember(ctx, g.Parts[0])
		}
		if m != nil {
			l, ctx = m, loader.WithLoaders(ctx, m)
		}
	}
	switch g.Type {
	case typeAstroOrganization:
		return then(l.AstroOrganization.Load(ctx, g.Parts[0]), convertAstroOrganization)
	case typeAstroWorkspace:
		return then(l.AstroWorkspace.Load(ctx, loader.AstroKey{OrganizationID: g.Parts[0], ID: g.Parts[1]}), convertAstroWorkspace)
	case typeAstroDeployment:
		return then(l.AstroDeployment.Load(ctx, loader.AstroKey{OrganizationID: g.Parts[0], ID: g.Parts[1]}), convertAstroDeployment)
	case typeAstroCluster:
		return then(l.AstroCluster.Load(ctx, loader.AstroKey{OrganizationID: g.Parts[0], ID: g.Parts[1]}), convertAstroCluster)
	case typeAstroUser, typeAstroTeam, typeAstroAPIToken, typeAstroCustomRole, typeAstroEnvironmentObject, typeAstroDeploy, typeAstroAgentToken:
		return astroObjectThunk(ctx, l, g)
	case typeSoftwareWorkspace, typeSoftwareDeployment, typeSoftwareUser, typeSoftwareTeam:
		inst := l.Installation()
		if g.Parts[0] != inst {
			return fail(&fault.NotFoundError{Backend: fault.Houston, Kind: "installation", ID: g.Parts[0]})
		}
		// Users and teams have no batch lookup in Houston: one request each.
		switch g.Type {
		case typeSoftwareUser:
			return lazy(ctx, g.Parts[1], softwareUser)
		case typeSoftwareTeam:
			return lazy(ctx, g.Parts[1], softwareTeam)
		}
		if g.Type == typeSoftwareWorkspace {
			return then(l.SoftwareWorkspace.Load(ctx, keys.workspaceKey(ctx, g.Parts[1])), func(w *houston.Workspace) *model.SoftwareWorkspace {
				return convertSoftwareWorkspace(inst, w)
			})
		}
		return then(l.SoftwareDeployment.Load(ctx, keys.deploymentKey(ctx, g.Parts[1])), func(d *houston.Deployment) *model.SoftwareDeployment {
			return convertSoftwareDeployment(inst, d)
		})
	}
	return fail(&fault.InputError{Path: "id", Message: "unknown object type"})
}

// lazy defers a single lookup until its thunk is called.
func lazy[N model.Node](ctx context.Context, id string, get func(context.Context, string) (N, error)) func() (model.Node, error) {
	return func() (model.Node, error) {
		n, err := get(ctx, id)
		if err != nil {
			return nil, err
		}
		return n, nil
	}
}

// astroObjectThunk enqueues the lookup of an Astro object that has its
// own by-id loader (users, teams, tokens, roles, environment objects,
// deploys, agent tokens).
func astroObjectThunk(ctx context.Context, l *loader.Loaders, g globalID) func() (model.Node, error) {
	org := g.Parts[0]
	key := loader.AstroKey{OrganizationID: org, ID: g.Parts[len(g.Parts)-1]}
	switch g.Type {
	case typeAstroUser:
		return then(l.AstroUser.Load(ctx, key), func(u *astro.User) *model.AstroUser { return convertAstroUser(org, u) })
	case typeAstroTeam:
		return then(l.AstroTeam.Load(ctx, key), convertAstroTeam)
	case typeAstroAPIToken:
		return then(l.AstroAPIToken.Load(ctx, key), func(t *astro.APIToken) *model.AstroAPIToken { return convertAstroAPIToken(org, t) })
	case typeAstroCustomRole:
		return then(l.AstroCustomRole.Load(ctx, key), func(r *astro.RoleWithPermission) *model.AstroCustomRole { return convertAstroCustomRole(org, r) })
	case typeAstroEnvironmentObject:
		return then(l.AstroEnvironmentObject.Load(ctx, key), func(o *astro.EnvironmentObject) *model.AstroEnvironmentObject {
			return convertAstroEnvironmentObject(org, o)
		})
	}
	child := loader.AstroChildKey{OrganizationID: org, ParentID: g.Parts[1], ID: g.Parts[2]}
	if g.Type == typeAstroDeploy {
		return then(l.AstroDeploy.Load(ctx, child), func(d *astro.Deploy) *model.AstroDeploy { return convertAstroDeploy(org, d) })
	}
	return then(l.AstroAgentToken.Load(ctx, child), func(t *astro.APIToken) *model.AstroAgentToken {
		return convertAstroAgentToken(org, child.ParentID, t)
	})
}

func fail(err error) func() (model.Node, error) {
	return func() (model.Node, error) { return nil, err }
}

// then maps a loader's thunk through a converter.
func then[V any, N model.Node](thunk func() (V, error), conv func(V) N) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := thunk()
		if err != nil {
			return nil, err
		}
		return conv(v), nil
	}
}

// nodes resolves ids in one batch per loader; each failure is reported on
// its own index and the other objects still come back.
func nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	thunks := make([]func() (model.Node, error), len(ids))
	keys := &softwareKeys{}
	prefetchSoftwareNodes(ctx, ids, keys)
	for i, id := range ids {
		thunks[i] = nodeThunk(ctx, id, keys)
	}
	out := make([]model.Node, len(ids))
	for i, th := range thunks {
		n, err := th()
		if err != nil {
			graphql.AddError(ctx, graphql.ErrorOnPath(graphql.WithPathContext(ctx, graphql.NewPathWithIndex(i)), err))
			continue
		}
		out[i] = n
	}
	return out, nil
}

// prefetchSoftwareNodes fetches the Software deployments among ids in one
// sorted batch per installation, now, and primes the loaders with them:
// enqueued one by one, a long list can outlast the batch window on a busy
// machine and be split into documents that differ from one request to the
// next (see PrefetchSoftwareDeployments). Ids it cannot place are left to
// nodeThunk, which reports them.
func prefetchSoftwareNodes(ctx context.Context, ids []string, keys *softwareKeys) {
	l := loader.For(ctx)
	var members []*loader.Loaders
	byMember := map[*loader.Loaders][]loader.SoftwareKey{}
	for _, id := range ids {
		g, err := decodeID(id)
		if err != nil || g.Type != typeSoftwareDeployment {
			continue
		}
		m := l
		if l.InFleet() {
			if m = l.SoftwareMember(g.Parts[0]); m == nil {
				continue
			}
		}
		if g.Parts[0] != m.Installation() {
			continue
		}
		if _, ok := byMember[m]; !ok {
			members = append(members, m)
		}
		byMember[m] = append(byMember[m], keys.deploymentKey(loader.WithLoaders(ctx, m), g.Parts[1]))
	}
	for _, m := range members {
		m.PrefetchSoftwareDeployments(loader.WithLoaders(ctx, m), byMember[m])
	}
}

func (r *queryResolver) astroRoot(ctx context.Context, backend *string) (*model.AstroQuery, error) {
	l := loader.For(ctx)
	if backend != nil {
		m := l.Member(*backend)
		if m == nil || !m.HasAstro() {
			return nil, fault.Input("backend", "%q is not an Astro backend of this gateway", *backend)
		}
		q := &model.AstroQuery{}
		l.Remember(q, m)
		return q, nil
	}
	if !l.HasAstro() {
		return nil, nil
	}
	return &model.AstroQuery{}, nil
}

func (r *queryResolver) softwareRoot(ctx context.Context, backend *string) (*model.SoftwareQuery, error) {
	l := loader.For(ctx)
	if backend != nil {
		m := l.SoftwareMember(*backend)
		if m == nil || !m.HasHouston() {
			return nil, fault.Input("backend", "%q is not a Software installation of this gateway", *backend)
		}
		return &model.SoftwareQuery{Installation: m.Installation()}, nil
	}
	if !l.HasHouston() {
		return nil, nil
	}
	return &model.SoftwareQuery{Installation: l.Installation()}, nil
}
