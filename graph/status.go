package graph

import (
	"context"
	"errors"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/cache"
)

// maxWatched bounds Subscription.deploymentStatus's ids.
const maxWatched = 100

// maxFailedPolls is how many polls in a row may fail before the stream ends.
const maxFailedPolls = 3

// deploymentStatus polls the deployments every interval and sends their
// first status, then every change. Each poll uses fresh loaders (so it reads
// upstream, in one batch per loader) and skips the cache.
func (r *Resolver) deploymentStatus(ctx context.Context, ids []string) (<-chan *model.DeploymentStatusEvent, error) {
	if len(ids) == 0 || len(ids) > maxWatched {
		return nil, fault.Input("deploymentIds", "give between 1 and %d deployment ids, got %d", maxWatched, len(ids))
	}
	for i, id := range ids {
		g, err := decodeID(id)
		if err != nil || (g.Type != typeAstroDeployment && g.Type != typeSoftwareDeployment) {
			return nil, fault.Input("deploymentIds", "entry %d is not a deployment's global id (Deployment.id)", i)
		}
	}
	houstonSel := softwareDeploymentSelection(ctx, deploymentSubSelection(ctx))
	poll := func() ([]model.Node, []error) {
		fresh := loader.For(ctx).Fresh()
		pctx := cache.WithBypass(loader.WithLoaders(ctx, fresh))
		keys := &softwareKeys{deployment: fresh.SoftwareKey("", houstonSel).Selection}
		thunks := make([]func() (model.Node, error), len(ids))
		for i, id := range ids {
			thunks[i] = nodeThunk(pctx, id, keys)
		}
		nodes := make([]model.Node, len(ids))
		errs := make([]error, len(ids))
		for i, th := range thunks {
			nodes[i], errs[i] = th()
		}
		return nodes, errs
	}
	first, errs := poll()
	for _, err := range errs {
		if err != nil {
			return nil, err // an unknown or unreachable deployment fails at once
		}
	}
	ticks, stop := r.ticker()
	out := make(chan *model.DeploymentStatusEvent)
	go func() {
		defer close(out)
		defer stop()
		last := make([]model.DeploymentStatus, len(ids))
		failures := 0 // polls in a row with an error
		send := func(nodes []model.Node, errs []error) bool {
			for _, err := range errs {
				if err == nil {
					continue
				}
				// A deployment that is gone ends the stream at once; other
				// failures (429, 5xx, a network error) after three polls
				// in a row. The stream's last response carries the error.
				var nf *fault.NotFoundError
				if failures++; errors.As(err, &nf) || failures >= maxFailedPolls {
					failStream(ctx, err)
					return false
				}
				return true
			}
			failures = 0
			for i, n := range nodes {
				d, ok := n.(model.Deployment)
				if !ok {
					continue
				}
				st := deploymentStatusOf(d)
				if last[i] == st {
					continue
				}
				ev := &model.DeploymentStatusEvent{DeploymentID: ids[i], Status: st, ObservedAt: r.now().UTC(), Deployment: d}
				if last[i] != "" {
					prev := last[i]
					ev.Previous = &prev
				}
				last[i] = st
				select {
				case out <- ev:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
		if !send(first, errs) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
				if !send(poll()) {
					return
				}
			}
		}
	}()
	return out, nil
}

func deploymentStatusOf(d model.Deployment) model.DeploymentStatus {
	switch v := d.(type) {
	case *model.AstroDeployment:
		return v.Status
	case *model.SoftwareDeployment:
		return v.Status
	}
	return model.DeploymentStatusUnknown
}

// deploymentSubSelection is the selection under the event's `deployment`
// field, which the Software lookups forward to Houston (plus status).
func deploymentSubSelection(ctx context.Context) ast.SelectionSet {
	var out ast.SelectionSet
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "deployment" {
			out = append(out, f.Selections...)
		}
	}
	out = append(out, &ast.Field{Name: "status", Alias: "status"})
	return out
}
