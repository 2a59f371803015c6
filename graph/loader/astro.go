package loader

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/astro"
)

// idChunk bounds how many ids go into one list call, keeping URLs short
// (25-character ids, about 40 bytes each with the key).
const idChunk = 100

// AstroOrganizationIDs are the organizations the caller works in: the one
// named in the request, or every organization of a personal token.
func (l *Loaders) AstroOrganizationIDs(ctx context.Context) ([]string, error) {
	if l.creds.AstroOrganizationID != "" {
		if _, err := l.AstroClient(); err != nil {
			return nil, err
		}
		return []string{l.creds.AstroOrganizationID}, nil
	}
	orgs, err := l.AstroOrganizations(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return ids, nil
}

// AstroOrganizations lists the caller's organizations once per request and
// primes the organization loader with them.
func (l *Loaders) AstroOrganizations(ctx context.Context) ([]*astro.Organization, error) {
	l.orgsOnce.Do(func() {
		c, err := l.AstroClient()
		if err != nil {
			l.orgsErr = err
			return
		}
		for o, err := range c.Organizations.ListIter(ctx, &astro.ListOrganizationsOptions{ListOptions: astro.ListOptions{Limit: 1000}}) {
			if err != nil {
				if astro.HasStatus(err, http.StatusForbidden) {
					// Say what would work instead of only what did not.
					err = fmt.Errorf("%w (this token may not list its organizations: send X-Astro-Organization-Id with the organization's id)", err)
				}
				l.orgs, l.orgsErr = nil, fault.Upstream(fault.Astro, err)
				return
			}
			l.orgs = append(l.orgs, o)
			l.AstroOrganization.Prime(ctx, o.ID, o)
		}
	})
	return l.orgs, l.orgsErr
}

// PrimeAstroDeployments makes later lookups of these deployments free.
func (l *Loaders) PrimeAstroDeployments(ctx context.Context, ds []*astro.Deployment) {
	for _, d := range ds {
		l.AstroDeployment.Prime(ctx, AstroKey{d.OrganizationID, d.ID}, d)
	}
}

// PrimeAstroWorkspaces makes later lookups of these workspaces free.
func (l *Loaders) PrimeAstroWorkspaces(ctx context.Context, ws []*astro.Workspace) {
	for _, w := range ws {
		l.AstroWorkspace.Prime(ctx, AstroKey{w.OrganizationID, w.ID}, w)
	}
}

// PrimeAstroClusters makes later lookups of these clusters free.
func (l *Loaders) PrimeAstroClusters(ctx context.Context, cs []*astro.Cluster) {
	for _, c := range cs {
		l.AstroCluster.Prime(ctx, AstroKey{c.OrganizationID, c.ID}, c)
	}
}

func (l *Loaders) batchAstroOrganizations(ctx context.Context, ids []string) []*dataloader.Result[*astro.Organization] {
	c, err := l.AstroClient()
	if err != nil {
		return fill[*astro.Organization](len(ids), err)
	}
	// No endpoint takes several organization ids: fetch them side by side.
	out := make([]*dataloader.Result[*astro.Organization], len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			o, _, err := c.Organizations.Get(ctx, id)
			out[i] = &dataloader.Result[*astro.Organization]{Data: o, Error: astroErr(err, "organization", id)}
		})
	}
	wg.Wait()
	return out
}

// A batch of one id is one Get rather than a list call with one id: the
// same cost, and the answer says NOT_FOUND itself.

func (l *Loaders) batchAstroWorkspaces(ctx context.Context, keys []AstroKey) []*dataloader.Result[*astro.Workspace] {
	return byOrganization(ctx, l, keys, "workspace", func(ctx context.Context, c *astro.Client, org string, ids []string) ([]*astro.Workspace, error) {
		if len(ids) == 1 {
			return one(c.Workspaces.Get(ctx, org, ids[0]))
		}
		ws, _, err := c.Workspaces.List(ctx, org, &astro.ListWorkspacesOptions{WorkspaceIDs: ids, ListOptions: astro.ListOptions{Limit: len(ids)}})
		return ws, err
	}, func(w *astro.Workspace) string { return w.ID })
}

func (l *Loaders) batchAstroDeployments(ctx context.Context, keys []AstroKey) []*dataloader.Result[*astro.Deployment] {
	return byOrganization(ctx, l, keys, "deployment", func(ctx context.Context, c *astro.Client, org string, ids []string) ([]*astro.Deployment, error) {
		if len(ids) == 1 {
			return one(c.Deployments.Get(ctx, org, ids[0]))
		}
		ds, _, err := c.Deployments.List(ctx, org, &astro.ListDeploymentsOptions{DeploymentIDs: ids, ListOptions: astro.ListOptions{Limit: len(ids)}})
		return ds, err
	}, func(d *astro.Deployment) string { return d.ID })
}

// one turns a Get's answer into a list of at most one item: a 404 is an
// empty list, which byOrganization reports as NOT_FOUND.
func one[V any](v *V, _ *astro.Response, err error) ([]*V, error) {
	switch {
	case astro.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return []*V{v}, nil
}

// batchAstroClusters lists each organization's clusters once: there is no
// id filter, and an organization has few clusters.
func (l *Loaders) batchAstroClusters(ctx context.Context, keys []AstroKey) []*dataloader.Result[*astro.Cluster] {
	return byOrganization(ctx, l, keys, "cluster", func(ctx context.Context, c *astro.Client, org string, ids []string) ([]*astro.Cluster, error) {
		if len(ids) == 1 {
			return one(c.Clusters.Get(ctx, org, ids[0]))
		}
		var all []*astro.Cluster
		for cl, err := range c.Clusters.ListIter(ctx, org, &astro.ListClustersOptions{ListOptions: astro.ListOptions{Limit: 1000}}) {
			if err != nil {
				return nil, err
			}
			all = append(all, cl)
		}
		return all, nil
	}, func(cl *astro.Cluster) string { return cl.ID })
}

// byOrganization groups keys by organization, lists each group's objects in
// chunks of ids, and answers every key in key order: results are matched by
// id, never by position, and a missing id is a fault.NotFoundError.
func byOrganization[V any](ctx context.Context, l *Loaders, keys []AstroKey, kind string,
	list func(context.Context, *astro.Client, string, []string) ([]V, error), idOf func(V) string,
) []*dataloader.Result[V] {
	c, err := l.AstroClient()
	if err != nil {
		return fill[V](len(keys), err)
	}
	groups := map[string][]string{}
	var orgs []string
	seen := map[AstroKey]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := groups[k.OrganizationID]; !ok {
			orgs = append(orgs, k.OrganizationID)
		}
		groups[k.OrganizationID] = append(groups[k.OrganizationID], k.ID)
	}
	for _, ids := range groups {
		// A stable order gives a stable URL, which the cache can answer.
		slices.Sort(ids)
	}
	found := map[AstroKey]V{}
	failed := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, org := range orgs {
		ids := groups[org]
		for start := 0; start < len(ids); start += idChunk {
			chunk := ids[start:min(start+idChunk, len(ids))]
			wg.Go(func() {
				items, err := list(ctx, c, org, chunk)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed[org] = fault.Upstream(fault.Astro, err)
					return
				}
				for _, it := range items {
					found[AstroKey{org, idOf(it)}] = it
				}
			})
		}
	}
	wg.Wait()
	out := make([]*dataloader.Result[V], len(keys))
	for i, k := range keys {
		if err := failed[k.OrganizationID]; err != nil {
			out[i] = &dataloader.Result[V]{Error: err}
			continue
		}
		v, ok := found[k]
		if !ok {
			out[i] = &dataloader.Result[V]{Error: &fault.NotFoundError{Backend: fault.Astro, Kind: kind, ID: k.ID}}
			continue
		}
		out[i] = &dataloader.Result[V]{Data: v}
	}
	return out
}

// astroErr turns a 404 into a fault.NotFoundError and wraps everything else.
func astroErr(err error, kind, id string) error {
	if err == nil {
		return nil
	}
	if astro.IsNotFound(err) {
		return &fault.NotFoundError{Backend: fault.Astro, Kind: kind, ID: id}
	}
	return fault.Upstream(fault.Astro, err)
}

// PrefetchAstroRelations fetches, before the deployments' fields resolve,
// the workspaces and clusters those fields are about to look up, one batch
// each, and primes the loaders with them. Doing it here, synchronously,
// makes the count of upstream calls independent of the batch window and of
// how gqlgen schedules field resolvers (a 1,000-deployment page would
// otherwise straddle several windows). Failures are not primed: the fields
// then report them one by one.
func (l *Loaders) PrefetchAstroRelations(ctx context.Context, ds []*astro.Deployment, workspaces, clusters bool) {
	if l.cfg.Disabled || l.astro == nil {
		return
	}
	if workspaces {
		keys := uniqueKeys(ds, func(d *astro.Deployment) (string, bool) { return d.WorkspaceID, true })
		l.observe("AstroWorkspace", len(keys))
		for i, r := range l.batchAstroWorkspaces(ctx, keys) {
			if r.Error == nil {
				l.AstroWorkspace.Prime(ctx, keys[i], r.Data)
			}
		}
	}
	if clusters {
		keys := uniqueKeys(ds, func(d *astro.Deployment) (string, bool) {
			ok := d.ClusterID != nil && *d.ClusterID != "" && (d.Type == nil || *d.Type != astro.DeploymentTypeStandard)
			if !ok {
				return "", false
			}
			return *d.ClusterID, true
		})
		if len(keys) > 0 {
			l.observe("AstroCluster", len(keys))
			for i, r := range l.batchAstroClusters(ctx, keys) {
				if r.Error == nil {
					l.AstroCluster.Prime(ctx, keys[i], r.Data)
				}
			}
		}
	}
}

func uniqueKeys(ds []*astro.Deployment, id func(*astro.Deployment) (string, bool)) []AstroKey {
	seen := map[AstroKey]bool{}
	var keys []AstroKey
	for _, d := range ds {
		v, ok := id(d)
		if !ok {
			continue
		}
		k := AstroKey{d.OrganizationID, v}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}
