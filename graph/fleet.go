package graph

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/astro-gateway/gateway/internal/fault"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// The cross-platform lists: Query.deployments and Query.workspaces merge
// both platforms into one ordered list. A platform the caller has no token
// for is left out; a platform that fails adds an error and the other
// platform's data still comes back.

// fleetDeployment is one deployment with the keys it is ordered by.
type fleetDeployment struct {
	node             model.Deployment // nil for a Software one until softwarePage
	softwareID       string           // Houston id of a Software deployment
	id, name         string
	created, updated time.Time
}

// deploymentQuery is a validated Query.deployments.
type deploymentQuery struct {
	page      page
	astro     bool
	software  bool
	statuses  map[model.DeploymentStatus]bool
	search    string
	field     model.DeploymentOrderField
	dir       model.OrderDirection
	wsAstro   map[string][]string // organization → workspace ids
	wsHouston []string
	wsRaw     []string // raw ids: tried on both platforms
	wsFilter  bool
	fullScan  bool // read every deployment (reports), not just the page
}

func parseDeploymentQuery(ctx context.Context, filter *model.DeploymentFilter, orderBy *model.DeploymentOrder, first *int, after *string) (*deploymentQuery, error) {
	p, err := pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	q := &deploymentQuery{page: p, astro: l.HasAstroToken(), software: l.HasHoustonToken(),
		field: model.DeploymentOrderFieldName, dir: model.OrderDirectionAsc}
	if orderBy != nil {
		q.field, q.dir = orderBy.Field, orderBy.Direction
	}
	if filter == nil {
		return q, nil
	}
	if filter.Platforms != nil {
		want := map[model.Platform]bool{}
		for _, pl := range filter.Platforms {
			want[pl] = true
		}
		q.astro = q.astro && want[model.PlatformAstro]
		q.software = q.software && want[model.PlatformSoftware]
	}
	if len(filter.Statuses) > 0 {
		q.statuses = map[model.DeploymentStatus]bool{}
		for _, s := range filter.Statuses {
			q.statuses[s] = true
		}
	}
	if filter.Search != nil {
		q.search = *filter.Search
	}
	if filter.WorkspaceIds != nil {
		q.wsFilter = true
		q.wsAstro = map[string][]string{}
		for _, id := range filter.WorkspaceIds {
			g, err := decodeID(id)
			switch {
			case err != nil:
				q.wsRaw = append(q.wsRaw, id)
			case g.Type == typeAstroWorkspace:
				q.wsAstro[g.Parts[0]] = append(q.wsAstro[g.Parts[0]], g.Parts[1])
			case g.Type == typeSoftwareWorkspace && g.Parts[0] == l.Installation():
				q.wsHouston = append(q.wsHouston, g.Parts[1])
			default:
				return nil, fault.Input("filter.workspaceIds", "%q is not a workspace id", id)
			}
		}
	}
	return q, nil
}

// localFilters reports whether the query filters on what no upstream can
// filter on, so every deployment has to be read.
func (q *deploymentQuery) localFilters() bool {
	return q.statuses != nil || q.search != "" || q.fullScan
}

func (q *deploymentQuery) keep(name, release string, st model.DeploymentStatus) bool {
	if q.statuses != nil && !q.statuses[st] {
		return false
	}
	return q.search == "" || containsFold(name, q.search) || (release != "" && containsFold(release, q.search))
}

func fleetDeployments(ctx context.Context, filter *model.DeploymentFilter, orderBy *model.DeploymentOrder, first *int, after *string) (*model.DeploymentConnection, error) {
	q, err := parseDeploymentQuery(ctx, filter, orderBy, first, after)
	if err != nil {
		return nil, err
	}
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		all        []fleetDeployment
		total      int
		failed     int
		platformsN int
	)
	collect := func(items []fleetDeployment, n int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failed++
			graphql.AddError(ctx, err)
			return
		}
		// Each platform's part comes sorted: merging keeps the order.
		all = mergeFleet(all, items, q.field, q.dir)
		total += n
	}
	if q.astro {
		platformsN++
		wg.Go(func() { collect(fleetAstroDeployments(ctx, q)) })
	}
	if q.software {
		platformsN++
		wg.Go(func() { collect(fleetSoftwareDeployments(ctx, q)) })
	}
	wg.Wait()
	if platformsN == 0 && !loader.For(ctx).HasAstro() && !loader.For(ctx).HasHouston() {
		return nil, fault.ErrNotConfigured
	}
	if platformsN == 0 && (filter == nil || filter.Platforms == nil) {
		return nil, fault.ErrNoToken
	}
	window := slice(all, q.page)
	if err := softwarePage(ctx, window); err != nil {
		graphql.AddError(ctx, err)
	}
	nodes := make([]model.Deployment, 0, len(window))
	for _, d := range window {
		if d.node != nil {
			nodes = append(nodes, d.node)
		}
	}
	return deploymentConnection(nodes, q.page, total), nil
}

func sortFleet(all []fleetDeployment, field model.DeploymentOrderField, dir model.OrderDirection) {
	slices.SortFunc(all, func(a, b fleetDeployment) int { return compareFleet(a, b, field, dir) })
}

// mergeFleet merges two lists sorted by sortFleet into a new one.
func mergeFleet(a, b []fleetDeployment, field model.DeploymentOrderField, dir model.OrderDirection) []fleetDeployment {
	out := make([]fleetDeployment, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compareFleet(a[0], b[0], field, dir) <= 0 {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// compareFleet is the order of a cross-platform listing: the field asked
// for, ties broken as Astro breaks them, then by id (a total order).
func compareFleet(a, b fleetDeployment, field model.DeploymentOrderField, dir model.OrderDirection) int {
	var c int
	switch field {
	case model.DeploymentOrderFieldCreatedAt:
		c = a.created.Compare(b.created)
	case model.DeploymentOrderFieldUpdatedAt:
		c = a.updated.Compare(b.updated)
	default:
		c = strings.Compare(a.name, b.name)
	}
	if c == 0 && field != model.DeploymentOrderFieldCreatedAt {
		c = a.created.Compare(b.created) // as Astro breaks ties (see astroOrgDeployments)
	}
	if dir == model.OrderDirectionDesc {
		c = -c
	}
	if c == 0 {
		c = strings.Compare(a.id, b.id) // upstream ids: a total order
	}
	return c
}

// fleetAstroDeployments reads the Astro part. Without local filters it asks
// each organization only for the first offset+first deployments in the
// requested order, and takes totalCount from Astro: the first 100 of an
// organization cost one call however many it has.
func fleetAstroDeployments(ctx context.Context, q *deploymentQuery) ([]fleetDeployment, int, error) {
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return nil, 0, err
	}
	orgs, err := l.AstroOrganizationIDs(ctx)
	if err != nil {
		return nil, 0, err
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		out   []fleetDeployment
		total int
		first error
	)
	for _, org := range orgs {
		ws := append(append([]string{}, q.wsAstro[org]...), q.wsRaw...)
		if q.wsFilter && len(ws) == 0 {
			continue
		}
		wg.Go(func() {
			items, n, err := astroOrgDeployments(ctx, c, org, ws, q)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fault.Upstream(fault.Astro, err)
				}
				return
			}
			l.PrimeAstroDeployments(ctx, items)
			prefetchAstroRelations(ctx, items, connectionNodeSelection(ctx))
			for _, d := range items {
				m := convertAstroDeployment(d)
				if !q.keep(m.Name, "", m.Status) {
					continue
				}
				out = append(out, fleetDeployment{node: m, id: d.ID, name: m.Name, created: d.CreatedAt, updated: d.UpdatedAt})
			}
			total += n
		})
	}
	wg.Wait()
	if first != nil {
		return nil, 0, first
	}
	if q.localFilters() {
		total = len(out)
	}
	sortFleet(out, q.field, q.dir)
	return out, total, nil
}

func astroOrgDeployments(ctx context.Context, c *astro.Client, org string, ws []string, q *deploymentQuery) ([]*astro.Deployment, int, error) {
	opts := &astro.ListDeploymentsOptions{WorkspaceIDs: ws}
	// Ties are broken as the gateway breaks them (createdAt, then id), so
	// the first offset+first that Astro sends are the ones the merge needs.
	opts.Sorts = []string{astroSort(string(q.field), q.dir)}
	if q.field != model.DeploymentOrderFieldCreatedAt {
		opts.Sorts = append(opts.Sorts, astroSort(string(model.DeploymentOrderFieldCreatedAt), q.dir))
	}
	if !q.localFilters() {
		opts.Limit = upstreamLimit(q.page.offset + q.page.first)
		ds, resp, err := c.Deployments.List(ctx, org, opts)
		if err != nil {
			return nil, 0, err
		}
		return ds, resp.TotalCount, nil
	}
	opts.Limit = 1000
	var all []*astro.Deployment
	for d, err := range c.Deployments.ListIter(ctx, org, opts) {
		if err != nil {
			return nil, 0, err
		}
		all = append(all, d)
	}
	return all, len(all), nil
}

// fleetSoftwareDeployments reads the Software part: the caller's workspaces,
// then all their deployments in one document. Houston has neither counts nor
// sorting, so every deployment is read.
func fleetSoftwareDeployments(ctx context.Context, q *deploymentQuery) ([]fleetDeployment, int, error) {
	// Every deployment is read with only what ordering and filtering need;
	// the page's deployments get the caller's selection afterwards
	// (softwarePage), so a page of 20 does not decode 2,000 full objects.
	sel := houston.Fields("id", "label")
	switch q.field {
	case model.DeploymentOrderFieldCreatedAt:
		sel = houston.With(sel, "createdAt")
	case model.DeploymentOrderFieldUpdatedAt:
		sel = houston.With(sel, "updatedAt")
	}
	if q.statuses != nil {
		sel = houston.With(sel, "status")
	}
	if q.search != "" {
		sel = houston.With(sel, "releaseName")
	}
	ids, none, err := softwareWorkspaceFilter(ctx, q)
	if err != nil || none {
		return nil, 0, err
	}
	ds, err := softwareDeploymentsPrimed(ctx, ids, sel, false)
	if err != nil {
		return nil, 0, err
	}
	out := softwareOrdered(ds, q)
	return out, len(out), nil
}

// softwareOrdered is the Software part of a listing, filtered and sorted.
// The same deployments read again (the decoded tier hands out the very
// same objects while they are fresh) give the same list: it is kept, so a
// warm listing neither filters nor sorts the installation's deployments
// again. The memo is keyed weakly by the first object: once the decoded
// read is gone, its entry can never match again.
func softwareOrdered(ds []*houston.Deployment, q *deploymentQuery) []fleetDeployment {
	if len(ds) == 0 {
		return nil
	}
	k := orderedKey{first: weak.Make(ds[0]), n: len(ds), field: q.field, dir: q.dir, search: q.search, statuses: statusKey(q.statuses)}
	if out, ok := orderedMemo.Get(k); ok {
		return out
	}
	var out []fleetDeployment
	for _, d := range ds {
		name := deref(d.Label)
		if !q.keep(name, deref(d.ReleaseName), softwareStatus(d.Status)) {
			continue
		}
		f := fleetDeployment{softwareID: d.ID, id: d.ID, name: name}
		if d.CreatedAt != nil {
			f.created = *d.CreatedAt
		}
		if d.UpdatedAt != nil {
			f.updated = *d.UpdatedAt
		}
		out = append(out, f)
	}
	sortFleet(out, q.field, q.dir)
	orderedMemo.Add(k, out)
	return out
}

// orderedKey identifies a Software listing's filtered, sorted part.
type orderedKey struct {
	first            weak.Pointer[houston.Deployment]
	n                int
	field            model.DeploymentOrderField
	dir              model.OrderDirection
	search, statuses string
}

// orderedMemo keeps the sorted Software parts of recent listings; its
// entries are never modified (mergeFleet copies).
var orderedMemo, _ = lru.New[orderedKey, []fleetDeployment](256)

func statusKey(st map[model.DeploymentStatus]bool) string {
	if st == nil {
		return ""
	}
	keys := make([]string, 0, len(st))
	for s, ok := range st {
		if ok {
			keys = append(keys, string(s))
		}
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}

// fleetWorkspaces lists the workspaces of both platforms, ordered by name.
func fleetWorkspaces(ctx context.Context, filter *model.WorkspaceFilter, first *int, after *string) (*model.WorkspaceConnection, error) {
	p, err := pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	doAstro, doSoftware := l.HasAstroToken(), l.HasHoustonToken()
	search := ""
	if filter != nil {
		if filter.Platforms != nil {
			want := map[model.Platform]bool{}
			for _, pl := range filter.Platforms {
				want[pl] = true
			}
			doAstro, doSoftware = doAstro && want[model.PlatformAstro], doSoftware && want[model.PlatformSoftware]
		}
		if filter.Search != nil {
			search = *filter.Search
		}
	}
	type item struct {
		node     model.Workspace
		name, id string
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		all []item
	)
	add := func(n model.Workspace, name, id string) {
		if search != "" && !containsFold(name, search) {
			return
		}
		mu.Lock()
		all = append(all, item{n, name, id})
		mu.Unlock()
	}
	if doAstro {
		wg.Go(func() {
			if err := eachAstroWorkspace(ctx, func(w *astro.Workspace) {
				m := convertAstroWorkspace(w)
				add(m, m.Name, m.ID)
			}); err != nil {
				graphql.AddError(ctx, err)
			}
		})
	}
	if doSoftware {
		wg.Go(func() {
			sel := houston.With(softwareWorkspaceSelection(ctx, connectionNodeSelection(ctx)), "label")
			ws, err := listSoftwareWorkspaces(ctx, sel)
			if err != nil {
				graphql.AddError(ctx, err)
				return
			}
			for _, w := range ws {
				m := convertSoftwareWorkspace(l.Installation(), w)
				add(m, m.Name, m.ID)
			}
		})
	}
	wg.Wait()
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].name != all[j].name {
			return all[i].name < all[j].name
		}
		return all[i].id < all[j].id
	})
	window := slice(all, p)
	nodes := make([]model.Workspace, len(window))
	for i, it := range window {
		nodes[i] = it.node
	}
	return workspaceConnection(nodes, p, len(all)), nil
}

func eachAstroWorkspace(ctx context.Context, fn func(*astro.Workspace)) error {
	l := loader.For(ctx)
	c, err := l.AstroClient()
	if err != nil {
		return err
	}
	orgs, err := l.AstroOrganizationIDs(ctx)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		var ws []*astro.Workspace
		for w, err := range c.Workspaces.ListIter(ctx, org, &astro.ListWorkspacesOptions{ListOptions: astro.ListOptions{Limit: 1000}}) {
			if err != nil {
				return fault.Upstream(fault.Astro, err)
			}
			ws = append(ws, w)
		}
		l.PrimeAstroWorkspaces(ctx, ws)
		for _, w := range ws {
			fn(w)
		}
	}
	return nil
}

// softwarePage fetches the Software deployments of a page with the caller's
// selection, in one aliased document, and puts them in place. A deployment
// that can no longer be read is dropped from the page, with the error.
func softwarePage(ctx context.Context, window []fleetDeployment) error {
	l := loader.For(ctx)
	sel := softwareDeploymentSelection(ctx, connectionNodeSelection(ctx))
	var idx []int
	var keys []loader.SoftwareKey
	for i, d := range window {
		if d.softwareID != "" {
			idx = append(idx, i)
			keys = append(keys, l.SoftwareKey(d.softwareID, sel))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	l.PrefetchSoftwareDeployments(ctx, keys)
	ds, errs := l.SoftwareDeployment.LoadMany(ctx, keys)()
	var first error
	for j, i := range idx {
		if errs != nil && errs[j] != nil {
			window[i].node = nil
			if first == nil {
				first = errs[j]
			}
			continue
		}
		window[i].node = convertSoftwareDeployment(l.Installation(), ds[j])
	}
	return first
}

// softwareWorkspaceFilter turns the query's workspace filter into the
// Houston workspace ids to read (nil: all of the caller's); none is true
// when the filter names no Software workspace at all.
func softwareWorkspaceFilter(ctx context.Context, q *deploymentQuery) (ids []string, none bool, err error) {
	if !q.wsFilter {
		return nil, false, nil
	}
	ids = append([]string{}, q.wsHouston...)
	if len(q.wsRaw) > 0 {
		ws, err := listSoftwareWorkspaces(ctx, houston.Fields("id"))
		if err != nil {
			return nil, false, err
		}
		for _, w := range ws {
			if slices.Contains(q.wsRaw, w.ID) {
				ids = append(ids, w.ID)
			}
		}
	}
	return ids, len(ids) == 0, nil
}
