package loader

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/astro-gateway/gateway/backends/houston"
)

// SoftwareKey returns the key that loads id with selection sel. Keys with the
// same selection share a document; different selections still go into one
// batch, one document per distinct selection.
func (l *Loaders) SoftwareKey(id string, sel []houston.Field) SoftwareKey {
	k := selectionKey(sel)
	l.sels.LoadOrStore(k, sel)
	return SoftwareKey{ID: id, Selection: k}
}

func (l *Loaders) selection(k string) []houston.Field {
	v, _ := l.sels.Load(k)
	sel, _ := v.([]houston.Field)
	return sel
}

func selectionKey(sel []houston.Field) string {
	var b strings.Builder
	writeSel(&b, houston.Merge(nil, sel))
	return b.String()
}

func writeSel(b *strings.Builder, sel []houston.Field) {
	for i, f := range sel {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Name)
		if len(f.Fields) > 0 {
			b.WriteByte('{')
			writeSel(b, f.Fields)
			b.WriteByte('}')
		}
	}
}

// PrimeSoftwareDeployments makes later lookups of these deployments, with the
// same selection, free.
func (l *Loaders) PrimeSoftwareDeployments(ctx context.Context, sel []houston.Field, ds []*houston.Deployment) {
	k := l.SoftwareKey("", sel)
	for _, d := range ds {
		k.ID = d.ID
		l.SoftwareDeployment.Prime(ctx, k, d)
	}
}

// PrimeSoftwareWorkspaces makes later lookups of these workspaces, with the
// same selection, free.
func (l *Loaders) PrimeSoftwareWorkspaces(ctx context.Context, sel []houston.Field, ws []*houston.Workspace) {
	k := l.SoftwareKey("", sel)
	for _, w := range ws {
		k.ID = w.ID
		l.SoftwareWorkspace.Prime(ctx, k, w)
	}
}

// PrefetchSoftwareWorkspaceDeployments answers keys in one batch, now, and
// primes the loader with the lists (see PrefetchAstroWorkspaceDeployments).
func (l *Loaders) PrefetchSoftwareWorkspaceDeployments(ctx context.Context, keys []SoftwareKey) {
	if l.cfg.Disabled || l.hou == nil || len(keys) == 0 {
		return
	}
	l.observe("SoftwareWorkspaceDeployments", len(keys))
	for i, r := range l.batchSoftwareWorkspaceDeployments(ctx, keys) {
		if r.Error == nil {
			l.SoftwareWorkspaceDeployments.Prime(ctx, keys[i], r.Data)
		}
	}
}

// PrefetchSoftwareDeployments answers keys in one batch, now, and primes
// the loader with the deployments read. A page of a listing knows all its
// keys at once: fetched together, sorted, they make the same documents
// every time, whatever the timing of the batch window, so the cache and
// coalescing answer repeats (through the window, a busy machine splits a
// page into batches that differ from one request to the next).
func (l *Loaders) PrefetchSoftwareDeployments(ctx context.Context, keys []SoftwareKey) {
	if l.cfg.Disabled || l.hou == nil || len(keys) == 0 {
		return
	}
	l.observe("SoftwareDeployment", len(keys))
	for i, r := range l.batchSoftwareDeployments(ctx, keys) {
		if r.Error == nil {
			l.SoftwareDeployment.Prime(ctx, keys[i], r.Data)
		}
	}
}

// ForgetSoftware drops every Software object the loaders hold. A mutation
// calls it: what was read before it in the request may be stale after it.
// (The cross-request cache retires Houston's entries on any mutation by
// itself.)
func (l *Loaders) ForgetSoftware() {
	l.SoftwareWorkspace.ClearAll()
	l.SoftwareDeployment.ClearAll()
	l.SoftwareWorkspaceDeployments.ClearAll()
}

func (l *Loaders) batchSoftwareWorkspaces(ctx context.Context, keys []SoftwareKey) []*dataloader.Result[*houston.Workspace] {
	return bySelection(ctx, l, keys, "workspace", func(c *houston.Client, ids []string, sel []houston.Field) ([]*houston.Workspace, []error, error) {
		return c.WorkspacesByID(ctx, ids, sel)
	})
}

func (l *Loaders) batchSoftwareDeployments(ctx context.Context, keys []SoftwareKey) []*dataloader.Result[*houston.Deployment] {
	return bySelection(ctx, l, keys, "deployment", func(c *houston.Client, ids []string, sel []houston.Field) ([]*houston.Deployment, []error, error) {
		return c.DeploymentsByID(ctx, ids, sel)
	})
}

func (l *Loaders) batchSoftwareWorkspaceDeployments(ctx context.Context, keys []SoftwareKey) []*dataloader.Result[[]*houston.Deployment] {
	res := bySelection(ctx, l, keys, "workspace", func(c *houston.Client, ids []string, sel []houston.Field) ([]*[]*houston.Deployment, []error, error) {
		lists, errs, err := c.WorkspaceDeployments(ctx, ids, sel)
		out := make([]*[]*houston.Deployment, len(lists))
		for i := range lists {
			if lists[i] != nil || (errs != nil && errs[i] == nil) {
				out[i] = &lists[i]
			}
		}
		return out, errs, err
	})
	out := make([]*dataloader.Result[[]*houston.Deployment], len(res))
	for i, r := range res {
		out[i] = &dataloader.Result[[]*houston.Deployment]{Error: r.Error}
		if r.Data != nil {
			out[i].Data = *r.Data
		}
	}
	return out
}

// bySelection groups keys by selection, fetches each group with one call of
// fetch (one Houston document per BatchSize ids), and answers in key order.
func bySelection[V any](ctx context.Context, l *Loaders, keys []SoftwareKey, kind string,
	fetch func(*houston.Client, []string, []houston.Field) ([]*V, []error, error),
) []*dataloader.Result[*V] {
	c, err := l.HoustonClient()
	if err != nil {
		return fill[*V](len(keys), err)
	}
	groups := map[string][]string{}
	for _, k := range keys {
		groups[k.Selection] = append(groups[k.Selection], k.ID)
	}
	sels := make([]string, 0, len(groups))
	for s := range groups {
		sels = append(sels, s)
	}
	sort.Strings(sels)
	type answer struct {
		v   *V
		err error
	}
	got := map[SoftwareKey]answer{}
	for _, s := range sels {
		// Sorted ids make the same document for the same set, whatever
		// order the keys came in, so the cache and coalescing can answer it.
		ids := dedupe(groups[s])
		slices.Sort(ids)
		items, errs, err := fetch(c, ids, l.selection(s))
		for i, id := range ids {
			k := SoftwareKey{ID: id, Selection: s}
			switch {
			case err != nil:
				got[k] = answer{err: fault.Upstream(fault.Houston, err)}
			case errs[i] != nil:
				got[k] = answer{err: fault.Upstream(fault.Houston, errs[i])}
			case items[i] == nil:
				got[k] = answer{err: &fault.NotFoundError{Backend: fault.Houston, Kind: kind, ID: id}}
			default:
				got[k] = answer{v: items[i]}
			}
		}
	}
	out := make([]*dataloader.Result[*V], len(keys))
	for i, k := range keys {
		a := got[k]
		out[i] = &dataloader.Result[*V]{Data: a.v, Error: a.err}
	}
	return out
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
