package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
)

// orgTokenHeaders are the headers of an organization token, which may not
// list organizations, read /users/self or act outside its organization.
func (r *opsRun) orgTokenHeaders(t *testing.T) map[string]string {
	t.Helper()
	for _, tok := range r.env.Astro.Tokens() {
		if tok.Label == "org:Acme Corp" {
			return map[string]string{"X-Astro-Token": tok.Token, "X-Astro-Organization-Id": tok.Scope[0], "Cache-Control": "no-cache"}
		}
	}
	t.Fatal("no organization token")
	return nil
}

// failing makes the simulator answer every request with a 500 while f runs.
func (r *opsRun) failing(t *testing.T, f func()) {
	t.Helper()
	one, zero := 1.0, 0.0
	_, err := r.env.Astro.Configure(astrosim.ConfigUpdate{FailRate: &one})
	require.NoError(t, err)
	defer func() {
		_, err := r.env.Astro.Configure(astrosim.ConfigUpdate{FailRate: &zero})
		require.NoError(t, err)
	}()
	f()
}

func opsOrganization(t *testing.T, r *opsRun) {
	vars := map[string]any{"org": r.org}
	d := r.succeed(t, []string{"ListOrganizations"}, `{ astro { organizations { totalCount nodes { id organizationId name } } } }`, nil)
	assert.Equal(t, 2, num(t, d, "astro.organizations.totalCount"), "the personal token belongs to Acme Corp and Globex")
	r.reject(t, "ListOrganizations", "UNAUTHENTICATED", true, `{ astro { organizations { totalCount } } }`, nil,
		map[string]string{"X-Astro-Token": "astrosim_pat_unknown", "Cache-Control": "no-cache"})

	d = r.succeed(t, []string{"GetOrganization"}, `query($org: String!) { astro { organization(id: $org) { id name product billingEmail isScimEnabled productPlans { productPlanName } } } }`, vars)
	assert.Equal(t, "Acme Corp", str(t, d, "astro.organization.name"))
	r.reject(t, "GetOrganization", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { name } } }`, nil)

	d = r.succeed(t, []string{"UpdateOrganization"}, `mutation($org: String!) { updateAstroOrganization(input: {organizationId: $org, name: "Acme Corporation", billingEmail: "billing@acme.example", isScimEnabled: false}) {
		organization { organizationId name billingEmail } } }`, vars)
	assert.Equal(t, "Acme Corporation", str(t, d, "updateAstroOrganization.organization.name"))
	r.reject(t, "UpdateOrganization", "BAD_USER_INPUT", false, `mutation($org: String!, $name: String!) { updateAstroOrganization(input: {organizationId: $org, name: $name, billingEmail: "b@acme.example", isScimEnabled: false}) { organization { name } } }`,
		map[string]any{"org": r.org, "name": strings.Repeat("n", 51)})
	r.reject(t, "UpdateOrganization", "FORBIDDEN", true, `mutation { updateAstroOrganization(input: {organizationId: "`+foreignOrg+`", name: "x", billingEmail: "b@x.example", isScimEnabled: false}) { organization { name } } }`, nil)

	d = r.succeed(t, []string{"GetOrganizationAuditLogs"}, `query($org: String!) { astro { organization(id: $org) { auditLogs(startDate: "2020-01-01T00:00:00Z") { text base64 events } } } }`, vars)
	assert.NotEmpty(t, list(t, d, "astro.organization.auditLogs.events"), "one event per line")
	assert.Contains(t, str(t, d, "astro.organization.auditLogs.text"), `"action":"organization.update"`, "the update above is in the audit log")
	e := r.reject(t, "GetOrganizationAuditLogs", "BAD_USER_INPUT", false, `query($org: String!) { astro { organization(id: $org) { auditLogs(startDate: "2025-01-02T00:00:00Z", endDate: "2025-01-01T00:00:00Z") { text } } } }`, vars)
	assert.Equal(t, "endDate", e.Extensions["field"])
	e = r.reject(t, "GetOrganizationAuditLogs", "BAD_USER_INPUT", false, `query($org: String!, $s: Time) { astro { organization(id: $org) { auditLogs(startDate: $s) { text } } } }`,
		map[string]any{"org": r.org, "s": "yesterday"})
	assert.Equal(t, "startDate", e.Extensions["field"])

	d = r.succeed(t, []string{"ListPermissionGroups"}, `{ astro { permissionGroups(scopeType: DEPLOYMENT) { name scope permissions { action } } } }`, nil)
	groups := list(t, d, "astro.permissionGroups")
	require.NotEmpty(t, groups)
	for i := range groups {
		// The spec's shape: a group name such as "deployment.logs", whose
		// permissions are "<name>.<action>", and its scope in words.
		assert.True(t, strings.HasPrefix(str(t, groups, itoa(i)+".name"), "deployment"), str(t, groups, itoa(i)+".name"))
		assert.NotEmpty(t, str(t, groups, itoa(i)+".scope"))
	}
	r.failing(t, func() {
		r.reject(t, "ListPermissionGroups", "UPSTREAM_ERROR", true, `{ astro { permissionGroups { name } } }`, nil)
	})

	d = r.succeed(t, []string{"GetSelfUser"}, `{ astro { self { userId username fullName roles { role scope { type entityId } } invites { inviteId } featureFlags { key } } } }`, nil)
	assert.Equal(t, "ada@acme.example", str(t, d, "astro.self.username"))
	assert.NotEmpty(t, list(t, d, "astro.self.roles"))
	r.reject(t, "GetSelfUser", "UNAUTHENTICATED", true, `{ astro { self { username } } }`, nil, r.orgTokenHeaders(t))

	d = r.succeed(t, []string{"GetClusterOptions"}, `query($org: String!) { astro { organization(id: $org) { clusterOptions(type: DEDICATED, provider: AWS) {
		provider regions { name } defaultRegion { name } nodeInstances { name cpu memory } nodeCountMax defaultVpcSubnetRange } } } }`, vars)
	opts := list(t, d, "astro.organization.clusterOptions")
	require.Len(t, opts, 1)
	assert.Equal(t, "AWS", str(t, opts, "0.provider"))
	r.reject(t, "GetClusterOptions", "BAD_USER_INPUT", false, `query($org: String!, $t: AstroClusterType!) { astro { organization(id: $org) { clusterOptions(type: $t) { provider } } } }`,
		map[string]any{"org": r.org, "t": "SHARED"})
	r.failing(t, func() {
		r.reject(t, "GetClusterOptions", "UPSTREAM_ERROR", true, `query($org: String!) { astro { organization(id: $org) { clusterOptions(type: HYBRID) { provider } } } }`, vars)
	})

	d = r.succeed(t, []string{"GetDeploymentOptions"}, `query($org: String!) { astro { organization(id: $org) { deploymentOptions(deploymentType: DEDICATED) {
		executors runtimeReleases { version airflowVersion } schedulerMachines { name spec { cpu memory } } workerMachines { name concurrency { floor ceiling default } }
		resourceQuota { cpu { floor ceiling default } } workerQueueMaxWorkers { ceiling } } } } }`, vars)
	assert.NotEmpty(t, list(t, d, "astro.organization.deploymentOptions.runtimeReleases"))
	r.reject(t, "GetDeploymentOptions", "BAD_USER_INPUT", true, `query($org: String!) { astro { organization(id: $org) { deploymentOptions(deploymentId: "`+missingID+`") { executors } } } }`, vars)
}

func opsWorkspaces(t *testing.T, r *opsRun) {
	vars := map[string]any{"org": r.org}
	d := r.succeed(t, []string{"ListWorkspaces"}, `query($org: String!) { astro { organization(id: $org) { workspaces(first: 2, sorts: [NAME_DESC]) {
		totalCount pageInfo { hasNextPage endCursor } nodes { id workspaceId name defaultClusterId } } } } }`, vars)
	ws := list(t, d, "astro.organization.workspaces.nodes")
	require.Len(t, ws, 2)
	assert.GreaterOrEqual(t, str(t, ws, "0.name"), str(t, ws, "1.name"), "sorted by name, descending")
	r.reject(t, "ListWorkspaces", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { workspaces { totalCount } } } }`, nil)

	wsID := str(t, ws, "0.workspaceId")
	d = r.succeed(t, []string{"GetWorkspace"}, `query($org: String!, $ws: String!) { astro { organization(id: $org) { workspace(id: $ws) { name description cicdEnforcedDefault } } } }`,
		map[string]any{"org": r.org, "ws": wsID})
	assert.Equal(t, str(t, ws, "0.name"), str(t, d, "astro.organization.workspace.name"))
	r.reject(t, "GetWorkspace", "NOT_FOUND", true, `query($org: String!) { astro { organization(id: $org) { workspace(id: "`+missingID+`") { name } } } }`, vars)

	const create = `mutation($in: CreateAstroWorkspaceInput!) { createAstroWorkspace(input: $in) { workspace { id workspaceId name description defaultCloudProvider defaultRegion } } }`
	d = r.succeed(t, []string{"CreateWorkspace"}, create, map[string]any{"in": map[string]any{
		"organizationId": r.org, "name": "Scratch", "description": "made by a test", "defaultCloudProvider": "AWS", "defaultRegion": "us-east-1",
	}})
	created := str(t, d, "createAstroWorkspace.workspace.workspaceId")
	assert.Equal(t, "AWS", str(t, d, "createAstroWorkspace.workspace.defaultCloudProvider"))
	e := r.reject(t, "CreateWorkspace", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{
		"organizationId": r.org, "name": "Both", "defaultClusterId": missingID, "defaultCloudProvider": "AWS", "defaultRegion": "us-east-1",
	}})
	assert.Contains(t, e.Message, "exclude each other")
	assert.Equal(t, "input.defaultClusterId", e.Extensions["field"])
	e = r.reject(t, "CreateWorkspace", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org, "name": strings.Repeat("w", 51)}})
	assert.Equal(t, "input.name", e.Extensions["field"])
	e = r.reject(t, "CreateWorkspace", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org}})
	assert.Equal(t, "in.name", e.Extensions["field"], "a missing required field names its path in the variable")

	const update = `mutation($in: UpdateAstroWorkspaceInput!) { updateAstroWorkspace(input: $in) { workspace { workspaceId name description cicdEnforcedDefault } } }`
	d = r.succeed(t, []string{"UpdateWorkspace"}, update, map[string]any{"in": map[string]any{
		"organizationId": r.org, "workspaceId": created, "name": "Scratch 2", "description": "renamed", "cicdEnforcedDefault": true,
	}})
	assert.Equal(t, "Scratch 2", str(t, d, "updateAstroWorkspace.workspace.name"))
	assert.Equal(t, true, dig(t, d, "updateAstroWorkspace.workspace.cicdEnforcedDefault"))
	r.reject(t, "UpdateWorkspace", "NOT_FOUND", true, update, map[string]any{"in": map[string]any{
		"organizationId": r.org, "workspaceId": missingID, "name": "x", "description": "", "cicdEnforcedDefault": false,
	}})

	const del = `mutation($org: String!, $ws: String!) { deleteAstroWorkspace(input: {organizationId: $org, workspaceId: $ws}) { id workspaceId } }`
	d = r.succeed(t, []string{"DeleteWorkspace"}, del, map[string]any{"org": r.org, "ws": created})
	assert.Equal(t, created, str(t, d, "deleteAstroWorkspace.workspaceId"))
	r.reject(t, "DeleteWorkspace", "NOT_FOUND", true, del, map[string]any{"org": r.org, "ws": created})
}

func opsClusters(t *testing.T, r *opsRun) {
	vars := map[string]any{"org": r.org}
	d := r.succeed(t, []string{"ListClusters"}, `query($org: String!) { astro { organization(id: $org) { clusters(provider: AWS) {
		totalCount nodes { clusterId name cloudProvider type status region nodePools { name supportedAstroMachines } healthStatus { value } metadata { externalIPs } } } } } }`, vars)
	cls := list(t, d, "astro.organization.clusters.nodes")
	require.NotEmpty(t, cls)
	for i := range cls {
		assert.Equal(t, "AWS", str(t, cls, itoa(i)+".cloudProvider"))
	}
	r.reject(t, "ListClusters", "FORBIDDEN", true, `{ astro { organization(id: "`+foreignOrg+`") { clusters { totalCount } } } }`, nil)

	clusterID := str(t, cls, "0.clusterId")
	d = r.succeed(t, []string{"GetCluster"}, `query($org: String!, $c: String!) { astro { organization(id: $org) { cluster(id: $c) { name dbInstanceType vpcSubnetRange providerAccount } } } }`,
		map[string]any{"org": r.org, "c": clusterID})
	assert.Equal(t, str(t, cls, "0.name"), str(t, d, "astro.organization.cluster.name"))
	r.reject(t, "GetCluster", "NOT_FOUND", true, `query($org: String!) { astro { organization(id: $org) { cluster(id: "`+missingID+`") { name } } } }`, vars)

	const create = `mutation($in: CreateAstroClusterInput!) { createAstroCluster(input: $in) { cluster { clusterId name cloudProvider type status region } } }`
	aws := map[string]any{"name": "scratch-aws", "type": "DEDICATED", "region": "us-west-2", "vpcSubnetRange": "172.20.0.0/20"}
	d = r.succeed(t, []string{"CreateCluster"}, create, map[string]any{"in": map[string]any{"organizationId": r.org, "cluster": map[string]any{"aws": aws}}})
	created := str(t, d, "createAstroCluster.cluster.clusterId")
	assert.Equal(t, "CREATING", str(t, d, "createAstroCluster.cluster.status"))
	assert.Equal(t, "AWS", str(t, d, "createAstroCluster.cluster.cloudProvider"))
	e := r.reject(t, "CreateCluster", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{"organizationId": r.org,
		"cluster": map[string]any{"aws": aws, "gcp": map[string]any{"name": "g", "type": "DEDICATED", "region": "r", "vpcSubnetRange": "v", "podSubnetRange": "p", "servicePeeringRange": "s", "serviceSubnetRange": "s"}}}})
	assert.Equal(t, "input.cluster", e.Extensions["field"], "a @oneOf input with two variants")
	e = r.reject(t, "CreateCluster", "BAD_USER_INPUT", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "cluster": map[string]any{"aws": map[string]any{
		"name": "bad-pool", "type": "DEDICATED", "region": "us-west-2", "vpcSubnetRange": "172.20.0.0/20",
		"nodePools": []any{map[string]any{"name": "default", "nodeInstanceType": "no-such-machine", "maxNodeCount": 10}},
	}}}})
	require.NotEmpty(t, e.Extensions["fieldErrors"], "Astro's fieldErrors reach the client")
	assert.Equal(t, "nodePools[0].nodeInstanceType", dig(t, e.Extensions["fieldErrors"], "0.field"))
	r.reject(t, "CreateCluster", "BAD_USER_INPUT", false, `mutation($org: String!) { createAstroCluster(input: {organizationId: $org, cluster: {azure: {name: "h", type: HYBRID, region: "eastus", vpcSubnetRange: "10.0.0.0/16"}}}) { cluster { name } } }`, vars)
	e = r.reject(t, "CreateCluster", "GRAPHQL_VALIDATION_FAILED", false, `mutation($org: String!) { createAstroCluster(input: {organizationId: $org, cluster: {aws: {name: "a", type: DEDICATED, region: "r", vpcSubnetRange: "v", tenantId: "azure-only"}}}) { cluster { name } } }`, vars)
	assert.Contains(t, e.Message, "tenantId", "an AWS cluster has no tenantId: the schema refuses it")

	const update = `mutation($in: UpdateAstroClusterInput!) { updateAstroCluster(input: $in) { cluster { clusterId name status workspaceIds } } }`
	other := str(t, cls, "0.clusterId")
	d = r.succeed(t, []string{"UpdateCluster"}, update, map[string]any{"in": map[string]any{"organizationId": r.org, "clusterId": other,
		"cluster": map[string]any{"dedicated": map[string]any{"name": str(t, cls, "0.name"), "k8sTags": []any{}}}}})
	assert.Equal(t, other, str(t, d, "updateAstroCluster.cluster.clusterId"))
	e = r.reject(t, "UpdateCluster", "BAD_USER_INPUT", true, update, map[string]any{"in": map[string]any{"organizationId": r.org, "clusterId": other,
		"cluster": map[string]any{"hybrid": map[string]any{"workspaceIds": []any{}}}}})
	assert.NotEmpty(t, e.Message, "a HYBRID update of a DEDICATED cluster: Astro says why")
	r.reject(t, "UpdateCluster", "BAD_USER_INPUT", false, update, map[string]any{"in": map[string]any{"organizationId": r.org, "clusterId": other,
		"cluster": map[string]any{"dedicated": map[string]any{"name": "x", "k8sTags": []any{}, "enableDr": true}}}})

	const del = `mutation($org: String!, $c: String!) { deleteAstroCluster(input: {organizationId: $org, clusterId: $c}) { id clusterId } }`
	d = r.succeed(t, []string{"DeleteCluster"}, del, map[string]any{"org": r.org, "c": created})
	assert.Equal(t, created, str(t, d, "deleteAstroCluster.clusterId"))
	r.reject(t, "DeleteCluster", "NOT_FOUND", true, del, map[string]any{"org": r.org, "c": created})
}
