package houston_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// simClient serves a simulator posing as version and returns a client for
// it and the simulator's tokens by label.
func simClient(t *testing.T, version string, opts ...houstonsim.Option) (*houston.Client, *houstonsim.Sim, map[string]houstonsim.Token) {
	t.Helper()
	sim := houstonsim.New(append([]houstonsim.Option{houstonsim.WithVersion(version)}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := houston.NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	toks := map[string]houstonsim.Token{}
	for _, tok := range sim.Tokens() {
		toks[tok.Label] = tok
	}
	return c, sim, toks
}

func ptr[T any](v T) *T { return &v }

// TestClientAgainstSimulator runs the client's writes and reads against
// the simulator posing as each version: the client picks the shapes the
// version accepts, and what one call changes the next one sees.
func TestClientAgainstSimulator(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0.34.0", "1.0.1", "2.1.0"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			base, sim, toks := simClient(t, v, houstonsim.WithLogInterval(5*time.Millisecond))
			ctx := t.Context()
			c := base.WithToken(toks[houstonsim.LabelSystemAdmin].Token)
			modern := houston.AtLeast(v, "1.0.0")

			got, err := c.Version(ctx)
			require.NoError(t, err)
			require.Equal(t, v, got)

			// A workspace and a deployment in it.
			w, err := c.CreateWorkspace(ctx, "Client test", "", houston.Fields("label"))
			require.NoError(t, err)
			var clusterID string
			if modern {
				ds, err := c.PaginatedDeployments(ctx, houston.PaginatedDeploymentsOptions{Take: 1}, houston.Fields("clusterId"))
				require.NoError(t, err)
				clusterID = *ds[0].ClusterID
			}
			req := houston.CreateDeploymentRequest{WorkspaceID: w.ID, Label: "client-made", ClusterID: clusterID,
				RuntimeVersion: "10.3.0", TriggererReplicas: ptr(1)}
			if houston.AtLeast(v, "2.1.0") {
				req.Mode = "helm"
			}
			sel := []houston.Field{{Name: "releaseName"}, {Name: "clusterId"}, {Name: "runtimeVersion"},
				{Name: "workspace", Fields: houston.Fields("id")}, {Name: "deployInfo", Fields: houston.Fields("current", "nextCli")}}
			d, err := c.CreateDeployment(ctx, req, sel)
			require.NoError(t, err)
			assert.Equal(t, w.ID, d.Workspace.ID)
			assert.Equal(t, "10.3.0", *d.RuntimeVersion)
			assert.Equal(t, modern, d.ClusterID != nil, "clusterId is asked for only where it exists")

			sim.Reset()
			found, errs, err := c.DeploymentsByID(ctx, []string{d.ID}, sel)
			require.NoError(t, err)
			require.NoError(t, errs[0])
			assert.Equal(t, d.ReleaseName, found[0].ReleaseName)
			assert.Equal(t, 1, sim.Stats().Requests, "the version is cached")
			for _, s := range sim.Selections() {
				assert.Equal(t, modern, slices.Contains([]string{"deployment{clusterId deployInfo{current nextCli} id releaseName runtimeVersion workspace{id}}"}, s), s)
			}

			// Updates, image deploys, runtime upgrades.
			d, err = c.UpdateDeployment(ctx, houston.UpdateDeploymentRequest{ID: d.ID, Label: ptr("client-renamed"), Executor: "KubernetesExecutor"}, houston.Fields("label"))
			require.NoError(t, err)
			assert.Equal(t, "client-renamed", *d.Label)
			d, err = c.UpdateDeploymentImage(ctx, *found[0].ReleaseName, "registry.example.com/x/airflow:cli-7", "11.4.0", sel)
			require.NoError(t, err)
			assert.Equal(t, "11.4.0", *d.RuntimeVersion)
			assert.Equal(t, "cli-7", *d.DeployInfo.Current)
			assert.Equal(t, "cli-8", *d.DeployInfo.NextCli)
			_, err = c.UpdateDeploymentRuntime(ctx, d.ID, "9.5.0", nil)
			assert.Error(t, err, "no downgrades")
			d, err = c.CancelRuntimeUpdate(ctx, d.ID, houston.Fields("desiredRuntimeVersion"))
			require.NoError(t, err)
			assert.Equal(t, "11.4.0", *d.DesiredRuntimeVersion)

			// People.
			const email = "workspace.viewer@example.com"
			_, err = c.WorkspaceAddUser(ctx, w.ID, email, houston.RoleWorkspaceViewer, nil)
			require.NoError(t, err)
			role, err := c.WorkspaceUpsertUserRole(ctx, w.ID, email, houston.RoleWorkspaceEditor)
			require.NoError(t, err)
			assert.Equal(t, houston.RoleWorkspaceEditor, role)
			users, err := c.WorkspaceUsers(ctx, w.ID, houston.Fields("username"))
			require.NoError(t, err)
			assert.Contains(t, usernames(users), email)
			b, err := c.DeploymentAddUserRole(ctx, d.ID, email, houston.RoleDeploymentAdmin, []houston.Field{{Name: "role"},
				{Name: "deployment", Fields: houston.Fields("id")}})
			require.NoError(t, err)
			assert.Equal(t, d.ID, b.Deployment.ID)
			users, err = c.DeploymentUsers(ctx, d.ID, houston.UserFilter{}, houston.Fields("username"))
			require.NoError(t, err)
			assert.Equal(t, []string{email}, usernames(users))
			_, err = c.DeploymentRemoveUserRole(ctx, d.ID, email, nil)
			require.NoError(t, err)

			// Teams.
			page, err := c.PaginatedTeams(ctx, houston.PaginatedTeamsOptions{Take: 2}, []houston.Field{{Name: "count"}, {Name: "teams", Fields: houston.Fields("id", "name")}})
			require.NoError(t, err)
			assert.Equal(t, 3, *page.Count)
			require.Len(t, page.Teams, 2)
			team := page.Teams[0].ID
			_, err = c.WorkspaceAddTeam(ctx, w.ID, team, houston.RoleWorkspaceViewer, nil)
			require.NoError(t, err)
			teams, err := c.WorkspaceTeams(ctx, w.ID, nil)
			require.NoError(t, err)
			assert.Equal(t, []string{team}, teamIDs(teams))
			_, err = c.DeploymentAddTeamRole(ctx, d.ID, team, houston.RoleDeploymentEditor, nil)
			require.NoError(t, err)
			teams, err = c.DeploymentTeams(ctx, d.ID, nil)
			require.NoError(t, err)
			assert.Equal(t, []string{team}, teamIDs(teams))
			_, err = c.WorkspaceRemoveTeam(ctx, w.ID, team, nil)
			require.NoError(t, err)
			teams, err = c.DeploymentTeams(ctx, d.ID, nil)
			require.NoError(t, err)
			assert.Empty(t, teams, "removing a team from a workspace removes it from the workspace's deployments")

			// A service account's key works until the account is deleted.
			sa, err := c.CreateDeploymentServiceAccount(ctx, d.ID, houston.ServiceAccountRequest{Label: "bot", Role: houston.RoleDeploymentViewer}, houston.Fields("apiKey"))
			require.NoError(t, err)
			bot := base.WithToken(*sa.APIKey)
			lines, err := bot.Logs(ctx, houston.LogsOptions{DeploymentID: d.ID, Component: "scheduler", Since: time.Now().Add(-time.Minute)}, houston.Fields("message"))
			require.NoError(t, err)
			assert.NotEmpty(t, lines)
			_, err = c.DeleteDeploymentServiceAccount(ctx, d.ID, sa.ID, nil)
			require.NoError(t, err)
			_, err = bot.Logs(ctx, houston.LogsOptions{DeploymentID: d.ID}, nil)
			assert.True(t, houston.IsUnauthenticated(err), "%v", err)

			// Adopting needs 2.1; older versions are refused without a call.
			sim.Reset()
			adopted, err := c.AdoptDeployment(ctx, houston.AdoptDeploymentRequest{WorkspaceID: w.ID, ClusterID: clusterID,
				CRNamespace: "ops", CRName: "ops-airflow", AcceptIncompatibilities: true}, houston.Fields("releaseName"))
			if houston.AtLeast(v, "2.1.0") {
				require.NoError(t, err)
				assert.Equal(t, "ops-airflow", *adopted.ReleaseName)
				_, err = c.UnadoptDeployment(ctx, adopted.ID, nil)
				require.NoError(t, err)
			} else {
				assert.True(t, houston.IsUnsupported(err), "%v", err)
				assert.Zero(t, sim.Stats().Requests)
			}

			// Take it all down again.
			_, err = c.DeleteDeployment(ctx, d.ID, true, nil)
			require.NoError(t, err)
			_, errs, err = c.DeploymentsByID(ctx, []string{d.ID}, nil)
			require.NoError(t, err)
			assert.NoError(t, errs[0])
			_, err = c.DeleteWorkspace(ctx, w.ID, nil)
			require.NoError(t, err)
			_, err = c.DeleteWorkspace(ctx, w.ID, nil)
			assert.True(t, houston.IsNotFound(err), "%v", err)
		})
	}
}

func usernames(us []*houston.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, *u.Username)
	}
	return out
}

func teamIDs(ts []*houston.Team) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func TestPlatformReads(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0.34.0", "1.0.1", "2.1.0"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			base, _, toks := simClient(t, v)
			ctx := t.Context()
			c := base.WithToken(toks[houstonsim.LabelSystemAdmin].Token)

			cfg, err := base.AppConfig(ctx, houston.Fields("version", "featureFlags", "triggererEnabled", "byoUpdateRegistryHost"))
			require.NoError(t, err, "anonymous")
			assert.Equal(t, v, *cfg.Version)
			assert.Equal(t, !houston.AtLeast(v, "2.0.0"), cfg.TriggererEnabled != nil, "dropped where the version lacks it")
			_, err = c.AppConfigFor(ctx, houston.AppConfigScope{WorkspaceID: "w"}, nil)
			assert.Equal(t, !houston.AtLeast(v, "2.0.0"), houston.IsUnsupported(err), "%v", err)

			auth, err := base.AuthConfig(ctx, []houston.Field{{Name: "localEnabled"}, {Name: "providers", Fields: houston.Fields("name")}})
			require.NoError(t, err)
			assert.True(t, *auth.LocalEnabled)
			login, err := base.CreateToken(ctx, "sysadmin@example.com", houstonsim.DatasetPassword, []houston.Field{{Name: "token", Fields: houston.Fields("value")}})
			require.NoError(t, err)
			ws, err := base.WithToken(*login.Token.Value).Workspaces(ctx, nil)
			require.NoError(t, err)
			assert.NotEmpty(t, ws)

			releases, err := c.RuntimeReleases(ctx, "2.7.3", "", houston.Fields("version"))
			require.NoError(t, err)
			assert.Len(t, releases, 2)
			dc, err := c.DeploymentConfig(ctx, houston.Fields("airflowVersions"))
			require.NoError(t, err)
			assert.NotEmpty(t, dc.AirflowVersions)

			if houston.AtLeast(v, "1.0.0") {
				_, err = c.AvailableNamespaces(ctx, "", nil)
				assert.ErrorIs(t, err, houston.ErrClusterRequired)
			} else {
				ns, err := c.AvailableNamespaces(ctx, "", nil)
				require.NoError(t, err)
				assert.NotEmpty(t, ns)
			}

			// Errors map to the predicates the gateway uses.
			viewer := base.WithToken(toks[houstonsim.LabelWorkspaceViewer].Token)
			_, err = viewer.CreateDeployment(ctx, houston.CreateDeploymentRequest{WorkspaceID: toks[houstonsim.LabelWorkspaceViewer].Scope[0], Label: "nope"}, nil)
			assert.True(t, houston.IsForbidden(err), "%v", err)
			_, err = c.Team(ctx, "cnope", "", nil)
			assert.True(t, houston.IsNotFound(err), "%v", err)
		})
	}
}

func TestSubscribeLogs(t *testing.T) {
	t.Parallel()
	base, sim, toks := simClient(t, "2.1.0", houstonsim.WithLogInterval(5*time.Millisecond))
	dep := toks[houstonsim.LabelDeploymentViewer]
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	lines, err := base.WithToken(dep.Token).SubscribeLogs(ctx, dep.Scope[0], "scheduler", "")
	require.NoError(t, err)
	var last time.Time
	for range 5 {
		select {
		case l, ok := <-lines:
			require.True(t, ok)
			require.NoError(t, l.Err)
			assert.Equal(t, "scheduler", l.Component)
			assert.NotEmpty(t, l.Message)
			assert.True(t, l.Timestamp.After(last), "ascending time")
			last = l.Timestamp
		case <-time.After(5 * time.Second):
			t.Fatal("no log line")
		}
	}
	cancel()
	for range lines { // drains, then closes
	}
	assert.Equal(t, 1, sim.Stats().ByRoute["log"])

	t.Run("refused token", func(t *testing.T) {
		t.Parallel()
		_, err := base.WithToken("nope").SubscribeLogs(t.Context(), dep.Scope[0], "", "")
		assert.True(t, houston.IsUnauthenticated(err), "%v", err)
	})
	t.Run("deployment not visible", func(t *testing.T) {
		t.Parallel()
		lines, err := base.WithToken(toks[houstonsim.LabelWorkspaceViewer].Token).SubscribeLogs(t.Context(), dep.Scope[0], "", "")
		require.NoError(t, err)
		l, ok := <-lines
		require.True(t, ok)
		assert.True(t, houston.IsForbidden(l.Err), "%v", l.Err)
		_, ok = <-lines
		assert.False(t, ok, "the channel closes after the error")
	})
}
