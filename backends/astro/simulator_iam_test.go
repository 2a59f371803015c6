package astro_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func driveAPITokens(t *testing.T, h *harness) {
	ctx := t.Context()
	tok, _, err := h.org.APITokens.Create(ctx, h.acmeID, &astro.CreateAPITokenRequest{
		Name: "ci", Description: str("CI pipeline"), Role: "WORKSPACE_OPERATOR", Scope: astro.APITokenScopeWorkspace, EntityID: &h.wsID,
	})
	require.NoError(t, err)
	require.NotNil(t, tok.Token)
	assert.Equal(t, astro.APITokenKindStandard, tok.Kind)

	// The new token works against the simulator, with its scope.
	ci := h.base.WithToken(*tok.Token)
	_, _, err = ci.Workspaces.Get(ctx, h.acmeID, h.wsID)
	require.NoError(t, err)
	_, _, err = ci.Clusters.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	_, _, err = h.org.APITokens.Create(ctx, h.acmeID, &astro.CreateAPITokenRequest{Name: "broken", Role: "WORKSPACE_OPERATOR", Scope: astro.APITokenScopeWorkspace})
	assert.Equal(t, "entityId", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	got, _, err := h.org.APITokens.Get(ctx, h.acmeID, tok.ID)
	require.NoError(t, err)
	assert.Nil(t, got.Token, "the secret is only shown on create and rotate")
	list, _, err := h.org.APITokens.List(ctx, h.acmeID, &astro.ListAPITokensOptions{WorkspaceID: h.wsID})
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(list, func(x *astro.APIToken) bool { return x.ID == tok.ID }))
	orgOnly, _, err := h.org.APITokens.List(ctx, h.acmeID, &astro.ListAPITokensOptions{IncludeOnlyOrganizationTokens: true})
	require.NoError(t, err)
	for _, x := range orgOnly {
		assert.Equal(t, astro.APITokenScopeOrganization, x.Scope)
	}
	_, _, err = h.ws.APITokens.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.APITokens.Update(ctx, h.acmeID, tok.ID, &astro.UpdateAPITokenRequest{Name: "ci-renamed"})
	require.NoError(t, err)
	assert.Equal(t, "ci-renamed", upd.Name)
	_, _, err = h.org.APITokens.Update(ctx, h.acmeID, "cdoesnotexist000000000000", &astro.UpdateAPITokenRequest{Name: "x"})
	wantError(t, err, http.StatusNotFound)

	roles, _, err := h.org.APITokens.UpdateRoles(ctx, h.acmeID, tok.ID, &astro.UpdateAPITokenRolesRequest{Roles: []astro.APITokenRole{
		{EntityType: astro.APITokenEntityWorkspace, EntityID: h.wsID, Role: "WORKSPACE_AUTHOR"},
		{EntityType: astro.APITokenEntityDeployment, EntityID: h.depID, Role: "DEPLOYMENT_ADMIN"},
	}})
	require.NoError(t, err)
	assert.Len(t, roles.WorkspaceRoles, 1)
	assert.Len(t, roles.DeploymentRoles, 1)
	_, _, err = h.org.APITokens.UpdateRoles(ctx, h.acmeID, tok.ID, &astro.UpdateAPITokenRolesRequest{Roles: []astro.APITokenRole{
		{EntityType: astro.APITokenEntityWorkspace, EntityID: h.wsID, Role: "SUPERUSER"},
	}})
	wantError(t, err, http.StatusBadRequest)

	rot, _, err := h.org.APITokens.Rotate(ctx, h.acmeID, tok.ID)
	require.NoError(t, err)
	require.NotEqual(t, *tok.Token, *rot.Token)
	_, _, err = ci.Workspaces.Get(ctx, h.acmeID, h.wsID)
	wantError(t, err, http.StatusUnauthorized)
	_, _, err = h.base.WithToken(*rot.Token).Workspaces.Get(ctx, h.acmeID, h.wsID)
	require.NoError(t, err)
	_, _, err = h.org.APITokens.Rotate(ctx, h.acmeID, "cdoesnotexist000000000000")
	wantError(t, err, http.StatusNotFound)

	_, err = h.org.APITokens.Delete(ctx, h.acmeID, tok.ID)
	require.NoError(t, err)
	_, err = h.org.APITokens.Delete(ctx, h.acmeID, tok.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.APITokens.Get(ctx, h.acmeID, tok.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.base.WithToken(*rot.Token).Workspaces.Get(ctx, h.acmeID, h.wsID)
	wantError(t, err, http.StatusUnauthorized)
}

func driveUsers(t *testing.T, h *harness) {
	ctx := t.Context()
	users, resp, err := h.org.Users.List(ctx, h.acmeID, &astro.ListUsersOptions{ListOptions: astro.ListOptions{Sorts: []string{"username:asc"}}})
	require.NoError(t, err)
	require.GreaterOrEqual(t, resp.TotalCount, 2)
	inWS, _, err := h.org.Users.List(ctx, h.acmeID, &astro.ListUsersOptions{WorkspaceID: h.wsID})
	require.NoError(t, err)
	for _, u := range inWS {
		for _, r := range u.WorkspaceRoles {
			assert.Equal(t, h.wsID, r.WorkspaceID, "a workspace filter shows that workspace's roles")
		}
	}
	_, _, err = h.dep.Users.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	member := users[len(users)-1]
	got, _, err := h.org.Users.Get(ctx, h.acmeID, member.ID)
	require.NoError(t, err)
	assert.Equal(t, member.Username, got.Username)
	_, _, err = h.org.Users.Get(ctx, h.acmeID, "cdoesnotexist000000000000")
	wantError(t, err, http.StatusNotFound)

	roles, _, err := h.org.Users.UpdateRoles(ctx, h.acmeID, member.ID, &astro.UpdateUserRolesRequest{
		OrganizationRole: str("ORGANIZATION_MEMBER"),
		WorkspaceRoles:   []astro.WorkspaceRole{{WorkspaceID: h.wsID, Role: astro.WorkspaceRoleAuthor}},
		DagRoles:         []astro.DagRole{{DeploymentID: h.depID, DagID: str("etl"), Role: "DAG_VIEWER"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "ORGANIZATION_MEMBER", *roles.OrganizationRole)
	_, _, err = h.org.Users.UpdateRoles(ctx, h.acmeID, member.ID, &astro.UpdateUserRolesRequest{
		WorkspaceRoles: []astro.WorkspaceRole{{WorkspaceID: h.wsID, Role: astro.WorkspaceRoleAuthor}},
	})
	assert.Equal(t, "organizationRole", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	teams, _, err := h.org.Users.ListTeams(ctx, h.acmeID, users[0].ID, nil)
	require.NoError(t, err)
	assert.NotNil(t, teams)
	_, _, err = h.org.Users.ListTeams(ctx, h.acmeID, "cdoesnotexist000000000000", nil)
	wantError(t, err, http.StatusNotFound)

	inv, _, err := h.org.Invites.Create(ctx, h.acmeID, &astro.CreateUserInviteRequest{InviteeEmail: "Someone@Example.com", Role: astro.OrganizationRoleMember})
	require.NoError(t, err)
	assert.Equal(t, "someone@example.com", *inv.Invitee.Username)
	_, _, err = h.org.Invites.Create(ctx, h.acmeID, &astro.CreateUserInviteRequest{InviteeEmail: member.Username, Role: astro.OrganizationRoleMember})
	wantError(t, err, http.StatusBadRequest)
	_, err = h.org.Invites.Delete(ctx, h.acmeID, inv.InviteID)
	require.NoError(t, err)
	_, err = h.org.Invites.Delete(ctx, h.acmeID, inv.InviteID)
	wantError(t, err, http.StatusNotFound)
}

func driveTeams(t *testing.T, h *harness) {
	ctx := t.Context()
	users, _, err := h.org.Users.List(ctx, h.acmeID, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(users), 2)

	team, _, err := h.org.Teams.Create(ctx, h.acmeID, &astro.CreateTeamRequest{Name: "Analysts", MemberIDs: []string{users[0].ID}})
	require.NoError(t, err)
	assert.Equal(t, astro.OrganizationRoleMember, team.OrganizationRole)
	_, _, err = h.org.Teams.Create(ctx, h.acmeID, &astro.CreateTeamRequest{Name: "Ghosts", MemberIDs: []string{"cdoesnotexist000000000000"}})
	assert.Equal(t, "memberIds[0]", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	got, _, err := h.org.Teams.Get(ctx, h.acmeID, team.ID)
	require.NoError(t, err)
	assert.Equal(t, "Analysts", got.Name)
	list, _, err := h.org.Teams.List(ctx, h.acmeID, &astro.ListTeamsOptions{Names: []string{"Analysts"}})
	require.NoError(t, err)
	require.Len(t, list, 1)
	_, _, err = h.ws.Teams.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.Teams.Update(ctx, h.acmeID, team.ID, &astro.UpdateTeamRequest{Name: "Analytics", Description: str("BI")})
	require.NoError(t, err)
	assert.Equal(t, "Analytics", upd.Name)
	_, _, err = h.org.Teams.Update(ctx, h.acmeID, "cdoesnotexist000000000000", &astro.UpdateTeamRequest{Name: "x"})
	wantError(t, err, http.StatusNotFound)

	_, err = h.org.Teams.AddMembers(ctx, h.acmeID, team.ID, &astro.AddTeamMembersRequest{MemberIDs: []string{users[1].ID, users[0].ID}})
	require.NoError(t, err)
	_, err = h.org.Teams.AddMembers(ctx, h.acmeID, team.ID, &astro.AddTeamMembersRequest{MemberIDs: []string{"cdoesnotexist000000000000"}})
	wantError(t, err, http.StatusBadRequest)
	members, resp, err := h.org.Teams.ListMembers(ctx, h.acmeID, team.ID, &astro.ListTeamMembersOptions{ListOptions: astro.ListOptions{Sorts: []string{"username:asc"}}})
	require.NoError(t, err)
	assert.Equal(t, 2, resp.TotalCount)
	assert.LessOrEqual(t, members[0].Username, members[1].Username)
	_, _, err = h.org.Teams.ListMembers(ctx, h.acmeID, "cdoesnotexist000000000000", nil)
	wantError(t, err, http.StatusNotFound)
	_, err = h.org.Teams.RemoveMember(ctx, h.acmeID, team.ID, users[1].ID)
	require.NoError(t, err)
	_, err = h.org.Teams.RemoveMember(ctx, h.acmeID, team.ID, users[1].ID)
	wantError(t, err, http.StatusNotFound)

	roles, _, err := h.org.Teams.UpdateRoles(ctx, h.acmeID, team.ID, &astro.UpdateTeamRolesRequest{
		OrganizationRole: "ORGANIZATION_MEMBER", DeploymentRoles: []astro.DeploymentRole{{DeploymentID: h.depID, Role: "DEPLOYMENT_ADMIN"}},
	})
	require.NoError(t, err)
	assert.Len(t, roles.DeploymentRoles, 1)
	byDep, _, err := h.org.Teams.List(ctx, h.acmeID, &astro.ListTeamsOptions{DeploymentID: h.depID})
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(byDep, func(x *astro.Team) bool { return x.ID == team.ID }), "the deploymentId filter finds Teams with a role there")
	_, _, err = h.org.Teams.UpdateRoles(ctx, h.acmeID, team.ID, &astro.UpdateTeamRolesRequest{OrganizationRole: "ORGANIZATION_EMPEROR"})
	wantError(t, err, http.StatusBadRequest)

	_, err = h.org.Teams.Delete(ctx, h.acmeID, team.ID)
	require.NoError(t, err)
	_, err = h.org.Teams.Delete(ctx, h.acmeID, team.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.Teams.Get(ctx, h.acmeID, team.ID)
	wantError(t, err, http.StatusNotFound)
}

func driveRoles(t *testing.T, h *harness) {
	ctx := t.Context()
	tmpl, _, err := h.org.Roles.ListTemplates(ctx, h.acmeID, &astro.ListRoleTemplatesOptions{ScopeTypes: []astro.RoleScopeType{astro.RoleScopeDeployment}})
	require.NoError(t, err)
	require.NotEmpty(t, tmpl)
	_, _, err = h.ws.Roles.ListTemplates(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	role, _, err := h.org.Roles.Create(ctx, h.acmeID, &astro.CreateCustomRoleRequest{
		Name: "Log Reader", ScopeType: astro.RoleScopeDeployment, Permissions: []string{"deployment.get", "deployment.logs.get"},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{}, role.RestrictedWorkspaceIDs)
	_, _, err = h.org.Roles.Create(ctx, h.acmeID, &astro.CreateCustomRoleRequest{Name: "Bad", ScopeType: astro.RoleScopeDeployment, Permissions: []string{"organization.get"}})
	assert.Equal(t, "permissions[0]", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	got, _, err := h.org.Roles.Get(ctx, h.acmeID, role.ID)
	require.NoError(t, err)
	assert.Equal(t, role.Permissions, got.Permissions)
	list, resp, err := h.org.Roles.List(ctx, h.acmeID, &astro.ListRolesOptions{IncludeDefaultRoles: true, ScopeTypes: []astro.RoleScopeType{astro.RoleScopeDeployment}})
	require.NoError(t, err)
	assert.Equal(t, len(list.Roles), resp.TotalCount)
	assert.NotEmpty(t, list.DefaultRoles)
	_, _, err = h.org.Roles.Get(ctx, h.acmeID, "cdoesnotexist000000000000")
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.dep.Roles.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.Roles.Update(ctx, h.acmeID, role.ID, &astro.UpdateCustomRoleRequest{
		Name: "Log Reader+", Permissions: []string{"deployment.get"}, RestrictedWorkspaceIDs: []string{h.wsID},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{h.wsID}, upd.RestrictedWorkspaceIDs)
	_, _, err = h.org.Roles.Update(ctx, h.acmeID, role.ID, &astro.UpdateCustomRoleRequest{Name: "Deployment Operator", Permissions: []string{"deployment.get"}})
	assert.Equal(t, "name", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	_, err = h.org.Roles.Delete(ctx, h.acmeID, role.ID)
	require.NoError(t, err)
	_, err = h.org.Roles.Delete(ctx, h.acmeID, role.ID)
	wantError(t, err, http.StatusNotFound)
}

func driveAllowlist(t *testing.T, h *harness) {
	ctx := t.Context()
	one, _, err := h.org.AllowedIPAddressRanges.Create(ctx, h.acmeID, &astro.CreateAllowedIPAddressRangeRequest{IPAddressRange: "203.0.113.7/24"})
	require.NoError(t, err)
	assert.Equal(t, "203.0.113.0/24", one.IPAddressRange, "stored in canonical form")
	_, _, err = h.org.AllowedIPAddressRanges.Create(ctx, h.acmeID, &astro.CreateAllowedIPAddressRangeRequest{IPAddressRange: "203.0.113.0/24"})
	wantError(t, err, http.StatusBadRequest)
	org, _, err := h.org.Organizations.Get(ctx, h.acmeID)
	require.NoError(t, err)
	assert.True(t, org.HasAllowedIPAddressRanges)

	bulk, _, err := h.org.AllowedIPAddressRanges.BulkCreate(ctx, h.acmeID, &astro.BulkCreateAllowedIPAddressRangesRequest{AllowedIPAddressRanges: []string{"198.51.100.0/24", "2001:db8::/32"}})
	require.NoError(t, err)
	require.Len(t, bulk, 2)
	_, _, err = h.org.AllowedIPAddressRanges.BulkCreate(ctx, h.acmeID, &astro.BulkCreateAllowedIPAddressRangesRequest{AllowedIPAddressRanges: []string{"192.0.2.0/24", "198.51.100.0/24"}})
	wantError(t, err, http.StatusConflict)

	list, resp, err := h.org.AllowedIPAddressRanges.List(ctx, h.acmeID, &astro.ListAllowedIPAddressRangesOptions{ListOptions: astro.ListOptions{Sorts: []string{"ipAddress:asc"}}})
	require.NoError(t, err)
	assert.Equal(t, 3, resp.TotalCount, "the conflicting bulk create created nothing")
	assert.Len(t, list, 3)
	_, _, err = h.ws.AllowedIPAddressRanges.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	_, err = h.org.AllowedIPAddressRanges.BulkDelete(ctx, h.acmeID, &astro.BulkDeleteAllowedIPAddressRangesRequest{AllowedIPAddressRangeIDs: []string{bulk[0].ID, bulk[1].ID, "cunknown"}})
	require.NoError(t, err)
	_, err = h.ws.AllowedIPAddressRanges.BulkDelete(ctx, h.acmeID, &astro.BulkDeleteAllowedIPAddressRangesRequest{AllowedIPAddressRangeIDs: []string{one.ID}})
	wantError(t, err, http.StatusForbidden)
	_, err = h.org.AllowedIPAddressRanges.Delete(ctx, h.acmeID, one.ID)
	require.NoError(t, err)
	_, err = h.org.AllowedIPAddressRanges.Delete(ctx, h.acmeID, one.ID)
	wantError(t, err, http.StatusNotFound)
	org, _, err = h.org.Organizations.Get(ctx, h.acmeID)
	require.NoError(t, err)
	assert.False(t, org.HasAllowedIPAddressRanges)
}

func driveEnvironment(t *testing.T, h *harness) {
	ctx := t.Context()
	id, _, err := h.org.EnvironmentObjects.Create(ctx, h.acmeID, &astro.CreateEnvironmentObjectRequest{
		ObjectKey: "s3_logs", ObjectType: astro.EnvironmentObjectConnectionType, Scope: astro.EnvironmentObjectScopeWorkspace, ScopeEntityID: h.wsID,
		AutoLinkDeployments: boolp(true),
		Connection:          &astro.CreateEnvironmentObjectConnectionRequest{Type: "aws", Login: str("AKIA"), Password: str("secret"), Extra: map[string]any{"region_name": "us-east-1"}},
	})
	require.NoError(t, err)
	_, _, err = h.org.EnvironmentObjects.Create(ctx, h.acmeID, &astro.CreateEnvironmentObjectRequest{
		ObjectKey: "s3_logs", ObjectType: astro.EnvironmentObjectConnectionType, Scope: astro.EnvironmentObjectScopeWorkspace, ScopeEntityID: h.wsID,
		Connection: &astro.CreateEnvironmentObjectConnectionRequest{Type: "aws"},
	})
	wantError(t, err, http.StatusConflict)
	_, _, err = h.org.EnvironmentObjects.Create(ctx, h.acmeID, &astro.CreateEnvironmentObjectRequest{
		ObjectKey: "x", ObjectType: astro.EnvironmentObjectAirflowVariableType, Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: "cdoesnotexist000000000000",
		AirflowVariable: &astro.CreateEnvironmentObjectAirflowVariableRequest{Value: str("1")},
	})
	wantError(t, err, http.StatusNotFound)

	obj, _, err := h.org.EnvironmentObjects.Get(ctx, h.acmeID, id)
	require.NoError(t, err)
	assert.Nil(t, obj.Connection.Password, "secrets are masked")
	assert.Contains(t, obj.SetFields, "password")

	list, _, err := h.org.EnvironmentObjects.List(ctx, h.acmeID, &astro.ListEnvironmentObjectsOptions{WorkspaceID: h.wsID, ShowSecrets: true})
	require.NoError(t, err)
	i := slices.IndexFunc(list, func(o *astro.EnvironmentObject) bool { return *o.ID == id })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "secret", *list[i].Connection.Password, "showSecrets shows them")
	linked, _, err := h.org.EnvironmentObjects.List(ctx, h.acmeID, &astro.ListEnvironmentObjectsOptions{DeploymentID: wsDeployment(t, h), ResolveLinked: true})
	require.NoError(t, err)
	i = slices.IndexFunc(linked, func(o *astro.EnvironmentObject) bool { return *o.ID == id })
	require.GreaterOrEqual(t, i, 0, "an auto-linked workspace object applies to the workspace's deployments")
	assert.Equal(t, astro.EnvironmentObjectScopeWorkspace, *linked[i].SourceScope)
	_, _, err = h.ws.EnvironmentObjects.List(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.EnvironmentObjects.Update(ctx, h.acmeID, id, &astro.UpdateEnvironmentObjectRequest{
		Description: str("Task logs bucket"), Connection: &astro.UpdateEnvironmentObjectConnectionRequest{Type: "aws", Host: str("s3.amazonaws.com")},
	})
	require.NoError(t, err)
	assert.Equal(t, "s3.amazonaws.com", *upd.Connection.Host)
	assert.Equal(t, "AKIA", *upd.Connection.Login, "fields left out keep their value")
	_, _, err = h.org.EnvironmentObjects.Update(ctx, h.acmeID, "cdoesnotexist000000000000", &astro.UpdateEnvironmentObjectRequest{})
	wantError(t, err, http.StatusNotFound)

	dep := wsDeployment(t, h)
	_, err = h.org.EnvironmentObjects.ExcludeLinking(ctx, h.acmeID, id, &astro.ExcludeLinkEnvironmentObjectRequest{Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: dep})
	require.NoError(t, err)
	linked, _, err = h.org.EnvironmentObjects.List(ctx, h.acmeID, &astro.ListEnvironmentObjectsOptions{DeploymentID: dep, ResolveLinked: true})
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(linked, func(o *astro.EnvironmentObject) bool { return *o.ID == id }), "excluded")
	_, err = h.org.EnvironmentObjects.ExcludeLinking(ctx, h.acmeID, id, &astro.ExcludeLinkEnvironmentObjectRequest{Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: "cdoesnotexist000000000000"})
	wantError(t, err, http.StatusNotFound)

	_, err = h.org.EnvironmentObjects.Delete(ctx, h.acmeID, id)
	require.NoError(t, err)
	_, err = h.org.EnvironmentObjects.Delete(ctx, h.acmeID, id)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.EnvironmentObjects.Get(ctx, h.acmeID, id)
	wantError(t, err, http.StatusNotFound)
}

// wsDeployment returns a deployment of the workspace token's workspace.
func wsDeployment(t *testing.T, h *harness) string {
	t.Helper()
	ds, _, err := h.ws.Deployments.List(t.Context(), h.acmeID, &astro.ListDeploymentsOptions{ListOptions: astro.ListOptions{Limit: 1}})
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	return ds[0].ID
}
