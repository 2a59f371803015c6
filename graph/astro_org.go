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
