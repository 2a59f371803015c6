package graph

import (
	"context"
	"errors"
	"time"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/fault"
)

// softwareAuthConfig answers SoftwareQuery.authConfig, asked without the
// caller's token (Houston answers it to anyone).
func softwareAuthConfig(ctx context.Context) (*model.SoftwareAuthConfig, error) {
	c, err := loader.For(ctx).HoustonAnonymous()
	if err != nil {
		return nil, err
	}
	sel := append(houston.Fields("localEnabled", "publicSignup", "initialSignup"),
		houston.Field{Name: "providers", Fields: houston.Fields("name", "displayName", "url")})
	cfg, err := c.AuthConfig(ctx, sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	out := &model.SoftwareAuthConfig{LocalEnabled: cfg.LocalEnabled, PublicSignup: cfg.PublicSignup, InitialSignup: cfg.InitialSignup,
		Providers: make([]*model.SoftwareAuthProvider, len(cfg.Providers))}
	for i, p := range cfg.Providers {
		out.Providers[i] = &model.SoftwareAuthProvider{Name: p.Name, DisplayName: p.DisplayName, URL: p.URL}
	}
	return out, nil
}

// softwareAvailableNamespaces answers SoftwareQuery.availableNamespaces.
func softwareAvailableNamespaces(ctx context.Context, clusterID *string) ([]string, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	ns, err := c.AvailableNamespaces(ctx, deref(clusterID), houston.Fields("name"))
	if errors.Is(err, houston.ErrClusterRequired) {
		return nil, fault.Input("clusterId", "is required on Houston 1.0 and later")
	}
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		if n.Name != nil {
			out = append(out, *n.Name)
		}
	}
	return out, nil
}

// softwareDeploymentLogs answers SoftwareDeployment.logs: the past lines
// Houston keeps (query logs), one source filtered by Houston, several here.
func softwareDeploymentLogs(ctx context.Context, d *model.SoftwareDeployment, sources []model.LogSource, search *string, since *time.Time) ([]*model.DeploymentLogLine, error) {
	c, err := loader.For(ctx).HoustonClient()
	if err != nil {
		return nil, err
	}
	f := logFilter{sources: sources, search: deref(search)}
	opts := houston.LogsOptions{DeploymentID: d.DeploymentID, Search: f.search}
	if len(sources) == 1 {
		opts.Component = logSourceNames[sources[0]]
	}
	if since != nil {
		opts.Since = *since
	}
	lines, err := c.Logs(ctx, opts, houston.Fields("id", "timestamp", "message", "component"))
	if err != nil {
		return nil, houstonErr(err, "deployment", d.DeploymentID)
	}
	out := make([]*model.DeploymentLogLine, 0, len(lines))
	for _, e := range lines {
		src := logSource(deref(e.Component))
		if !f.keeps(src) {
			continue
		}
		ts, _ := time.Parse(time.RFC3339Nano, deref(e.Timestamp))
		out = append(out, &model.DeploymentLogLine{
			ID: logLineID(model.PlatformSoftware, d.DeploymentID, e.ID), DeploymentID: d.ID, Platform: model.PlatformSoftware,
			Timestamp: lineTime(ts), Source: src, Message: deref(e.Message),
		})
	}
	return out, nil
}
