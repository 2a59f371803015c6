package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// The Software side of the resolvers. Every Houston document is built from
// the caller's selection; lookups by id go through the loaders so that all
// of a request's lookups of one kind share one document.

func softwareAppConfig(ctx context.Context) (*model.SoftwareAppConfig, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	cfg, err := c.AppConfig(ctx, selectionOr(ctx, softwareAppConfigFields, "version"))
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	return convertSoftwareAppConfig(cfg), nil
}

func softwareDeploymentConfig(ctx context.Context) (*model.SoftwareDeploymentConfig, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	cfg, err := c.DeploymentConfig(ctx, selectionOr(ctx, softwareDeploymentConfigFields, "defaultAirflowImageTag"))
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	return convertSoftwareDeploymentConfig(cfg), nil
}

func softwareRuntimeReleases(ctx context.Context, airflowVersion, clusterID *string) ([]*model.SoftwareRuntimeRelease, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	sel := houston.With(selectionOr(ctx, softwareRuntimeReleaseFields), "version")
	rs, err := c.RuntimeReleases(ctx, deref(airflowVersion), deref(clusterID), sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	out := make([]*model.SoftwareRuntimeRelease, 0, len(rs))
	for _, r := range rs {
		if r.Version == nil {
			continue
		}
		out = append(out, &model.SoftwareRuntimeRelease{Version: *r.Version, AirflowVersion: r.AirflowVersion, AirflowDatabaseMigrations: r.AirflowDatabaseMigrations})
	}
	return out, nil
}

func softwareWorkspace(ctx context.Context, id string) (*model.SoftwareWorkspace, error) {
	l := loader.For(ctx)
	sel := softwareWorkspaceSelection(ctx, fieldSelection(ctx))
	w, err := loader.Load(ctx, l.SoftwareWorkspace, l.SoftwareKey(id, sel))
	if err != nil {
		return nil, err
	}
	return convertSoftwareWorkspace(l.Installation(), w), nil
}

func softwareDeployment(ctx context.Context, id string) (*model.SoftwareDeployment, error) {
	l := loader.For(ctx)
	sel := softwareDeploymentSelection(ctx, fieldSelection(ctx))
	d, err := loader.Load(ctx, l.SoftwareDeployment, l.SoftwareKey(id, sel))
	if err != nil {
		return nil, err
	}
	return convertSoftwareDeployment(l.Installation(), d), nil
}

// listSoftwareWorkspaces lists the caller's workspaces with sel.
func listSoftwareWorkspaces(ctx context.Context, sel []houston.Field) ([]*houston.Workspace, error) {
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	ws, err := c.Workspaces(ctx, sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	l.PrimeSoftwareWorkspaces(ctx, sel, ws)
	return ws, nil
}

func softwareWorkspaces(ctx context.Context, search *string, pg cursors) (*model.SoftwareWorkspaceConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	sel := softwareWorkspaceSelection(ctx, connectionNodeSelection(ctx))
	if search != nil {
		sel = houston.With(sel, "label")
	}
	ws, err := listSoftwareWorkspaces(ctx, sel)
	if err != nil {
		return nil, err
	}
	inst := loader.For(ctx).Installation()
	var nodes []*model.SoftwareWorkspace
	for _, w := range ws {
		n := convertSoftwareWorkspace(inst, w)
		if search == nil || containsFold(n.Name, *search) {
			nodes = append(nodes, n)
		}
	}
	page := slice(nodes, p)
	prefetchSoftwareWorkspaceDeployments(ctx, page)
	return softwareWorkspaceConnection(page, p, len(nodes)), nil
}

// prefetchSoftwareWorkspaceDeployments fetches, in one Houston document,
// the deployment lists that the workspaces' deployments fields are about
// to load, with the selection they will ask for, however the children's
// resolvers are scheduled.
func prefetchSoftwareWorkspaceDeployments(ctx context.Context, ws []*model.SoftwareWorkspace) {
	if len(ws) < 2 {
		return
	}
	opCtx := graphql.GetOperationContext(ctx)
	l := loader.For(ctx)
	for _, f := range graphql.CollectFields(opCtx, connectionNodeSelection(ctx), softwareWorkspaceTypes) {
		if f.Name != "deployments" {
			continue
		}
		sel := houston.With(softwareDeploymentSelection(ctx, connectionNodes(opCtx, f.Selections)), "label", "releaseName")
		keys := make([]loader.SoftwareKey, len(ws))
		for i, w := range ws {
			keys[i] = l.SoftwareKey(w.WorkspaceID, sel)
		}
		l.PrefetchSoftwareWorkspaceDeployments(ctx, keys)
	}
}

// softwareDeploymentsOf lists the deployments of the given workspaces (of
// every workspace of the caller when ids is nil) in one Houston document.
func softwareDeploymentsOf(ctx context.Context, ids []string, sel []houston.Field) ([]*houston.Deployment, error) {
	return softwareDeploymentsPrimed(ctx, ids, sel, true)
}

// softwareDeploymentsPrimed is softwareDeploymentsOf; prime says whether the
// loaders learn every deployment read (worth it when sel is what the caller
// selects; not for the few fields a listing orders by, which no later
// lookup asks for: priming 2,000 deployments costs more than it saves).
func softwareDeploymentsPrimed(ctx context.Context, ids []string, sel []houston.Field, prime bool) ([]*houston.Deployment, error) {
	l := loader.For(ctx)
	if ids == nil {
		if ds, ok, err := paginatedAll(ctx, sel, prime); ok || err != nil {
			return ds, err
		}
	}
	if ids == nil {
		ws, err := listSoftwareWorkspaces(ctx, houston.Fields("id"))
		if err != nil {
			return nil, err
		}
		ids = make([]string, len(ws))
		for i, w := range ws {
			ids[i] = w.ID
		}
	}
	keys := make([]loader.SoftwareKey, len(ids))
	for i, id := range ids {
		keys[i] = l.SoftwareKey(id, sel)
	}
	lists, errs := l.SoftwareWorkspaceDeployments.LoadMany(ctx, keys)()
	var out []*houston.Deployment
	for i, list := range lists {
		if errs != nil && errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, list...)
	}
	if prime {
		l.PrimeSoftwareDeployments(ctx, sel, out)
	}
	return out, nil
}

// paginatedAll lists every deployment the caller can see with one
// paginatedDeployments(take: -1) where the installed Houston has it (0.32
// and later; a system admin sees every deployment, a deployment-scoped
// token its deployments), instead of listing the workspaces and then every
// workspace's deployments. ok is false when the version lacks it or Houston
// refuses it to this caller: the caller then takes the per-workspace way.
func paginatedAll(ctx context.Context, sel []houston.Field, prime bool) (ds []*houston.Deployment, ok bool, err error) {
	ver := softwareVersion(ctx)
	if ver == "" || !houston.Supports(ver, "Query", "paginatedDeployments") {
		return nil, false, nil
	}
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, false, err
	}
	ds, err = c.PaginatedDeployments(ctx, houston.PaginatedDeploymentsOptions{Take: -1}, sel)
	if houston.IsForbidden(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fault.Upstream(fault.Houston, err)
	}
	if prime {
		l.PrimeSoftwareDeployments(ctx, sel, ds)
	}
	return ds, true, nil
}

func softwareDeployments(ctx context.Context, workspaceID, search *string, pg cursors) (*model.SoftwareDeploymentConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	sel := houston.With(softwareDeploymentSelection(ctx, connectionNodeSelection(ctx)), "label", "releaseName")
	var ids []string
	if workspaceID != nil {
		ids = []string{*workspaceID}
	}
	// Not primed into the by-id loader: a list of a workspace's (or every)
	// deployment is rarely followed by lookups of the same deployments with
	// the same selection in the same operation, and priming each cost 5 %
	// of the gateway's CPU on 24 workspaces × 100 deployments.
	ds, err := softwareDeploymentsPrimed(ctx, ids, sel, false)
	if err != nil {
		return nil, err
	}
	var kept []*houston.Deployment
	for _, d := range ds {
		if search != nil && !containsFold(deref(d.Label), *search) && !containsFold(deref(d.ReleaseName), *search) {
			continue
		}
		kept = append(kept, d)
	}
	// Ordered by name (the label), then only the page is converted.
	slices.SortStableFunc(kept, func(a, b *houston.Deployment) int { return strings.Compare(deref(a.Label), deref(b.Label)) })
	page := slice(kept, p)
	inst := loader.For(ctx).Installation()
	nodes := make([]*model.SoftwareDeployment, len(page))
	for i, d := range page {
		nodes[i] = convertSoftwareDeployment(inst, d)
	}
	return softwareDeploymentConnection(nodes, p, len(kept)), nil
}

func softwareWorkspaceDeployments(ctx context.Context, w *model.SoftwareWorkspace, pg cursors) (*model.SoftwareDeploymentConnection, error) {
	id := w.WorkspaceID
	return softwareDeployments(ctx, &id, nil, pg)
}
