package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dataEngineering is the Acme workspace with a default cluster, where a
// deployment needs nothing but a name.
func (r *opsRun) dataEngineering(t *testing.T) string {
	t.Helper()
	d := r.succeed(t, nil, `query($org: String!) { astro { organization(id: $org) { workspaces(names: ["Data Engineering"]) { nodes { workspaceId defaultClusterId } } } } }`,
		map[string]any{"org": r.org})
	ws := list(t, d, "astro.organization.workspaces.nodes")
	require.Len(t, ws, 1)
	require.NotEmpty(t, dig(t, ws, "0.defaultClusterId"))
	return str(t, ws, "0.workspaceId")
}

const createDeployment = `mutation($in: CreateAstroDeploymentInput!) { createAstroDeployment(input: $in) {
	deployment { id deploymentId name type status executor clusterId workspaceId isDevelopmentMode schedulerSize runtimeVersion workerQueues { name astroMachine } } } }`

const updateDeployment = `mutation($in: UpdateAstroDeploymentInput!) { updateAstroDeployment(input: $in) {
	deployment { deploymentId name description executor schedulerSize isDagDeployEnabled environmentVariables { key value isSecret } } } }`

func opsDeployments(t *testing.T, r *opsRun) {
	ws := r.dataEngineering(t)
	org := map[string]any{"org": r.org}
	create := func(spec map[string]any) map[string]any {
		return map[string]any{"in": map[string]any{"organizationId": r.org, "deployment": spec}}
	}

	d := r.succeed(t, []string{"CreateDeployment"}, createDeployment, create(map[string]any{"minimal": map[string]any{"workspaceId": ws, "name": "ops-minimal"}}))
	minimal := str(t, d, "createAstroDeployment.deployment.deploymentId")
	assert.Equal(t, "DEDICATED", str(t, d, "createAstroDeployment.deployment.type"), "Astro placed it on the workspace's default cluster")
	assert.Equal(t, "CREATING", str(t, d, "createAstroDeployment.deployment.status"))
	d = r.succeed(t, []string{"CreateDeployment"}, createDeployment, create(map[string]any{"dedicated": map[string]any{
		"workspaceId": ws, "name": "ops-dev", "isDevelopmentMode": true, "executor": "ASTRO", "schedulerSize": "SMALL",
		"workerQueues": []any{map[string]any{"name": "default", "isDefault": true, "astroMachine": "A5", "minWorkerCount": 0, "maxWorkerCount": 2, "workerConcurrency": 5}},
	}}))
	dev := str(t, d, "createAstroDeployment.deployment.deploymentId")
	assert.Equal(t, true, dig(t, d, "createAstroDeployment.deployment.isDevelopmentMode"))
	e := r.reject(t, "CreateDeployment", "BAD_USER_INPUT", true, createDeployment, create(map[string]any{"minimal": map[string]any{"workspaceId": ws, "name": "ops-minimal"}}))
	assert.Contains(t, e.Message, "Deployment name 'ops-minimal' already exists in this workspace")
	e = r.reject(t, "CreateDeployment", "BAD_USER_INPUT", false, createDeployment, create(map[string]any{
		"minimal": map[string]any{"workspaceId": ws, "name": "two"}, "standard": map[string]any{"workspaceId": ws, "name": "two"},
	}))
	assert.Equal(t, "input.deployment", e.Extensions["field"], "one variant only, even through variables")
	e = r.reject(t, "CreateDeployment", "BAD_USER_INPUT", false, createDeployment, create(map[string]any{"minimal": map[string]any{"workspaceId": ws, "name": strings.Repeat("n", 501)}}))
	assert.Equal(t, "input.deployment.minimal.name", e.Extensions["field"])
	e = r.reject(t, "CreateDeployment", "BAD_USER_INPUT", false, createDeployment, create(map[string]any{"hybrid": map[string]any{
		"workspaceId": ws, "name": "h", "scheduler": map[string]any{"au": 99},
	}}))
	assert.Equal(t, "input.deployment.hybrid.scheduler.au", e.Extensions["field"])
	e = r.reject(t, "CreateDeployment", "BAD_USER_INPUT", false, createDeployment, create(map[string]any{"standard": map[string]any{"workspaceId": ws, "name": "s", "region": "us-east-1"}}))
	assert.Contains(t, e.Message, "cloudProvider and region go together")
	e = r.reject(t, "CreateDeployment", "BAD_USER_INPUT", false, createDeployment, create(map[string]any{"hybrid": map[string]any{"workspaceId": ws, "name": "h", "schedulerSize": "SMALL"}}))
	assert.Equal(t, "in.deployment.hybrid.schedulerSize", e.Extensions["field"], "a HYBRID deployment has no schedulerSize: the variant cannot carry it")

	d = r.succeed(t, []string{"ListDeployments"}, `query($org: String!, $ws: String!) { astro { organization(id: $org) { deployments(workspaceIds: [$ws], orderBy: {field: NAME}) {
		totalCount nodes { deploymentId name workspace { name } } } } } }`, map[string]any{"org": r.org, "ws": ws})
	names := []string{}
	for _, n := range list(t, d, "astro.organization.deployments.nodes") {
		names = append(names, str(t, n, "name"))
	}
	assert.Contains(t, names, "ops-minimal")
	r.reject(t, "ListDeployments", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { deployments { totalCount } } } }`, nil)

	d = r.succeed(t, []string{"GetDeployment"}, `query($org: String!, $d: String!) { astro { organization(id: $org) { deployment(id: $d) {
		name status webServerCpu environmentVariables { key } hibernationSpec { schedules { hibernateAtCron } } options { executors } } } } }`,
		map[string]any{"org": r.org, "d": minimal})
	assert.Equal(t, "ops-minimal", str(t, d, "astro.organization.deployment.name"))
	r.reject(t, "GetDeployment", "NOT_FOUND", true, `query($org: String!) { astro { organization(id: $org) { deployment(id: "`+missingID+`") { name } } } }`, org)

	full := map[string]any{"workspaceId": ws, "name": "ops-minimal", "description": "updated with every setting", "executor": "CELERY", "schedulerSize": "MEDIUM",
		"isCicdEnforced": false, "isDagDeployEnabled": true, "isHighAvailability": false,
		"environmentVariables": []any{map[string]any{"key": "MODE", "isSecret": false, "value": "test"}, map[string]any{"key": "TOKEN", "isSecret": true, "value": "s3cret"}}}
	update := func(id string, spec map[string]any) map[string]any {
		return map[string]any{"in": map[string]any{"organizationId": r.org, "deploymentId": id, "deployment": spec}}
	}
	d = r.succeed(t, []string{"UpdateDeployment"}, updateDeployment, update(minimal, map[string]any{"dedicated": full}))
	assert.Equal(t, "MEDIUM", str(t, d, "updateAstroDeployment.deployment.schedulerSize"))
	vars := list(t, d, "updateAstroDeployment.deployment.environmentVariables")
	require.Len(t, vars, 2)
	assert.Nil(t, dig(t, vars, "1.value"), "Astro never returns a secret's value")
	d = r.succeed(t, []string{"GetDeployment", "UpdateDeployment"}, updateDeployment, update(minimal, map[string]any{"patch": map[string]any{"description": "patched", "schedulerSize": "LARGE"}}))
	assert.Equal(t, "patched", str(t, d, "updateAstroDeployment.deployment.description"))
	assert.Equal(t, "LARGE", str(t, d, "updateAstroDeployment.deployment.schedulerSize"))
	assert.Len(t, list(t, d, "updateAstroDeployment.deployment.environmentVariables"), 2, "a patch keeps the variables, secrets included")
	e = r.reject(t, "UpdateDeployment", "BAD_USER_INPUT", true, updateDeployment, update(minimal, map[string]any{"hybrid": map[string]any{
		"workspaceId": ws, "name": "ops-minimal", "executor": "CELERY", "scheduler": map[string]any{"au": 5, "replicas": 1},
		"isCicdEnforced": false, "isDagDeployEnabled": true, "environmentVariables": []any{},
	}}))
	assert.NotEmpty(t, e.Message, "the variant does not match the deployment's type: Astro says so")
	hybridDep := r.firstDeployment(t, r.hybrid, "HYBRID")
	e = r.rejectBeforeWrite(t, "UpdateDeployment", "BAD_USER_INPUT", updateDeployment, map[string]any{"in": map[string]any{
		"organizationId": r.hybrid, "deploymentId": hybridDep, "deployment": map[string]any{"patch": map[string]any{"schedulerSize": "SMALL"}}}})
	assert.Equal(t, "input.deployment.patch.schedulerSize", e.Extensions["field"])

	const hibernate = `mutation($in: UpdateAstroDeploymentHibernationOverrideInput!) { updateAstroDeploymentHibernationOverride(input: $in) {
		override { isActive isHibernating } deployment { deploymentId hibernationSpec { override { isHibernating } } } } }`
	d = r.succeed(t, []string{"UpdateDeploymentHibernationOverride", "GetDeployment"}, hibernate, map[string]any{"in": map[string]any{
		"organizationId": r.org, "deploymentId": dev, "isHibernating": true, "overrideUntil": "2099-01-01T00:00:00Z"}})
	assert.Equal(t, true, dig(t, d, "updateAstroDeploymentHibernationOverride.override.isHibernating"))
	assert.Equal(t, true, dig(t, d, "updateAstroDeploymentHibernationOverride.deployment.hibernationSpec.override.isHibernating"), "the payload reads the deployment again")
	r.reject(t, "UpdateDeploymentHibernationOverride", "BAD_USER_INPUT", true, hibernate, map[string]any{"in": map[string]any{
		"organizationId": r.org, "deploymentId": minimal, "isHibernating": true}})

	const wake = `mutation($org: String!, $d: String!) { deleteAstroDeploymentHibernationOverride(input: {organizationId: $org, deploymentId: $d}) { deploymentId deployment { hibernationSpec { override { isActive } } } } }`
	r.succeed(t, []string{"DeleteDeploymentHibernationOverride"}, wake, map[string]any{"org": r.org, "d": dev})
	r.reject(t, "DeleteDeploymentHibernationOverride", "NOT_FOUND", true, wake, map[string]any{"org": r.org, "d": missingID})

	opsLogs(t, r, r.firstDeployment(t, r.org, "DEDICATED"))

	const del = `mutation($org: String!, $d: String!) { deleteAstroDeployment(input: {organizationId: $org, deploymentId: $d}) { id deploymentId } }`
	for _, id := range []string{minimal, dev} {
		d = r.succeed(t, []string{"DeleteDeployment"}, del, map[string]any{"org": r.org, "d": id})
		assert.Equal(t, id, str(t, d, "deleteAstroDeployment.deploymentId"))
	}
	r.reject(t, "DeleteDeployment", "NOT_FOUND", true, del, map[string]any{"org": r.org, "d": minimal})
}

// firstDeployment is the id of the first deployment of a type in org.
func (r *opsRun) firstDeployment(t *testing.T, org, typ string) string {
	t.Helper()
	d := r.succeed(t, nil, `query($org: String!) { astro { organization(id: $org) { deployments(first: 100) { nodes { deploymentId type isDagDeployEnabled } } } } }`, map[string]any{"org": org})
	for _, n := range list(t, d, "astro.organization.deployments.nodes") {
		if str(t, n, "type") == typ && dig(t, n, "isDagDeployEnabled") == true {
			return str(t, n, "deploymentId")
		}
	}
	t.Fatalf("no %s deployment in %s", typ, org)
	return ""
}

func opsLogs(t *testing.T, r *opsRun, dep string) {
	const logs = `query($org: String!, $d: String!, $after: String, $range: Int) { astro { organization(id: $org) { deployment(id: $d) {
		logs(sources: [SCHEDULER, WORKER], first: 5, after: $after, range: $range) { searchId pageInfo { hasNextPage endCursor } nodes { timestamp source raw } } } } } }`
	vars := map[string]any{"org": r.org, "d": dep, "range": 86400}
	d := r.succeed(t, []string{"GetDeploymentLogs"}, logs, vars)
	page := dig(t, d, "astro.organization.deployment.logs")
	first := list(t, page, "nodes")
	require.Len(t, first, 5)
	require.Equal(t, true, dig(t, page, "pageInfo.hasNextPage"))
	vars["after"] = str(t, page, "pageInfo.endCursor")
	d = r.succeed(t, []string{"GetDeploymentLogs"}, logs, vars)
	second := list(t, d, "astro.organization.deployment.logs.nodes")
	require.NotEmpty(t, second)
	assert.Equal(t, str(t, page, "searchId"), str(t, d, "astro.organization.deployment.logs.searchId"), "the next page reads the same search")
	assert.LessOrEqual(t, str(t, first, "4.timestamp"), str(t, second, "0.timestamp"), "oldest first, pages in order")
	assert.NotEqual(t, str(t, first, "4.raw"), str(t, second, "0.raw"))
	for _, e := range append(first, second...) {
		assert.Contains(t, []any{"SCHEDULER", "WORKER"}, dig(t, e, "source"))
	}

	const bad = `query($org: String!, $d: String!) { astro { organization(id: $org) { deployment(id: $d) { logs(sources: [SCHEDULER], range: 10) { searchId } } } } }`
	e := r.rejectBeforeWrite(t, "GetDeploymentLogs", "BAD_USER_INPUT", bad, map[string]any{"org": r.org, "d": dep})
	assert.Equal(t, "range", e.Extensions["field"])
	const none = `query($org: String!, $d: String!) { astro { organization(id: $org) { deployment(id: $d) { logs(sources: []) { searchId } } } } }`
	e = r.rejectBeforeWrite(t, "GetDeploymentLogs", "BAD_USER_INPUT", none, map[string]any{"org": r.org, "d": dep})
	assert.Equal(t, "sources", e.Extensions["field"])
	const both = `query($org: String!, $d: String!) { astro { organization(id: $org) { deployment(id: $d) { logs(sources: [WORKER], startDate: "2025-01-01T00:00:00Z") { searchId } } } } }`
	r.rejectBeforeWrite(t, "GetDeploymentLogs", "BAD_USER_INPUT", both, map[string]any{"org": r.org, "d": dep})
}
