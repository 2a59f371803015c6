package gateway_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// mutate runs a mutation, requires it to succeed and decodes its data.
func mutate(t *testing.T, env *testenv.Env, q string, vars map[string]any, out any) {
	t.Helper()
	r := env.Query(t, q, vars, env.Headers())
	require.Empty(t, r.Errors, "data: %s", r.Data)
	if out != nil {
		r.Decode(t, out)
	}
}

// get reads a JSON path ("a.b.0.c") out of raw data.
func get(t *testing.T, raw json.RawMessage, path ...any) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "no %q in %v", k, v)
			v = m[k]
		case int:
			l, ok := v.([]any)
			require.True(t, ok && k < len(l), "no [%d] in %v", k, v)
			v = l[k]
		}
	}
	return v
}

// aCluster is the cluster of some Software deployment (Houston ≥ 1.0).
func aCluster(t *testing.T, env *testenv.Env) string {
	t.Helper()
	r := env.Query(t, `{ software { deployments(first: 1) { nodes { clusterId } } } }`, nil, env.Headers())
	require.Empty(t, r.Errors)
	return get(t, r.Data, "software", "deployments", "nodes", 0, "clusterId").(string)
}

// TestSoftwareDeploymentMutations walks a deployment's life through the
// gateway, and checks that a mutation clears what it made stale: two
// creates in one operation see each other.
func TestSoftwareDeploymentMutations(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		cluster := aCluster(t, env)
		var ws struct {
			CreateSoftwareWorkspace struct {
				Workspace struct {
					ID          string `json:"id"`
					WorkspaceID string `json:"workspaceId"`
					Name        string `json:"name"`
				} `json:"workspace"`
			} `json:"createSoftwareWorkspace"`
		}
		mutate(t, env, `mutation { createSoftwareWorkspace(input: {name: "mutations", description: "made by a test"}) { workspace { id workspaceId name } } }`, nil, &ws)
		w := ws.CreateSoftwareWorkspace.Workspace
		require.Equal(t, "mutations", w.Name)

		// Mutations run in order, and each one's payload reads fresh data.
		r := env.Query(t, `mutation($ws: ID!, $c: String) {
			a: createSoftwareDeployment(input: {workspaceId: $ws, name: "alpha", clusterId: $c, executor: KUBERNETES}) {
				deployment { id name releaseName workspace { deployments { totalCount } } } }
			b: createSoftwareDeployment(input: {workspaceId: $ws, name: "beta", clusterId: $c, triggererReplicas: 1,
				dagDeployment: {type: GIT_SYNC, repositoryUrl: "https://example.com/dags.git", branchName: "main", syncInterval: 60}}) {
				deployment { id dagDeploymentType workspace { deployments { totalCount } } } } }`,
			map[string]any{"ws": w.ID, "c": cluster}, env.Headers())
		require.Empty(t, r.Errors)
		assert.EqualValues(t, 1, get(t, r.Data, "a", "deployment", "workspace", "deployments", "totalCount"))
		assert.EqualValues(t, 2, get(t, r.Data, "b", "deployment", "workspace", "deployments", "totalCount"))
		assert.Equal(t, "git_sync", get(t, r.Data, "b", "deployment", "dagDeploymentType"))
		alpha := get(t, r.Data, "a", "deployment", "id").(string)
		beta := get(t, r.Data, "b", "deployment", "id").(string)

		// Upsert by name: an existing name updates, a new one creates.
		r = env.Query(t, `mutation($ws: ID!, $c: String) {
			same: upsertSoftwareDeployment(input: {workspaceId: $ws, name: "alpha", description: "upserted"}) { created deployment { id description } }
			fresh: upsertSoftwareDeployment(input: {workspaceId: $ws, name: "gamma", clusterId: $c}) { created deployment { id name } } }`,
			map[string]any{"ws": w.WorkspaceID, "c": cluster}, env.Headers())
		require.Empty(t, r.Errors)
		assert.Equal(t, false, get(t, r.Data, "same", "created"))
		assert.Equal(t, alpha, get(t, r.Data, "same", "deployment", "id"))
		assert.Equal(t, "upserted", get(t, r.Data, "same", "deployment", "description"))
		assert.Equal(t, true, get(t, r.Data, "fresh", "created"))
		gamma := get(t, r.Data, "fresh", "deployment", "id").(string)

		r = env.Query(t, `{ software { runtimeReleases { version } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		releases := get(t, r.Data, "software", "runtimeReleases").([]any)
		newest := releases[len(releases)-1].(map[string]any)["version"].(string)

		r = env.Query(t, `mutation($id: ID!, $v: String!) {
			u: updateSoftwareDeployment(input: {deploymentId: $id, name: "alpha-2", description: "renamed"}) { deployment { name description } }
			r: updateSoftwareDeploymentRuntime(input: {deploymentId: $id, desiredRuntimeVersion: $v}) { deployment { desiredRuntimeVersion } }
			c: cancelSoftwareDeploymentRuntimeUpdate(input: {deploymentId: $id}) { deployment { runtimeVersion desiredRuntimeVersion } }
			i: updateSoftwareDeploymentImage(input: {deploymentId: $id, image: "registry.example.com/alpha:cli-7", runtimeVersion: $v}) {
				deployment { runtimeVersion deployInfo { current nextCli } } } }`,
			map[string]any{"id": alpha, "v": newest}, env.Headers())
		require.Empty(t, r.Errors)
		assert.Equal(t, "alpha-2", get(t, r.Data, "u", "deployment", "name"))
		assert.Equal(t, newest, get(t, r.Data, "r", "deployment", "desiredRuntimeVersion"))
		assert.Equal(t, get(t, r.Data, "c", "deployment", "runtimeVersion"), get(t, r.Data, "c", "deployment", "desiredRuntimeVersion"))
		assert.Equal(t, "cli-8", get(t, r.Data, "i", "deployment", "deployInfo", "nextCli"))

		// Houston's own refusal comes back as an upstream error on that
		// mutation; the ones before it are done.
		r = env.Query(t, `mutation($id: ID!) { updateSoftwareDeploymentAirflow(input: {deploymentId: $id, desiredAirflowVersion: "2.2.5"}) { deployment { id } } }`,
			map[string]any{"id": alpha}, env.Headers())
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "houston", r.Errors[0].Extensions["backend"])

		for _, id := range []string{alpha, beta, gamma} {
			mutate(t, env, `mutation($id: ID!) { deleteSoftwareDeployment(input: {deploymentId: $id}) { deployment { id name } } }`, map[string]any{"id": id}, nil)
		}
		var del struct {
			DeleteSoftwareWorkspace struct {
				Workspace struct {
					ID string `json:"id"`
				} `json:"workspace"`
			} `json:"deleteSoftwareWorkspace"`
		}
		mutate(t, env, `mutation($id: ID!) { deleteSoftwareWorkspace(input: {workspaceId: $id}) { workspace { id } } }`, map[string]any{"id": w.ID}, &del)
		assert.Equal(t, w.ID, del.DeleteSoftwareWorkspace.Workspace.ID)
		r = env.Query(t, `query($id: String!) { software { workspace(id: $id) { name } } }`, map[string]any{"id": w.WorkspaceID}, env.Headers())
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "NOT_FOUND", r.Errors[0].Extensions["code"])
	})
}

// TestSoftwarePeopleMutations covers users, teams and service accounts.
func TestSoftwarePeopleMutations(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ software {
			users(first: 100) { nodes { id email } }
			teams(first: 1) { nodes { id } }
			workspaces(first: 1) { nodes { id deployments(first: 1) { nodes { id } } } } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		ws := get(t, r.Data, "software", "workspaces", "nodes", 0, "id").(string)
		dep := get(t, r.Data, "software", "workspaces", "nodes", 0, "deployments", "nodes", 0, "id").(string)
		team := get(t, r.Data, "software", "teams", "nodes", 0, "id").(string)
		users := get(t, r.Data, "software", "users", "nodes").([]any)
		user := users[len(users)-1].(map[string]any)
		email, userID := user["email"].(string), user["id"].(string)

		r = env.Query(t, `mutation($ws: ID!, $dep: ID!, $email: String!, $team: ID!) {
			wa: addSoftwareWorkspaceUser(input: {workspaceId: $ws, email: $email, role: WORKSPACE_EDITOR}) { workspace { users(first: 100) { edges { role node { email } } } } }
			wu: updateSoftwareWorkspaceUserRole(input: {workspaceId: $ws, email: $email, role: WORKSPACE_VIEWER}) { role }
			da: addSoftwareDeploymentUser(input: {deploymentId: $dep, email: $email, role: DEPLOYMENT_EDITOR}) { roleBinding { role user { email } deployment { id } } }
			du: updateSoftwareDeploymentUserRole(input: {deploymentId: $dep, email: $email, role: DEPLOYMENT_ADMIN}) { roleBinding { role } }
			dr: removeSoftwareDeploymentUser(input: {deploymentId: $dep, email: $email}) { roleBinding { role } }
			ta: addSoftwareWorkspaceTeam(input: {workspaceId: $ws, teamId: $team, role: WORKSPACE_EDITOR}) { workspace { teams { edges { role node { id } } } } }
			tu: updateSoftwareWorkspaceTeamRole(input: {workspaceId: $ws, teamId: $team, role: WORKSPACE_ADMIN}) { role }
			tda: addSoftwareDeploymentTeam(input: {deploymentId: $dep, teamId: $team, role: DEPLOYMENT_VIEWER}) { roleBinding { role team { id } } }
			tdu: updateSoftwareDeploymentTeamRole(input: {deploymentId: $dep, teamId: $team, role: DEPLOYMENT_EDITOR}) { roleBinding { role } }
			tdr: removeSoftwareDeploymentTeam(input: {deploymentId: $dep, teamId: $team}) { roleBinding { role } }
			tr: removeSoftwareWorkspaceTeam(input: {workspaceId: $ws, teamId: $team}) { workspace { teams { totalCount } } }
			sa: addSoftwareTeamSystemRole(input: {teamId: $team, role: SYSTEM_VIEWER}) { roleBinding { role } }
			sr: removeSoftwareTeamSystemRole(input: {teamId: $team, role: SYSTEM_VIEWER}) { roleBinding { role } }
		}`, map[string]any{"ws": ws, "dep": dep, "email": email, "team": team}, env.Headers())
		require.Empty(t, r.Errors, "data: %s", r.Data)
		assert.Contains(t, string(get2(t, r.Data, "wa")), `{"role":"WORKSPACE_EDITOR","node":{"email":"`+email+`"}}`)
		assert.Equal(t, "WORKSPACE_VIEWER", get(t, r.Data, "wu", "role"))
		assert.Equal(t, "DEPLOYMENT_EDITOR", get(t, r.Data, "da", "roleBinding", "role"))
		assert.Equal(t, email, get(t, r.Data, "da", "roleBinding", "user", "email"))
		assert.Equal(t, dep, get(t, r.Data, "da", "roleBinding", "deployment", "id"))
		assert.Equal(t, "DEPLOYMENT_ADMIN", get(t, r.Data, "du", "roleBinding", "role"))
		assert.Contains(t, string(get2(t, r.Data, "ta")), `{"role":"WORKSPACE_EDITOR","node":{"id":"`+team+`"}}`)
		assert.Equal(t, "WORKSPACE_ADMIN", get(t, r.Data, "tu", "role"))
		assert.Equal(t, "DEPLOYMENT_EDITOR", get(t, r.Data, "tdu", "roleBinding", "role"))
		assert.Equal(t, "SYSTEM_VIEWER", get(t, r.Data, "sa", "roleBinding", "role"))

		mutate(t, env, `mutation($ws: ID!, $user: ID!) { removeSoftwareWorkspaceUser(input: {workspaceId: $ws, userId: $user}) { workspace { id } } }`,
			map[string]any{"ws": ws, "user": userID}, nil)

		// A new service account's key works at once, and no more once the
		// account is deleted.
		r = env.Query(t, `mutation($ws: ID!, $dep: ID!) {
			w: createSoftwareWorkspaceServiceAccount(input: {workspaceId: $ws, label: "ci", role: WORKSPACE_EDITOR}) { apiKey serviceAccount { serviceAccountId label role workspaceId } }
			d: createSoftwareDeploymentServiceAccount(input: {deploymentId: $dep, label: "deployer"}) { serviceAccount { serviceAccountId role } } }`,
			map[string]any{"ws": ws, "dep": dep}, env.Headers())
		require.Empty(t, r.Errors)
		key := get(t, r.Data, "w", "apiKey").(string)
		assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), key)
		assert.Equal(t, "WORKSPACE_EDITOR", get(t, r.Data, "w", "serviceAccount", "role"))
		assert.Equal(t, "DEPLOYMENT_VIEWER", get(t, r.Data, "d", "serviceAccount", "role"))
		wsa := get(t, r.Data, "w", "serviceAccount", "serviceAccountId").(string)
		dsa := get(t, r.Data, "d", "serviceAccount", "serviceAccountId").(string)
		asKey := map[string]string{"X-Houston-Token": key}
		r = env.Query(t, `query($ws: String!) { software { workspace(id: $ws) { name } } }`, map[string]any{"ws": ws}, asKey)
		require.NotEmpty(t, r.Errors, "a global id is not a raw id") // workspace(id) takes Houston's id
		r = env.Query(t, `query($ws: ID!) { node(id: $ws) { ... on SoftwareWorkspace { name serviceAccounts { nodes { label } } } } }`, map[string]any{"ws": ws}, asKey)
		require.Empty(t, r.Errors)
		assert.Contains(t, string(r.Data), `"label":"ci"`)

		mutate(t, env, `mutation($ws: ID!, $dep: ID!, $w: String!, $d: String!) {
			w: deleteSoftwareWorkspaceServiceAccount(input: {workspaceId: $ws, serviceAccountId: $w}) { serviceAccount { serviceAccountId } }
			d: deleteSoftwareDeploymentServiceAccount(input: {deploymentId: $dep, serviceAccountId: $d}) { serviceAccount { serviceAccountId } } }`,
			map[string]any{"ws": ws, "dep": dep, "w": wsa, "d": dsa}, nil)
		r = env.Query(t, `query($ws: ID!) { node(id: $ws) { id } }`, map[string]any{"ws": ws}, asKey)
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "UNAUTHENTICATED", r.Errors[0].Extensions["code"])
	})
}

func get2(t *testing.T, raw json.RawMessage, key string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m))
	return m[key]
}

// TestSoftwareSignUpAndLogIn runs the two anonymous writes without any
// token, then uses the token they return.
func TestSoftwareSignUpAndLogIn(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `mutation { createSoftwareUser(input: {email: "new.person@example.com", password: "s3cret-enough"}) { token user { email } } }`, nil, nil)
		require.Empty(t, r.Errors)
		assert.Equal(t, "new.person@example.com", get(t, r.Data, "createSoftwareUser", "user", "email"))
		r = env.Query(t, `mutation($p: String!) { createSoftwareToken(input: {identity: "sysadmin@example.com", password: $p}) { token } }`,
			map[string]any{"p": houstonsim.DatasetPassword}, nil)
		require.Empty(t, r.Errors)
		tok := get(t, r.Data, "createSoftwareToken", "token").(string)
		r = env.Query(t, `{ software { workspaces { totalCount } } }`, nil, map[string]string{"X-Houston-Token": tok})
		require.Empty(t, r.Errors)
		assert.Positive(t, get(t, r.Data, "software", "workspaces", "totalCount"))
	})
}

// TestSoftwareBadInput: invalid inputs are refused, naming the field,
// before any Houston request.
func TestSoftwareBadInput(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		astroID := base64.RawURLEncoding.EncodeToString([]byte("AstroDeployment:org:dep"))
		otherInstallation := base64.RawURLEncoding.EncodeToString([]byte("SoftwareWorkspace:prod:ws"))
		for _, tc := range []struct{ name, mutation, field string }{
			{"blank name", `createSoftwareDeployment(input: {workspaceId: "w", name: "  "}) { deployment { id } }`, "input.name"},
			{"astro id for a workspace", fmt.Sprintf(`createSoftwareDeployment(input: {workspaceId: %q, name: "x"}) { deployment { id } }`, astroID), "input.workspaceId"},
			{"other installation", fmt.Sprintf(`deleteSoftwareWorkspace(input: {workspaceId: %q}) { workspace { id } }`, otherInstallation), "input.workspaceId"},
			{"negative replicas", `createSoftwareDeployment(input: {workspaceId: "w", name: "x", triggererReplicas: -1}) { deployment { id } }`, "input.triggererReplicas"},
			{"git sync without repository", `updateSoftwareDeployment(input: {deploymentId: "d", dagDeployment: {type: GIT_SYNC}}) { deployment { id } }`, "input.dagDeployment.repositoryUrl"},
			{"not an e-mail address", `addSoftwareWorkspaceUser(input: {workspaceId: "w", email: "nobody"}) { workspace { id } }`, "input.email"},
			{"deployment role on a workspace", `addSoftwareWorkspaceUser(input: {workspaceId: "w", email: "a@b.c", role: DEPLOYMENT_ADMIN}) { workspace { id } }`, "input.role"},
			{"workspace role as system role", `addSoftwareTeamSystemRole(input: {teamId: "t", role: WORKSPACE_ADMIN}) { roleBinding { role } }`, "input.role"},
			{"not a version", `updateSoftwareDeploymentRuntime(input: {deploymentId: "d", desiredRuntimeVersion: "latest"}) { deployment { id } }`, "input.desiredRuntimeVersion"},
			{"blank image", `updateSoftwareDeploymentImage(input: {deploymentId: "d", image: ""}) { deployment { id } }`, "input.image"},
			{"id with spaces", `unadoptSoftwareDeployment(input: {deploymentId: "a b"}) { deployment { id } }`, "input.deploymentId"},
			{"empty password", `createSoftwareToken(input: {identity: "a@b.c", password: ""}) { token }`, "input.password"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.Houston.Reset()
				r := env.Query(t, "mutation { "+tc.mutation+" }", nil, env.Headers())
				require.Len(t, r.Errors, 1, "data: %s", r.Data)
				assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], r.Errors[0].Message)
				assert.Equal(t, tc.field, r.Errors[0].Extensions["field"])
				assert.Zero(t, env.Houston.Stats().Requests, "refused before any Houston request")
			})
		}
	})
}
