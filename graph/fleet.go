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
	node             model.Deployment // nil until the window is known (materialize)
	from             *loader.Loaders  // the backend's loaders
	astro            *astro.Deployment
	software         *houston.Deployment // read in full; nil: read the window's by id (softwarePage)
	softwareID       string              // Houston id of a Software deployment
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
	wsHouston map[string][]string // installation → workspace ids
	backends  map[string]bool     // nil: every backend
	wsRaw     []string            // raw ids: tried on both platforms
	wsFilter  bool
	fullScan  bool // read every deployment (reports), not just the page
}

func parseDeploymentQuery(ctx context.Context, filter *model.DeploymentFilter, orderBy *model.DeploymentOrder, pg cursors) (*deploymentQuery, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	q := &deploymentQuery{page: p, astro: true, software: true,
		field: model.DeploymentOrderFieldName, dir: model.OrderDirectionAsc,
		// last without before counts from the end of the merged list:
		// every deployment is read to place it.
		fullScan: p.fromEnd}
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
		q.astro = want[model.PlatformAstro]
		q.software = want[model.PlatformSoftware]
	}
	if filter.Backends != nil {
		if q.backends, err = backendSet(ctx, filter.Backends); err != nil {
			return nil, err
		}
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
		q.wsHouston = map[string][]string{}
		for _, id := range filter.WorkspaceIds {
			g, err := decodeID(id)
			switch {
			case err != nil:
				q.wsRaw = append(q.wsRaw, id)
			case g.Type == typeAstroWorkspace:
				q.wsAstro[g.Parts[0]] = append(q.wsAstro[g.Parts[0]], g.Parts[1])
			case g.Type == typeSoftwareWorkspace:
				q.wsHouston[g.Parts[0]] = append(q.wsHouston[g.Parts[0]], g.Parts[1])
			default:
				return nil, fault.Input("filter.workspaceIds", "%q is not a workspace id", id)
			}
		}
	}
	return q, nil
}

// backendSet checks a filter's backend names against the gateway's.
func backendSet(ctx context.Context, names []string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, m := range loader.For(ctx).Members() {
		known[m.Name()] = true
	}
	out := map[string]bool{}
	for _, n := range names {
		if !known[n] {
			return nil, fault.Input("filter.backends", "%q is not a backend of this gateway (Query.backends lists them)", n)
		}
		out[n] = true
	}
	return out, nil
}

// astroWorkspaces is the workspace filter to send to the organization org
// (nil: all its workspaces); ok is false when the query's workspace filter
// leaves nothing to read there.
func (q *deploymentQuery) astroWorkspaces(org string) (ws []string, ok bool) {
	ws = append(append([]string{}, q.wsAstro[org]...), q.wsRaw...)
	return ws, !q.wsFilter || len(ws) > 0
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

func fleetDeployments(ctx context.Context, filter *model.DeploymentFilter, orderBy *model.DeploymentOrder, pg cursors) (*model.DeploymentConnection, error) {
	q, err := parseDeploymentQuery(ctx, filter, orderBy, pg)
	if err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		all   []fleetDeployment
		total int
	)
	err = eachBackend(ctx, q, filter, func(mctx context.Context, m *loader.Loaders, platform model.Platform) error {
		read := fleetAstroDeployments
		if platform == model.PlatformSoftware {
			read = fleetSoftwareDeployments
		}
		items, n, err := read(mctx, q)
		if err != nil {
			return err
		}
		// The part may be shared (a memoised Software part): tag a copy
		// with its backend.
		part := make([]fleetDeployment, len(items))
		for i, it := range items {
			it.from = m
			part[i] = it
		}
		mu.Lock()
		defer mu.Unlock()
		// Each backend's part comes sorted: merging keeps the order.
		all = mergeFleet(all, part, q.field, q.dir)
		total += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	window := slice(all, q.page)
	materialize(ctx, window)
	if err := softwarePage(ctx, window); err != nil {
		graphql.AddError(ctx, err)
	}
	l := loader.For(ctx)
	nodes := make([]model.Deployment, 0, len(window))
	for _, d := range window {
		if d.node != nil {
			nodes = append(nodes, d.node)
			l.Remember(d.node, d.from)
		}
	}
	return deploymentConnection(nodes, q.page, total), nil
}

// eachBackend runs fn, concurrently, for every backend and platform the
// query selects and the caller has a credential for, each with a context
// that carries that backend's loaders. A backend that fails adds its error
// (naming the backend in a fleet) and the others still count: the answer
// is partial. It fails only when nothing could run at all.
func eachBackend(ctx context.Context, q *deploymentQuery, filter *model.DeploymentFilter,
	fn func(ctx context.Context, m *loader.Loaders, platform model.Platform) error,
) error {
	l := loader.For(ctx)
	var wg sync.WaitGroup
	ran := 0
	for _, m := range l.Members() {
		if q.backends != nil && !q.backends[m.Name()] {
			continue
		}
		mctx := loader.WithLoaders(ctx, m)
		for _, pl := range m.Platforms() {
			platform := model.PlatformAstro
			if pl == loader.PlatformSoftware {
				platform = model.PlatformSoftware
			}
			if platform == model.PlatformAstro && (!q.astro || !m.HasAstroToken()) ||
				platform == model.PlatformSoftware && (!q.software || !m.HasHoustonToken()) {
				continue
			}
			ran++
			wg.Go(func() {
				if err := fn(mctx, m, platform); err != nil {
					if l.InFleet() {
						err = fault.Named(m.Name(), err)
					}
					graphql.AddError(ctx, err)
				}
			})
		}
	}
	wg.Wait()
	if ran == 0 && !l.HasAstro() && !l.HasHouston() {
		return fault.ErrNotConfigured
	}
	if ran == 0 && (filter == nil || (filter.Platforms == nil && filter.Backends == nil)) {
		return fault.ErrNoToken
	}
	return nil
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
	if c == 0 && a.from != nil && b.from != nil {
		c = strings.Compare(a.from.Name(), b.from.Name()) // one upstream behind two backends
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
		ws, ok := q.astroWorkspaces(org)
		if !ok {
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
			for _, d := range items {
				if !q.keep(d.Name, "", astroStatus(d.Status)) {
					continue
				}
				out = append(out, fleetDeployment{astro: d, id: d.ID, name: d.Name, created: d.CreatedAt, updated: d.UpdatedAt})
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

// fleetLimit is how many of an organization's deployments to read for a
// window that ends at n: n itself for a dashboard's pages, and from 1,000
// on a multiple of 10,000, so the successive pages of an export ask the
// same question and the cache answers all but the first.
func fleetLimit(n int) int {
	if n < 1000 {
		return upstreamLimit(n)
	}
	return (n/10000 + 1) * 10000
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
		opts.Limit = fleetLimit(q.page.offset + q.page.first)
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
	// A window as large as a batch (an export's pages) would take one
	// document per BatchSize deployments afterwards: then every
	// deployment is read with the caller's selection at once.
	full := !q.localFilters() && q.page.offset+q.page.first >= houston.BatchSize
	if full {
		sel = houston.Merge(sel, softwareDeploymentSelection(ctx, connectionNodeSelection(ctx)))
	}
	ids, none, err := softwareWorkspaceFilter(ctx, q)
	if err != nil || none {
		return nil, 0, err
	}
	ds, err := softwareDeploymentsPrimed(ctx, ids, sel, false)
	if err != nil {
		return nil, 0, err
	}
	out := softwareOrdered(ds, q, full)
	return out, len(out), nil
}

// softwareOrdered is the Software part of a listing, filtered and sorted.
// The same deployments read again (the decoded tier hands out the very
// same objects while they are fresh) give the same list: it is kept, so a
// warm listing neither filters nor sorts the installation's deployments
// again. The memo is keyed weakly by the first object: once the decoded
// read is gone, its entry can never match again.
func softwareOrdered(ds []*houston.Deployment, q *deploymentQuery, full bool) []fleetDeployment {
	if len(ds) == 0 {
		return nil
	}
	k := orderedKey{first: weak.Make(ds[0]), n: len(ds), field: q.field, dir: q.dir, search: q.search, statuses: statusKey(q.statuses), full: full}
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
		if full {
			f.software, f.softwareID = d, ""
		}
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
	full             bool // entries carry the deployments (fleetDeployment.software)
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
func fleetWorkspaces(ctx context.Context, filter *model.WorkspaceFilter, pg cursors) (*model.WorkspaceConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	doAstro, doSoftware := true, true
	search := ""
	if filter != nil {
		if filter.Platforms != nil {
			want := map[model.Platform]bool{}
			for _, pl := range filter.Platforms {
				want[pl] = true
			}
			doAstro, doSoftware = want[model.PlatformAstro], want[model.PlatformSoftware]
		}
		if filter.Search != nil {
			search = *filter.Search
		}
	}
	var backends map[string]bool
	if filter != nil && filter.Backends != nil {
		if backends, err = backendSet(ctx, filter.Backends); err != nil {
			return nil, err
		}
	}
	type item struct {
		node     model.Workspace
		name, id string
		from     *loader.Loaders
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		all []item
	)
	add := func(n model.Workspace, name, id string, from *loader.Loaders) {
		if search != "" && !containsFold(name, search) {
			return
		}
		mu.Lock()
		all = append(all, item{n, name, id, from})
		mu.Unlock()
	}
	named := func(m *loader.Loaders, err error) error {
		if l.InFleet() {
			return fault.Named(m.Name(), err)
		}
		return err
	}
	for _, m := range l.Members() {
		if backends != nil && !backends[m.Name()] {
			continue
		}
		mctx := loader.WithLoaders(ctx, m)
		if doAstro && m.HasAstroToken() {
			wg.Go(func() {
				if err := eachAstroWorkspace(mctx, func(w *astro.Workspace) {
					n := convertAstroWorkspace(w)
					add(n, n.Name, n.ID, m)
				}); err != nil {
					graphql.AddError(ctx, named(m, err))
				}
			})
		}
		if doSoftware && m.HasHoustonToken() {
			wg.Go(func() {
				sel := houston.With(softwareWorkspaceSelection(mctx, connectionNodeSelection(mctx)), "label")
				ws, err := listSoftwareWorkspaces(mctx, sel)
				if err != nil {
					graphql.AddError(ctx, named(m, err))
					return
				}
				for _, w := range ws {
					n := convertSoftwareWorkspace(m.Installation(), w)
					add(n, n.Name, n.ID, m)
				}
			})
		}
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
		l.Remember(it.node, it.from)
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

// materialize converts the window's deployments that were read in full,
// and primes each backend's loaders with its Astro ones (and queues their
// workspaces and clusters when the selection needs them): only the page
// costs conversions and lookups, not every deployment merged.
func materialize(ctx context.Context, window []fleetDeployment) {
	astroOf := map[*loader.Loaders][]*astro.Deployment{}
	var order []*loader.Loaders
	for i := range window {
		d := &window[i]
		switch {
		case d.astro != nil:
			if _, ok := astroOf[d.from]; !ok {
				order = append(order, d.from)
			}
			astroOf[d.from] = append(astroOf[d.from], d.astro)
			d.node = convertAstroDeployment(d.astro)
		case d.software != nil:
			inst := loader.For(ctx).Installation()
			if d.from != nil {
				inst = d.from.Installation()
			}
			d.node = convertSoftwareDeployment(inst, d.software)
		}
	}
	sel := connectionNodeSelection(ctx)
	for _, m := range order {
		mctx := ctx
		if m != nil {
			mctx = loader.WithLoaders(ctx, m)
		}
		loader.For(mctx).PrimeAstroDeployments(mctx, astroOf[m])
		prefetchAstroRelations(mctx, astroOf[m], sel)
	}
}

// softwarePage fetches the Software deployments of a page with the caller's
// selection, in one aliased document, and puts them in place. A deployment
// that can no longer be read is dropped from the page, with the error.
func softwarePage(ctx context.Context, window []fleetDeployment) error {
	sel := softwareDeploymentSelection(ctx, connectionNodeSelection(ctx))
	// One batch per installation, all enqueued before any is awaited.
	type batch struct {
		l     *loader.Loaders
		idx   []int
		keys  []loader.SoftwareKey
		thunk func() ([]*houston.Deployment, []error)
	}
	var batches []*batch
	byLoaders := map[*loader.Loaders]*batch{}
	for i, d := range window {
		if d.softwareID == "" {
			continue
		}
		l := d.from
		if l == nil {
			l = loader.For(ctx)
		}
		b := byLoaders[l]
		if b == nil {
			b = &batch{l: l}
			byLoaders[l] = b
			batches = append(batches, b)
		}
		b.idx = append(b.idx, i)
		b.keys = append(b.keys, l.SoftwareKey(d.softwareID, sel))
	}
	for _, b := range batches {
		// Fetched together, sorted, a page's keys make the same documents
		// every time (see PrefetchSoftwareDeployments).
		bctx := loader.WithLoaders(ctx, b.l)
		b.l.PrefetchSoftwareDeployments(bctx, b.keys)
		b.thunk = b.l.SoftwareDeployment.LoadMany(bctx, b.keys)
	}
	var first error
	for _, b := range batches {
		ds, errs := b.thunk()
		for j, i := range b.idx {
			if errs != nil && errs[j] != nil {
				window[i].node = nil
				if first == nil {
					first = errs[j]
					if b.l.InFleet() {
						first = fault.Named(b.l.Name(), first)
					}
				}
				continue
			}
			window[i].node = convertSoftwareDeployment(b.l.Installation(), ds[j])
		}
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
	ids = append([]string{}, q.wsHouston[loader.For(ctx).Installation()]...)
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
