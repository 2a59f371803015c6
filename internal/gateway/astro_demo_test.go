package gateway_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestAstroDemoFlow is the demo, as a person does it from the
// playground in demo mode (no tokens: the demo's are applied): create a
// workspace with a default placement, create a deployment with only a name,
// see it in Query.deployments, update it, read its logs, delete it.
func TestAstroDemoFlow(t *testing.T) {
	t.Parallel()
	var skew atomic.Int64 // how far the simulator's clock runs ahead
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	at, ok := astrosim.New(astrosim.WithDataset("small")).TokenOfKind("PERSONAL")
	require.True(t, ok)
	ht, ok := houstonsim.New(houstonsim.WithDataset("small")).TokenOfKind("SYSTEM_ADMIN")
	require.True(t, ok)
	demoTokens := loader.Credentials{AstroToken: at.Token, HoustonToken: ht.Token}
	env := testenv.Start(t, testenv.Config{Fallback: demoTokens, AstroOptions: []astrosim.Option{astrosim.WithClock(clock)}})
	do := func(q string, vars map[string]any) map[string]any {
		t.Helper()
		resp := env.Query(t, q, vars, nil)
		require.Empty(t, resp.Errors, q)
		var data map[string]any
		resp.Decode(t, &data)
		return data
	}

	d := do(`{ astro { organizations { nodes { organizationId name } } } }`, nil)
	var org string
	for _, o := range list(t, d, "astro.organizations.nodes") {
		if str(t, o, "name") == "Acme Corp" {
			org = str(t, o, "organizationId")
		}
	}
	require.NotEmpty(t, org)

	d = do(`mutation($org: String!) { createAstroWorkspace(input: {organizationId: $org, name: "Demo", defaultCloudProvider: AWS, defaultRegion: "us-east-1"}) {
		workspace { workspaceId name defaultCloudProvider defaultRegion } } }`, map[string]any{"org": org})
	ws := str(t, d, "createAstroWorkspace.workspace.workspaceId")

	d = do(`mutation($org: String!, $ws: String!) { createAstroDeployment(input: {organizationId: $org, deployment: {minimal: {workspaceId: $ws, name: "demo-etl"}}}) {
		deployment { id deploymentId name type cloudProvider region status runtimeVersion executor workerQueues { name } } } }`, map[string]any{"org": org, "ws": ws})
	dep := dig(t, d, "createAstroDeployment.deployment")
	id := str(t, dep, "deploymentId")
	assert.Equal(t, "us-east-1", str(t, dep, "region"), "placed by the workspace's default provider and region")
	assert.Equal(t, "AWS", str(t, dep, "cloudProvider"))
	assert.Equal(t, "STANDARD", str(t, dep, "type"))
	assert.NotEmpty(t, str(t, dep, "runtimeVersion"), "Astro filled in the defaults")
	assert.NotEmpty(t, list(t, dep, "workerQueues"))

	const mine = `{ deployments(filter: {search: "demo-etl"}) { totalCount nodes { id name platform status workspace { name } } } }`
	d = do(mine, nil)
	require.Equal(t, 1, num(t, d, "deployments.totalCount"), "the new deployment is in the cross-platform list at once")
	assert.Equal(t, "ASTRO", str(t, d, "deployments.nodes.0.platform"))
	assert.Equal(t, "Demo", str(t, d, "deployments.nodes.0.workspace.name"))
	assert.Equal(t, str(t, dep, "id"), str(t, d, "deployments.nodes.0.id"))

	d = do(`mutation($org: String!, $id: String!) { updateAstroDeployment(input: {organizationId: $org, deploymentId: $id, deployment: {patch: {description: "nightly ETL", schedulerSize: MEDIUM}}}) {
		deployment { description schedulerSize } } }`, map[string]any{"org": org, "id": id})
	assert.Equal(t, "nightly ETL", str(t, d, "updateAstroDeployment.deployment.description"))
	assert.Equal(t, "MEDIUM", str(t, d, "updateAstroDeployment.deployment.schedulerSize"))

	skew.Store(int64(15 * time.Minute)) // let the new deployment run and write logs
	d = do(`query($org: String!, $id: String!) { astro { organization(id: $org) { deployment(id: $id) { status description
		logs(sources: [SCHEDULER, WORKER], searchText: "demo-etl", first: 10) { pageInfo { hasNextPage } nodes { timestamp source raw } } } } } }`, map[string]any{"org": org, "id": id})
	assert.Equal(t, "HEALTHY", str(t, d, "astro.organization.deployment.status"))
	assert.Equal(t, "nightly ETL", str(t, d, "astro.organization.deployment.description"), "the update is what a later read sees")
	logs := list(t, d, "astro.organization.deployment.logs.nodes")
	require.NotEmpty(t, logs)
	for _, e := range logs {
		assert.Contains(t, str(t, e, "raw"), "demo-etl")
	}

	d = do(`mutation($org: String!, $id: String!) { deleteAstroDeployment(input: {organizationId: $org, deploymentId: $id}) { deploymentId } }`, map[string]any{"org": org, "id": id})
	assert.Equal(t, id, str(t, d, "deleteAstroDeployment.deploymentId"))
	d = do(mine, nil)
	assert.Equal(t, 0, num(t, d, "deployments.totalCount"), "gone from the list")
	resp := env.Query(t, `query($org: String!, $id: String!) { astro { organization(id: $org) { deployment(id: $id) { name } } } }`, map[string]any{"org": org, "id": id}, nil)
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, "NOT_FOUND", resp.Errors[0].Extensions["code"])
	do(`mutation($org: String!, $ws: String!) { deleteAstroWorkspace(input: {organizationId: $org, workspaceId: $ws}) { workspaceId } }`, map[string]any{"org": org, "ws": ws})
}

// TestAstroCreatesAreNotRetried: with every Astro answer a 500, a create
// is sent once (it may have been made), while an update and a delete are
// retried.
func TestAstroCreatesAreNotRetried(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		r := newOpsRun(t, env)
		ws := r.dataEngineering(t)
		one := 1.0
		_, err := env.Astro.Configure(astrosim.ConfigUpdate{FailRate: &one})
		require.NoError(t, err)
		env.Astro.Reset()
		for _, tc := range []struct {
			op, query string
			vars      map[string]any
			attempts  int
		}{
			{"CreateWorkspace", `mutation($org: String!) { createAstroWorkspace(input: {organizationId: $org, name: "Once"}) { workspace { name } } }`, map[string]any{"org": r.org}, 1},
			{"CreateDeployment", `mutation($org: String!, $ws: String!) { createAstroDeployment(input: {organizationId: $org, deployment: {minimal: {workspaceId: $ws, name: "once"}}}) { deployment { name } } }`,
				map[string]any{"org": r.org, "ws": ws}, 1},
			{"UpdateWorkspace", `mutation($org: String!, $ws: String!) { updateAstroWorkspace(input: {organizationId: $org, workspaceId: $ws, name: "Data Engineering", description: "", cicdEnforcedDefault: false}) { workspace { name } } }`,
				map[string]any{"org": r.org, "ws": ws}, 3},
			{"DeleteTeam", `mutation($org: String!) { deleteAstroTeam(input: {organizationId: $org, teamId: "` + missingID + `"}) { teamId } }`, map[string]any{"org": r.org}, 3},
		} {
			resp := r.query(t, tc.query, tc.vars)
			require.NotEmpty(t, resp.Errors, tc.op)
			assert.Equal(t, "UPSTREAM_ERROR", resp.Errors[0].Extensions["code"], tc.op)
			assert.Equal(t, tc.attempts, env.Astro.Stats().ByRoute[route(tc.op)], "%s: attempts", tc.op)
		}
	})
}
