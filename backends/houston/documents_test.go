package houston_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// everyCall calls every method of the client that sends a document, with
// selections that hold every field the gateway reads, including fields some
// versions lack.
func everyCall(ctx context.Context, c *houston.Client) {
	dep := []houston.Field{
		{Name: "id"}, {Name: "type"}, {Name: "label"}, {Name: "description"}, {Name: "releaseName"},
		{Name: "namespace"}, {Name: "clusterId"}, {Name: "version"}, {Name: "airflowVersion"},
		{Name: "desiredAirflowVersion"}, {Name: "runtimeVersion"}, {Name: "desiredRuntimeVersion"},
		{Name: "runtimeAirflowVersion"}, {Name: "status"}, {Name: "config"}, {Name: "createdAt"}, {Name: "updatedAt"},
		{Name: "urls", Fields: houston.Fields("type", "url")}, {Name: "deployInfo", Fields: houston.Fields("current", "nextCli")},
		{Name: "dagDeployment", Fields: houston.Fields("type")}, {Name: "workspace", Fields: houston.Fields("id", "label")},
	}
	binding := []houston.Field{{Name: "id"}, {Name: "role"}, {Name: "workspace", Fields: houston.Fields("id", "label")},
		{Name: "deployment", Fields: []houston.Field{{Name: "id"}, {Name: "clusterId"}, {Name: "releaseName"}}},
		{Name: "user", Fields: houston.Fields("id", "username")}, {Name: "team", Fields: houston.Fields("id", "name")},
		{Name: "serviceAccount", Fields: houston.Fields("id", "label")}}
	ws := []houston.Field{{Name: "label"}, {Name: "description"}, {Name: "createdAt"}, {Name: "deploymentCount"},
		{Name: "roleBindings", Fields: binding}, {Name: "users", Fields: houston.Fields("id", "username")},
		{Name: "invites", Fields: houston.Fields("email", "role")}}
	user := []houston.Field{{Name: "username"}, {Name: "fullName"}, {Name: "status"},
		{Name: "emails", Fields: houston.Fields("address", "verified", "primary")}, {Name: "roleBindings", Fields: binding}}
	team := []houston.Field{{Name: "name"}, {Name: "createdAt"}, {Name: "roleBindings", Fields: binding}}
	sa := houston.Fields("id", "apiKey", "label", "category", "entityType", "entityUuid", "workspaceUuid",
		"deploymentUuid", "active", "lastUsedAt", "createdAt", "updatedAt")
	replicas := 1
	label := "x"

	_, _ = c.AppConfig(ctx, houston.Fields("version", "baseDomain", "byoUpdateRegistryHost", "smtpConfigured", "featureFlags",
		"manualReleaseNames", "configureDagDeployment", "nfsMountDagDeployment", "manualNamespaceNames",
		"hardDeleteDeployment", "triggererEnabled"))
	_, _ = c.AppConfigFor(ctx, houston.AppConfigScope{ClusterID: "c"}, houston.Fields("featureFlags"))
	_, _ = c.AppConfigFor(ctx, houston.AppConfigScope{ClusterID: "c", WorkspaceID: "w", DeploymentID: "d"}, houston.Fields("featureFlags"))
	_, _ = c.AuthConfig(ctx, []houston.Field{{Name: "localEnabled"}, {Name: "providers", Fields: houston.Fields("name", "url")}})
	_, _ = c.CreateToken(ctx, "me", "pw", []houston.Field{{Name: "token", Fields: houston.Fields("value")}, {Name: "user", Fields: user}})
	_, _ = c.CreateUser(ctx, houston.CreateUserRequest{Email: "a@b.c", Password: "pw", Username: "a"}, nil)
	_, _ = c.Self(ctx, []houston.Field{{Name: "user", Fields: user}, {Name: "isAdmin"}})
	_, _ = c.DeploymentConfig(ctx, []houston.Field{{Name: "airflowVersions"}, {Name: "airflowImages", Fields: houston.Fields("version", "tag")}})
	_, _ = c.RuntimeReleases(ctx, "2.7.3", "c", houston.Fields("version", "airflowVersion", "airflowDatabaseMigrations"))
	_, _ = c.AvailableNamespaces(ctx, "c", nil)
	_, _ = c.AvailableNamespaces(ctx, "", nil)
	_, _ = c.Workspaces(ctx, ws)
	_, _ = c.PaginatedWorkspaces(ctx, 20, 1, ws)
	_, _, _ = c.WorkspacesByID(ctx, []string{"a", "b"}, ws)
	_, _ = c.CreateWorkspace(ctx, "l", "d", ws)
	_, _ = c.UpdateWorkspace(ctx, "w", houston.WorkspaceUpdate{Label: &label}, ws)
	_, _ = c.DeleteWorkspace(ctx, "w", ws)
	_, _ = c.WorkspaceUsers(ctx, "w", user)
	_, _ = c.PaginatedWorkspaceUsers(ctx, "w", "u", -5, user)
	_, _ = c.WorkspaceUser(ctx, "w", "a@b.c", user)
	_, _ = c.WorkspaceAddUser(ctx, "w", "a@b.c", houston.RoleWorkspaceViewer, ws)
	_, _ = c.WorkspaceRemoveUser(ctx, "w", "u", ws)
	_, _ = c.WorkspaceUpsertUserRole(ctx, "w", "a@b.c", houston.RoleWorkspaceEditor)
	_, _ = c.Users(ctx, houston.UserFilter{Email: "a@b.c"}, user)
	_, _ = c.WorkspaceServiceAccounts(ctx, "w", sa)
	_, _ = c.CreateWorkspaceServiceAccount(ctx, "w", houston.ServiceAccountRequest{Label: "l", Category: "c", Role: houston.RoleWorkspaceEditor}, sa)
	_, _ = c.DeleteWorkspaceServiceAccount(ctx, "w", "s", sa)
	_, _ = c.Team(ctx, "t", "w", team)
	_, _ = c.TeamUsers(ctx, "t", user)
	_, _ = c.PaginatedTeams(ctx, houston.PaginatedTeamsOptions{Take: 20, Cursor: "t"}, []houston.Field{{Name: "count"}, {Name: "teams", Fields: team}})
	_, _ = c.WorkspaceTeams(ctx, "w", team)
	_, _ = c.DeploymentTeams(ctx, "d", team)
	_, _ = c.WorkspaceAddTeam(ctx, "w", "t", houston.RoleWorkspaceViewer, ws)
	_, _ = c.WorkspaceRemoveTeam(ctx, "w", "t", ws)
	_, _ = c.WorkspaceUpdateTeamRole(ctx, "w", "t", houston.RoleWorkspaceAdmin)
	_, _ = c.DeploymentAddTeamRole(ctx, "d", "t", houston.RoleDeploymentViewer, binding)
	_, _ = c.DeploymentUpdateTeamRole(ctx, "d", "t", houston.RoleDeploymentEditor, binding)
	_, _ = c.DeploymentRemoveTeamRole(ctx, "d", "t", binding)
	_, _ = c.CreateTeamSystemRoleBinding(ctx, "t", houston.RoleSystemViewer, binding)
	_, _ = c.DeleteTeamSystemRoleBinding(ctx, "t", houston.RoleSystemViewer, binding)
	_, _ = c.PaginatedDeployments(ctx, houston.PaginatedDeploymentsOptions{Take: -1, Name: "x"}, dep)
	_, _ = c.PaginatedDeployments(ctx, houston.PaginatedDeploymentsOptions{Take: 10, PageNumber: 1, ClusterID: "c"}, dep)
	_, _, _ = c.DeploymentsByID(ctx, []string{"a", "b"}, dep)
	_, _, _ = c.WorkspaceDeployments(ctx, []string{"a"}, dep)
	_, _ = c.CreateDeployment(ctx, houston.CreateDeploymentRequest{WorkspaceID: "w", Label: "l", Description: "d",
		RuntimeVersion: "11.4.0", TriggererReplicas: &replicas, DagDeployment: &houston.DagDeploymentSpec{Type: "git_sync", SyncInterval: 60}}, dep)
	_, _ = c.CreateDeployment(ctx, houston.CreateDeploymentRequest{WorkspaceID: "w", Label: "l", ClusterID: "c", Mode: "operator"}, dep)
	_, _ = c.CreateDeployment(ctx, houston.CreateDeploymentRequest{WorkspaceID: "w", Label: "l", AirflowVersion: "2.4.3"}, dep)
	_, _ = c.UpdateDeployment(ctx, houston.UpdateDeploymentRequest{ID: "d", Label: &label, Description: &label,
		Executor: "KubernetesExecutor", TriggererReplicas: &replicas, CloudRole: "r"}, dep)
	_, _ = c.UpdateDeploymentImage(ctx, "r", "img:cli-2", "11.4.0", dep)
	_, _ = c.DeleteDeployment(ctx, "d", true, dep)
	_, _ = c.UpdateDeploymentRuntime(ctx, "d", "11.4.0", dep)
	_, _ = c.CancelRuntimeUpdate(ctx, "d", dep)
	_, _ = c.UpdateDeploymentAirflow(ctx, "d", "2.4.3", dep)
	_, _ = c.AdoptDeployment(ctx, houston.AdoptDeploymentRequest{WorkspaceID: "w", ClusterID: "c", CRNamespace: "n", CRName: "x"}, dep)
	_, _ = c.UnadoptDeployment(ctx, "d", dep)
	_, _ = c.DeploymentUsers(ctx, "d", houston.UserFilter{}, user)
	_, _ = c.DeploymentAddUserRole(ctx, "d", "a@b.c", houston.RoleDeploymentViewer, binding)
	_, _ = c.DeploymentUpdateUserRole(ctx, "d", "a@b.c", houston.RoleDeploymentEditor, binding)
	_, _ = c.DeploymentRemoveUserRole(ctx, "d", "a@b.c", binding)
	_, _ = c.DeploymentServiceAccounts(ctx, "d", sa)
	_, _ = c.CreateDeploymentServiceAccount(ctx, "d", houston.ServiceAccountRequest{Label: "l", Role: houston.RoleDeploymentViewer}, sa)
	_, _ = c.DeleteDeploymentServiceAccount(ctx, "d", "s", sa)
	_, _ = c.Logs(ctx, houston.LogsOptions{DeploymentID: "d", Component: "scheduler", Search: "x", Since: time.Now()},
		houston.Fields("id", "timestamp", "message", "component", "level", "release"))
}

// capture records the documents a client sends to a fake Houston of
// version v, which answers the version probe and nothing else.
func capture(t *testing.T, version string) (*houston.Client, func() []houston.Request) {
	t.Helper()
	var mu sync.Mutex
	var docs []houston.Request
	c := setup(t, func(w http.ResponseWriter, r *http.Request) {
		var req houston.Request
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		if strings.Contains(req.Query, "appConfig {\n    version\n  }\n}") && !strings.Contains(req.Query, "baseDomain") {
			_, _ = io.WriteString(w, `{"data":{"appConfig":{"version":"`+version+`"}}}`)
			return
		}
		mu.Lock()
		docs = append(docs, req)
		mu.Unlock()
		_, _ = io.WriteString(w, `{"data":{}}`)
	})
	return c, func() []houston.Request {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(docs)
	}
}

// TestDocumentsValidate checks every document the client can emit, for
// every version the simulator poses as, against the simulator's schema for
// that version — which its own conformance test proves against the
// documents the Astro CLI sends (../shared/specs/houston/operations).
func TestDocumentsValidate(t *testing.T) {
	t.Parallel()
	for _, v := range append(houstonsim.SupportedVersions(), "0.29.2", "0.32.0", "2.0.0") {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			schema, err := houstonsim.Schema(v)
			require.NoError(t, err)
			c, docs := capture(t, v)
			everyCall(t.Context(), c.WithToken("tok"))
			sent := append(docs(), *houston.LogDocument("d", "scheduler", "x"))
			require.Greater(t, len(sent), 50)
			roots := map[string]bool{}
			for _, d := range sent {
				doc, errs := gqlparser.LoadQueryWithRules(schema, d.Query, nil)
				if !assert.Empty(t, errs, "document:\n%s", d.Query) {
					continue
				}
				assert.NotContains(t, d.Query, `"a@b.c"`, "values travel as variables, never in the text")
				for _, sel := range doc.Operations[0].SelectionSet {
					roots[sel.(*ast.Field).Name] = true
				}
			}
			// Every root field of this version that the CLI uses was sent.
			for _, root := range []string{"appConfig", "workspaces", "deployment", "workspaceDeployments", "logs", "log",
				"deleteDeployment", "createWorkspace", "deploymentUsers", "workspaceServiceAccounts"} {
				assert.True(t, roots[root], root)
			}
			assert.Equal(t, houston.AtLeast(v, "1.0.0"), roots["upsertDeployment"])
			assert.Equal(t, !houston.AtLeast(v, "1.0.0"), roots["createDeployment"])
			assert.Equal(t, houston.AtLeast(v, "0.29.2") && !houston.AtLeast(v, "2.1.0"), roots["updateDeploymentImage"])
			assert.Equal(t, houston.AtLeast(v, "2.1.0"), roots["adoptDeployment"])
			assert.Equal(t, houston.AtLeast(v, "0.32.0"), roots["paginatedDeployments"])
		})
	}
}
