package astrosim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/astro/internal/conformance"
	"github.com/stretchr/testify/require"
)

const (
	missing = "cdoesnotexist000000000000"
	foreign = "cforeignorganization00000"
)

// readCases are the reads of the first simulator: every status of the
// organization, workspace, deployment and cluster reads, and every
// object of the Small dataset one by one, so that each deployment type,
// executor and status shape gets validated alone.
func readCases(t *testing.T, e *env, dataset string) []conformanceCase {
	t.Helper()
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	ws := tokenOf(t, e.sim, astrosim.KindWorkspace, 0)
	dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
	id := org.Scope[0]

	if dataset == astrosim.Bench {
		return []conformanceCase{
			{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=5000"), status: 200},
			{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?limit=1000"), status: 200},
			{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters"), status: 200},
			{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations", status: 200},
			{op: "ListApiTokens", tok: org.Token, path: orgPath(id, "/tokens?limit=1000"), status: 200},
			{op: "ListUsers", tok: org.Token, path: orgPath(id, "/users"), status: 200},
		}
	}

	cases := []conformanceCase{
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations", status: 200},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?productPlan=STANDARD&product=HYBRID&astronomerProduct=ASTRO&sorts=name:desc&offset=0&limit=5", status: 200},
		{op: "ListOrganizations", tok: org.Token, path: "/v1/organizations", status: 200},
		{op: "ListOrganizations", path: "/v1/organizations", status: 401},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?limit=1001", status: 400, invalid: true},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?productPlan=GOLD", status: 400, invalid: true},

		{op: "GetOrganization", tok: org.Token, path: orgPath(id), status: 200},
		{op: "GetOrganization", tok: dep.Token, path: orgPath(id, "?isLookUpOnly=true"), status: 200},
		{op: "GetOrganization", tok: org.Token, path: orgPath(foreign), status: 403},
		{op: "GetOrganization", tok: org.Token, path: orgPath(id, "?isLookUpOnly=maybe"), status: 400, invalid: true},

		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces"), status: 200},
		{op: "ListWorkspaces", tok: ws.Token, path: orgPath(id, "/workspaces?sorts=updatedAt:desc&sorts=name:asc"), status: 200},
		{op: "ListWorkspaces", tok: dep.Token, path: orgPath(id, "/workspaces"), status: 200},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?workspaceIds=", ws.Scope[1], "&workspaceIds=", missing, "&names=Analytics"), status: 200},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(foreign, "/workspaces"), status: 403},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?limit=1001"), status: 400, invalid: true},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?offset=-1"), status: 400, invalid: true},

		{op: "GetWorkspace", tok: ws.Token, path: orgPath(id, "/workspaces/", ws.Scope[1]), status: 200},
		{op: "GetWorkspace", tok: org.Token, path: orgPath(id, "/workspaces/", missing), status: 404},
		{op: "GetWorkspace", tok: dep.Token, path: orgPath(id, "/workspaces/", dep.Scope[1]), status: 403},

		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=5000"), status: 200},
		{op: "ListDeployments", tok: ws.Token, path: orgPath(id, "/deployments?sorts=createdAt:desc"), status: 200},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?deploymentIds=", dep.Scope[2], "&deploymentIds=", missing, "&workspaceIds=", dep.Scope[1], "&names=x"), status: 200},
		{op: "ListDeployments", tok: org.Token, path: orgPath(foreign, "/deployments"), status: 403},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?sorts=status:asc"), status: 400, invalid: true},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=-5"), status: 400, invalid: true},

		{op: "GetDeployment", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2]), status: 200},
		{op: "GetDeployment", tok: org.Token, path: orgPath(id, "/deployments/", missing), status: 404},
		{op: "GetDeployment", tok: ws.Token, path: orgPath(id, "/deployments/", dep.Scope[2]), status: 403},

		{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters?provider=AWS&sorts=createdAt:asc"), status: 200},
		{op: "ListClusters", tok: ws.Token, path: orgPath(id, "/clusters"), status: 403},
		{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters?provider=aws"), status: 400, invalid: true},

		{op: "GetCluster", tok: org.Token, path: orgPath(id, "/clusters/", missing), status: 404},
		{op: "GetCluster", tok: dep.Token, path: orgPath(id, "/clusters/", missing), status: 403},

		// Query parameters of the later operations.
		{op: "ListPermissionGroups", tok: ws.Token, path: "/v1/authorization/permission-groups?scopeType=DAG", status: 200},
		{op: "ListPermissionGroups", tok: ws.Token, path: "/v1/authorization/permission-groups?scopeType=GALAXY", status: 400, invalid: true},
		{op: "GetSelfUser", tok: pat.Token, path: "/v1/users/self?createIfNotExist=maybe", status: 400, invalid: true},
		{op: "GetClusterOptions", tok: org.Token, path: orgPath(id, "/cluster-options?type=HYBRID"), status: 200},
		{op: "GetClusterOptions", tok: org.Token, path: orgPath(id, "/cluster-options"), status: 400, invalid: true},
		{op: "GetDeploymentOptions", tok: org.Token, path: orgPath(id, "/deployment-options?deploymentId=", dep.Scope[2]), status: 200},
		{op: "GetDeploymentOptions", tok: org.Token, path: orgPath(id, "/deployment-options?executor=SPARK"), status: 400, invalid: true},
		{op: "GetOrganizationAuditLogs", tok: org.Token, path: orgPath(id, "/audit-logs?startDate=2020-01-01T00:00:00Z"), status: 200},
		{op: "GetOrganizationAuditLogs", tok: org.Token, path: orgPath(id, "/audit-logs?startDate=yesterday"), status: 400, invalid: true},
		{op: "GetOrganizationAuditLogs", tok: ws.Token, path: orgPath(id, "/audit-logs"), status: 403},
		{op: "GetDeploymentLogs", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/logs?sources=scheduler&sources=dag-processor&limit=5&searchText=INFO"), status: 200},
		{op: "GetDeploymentLogs", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/logs"), status: 400, invalid: true},
		{op: "GetDeploymentLogs", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/logs?sources=scheduler&range=10"), status: 400, invalid: true},
		{op: "GetDeploymentLogs", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/logs?sources=kernel"), status: 400, invalid: true},
		{op: "GetDeploymentLogs", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/logs?sources=worker&startDate=2026-01-01T00:00:00Z"), status: 400},
		{op: "ListRoles", tok: org.Token, path: orgPath(id, "/roles?includeDefaultRoles=true&scopeTypes=DAG"), status: 200},
		{op: "ListRoles", tok: org.Token, path: orgPath(id, "/roles?scopeTypes=SYSTEM"), status: 400, invalid: true},
		{op: "ListRoleTemplates", tok: org.Token, path: orgPath(id, "/role-templates?scopeTypes=WORKSPACE"), status: 200},
		{op: "ListApiTokens", tok: org.Token, path: orgPath(id, "/tokens?kind=ROOT"), status: 400, invalid: true},
		{op: "ListApiTokens", tok: org.Token, path: orgPath(id, "/tokens?includeOnlyOrganizationTokens=true&sorts=tokenStartAt:desc"), status: 200},
		{op: "ListUsers", tok: org.Token, path: orgPath(id, "/users?workspaceId=", ws.Scope[1], "&sorts=fullName:asc"), status: 200},
		{op: "ListUsers", tok: org.Token, path: orgPath(id, "/users?sorts=email:asc"), status: 400, invalid: true},
		{op: "ListTeams", tok: org.Token, path: orgPath(id, "/teams?limit=1001"), status: 400, invalid: true},
		{op: "ListAllowedIpAddressRanges", tok: org.Token, path: orgPath(id, "/allowed-ip-address-ranges?sorts=ipAddress:desc"), status: 200},
		{op: "ListEnvironmentObjects", tok: org.Token, path: orgPath(id, "/environment-objects?objectType=CONNECTION&showSecrets=true"), status: 200},
		{op: "ListDeploys", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/deploys?limit=1"), status: 200},
		{op: "ListAgentTokens", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2], "/agent-tokens?sorts=createdById:asc"), status: 200},
	}
	// Every object of both organizations one by one.
	for _, o := range pat.Scope {
		cases = append(cases, conformanceCase{op: "GetOrganization", tok: pat.Token, path: orgPath(o), status: 200})
		for _, c := range e.list(t, pat.Token, orgPath(o, "/clusters")).Clusters {
			cases = append(cases, conformanceCase{op: "GetCluster", tok: pat.Token, path: orgPath(o, "/clusters/", c.ID), status: 200})
		}
		for _, w := range e.list(t, pat.Token, orgPath(o, "/workspaces")).Workspaces {
			cases = append(cases, conformanceCase{op: "GetWorkspace", tok: pat.Token, path: orgPath(o, "/workspaces/", w.ID), status: 200})
		}
		for _, d := range e.list(t, pat.Token, orgPath(o, "/deployments?limit=1000")).Deployments {
			cases = append(cases, conformanceCase{op: "GetDeployment", tok: pat.Token, path: orgPath(o, "/deployments/", d.ID), status: 200})
		}
		for _, kind := range []struct{ op, list, key string }{
			{"GetTeam", "/teams", "teams"}, {"GetApiToken", "/tokens", "tokens"}, {"GetUser", "/users", "users"},
			{"GetCustomRole", "/roles", "roles"}, {"GetEnvironmentObject", "/environment-objects", "environmentObjects"},
		} {
			for _, id := range listIDs(t, e, pat.Token, orgPath(o, kind.list), kind.key) {
				cases = append(cases, conformanceCase{op: kind.op, tok: pat.Token, path: orgPath(o, kind.list, "/", id), status: 200})
			}
		}
	}
	return cases
}

// listIDs returns the ids of a list's items under key.
func listIDs(t *testing.T, e *env, tok, path, key string) []string {
	t.Helper()
	r := e.get(t, tok, path+"?limit=100")
	require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r.body)
	var page map[string][]map[string]any
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(r.body, &raw))
	require.NoError(t, json.Unmarshal([]byte(`{"items":`+string(raw[key])+`}`), &page))
	var ids []string
	for _, it := range page["items"] {
		id, _ := it["id"].(string)
		if id == "" {
			id, _ = it["userId"].(string)
		}
		ids = append(ids, id)
	}
	return ids
}

// writeCases are the requests the typed client cannot send: bodies that
// break the spec (missing required fields, values out of their enum or
// range), each of which the simulator must refuse with a conforming 400,
// and the minimal create Deployment, which needs the recorded exception.
func writeCases(t *testing.T, e *env) []conformanceCase {
	t.Helper()
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
	id, wsID, depID := org.Scope[0], dep.Scope[1], dep.Scope[2]
	team := listIDs(t, e, org.Token, orgPath(id, "/teams"), "teams")[0]
	token := listIDs(t, e, org.Token, orgPath(id, "/tokens"), "tokens")[0]
	user := listIDs(t, e, org.Token, orgPath(id, "/users"), "users")[0]
	role := listIDs(t, e, org.Token, orgPath(id, "/roles"), "roles")[0]
	deploy := listIDs(t, e, dep.Token, orgPath(id, "/deployments/", depID, "/deploys"), "deploys")[0]
	cluster := e.list(t, org.Token, orgPath(id, "/clusters")).Clusters[0].ID
	long := func(n int) string { return strings.Repeat("x", n) }
	post := func(op, tok, path, body string) conformanceCase {
		return conformanceCase{op: op, tok: tok, method: http.MethodPost, path: path, body: body, status: 400, invalid: true}
	}
	d := orgPath(id, "/deployments/", depID)
	return []conformanceCase{
		{op: "CreateDeployment", tok: org.Token, method: http.MethodPost, path: orgPath(id, "/deployments"),
			body: `{"name":"raw-minimal","workspaceId":"` + wsID + `"}`, status: 200, exception: conformance.MinimalCreateDeployment},
		{op: "CreateDeployment", tok: org.Token, method: http.MethodPost, path: orgPath(id, "/deployments"),
			body: `{"name":"raw-minimal","workspaceId":"` + wsID + `"}`, status: 400, exception: conformance.MinimalCreateDeployment},
		post("CreateDeployment", org.Token, orgPath(id, "/deployments"), `{"type":"DEDICATED","workspaceId":"`+wsID+`"}`),
		post("CreateDeployment", org.Token, orgPath(id, "/deployments"), `{"type":"BIG","name":"x","workspaceId":"`+wsID+`"}`),
		post("CreateDeployment", org.Token, orgPath(id, "/deployments"), `{"type":"DEDICATED","name":"x","workspaceId":"`+wsID+`","description":"`+long(1001)+`"}`),
		post("CreateDeployment", org.Token, orgPath(id, "/deployments"), `{"type":"HYBRID","name":"x","workspaceId":"`+wsID+`","scheduler":{"au":99}}`),
		post("UpdateDeployment", dep.Token, d, `{"type":"DEDICATED","name":"x","workspaceId":"`+wsID+`"}`),
		post("UpdateDeploymentHibernationOverride", dep.Token, d+"/hibernation-override", `{}`),
		post("CreateWorkspace", org.Token, orgPath(id, "/workspaces"), `{}`),
		post("CreateWorkspace", org.Token, orgPath(id, "/workspaces"), `{"name":"`+long(51)+`"}`),
		post("UpdateWorkspace", org.Token, orgPath(id, "/workspaces/", wsID), `{"name":"x"}`),
		post("UpdateOrganization", org.Token, orgPath(id), `{"name":"x"}`),
		post("CreateCluster", org.Token, orgPath(id, "/clusters"), `{"cloudProvider":"AWS","name":"x"}`),
		post("UpdateCluster", org.Token, orgPath(id, "/clusters/", cluster), `{"clusterType":"DEDICATED"}`),
		post("CreateApiToken", org.Token, orgPath(id, "/tokens"), `{"name":"x","role":"r","scope":"GALAXY"}`),
		post("UpdateApiToken", org.Token, orgPath(id, "/tokens/", token), `{"name":""}`),
		post("UpdateApiTokenRoles", org.Token, orgPath(id, "/tokens/", token, "/roles"), `{"roles":[]}`),
		post("CreateAgentToken", dep.Token, d+"/agent-tokens", `{"name":"x","tokenExpiryPeriodInDays":4000}`),
		post("CreateTeam", org.Token, orgPath(id, "/teams"), `{}`),
		post("UpdateTeam", org.Token, orgPath(id, "/teams/", team), `{}`),
		post("AddTeamMembers", org.Token, orgPath(id, "/teams/", team, "/members"), `{"memberIds":[]}`),
		post("UpdateTeamRoles", org.Token, orgPath(id, "/teams/", team, "/roles"), `{}`),
		post("UpdateUserRoles", org.Token, orgPath(id, "/users/", user, "/roles"), `{"organizationRole":5}`),
		post("CreateUserInvite", org.Token, orgPath(id, "/invites"), `{"inviteeEmail":"a@b.example","role":"KING"}`),
		post("CreateCustomRole", org.Token, orgPath(id, "/roles"), `{"name":"x","permissions":[],"scopeType":"DEPLOYMENT"}`),
		post("UpdateCustomRole", org.Token, orgPath(id, "/roles/", role), `{"name":"x"}`),
		post("CreateAllowedIpAddressRange", org.Token, orgPath(id, "/allowed-ip-address-ranges"), `{}`),
		post("BulkCreateAllowedIpAddressRanges", org.Token, orgPath(id, "/allowed-ip-address-ranges/bulk-create"), `{"allowedIpAddressRanges":[]}`),
		post("BulkDeleteAllowedIpAddressRanges", org.Token, orgPath(id, "/allowed-ip-address-ranges/bulk-delete"), `{"allowedIpAddressRangeIds":[]}`),
		post("CreateDeploy", dep.Token, d+"/deploys", `{"type":"ZIP"}`),
		post("UpdateDeploy", dep.Token, d+"/deploys/"+deploy, `{"description":"`+long(501)+`"}`),
		post("DeployRollback", dep.Token, d+"/deploys/"+deploy+"/rollback", `{"description":"`+long(501)+`"}`),
		post("FinalizeDeploy", dep.Token, d+"/deploys/"+deploy+"/finalize", `[]`),
		// Environment objects declare no 400: their spec-valid failures.
		{op: "CreateEnvironmentObject", tok: org.Token, method: http.MethodPost, path: orgPath(id, "/environment-objects"), status: 404,
			body: `{"objectKey":"k","objectType":"AIRFLOW_VARIABLE","scope":"WORKSPACE","scopeEntityId":"` + missing + `","airflowVariable":{"value":"v"}}`},
		{op: "ExcludeLinkingEnvironmentObject", tok: org.Token, method: http.MethodPost, path: orgPath(id, "/environment-objects/", missing, "/exclude-linking"),
			body: `{"scope":"DEPLOYMENT","scopeEntityId":"` + depID + `"}`, status: 404},
	}
}
