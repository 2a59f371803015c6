package astro_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func driveDeployments(t *testing.T, h *harness) {
	ctx := t.Context()
	lab, _, err := h.org.Workspaces.Create(ctx, h.acmeID, &astro.CreateWorkspaceRequest{
		Name: "Deploy Lab", DefaultCloudProvider: ptrTo(astro.CloudProviderAWS), DefaultRegion: str("us-east-1"),
	})
	require.NoError(t, err)

	// The v1 changelog's create: name and workspaceId, nothing else.
	minimal, _, err := h.org.Deployments.Create(ctx, h.acmeID, astro.MinimalCreateDeploymentRequest{Name: "lab-etl", WorkspaceID: lab.ID})
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentTypeStandard, *minimal.Type, "the type is inferred from the workspace's default region")
	assert.Equal(t, astro.CloudProviderAWS, *minimal.CloudProvider)
	assert.Equal(t, "us-east-1", *minimal.Region)
	assert.Equal(t, astro.DeploymentStatusCreating, minimal.Status)
	assert.Equal(t, astro.DeploymentExecutorCelery, *minimal.Executor)
	require.Len(t, minimal.WorkerQueues, 1)
	assert.Equal(t, "default", minimal.WorkerQueues[0].Name)
	_, _, err = h.org.Deployments.Create(ctx, h.acmeID, astro.MinimalCreateDeploymentRequest{Name: "lab-etl", WorkspaceID: lab.ID})
	e := wantError(t, err, http.StatusBadRequest)
	assert.Equal(t, "Invalid request: Deployment name 'lab-etl' already exists in this workspace", e.Message)

	ws, _, err := h.org.Workspaces.Get(ctx, h.acmeID, h.wsID)
	require.NoError(t, err)
	require.NotNil(t, ws.DefaultClusterID)
	ded, _, err := h.ws.Deployments.Create(ctx, h.acmeID, astro.CreateDedicatedDeploymentRequest{
		Name: "ingest-dedicated", WorkspaceID: h.wsID, ClusterID: ws.DefaultClusterID, Executor: ptrTo(astro.DeploymentExecutorCelery),
		SchedulerSize: ptrTo(astro.SchedulerSizeLarge), DefaultTaskPodCPU: str("0.5"), DefaultTaskPodMemory: str("1Gi"),
		EnvironmentVariables: []astro.DeploymentEnvironmentVariableRequest{{Key: "TOKEN", Value: str("s3cr3t"), IsSecret: true}, {Key: "MODE", Value: str("fast")}},
		WorkerQueues:         []astro.WorkerQueueRequest{{Name: "default", IsDefault: true, AstroMachine: astro.AstroMachineA10, MinWorkerCount: 1, MaxWorkerCount: 5, WorkerConcurrency: 10}},
	})
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentTypeDedicated, *ded.Type)
	assert.Equal(t, "4", ded.SchedulerCPU)
	require.Len(t, ded.EnvironmentVariables, 2)
	assert.Nil(t, ded.EnvironmentVariables[0].Value, "secret values are never returned")
	_, _, err = h.org.Deployments.Create(ctx, h.acmeID, astro.CreateHybridDeploymentRequest{Name: "wrong-type", WorkspaceID: h.wsID})
	assert.Equal(t, "type", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)
	_, _, err = h.dep.Deployments.Create(ctx, h.acmeID, astro.MinimalCreateDeploymentRequest{Name: "nope", WorkspaceID: h.wsID})
	wantError(t, err, http.StatusForbidden)

	dev, _, err := h.org.Deployments.Create(ctx, h.acmeID, astro.CreateStandardDeploymentRequest{
		Name: "dev-sandbox", WorkspaceID: lab.ID, CloudProvider: ptrTo(astro.CloudProviderGCP), Region: str("us-central1"),
		IsDevelopmentMode: boolp(true), Executor: ptrTo(astro.DeploymentExecutorKubernetes),
		ScalingSpec: &astro.DeploymentScalingSpecRequest{HibernationSpec: &astro.DeploymentHibernationSpecRequest{
			Schedules: []astro.DeploymentHibernationSchedule{{HibernateAtCron: "0 20 * * 1-5", WakeAtCron: "0 7 * * 1-5", IsEnabled: true}},
		}},
	})
	require.NoError(t, err)
	assert.Empty(t, dev.WorkerQueues, "KUBERNETES Deployments have no worker queues")

	globexWS, _, err := h.globex.Workspaces.List(ctx, h.globexID, &astro.ListWorkspacesOptions{Names: []string{"Production"}})
	require.NoError(t, err)
	require.Len(t, globexWS, 1)
	hyb, _, err := h.globex.Deployments.Create(ctx, h.globexID, astro.CreateHybridDeploymentRequest{
		Name: "hybrid-new", WorkspaceID: globexWS[0].ID, Scheduler: &astro.CreateDeploymentInstanceSpecRequest{AU: intp(10), Replicas: intp(2)},
	})
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentTypeHybrid, *hyb.Type)
	assert.Equal(t, 10, *hyb.SchedulerAU)

	h.clock.Advance(time.Minute)
	got, _, err := h.org.Deployments.Get(ctx, h.acmeID, minimal.ID)
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentStatusHealthy, got.Status, "a new Deployment is HEALTHY once started")
	list, resp, err := h.org.Deployments.List(ctx, h.acmeID, &astro.ListDeploymentsOptions{WorkspaceIDs: []string{lab.ID}, ListOptions: astro.ListOptions{Sorts: []string{"name:asc"}}})
	require.NoError(t, err)
	assert.Equal(t, 2, resp.TotalCount)
	assert.Equal(t, []string{"dev-sandbox", "lab-etl"}, []string{list[0].Name, list[1].Name})
	_, _, err = h.ws.Deployments.Get(ctx, h.acmeID, minimal.ID)
	wantError(t, err, http.StatusForbidden)
	_, _, err = h.org.Deployments.List(ctx, h.globexID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.ws.Deployments.Update(ctx, h.acmeID, ded.ID, astro.UpdateDedicatedDeploymentRequest{
		Name: "ingest-renamed", WorkspaceID: h.wsID, Executor: astro.DeploymentExecutorKubernetes, IsHighAvailability: true,
		SchedulerSize: astro.SchedulerSizeMedium, IsDagDeployEnabled: true,
		EnvironmentVariables: []astro.DeploymentEnvironmentVariableRequest{{Key: "TOKEN", IsSecret: true}},
	})
	require.NoError(t, err)
	assert.Equal(t, "ingest-renamed", upd.Name)
	assert.Equal(t, 2, upd.SchedulerReplicas, "high availability runs two schedulers")
	assert.Empty(t, upd.WorkerQueues)
	require.Len(t, upd.EnvironmentVariables, 1, "the list is replaced")
	_, _, err = h.ws.Deployments.Update(ctx, h.acmeID, ded.ID, astro.UpdateHybridDeploymentRequest{Name: "x", WorkspaceID: h.wsID, Executor: astro.DeploymentExecutorCelery, Scheduler: astro.UpdateDeploymentInstanceSpecRequest{AU: 5, Replicas: 1}})
	assert.Equal(t, "type", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)
	hupd, _, err := h.globex.Deployments.Update(ctx, h.globexID, hyb.ID, astro.UpdateHybridDeploymentRequest{
		Name: "hybrid-new", WorkspaceID: globexWS[0].ID, Executor: astro.DeploymentExecutorCelery,
		Scheduler: astro.UpdateDeploymentInstanceSpecRequest{AU: 12, Replicas: 3},
	})
	require.NoError(t, err)
	assert.Equal(t, 12, *hupd.SchedulerAU)
	_, _, err = h.org.Deployments.Update(ctx, h.acmeID, dev.ID, astro.UpdateStandardDeploymentRequest{
		Name: "lab-etl", WorkspaceID: lab.ID, Executor: astro.DeploymentExecutorKubernetes, SchedulerSize: astro.SchedulerSizeSmall,
	})
	assert.Contains(t, wantError(t, err, http.StatusBadRequest).Message, "already exists in this workspace")

	// Hibernation overrides are for development Deployments.
	until := h.clock.Now().Add(2 * time.Hour)
	ov, _, err := h.org.Deployments.UpdateHibernationOverride(ctx, h.acmeID, dev.ID, &astro.OverrideDeploymentHibernationBody{IsHibernating: boolp(true), OverrideUntil: &until})
	require.NoError(t, err)
	assert.True(t, *ov.IsActive)
	got, _, err = h.org.Deployments.Get(ctx, h.acmeID, dev.ID)
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentStatusHibernating, got.Status)
	_, _, err = h.org.Deployments.UpdateHibernationOverride(ctx, h.acmeID, minimal.ID, &astro.OverrideDeploymentHibernationBody{IsHibernating: boolp(true)})
	wantError(t, err, http.StatusBadRequest)
	_, err = h.org.Deployments.DeleteHibernationOverride(ctx, h.acmeID, dev.ID)
	require.NoError(t, err)
	_, err = h.org.Deployments.DeleteHibernationOverride(ctx, h.acmeID, dev.ID)
	wantError(t, err, http.StatusNotFound)

	driveLogs(t, h)

	for _, d := range []struct {
		c       *astro.Client
		org, id string
	}{{h.org, h.acmeID, minimal.ID}, {h.org, h.acmeID, dev.ID}, {h.ws, h.acmeID, ded.ID}, {h.globex, h.globexID, hyb.ID}} {
		_, err = d.c.Deployments.Delete(ctx, d.org, d.id)
		require.NoError(t, err)
	}
	_, err = h.org.Deployments.Delete(ctx, h.acmeID, minimal.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.Deployments.Get(ctx, h.acmeID, minimal.ID)
	wantError(t, err, http.StatusNotFound)
	_, err = h.org.Workspaces.Delete(ctx, h.acmeID, lab.ID)
	require.NoError(t, err)
}

func driveLogs(t *testing.T, h *harness) {
	ctx := t.Context()
	opts := &astro.GetDeploymentLogsOptions{Sources: []astro.LogSource{astro.LogSourceScheduler, astro.LogSourceWorker}, Limit: 50}
	page1, _, err := h.dep.Deployments.GetLogs(ctx, h.acmeID, h.depID, opts)
	require.NoError(t, err)
	require.Equal(t, 50, page1.ResultCount)
	require.Len(t, page1.Results, 50)
	for i, e := range page1.Results {
		assert.Contains(t, []astro.LogSource{astro.LogSourceScheduler, astro.LogSourceWorker}, e.Source)
		if i > 0 {
			assert.GreaterOrEqual(t, e.Timestamp, page1.Results[i-1].Timestamp, "oldest first")
		}
	}
	h.clock.Advance(time.Minute) // the search keeps its window
	page2, _, err := h.dep.Deployments.GetLogs(ctx, h.acmeID, h.depID, &astro.GetDeploymentLogsOptions{
		Sources: opts.Sources, Limit: 50, Offset: 50, SearchID: page1.SearchID,
	})
	require.NoError(t, err)
	assert.Equal(t, page1.SearchID, page2.SearchID)
	assert.Greater(t, page2.Results[0].Timestamp, page1.Results[49].Timestamp)

	errs, _, err := h.dep.Deployments.GetLogs(ctx, h.acmeID, h.depID, &astro.GetDeploymentLogsOptions{
		Sources: []astro.LogSource{astro.LogSourceScheduler, astro.LogSourceWorker, astro.LogSourceTriggerer}, SearchText: "error", Range: 86400,
	})
	require.NoError(t, err)
	require.NotEmpty(t, errs.Results)
	for _, e := range errs.Results {
		assert.Contains(t, strings.ToLower(e.Raw), "error")
	}
	start, end := h.clock.Now().Add(-2*time.Hour), h.clock.Now().Add(-time.Hour)
	win, _, err := h.dep.Deployments.GetLogs(ctx, h.acmeID, h.depID, &astro.GetDeploymentLogsOptions{Sources: []astro.LogSource{astro.LogSourceTriggerer}, StartDate: &start, EndDate: &end, MaxNumResults: 10})
	require.NoError(t, err)
	assert.Len(t, win.Results, 10, "maxNumResults caps the search")
	for _, e := range win.Results {
		assert.False(t, e.Time().Before(start) || !e.Time().Before(end))
	}
	_, _, err = h.org.Deployments.GetLogs(ctx, h.acmeID, "cdoesnotexist000000000000", opts)
	wantError(t, err, http.StatusBadRequest)
}

func driveDeploys(t *testing.T, h *harness) {
	ctx := t.Context()
	d, _, err := h.ws.Deployments.Create(ctx, h.acmeID, astro.MinimalCreateDeploymentRequest{Name: "deploy-target", WorkspaceID: h.wsID})
	require.NoError(t, err)
	assert.Equal(t, astro.DeploymentTypeDedicated, *d.Type, "the workspace's default cluster is dedicated")

	start := func(sha string) *astro.Deploy {
		x, _, err := h.ws.Deploys.Create(ctx, h.acmeID, d.ID, &astro.CreateDeployRequest{
			Type: astro.DeployTypeImageAndDag, Description: str("CI"),
			Git: &astro.CreateDeployGitRequest{Provider: astro.GitProviderGitHub, Account: str("acme"), Repo: str("dags"), CommitSha: sha},
		})
		require.NoError(t, err)
		assert.Equal(t, astro.DeployStatusInitialized, x.Status)
		require.NotNil(t, x.DagsUploadURL)
		return x
	}
	first, second := start("aaaaaaa"), start("bbbbbbb")
	_, _, err = h.ws.Deploys.Create(ctx, h.acmeID, d.ID, &astro.CreateDeployRequest{
		Type: astro.DeployTypeImageOnly, Git: &astro.CreateDeployGitRequest{Provider: astro.GitProviderGitHub, CommitSha: "c"},
	})
	assert.Equal(t, "git.account", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	for i, x := range []*astro.Deploy{first, second} {
		fin, _, err := h.ws.Deploys.Finalize(ctx, h.acmeID, d.ID, x.ID, &astro.FinalizeDeployRequest{DagTarballVersion: str("v" + string(rune('1'+i)))})
		require.NoError(t, err)
		assert.Equal(t, astro.DeployStatusDeployed, fin.Status)
	}
	_, _, err = h.ws.Deploys.Finalize(ctx, h.acmeID, d.ID, first.ID, &astro.FinalizeDeployRequest{DagTarballVersion: str("v1")})
	wantError(t, err, http.StatusBadRequest)
	cur, _, err := h.ws.Deployments.Get(ctx, h.acmeID, d.ID)
	require.NoError(t, err)
	assert.Equal(t, "v2", *cur.DagTarballVersion, "the Deployment runs the last finalized deploy")

	upd, _, err := h.ws.Deploys.Update(ctx, h.acmeID, d.ID, first.ID, &astro.UpdateDeployRequest{Description: str("first green build")})
	require.NoError(t, err)
	assert.Equal(t, "first green build", *upd.Description)
	_, _, err = h.ws.Deploys.Update(ctx, h.acmeID, d.ID, "cdoesnotexist000000000000", &astro.UpdateDeployRequest{})
	wantError(t, err, http.StatusNotFound)

	rb, _, err := h.ws.Deploys.Rollback(ctx, h.acmeID, d.ID, first.ID, &astro.DeployRollbackRequest{Description: str("revert")})
	require.NoError(t, err)
	assert.Equal(t, second.ID, *rb.RollbackFromID)
	pending := start("ccccccc")
	_, _, err = h.ws.Deploys.Rollback(ctx, h.acmeID, d.ID, pending.ID, &astro.DeployRollbackRequest{})
	wantError(t, err, http.StatusBadRequest)

	got, _, err := h.ws.Deploys.Get(ctx, h.acmeID, d.ID, rb.ID)
	require.NoError(t, err)
	assert.Equal(t, rb.ID, got.ID)
	_, _, err = h.ws.Deploys.Get(ctx, h.acmeID, d.ID, "cdoesnotexist000000000000")
	wantError(t, err, http.StatusNotFound)
	var ids []string
	for x, err := range h.ws.Deploys.ListIter(ctx, h.acmeID, d.ID, &astro.ListDeploysOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, x.ID)
	}
	assert.Equal(t, []string{pending.ID, rb.ID, second.ID, first.ID}, ids, "newest first")
	_, _, err = h.dep.Deploys.List(ctx, h.acmeID, d.ID, nil)
	wantError(t, err, http.StatusForbidden)

	driveAgentTokensOn(t, h, d.ID)
	_, err = h.ws.Deployments.Delete(ctx, h.acmeID, d.ID)
	require.NoError(t, err)
	_, _, err = h.ws.Deploys.Get(ctx, h.acmeID, d.ID, first.ID)
	wantError(t, err, http.StatusNotFound)
}

func driveAgentTokensOn(t *testing.T, h *harness, depID string) {
	ctx := t.Context()
	tok, _, err := h.ws.AgentTokens.Create(ctx, h.acmeID, depID, &astro.CreateAgentTokenRequest{Name: "agent", TokenExpiryPeriodInDays: intp(30)})
	require.NoError(t, err)
	require.NotNil(t, tok.Token, "the secret is shown once")
	assert.Equal(t, 30, *tok.ExpiryPeriodInDays)
	_, _, err = h.ws.AgentTokens.Create(ctx, h.acmeID, depID, &astro.CreateAgentTokenRequest{Name: " "})
	assert.Equal(t, "name", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)
	got, _, err := h.ws.AgentTokens.Get(ctx, h.acmeID, depID, tok.ID)
	require.NoError(t, err)
	assert.Nil(t, got.Token)
	list, _, err := h.ws.AgentTokens.List(ctx, h.acmeID, depID, &astro.ListAgentTokensOptions{ListOptions: astro.ListOptions{Sorts: []string{"tokenStartAt:desc"}}})
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(list, func(x *astro.APIToken) bool { return x.ID == tok.ID }))
	_, _, err = h.dep.AgentTokens.List(ctx, h.acmeID, depID, nil)
	wantError(t, err, http.StatusForbidden)
	_, err = h.ws.AgentTokens.Delete(ctx, h.acmeID, depID, tok.ID)
	require.NoError(t, err)
	_, err = h.ws.AgentTokens.Delete(ctx, h.acmeID, depID, tok.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.ws.AgentTokens.Get(ctx, h.acmeID, depID, tok.ID)
	wantError(t, err, http.StatusNotFound)
}
