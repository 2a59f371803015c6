package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func opsAccess(t *testing.T, r *opsRun) {
	opsAPITokens(t, r)
	opsRoles(t, r)
	opsAllowlist(t, r)
}

func opsAPITokens(t *testing.T, r *opsRun) {
	ws := r.dataEngineering(t)
	const lst = `query($org: String!, $first: Int, $only: Boolean) { astro { organization(id: $org) { apiTokens(first: $first, includeOnlyOrganizationTokens: $only, sorts: [NAME_ASC]) {
		totalCount nodes { id apiTokenId name scope token roles { entityType entityId role } } } } } }`
	d := r.succeed(t, []string{"ListApiTokens"}, lst, map[string]any{"org": r.org, "first": 100, "only": true})
	for _, n := range list(t, d, "astro.organization.apiTokens.nodes") {
		assert.Equal(t, "ORGANIZATION", str(t, n, "scope"))
		assert.Nil(t, dig(t, n, "token"))
	}
	r.succeed(t, []string{"ListApiTokens"}, `query($org: String!, $ws: String!) { astro { organization(id: $org) { workspace(id: $ws) { apiTokens { totalCount nodes { name } } } } } }`,
		map[string]any{"org": r.org, "ws": ws})
	r.rejectBeforeWrite(t, "ListApiTokens", "BAD_USER_INPUT", lst, map[string]any{"org": r.org, "first": 1001})

	const create = `mutation($in: CreateAstroApiTokenInput!) { createAstroApiToken(input: $in) { apiToken { id apiTokenId name scope token roles { entityType entityId role } } } }`
	d = r.succeed(t, []string{"CreateApiToken"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "ops-ci", "description": "CI",
		"scope": "WORKSPACE", "entityId": ws, "role": "WORKSPACE_OPERATOR", "tokenExpiryPeriodInDays": 90}})
	tok := str(t, d, "createAstroApiToken.apiToken.apiTokenId")
	secret := str(t, d, "createAstroApiToken.apiToken.token")
	require.NotEmpty(t, secret, "the secret, shown once")
	e := r.reject(t, "CreateApiToken", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "x", "scope": "WORKSPACE", "role": "WORKSPACE_OPERATOR"}})
	assert.Equal(t, "input.entityId", e.Extensions["field"])
	r.reject(t, "CreateApiToken", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "x", "scope": "WORKSPACE", "entityId": ws, "role": "NO_SUCH_ROLE"}})

	// The new token works at once, through the gateway, within its scope.
	h := map[string]string{"X-Astro-Token": secret, "X-Astro-Organization-Id": r.org, "Cache-Control": "no-cache"}
	resp := r.env.Query(t, `query($org: String!, $ws: String!) { astro { organization(id: $org) { workspace(id: $ws) { name } } } }`, map[string]any{"org": r.org, "ws": ws}, h)
	require.Empty(t, resp.Errors)

	const get = `query($org: String!, $id: String!) { astro { organization(id: $org) { apiToken(id: $id) { name description token shortToken expiryPeriodInDays } } } }`
	d = r.succeed(t, []string{"GetApiToken"}, get, map[string]any{"org": r.org, "id": tok})
	assert.Equal(t, "ops-ci", str(t, d, "astro.organization.apiToken.name"))
	assert.Nil(t, dig(t, d, "astro.organization.apiToken.token"), "a read never shows the secret")
	r.reject(t, "GetApiToken", "NOT_FOUND", true, get, map[string]any{"org": r.org, "id": missingID})

	const update = `mutation($in: UpdateAstroApiTokenInput!) { updateAstroApiToken(input: $in) { apiToken { name description } } }`
	d = r.succeed(t, []string{"UpdateApiToken"}, update, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": tok, "name": "ops-ci-2", "description": "renamed"}})
	assert.Equal(t, "ops-ci-2", str(t, d, "updateAstroApiToken.apiToken.name"))
	e = r.reject(t, "UpdateApiToken", "BAD_USER_INPUT", false, update, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": tok, "name": strings.Repeat("t", 257)}})
	assert.Equal(t, "input.name", e.Extensions["field"])
	r.reject(t, "UpdateApiToken", "NOT_FOUND", true, update, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": missingID, "name": "x"}})

	const roles = `mutation($in: UpdateAstroApiTokenRolesInput!) { updateAstroApiTokenRoles(input: $in) { roles { workspaceRoles { workspaceId role } } apiToken { roles { entityId role } } } }`
	d = r.succeed(t, []string{"UpdateApiTokenRoles", "GetApiToken"}, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": tok,
		"roles": []any{map[string]any{"entityType": "WORKSPACE", "entityId": ws, "role": "WORKSPACE_MEMBER"}}}})
	assert.Equal(t, "WORKSPACE_MEMBER", str(t, d, "updateAstroApiTokenRoles.apiToken.roles.0.role"), "the payload reads the token again")
	e = r.reject(t, "UpdateApiTokenRoles", "BAD_USER_INPUT", false, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": tok, "roles": []any{}}})
	assert.Equal(t, "input.roles", e.Extensions["field"])
	e = r.reject(t, "UpdateApiTokenRoles", "BAD_USER_INPUT", false, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": tok,
		"roles": []any{map[string]any{"entityType": "DAG", "entityId": "etl", "role": "DAG_VIEWER"}}}})
	assert.Equal(t, "input.roles[0].deploymentId", e.Extensions["field"])
	r.reject(t, "UpdateApiTokenRoles", "NOT_FOUND", true, roles, map[string]any{"in": map[string]any{"organizationId": r.org, "apiTokenId": missingID,
		"roles": []any{map[string]any{"entityType": "WORKSPACE", "entityId": ws, "role": "WORKSPACE_MEMBER"}}}})

	const rotate = `mutation($org: String!, $id: String!) { rotateAstroApiToken(input: {organizationId: $org, apiTokenId: $id}) { apiToken { token lastRotatedAt } } }`
	d = r.succeed(t, []string{"RotateApiToken"}, rotate, map[string]any{"org": r.org, "id": tok})
	assert.NotEqual(t, secret, str(t, d, "rotateAstroApiToken.apiToken.token"), "a new secret")
	resp = r.env.Query(t, `query($org: String!, $ws: String!) { astro { organization(id: $org) { workspace(id: $ws) { name } } } }`, map[string]any{"org": r.org, "ws": ws}, h)
	require.NotEmpty(t, resp.Errors, "the old secret stopped working")
	assert.Equal(t, "UNAUTHENTICATED", resp.Errors[0].Extensions["code"])
	r.reject(t, "RotateApiToken", "NOT_FOUND", true, rotate, map[string]any{"org": r.org, "id": missingID})

	const del = `mutation($org: String!, $id: String!) { deleteAstroApiToken(input: {organizationId: $org, apiTokenId: $id}) { id apiTokenId } }`
	r.succeed(t, []string{"DeleteApiToken"}, del, map[string]any{"org": r.org, "id": tok})
	r.reject(t, "DeleteApiToken", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": tok})
}

func opsRoles(t *testing.T, r *opsRun) {
	const lst = `query($org: String!, $first: Int) { astro { organization(id: $org) { roles(first: $first, scopeTypes: [DEPLOYMENT, DAG]) {
		totalCount nodes { id roleId name scopeType permissions } defaultRoles { name scopeType permissions } } } } }`
	d := r.succeed(t, []string{"ListRoles", "GetCustomRole"}, lst, map[string]any{"org": r.org, "first": 20})
	roles := list(t, d, "astro.organization.roles.nodes")
	require.NotEmpty(t, roles)
	assert.NotEmpty(t, list(t, roles, "0.permissions"), "a listed role's permissions come from GetCustomRole")
	assert.NotEmpty(t, list(t, d, "astro.organization.roles.defaultRoles"), "asked for because the field is selected")
	r.rejectBeforeWrite(t, "ListRoles", "BAD_USER_INPUT", lst, map[string]any{"org": r.org, "first": -1})

	d = r.succeed(t, []string{"ListRoleTemplates"}, `query($org: String!) { astro { organization(id: $org) { roleTemplates(scopeTypes: [DEPLOYMENT]) { name scopeType permissions } } } }`,
		map[string]any{"org": r.org})
	assert.NotEmpty(t, list(t, d, "astro.organization.roleTemplates"))
	r.reject(t, "ListRoleTemplates", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { roleTemplates { name } } } }`, nil)

	const create = `mutation($in: CreateAstroCustomRoleInput!) { createAstroCustomRole(input: $in) { role { id roleId name scopeType permissions restrictedWorkspaceIds } } }`
	d = r.succeed(t, []string{"CreateCustomRole"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "Ops Viewer", "scopeType": "DEPLOYMENT",
		"permissions": []any{"deployment.get"}}})
	role := str(t, d, "createAstroCustomRole.role.roleId")
	assert.Equal(t, []any{"deployment.get"}, list(t, d, "createAstroCustomRole.role.permissions"))
	e := r.reject(t, "CreateCustomRole", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "x", "scopeType": "DAG", "permissions": []any{}}})
	assert.Equal(t, "input.permissions", e.Extensions["field"])
	e = r.reject(t, "CreateCustomRole", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "x", "scopeType": "WORKSPACE", "permissions": []any{"a"}}})
	assert.Equal(t, "in.scopeType", e.Extensions["field"], "custom roles are DEPLOYMENT or DAG roles")
	r.reject(t, "CreateCustomRole", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": "x", "scopeType": "DAG", "permissions": []any{"not.a.permission"}}})

	const get = `query($org: String!, $id: String!) { astro { organization(id: $org) { role(id: $id) { name permissions } } } }`
	d = r.succeed(t, []string{"GetCustomRole"}, get, map[string]any{"org": r.org, "id": role})
	assert.Equal(t, "Ops Viewer", str(t, d, "astro.organization.role.name"))
	r.reject(t, "GetCustomRole", "NOT_FOUND", true, get, map[string]any{"org": r.org, "id": missingID})

	const update = `mutation($in: UpdateAstroCustomRoleInput!) { updateAstroCustomRole(input: $in) { role { name permissions } } }`
	d = r.succeed(t, []string{"UpdateCustomRole"}, update, map[string]any{"in": map[string]any{"organizationId": r.org, "roleId": role, "name": "Ops Viewer 2",
		"permissions": []any{"deployment.get", "deployment.logs.get"}}})
	assert.Len(t, list(t, d, "updateAstroCustomRole.role.permissions"), 2)
	r.reject(t, "UpdateCustomRole", "NOT_FOUND", true, update, map[string]any{"in": map[string]any{"organizationId": r.org, "roleId": missingID, "name": "x", "permissions": []any{"deployment.get"}}})

	const del = `mutation($org: String!, $id: String!) { deleteAstroCustomRole(input: {organizationId: $org, roleId: $id}) { id roleId } }`
	r.succeed(t, []string{"DeleteCustomRole"}, del, map[string]any{"org": r.org, "id": role})
	r.reject(t, "DeleteCustomRole", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": role})
}

func opsAllowlist(t *testing.T, r *opsRun) {
	const lst = `query($org: String!, $first: Int) { astro { organization(id: $org) { allowedIpAddressRanges(first: $first, sorts: [IP_ADDRESS_ASC]) { totalCount nodes { id ipAddressRange } } } } }`
	const create = `mutation($in: CreateAstroAllowedIpAddressRangeInput!) { createAstroAllowedIpAddressRange(input: $in) { allowedIpAddressRange { id ipAddressRange organizationId } } }`
	d := r.succeed(t, []string{"CreateAllowedIpAddressRange"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "ipAddressRange": "203.0.113.0/24"}})
	one := str(t, d, "createAstroAllowedIpAddressRange.allowedIpAddressRange.id")
	e := r.reject(t, "CreateAllowedIpAddressRange", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "ipAddressRange": "not-a-cidr"}})
	assert.NotEmpty(t, e.Message)
	r.reject(t, "CreateAllowedIpAddressRange", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "ipAddressRange": ""}})

	const bulk = `mutation($in: BulkCreateAstroAllowedIpAddressRangesInput!) { bulkCreateAstroAllowedIpAddressRanges(input: $in) { allowedIpAddressRanges { id ipAddressRange } } }`
	d = r.succeed(t, []string{"BulkCreateAllowedIpAddressRanges"}, bulk, map[string]any{"in": map[string]any{"organizationId": r.org,
		"allowedIpAddressRanges": []any{"198.51.100.0/24", "192.0.2.0/24"}}})
	var ids []any
	for _, n := range list(t, d, "bulkCreateAstroAllowedIpAddressRanges.allowedIpAddressRanges") {
		ids = append(ids, dig(t, n, "id"))
	}
	require.Len(t, ids, 2)
	e = r.reject(t, "BulkCreateAllowedIpAddressRanges", "BAD_USER_INPUT", false, bulk, map[string]any{"in": map[string]any{"organizationId": r.org, "allowedIpAddressRanges": []any{}}})
	assert.Equal(t, "input.allowedIpAddressRanges", e.Extensions["field"])
	r.reject(t, "BulkCreateAllowedIpAddressRanges", "BAD_USER_INPUT", true, bulk, map[string]any{"in": map[string]any{"organizationId": r.org,
		"allowedIpAddressRanges": []any{"198.51.100.0/24"}}})

	d = r.succeed(t, []string{"ListAllowedIpAddressRanges"}, lst, map[string]any{"org": r.org, "first": 10})
	assert.Equal(t, 3, num(t, d, "astro.organization.allowedIpAddressRanges.totalCount"))
	assert.Equal(t, "192.0.2.0/24", str(t, d, "astro.organization.allowedIpAddressRanges.nodes.0.ipAddressRange"), "sorted by address")
	r.rejectBeforeWrite(t, "ListAllowedIpAddressRanges", "BAD_USER_INPUT", lst, map[string]any{"org": r.org, "first": 100000})

	const bulkDel = `mutation($in: BulkDeleteAstroAllowedIpAddressRangesInput!) { bulkDeleteAstroAllowedIpAddressRanges(input: $in) { allowedIpAddressRangeIds } }`
	r.succeed(t, []string{"BulkDeleteAllowedIpAddressRanges"}, bulkDel, map[string]any{"in": map[string]any{"organizationId": r.org, "allowedIpAddressRangeIds": ids}})
	e = r.reject(t, "BulkDeleteAllowedIpAddressRanges", "BAD_USER_INPUT", false, bulkDel, map[string]any{"in": map[string]any{"organizationId": r.org, "allowedIpAddressRangeIds": []any{}}})
	assert.Equal(t, "input.allowedIpAddressRangeIds", e.Extensions["field"])
	r.reject(t, "BulkDeleteAllowedIpAddressRanges", "FORBIDDEN", true, bulkDel, map[string]any{"in": map[string]any{"organizationId": foreignOrg, "allowedIpAddressRangeIds": []any{one}}})

	const del = `mutation($org: String!, $id: String!) { deleteAstroAllowedIpAddressRange(input: {organizationId: $org, allowedIpAddressRangeId: $id}) { allowedIpAddressRangeId } }`
	r.succeed(t, []string{"DeleteAllowedIpAddressRange"}, del, map[string]any{"org": r.org, "id": one})
	r.reject(t, "DeleteAllowedIpAddressRange", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": one})
}
