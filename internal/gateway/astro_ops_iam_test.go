package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func opsIAM(t *testing.T, r *opsRun) {
	org := map[string]any{"org": r.org}
	ws := r.dataEngineering(t)

	const users = `query($org: String!, $ws: String, $first: Int) { astro { organization(id: $org) { users(workspaceId: $ws, first: $first, sorts: [FULL_NAME_ASC]) {
		totalCount nodes { id userId username fullName organizationRole workspaceRoles { workspaceId role } } } } } }`
	d := r.succeed(t, []string{"ListUsers"}, users, map[string]any{"org": r.org, "first": 50})
	all := list(t, d, "astro.organization.users.nodes")
	require.GreaterOrEqual(t, len(all), 2)
	for i := 1; i < len(all); i++ {
		assert.LessOrEqual(t, str(t, all, itoa(i-1)+".fullName"), str(t, all, itoa(i)+".fullName"), "sorted by full name")
	}
	d = r.succeed(t, []string{"ListUsers"}, users, map[string]any{"org": r.org, "ws": ws, "first": 50})
	for _, u := range list(t, d, "astro.organization.users.nodes") {
		roles := list(t, u, "workspaceRoles")
		wsIDs := []any{}
		for _, rb := range roles {
			wsIDs = append(wsIDs, dig(t, rb, "workspaceId"))
		}
		assert.Contains(t, wsIDs, ws, "filtered to the workspace's users")
	}
	r.succeed(t, []string{"ListUsers", "ListTeams"}, `query($org: String!, $ws: String!) { astro { organization(id: $org) { workspace(id: $ws) { users { totalCount } teams { totalCount } } } } }`,
		map[string]any{"org": r.org, "ws": ws})
	r.reject(t, "ListUsers", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { users { totalCount } } } }`, nil)

	var member, other string
	for _, u := range all {
		if str(t, u, "username") == "ada@acme.example" {
			continue // the caller: leave her roles alone
		}
		if member == "" {
			member = str(t, u, "userId")
		} else if other == "" {
			other = str(t, u, "userId")
		}
	}
	require.NotEmpty(t, other)

	const user = `query($org: String!, $u: String!) { astro { organization(id: $org) { user(id: $u) { id username status teams { totalCount nodes { teamId name team { description } } } } } } }`
	d = r.succeed(t, []string{"GetUser", "ListUserTeams"}, user, map[string]any{"org": r.org, "u": member})
	assert.NotEmpty(t, str(t, d, "astro.organization.user.username"))
	r.reject(t, "GetUser", "NOT_FOUND", true, `query($org: String!) { astro { organization(id: $org) { user(id: "`+missingID+`") { username } } } }`, org)
	r.rejectBeforeWrite(t, "ListUserTeams", "BAD_USER_INPUT", `query($org: String!, $u: String!) { astro { organization(id: $org) { user(id: $u) { teams(first: -1) { totalCount } } } } }`,
		map[string]any{"org": r.org, "u": member})

	const roles = `mutation($in: UpdateAstroUserRolesInput!) { updateAstroUserRoles(input: $in) { roles { organizationRole workspaceRoles { workspaceId role } } user { userId workspaceRoles { workspaceId role } } } }`
	d = r.succeed(t, []string{"UpdateUserRoles", "GetUser"}, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "userId": member,
		"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": []any{map[string]any{"workspaceId": ws, "role": "WORKSPACE_AUTHOR"}}}})
	assert.Equal(t, "ORGANIZATION_MEMBER", str(t, d, "updateAstroUserRoles.roles.organizationRole"))
	assert.Equal(t, "WORKSPACE_AUTHOR", str(t, d, "updateAstroUserRoles.user.workspaceRoles.0.role"), "the payload reads the user again")
	e := r.reject(t, "UpdateUserRoles", "BAD_USER_INPUT", false, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "userId": member,
		"workspaceRoles": []any{map[string]any{"workspaceId": ws, "role": "WORKSPACE_AUTHOR"}}}})
	assert.Equal(t, "input.organizationRole", e.Extensions["field"])
	r.reject(t, "UpdateUserRoles", "NOT_FOUND", true, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "userId": missingID, "organizationRole": "ORGANIZATION_MEMBER"}})

	opsTeams(t, r, member, other, ws)
	opsInvites(t, r)
}

func opsTeams(t *testing.T, r *opsRun, member, other, ws string) {
	org := map[string]any{"org": r.org}
	const teams = `query($org: String!, $first: Int) { astro { organization(id: $org) { teams(first: $first) { totalCount nodes { id teamId name organizationRole rolesCount members { totalCount } } } } } }`
	d := r.succeed(t, []string{"ListTeams", "ListTeamMembers"}, teams, map[string]any{"org": r.org, "first": 20})
	require.NotEmpty(t, list(t, d, "astro.organization.teams.nodes"))
	r.rejectBeforeWrite(t, "ListTeams", "BAD_USER_INPUT", teams, map[string]any{"org": r.org, "first": 1001})

	const create = `mutation($in: CreateAstroTeamInput!) { createAstroTeam(input: $in) { team { id teamId name description organizationRole } } }`
	d = r.succeed(t, []string{"CreateTeam"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "Ops Test", "description": "made by a test", "memberIds": []any{member}}})
	team := str(t, d, "createAstroTeam.team.teamId")
	assert.Equal(t, "ORGANIZATION_MEMBER", str(t, d, "createAstroTeam.team.organizationRole"), "Astro's default role")
	e := r.reject(t, "CreateTeam", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": " "}})
	assert.Equal(t, "input.name", e.Extensions["field"])
	r.reject(t, "CreateTeam", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "Ghosts", "memberIds": []any{missingID}}})

	const get = `query($org: String!, $id: String!) { astro { organization(id: $org) { team(id: $id) { name description members(sorts: [USERNAME_ASC]) { totalCount nodes { userId username } } } } } }`
	d = r.succeed(t, []string{"GetTeam", "ListTeamMembers"}, get, map[string]any{"org": r.org, "id": team})
	assert.Equal(t, 1, num(t, d, "astro.organization.team.members.totalCount"))
	r.reject(t, "GetTeam", "NOT_FOUND", true, `query($org: String!) { astro { organization(id: $org) { team(id: "`+missingID+`") { name } } } }`, org)
	r.rejectBeforeWrite(t, "ListTeamMembers", "BAD_USER_INPUT", `query($org: String!, $id: String!) { astro { organization(id: $org) { team(id: $id) { members(first: -5) { totalCount } } } } }`,
		map[string]any{"org": r.org, "id": team})

	const update = `mutation($in: UpdateAstroTeamInput!) { updateAstroTeam(input: $in) { team { name description } } }`
	d = r.succeed(t, []string{"UpdateTeam"}, update, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team, "name": "Ops Test 2", "description": "renamed"}})
	assert.Equal(t, "Ops Test 2", str(t, d, "updateAstroTeam.team.name"))
	r.reject(t, "UpdateTeam", "NOT_FOUND", true, update, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": missingID, "name": "x"}})

	const add = `mutation($in: AddAstroTeamMembersInput!) { addAstroTeamMembers(input: $in) { team { teamId members { totalCount } } } }`
	d = r.succeed(t, []string{"AddTeamMembers", "GetTeam", "ListTeamMembers"}, add, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team, "memberIds": []any{other}}})
	assert.Equal(t, 2, num(t, d, "addAstroTeamMembers.team.members.totalCount"), "the payload reads the team again")
	e = r.reject(t, "AddTeamMembers", "BAD_USER_INPUT", false, add, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team, "memberIds": []any{}}})
	assert.Equal(t, "input.memberIds", e.Extensions["field"])
	r.reject(t, "AddTeamMembers", "NOT_FOUND", true, add, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": missingID, "memberIds": []any{other}}})

	const remove = `mutation($in: RemoveAstroTeamMemberInput!) { removeAstroTeamMember(input: $in) { memberId team { members { totalCount } } } }`
	vars := map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team, "memberId": other}}
	d = r.succeed(t, []string{"RemoveTeamMember"}, remove, vars)
	assert.Equal(t, 1, num(t, d, "removeAstroTeamMember.team.members.totalCount"))
	r.reject(t, "RemoveTeamMember", "NOT_FOUND", true, remove, vars)

	const teamRoles = `mutation($in: UpdateAstroTeamRolesInput!) { updateAstroTeamRoles(input: $in) { roles { organizationRole workspaceRoles { role } } team { rolesCount workspaceRoles { workspaceId role } } } }`
	d = r.succeed(t, []string{"UpdateTeamRoles"}, teamRoles, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team,
		"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": []any{map[string]any{"workspaceId": ws, "role": "WORKSPACE_MEMBER"}}}})
	assert.Equal(t, "WORKSPACE_MEMBER", str(t, d, "updateAstroTeamRoles.team.workspaceRoles.0.role"))
	e = r.reject(t, "UpdateTeamRoles", "BAD_USER_INPUT", false, teamRoles, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team,
		"organizationRole": "ORGANIZATION_MEMBER", "dagRoles": []any{map[string]any{"deploymentId": missingID, "dagId": "etl", "dagTag": "finance", "role": "DAG_VIEWER"}}}})
	assert.Equal(t, "input.dagRoles[0]", e.Extensions["field"], "a DAG role names a DAG or a tag, not both")
	r.reject(t, "UpdateTeamRoles", "BAD_USER_INPUT", true, teamRoles, map[string]any{"in": map[string]any{"organizationId": r.org, "teamId": team,
		"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": []any{map[string]any{"workspaceId": missingID, "role": "WORKSPACE_MEMBER"}}}})

	const del = `mutation($org: String!, $id: String!) { deleteAstroTeam(input: {organizationId: $org, teamId: $id}) { id teamId } }`
	r.succeed(t, []string{"DeleteTeam"}, del, map[string]any{"org": r.org, "id": team})
	r.reject(t, "DeleteTeam", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": team})
}

func opsInvites(t *testing.T, r *opsRun) {
	const create = `mutation($in: CreateAstroUserInviteInput!) { createAstroUserInvite(input: $in) { invite { inviteId organizationId expiresAt invitee { username } inviter { username } } } }`
	d := r.succeed(t, []string{"CreateUserInvite"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "inviteeEmail": "ops.test@acme.example", "role": "ORGANIZATION_MEMBER"}})
	invite := str(t, d, "createAstroUserInvite.invite.inviteId")
	assert.Equal(t, r.org, str(t, d, "createAstroUserInvite.invite.organizationId"))
	e := r.reject(t, "CreateUserInvite", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "inviteeEmail": "ops.test@acme.example", "role": "ORGANIZATION_MEMBER"}})
	assert.Contains(t, e.Message, "already has a pending invite")
	e = r.reject(t, "CreateUserInvite", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "inviteeEmail": "", "role": "ORGANIZATION_MEMBER"}})
	assert.Equal(t, "input.inviteeEmail", e.Extensions["field"])
	e = r.reject(t, "CreateUserInvite", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "inviteeEmail": "x@acme.example", "role": "WORKSPACE_OWNER"}})
	assert.Equal(t, "in.role", e.Extensions["field"], "an organization role, from the enum")

	const del = `mutation($org: String!, $id: String!) { deleteAstroUserInvite(input: {organizationId: $org, inviteId: $id}) { inviteId } }`
	r.succeed(t, []string{"DeleteUserInvite"}, del, map[string]any{"org": r.org, "id": invite})
	r.reject(t, "DeleteUserInvite", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": invite})
}
