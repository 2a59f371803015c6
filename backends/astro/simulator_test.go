package astro_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/specs"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/astro/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specPath is the Astro API contract in the shared tree beside the
// repository.
const specPath = "../../../shared/specs/astro/platform-v1.yaml"

// clock is a manual clock for the simulator.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is a simulator behind the conformance checker and clients with
// each kind of token.
type harness struct {
	sim     *astrosim.Sim
	checker *conformance.Checker
	clock   *clock
	base    *astro.Client

	org    *astro.Client // Acme's organization token
	pat    *astro.Client // the personal token, member of both organizations
	ws     *astro.Client // a workspace token of Acme
	dep    *astro.Client // a deployment token of Acme
	globex *astro.Client // Globex's organization token
	anon   *astro.Client // no token

	acmeID, globexID string
	wsID             string // the workspace token's workspace
	depID            string // the deployment token's deployment
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	checker, err := conformance.Load(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		specs.Missing(t, specPath, "simulator traffic cannot be validated against the Astro API spec")
	}
	require.NoError(t, err)
	clk := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	sim := astrosim.New(astrosim.WithRateLimit(false), astrosim.WithClock(clk.Now))
	srv := httptest.NewServer(checker.Middleware(sim))
	t.Cleanup(srv.Close)
	base, err := astro.NewClient(srv.URL + "/v1")
	require.NoError(t, err)

	h := &harness{sim: sim, checker: checker, clock: clk, base: base, anon: base}
	for _, tok := range sim.Tokens() {
		c := base.WithToken(tok.Token)
		switch {
		case tok.Label == "org:Acme Corp":
			h.org, h.acmeID = c, tok.Scope[0]
		case tok.Label == "org:Globex":
			h.globex, h.globexID = c, tok.Scope[0]
		case tok.Kind == astrosim.KindPersonal:
			h.pat = c
		case tok.Kind == astrosim.KindWorkspace && h.ws == nil:
			h.ws, h.wsID = c, tok.Scope[1]
		case tok.Kind == astrosim.KindDeployment && h.dep == nil:
			h.dep, h.depID = c, tok.Scope[2]
		}
	}
	require.NotNil(t, h.org)
	require.NotNil(t, h.globex)
	return h
}

// wantError requires err to be an *astro.Error with status and returns it.
func wantError(t *testing.T, err error, status int) *astro.Error {
	t.Helper()
	var e *astro.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, status, e.StatusCode, "%v", err)
	require.NotEmpty(t, e.RequestID)
	return e
}

func str(s string) *string { return &s }

func boolp(b bool) *bool { return &b }

func intp(n int) *int { return &n }

// TestClientAgainstSimulator drives every one of the 75 operations through
// the client against the simulator, with at least one success and one
// error each, and validates every request and response against the spec:
// zero violations, and only the one recorded exception.
func TestClientAgainstSimulator(t *testing.T) {
	h := newHarness(t)
	groups := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"organizations", driveOrganizations},
		{"options and authorization", driveOptions},
		{"workspaces", driveWorkspaces},
		{"clusters", driveClusters},
		{"deployments", driveDeployments},
		{"deploys and agent tokens", driveDeploys},
		{"api tokens", driveAPITokens},
		{"users and invites", driveUsers},
		{"teams", driveTeams},
		{"roles", driveRoles},
		{"allowed ip ranges", driveAllowlist},
		{"environment objects", driveEnvironment},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, h) })
	}

	// Every exchange conforms; every operation succeeded and failed at
	// least once; the one exception was needed and nothing else.
	success, failure := map[string]int{}, map[string]int{}
	exceptions := map[string]int{}
	for _, ex := range h.checker.Exchanges() {
		assert.NoError(t, ex.RequestErr, "request %s %s (%s)", ex.Method, ex.Path, ex.Operation)
		assert.NoError(t, ex.ResponseErr, "response %d to %s %s (%s)", ex.Status, ex.Method, ex.Path, ex.Operation)
		if ex.Exception != "" {
			exceptions[ex.Exception]++
		}
		switch {
		case ex.Status < 300:
			success[ex.Operation]++
		case ex.Status >= 400 && ex.Status < 500:
			failure[ex.Operation]++
		}
	}
	ops := h.checker.Operations()
	require.Len(t, ops, 75)
	t.Logf("%d exchanges over %d operations validated against the spec; exceptions: %v", len(h.checker.Exchanges()), len(success), exceptions)
	for _, op := range ops {
		assert.Positive(t, success[op], "%s never succeeded", op)
		assert.Positive(t, failure[op], "%s never failed", op)
	}
	assert.Equal(t, []string{conformance.MinimalCreateDeployment}, slices.Sorted(maps.Keys(exceptions)))
}

func driveOrganizations(t *testing.T, h *harness) {
	ctx := t.Context()
	orgs, resp, err := h.pat.Organizations.List(ctx, &astro.ListOrganizationsOptions{ListOptions: astro.ListOptions{Sorts: []string{"name:asc"}}})
	require.NoError(t, err)
	require.Len(t, orgs, 2)
	assert.Equal(t, 2, resp.TotalCount)
	// An API token lists its own organization, as the real API answers
	// the Astro CLI; an unknown token is refused.
	own, _, err := h.org.Organizations.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, own, 1)
	assert.Equal(t, h.acmeID, own[0].ID)
	_, _, err = h.org.WithToken("astrosim_pat_unknown").Organizations.List(ctx, nil)
	wantError(t, err, http.StatusUnauthorized)

	org, _, err := h.org.Organizations.Get(ctx, h.acmeID)
	require.NoError(t, err)
	_, _, err = h.org.Organizations.GetWithOptions(ctx, h.acmeID, &astro.GetOrganizationOptions{IsLookUpOnly: true})
	require.NoError(t, err)
	_, _, err = h.org.Organizations.Get(ctx, h.globexID)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.Organizations.Update(ctx, h.acmeID, &astro.UpdateOrganizationRequest{
		Name: "Acme Corporation", BillingEmail: "ap@acme.example", IsSCIMEnabled: true, HasAIFeaturesDisabled: boolp(true),
	})
	require.NoError(t, err)
	assert.Equal(t, "Acme Corporation", upd.Name)
	assert.True(t, upd.UpdatedAt.After(org.UpdatedAt))
	_, _, err = h.org.Organizations.Update(ctx, h.acmeID, &astro.UpdateOrganizationRequest{Name: "Acme", BillingEmail: "accounts payable"})
	e := wantError(t, err, http.StatusBadRequest)
	assert.Equal(t, "billingEmail", e.FieldErrors[0].Field)
	assert.Contains(t, e.Message, "'billingEmail'")

	since := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	logs, _, err := h.org.Organizations.GetAuditLogs(ctx, h.acmeID, &astro.GetOrganizationAuditLogsOptions{StartDate: &since})
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(logs))
	lines, sawUpdate := 0, false
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		sawUpdate = sawUpdate || ev["action"] == "organization.update"
		lines++
	}
	assert.True(t, sawUpdate, "the audit log records the update")
	window, _, err := h.org.Organizations.GetAuditLogs(ctx, h.acmeID, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, bytes.Count(window, []byte("\n")), "the default window is the last 90 days: only the update")
	assert.Greater(t, lines, 25, "the full log has the creation of the dataset's objects")
	_, _, err = h.ws.Organizations.GetAuditLogs(ctx, h.acmeID, nil)
	wantError(t, err, http.StatusForbidden)

	self, _, err := h.pat.Users.GetSelf(ctx, &astro.GetSelfUserOptions{CreateIfNotExist: true})
	require.NoError(t, err)
	assert.NotEmpty(t, self.Roles)
	_, _, err = h.org.Users.GetSelf(ctx, nil)
	wantError(t, err, http.StatusUnauthorized)
}

func driveOptions(t *testing.T, h *harness) {
	ctx := t.Context()
	groups, _, err := h.ws.Authorization.ListPermissionGroups(ctx, &astro.ListPermissionGroupsOptions{ScopeType: astro.RoleScopeDeployment})
	require.NoError(t, err)
	require.NotEmpty(t, groups)
	// The spec's shape (PermissionGroup.name "workspace.notificationChannels",
	// PermissionEntry.action "get"): a custom role built from
	// "<name>.<action>" of every group is accepted.
	var perms []string
	for _, g := range groups {
		assert.True(t, strings.HasPrefix(g.Name, "deployment"), g.Name)
		assert.NotContains(t, g.Scope, "DEPLOYMENT")
		for _, p := range g.Permissions {
			assert.NotContains(t, p.Action, ".", "an action is one word")
			perms = append(perms, g.Name+"."+p.Action)
		}
	}
	role, _, err := h.org.Roles.Create(ctx, h.acmeID, &astro.CreateCustomRoleRequest{Name: "From the groups", ScopeType: astro.RoleScopeDeployment, Permissions: perms})
	require.NoError(t, err)
	assert.ElementsMatch(t, perms, role.Permissions)
	_, _, err = h.anon.Authorization.ListPermissionGroups(ctx, nil)
	wantError(t, err, http.StatusUnauthorized)

	copts, _, err := h.org.Options.GetClusterOptions(ctx, h.acmeID, &astro.GetClusterOptionsOptions{Type: astro.ClusterTypeDedicated, Provider: astro.CloudProviderGCP})
	require.NoError(t, err)
	require.Len(t, copts, 1)
	assert.Equal(t, astro.CloudProviderGCP, copts[0].Provider)
	_, _, err = h.org.Options.GetClusterOptions(ctx, h.globexID, &astro.GetClusterOptionsOptions{Type: astro.ClusterTypeHybrid})
	wantError(t, err, http.StatusForbidden)

	dopts, _, err := h.ws.Options.GetDeploymentOptions(ctx, h.acmeID, &astro.GetDeploymentOptionsOptions{DeploymentType: astro.DeploymentTypeHybrid})
	require.NoError(t, err)
	assert.Equal(t, []string{"CELERY", "KUBERNETES"}, dopts.Executors)
	assert.NotEmpty(t, dopts.RuntimeReleases)
	_, _, err = h.org.Options.GetDeploymentOptions(ctx, h.acmeID, &astro.GetDeploymentOptionsOptions{DeploymentID: "cdoesnotexist000000000000"})
	wantError(t, err, http.StatusBadRequest)
}

func driveWorkspaces(t *testing.T, h *harness) {
	ctx := t.Context()
	ws, _, err := h.org.Workspaces.Create(ctx, h.acmeID, &astro.CreateWorkspaceRequest{
		Name: "Sandbox", Description: str("Scratch space"), DefaultCloudProvider: ptrTo(astro.CloudProviderAWS), DefaultRegion: str("us-west-2"),
	})
	require.NoError(t, err)
	assert.Equal(t, "us-west-2", *ws.DefaultRegion)
	_, _, err = h.org.Workspaces.Create(ctx, h.acmeID, &astro.CreateWorkspaceRequest{
		Name: "Both", DefaultClusterID: str("c1"), DefaultCloudProvider: ptrTo(astro.CloudProviderAWS), DefaultRegion: str("us-east-1"),
	})
	e := wantError(t, err, http.StatusBadRequest)
	assert.Equal(t, "defaultClusterId", e.FieldErrors[0].Field)
	_, _, err = h.ws.Workspaces.Create(ctx, h.acmeID, &astro.CreateWorkspaceRequest{Name: "Nope"})
	wantError(t, err, http.StatusForbidden)

	got, _, err := h.org.Workspaces.Get(ctx, h.acmeID, ws.ID)
	require.NoError(t, err)
	assert.Equal(t, ws, got)
	list, _, err := h.org.Workspaces.List(ctx, h.acmeID, &astro.ListWorkspacesOptions{Names: []string{"Sandbox"}})
	require.NoError(t, err)
	require.Len(t, list, 1)
	_, _, err = h.org.Workspaces.List(ctx, h.globexID, nil)
	wantError(t, err, http.StatusForbidden)

	upd, _, err := h.org.Workspaces.Update(ctx, h.acmeID, ws.ID, &astro.UpdateWorkspaceRequest{Name: "Sandbox 2", Description: "Renamed", CICDEnforcedDefault: true})
	require.NoError(t, err)
	assert.Equal(t, "Sandbox 2", upd.Name)
	assert.Equal(t, "us-west-2", *upd.DefaultRegion, "defaults absent from the update are kept")
	_, _, err = h.org.Workspaces.Update(ctx, h.acmeID, "cdoesnotexist000000000000", &astro.UpdateWorkspaceRequest{Name: "x", Description: "y"})
	wantError(t, err, http.StatusNotFound)

	_, err = h.org.Workspaces.Delete(ctx, h.acmeID, ws.ID)
	require.NoError(t, err)
	_, err = h.org.Workspaces.Delete(ctx, h.acmeID, ws.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.Workspaces.Get(ctx, h.acmeID, ws.ID)
	wantError(t, err, http.StatusNotFound)
}

func ptrTo[T any](v T) *T { return &v }

func driveClusters(t *testing.T, h *harness) {
	ctx := t.Context()
	aws, _, err := h.org.Clusters.Create(ctx, h.acmeID, astro.CreateAWSClusterRequest{
		Name: "aws-new", Region: "eu-west-1", Type: astro.ClusterTypeDedicated, VPCSubnetRange: "172.30.0.0/19",
		DRRegion: str("eu-central-1"), NodePools: []astro.CreateNodePoolRequest{{Name: "default", MaxNodeCount: 10, NodeInstanceType: "m6i.xlarge"}},
	})
	require.NoError(t, err)
	assert.Equal(t, astro.ClusterStatusCreating, aws.Status)
	assert.True(t, aws.IsDREnabled)
	gcp, _, err := h.org.Clusters.Create(ctx, h.acmeID, astro.CreateGCPClusterRequest{
		Name: "gcp-new", Region: "us-east4", Type: astro.ClusterTypeDedicated, VPCSubnetRange: "172.20.0.0/22",
		PodSubnetRange: "172.21.0.0/19", ServicePeeringRange: "172.23.0.0/20", ServiceSubnetRange: "172.22.0.0/22",
	})
	require.NoError(t, err)
	azure, _, err := h.org.Clusters.Create(ctx, h.acmeID, astro.CreateAzureClusterRequest{
		Name: "azure-new", Region: "northeurope", Type: astro.ClusterTypeDedicated, VPCSubnetRange: "172.20.0.0/19", TenantID: str("t-1"),
	})
	require.NoError(t, err)
	_, _, err = h.org.Clusters.Create(ctx, h.acmeID, astro.CreateAWSClusterRequest{
		Name: "hybrid", Region: "us-east-1", Type: astro.ClusterTypeHybrid, VPCSubnetRange: "172.20.0.0/19",
		DBInstanceType: str("db.m6g.large"), ProviderAccount: str("123456789012"),
	})
	wantError(t, err, http.StatusPreconditionFailed)
	_, _, err = h.org.Clusters.Create(ctx, h.acmeID, astro.CreateAWSClusterRequest{Name: "bad", Region: "mars-1", Type: astro.ClusterTypeDedicated, VPCSubnetRange: "172.20.0.0/19"})
	assert.Equal(t, "region", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	h.clock.Advance(time.Minute)
	got, _, err := h.org.Clusters.Get(ctx, h.acmeID, aws.ID)
	require.NoError(t, err)
	assert.Equal(t, astro.ClusterStatusCreated, got.Status, "a new cluster is CREATED once provisioned")
	list, resp, err := h.org.Clusters.List(ctx, h.acmeID, &astro.ListClustersOptions{Names: []string{"gcp-new"}})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, gcp.ID, list[0].ID)
	assert.Equal(t, 1, resp.TotalCount)

	upd, _, err := h.org.Clusters.Update(ctx, h.acmeID, aws.ID, astro.UpdateDedicatedClusterRequest{
		Name: "aws-renamed", WorkspaceIDs: []string{h.wsID}, EnableDR: boolp(false),
		NodePools: []astro.UpdateNodePoolRequest{{Name: "big", MaxNodeCount: 4, NodeInstanceType: "m6i.4xlarge"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "aws-renamed", upd.Name)
	assert.False(t, upd.IsDREnabled)
	assert.Len(t, upd.NodePools, 2)
	_, _, err = h.org.Clusters.Update(ctx, h.acmeID, aws.ID, astro.UpdateHybridClusterRequest{WorkspaceIDs: []string{}})
	assert.Equal(t, "clusterType", wantError(t, err, http.StatusBadRequest).FieldErrors[0].Field)

	hybrids, _, err := h.globex.Clusters.List(ctx, h.globexID, nil)
	require.NoError(t, err)
	hy, _, err := h.globex.Clusters.Update(ctx, h.globexID, hybrids[0].ID, astro.UpdateHybridClusterRequest{WorkspaceIDs: []string{}})
	require.NoError(t, err)
	assert.Empty(t, hy.WorkspaceIDs, "an empty list removes every workspace")

	for _, id := range []string{aws.ID, gcp.ID, azure.ID} {
		_, err = h.org.Clusters.Delete(ctx, h.acmeID, id)
		require.NoError(t, err)
	}
	_, err = h.org.Clusters.Delete(ctx, h.acmeID, aws.ID)
	wantError(t, err, http.StatusNotFound)
	_, _, err = h.org.Clusters.Get(ctx, h.acmeID, aws.ID)
	wantError(t, err, http.StatusNotFound)
}
