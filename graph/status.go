package graph

import (
	"context"
	"errors"
	"time"

	"github.com/astro-gateway/gateway/backends/houston"
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
	if err := checkWatched(ids); err != nil {
		return nil, err
	}
	w := &statusWatch{ctx: ctx, ids: ids, now: r.now, last: make([]model.DeploymentStatus, len(ids)),
		houstonSel: softwareDeploymentSelection(ctx, deploymentSubSelection(ctx))}
	first, errs := w.poll()
	for _, err := range errs {
		if err != nil {
			return nil, err // an unknown or unreachable deployment fails at once
		}
	}
	ticks, stop := r.ticker()
	w.out = make(chan *model.DeploymentStatusEvent)
	go func() {
		defer close(w.out)
		defer stop()
		if !w.send(first, errs) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
				if !w.send(w.poll()) {
					return
				}
			}
		}
	}()
	return w.out, nil
}

// checkWatched refuses ids that are too many, too few, or not deployments.
func checkWatched(ids []string) error {
	if len(ids) == 0 || len(ids) > maxWatched {
		return fault.Input("deploymentIds", "give between 1 and %d deployment ids, got %d", maxWatched, len(ids))
	}
	for i, id := range ids {
		g, err := decodeID(id)
		if err != nil || (g.Type != typeAstroDeployment && g.Type != typeSoftwareDeployment) {
			return fault.Input("deploymentIds", "entry %d is not a deployment's global id (Deployment.id)", i)
		}
	}
	return nil
}

// statusWatch is one deploymentStatus stream: what it watches and what it
// last sent.
type statusWatch struct {
	ctx        context.Context
	ids        []string
	houstonSel []houston.Field
	now        func() time.Time
	out        chan *model.DeploymentStatusEvent
	last       []model.DeploymentStatus
	failures   int // polls in a row with an error
}

// poll reads every watched deployment afresh, in one batch per loader.
func (w *statusWatch) poll() ([]model.Node, []error) {
	fresh := loader.For(w.ctx).Fresh()
	pctx := cache.WithBypass(loader.WithLoaders(w.ctx, fresh))
	keys := &softwareKeys{deployment: w.houstonSel}
	thunks := make([]func() (model.Node, error), len(w.ids))
	for i, id := range w.ids {
		thunks[i] = nodeThunk(pctx, id, keys)
	}
	nodes := make([]model.Node, len(w.ids))
	errs := make([]error, len(w.ids))
	for i, th := range thunks {
		nodes[i], errs[i] = th()
	}
	return nodes, errs
}

// send sends the changes a poll found; false ends the stream.
func (w *statusWatch) send(nodes []model.Node, errs []error) bool {
	for _, err := range errs {
		if err == nil {
			continue
		}
		// A deployment that is gone ends the stream at once; other
		// failures (429, 5xx, a network error) after three polls in a
		// row. The stream's last response carries the error.
		var nf *fault.NotFoundError
		if w.failures++; errors.As(err, &nf) || w.failures >= maxFailedPolls {
			failStream(w.ctx, err)
			return false
		}
		return true
	}
	w.failures = 0
	for i, n := range nodes {
		d, ok := n.(model.Deployment)
		if !ok {
			continue
		}
		st := deploymentStatusOf(d)
		if w.last[i] == st {
			continue
		}
		ev := &model.DeploymentStatusEvent{DeploymentID: w.ids[i], Status: st, ObservedAt: w.now().UTC(), Deployment: d}
		if w.last[i] != "" {
			prev := w.last[i]
			ev.Previous = &prev
		}
		w.last[i] = st
		select {
		case w.out <- ev:
		case <-w.ctx.Done():
			return false
		}
	}
	return true
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
