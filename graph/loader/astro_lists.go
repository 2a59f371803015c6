package loader

import (
	"context"
	"slices"
	"sync"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/internal/fault"
)

// AstroPageKey asks for one page of a workspace's deployments, in the API's
// default order (creation time, then id); by their summaries only
// (astro.ListDeploymentsOptions.Summary) when Summary is set.
type AstroPageKey struct {
	OrganizationID, WorkspaceID string
	Offset, Limit               int
	Summary                     bool
}

// AstroPage is a page of a list and the list's total length.
type AstroPage[V any] struct {
	Items []V
	Total int
}

// listChunk bounds the workspace ids of one batched list call, and
// listPage the items asked for per call: ListDeployments has no maximum
// page size, but a page of a thousand deployments is already some 2 MB.
const (
	listChunk = 50
	listPage  = 1000
)

// batchAstroWorkspaceDeployments answers the deployment pages of many
// workspaces (workspaces { deployments } in one query) with one
// ListDeployments?workspaceIds=… per organization and chunk of workspaces,
// read to its end, then cut into each workspace's page here: Astro counts
// the calls against the token's budget, not their size. A batch that asks
// about one workspace only asks for exactly its page.
func (l *Loaders) batchAstroWorkspaceDeployments(ctx context.Context, keys []AstroPageKey) []*dataloader.Result[*AstroPage[*astro.Deployment]] {
	c, err := l.AstroClient()
	if err != nil {
		return fill[*AstroPage[*astro.Deployment]](len(keys), err)
	}
	// Summaries and whole deployments are read apart: a summary must not
	// stand for a whole deployment.
	type orgKey struct {
		org     string
		summary bool
	}
	type wsKey struct {
		orgKey
		ws string
	}
	orgWorkspaces := map[orgKey][]string{}
	seen := map[wsKey]bool{}
	for _, k := range keys {
		o := orgKey{k.OrganizationID, k.Summary}
		if w := (wsKey{o, k.WorkspaceID}); !seen[w] {
			seen[w] = true
			orgWorkspaces[o] = append(orgWorkspaces[o], k.WorkspaceID)
		}
	}
	out := make([]*dataloader.Result[*AstroPage[*astro.Deployment]], len(keys))
	lists := map[wsKey][]*astro.Deployment{}
	failed := map[orgKey]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, k := range keys {
		if len(orgWorkspaces[orgKey{k.OrganizationID, k.Summary}]) > 1 {
			continue
		}
		// The only workspace of its organization in this batch: its page.
		wg.Go(func() {
			ds, resp, err := c.Deployments.List(ctx, k.OrganizationID, &astro.ListDeploymentsOptions{
				WorkspaceIDs: []string{k.WorkspaceID}, Summary: k.Summary, ListOptions: astro.ListOptions{Offset: k.Offset, Limit: max(k.Limit, 1)},
			})
			if err != nil {
				out[i] = &dataloader.Result[*AstroPage[*astro.Deployment]]{Error: fault.Upstream(fault.Astro, err)}
				return
			}
			if !k.Summary {
				l.PrimeAstroDeployments(ctx, ds)
			}
			out[i] = &dataloader.Result[*AstroPage[*astro.Deployment]]{Data: &AstroPage[*astro.Deployment]{Items: ds[:min(len(ds), k.Limit)], Total: resp.TotalCount}}
		})
	}
	for o, wss := range orgWorkspaces {
		if len(wss) < 2 {
			continue
		}
		// A stable order gives a stable URL, which the cache can answer.
		slices.Sort(wss)
		for start := 0; start < len(wss); start += listChunk {
			chunk := wss[start:min(start+listChunk, len(wss))]
			wg.Go(func() {
				all, err := listAllDeployments(ctx, c, o.org, chunk, o.summary)
				if err == nil && !o.summary {
					l.PrimeAstroDeployments(ctx, all)
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed[o] = fault.Upstream(fault.Astro, err)
					return
				}
				for _, d := range all {
					w := wsKey{o, d.WorkspaceID}
					lists[w] = append(lists[w], d)
				}
			})
		}
	}
	wg.Wait()
	for i, k := range keys {
		if out[i] != nil {
			continue
		}
		o := orgKey{k.OrganizationID, k.Summary}
		if err := failed[o]; err != nil {
			out[i] = &dataloader.Result[*AstroPage[*astro.Deployment]]{Error: err}
			continue
		}
		ds := lists[wsKey{o, k.WorkspaceID}]
		lo := min(k.Offset, len(ds))
		hi := lo + min(k.Limit, len(ds)-lo)
		out[i] = &dataloader.Result[*AstroPage[*astro.Deployment]]{Data: &AstroPage[*astro.Deployment]{Items: ds[lo:hi:hi], Total: len(ds)}}
	}
	return out
}

// PrefetchAstroWorkspaceDeployments answers keys in one batch, now, and
// primes the loader with the pages, so that the workspaces' deployments
// fields find them: a parent that knows all its children's keys does not
// leave the batch to the loader's time window, which a busy machine can
// split.
func (l *Loaders) PrefetchAstroWorkspaceDeployments(ctx context.Context, keys []AstroPageKey) {
	if l.cfg.Disabled || l.astro == nil || len(keys) == 0 {
		return
	}
	l.observe("AstroWorkspaceDeployments", len(keys))
	for i, r := range l.batchAstroWorkspaceDeployments(ctx, keys) {
		if r.Error == nil {
			l.AstroWorkspaceDeployments.Prime(ctx, keys[i], r.Data)
		}
	}
}

// listAllDeployments reads every deployment of the workspaces, in the API's
// default order, page after page until the reported total.
func listAllDeployments(ctx context.Context, c *astro.Client, org string, workspaces []string, summary bool) ([]*astro.Deployment, error) {
	var all []*astro.Deployment
	for {
		ds, resp, err := c.Deployments.List(ctx, org, &astro.ListDeploymentsOptions{
			WorkspaceIDs: workspaces, Summary: summary, ListOptions: astro.ListOptions{Offset: len(all), Limit: listPage},
		})
		if err != nil {
			return nil, err
		}
		all = append(all, ds...)
		if len(ds) == 0 || len(all) >= resp.TotalCount {
			return all, nil
		}
	}
}
