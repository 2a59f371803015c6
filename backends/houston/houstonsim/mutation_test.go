package houstonsim_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// client sends documents to one simulator.
type client func(auth, q string, vars map[string]any) response

// must sends a document and fails unless it succeeds.
func (c client) must(t *testing.T, auth, q string, vars map[string]any) response {
	t.Helper()
	r := c(auth, q, vars)
	mustOK(t, r)
	return r
}

// code returns the extensions.code of the only error of r.
func code(t *testing.T, r response) string {
	t.Helper()
	require.Lenf(t, r.Errors, 1, "want one error in %v", r.Raw)
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

const (
	mCreate = `mutation($w: Uuid, $c: Uuid, $l: String, $r: String) {
		upsertDeployment(workspaceUuid: $w, clusterId: $c, label: $l, releaseName: $r, dagDeployment: {}) { id releaseName label workspace { id } } }`
	mUpdate = `mutation($d: Uuid!, $l: String) { upsertDeployment(deploymentUuid: $d, label: $l) { id label } }`
	mDelete = `mutation($d: Uuid!, $hard: Boolean) { deleteDeployment(deploymentUuid: $d, deploymentHardDelete: $hard) { id } }`
)

func TestPermissions(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	sys := token(t, sim, houstonsim.LabelSystemAdmin)
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	wsViewer := token(t, sim, houstonsim.LabelWorkspaceViewer)
	depViewer := token(t, sim, houstonsim.LabelDeploymentViewer)
	sa := token(t, sim, houstonsim.LabelServiceAccount) // WORKSPACE_EDITOR
	wsEditor := token(t, sim, houstonsim.LabelWorkspaceEditor)
	depAdmin := token(t, sim, houstonsim.LabelDeploymentAdmin)
	depEditor := token(t, sim, houstonsim.LabelDeploymentEditor)
	viewerDeps := field[[]deployment](t, do.must(t, sys.Token, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id releaseName } }`,
		map[string]any{"w": wsViewer.Scope[0]}), "workspaceDeployments")
	saDeps := field[[]deployment](t, do.must(t, sys.Token, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id releaseName } }`,
		map[string]any{"w": sa.Scope[0]}), "workspaceDeployments")

	depViewerRelease := field[deployment](t, do.must(t, sys.Token, `query($id: String!) { deployment(where: {id: $id}) { releaseName } }`,
		map[string]any{"id": depViewer.Scope[0]}), "deployment").ReleaseName
	tests := []struct {
		name, auth, query string
		vars              map[string]any
		wantCode          string // "" means success
	}{
		{"viewer cannot create a deployment", wsViewer.Token, mCreate, map[string]any{"w": wsViewer.Scope[0], "l": "x"}, "FORBIDDEN"},
		{"viewer cannot update a deployment", wsViewer.Token, mUpdate, map[string]any{"d": viewerDeps[0].ID, "l": "x"}, "FORBIDDEN"},
		{"viewer cannot delete a deployment", wsViewer.Token, mDelete, map[string]any{"d": viewerDeps[0].ID}, "FORBIDDEN"},
		{"viewer cannot rename the workspace", wsViewer.Token, `mutation($w: Uuid!) { updateWorkspace(workspaceUuid: $w, payload: {label: "x"}) { id } }`,
			map[string]any{"w": wsViewer.Scope[0]}, "FORBIDDEN"},
		{"viewer cannot add users", wsViewer.Token, `mutation($w: Uuid!) { workspaceAddUser(workspaceUuid: $w, email: "a@b.c", role: WORKSPACE_VIEWER) { id } }`,
			map[string]any{"w": wsViewer.Scope[0]}, "FORBIDDEN"},
		{"viewer may read users", wsViewer.Token, `query($w: Uuid!) { workspaceUsers(workspaceUuid: $w) { id } }`,
			map[string]any{"w": wsViewer.Scope[0]}, ""},
		{"viewer may read logs", wsViewer.Token, `query($d: Uuid!) { logs(deploymentUuid: $d) { id } }`,
			map[string]any{"d": viewerDeps[0].ID}, ""},
		{"deployment viewer cannot deploy an image", depViewer.Token, `mutation($r: String!) { updateDeploymentImage(releaseName: $r, image: "x:cli-2", runtimeVersion: "11.4.0") { id } }`,
			map[string]any{"r": depViewerRelease}, "FORBIDDEN"},
		{"deployment viewer may read its deployment's users", depViewer.Token, `query($d: Id!) { deploymentUsers(deploymentId: $d) { id } }`,
			map[string]any{"d": depViewer.Scope[0]}, ""},
		{"editor (service account) may create a deployment", sa.Token, mCreate, map[string]any{"w": sa.Scope[0], "l": "sa-made"}, ""},
		{"editor may update a deployment", sa.Token, mUpdate, map[string]any{"d": saDeps[0].ID, "l": "renamed"}, ""},
		{"editor cannot delete a deployment", sa.Token, mDelete, map[string]any{"d": saDeps[0].ID}, "FORBIDDEN"},
		{"editor cannot change roles", sa.Token, `mutation($w: Uuid!) { workspaceUpsertUserRole(workspaceUuid: $w, email: "a@b.c", role: WORKSPACE_ADMIN) }`,
			map[string]any{"w": sa.Scope[0]}, "FORBIDDEN"},
		{"admin cannot touch another workspace", wsAdmin.Token, mCreate, map[string]any{"w": wsViewer.Scope[0], "l": "x"}, "FORBIDDEN"},
		{"workspace admin cannot give teams system roles", wsAdmin.Token, `mutation($t: Uuid!) { createTeamSystemRoleBinding(teamUuid: $t, role: SYSTEM_ADMIN) { role } }`,
			map[string]any{"t": "cnope"}, "FORBIDDEN"},
		{"workspace editor may create a deployment", wsEditor.Token, mCreate, map[string]any{"w": wsEditor.Scope[0], "l": "editor-made"}, ""},
		{"workspace editor cannot delete the workspace", wsEditor.Token, `mutation($w: Uuid!) { deleteWorkspace(workspaceUuid: $w) { id } }`,
			map[string]any{"w": wsEditor.Scope[0]}, "FORBIDDEN"},
		{"deployment editor may update its deployment", depEditor.Token, mUpdate, map[string]any{"d": depEditor.Scope[0], "l": "edited"}, ""},
		{"deployment editor may create a service account", depEditor.Token, `mutation($d: Uuid!) { createDeploymentServiceAccount(label: "x", deploymentUuid: $d, role: DEPLOYMENT_VIEWER) { id } }`,
			map[string]any{"d": depEditor.Scope[0]}, ""},
		{"deployment editor cannot delete its deployment", depEditor.Token, mDelete, map[string]any{"d": depEditor.Scope[0]}, "FORBIDDEN"},
		{"deployment editor cannot list its workspace", depEditor.Token, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`,
			map[string]any{"w": wsViewer.Scope[0]}, "FORBIDDEN"},
		{"deployment viewer cannot update", depViewer.Token, mUpdate, map[string]any{"d": depViewer.Scope[0], "l": "x"}, "FORBIDDEN"},
		{"deployment admin cannot give roles (workspace admins do)", depAdmin.Token, `mutation($d: Id!) { deploymentAddUserRole(email: "sysadmin@example.com", deploymentId: $d, role: DEPLOYMENT_VIEWER) { id } }`,
			map[string]any{"d": depAdmin.Scope[0]}, "FORBIDDEN"},
		{"deployment admin may delete its deployment", depAdmin.Token, mDelete, map[string]any{"d": depAdmin.Scope[0], "hard": true}, ""},
		{"anyone may create a workspace", depViewer.Token, `mutation { createWorkspace(label: "Mine") { id } }`, nil, ""},
		{"no token, no write", "", `mutation { createWorkspace(label: "Mine") { id } }`, nil, "UNAUTHENTICATED"},
		{"sysadmin: unknown deployment is not found", sys.Token, mDelete, map[string]any{"d": "cnope"}, "RESOURCE_NOT_FOUND"},
		{"bad role for a workspace", sys.Token, `mutation($w: Uuid!) { workspaceAddUser(workspaceUuid: $w, email: "a@b.c", role: DEPLOYMENT_ADMIN) { id } }`,
			map[string]any{"w": wsViewer.Scope[0]}, "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(tt.auth, tt.query, tt.vars)
			if tt.wantCode == "" {
				mustOK(t, r)
				return
			}
			assert.Equal(t, tt.wantCode, code(t, r))
		})
	}
}

// TestDataStaysConsistent follows objects through the operations that
// create, change and delete them.
func TestDataStaysConsistent(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	w := wsAdmin.Scope[0]
	count := func() int {
		return field[workspace](t, do.must(t, sys, `query($w: Uuid!) { workspace(workspaceUuid: $w) { id deploymentCount } }`,
			map[string]any{"w": w}), "workspace").DeploymentCount
	}
	before := count()

	// Create: every query sees it.
	d := field[deployment](t, do.must(t, wsAdmin.Token, mCreate, map[string]any{"w": w, "l": "brand-new", "r": "shiny-rocket-4242"}), "upsertDeployment")
	assert.Equal(t, "shiny-rocket-4242", d.ReleaseName)
	assert.Equal(t, before+1, count())
	all := field[[]deployment](t, do.must(t, sys, `{ paginatedDeployments(take: -1) { id } }`, nil), "paginatedDeployments")
	assert.Contains(t, deploymentIDs(all), d.ID)
	got := field[deployment](t, do.must(t, sys, `query($r: String) { deployment(where: {releaseName: $r}) { id label } }`,
		map[string]any{"r": d.ReleaseName}), "deployment")
	assert.Equal(t, d.ID, got.ID)
	assert.Equal(t, "BAD_USER_INPUT", code(t, do(wsAdmin.Token, mCreate, map[string]any{"w": w, "l": "brand-new"})), "labels are unique per workspace")

	// Update: visible everywhere.
	do.must(t, wsAdmin.Token, mUpdate, map[string]any{"d": d.ID, "l": "renamed"})
	list := field[[]deployment](t, do.must(t, sys, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id label } }`,
		map[string]any{"w": w}), "workspaceDeployments")
	assert.Contains(t, list, deployment{ID: d.ID, Label: "renamed"})

	// Deployment roles show on the user and in deploymentUsers.
	do.must(t, wsAdmin.Token, `mutation($d: Id!) { deploymentAddUserRole(email: "workspace.viewer@example.com", deploymentId: $d, role: DEPLOYMENT_EDITOR) { id } }`,
		map[string]any{"d": d.ID})
	users := do.must(t, sys, `query($d: Id!) { deploymentUsers(deploymentId: $d, user: {userId: "", email: "", fullName: ""}) { username roleBindings { role deployment { id } } } }`,
		map[string]any{"d": d.ID})
	assert.Contains(t, string(users.Data["deploymentUsers"]), `{"username":"workspace.viewer@example.com","roleBindings":[{"role":"WORKSPACE_VIEWER","deployment":null},{"role":"DEPLOYMENT_EDITOR","deployment":{"id":"`+d.ID+`"}}]}`)
	viewer := token(t, sim, houstonsim.LabelWorkspaceViewer).Token
	mustOK(t, do(viewer, mUpdate, map[string]any{"d": d.ID, "l": "renamed-by-viewer"}))

	// Soft delete keeps the release name; hard delete frees it.
	do.must(t, wsAdmin.Token, mDelete, map[string]any{"d": d.ID, "hard": false})
	assert.Equal(t, before, count())
	assert.Equal(t, "null", string(do.must(t, sys, `query($id: String!) { deployment(where: {id: $id}) { id } }`, map[string]any{"id": d.ID}).Data["deployment"]))
	assert.Equal(t, "BAD_USER_INPUT", code(t, do(wsAdmin.Token, mCreate, map[string]any{"w": w, "l": "again", "r": "shiny-rocket-4242"})))
	d2 := field[deployment](t, do.must(t, wsAdmin.Token, mCreate, map[string]any{"w": w, "l": "again", "r": "shiny-rocket-4343"}), "upsertDeployment")
	do.must(t, wsAdmin.Token, mDelete, map[string]any{"d": d2.ID, "hard": true})
	do.must(t, wsAdmin.Token, mCreate, map[string]any{"w": w, "l": "again", "r": "shiny-rocket-4343"})
	users = do.must(t, sys, `{ users(email: "workspace.viewer@example.com") { roleBindings { role } } }`, nil)
	assert.NotContains(t, string(users.Data["users"]), "DEPLOYMENT_EDITOR", "deleting a deployment deletes its bindings")
}

func TestWorkspacePeople(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	w := map[string]any{"w": wsAdmin.Scope[0]}
	const members = `query($w: Uuid!) { workspace(workspaceUuid: $w) { users { username } invites { email role } } }`
	type people struct {
		Users   []struct{ Username string }
		Invites []struct{ Email, Role string }
	}
	get := func() people { return field[people](t, do.must(t, wsAdmin.Token, members, w), "workspace") }

	// An unknown address is invited, once.
	const add = `mutation($w: Uuid!, $e: String!) { workspaceAddUser(workspaceUuid: $w, email: $e, role: WORKSPACE_EDITOR) { id } }`
	do.must(t, wsAdmin.Token, add, map[string]any{"w": w["w"], "e": "Later@Example.com"})
	assert.Contains(t, get().Invites, struct{ Email, Role string }{"later@example.com", "WORKSPACE_EDITOR"})
	assert.Equal(t, "USER_ALREADY_INVITED", code(t, do(wsAdmin.Token, add, map[string]any{"w": w["w"], "e": "later@example.com"})))
	// Signing up accepts the invitation.
	signup := do.must(t, "", `mutation { createUser(email: "later@example.com", password: "pw") { user { id status } token { value } } }`, nil)
	var au struct {
		User  struct{ ID, Status string }
		Token struct{ Value string }
	}
	require.NoError(t, json.Unmarshal(signup.Data["createUser"], &au))
	assert.Contains(t, get().Users, struct{ Username string }{"later@example.com"})
	assert.Empty(t, get().Invites[1:], "only the dataset's invitation is left")
	mustOK(t, do(au.Token.Value, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`, w))
	assert.Equal(t, "DUPLICATE_EMAIL", code(t, do("", `mutation { createUser(email: "LATER@example.com", password: "pw") { user { id } } }`, nil)))

	// Logging in with the password works; a wrong one does not.
	login := do.must(t, "", `mutation { createToken(identity: "later@example.com", password: "pw") { token { value } } }`, nil)
	assert.Contains(t, string(login.Data["createToken"]), `"value":"ey`)
	assert.Equal(t, "INTERNAL_SERVER_ERROR", code(t, do("", `mutation { createToken(identity: "later@example.com", password: "nope") { token { value } } }`, nil)))

	// Removing the user takes the workspace away.
	do.must(t, wsAdmin.Token, `mutation($w: Uuid!, $u: Uuid!) { workspaceRemoveUser(workspaceUuid: $w, userUuid: $u) { id } }`,
		map[string]any{"w": w["w"], "u": au.User.ID})
	assert.NotContains(t, get().Users, struct{ Username string }{"later@example.com"})
	assert.Equal(t, "FORBIDDEN", code(t, do(au.Token.Value, `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`, w)))
}

func TestTeamsGrantAccess(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	page := do.must(t, sys, `{ paginatedTeams(take: 20) { count teams { id name } } }`, nil)
	var teams struct {
		Count int
		Teams []struct{ ID, Name string }
	}
	require.NoError(t, json.Unmarshal(page.Data["paginatedTeams"], &teams))
	require.Equal(t, 3, teams.Count)
	team := teams.Teams[0]
	member := field[[]struct{ Username string }](t, do.must(t, sys, `query($t: Uuid!) { teamUsers(teamUuid: $t) { username } }`,
		map[string]any{"t": team.ID}), "teamUsers")[0].Username
	memberToken := field[struct{ Token struct{ Value string } }](t, do.must(t, "", `mutation($u: String) { createToken(identity: $u, password: "`+houstonsim.DatasetPassword+`") { token { value } } }`,
		map[string]any{"u": member}), "createToken").Token.Value

	// A workspace of its own, so that no member has a role on it.
	mine := field[workspace](t, do.must(t, wsAdmin.Token, `mutation { createWorkspace(label: "Teams") { id } }`, nil), "createWorkspace")
	w := map[string]any{"w": mine.ID, "t": team.ID}
	const wsDeps = `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`
	assert.Equal(t, "FORBIDDEN", code(t, do(memberToken, wsDeps, w)))
	do.must(t, wsAdmin.Token, `mutation($w: Uuid!, $t: Uuid!) { workspaceAddTeam(workspaceUuid: $w, teamUuid: $t, role: WORKSPACE_VIEWER) { id } }`, w)
	mustOK(t, do(memberToken, wsDeps, w))
	got := do.must(t, wsAdmin.Token, `query($w: Uuid!) { workspaceTeams(workspaceUuid: $w) { id name } }`, w)
	assert.Contains(t, string(got.Data["workspaceTeams"]), team.ID)
	assert.JSONEq(t, `"WORKSPACE_EDITOR"`, string(do.must(t, wsAdmin.Token,
		`mutation($w: Uuid!, $t: Uuid!) { workspaceUpdateTeamRole(workspaceUuid: $w, teamUuid: $t, role: WORKSPACE_EDITOR) }`, w).Data["workspaceUpdateTeamRole"]))
	do.must(t, wsAdmin.Token, `mutation($w: Uuid!, $t: Uuid!) { workspaceRemoveTeam(workspaceUuid: $w, teamUuid: $t) { id } }`, w)
	assert.Equal(t, "FORBIDDEN", code(t, do(memberToken, wsDeps, w)))

	// A system role replaces the one the team had.
	for _, role := range []string{"SYSTEM_VIEWER", "SYSTEM_ADMIN"} {
		do.must(t, sys, `mutation($t: Uuid!, $r: Role!) { createTeamSystemRoleBinding(teamUuid: $t, role: $r) { role } }`, map[string]any{"t": team.ID, "r": role})
	}
	bindings := do.must(t, sys, `query($t: Uuid!) { team(teamUuid: $t) { roleBindings { role } } }`, map[string]any{"t": team.ID})
	assert.Contains(t, string(bindings.Data["team"]), "SYSTEM_ADMIN")
	assert.NotContains(t, string(bindings.Data["team"]), "SYSTEM_VIEWER")
	mustOK(t, do(memberToken, wsDeps, w))
}

func TestServiceAccountKeys(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	w := map[string]any{"w": wsAdmin.Scope[0]}
	created := do.must(t, wsAdmin.Token, `mutation($w: Uuid!) { createWorkspaceServiceAccount(label: "bot", workspaceUuid: $w, role: WORKSPACE_VIEWER) { id apiKey category active } }`, w)
	var sa struct {
		ID, APIKey, Category string
		Active               bool
	}
	require.NoError(t, json.Unmarshal(created.Data["createWorkspaceServiceAccount"], &sa))
	assert.Regexp(t, `^[0-9a-f]{32}$`, sa.APIKey)
	assert.Equal(t, "default", sa.Category)
	assert.True(t, sa.Active)
	const wsDeps = `query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`
	mustOK(t, do(sa.APIKey, wsDeps, w))
	assert.Equal(t, "FORBIDDEN", code(t, do(sa.APIKey, mCreate, map[string]any{"w": w["w"], "l": "x"})), "a viewer key cannot create")
	assert.Contains(t, ids(sim.Tokens(), func(tok houstonsim.Token) string { return tok.Token }), sa.APIKey)

	do.must(t, wsAdmin.Token, `mutation($w: Uuid!, $s: Uuid!) { deleteWorkspaceServiceAccount(workspaceUuid: $w, serviceAccountUuid: $s) { id } }`,
		map[string]any{"w": w["w"], "s": sa.ID})
	assert.Equal(t, "UNAUTHENTICATED", code(t, do(sa.APIKey, wsDeps, w)), "a deleted key stops working")
	assert.NotContains(t, ids(sim.Tokens(), func(tok houstonsim.Token) string { return tok.Token }), sa.APIKey)
}

func TestDeleteWorkspace(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	do := client(func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) })
	tok := token(t, sim, houstonsim.LabelDeploymentViewer).Token
	const del = `mutation($w: Uuid!) { deleteWorkspace(workspaceUuid: $w) { id } }`
	full := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	assert.Equal(t, "INTERNAL_SERVER_ERROR", code(t, do(full.Token, del, map[string]any{"w": full.Scope[0]})), "deployments first")

	w := field[workspace](t, do.must(t, tok, `mutation { createWorkspace(label: "Tmp", description: "") { id } }`, nil), "createWorkspace")
	d := field[deployment](t, do.must(t, tok, mCreate, map[string]any{"w": w.ID, "l": "tmp"}), "upsertDeployment")
	do.must(t, tok, mDelete, map[string]any{"d": d.ID, "hard": true})
	do.must(t, tok, del, map[string]any{"w": w.ID})
	assert.Equal(t, "null", string(do.must(t, token(t, sim, houstonsim.LabelSystemAdmin).Token,
		`query($w: Uuid!) { workspace(workspaceUuid: $w) { id } }`, map[string]any{"w": w.ID}).Data["workspace"]))
}
