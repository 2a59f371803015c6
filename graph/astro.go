package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// The Astro side of the resolvers: each function translates arguments into
// one client or loader call and maps the result. Lists prime the by-id
// loaders, so an object listed once is never fetched again in the request.

// onlyFields reports whether the current field's selection asks for nothing
// beyond the named fields (on the given types), so a partial object built
// from data at hand answers it without an upstream call.
func onlyFields(ctx context.Context, types []string, allowed ...string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, types) {
		if f.Name != "__typename" && !slices.Contains(allowed, f.Name) {
			return false
		}
	}
	return true
}

var (
	astroOrganizationTypes = []string{"AstroOrganization", "Node"}
	// astroOrganizationChildren are the organization's fields that need
	// only its id: asking for nothing else costs no GetOrganization.
	astroOrganizationChildren = []string{
		"id", "organizationId", "workspaces", "workspace", "deployments", "deployment", "clusters", "cluster",
		"auditLogs", "clusterOptions", "deploymentOptions", "users", "user", "teams", "team", "apiTokens", "apiToken",
		"roles", "role", "roleTemplates", "allowedIpAddressRanges", "environmentObjects", "environmentObject",
	}
	astroWorkspaceTypes = []string{"AstroWorkspace", "Workspace", "Node"}
	astroClusterTypes   = []string{"AstroCluster", "Node"}
)

func astroOrganization(ctx context.Context, id string) (*model.AstroOrganization, error) {
	if onlyFields(ctx, astroOrganizationTypes, astroOrganizationChildren...) {
		if _, err := loader.For(ctx).AstroClient(); err != nil {
			return nil, err
		}
		return astroOrganizationStub(id), nil
	}
	o, err := loader.Load(ctx, loader.For(ctx).AstroOrganization, id)
	if err != nil {
		return nil, err
	}
	return convertAstroOrganization(o), nil
}

func astroOrganizations(ctx context.Context, pg cursors) (*model.AstroOrganizationConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	ids, err := l.AstroOrganizationIDs(ctx)
	if err != nil {
		return nil, err
	}
	window := slice(ids, p)
	nodes := make([]*model.AstroOrganization, 0, len(window))
	for _, id := range window {
		o, err := loader.Load(ctx, l.AstroOrganization, id)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, convertAstroOrganization(o))
	}
	return astroOrganizationConnection(nodes, p, len(ids)), nil
}

func astroWorkspaces(ctx context.Context, org string, names, ids []string, sorts []model.AstroSort, pg cursors) (*model.AstroWorkspaceConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return nil, err
	}
	ws, p, total, err := upstreamPage(p, func(offset, limit int) ([]*astro.Workspace, int, error) {
		ws, resp, err := c.Workspaces.List(ctx, org, &astro.ListWorkspacesOptions{
			WorkspaceIDs: ids, Names: names, ListOptions: astro.ListOptions{Offset: offset, Limit: limit, Sorts: astroSorts(sorts)},
		})
		if err != nil {
			return nil, 0, fault.Upstream(fault.Astro, err)
		}
		l.PrimeAstroWorkspaces(ctx, ws)
		return ws, resp.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	prefetchAstroWorkspaceDeployments(ctx, ws, connectionNodeSelection(ctx))
	nodes := make([]*model.AstroWorkspace, len(ws))
	for i, w := range ws {
		nodes[i] = convertAstroWorkspace(w)
	}
	return astroWorkspaceConnection(nodes, p, total), nil
}

func astroDeployments(ctx context.Context, org string, workspaceIDs, names []string, orderBy *model.AstroDeploymentOrder, pg cursors) (*model.AstroDeploymentConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return nil, err
	}
	var sorts []string
	if orderBy != nil {
		sorts = []string{astroSort(string(orderBy.Field), orderBy.Direction)}
	}
	sel := connectionNodeSelection(ctx)
	summary := astroSummaryOnly(graphql.GetOperationContext(ctx), sel)
	ds, p, total, err := upstreamPage(p, func(offset, limit int) ([]*astro.Deployment, int, error) {
		ds, resp, err := c.Deployments.List(ctx, org, &astro.ListDeploymentsOptions{
			WorkspaceIDs: workspaceIDs, Names: names, Summary: summary,
			ListOptions: astro.ListOptions{Offset: offset, Limit: limit, Sorts: sorts},
		})
		if err != nil {
			return nil, 0, fault.Upstream(fault.Astro, err)
		}
		if !summary { // a summary must not stand for the whole deployment
			l.PrimeAstroDeployments(ctx, ds)
		}
		return ds, resp.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	prefetchAstroRelations(ctx, ds, sel)
	return astroDeploymentConnection(convertAstroDeployments(ds, summary), p, total), nil
}

// astroWorkspaceDeployments pages a workspace's deployments through a
// loader, so that the deployments of every workspace of a list cost one
// upstream call, not one per workspace.
func astroWorkspaceDeployments(ctx context.Context, w *model.AstroWorkspace, pg cursors) (*model.AstroDeploymentConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	sel := connectionNodeSelection(ctx)
	summary := astroSummaryOnly(graphql.GetOperationContext(ctx), sel)
	ds, p, total, err := upstreamPage(p, func(offset, limit int) ([]*astro.Deployment, int, error) {
		pg, err := loader.Load(ctx, l.AstroWorkspaceDeployments, loader.AstroPageKey{
			OrganizationID: w.OrganizationID, WorkspaceID: w.WorkspaceID, Offset: offset, Limit: limit, Summary: summary})
		if err != nil {
			return nil, 0, err
		}
		return pg.Items, pg.Total, nil
	})
	if err != nil {
		return nil, err
	}
	prefetchAstroRelations(ctx, ds, sel)
	return astroDeploymentConnection(convertAstroDeployments(ds, summary), p, total), nil
}

func astroClusters(ctx context.Context, org string, names []string, provider *model.AstroCloudProvider, sorts []model.AstroSort, pg cursors) (*model.AstroClusterConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return nil, err
	}
	cs, p, total, err := upstreamPage(p, func(offset, limit int) ([]*astro.Cluster, int, error) {
		cs, resp, err := c.Clusters.List(ctx, org, &astro.ListClustersOptions{
			Names: names, Provider: string(deref(provider)),
			ListOptions: astro.ListOptions{Offset: offset, Limit: limit, Sorts: astroSorts(sorts)},
		})
		if err != nil {
			return nil, 0, fault.Upstream(fault.Astro, err)
		}
		l.PrimeAstroClusters(ctx, cs)
		return cs, resp.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	nodes := make([]*model.AstroCluster, len(cs))
	for i, cl := range cs {
		nodes[i] = convertAstroCluster(cl)
	}
	return astroClusterConnection(nodes, p, total), nil
}

func astroWorkspace(ctx context.Context, org, id string) (*model.AstroWorkspace, error) {
	w, err := loader.Load(ctx, loader.For(ctx).AstroWorkspace, loader.AstroKey{OrganizationID: org, ID: id})
	if err != nil {
		return nil, err
	}
	return convertAstroWorkspace(w), nil
}

func astroDeployment(ctx context.Context, org, id string) (*model.AstroDeployment, error) {
	d, err := loader.Load(ctx, loader.For(ctx).AstroDeployment, loader.AstroKey{OrganizationID: org, ID: id})
	if err != nil {
		return nil, err
	}
	return convertAstroDeployment(d), nil
}

func astroCluster(ctx context.Context, org, id string) (*model.AstroCluster, error) {
	cl, err := loader.Load(ctx, loader.For(ctx).AstroCluster, loader.AstroKey{OrganizationID: org, ID: id})
	if err != nil {
		return nil, err
	}
	return convertAstroCluster(cl), nil
}

// astroDeploymentWorkspace answers a deployment's workspace from the
// deployment itself when only its ids and name are asked for.
func astroDeploymentWorkspace(ctx context.Context, d *model.AstroDeployment) (*model.AstroWorkspace, error) {
	if d.WorkspaceName != nil && onlyFields(ctx, astroWorkspaceTypes, astroWorkspaceCarried...) {
		return astroWorkspaceFromDeployment(d), nil
	}
	return astroWorkspace(ctx, d.OrganizationID, d.WorkspaceID)
}

// astroDeploymentCluster answers a deployment's cluster from the deployment
// itself when only what it carries is asked for. STANDARD deployments run on
// shared clusters that the organization does not list: their cluster is null.
func astroDeploymentCluster(ctx context.Context, d *model.AstroDeployment) (*model.AstroCluster, error) {
	if d.ClusterID == nil || *d.ClusterID == "" {
		return nil, nil
	}
	if d.ClusterName != nil && onlyFields(ctx, astroClusterTypes, astroClusterCarried...) {
		return astroClusterFromDeployment(d), nil
	}
	if d.Type != nil && *d.Type == model.AstroDeploymentTypeStandard {
		return nil, nil
	}
	return astroCluster(ctx, d.OrganizationID, *d.ClusterID)
}

// upstreamLimit is the limit to ask for: at least 1, since Astro reads a
// limit of 0 as "server default" through clients that omit zero values.
func upstreamLimit(first int) int { return max(first, 1) }

// astroSort renders an order as Astro's sorts parameter ("name:asc").
func astroSort(field string, dir model.OrderDirection) string {
	f := map[string]string{"NAME": "name", "CREATED_AT": "createdAt", "UPDATED_AT": "updatedAt"}[field]
	return f + ":" + strings.ToLower(string(dir))
}

// Fields of a deployment's workspace and cluster that the deployment itself
// carries: asking only for these costs no lookup.
var (
	astroWorkspaceCarried = []string{"id", "workspaceId", "organizationId", "name", "platform", "__typename"}
	astroClusterCarried   = []string{"id", "clusterId", "organizationId", "name", "region", "cloudProvider", "__typename"}
)

// prefetchAstroRelations starts the workspace and cluster lookups that sel
// (the selection on the listed deployments) will need, all in one batch.
func prefetchAstroRelations(ctx context.Context, ds []*astro.Deployment, sel ast.SelectionSet) {
	if len(ds) == 0 || len(sel) == 0 {
		return
	}
	opCtx := graphql.GetOperationContext(ctx)
	var ws, cl bool
	for _, f := range graphql.CollectFields(opCtx, sel, []string{"AstroDeployment", "Deployment", "Node"}) {
		switch f.Name {
		case "workspace":
			ws = ws || !selects(opCtx, f.Selections, astroWorkspaceTypes, astroWorkspaceCarried)
		case "cluster":
			cl = cl || !selects(opCtx, f.Selections, astroClusterTypes, astroClusterCarried)
		}
	}
	loader.For(ctx).PrefetchAstroRelations(ctx, ds, ws, cl)
}

// prefetchAstroWorkspaceDeployments fetches, in one batch, the deployment
// pages that the workspaces' deployments fields are about to load (one
// upstream call for all of them, however the children's resolvers are
// scheduled).
func prefetchAstroWorkspaceDeployments(ctx context.Context, ws []*astro.Workspace, sel ast.SelectionSet) {
	if len(ws) < 2 || len(sel) == 0 {
		return
	}
	opCtx := graphql.GetOperationContext(ctx)
	l := loader.For(ctx)
	for _, f := range graphql.CollectFields(opCtx, sel, []string{"AstroWorkspace", "Workspace", "Node"}) {
		if f.Name != "deployments" {
			continue
		}
		args := f.ArgumentMap(opCtx.Variables)
		p, err := pageArgs(cursorArgs(args))
		if err != nil {
			continue // the field's resolver reports it
		}
		summary := astroSummaryOnly(opCtx, connectionNodes(opCtx, f.Selections))
		keys := make([]loader.AstroPageKey, len(ws))
		for i, w := range ws {
			keys[i] = loader.AstroPageKey{OrganizationID: w.OrganizationID, WorkspaceID: w.ID, Offset: p.offset, Limit: upstreamLimit(p.first), Summary: summary}
		}
		l.PrefetchAstroWorkspaceDeployments(ctx, keys)
	}
}

// intArg reads an Int argument as gqlparser hands it over (a literal or a
// coerced variable).
// cursorArgs reads a connection field's paging arguments from its argument
// map; an argument that is absent, null or not a number stays nil.
func cursorArgs(args map[string]any) cursors {
	var c cursors
	if n, ok := intArg(args["first"]); ok {
		c.first = &n
	}
	if n, ok := intArg(args["last"]); ok {
		c.last = &n
	}
	if s, ok := args["after"].(string); ok {
		c.after = &s
	}
	if s, ok := args["before"].(string); ok {
		c.before = &s
	}
	return c
}

func intArg(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// selects reports whether sel asks for nothing beyond allowed.
func selects(opCtx *graphql.OperationContext, sel ast.SelectionSet, types, allowed []string) bool {
	for _, f := range graphql.CollectFields(opCtx, sel, types) {
		if !slices.Contains(allowed, f.Name) {
			return false
		}
	}
	return true
}
