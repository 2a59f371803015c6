package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const envObjectFields = `id environmentObjectId objectKey objectType scope scopeEntityId description autoLinkDeployments setFields
	connection { type host port schema extra } airflowVariable { value isSecret } environmentVariable { value isSecret }
	metricsExport { endpoint exporterType headers } links { scopeEntityId setFields connectionOverrides { schema } airflowVariableOverrides { value } }
	excludeLinks { scopeEntityId } createdAt`

func opsEnvironment(t *testing.T, r *opsRun) {
	ws := r.dataEngineering(t)
	d := r.succeed(t, nil, `query($org: String!, $ws: String!) { astro { organization(id: $org) { deployments(workspaceIds: [$ws]) { nodes { deploymentId } } } } }`,
		map[string]any{"org": r.org, "ws": ws})
	deps := list(t, d, "astro.organization.deployments.nodes")
	require.GreaterOrEqual(t, len(deps), 2)
	dep, other := str(t, deps, "0.deploymentId"), str(t, deps, "1.deploymentId")

	const lst = `query($org: String!, $ws: String, $type: AstroEnvironmentObjectType, $first: Int) { astro { organization(id: $org) {
		environmentObjects(workspaceId: $ws, objectType: $type, first: $first, sorts: [OBJECT_KEY_ASC]) { totalCount nodes { ` + envObjectFields + ` } } } } }`
	d = r.succeed(t, []string{"ListEnvironmentObjects"}, lst, map[string]any{"org": r.org, "ws": ws, "type": "CONNECTION", "first": 20})
	objs := list(t, d, "astro.organization.environmentObjects.nodes")
	require.NotEmpty(t, objs)
	for _, o := range objs {
		assert.Equal(t, "CONNECTION", str(t, o, "objectType"))
		assert.NotEmpty(t, str(t, o, "connection.type"))
	}
	r.succeed(t, []string{"ListEnvironmentObjects"}, `query($org: String!, $ws: String!, $d: String!) { astro { organization(id: $org) {
		workspace(id: $ws) { environmentObjects { totalCount } } deployment(id: $d) { environmentObjects(resolveLinked: true) { totalCount nodes { objectKey sourceScope } } } } } }`,
		map[string]any{"org": r.org, "ws": ws, "d": dep})
	r.rejectBeforeWrite(t, "ListEnvironmentObjects", "BAD_USER_INPUT", lst, map[string]any{"org": r.org, "first": -2})

	const create = `mutation($in: CreateAstroEnvironmentObjectInput!) { createAstroEnvironmentObject(input: $in) { environmentObject { ` + envObjectFields + ` } } }`
	in := func(m map[string]any) map[string]any {
		m["organizationId"] = r.org
		return map[string]any{"in": m}
	}
	d = r.succeed(t, []string{"CreateEnvironmentObject", "GetEnvironmentObject"}, create, in(map[string]any{
		"objectKey": "ops_region", "scope": "WORKSPACE", "scopeEntityId": ws, "description": "made by a test", "autoLinkDeployments": true,
		"value": map[string]any{"airflowVariable": map[string]any{"value": "eu-west-1"}},
	}))
	variable := str(t, d, "createAstroEnvironmentObject.environmentObject.environmentObjectId")
	assert.Equal(t, "AIRFLOW_VARIABLE", str(t, d, "createAstroEnvironmentObject.environmentObject.objectType"), "the value's variant sets the type")
	assert.Equal(t, "eu-west-1", str(t, d, "createAstroEnvironmentObject.environmentObject.airflowVariable.value"))
	d = r.succeed(t, []string{"CreateEnvironmentObject"}, create, in(map[string]any{
		"objectKey": "ops_db", "scope": "WORKSPACE", "scopeEntityId": ws,
		"value": map[string]any{"connection": map[string]any{"type": "postgres", "host": "db.acme.example", "port": 5432, "login": "etl", "password": "pw", "extra": map[string]any{"sslmode": "require"}}},
		"links": []any{map[string]any{"deploymentId": dep, "overrides": map[string]any{"connection": map[string]any{"schema": "staging"}}}},
	}))
	conn := str(t, d, "createAstroEnvironmentObject.environmentObject.environmentObjectId")
	assert.Equal(t, "staging", str(t, d, "createAstroEnvironmentObject.environmentObject.links.0.connectionOverrides.schema"))
	e := r.reject(t, "CreateEnvironmentObject", "BAD_USER_INPUT", false, create, in(map[string]any{"objectKey": "two", "scope": "WORKSPACE", "scopeEntityId": ws,
		"value": map[string]any{"airflowVariable": map[string]any{"value": "a"}, "environmentVariable": map[string]any{"value": "b"}}}))
	assert.Equal(t, "input.value", e.Extensions["field"])
	e = r.reject(t, "CreateEnvironmentObject", "BAD_USER_INPUT", false, create, in(map[string]any{"objectKey": "mismatch", "scope": "WORKSPACE", "scopeEntityId": ws,
		"value": map[string]any{"airflowVariable": map[string]any{"value": "a"}},
		"links": []any{map[string]any{"deploymentId": dep, "overrides": map[string]any{"connection": map[string]any{"schema": "x"}}}},
	}))
	assert.Equal(t, "input.links[0].overrides", e.Extensions["field"], "overrides of another kind than the object")
	e = r.reject(t, "CreateEnvironmentObject", "BAD_USER_INPUT", false, create, in(map[string]any{"objectKey": "m", "scope": "WORKSPACE", "scopeEntityId": ws,
		"value": map[string]any{"metricsExport": map[string]any{"endpoint": "https://prom.example", "exporterType": "PROMETHEUS", "headers": map[string]any{"n": 1}}}}))
	assert.Equal(t, "input.value.metricsExport.headers.n", e.Extensions["field"])
	e = r.reject(t, "CreateEnvironmentObject", "BAD_USER_INPUT", false, create, in(map[string]any{"objectKey": "long", "scope": "WORKSPACE", "scopeEntityId": ws,
		"description": strings.Repeat("d", 501), "value": map[string]any{"airflowVariable": map[string]any{}}}))
	assert.Equal(t, "input.description", e.Extensions["field"])
	r.reject(t, "CreateEnvironmentObject", "BAD_USER_INPUT", true, create, in(map[string]any{"objectKey": "ops_region", "scope": "WORKSPACE", "scopeEntityId": ws,
		"value": map[string]any{"airflowVariable": map[string]any{"value": "again"}}}))

	const get = `query($org: String!, $id: String!) { astro { organization(id: $org) { environmentObject(id: $id) { ` + envObjectFields + ` } } } }`
	d = r.succeed(t, []string{"GetEnvironmentObject"}, get, map[string]any{"org": r.org, "id": conn})
	assert.Equal(t, "db.acme.example", str(t, d, "astro.organization.environmentObject.connection.host"))
	assert.Equal(t, "require", str(t, d, "astro.organization.environmentObject.connection.extra.sslmode"))
	r.reject(t, "GetEnvironmentObject", "NOT_FOUND", true, get, map[string]any{"org": r.org, "id": missingID})

	const update = `mutation($in: UpdateAstroEnvironmentObjectInput!) { updateAstroEnvironmentObject(input: $in) { environmentObject { ` + envObjectFields + ` } } }`
	d = r.succeed(t, []string{"UpdateEnvironmentObject"}, update, map[string]any{"in": map[string]any{"organizationId": r.org, "environmentObjectId": variable,
		"description": "updated", "value": map[string]any{"airflowVariable": map[string]any{"value": "us-east-1"}},
		"links": []any{map[string]any{"deploymentId": other, "overrides": map[string]any{"airflowVariable": map[string]any{"value": "ap-south-1"}}}}}})
	assert.Equal(t, "us-east-1", str(t, d, "updateAstroEnvironmentObject.environmentObject.airflowVariable.value"))
	assert.Equal(t, "ap-south-1", str(t, d, "updateAstroEnvironmentObject.environmentObject.links.0.airflowVariableOverrides.value"))
	e = r.reject(t, "UpdateEnvironmentObject", "BAD_USER_INPUT", false, update, map[string]any{"in": map[string]any{"organizationId": r.org, "environmentObjectId": variable,
		"links": []any{map[string]any{"deploymentId": other, "unsetFields": many("value", 101)}}}})
	assert.Contains(t, e.Message, "at most 100")
	r.reject(t, "UpdateEnvironmentObject", "NOT_FOUND", true, update, map[string]any{"in": map[string]any{"organizationId": r.org, "environmentObjectId": missingID, "description": "x"}})

	const exclude = `mutation($in: ExcludeLinkingAstroEnvironmentObjectInput!) { excludeLinkingAstroEnvironmentObject(input: $in) { environmentObject { excludeLinks { scopeEntityId } } } }`
	d = r.succeed(t, []string{"ExcludeLinkingEnvironmentObject", "GetEnvironmentObject"}, exclude, map[string]any{"in": map[string]any{
		"organizationId": r.org, "environmentObjectId": variable, "deploymentId": dep}})
	assert.Equal(t, dep, str(t, d, "excludeLinkingAstroEnvironmentObject.environmentObject.excludeLinks.0.scopeEntityId"), "the payload reads the object again")
	r.reject(t, "ExcludeLinkingEnvironmentObject", "NOT_FOUND", true, exclude, map[string]any{"in": map[string]any{"organizationId": r.org, "environmentObjectId": missingID, "deploymentId": dep}})

	const del = `mutation($org: String!, $id: String!) { deleteAstroEnvironmentObject(input: {organizationId: $org, environmentObjectId: $id}) { id environmentObjectId } }`
	for _, id := range []string{variable, conn} {
		r.succeed(t, []string{"DeleteEnvironmentObject"}, del, map[string]any{"org": r.org, "id": id})
	}
	r.reject(t, "DeleteEnvironmentObject", "NOT_FOUND", true, del, map[string]any{"org": r.org, "id": conn})
}

func many(s string, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = s
	}
	return out
}
