package astrosim_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/internal/specs"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/astro/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specPath is the Astro v1 OpenAPI document in the shared folder that sits
// beside the repository (DESIGN.md: read it from ../shared, never copy it).
var specPath = filepath.Join("..", "..", "..", "..", "shared", "specs", "astro", "platform-v1.yaml")

// loadChecker loads the spec, or skips the test when the shared folder is
// absent.
func loadChecker(t *testing.T) *conformance.Checker {
	t.Helper()
	ch, err := conformance.Load(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		specs.Missing(t, specPath, "the simulator conformance suite needs the Astro API spec")
	}
	require.NoError(t, err)
	return ch
}

// conformanceCase is one raw request. invalid marks requests that break
// the spec on purpose: the spec's validator must reject them too, and the
// simulator's answer must still conform. exception names the recorded
// exception the request needs.
type conformanceCase struct {
	op        string
	tok       string
	method    string // GET when empty
	path      string
	body      string
	status    int
	invalid   bool
	exception string
}

// checkConformance sends tc and validates request and response with the
// shared checker.
func checkConformance(t *testing.T, e *env, ch *conformance.Checker, tc conformanceCase) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodGet
	}
	auth := ""
	if tc.tok != "" {
		auth = "Bearer " + tc.tok
	}
	r := e.send(t, auth, method, tc.path, tc.body)
	require.Equal(t, tc.status, r.status, "%s %s: %s", method, tc.path, r.body)
	hdr := http.Header{"Authorization": {auth}}
	if tc.body != "" {
		hdr.Set("Content-Type", "application/json")
	}
	ex := ch.Check(t.Context(), method, tc.path, hdr, []byte(tc.body), r.status, r.header, r.body)
	require.Equal(t, tc.op, ex.Operation)
	if tc.invalid {
		require.Error(t, ex.RequestErr, "the spec accepts a request the simulator rejects")
	} else {
		require.NoError(t, ex.RequestErr)
	}
	require.Equal(t, tc.exception, ex.Exception)
	require.NoError(t, ex.ResponseErr)
}

// TestConformance sends success and error requests, spec-valid and
// spec-invalid ones, and validates each request and response against the
// spec: status codes must be declared (429 is the one addition), bodies
// must match their schemas, and no response may carry a field the spec does
// not declare. TestClientAgainstSimulator (package astro) drives all 75
// operations through the typed client; these raw requests add what the
// client cannot send.
func TestConformance(t *testing.T) {
	t.Parallel()
	ch := loadChecker(t)
	for _, dataset := range []string{astrosim.Small, astrosim.Bench} {
		t.Run(dataset, func(t *testing.T) {
			t.Parallel()
			e := setup(t, astrosim.WithDataset(dataset), astrosim.WithRateLimit(false))
			cases := readCases(t, e, dataset)
			if dataset == astrosim.Small {
				cases = append(cases, writeCases(t, e)...)
			}
			for _, tc := range cases {
				t.Run(fmt.Sprintf("%s %d %s %s", tc.op, tc.status, tc.method, tc.path), func(t *testing.T) {
					checkConformance(t, e, ch, tc)
				})
			}
		})
	}

	t.Run("every operation answers 401 without a token", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		org := tokenOf(t, e.sim, astrosim.KindOrganization, 0).Scope[0]
		for _, op := range allRoutes(t, ch, org) {
			r := e.send(t, "", op.method, op.path, "")
			require.Equal(t, http.StatusUnauthorized, r.status, "%s %s", op.method, op.path)
			ex := ch.Check(t.Context(), op.method, op.path, http.Header{}, nil, r.status, r.header, r.body)
			assert.Equal(t, op.id, ex.Operation)
			assert.NoError(t, ex.ResponseErr, "%s", op.id)
		}
	})

	t.Run("429", func(t *testing.T) {
		t.Parallel()
		e := setup(t, astrosim.WithClock(newFakeClock().Now))
		tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
		for range 25 {
			e.get(t, tok.Token, orgPath(tok.Scope[0], "/clusters"))
		}
		checkConformance(t, e, ch, conformanceCase{
			op: "ListClusters", tok: tok.Token, path: orgPath(tok.Scope[0], "/clusters"), status: http.StatusTooManyRequests,
		})
		for range 10 {
			e.send(t, "Bearer "+tok.Token, http.MethodPost, orgPath(tok.Scope[0], "/teams"), `{"name":"t"}`)
		}
		checkConformance(t, e, ch, conformanceCase{
			op: "CreateTeam", tok: tok.Token, method: http.MethodPost, path: orgPath(tok.Scope[0], "/teams"), body: `{"name":"t"}`, status: http.StatusTooManyRequests,
		})
		for range 5 {
			e.send(t, "Bearer "+tok.Token, http.MethodDelete, orgPath(tok.Scope[0], "/teams/cnone"), "")
		}
		checkConformance(t, e, ch, conformanceCase{
			op: "DeleteTeam", tok: tok.Token, method: http.MethodDelete, path: orgPath(tok.Scope[0], "/teams/cnone"), status: http.StatusTooManyRequests,
		})
	})

	t.Run("injected faults", func(t *testing.T) {
		t.Parallel()
		e := setup(t, astrosim.WithFaults(1), astrosim.WithRateLimit(false))
		tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
		org := tok.Scope[0]
		checkConformance(t, e, ch, conformanceCase{op: "GetOrganization", tok: tok.Token, path: orgPath(org), status: 500})
		checkConformance(t, e, ch, conformanceCase{op: "GetOrganizationAuditLogs", tok: tok.Token, path: orgPath(org, "/audit-logs"), status: 500})
		checkConformance(t, e, ch, conformanceCase{op: "CreateTeam", tok: tok.Token, method: http.MethodPost, path: orgPath(org, "/teams"), body: `{"name":"t"}`, status: 500})
		checkConformance(t, e, ch, conformanceCase{op: "DeleteDeploymentHibernationOverride", tok: tok.Token, method: http.MethodDelete,
			path: orgPath(org, "/deployments/cnone/hibernation-override"), status: 500})
	})
}

// route is one operation of the spec with placeholder ids.
type route struct {
	id, method, path string
}

// allRoutes lists every operation of the spec, with orgID and a
// placeholder for the other path parameters.
func allRoutes(t *testing.T, ch *conformance.Checker, orgID string) []route {
	t.Helper()
	doc := ch.Doc()
	var out []route
	for _, p := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(p).Operations() {
			path := strings.ReplaceAll(p, "{organizationId}", orgID)
			for strings.Contains(path, "{") {
				i, j := strings.Index(path, "{"), strings.Index(path, "}")
				path = path[:i] + "cplaceholder0000000000000" + path[j+1:]
			}
			out = append(out, route{op.OperationID, method, "/v1" + path})
		}
	}
	require.Len(t, out, 75)
	return out
}

// servedOperations are the spec operations the simulator serves: all 75.
func servedOperations() []string {
	return []string{
		"ListPermissionGroups",
		"ListOrganizations", "GetOrganization", "UpdateOrganization", "GetOrganizationAuditLogs",
		"ListAllowedIpAddressRanges", "CreateAllowedIpAddressRange", "DeleteAllowedIpAddressRange",
		"BulkCreateAllowedIpAddressRanges", "BulkDeleteAllowedIpAddressRanges",
		"GetClusterOptions", "GetDeploymentOptions",
		"ListClusters", "CreateCluster", "DeleteCluster", "GetCluster", "UpdateCluster",
		"ListDeployments", "CreateDeployment", "DeleteDeployment", "GetDeployment", "UpdateDeployment",
		"DeleteDeploymentHibernationOverride", "UpdateDeploymentHibernationOverride", "GetDeploymentLogs",
		"ListAgentTokens", "CreateAgentToken", "DeleteAgentToken", "GetAgentToken",
		"ListDeploys", "CreateDeploy", "GetDeploy", "UpdateDeploy", "FinalizeDeploy", "DeployRollback",
		"ListEnvironmentObjects", "CreateEnvironmentObject", "DeleteEnvironmentObject", "GetEnvironmentObject",
		"UpdateEnvironmentObject", "ExcludeLinkingEnvironmentObject",
		"CreateUserInvite", "DeleteUserInvite",
		"ListRoleTemplates", "ListRoles", "CreateCustomRole", "DeleteCustomRole", "UpdateCustomRole", "GetCustomRole",
		"ListTeams", "CreateTeam", "DeleteTeam", "GetTeam", "UpdateTeam",
		"ListTeamMembers", "AddTeamMembers", "RemoveTeamMember", "UpdateTeamRoles",
		"ListApiTokens", "CreateApiToken", "DeleteApiToken", "GetApiToken", "UpdateApiToken", "UpdateApiTokenRoles", "RotateApiToken",
		"GetSelfUser", "ListUsers", "GetUser", "UpdateUserRoles", "ListUserTeams",
		"ListWorkspaces", "CreateWorkspace", "DeleteWorkspace", "GetWorkspace", "UpdateWorkspace",
	}
}

// TestRouteCoverage lists every operation of the spec as served or not
// served: served ones reach a handler, the others get the no-route 404.
func TestRouteCoverage(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	doc := loadChecker(t).Doc()
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)

	var seen []string
	paths := doc.Paths.Map()
	for _, p := range doc.Paths.InMatchingOrder() {
		for method, op := range paths[p].Operations() {
			seen = append(seen, op.OperationID)
			url := strings.ReplaceAll(p, "{organizationId}", tok.Scope[0])
			for strings.Contains(url, "{") {
				i, j := strings.Index(url, "{"), strings.Index(url, "}")
				url = url[:i] + "cplaceholder0000000000000" + url[j+1:]
			}
			r := e.do(t, tok.Token, method, "/v1"+url)
			served := slices.Contains(servedOperations(), op.OperationID)
			noRoute := r.status == http.StatusNotFound && strings.Contains(string(r.body), "no route")
			assert.Equal(t, served, !noRoute, "%s %s (%s): served=%v, got %d %s", method, p, op.OperationID, served, r.status, r.body)
		}
	}
	assert.Len(t, seen, 75, "the spec has 75 operations")
	for _, op := range servedOperations() {
		assert.Contains(t, seen, op)
	}
}
