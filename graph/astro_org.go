package graph

import (
	"context"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// The organization's own reads (audit log, configuration options) and the
// organization and workspace writes.

func astroAuditLogs(ctx context.Context, org string, start, end *time.Time) (*model.AstroAuditLog, error) {
	if start != nil && end != nil && !end.After(*start) {
		return nil, fault.Input("endDate", "must be after startDate")
	}
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	b, _, err := c.Organizations.GetAuditLogs(ctx, org, &astro.GetOrganizationAuditLogsOptions{StartDate: start, EndDate: end})
	if err != nil {
		return nil, astroFail(err)
	}
	return convertAstroAuditLog(b), nil
}

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

func updateAstroOrganization(ctx context.Context, in model.UpdateAstroOrganizationInput) (*model.UpdateAstroOrganizationPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.name", in.Name)
	c.maxLen("input.name", in.Name, 50)
	c.required("input.billingEmail", in.BillingEmail)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	o, _, err := cl.Organizations.Update(ctx, in.OrganizationID, &astro.UpdateOrganizationRequest{
		Name: in.Name, BillingEmail: in.BillingEmail, IsSCIMEnabled: in.IsScimEnabled,
		AllowEnhancedSupportAccess: in.AllowEnhancedSupportAccess, HasAIFeaturesDisabled: in.HasAiFeaturesDisabled,
		ShouldEnforceDedicatedClusters: in.ShouldEnforceDedicatedClusters,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroOrganization, o.ID, o)
	return &model.UpdateAstroOrganizationPayload{Organization: convertAstroOrganization(o)}, nil
}

// workspaceDefaults checks a workspace's default placement: a cluster, or
// a provider with a region, never both.
func workspaceDefaults(c *check, cluster *string, provider *model.AstroCloudProvider, region *string) {
	c.together("input", "defaultCloudProvider", "defaultRegion", provider != nil, hasStr(region))
	c.exclusive("input", "defaultClusterId", "defaultCloudProvider/defaultRegion", hasStr(cluster), provider != nil || hasStr(region))
}

func createAstroWorkspace(ctx context.Context, in model.CreateAstroWorkspaceInput) (*model.CreateAstroWorkspacePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.name", in.Name)
	c.maxLen("input.name", in.Name, 50)
	workspaceDefaults(&c, in.DefaultClusterID, in.DefaultCloudProvider, in.DefaultRegion)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	w, _, err := cl.Workspaces.Create(ctx, in.OrganizationID, &astro.CreateWorkspaceRequest{
		Name: in.Name, Description: in.Description, CICDEnforcedDefault: in.CicdEnforcedDefault, DefaultClusterID: in.DefaultClusterID,
		DefaultCloudProvider: ptrTo[astro.CloudProvider](in.DefaultCloudProvider), DefaultRegion: in.DefaultRegion,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroWorkspace, loader.AstroKey{OrganizationID: in.OrganizationID, ID: w.ID}, w)
	return &model.CreateAstroWorkspacePayload{Workspace: convertAstroWorkspace(w)}, nil
}

func updateAstroWorkspace(ctx context.Context, in model.UpdateAstroWorkspaceInput) (*model.UpdateAstroWorkspacePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.workspaceId", in.WorkspaceID)
	c.required("input.name", in.Name)
	c.maxLen("input.name", in.Name, 50)
	workspaceDefaults(&c, in.DefaultClusterID, in.DefaultCloudProvider, in.DefaultRegion)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	w, _, err := cl.Workspaces.Update(ctx, in.OrganizationID, in.WorkspaceID, &astro.UpdateWorkspaceRequest{
		Name: in.Name, Description: in.Description, CICDEnforcedDefault: in.CicdEnforcedDefault, DefaultClusterID: in.DefaultClusterID,
		DefaultCloudProvider: ptrTo[astro.CloudProvider](in.DefaultCloudProvider), DefaultRegion: in.DefaultRegion,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroWorkspace, loader.AstroKey{OrganizationID: in.OrganizationID, ID: w.ID}, w)
	return &model.UpdateAstroWorkspacePayload{Workspace: convertAstroWorkspace(w)}, nil
}

func deleteAstroWorkspace(ctx context.Context, in model.DeleteAstroWorkspaceInput) (*model.DeleteAstroWorkspacePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.workspaceId", in.WorkspaceID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Workspaces.Delete(ctx, in.OrganizationID, in.WorkspaceID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroWorkspace, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.WorkspaceID})
	return &model.DeleteAstroWorkspacePayload{ID: encodeID(typeAstroWorkspace, in.OrganizationID, in.WorkspaceID), WorkspaceID: in.WorkspaceID}, nil
}
