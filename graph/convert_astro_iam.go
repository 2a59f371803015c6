package graph

import (
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// Mapping of Astro's identity and access objects: users, teams, invites,
// API and agent tokens, roles, permissions and the IP allowlist.

func convertAstroWorkspaceRoles(rs []astro.WorkspaceRole) []*model.AstroWorkspaceRoleBinding {
	out := make([]*model.AstroWorkspaceRoleBinding, len(rs))
	for i, r := range rs {
		out[i] = &model.AstroWorkspaceRoleBinding{WorkspaceID: r.WorkspaceID, Role: enumPtr[model.AstroWorkspaceRole](&r.Role)}
	}
	return out
}

func convertAstroDeploymentRoles(rs []astro.DeploymentRole) []*model.AstroDeploymentRoleBinding {
	out := make([]*model.AstroDeploymentRoleBinding, len(rs))
	for i, r := range rs {
		out[i] = &model.AstroDeploymentRoleBinding{DeploymentID: r.DeploymentID, Role: r.Role}
	}
	return out
}

func convertAstroDagRoles(rs []astro.DagRole) []*model.AstroDagRoleBinding {
	out := make([]*model.AstroDagRoleBinding, len(rs))
	for i, r := range rs {
		out[i] = &model.AstroDagRoleBinding{DeploymentID: r.DeploymentID, DagID: r.DagID, DagTag: r.DagTag, Role: r.Role}
	}
	return out
}

func convertAstroSubjectRoles(r *astro.SubjectRoles) *model.AstroSubjectRoles {
	return &model.AstroSubjectRoles{
		OrganizationRole: r.OrganizationRole,
		WorkspaceRoles:   convertAstroWorkspaceRoles(r.WorkspaceRoles),
		DeploymentRoles:  convertAstroDeploymentRoles(r.DeploymentRoles),
		DagRoles:         convertAstroDagRoles(r.DagRoles),
	}
}

func convertAstroUser(org string, u *astro.User) *model.AstroUser {
	return &model.AstroUser{
		ID:               encodeID(typeAstroUser, org, u.ID),
		UserID:           u.ID,
		OrganizationID:   org,
		Username:         u.Username,
		FullName:         u.FullName,
		AvatarURL:        u.AvatarURL,
		Status:           enumPtr[model.AstroUserStatus](&u.Status),
		OrganizationRole: enumPtr[model.AstroOrganizationRole](u.OrganizationRole),
		WorkspaceRoles:   convertAstroWorkspaceRoles(u.WorkspaceRoles),
		DeploymentRoles:  convertAstroDeploymentRoles(u.DeploymentRoles),
		DagRoles:         convertAstroDagRoles(u.DagRoles),
		CreatedAt:        timePtr(u.CreatedAt),
		UpdatedAt:        timePtr(u.UpdatedAt),
	}
}

// convertAstroUserTeam maps a team as ListUserTeams returns it; the model
// keeps the organization so that its team field can be looked up.
func convertAstroUserTeam(org string, m *astro.UserTeamMembership) *model.AstroUserTeam {
	return &model.AstroUserTeam{
		TeamID:           m.ID,
		OrganizationID:   org,
		Name:             m.Name,
		Description:      m.Description,
		IsIdpManaged:     m.IsIdpManaged,
		OrganizationRole: enumPtr[model.AstroOrganizationRole](&m.OrganizationRole),
		RolesCount:       m.RolesCount,
		WorkspaceRoles:   convertAstroWorkspaceRoles(m.WorkspaceRoles),
		DeploymentRoles:  convertAstroDeploymentRoles(m.DeploymentRoles),
		DagRoles:         convertAstroDagRoles(m.DagRoles),
	}
}

func convertAstroTeam(t *astro.Team) *model.AstroTeam {
	return &model.AstroTeam{
		ID:               encodeID(typeAstroTeam, t.OrganizationID, t.ID),
		TeamID:           t.ID,
		OrganizationID:   t.OrganizationID,
		Name:             t.Name,
		Description:      t.Description,
		IsIdpManaged:     t.IsIdpManaged,
		OrganizationRole: enumPtr[model.AstroOrganizationRole](&t.OrganizationRole),
		RolesCount:       t.RolesCount,
		WorkspaceRoles:   convertAstroWorkspaceRoles(t.WorkspaceRoles),
		DeploymentRoles:  convertAstroDeploymentRoles(t.DeploymentRoles),
		DagRoles:         convertAstroDagRoles(t.DagRoles),
		CreatedAt:        timePtr(t.CreatedAt),
		UpdatedAt:        timePtr(t.UpdatedAt),
		CreatedBy:        convertAstroSubject(t.CreatedBy),
		UpdatedBy:        convertAstroSubject(t.UpdatedBy),
	}
}

func convertAstroTeamMember(m *astro.TeamMember) *model.AstroTeamMember {
	return &model.AstroTeamMember{UserID: m.UserID, Username: m.Username, FullName: m.FullName, AvatarURL: m.AvatarURL, CreatedAt: m.CreatedAt}
}

func convertAstroSelfUser(u *astro.SelfUser) *model.AstroSelfUser {
	out := &model.AstroSelfUser{
		UserID:         u.ID,
		Username:       u.Username,
		FullName:       u.FullName,
		AvatarURL:      u.AvatarURL,
		Status:         enumPtr[model.AstroUserStatus](&u.Status),
		OrganizationID: u.OrganizationID,
		IsIdpManaged:   u.IsIdpManaged,
		Roles:          make([]*model.AstroSelfRole, len(u.Roles)),
		Invites:        make([]*model.AstroSelfInvite, len(u.Invites)),
		FeatureFlags:   make([]*model.AstroFeatureFlag, len(u.FeatureFlags)),
		CreatedAt:      timePtr(u.CreatedAt),
		UpdatedAt:      timePtr(u.UpdatedAt),
	}
	for i, r := range u.Roles {
		out.Roles[i] = &model.AstroSelfRole{Role: r.Role, Scope: &model.AstroSelfRoleScope{
			Type: r.Scope.Type, EntityID: r.Scope.EntityID, DeploymentID: r.Scope.DeploymentID, DagTag: r.Scope.DagTag,
		}}
	}
	for i, inv := range u.Invites {
		out.Invites[i] = &model.AstroSelfInvite{InviteID: inv.InviteID, OrganizationID: inv.OrganizationID, ExpiresAt: timePtr(inv.ExpiresAt)}
	}
	for i, f := range u.FeatureFlags {
		out.FeatureFlags[i] = &model.AstroFeatureFlag{Key: f.Key, Value: f.Value}
	}
	return out
}

func convertAstroInvite(inv *astro.Invite) *model.AstroInvite {
	return &model.AstroInvite{
		InviteID:         inv.InviteID,
		OrganizationID:   inv.OrganizationID,
		OrganizationName: inv.OrganizationName,
		UserID:           inv.UserID,
		Invitee:          convertAstroSubject(&inv.Invitee),
		Inviter:          convertAstroSubject(&inv.Inviter),
		ExpiresAt:        timePtr(inv.ExpiresAt),
	}
}

func convertAstroAPIToken(org string, t *astro.APIToken) *model.AstroAPIToken {
	out := &model.AstroAPIToken{
		ID:                 encodeID(typeAstroAPIToken, org, t.ID),
		APITokenID:         t.ID,
		OrganizationID:     org,
		Name:               t.Name,
		Description:        t.Description,
		Scope:              enumPtr[model.AstroAPITokenScope](&t.Scope),
		Kind:               enumPtr[model.AstroAPITokenKind](&t.Kind),
		ShortToken:         t.ShortToken,
		Token:              t.Token,
		Roles:              make([]*model.AstroAPITokenRole, len(t.Roles)),
		StartAt:            timePtr(t.StartAt),
		EndAt:              t.EndAt,
		ExpiryPeriodInDays: t.ExpiryPeriodInDays,
		LastUsedAt:         t.LastUsedAt,
		LastRotatedAt:      t.LastRotatedAt,
		CreatedAt:          timePtr(t.CreatedAt),
		UpdatedAt:          timePtr(t.UpdatedAt),
		CreatedBy:          convertAstroSubject(t.CreatedBy),
		UpdatedBy:          convertAstroSubject(t.UpdatedBy),
	}
	for i, r := range t.Roles {
		out.Roles[i] = &model.AstroAPITokenRole{
			EntityType: enumPtr[model.AstroAPITokenEntityType](&r.EntityType), EntityID: r.EntityID, DeploymentID: r.DeploymentID, Role: r.Role,
		}
	}
	return out
}

func convertAstroAgentToken(org, deployment string, t *astro.APIToken) *model.AstroAgentToken {
	return &model.AstroAgentToken{
		ID:                 encodeID(typeAstroAgentToken, org, deployment, t.ID),
		AgentTokenID:       t.ID,
		DeploymentID:       deployment,
		OrganizationID:     org,
		Name:               t.Name,
		Description:        t.Description,
		ShortToken:         t.ShortToken,
		Token:              t.Token,
		StartAt:            timePtr(t.StartAt),
		EndAt:              t.EndAt,
		ExpiryPeriodInDays: t.ExpiryPeriodInDays,
		LastUsedAt:         t.LastUsedAt,
		LastRotatedAt:      t.LastRotatedAt,
		CreatedAt:          timePtr(t.CreatedAt),
		UpdatedAt:          timePtr(t.UpdatedAt),
		CreatedBy:          convertAstroSubject(t.CreatedBy),
		UpdatedBy:          convertAstroSubject(t.UpdatedBy),
	}
}

// convertAstroRole maps a listed custom role, which comes without its
// permissions: the permissions field looks them up when asked for.
func convertAstroRole(org string, r *astro.Role) *model.AstroCustomRole {
	return &model.AstroCustomRole{
		ID:                     encodeID(typeAstroCustomRole, org, r.ID),
		RoleID:                 r.ID,
		OrganizationID:         org,
		Name:                   r.Name,
		Description:            r.Description,
		ScopeType:              enumPtr[model.AstroRoleScopeType](&r.ScopeType),
		RestrictedWorkspaceIds: nonNilSlice(r.RestrictedWorkspaceIDs),
		CreatedAt:              timePtr(r.CreatedAt),
		UpdatedAt:              timePtr(r.UpdatedAt),
		CreatedBy:              convertAstroSubject(&r.CreatedBy),
		UpdatedBy:              convertAstroSubject(&r.UpdatedBy),
	}
}

func convertAstroCustomRole(org string, r *astro.RoleWithPermission) *model.AstroCustomRole {
	out := convertAstroRole(org, &astro.Role{
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, Description: r.Description, ID: r.ID, Name: r.Name,
		RestrictedWorkspaceIDs: r.RestrictedWorkspaceIDs, ScopeType: r.ScopeType, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy,
	})
	out.Permissions = nonNilSlice(r.Permissions)
	return out
}

func convertAstroDefaultRole(r *astro.DefaultRole) *model.AstroDefaultRole {
	return &model.AstroDefaultRole{Name: r.Name, Description: r.Description, ScopeType: enumPtr[model.AstroRoleScopeType](&r.ScopeType), Permissions: nonNilSlice(r.Permissions)}
}

func convertAstroRoleTemplate(r *astro.RoleTemplate) *model.AstroRoleTemplate {
	return &model.AstroRoleTemplate{Name: r.Name, Description: r.Description, ScopeType: enumPtr[model.AstroRoleScopeType](&r.ScopeType), Permissions: nonNilSlice(r.Permissions)}
}

func convertAstroPermissionGroup(g *astro.PermissionGroup) *model.AstroPermissionGroup {
	out := &model.AstroPermissionGroup{Name: g.Name, Description: g.Description, Scope: g.Scope, Permissions: make([]*model.AstroPermission, len(g.Permissions))}
	for i, p := range g.Permissions {
		out.Permissions[i] = &model.AstroPermission{Action: p.Action, Description: p.Description}
	}
	return out
}

func convertAstroAllowedIPAddressRange(r *astro.AllowedIPAddressRange) *model.AstroAllowedIPAddressRange {
	return &model.AstroAllowedIPAddressRange{
		ID: r.ID, OrganizationID: r.OrganizationID, IPAddressRange: r.IPAddressRange,
		CreatedAt: timePtr(r.CreatedAt), UpdatedAt: timePtr(r.UpdatedAt),
		CreatedBy: convertAstroSubject(r.CreatedBy), UpdatedBy: convertAstroSubject(r.UpdatedBy),
	}
}

func convertAstroManagedDomains(ds []astro.ManagedDomain) []*model.AstroManagedDomain {
	out := make([]*model.AstroManagedDomain, len(ds))
	for i, d := range ds {
		out[i] = &model.AstroManagedDomain{ID: d.ID, Name: d.Name, Status: string(d.Status), EnforcedLogins: d.EnforcedLogins, CreatedAt: timePtr(d.CreatedAt), UpdatedAt: timePtr(d.UpdatedAt)}
	}
	return out
}

func convertAstroProductPlans(ps []astro.OrganizationProductPlan) []*model.AstroProductPlan {
	out := make([]*model.AstroProductPlan, len(ps))
	for i, p := range ps {
		out[i] = &model.AstroProductPlan{ProductPlanID: p.ProductPlanID, ProductPlanName: string(p.ProductPlanName), AstronomerProduct: string(p.AstronomerProduct)}
	}
	return out
}

// nonNilSlice makes a nil list an empty one, for non-null list fields.
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// parseTime reads a timestamp that the spec types as a plain string; one
// that does not parse is left out rather than failing the field.
func parseTime(s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return nil
	}
	return &t
}
