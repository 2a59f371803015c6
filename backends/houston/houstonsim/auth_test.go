package houstonsim_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

const noPermission = "You do not have the appropriate permissions for that"

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	sys := token(t, sim, houstonsim.LabelSystemAdmin)
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	wsViewer := token(t, sim, houstonsim.LabelWorkspaceViewer)
	depViewer := token(t, sim, houstonsim.LabelDeploymentViewer)
	sa := token(t, sim, houstonsim.LabelServiceAccount)

	// A deployment of the workspace admin's workspace, which the deployment
	// viewer may not see.
	adminDeps := field[[]deployment](t, post(t, srv, wsAdmin.Token,
		`query($w: Uuid!) { workspaceDeployments(workspaceUuid: $w) { id } }`,
		map[string]any{"w": wsAdmin.Scope[0]}), "workspaceDeployments")
	require.NotEmpty(t, adminDeps)
	otherDeployment := adminDeps[0].ID
	depViewerWorkspace := field[deployment](t, post(t, srv, sys.Token,
		`query($id: String!) { deployment(where: {id: $id}) { workspace { id } } }`,
		map[string]any{"id": depViewer.Scope[0]}), "deployment").Workspace.ID

	const (
		qWorkspaces  = `{ workspaces { id } }`
		qWorkspace   = `query($id: Uuid!) { workspace(workspaceUuid: $id) { id } }`
		qWsDeps      = `query($id: Uuid!) { workspaceDeployments(workspaceUuid: $id) { id } }`
		qDeployment  = `query($id: String!) { deployment(where: {id: $id}) { id } }`
		qReleases    = `{ runtimeReleases { version } }`
		qConfig      = `{ deploymentConfig { __typename } }`
		qPaginated   = `{ paginatedDeployments(take: -1) { id } }`
		qPaginatedWs = `{ paginatedWorkspaces { id } }`
		qAppConfig   = `{ appConfig { version } }`
	)
	id := func(v string) map[string]any { return map[string]any{"id": v} }
	tests := []struct {
		name     string
		auth     string
		query    string
		vars     map[string]any
		root     string
		wantCode string // "" means success
	}{
		{"missing token", "", qWorkspaces, nil, "workspaces", "UNAUTHENTICATED"},
		{"unknown JWT-shaped token", "aaa.bbb.ccc", qWorkspaces, nil, "workspaces", "UNAUTHENTICATED"},
		{"unknown API key", "0123456789abcdef0123456789abcdef", qWorkspaces, nil, "workspaces", "UNAUTHENTICATED"},
		{"bearer prefix of an unknown token", "Bearer nope", qWorkspaces, nil, "workspaces", "UNAUTHENTICATED"},
		{"raw token", sys.Token, qWorkspaces, nil, "workspaces", ""},
		{"bearer prefix", "Bearer " + sys.Token, qWorkspaces, nil, "workspaces", ""},
		{"api key", sa.Token, qWorkspaces, nil, "workspaces", ""},
		{"appConfig without a token", "", qAppConfig, nil, "appConfig", ""},
		{"appConfig with an unknown token", "nope", qAppConfig, nil, "appConfig", ""},
		{"runtimeReleases without a token", "", qReleases, nil, "runtimeReleases", "UNAUTHENTICATED"},
		{"deploymentConfig without a token", "", qConfig, nil, "deploymentConfig", "UNAUTHENTICATED"},
		{"paginatedWorkspaces without a token", "", qPaginatedWs, nil, "paginatedWorkspaces", "UNAUTHENTICATED"},
		{"paginatedDeployments without a token", "", qPaginated, nil, "paginatedDeployments", "UNAUTHENTICATED"},
		{"workspace without a token", "", qWorkspace, id(wsAdmin.Scope[0]), "workspace", "UNAUTHENTICATED"},
		{"deployment without a token", "", qDeployment, id(otherDeployment), "deployment", "UNAUTHENTICATED"},
		{"workspaceDeployments without a token", "", qWsDeps, id(wsAdmin.Scope[0]), "workspaceDeployments", "UNAUTHENTICATED"},
		{"viewer: own workspace", wsViewer.Token, qWorkspace, id(wsViewer.Scope[0]), "workspace", ""},
		{"viewer: other workspace", wsViewer.Token, qWorkspace, id(wsAdmin.Scope[0]), "workspace", "FORBIDDEN"},
		{"viewer: own workspace's deployments", wsViewer.Token, qWsDeps, id(wsViewer.Scope[0]), "workspaceDeployments", ""},
		{"viewer: other workspace's deployments", wsViewer.Token, qWsDeps, id(wsAdmin.Scope[0]), "workspaceDeployments", "FORBIDDEN"},
		{"viewer: deployment of another workspace", wsViewer.Token, qDeployment, id(otherDeployment), "deployment", "FORBIDDEN"},
		{"admin: deployment of own workspace", wsAdmin.Token, qDeployment, id(otherDeployment), "deployment", ""},
		{"deployment viewer: own deployment", depViewer.Token, qDeployment, id(depViewer.Scope[0]), "deployment", ""},
		{"deployment viewer: other deployment", depViewer.Token, qDeployment, id(otherDeployment), "deployment", "FORBIDDEN"},
		{"deployment viewer: its workspace", depViewer.Token, qWorkspace, id(depViewerWorkspace), "workspace", "FORBIDDEN"},
		{"deployment viewer: its workspace's list", depViewer.Token, qWsDeps, id(depViewerWorkspace), "workspaceDeployments", "FORBIDDEN"},
		{"service account: own workspace's deployments", sa.Token, qWsDeps, id(sa.Scope[0]), "workspaceDeployments", ""},
		{"service account: other workspace", sa.Token, qWorkspace, id(wsAdmin.Scope[0]), "workspace", "FORBIDDEN"},
		{"unknown workspace list for a non-member", wsViewer.Token, qWsDeps, id("cunknown"), "workspaceDeployments", "FORBIDDEN"},
		{"sysadmin: any deployment", sys.Token, qDeployment, id(otherDeployment), "deployment", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, srv, tt.auth, tt.query, tt.vars)
			require.Equal(t, http.StatusOK, r.Status)
			if tt.wantCode == "" {
				mustOK(t, r)
				assert.NotEqual(t, "null", string(r.Data[tt.root]))
				return
			}
			require.Len(t, r.Errors, 1)
			e := r.Errors[0]
			assert.Equal(t, noPermission, e.Message)
			assert.Equal(t, tt.wantCode, e.Extensions["code"])
			assert.Equal(t, []any{tt.root}, e.Path)
			assert.Equal(t, "null", string(r.Data[tt.root]), "data.%s must be null", tt.root)
		})
	}
}

// TestScopes checks what each token sees in the lists: system admins see
// everything, the others only what their role binding covers.
func TestScopes(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	sys := token(t, sim, houstonsim.LabelSystemAdmin)
	const q = `{ workspaces { id } paginatedDeployments(take: -1) { id workspace { id } } }`
	all := post(t, srv, sys.Token, q, nil)
	mustOK(t, all)
	allWorkspaces := workspaceIDs(field[[]workspace](t, all, "workspaces"))
	allDeployments := field[[]deployment](t, all, "paginatedDeployments")
	require.Len(t, allWorkspaces, 4)
	require.Len(t, allDeployments, 30)

	inWorkspace := func(ws string) []string {
		var out []string
		for _, d := range allDeployments {
			if d.Workspace.ID == ws {
				out = append(out, d.ID)
			}
		}
		return out
	}
	tests := []struct {
		label           string
		wantWorkspaces  func(tok houstonsim.Token) []string
		wantDeployments func(tok houstonsim.Token) []string
	}{
		{houstonsim.LabelSystemAdmin,
			func(houstonsim.Token) []string { return allWorkspaces },
			func(houstonsim.Token) []string { return deploymentIDs(allDeployments) }},
		{houstonsim.LabelWorkspaceAdmin,
			func(tok houstonsim.Token) []string { return tok.Scope },
			func(tok houstonsim.Token) []string { return inWorkspace(tok.Scope[0]) }},
		{houstonsim.LabelWorkspaceViewer,
			func(tok houstonsim.Token) []string { return tok.Scope },
			func(tok houstonsim.Token) []string { return inWorkspace(tok.Scope[0]) }},
		{houstonsim.LabelServiceAccount,
			func(tok houstonsim.Token) []string { return tok.Scope },
			func(tok houstonsim.Token) []string { return inWorkspace(tok.Scope[0]) }},
		{houstonsim.LabelDeploymentViewer,
			func(houstonsim.Token) []string { return []string{} },
			func(tok houstonsim.Token) []string { return tok.Scope }},
		{houstonsim.LabelWorkspaceEditor,
			func(tok houstonsim.Token) []string { return tok.Scope },
			func(tok houstonsim.Token) []string { return inWorkspace(tok.Scope[0]) }},
		{houstonsim.LabelDeploymentAdmin,
			func(houstonsim.Token) []string { return []string{} },
			func(tok houstonsim.Token) []string { return tok.Scope }},
		{houstonsim.LabelDeploymentEditor,
			func(houstonsim.Token) []string { return []string{} },
			func(tok houstonsim.Token) []string { return tok.Scope }},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			t.Parallel()
			tok := token(t, sim, tt.label)
			r := post(t, srv, tok.Token, q, nil)
			mustOK(t, r)
			assert.Equal(t, tt.wantWorkspaces(tok), workspaceIDs(field[[]workspace](t, r, "workspaces")))
			got := deploymentIDs(field[[]deployment](t, r, "paginatedDeployments"))
			assert.Equal(t, tt.wantDeployments(tok), got)
			assert.NotEmpty(t, got)
		})
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	sim := houstonsim.New()
	toks := sim.Tokens()
	labels := ids(toks, func(tok houstonsim.Token) string { return tok.Label })
	assert.Equal(t, []string{
		houstonsim.LabelSystemAdmin, houstonsim.LabelWorkspaceAdmin, houstonsim.LabelWorkspaceViewer,
		houstonsim.LabelDeploymentViewer, houstonsim.LabelServiceAccount, houstonsim.LabelWorkspaceEditor,
		houstonsim.LabelDeploymentAdmin, houstonsim.LabelDeploymentEditor,
	}, labels)
	kinds := ids(toks, func(tok houstonsim.Token) string { return tok.Kind })
	assert.Equal(t, []string{"SYSTEM_ADMIN", "WORKSPACE_ADMIN", "WORKSPACE_VIEWER", "DEPLOYMENT_VIEWER", "WORKSPACE_EDITOR",
		"WORKSPACE_EDITOR", "DEPLOYMENT_ADMIN", "DEPLOYMENT_EDITOR"}, kinds)
	for _, tok := range toks {
		if tok.Label == houstonsim.LabelServiceAccount {
			assert.Regexp(t, `^[0-9a-f]{32}$`, tok.Token, "API keys are 32 lowercase hex characters")
		} else {
			assert.Regexp(t, `^[\w-]+\.[\w-]+\.[\w-]+$`, tok.Token, "user tokens are JWTs")
		}
		if tok.Kind == "SYSTEM_ADMIN" {
			assert.Empty(t, tok.Scope)
			assert.NotNil(t, tok.Scope, "scope serialises as [] rather than null")
		} else {
			assert.Len(t, tok.Scope, 1)
		}
	}
	// The scopes of the workspace tokens are three different workspaces.
	scopes := []string{toks[1].Scope[0], toks[2].Scope[0], toks[4].Scope[0]}
	slices.Sort(scopes)
	assert.Len(t, slices.Compact(scopes), 3)

	// Tokens returns a copy.
	toks[0].Scope = append(toks[0].Scope, "x")
	assert.Empty(t, sim.Tokens()[0].Scope)
}
