package graph

import (
	"context"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

func astroClusterOptions(ctx context.Context, org string, typ model.AstroClusterType, provider *model.AstroCloudProvider) ([]*model.AstroClusterOptions, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	opts, _, err := c.Options.GetClusterOptions(ctx, org, &astro.GetClusterOptionsOptions{Type: astro.ClusterType(typ), Provider: astro.CloudProvider(deref(provider))})
	if err != nil {
		return nil, astroFail(err)
	}
	out := make([]*model.AstroClusterOptions, len(opts))
	for i, o := range opts {
		out[i] = convertAstroClusterOptions(o)
	}
	return out, nil
}

func astroDeploymentOptions(ctx context.Context, org string, opts astro.GetDeploymentOptionsOptions) (*model.AstroDeploymentOptions, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	o, _, err := c.Options.GetDeploymentOptions(ctx, org, &opts)
	if err != nil {
		return nil, astroFail(err)
	}
	return convertAstroDeploymentOptions(o), nil
}
