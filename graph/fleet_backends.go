package graph

import (
	"context"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// backendName is the name of the backend whose loaders ctx carries: in a
// fleet, RouteFleet has put there those of the object being resolved.
func backendName(ctx context.Context) string {
	return loader.For(ctx).Name()
}

// fleetBackends lists the gateway's backends, for Query.backends.
func fleetBackends(ctx context.Context) ([]*model.FleetBackend, error) {
	l := loader.For(ctx)
	out := []*model.FleetBackend{}
	for _, m := range l.Members() {
		for _, pl := range m.Platforms() {
			b := &model.FleetBackend{Name: m.Name()}
			if pl == loader.PlatformAstro {
				if !m.HasAstro() {
					continue
				}
				b.Platform, b.Reachable, b.TokenHeader = model.PlatformAstro, m.HasAstroToken(), "X-Astro-Token"
			} else {
				if !m.HasHouston() {
					continue
				}
				b.Platform, b.Reachable, b.TokenHeader = model.PlatformSoftware, m.HasHoustonToken(), "X-Houston-Token"
				if v := softwareVersion(loader.WithLoaders(ctx, m)); v != "" {
					b.Version = &v
				}
			}
			if l.InFleet() {
				b.TokenHeader += "-" + m.Name()
			}
			out = append(out, b)
		}
	}
	return out, nil
}
