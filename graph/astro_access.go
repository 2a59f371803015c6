package graph

import (
	"context"
	"fmt"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// API tokens, custom roles, permissions and the IP allowlist.

func astroAPITokens(ctx context.Context, org string, opts astro.ListAPITokensOptions, sorts []model.AstroAPITokenSort, pg cursors) (*model.AstroAPITokenConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.APIToken, *astro.Response, error) {
		opts.ListOptions = lo
		return c.APITokens.List(ctx, org, &opts)
	}, func(t *astro.APIToken) *model.AstroAPIToken { return convertAstroAPIToken(org, t) }, astroAPITokenConnection)
}

func astroAPIToken(ctx context.Context, org, id string) (*model.AstroAPIToken, error) {
	return loadAstro(ctx, loader.For(ctx).AstroAPIToken, loader.AstroKey{OrganizationID: org, ID: id}, func(t *astro.APIToken) *model.AstroAPIToken {
		return convertAstroAPIToken(org, t)
	})
}

// astroRoles lists custom roles; the built-in ones are asked for only when
// the connection's defaultRoles is selected.
func astroRoles(ctx context.Context, org string, scopes []model.AstroPermissionScopeType, sorts []model.AstroRoleSort, pg cursors) (*model.AstroRoleConnection, error) {
	var defaults []*astro.DefaultRole
	withDefaults := wants(ctx, "defaultRoles")
	conn, err := astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.Role, *astro.Response, error) {
		list, resp, err := c.Roles.List(ctx, org, &astro.ListRolesOptions{
			IncludeDefaultRoles: withDefaults, ScopeTypes: enumsTo[astro.RoleScopeType](scopes), ListOptions: lo,
		})
		if err != nil {
			return nil, resp, err
		}
		defaults = list.DefaultRoles
		return list.Roles, resp, nil
	}, func(r *astro.Role) *model.AstroCustomRole { return convertAstroRole(org, r) }, astroRoleConnection)
	if err != nil {
		return nil, err
	}
	conn.DefaultRoles = make([]*model.AstroDefaultRole, len(defaults))
	for i, r := range defaults {
		conn.DefaultRoles[i] = convertAstroDefaultRole(r)
	}
	return conn, nil
}

func astroCustomRole(ctx context.Context, org, id string) (*model.AstroCustomRole, error) {
	return loadAstro(ctx, loader.For(ctx).AstroCustomRole, loader.AstroKey{OrganizationID: org, ID: id}, func(r *astro.RoleWithPermission) *model.AstroCustomRole {
		return convertAstroCustomRole(org, r)
	})
}

// astroCustomRolePermissions answers from the role when it came from
// GetCustomRole; a listed role has none, and is read again (batched).
func astroCustomRolePermissions(ctx context.Context, r *model.AstroCustomRole) ([]string, error) {
	if r.Permissions != nil {
		return r.Permissions, nil
	}
	full, err := astroCustomRole(ctx, r.OrganizationID, r.RoleID)
	if err != nil {
		return nil, err
	}
	return full.Permissions, nil
}

func astroRoleTemplates(ctx context.Context, org string, scopes []model.AstroPermissionScopeType) ([]*model.AstroRoleTemplate, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	ts, _, err := c.Roles.ListTemplates(ctx, org, &astro.ListRoleTemplatesOptions{ScopeTypes: enumsTo[astro.RoleScopeType](scopes)})
	if err != nil {
		return nil, astroFail(err)
	}
	out := make([]*model.AstroRoleTemplate, len(ts))
	for i, t := range ts {
		out[i] = convertAstroRoleTemplate(t)
	}
	return out, nil
}

func astroPermissionGroups(ctx context.Context, scope *model.AstroPermissionScopeType) ([]*model.AstroPermissionGroup, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	gs, _, err := c.Authorization.ListPermissionGroups(ctx, &astro.ListPermissionGroupsOptions{ScopeType: astro.RoleScopeType(deref(scope))})
	if err != nil {
		return nil, astroFail(err)
	}
	out := make([]*model.AstroPermissionGroup, len(gs))
	for i, g := range gs {
		out[i] = convertAstroPermissionGroup(g)
	}
	return out, nil
}

func astroAllowedIPAddressRanges(ctx context.Context, org string, sorts []model.AstroAllowedIPAddressRangeSort, pg cursors) (*model.AstroAllowedIPAddressRangeConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.AllowedIPAddressRange, *astro.Response, error) {
		return c.AllowedIPAddressRanges.List(ctx, org, &astro.ListAllowedIPAddressRangesOptions{ListOptions: lo})
	}, convertAstroAllowedIPAddressRange, astroAllowedIPAddressRangeConnection)
}

func createAstroAPIToken(ctx context.Context, in model.CreateAstroAPITokenInput) (*model.CreateAstroAPITokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.name", in.Name)
	c.maxLen("input.name", in.Name, 256)
	c.maxLenPtr("input.description", in.Description, 500)
	c.required("input.role", in.Role)
	if in.Scope == model.AstroAPITokenScopeOrganization {
		c.forbidden("input.entityId", hasStr(in.EntityID), "for an ORGANIZATION token: it works on its organization")
	} else {
		c.needs("input.entityId", hasStr(in.EntityID), "for a "+string(in.Scope)+" token: the "+string(in.Scope)+"'s id")
	}
	c.betweenPtr("input.tokenExpiryPeriodInDays", in.TokenExpiryPeriodInDays, 1, 3650)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, err := once(ctx, "astro", "createAstroAPIToken", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.APIToken, error) {
		return astroCreate(ctx, "API token", uncertain, func(ctx context.Context) (*astro.APIToken, error) {
			v, _, err := cl.APITokens.Create(ctx, in.OrganizationID, &astro.CreateAPITokenRequest{
				Name: in.Name, Description: in.Description, Scope: astro.APITokenScope(in.Scope), Role: in.Role, EntityID: in.EntityID,
				Kind: ptrTo[astro.APITokenKind](in.Kind), TokenExpiryPeriodInDays: in.TokenExpiryPeriodInDays,
			})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Forget(ctx, l.AstroAPIToken, loader.AstroKey{OrganizationID: in.OrganizationID, ID: t.ID})
	return &model.CreateAstroAPITokenPayload{ClientMutationID: in.ClientMutationID, APIToken: convertAstroAPIToken(in.OrganizationID, t)}, nil
}

func updateAstroAPIToken(ctx context.Context, in model.UpdateAstroAPITokenInput) (*model.UpdateAstroAPITokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.apiTokenId", in.APITokenID)
	c.required("input.name", in.Name)
	c.maxLen("input.name", in.Name, 256)
	c.maxLenPtr("input.description", in.Description, 500)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, _, err := cl.APITokens.Update(ctx, in.OrganizationID, in.APITokenID, &astro.UpdateAPITokenRequest{Name: in.Name, Description: in.Description})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroAPIToken, loader.AstroKey{OrganizationID: in.OrganizationID, ID: t.ID}, t)
	return &model.UpdateAstroAPITokenPayload{APIToken: convertAstroAPIToken(in.OrganizationID, t)}, nil
}

func updateAstroAPITokenRoles(ctx context.Context, in model.UpdateAstroAPITokenRolesInput) (*model.UpdateAstroAPITokenRolesPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.apiTokenId", in.APITokenID)
	c.items("input.roles", len(in.Roles), 1, -1)
	roles := make([]astro.APITokenRole, len(in.Roles))
	for i, r := range in.Roles {
		p := "input.roles[" + itoa(i) + "]"
		c.required(p+".entityId", r.EntityID)
		c.required(p+".role", r.Role)
		dag := r.EntityType == model.AstroAPITokenEntityTypeDag || r.EntityType == model.AstroAPITokenEntityTypeDagTag
		if dag {
			c.needs(p+".deploymentId", hasStr(r.DeploymentID), "for DAG and DAG_TAG roles")
		}
		roles[i] = astro.APITokenRole{EntityType: astro.APITokenEntityType(r.EntityType), EntityID: r.EntityID, DeploymentID: r.DeploymentID, Role: r.Role}
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	sr, _, err := cl.APITokens.UpdateRoles(ctx, in.OrganizationID, in.APITokenID, &astro.UpdateAPITokenRolesRequest{Roles: roles})
	if err != nil {
		return nil, astroFail(err)
	}
	key := loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.APITokenID}
	loader.Forget(ctx, l.AstroAPIToken, key)
	out := &model.UpdateAstroAPITokenRolesPayload{Roles: convertAstroSubjectRoles(sr)}
	if wants(ctx, "apiToken") {
		if out.APIToken, err = astroAPIToken(ctx, in.OrganizationID, in.APITokenID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func rotateAstroAPIToken(ctx context.Context, in model.RotateAstroAPITokenInput) (*model.RotateAstroAPITokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.apiTokenId", in.APITokenID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, _, err := cl.APITokens.Rotate(ctx, in.OrganizationID, in.APITokenID)
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroAPIToken, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.APITokenID})
	return &model.RotateAstroAPITokenPayload{APIToken: convertAstroAPIToken(in.OrganizationID, t)}, nil
}

func deleteAstroAPIToken(ctx context.Context, in model.DeleteAstroAPITokenInput) (*model.DeleteAstroAPITokenPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.apiTokenId", in.APITokenID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.APITokens.Delete(ctx, in.OrganizationID, in.APITokenID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroAPIToken, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.APITokenID})
	return &model.DeleteAstroAPITokenPayload{ID: encodeID(typeAstroAPIToken, in.OrganizationID, in.APITokenID), APITokenID: in.APITokenID}, nil
}

func createAstroCustomRole(ctx context.Context, in model.CreateAstroCustomRoleInput) (*model.CreateAstroCustomRolePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.name", in.Name)
	c.items("input.permissions", len(in.Permissions), 1, -1)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	r, err := once(ctx, "astro", "createAstroCustomRole", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.RoleWithPermission, error) {
		return astroCreate(ctx, "custom role", uncertain, func(ctx context.Context) (*astro.RoleWithPermission, error) {
			v, _, err := cl.Roles.Create(ctx, in.OrganizationID, &astro.CreateCustomRoleRequest{
				Name: in.Name, Description: in.Description, Permissions: in.Permissions,
				RestrictedWorkspaceIDs: in.RestrictedWorkspaceIds, ScopeType: astro.RoleScopeType(in.ScopeType),
			})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Refresh(ctx, l.AstroCustomRole, loader.AstroKey{OrganizationID: in.OrganizationID, ID: r.ID}, r)
	return &model.CreateAstroCustomRolePayload{ClientMutationID: in.ClientMutationID, Role: convertAstroCustomRole(in.OrganizationID, r)}, nil
}

func updateAstroCustomRole(ctx context.Context, in model.UpdateAstroCustomRoleInput) (*model.UpdateAstroCustomRolePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.roleId", in.RoleID)
	c.required("input.name", in.Name)
	c.items("input.permissions", len(in.Permissions), 1, -1)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	r, _, err := cl.Roles.Update(ctx, in.OrganizationID, in.RoleID, &astro.UpdateCustomRoleRequest{
		Name: in.Name, Description: in.Description, Permissions: in.Permissions, RestrictedWorkspaceIDs: in.RestrictedWorkspaceIds,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroCustomRole, loader.AstroKey{OrganizationID: in.OrganizationID, ID: r.ID}, r)
	return &model.UpdateAstroCustomRolePayload{Role: convertAstroCustomRole(in.OrganizationID, r)}, nil
}

func deleteAstroCustomRole(ctx context.Context, in model.DeleteAstroCustomRoleInput) (*model.DeleteAstroCustomRolePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.roleId", in.RoleID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Roles.Delete(ctx, in.OrganizationID, in.RoleID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroCustomRole, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.RoleID})
	return &model.DeleteAstroCustomRolePayload{ID: encodeID(typeAstroCustomRole, in.OrganizationID, in.RoleID), RoleID: in.RoleID}, nil
}

func createAstroAllowedIPAddressRange(ctx context.Context, in model.CreateAstroAllowedIPAddressRangeInput) (*model.CreateAstroAllowedIPAddressRangePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.ipAddressRange", in.IPAddressRange)
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	r, err := once(ctx, "astro", "createAstroAllowedIPAddressRange", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.AllowedIPAddressRange, error) {
		return createAllowedRangeOnce(ctx, cl, in.OrganizationID, in.IPAddressRange, uncertain)
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateAstroAllowedIPAddressRangePayload{ClientMutationID: in.ClientMutationID, AllowedIPAddressRange: convertAstroAllowedIPAddressRange(r)}, nil
}

func bulkCreateAstroAllowedIPAddressRanges(ctx context.Context, in model.BulkCreateAstroAllowedIPAddressRangesInput) (*model.BulkCreateAstroAllowedIPAddressRangesPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.items("input.allowedIpAddressRanges", len(in.AllowedIPAddressRanges), 1, 1000)
	for i, r := range in.AllowedIPAddressRanges {
		c.required("input.allowedIpAddressRanges["+itoa(i)+"]", r)
	}
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	rs, err := once(ctx, "astro", "bulkCreateAstroAllowedIPAddressRanges", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) ([]*astro.AllowedIPAddressRange, error) {
		return astroCreate(ctx, "allowed IP address ranges", uncertain, func(ctx context.Context) ([]*astro.AllowedIPAddressRange, error) {
			v, _, err := cl.AllowedIPAddressRanges.BulkCreate(ctx, in.OrganizationID, &astro.BulkCreateAllowedIPAddressRangesRequest{AllowedIPAddressRanges: in.AllowedIPAddressRanges})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	out := &model.BulkCreateAstroAllowedIPAddressRangesPayload{ClientMutationID: in.ClientMutationID, AllowedIPAddressRanges: make([]*model.AstroAllowedIPAddressRange, len(rs))}
	for i, r := range rs {
		out.AllowedIPAddressRanges[i] = convertAstroAllowedIPAddressRange(r)
	}
	return out, nil
}

func bulkDeleteAstroAllowedIPAddressRanges(ctx context.Context, in model.BulkDeleteAstroAllowedIPAddressRangesInput) (*model.BulkDeleteAstroAllowedIPAddressRangesPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.items("input.allowedIpAddressRangeIds", len(in.AllowedIPAddressRangeIds), 1, 1000)
	for i, id := range in.AllowedIPAddressRangeIds {
		c.id("input.allowedIpAddressRangeIds["+itoa(i)+"]", id)
	}
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.AllowedIPAddressRanges.BulkDelete(ctx, in.OrganizationID, &astro.BulkDeleteAllowedIPAddressRangesRequest{AllowedIPAddressRangeIDs: in.AllowedIPAddressRangeIds}); err != nil {
		return nil, astroFail(err)
	}
	return &model.BulkDeleteAstroAllowedIPAddressRangesPayload{AllowedIPAddressRangeIds: in.AllowedIPAddressRangeIds}, nil
}

func deleteAstroAllowedIPAddressRange(ctx context.Context, in model.DeleteAstroAllowedIPAddressRangeInput) (*model.DeleteAstroAllowedIPAddressRangePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.allowedIpAddressRangeId", in.AllowedIPAddressRangeID)
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.AllowedIPAddressRanges.Delete(ctx, in.OrganizationID, in.AllowedIPAddressRangeID); err != nil {
		return nil, astroFail(err)
	}
	return &model.DeleteAstroAllowedIPAddressRangePayload{AllowedIPAddressRangeID: in.AllowedIPAddressRangeID}, nil
}

// createAllowedRangeOnce creates the range unless a create of ours already
// did: a range is unique in its organization (the spec's bulk create
// answers a taken one with 409 Conflict; see createByKey).
func createAllowedRangeOnce(ctx context.Context, cl *astro.Client, orgID, cidr string, uncertain bool) (*astro.AllowedIPAddressRange, error) {
	return createByKey(ctx, keyedCreate[*astro.AllowedIPAddressRange]{
		kind: "allowed IP address range",
		key:  fmt.Sprintf("the range '%s' in its organization", cidr),
		send: func(ctx context.Context) (*astro.AllowedIPAddressRange, error) {
			r, _, err := cl.AllowedIPAddressRanges.Create(ctx, orgID, &astro.CreateAllowedIPAddressRangeRequest{IPAddressRange: cidr})
			return r, err
		},
		find: func(ctx context.Context) (*astro.AllowedIPAddressRange, bool, error) {
			// No filter by range: read the organization's ranges (few).
			for r, err := range cl.AllowedIPAddressRanges.ListIter(ctx, orgID, &astro.ListAllowedIPAddressRangesOptions{ListOptions: astro.ListOptions{Limit: 1000}}) {
				if err != nil {
					return nil, false, err
				}
				if r.IPAddressRange == cidr {
					return r, true, nil
				}
			}
			return nil, false, nil
		},
		holder: func(r *astro.AllowedIPAddressRange) (string, string) { return r.ID, r.ID },
	}, uncertain)
}
