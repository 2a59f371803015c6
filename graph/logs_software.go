package graph

import (
	"context"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// softwareLogs relays Houston's log subscription for one deployment. One
// source is filtered by Houston (its component argument), several here, on
// one upstream subscription; search is always Houston's. The upstream
// socket closes when the subscriber goes (ctx).
func softwareLogs(ctx context.Context, globalID, id string, f logFilter) (<-chan *model.DeploymentLogLine, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	component := ""
	if len(f.sources) == 1 {
		component = logSourceNames[f.sources[0]]
	}
	entries, err := c.SubscribeLogs(ctx, id, component, f.search)
	if err != nil {
		return nil, houstonErr(err, "deployment", id)
	}
	out := make(chan *model.DeploymentLogLine)
	go func() {
		defer close(out)
		for e := range entries {
			if e.Err != nil {
				failStream(ctx, houstonErr(e.Err, "deployment", id))
				return
			}
			src := logSource(e.Component)
			if !f.keeps(src) {
				continue
			}
			line := &model.DeploymentLogLine{
				ID: logLineID(model.PlatformSoftware, id, e.ID), DeploymentID: globalID, Platform: model.PlatformSoftware,
				Timestamp: lineTime(e.Timestamp), Source: src, Message: e.Message,
			}
			if !send(ctx, out, line) {
				return
			}
		}
	}()
	return out, nil
}
