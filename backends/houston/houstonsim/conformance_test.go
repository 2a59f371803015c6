package houstonsim_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// conformance is the state a run of the CLI's documents builds up: the
// objects earlier steps made, which later steps use.
type conformance struct {
	t       *testing.T
	version string
	sim     *houstonsim.Sim
	srv     *httptest.Server
	sys     string // system admin token

	clusterID    string
	oldID        string // a dataset deployment (it has log lines)
	acID         string // a dataset deployment on Astronomer Certified
	userEmail    string
	userID       string
	workspaceID  string
	teamID       string
	deployment   deployment
	accountID    string
	adoptedID    string
	newestAC     string
	newestRT     string
	previousRT   string
	logTimestamp string
}

// step is one document the CLI sends, with the variables it sends it with.
// vars may be nil (the CLI sends "variables": null); check looks at data.
type step struct {
	base  string
	auth  func(c *conformance) string
	vars  func(c *conformance) map[string]any
	check func(c *conformance, data map[string]json.RawMessage)
}

func asSys(c *conformance) string   { return c.sys }
func anonymous(*conformance) string { return "" }

func since(c *conformance, v string) bool {
	return slices.Compare(semver(c.t, c.version), semver(c.t, v)) >= 0
}

// decodeInto decodes data.<root> into v.
func decodeInto(c *conformance, data map[string]json.RawMessage, root string, v any) {
	c.t.Helper()
	require.NoError(c.t, json.Unmarshal(data[root], v), "data.%s", root)
}

// conformanceSteps is the order in which a CLI user's session exercises
// every operation: log in, make a workspace, people and teams, a
// deployment, work on it, then take everything down again.
func conformanceSteps() []step {
	return []step{
		{base: "HoustonVersionQuery", auth: anonymous, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.JSONEq(c.t, `{"version":"`+c.version+`"}`, string(data["appConfig"]))
		}},
		{base: "AppConfigRequest", auth: anonymous},
		{base: "AppConfigRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			switch {
			case since(c, "2.0.0"):
				return map[string]any{"clusterId": c.clusterID, "workspaceUuid": "", "deploymentUuid": c.oldID}
			case since(c, "1.0.0"):
				return map[string]any{"clusterId": c.clusterID}
			}
			return nil
		}},
		{base: "AuthConfigGetRequest", auth: anonymous},
		{base: "UserCreateRequest", auth: anonymous, vars: func(c *conformance) map[string]any {
			return map[string]any{"email": c.userEmail, "password": "s3cret"}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var got struct {
				User  struct{ ID, Status string }
				Token struct{ Value string }
			}
			decodeInto(c, data, "createUser", &got)
			assert.Equal(c.t, "active", got.User.Status)
			assert.NotEmpty(c.t, got.Token.Value)
			c.userID = got.User.ID
		}},
		{base: "TokenBasicCreateRequest", auth: anonymous, vars: func(c *conformance) map[string]any {
			return map[string]any{"identity": "sysadmin@example.com", "password": houstonsim.DatasetPassword}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var got struct{ Token struct{ Value string } }
			decodeInto(c, data, "createToken", &got)
			c.sys = got.Token.Value // the rest of the session uses the new token
		}},
		{base: "AvailableNamespacesGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			if since(c, "1.0.0") {
				return map[string]any{"clusterId": c.clusterID}
			}
			return nil
		}},
		{base: "GetRuntimeReleases", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"clusterId": c.clusterID}
		}},
		{base: "GetRuntimeReleases", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"airflowVersion": "2.7.3", "clusterId": ""}
		}},
		{base: "DeploymentInfoRequest", auth: asSys},
		{base: "WorkspacesGetRequest", auth: asSys},
		{base: "WorkspacesPaginatedGetRequest", auth: asSys, vars: func(*conformance) map[string]any {
			return map[string]any{"pageSize": 2, "pageNumber": 0}
		}},
		{base: "WorkspaceCreateRequest", auth: asSys, vars: func(*conformance) map[string]any {
			return map[string]any{"label": "Conformance", "description": ""}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var w workspace
			decodeInto(c, data, "createWorkspace", &w)
			c.workspaceID = w.ID
		}},
		{base: "WorkspaceUpdateRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID, "payload": map[string]any{"label": "Conformance run", "description": "made by the test"}}
		}},
		{base: "WorkspaceGetRequest", auth: asSys, vars: workspaceUUID, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.Contains(c.t, string(data["workspace"]), `"label":"Conformance run"`)
			assert.Contains(c.t, string(data["workspace"]), `"role":"WORKSPACE_ADMIN","user":{`, "the creator administers the workspace")
		}},
		{base: "ValidateWorkspaceIDGetRequest", auth: asSys, vars: workspaceUUID},
		{base: "WorkspaceUserAddRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID, "email": c.userEmail, "role": "WORKSPACE_VIEWER"}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.Contains(c.t, string(data["workspaceAddUser"]), c.userID)
		}},
		{base: "WorkspaceGetUsersRequest", auth: asSys, vars: workspaceUUID},
		{base: "WorkspacePaginatedGetUsersRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "cursorUuid": "", "take": 20}
		}},
		{base: "WorkspaceGetUserRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "email": c.userEmail}
		}},
		{base: "WorkspaceUserUpdateRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "email": c.userEmail, "role": "WORKSPACE_EDITOR"}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.JSONEq(c.t, `"WORKSPACE_EDITOR"`, string(data["workspaceUpsertUserRole"]))
		}},
		{base: "PaginatedTeamsRequest", auth: asSys, vars: func(*conformance) map[string]any {
			return map[string]any{"cursor": "", "take": 20}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var page struct {
				Count int
				Teams []struct{ ID string }
			}
			decodeInto(c, data, "paginatedTeams", &page)
			require.NotEmpty(c.t, page.Teams)
			assert.Equal(c.t, page.Count, len(page.Teams))
			c.teamID = page.Teams[0].ID
		}},
		{base: "TeamGetRequest", auth: asSys, vars: teamUUID},
		{base: "TeamGetUsersRequest", auth: asSys, vars: teamUUID},
		{base: "WorkspaceTeamAddRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "teamUuid": c.teamID, "role": "WORKSPACE_VIEWER"}
		}},
		{base: "WorkspaceGetTeamsRequest", auth: asSys, vars: workspaceUUID},
		{base: "TeamGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "teamUuid": c.teamID}
		}},
		{base: "WorkspaceTeamUpdateRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "teamUuid": c.teamID, "role": "WORKSPACE_EDITOR"}
		}},
		{base: "CreateTeamSystemRoleBindingMutation", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"teamUuid": c.teamID, "role": "SYSTEM_EDITOR"}
		}},
		{base: "DeleteTeamSystemRoleBindingMutation", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"teamUuid": c.teamID, "role": "SYSTEM_EDITOR"}
		}},
		{base: "DeploymentCreateRequest", auth: asSys, vars: createDeploymentVars, check: func(c *conformance, data map[string]json.RawMessage) {
			root := "upsertDeployment"
			if !since(c, "1.0.0") {
				root = "createDeployment"
			}
			decodeInto(c, data, root, &c.deployment)
			assert.Equal(c.t, "airflow", c.deployment.Type)
			assert.Regexp(c.t, `^[a-z]+-[a-z]+-\d{3,4}$`, c.deployment.ReleaseName)
			assert.Contains(c.t, string(data[root]), `"type":"flower"`, "a Celery deployment has Flower")
		}},
		{base: "DeploymentsGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.Contains(c.t, string(data["workspaceDeployments"]), c.deployment.ID, "the new deployment is listed")
		}},
		{base: "PaginatedDeploymentsGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			if since(c, "1.0.0") {
				return map[string]any{"take": -1, "clusterId": c.clusterID}
			}
			return map[string]any{"take": -1}
		}},
		{base: "DeploymentGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"id": c.deployment.ID}
		}},
		{base: "DeploymentUpdateRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			payload := map[string]any{"label": "conformance-renamed", "description": "renamed by the test"}
			vars := map[string]any{"deploymentId": c.deployment.ID, "payload": payload, "cloudRole": "",
				"executor": "KubernetesExecutor", "dagDeployment": map[string]any{}}
			if since(c, "1.0.0") {
				vars["label"], vars["description"] = payload["label"], payload["description"]
			}
			return vars
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			for _, raw := range data {
				assert.Contains(c.t, string(raw), `"label":"conformance-renamed"`)
			}
		}},
		{base: "DeploymentImageUpdateRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"releaseName": c.deployment.ReleaseName, "runtimeVersion": c.newestRT,
				"image": "registry.astro.example.com/" + c.deployment.ReleaseName + "/airflow:cli-1"}
		}},
		{base: "UpdateDeploymentRuntimeRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentUuid": c.oldID, "desiredRuntimeVersion": c.newestRT}
		}},
		{base: "CancelUpdateDeploymentRuntimeRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentUuid": c.oldID}
		}},
		{base: "UpdateDeploymentAirflowRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.acID, "desiredAirflowVersion": c.newestAC}
		}},
		{base: "DeploymentUserAddRequest", auth: asSys, vars: deploymentUserVars("DEPLOYMENT_VIEWER")},
		{base: "DeploymentUserUpdateRequest", auth: asSys, vars: deploymentUserVars("DEPLOYMENT_EDITOR")},
		{base: "DeploymentUserListRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.deployment.ID, "user": map[string]any{"userId": "", "email": "", "fullName": ""}}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.Contains(c.t, string(data["deploymentUsers"]), `"role":"DEPLOYMENT_EDITOR"`)
		}},
		{base: "DeploymentUserDeleteRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.deployment.ID, "email": c.userEmail}
		}},
		{base: "DeploymentTeamAddRequest", auth: asSys, vars: deploymentTeamVars("DEPLOYMENT_VIEWER")},
		{base: "DeploymentTeamUpdateRequest", auth: asSys, vars: deploymentTeamVars("DEPLOYMENT_EDITOR")},
		{base: "DeploymentGetTeamsRequest", auth: asSys, vars: deploymentUUID},
		{base: "DeploymentTeamRemoveRequest", auth: asSys, vars: deploymentTeamVars("")},
		{base: "CreateDeploymentServiceAccountRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": "", "deploymentUuid": c.deployment.ID, "label": "ci", "category": "default", "role": "DEPLOYMENT_EDITOR"}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var sa struct{ ID, APIKey, EntityType, DeploymentUUID string }
			decodeInto(c, data, "createDeploymentServiceAccount", &sa)
			assert.Regexp(c.t, `^[0-9a-f]{32}$`, sa.APIKey)
			assert.Equal(c.t, "DEPLOYMENT", sa.EntityType)
			assert.Equal(c.t, c.deployment.ID, sa.DeploymentUUID)
			c.accountID = sa.ID
		}},
		{base: "DeploymentServiceAccountsGetRequest", auth: asSys, vars: deploymentUUID},
		{base: "DeploymentServiceAccountDeleteRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": "", "deploymentUuid": c.deployment.ID, "serviceAccountUuid": c.accountID}
		}},
		{base: "CreateWorkspaceServiceAccountRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "deploymentUuid": "", "label": "ci", "category": "default", "role": "WORKSPACE_EDITOR"}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var sa struct{ ID string }
			decodeInto(c, data, "createWorkspaceServiceAccount", &sa)
			c.accountID = sa.ID
		}},
		{base: "WorkspaceServiceAccountsGetRequest", auth: asSys, vars: workspaceUUID},
		{base: "WorkspaceServiceAccountDeleteRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "deploymentUuid": "", "serviceAccountUuid": c.accountID}
		}},
		{base: "DeploymentLogsGetRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.oldID, "component": "scheduler", "search": "", "timestamp": c.logTimestamp}
		}},
		{base: "DeploymentLogsSubscribeRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.oldID, "component": "scheduler", "search": "", "timestamp": c.logTimestamp}
		}},
		{base: "AdoptDeploymentRequestMutation", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID, "clusterId": c.clusterID, "crNamespace": "airflow-ops",
				"crName": "ops-airflow", "label": "", "description": "", "useApcLogging": false, "useApcRegistry": false,
				"acceptIncompatibilities": true}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			var d deployment
			decodeInto(c, data, "adoptDeployment", &d)
			assert.Equal(c.t, "ops-airflow", d.ReleaseName)
			assert.Equal(c.t, "airflow-ops", d.Namespace)
			c.adoptedID = d.ID
		}},
		{base: "UnadoptDeploymentRequestMutation", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.adoptedID}
		}},
		{base: "WorkspaceTeamRemoveRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceUuid": c.workspaceID, "teamUuid": c.teamID}
		}},
		{base: "WorkspaceUserRemoveRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID, "userId": c.userID}
		}, check: func(c *conformance, data map[string]json.RawMessage) {
			assert.NotContains(c.t, string(data["workspaceRemoveUser"]), c.userID)
		}},
		{base: "DeploymentDeleteRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"deploymentId": c.deployment.ID, "deploymentHardDelete": true}
		}},
		{base: "WorkspaceDeleteRequest", auth: asSys, vars: func(c *conformance) map[string]any {
			return map[string]any{"workspaceId": c.workspaceID}
		}},
	}
}

func workspaceUUID(c *conformance) map[string]any {
	return map[string]any{"workspaceUuid": c.workspaceID}
}

func teamUUID(c *conformance) map[string]any { return map[string]any{"teamUuid": c.teamID} }

func deploymentUUID(c *conformance) map[string]any {
	return map[string]any{"deploymentUuid": c.deployment.ID}
}

func deploymentUserVars(role string) func(c *conformance) map[string]any {
	return func(c *conformance) map[string]any {
		return map[string]any{"email": c.userEmail, "role": role, "deploymentId": c.deployment.ID}
	}
}

func deploymentTeamVars(role string) func(c *conformance) map[string]any {
	return func(c *conformance) map[string]any {
		vars := map[string]any{"teamUuid": c.teamID, "deploymentUuid": c.deployment.ID}
		if role != "" {
			vars["role"] = role
		}
		return vars
	}
}

// createDeploymentVars are the variables `astro deployment create` sends to
// each version (astro-cli software/deployment/deployment.go).
func createDeploymentVars(c *conformance) map[string]any {
	vars := map[string]any{"label": "conformance", "workspaceId": c.workspaceID, "executor": "CeleryExecutor",
		"cloudRole": "", "dagDeployment": map[string]any{}, "triggererReplicas": 1}
	if since(c, "1.0.0") {
		vars["clusterId"] = c.clusterID
		vars["runtimeVersion"] = c.previousRT
	} else {
		vars["runtimeVersion"] = c.previousRT
	}
	if since(c, "2.1.0") {
		vars["mode"] = "helm"
	}
	return vars
}

// TestConformance runs, for each version the simulator poses as, every
// operation in the CLI's folder with the document the CLI sends to that
// version and the variables it sends, in the order a session would: each
// must validate and return data without errors, and lists must not be
// empty. Operations the CLI gates above a version are refused instead.
func TestConformance(t *testing.T) {
	t.Parallel()
	docs := loadCLIDocuments(t)
	for _, v := range houstonsim.SupportedVersions() {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			sim, srv := start(t, houstonsim.WithVersion(v), houstonsim.WithLogInterval(10*time.Millisecond))
			c := &conformance{t: t, version: v, sim: sim, srv: srv,
				sys: token(t, sim, houstonsim.LabelSystemAdmin).Token, userEmail: "Conformance.User@example.com"}
			c.prepare()

			picked := map[string]cliDocument{}
			for _, d := range pickForVersion(docs, semver(t, v)) {
				picked[d.base] = d
			}
			ran := map[string]bool{}
			for _, st := range conformanceSteps() {
				d, ok := picked[st.base]
				require.Truef(t, ok, "no document %s in the CLI's folder", st.base)
				ran[st.base] = true
				var vars map[string]any
				if st.vars != nil {
					vars = st.vars(c)
				}
				if gated(t, d, v) {
					r := post(t, srv, st.auth(c), d.text, vars)
					assert.Equal(t, 400, r.Status, "%s is not in Houston %s", d.file, v)
					continue
				}
				data := c.run(d, st.auth(c), vars)
				if st.check != nil {
					st.check(c, data)
				}
			}
			byRoute := sim.Stats().ByRoute
			for base, d := range picked {
				assert.Truef(t, ran[base], "%s has no step: add one to conformanceSteps", base)
				if !gated(t, d, v) {
					for _, root := range rootFieldNames(d.op) {
						assert.Positivef(t, byRoute[root], "%s: %s was executed", d.file, root)
					}
				}
			}
			t.Logf("Houston %s: %d documents, root fields executed: %v", v, len(picked), byRoute)
		})
	}
}

// prepare finds what the steps need from the dataset.
func (c *conformance) prepare() {
	r := post(c.t, c.srv, c.sys, `{ paginatedDeployments(take: -1) { id airflowVersion } runtimeReleases { version } deploymentConfig { airflowVersions } }`, nil)
	mustOK(c.t, r)
	var ds []struct {
		ID             string
		AirflowVersion *string
	}
	require.NoError(c.t, json.Unmarshal(r.Data["paginatedDeployments"], &ds))
	c.oldID = ds[0].ID
	for _, d := range ds {
		if d.AirflowVersion != nil && c.acID == "" {
			c.acID = d.ID
		}
	}
	require.NotEmpty(c.t, c.acID, "the dataset has a deployment on Astronomer Certified")
	releases := field[[]struct{ Version string }](c.t, r, "runtimeReleases")
	c.newestRT, c.previousRT = releases[len(releases)-1].Version, releases[len(releases)-2].Version
	cfg := field[struct{ AirflowVersions []string }](c.t, r, "deploymentConfig")
	c.newestAC = cfg.AirflowVersions[len(cfg.AirflowVersions)-1]
	c.clusterID = fixtureClusters(c.t)[0]
	c.logTimestamp = time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano)
}

// fixtureClusters lists the clusters deployments run on. Every version
// has the same dataset for the same seed, but only Houston 1.0 and later
// say which cluster a deployment is on, so it asks a 1.0 simulator.
func fixtureClusters(t *testing.T) []string {
	t.Helper()
	sim, srv := start(t, houstonsim.WithVersion("1.0.1"))
	r := post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, `{ paginatedDeployments(take: -1) { clusterId } }`, nil)
	mustOK(t, r)
	var out []string
	for _, d := range field[[]deployment](t, r, "paginatedDeployments") {
		if !slices.Contains(out, d.ClusterID) {
			out = append(out, d.ClusterID)
		}
	}
	slices.Sort(out)
	return out
}

// run sends one document, over websocket for a subscription, and returns
// its data, which must come without errors and with every root field set.
func (c *conformance) run(d cliDocument, auth string, vars map[string]any) map[string]json.RawMessage {
	c.t.Helper()
	var data map[string]json.RawMessage
	if d.op.Operation == "subscription" {
		data = subscribeOnce(c.t, c.srv, auth, d.text, vars)
	} else {
		r := post(c.t, c.srv, auth, d.text, vars)
		require.Equalf(c.t, 200, r.Status, "%s with %v: %v", d.file, vars, r.Errors)
		require.Emptyf(c.t, r.Errors, "%s with %v", d.file, vars)
		data = r.Data
	}
	for _, root := range rootFieldNames(d.op) {
		raw, ok := data[root]
		require.Truef(c.t, ok, "%s: no data.%s", d.file, root)
		require.NotEqualf(c.t, "null", string(raw), "%s: data.%s with %v", d.file, root, vars)
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			assert.NotEmptyf(c.t, list, "%s: data.%s with %v", d.file, root, vars)
		}
	}
	return data
}
