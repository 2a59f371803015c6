package graph

import (
	"context"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

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
	w, err := once(ctx, "astro", "createAstroWorkspace", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Workspace, error) {
		return astroCreate(ctx, "workspace", uncertain, func(ctx context.Context) (*astro.Workspace, error) {
			v, _, err := cl.Workspaces.Create(ctx, in.OrganizationID, &astro.CreateWorkspaceRequest{
				Name: in.Name, Description: in.Description, CICDEnforcedDefault: in.CicdEnforcedDefault, DefaultClusterID: in.DefaultClusterID,
				DefaultCloudProvider: ptrTo[astro.CloudProvider](in.DefaultCloudProvider), DefaultRegion: in.DefaultRegion,
			})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Refresh(ctx, l.AstroWorkspace, loader.AstroKey{OrganizationID: in.OrganizationID, ID: w.ID}, w)
	return &model.CreateAstroWorkspacePayload{ClientMutationID: in.ClientMutationID, Workspace: convertAstroWorkspace(w)}, nil
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
