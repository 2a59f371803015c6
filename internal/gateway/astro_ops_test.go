package gateway_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/internal/specs"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// astroOp maps one operation of the Astro API v1 to the GraphQL field that
// calls it: "Query.astro.organization.users" (a path of fields from the
// root) or "Mutation.createAstroTeam".
type astroOp struct {
	method, path, field string
}

// astroOps is every operation of platform-v1.yaml, by operationId.
var astroOps = map[string]astroOp{
	"ListPermissionGroups":                {"GET", "/authorization/permission-groups", "Query.astro.permissionGroups"},
	"ListOrganizations":                   {"GET", "/organizations", "Query.astro.organizations"},
	"GetOrganization":                     {"GET", "/organizations/{organizationId}", "Query.astro.organization"},
	"UpdateOrganization":                  {"POST", "/organizations/{organizationId}", "Mutation.updateAstroOrganization"},
	"ListAllowedIpAddressRanges":          {"GET", "/organizations/{organizationId}/allowed-ip-address-ranges", "Query.astro.organization.allowedIpAddressRanges"},
	"CreateAllowedIpAddressRange":         {"POST", "/organizations/{organizationId}/allowed-ip-address-ranges", "Mutation.createAstroAllowedIpAddressRange"},
	"DeleteAllowedIpAddressRange":         {"DELETE", "/organizations/{organizationId}/allowed-ip-address-ranges/{allowedIpAddressRangeId}", "Mutation.deleteAstroAllowedIpAddressRange"},
	"BulkCreateAllowedIpAddressRanges":    {"POST", "/organizations/{organizationId}/allowed-ip-address-ranges/bulk-create", "Mutation.bulkCreateAstroAllowedIpAddressRanges"},
	"BulkDeleteAllowedIpAddressRanges":    {"POST", "/organizations/{organizationId}/allowed-ip-address-ranges/bulk-delete", "Mutation.bulkDeleteAstroAllowedIpAddressRanges"},
	"GetOrganizationAuditLogs":            {"GET", "/organizations/{organizationId}/audit-logs", "Query.astro.organization.auditLogs"},
	"GetClusterOptions":                   {"GET", "/organizations/{organizationId}/cluster-options", "Query.astro.organization.clusterOptions"},
	"ListClusters":                        {"GET", "/organizations/{organizationId}/clusters", "Query.astro.organization.clusters"},
	"CreateCluster":                       {"POST", "/organizations/{organizationId}/clusters", "Mutation.createAstroCluster"},
	"DeleteCluster":                       {"DELETE", "/organizations/{organizationId}/clusters/{clusterId}", "Mutation.deleteAstroCluster"},
	"GetCluster":                          {"GET", "/organizations/{organizationId}/clusters/{clusterId}", "Query.astro.organization.cluster"},
	"UpdateCluster":                       {"POST", "/organizations/{organizationId}/clusters/{clusterId}", "Mutation.updateAstroCluster"},
	"GetDeploymentOptions":                {"GET", "/organizations/{organizationId}/deployment-options", "Query.astro.organization.deploymentOptions"},
	"ListDeployments":                     {"GET", "/organizations/{organizationId}/deployments", "Query.astro.organization.deployments"},
	"CreateDeployment":                    {"POST", "/organizations/{organizationId}/deployments", "Mutation.createAstroDeployment"},
	"DeleteDeployment":                    {"DELETE", "/organizations/{organizationId}/deployments/{deploymentId}", "Mutation.deleteAstroDeployment"},
	"GetDeployment":                       {"GET", "/organizations/{organizationId}/deployments/{deploymentId}", "Query.astro.organization.deployment"},
	"UpdateDeployment":                    {"POST", "/organizations/{organizationId}/deployments/{deploymentId}", "Mutation.updateAstroDeployment"},
	"ListAgentTokens":                     {"GET", "/organizations/{organizationId}/deployments/{deploymentId}/agent-tokens", "Query.astro.organization.deployment.agentTokens"},
	"CreateAgentToken":                    {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/agent-tokens", "Mutation.createAstroAgentToken"},
	"DeleteAgentToken":                    {"DELETE", "/organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId}", "Mutation.deleteAstroAgentToken"},
	"GetAgentToken":                       {"GET", "/organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId}", "Query.astro.organization.deployment.agentToken"},
	"ListDeploys":                         {"GET", "/organizations/{organizationId}/deployments/{deploymentId}/deploys", "Query.astro.organization.deployment.deploys"},
	"CreateDeploy":                        {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/deploys", "Mutation.createAstroDeploy"},
	"GetDeploy":                           {"GET", "/organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}", "Query.astro.organization.deployment.deploy"},
	"UpdateDeploy":                        {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}", "Mutation.updateAstroDeploy"},
	"FinalizeDeploy":                      {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/finalize", "Mutation.finalizeAstroDeploy"},
	"DeployRollback":                      {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/rollback", "Mutation.rollbackAstroDeploy"},
	"DeleteDeploymentHibernationOverride": {"DELETE", "/organizations/{organizationId}/deployments/{deploymentId}/hibernation-override", "Mutation.deleteAstroDeploymentHibernationOverride"},
	"UpdateDeploymentHibernationOverride": {"POST", "/organizations/{organizationId}/deployments/{deploymentId}/hibernation-override", "Mutation.updateAstroDeploymentHibernationOverride"},
	"GetDeploymentLogs":                   {"GET", "/organizations/{organizationId}/deployments/{deploymentId}/logs", "Query.astro.organization.deployment.logs"},
	"ListEnvironmentObjects":              {"GET", "/organizations/{organizationId}/environment-objects", "Query.astro.organization.environmentObjects"},
	"CreateEnvironmentObject":             {"POST", "/organizations/{organizationId}/environment-objects", "Mutation.createAstroEnvironmentObject"},
	"DeleteEnvironmentObject":             {"DELETE", "/organizations/{organizationId}/environment-objects/{environmentObjectId}", "Mutation.deleteAstroEnvironmentObject"},
	"GetEnvironmentObject":                {"GET", "/organizations/{organizationId}/environment-objects/{environmentObjectId}", "Query.astro.organization.environmentObject"},
	"UpdateEnvironmentObject":             {"POST", "/organizations/{organizationId}/environment-objects/{environmentObjectId}", "Mutation.updateAstroEnvironmentObject"},
	"ExcludeLinkingEnvironmentObject":     {"POST", "/organizations/{organizationId}/environment-objects/{environmentObjectId}/exclude-linking", "Mutation.excludeLinkingAstroEnvironmentObject"},
	"CreateUserInvite":                    {"POST", "/organizations/{organizationId}/invites", "Mutation.createAstroUserInvite"},
	"DeleteUserInvite":                    {"DELETE", "/organizations/{organizationId}/invites/{inviteId}", "Mutation.deleteAstroUserInvite"},
	"ListRoleTemplates":                   {"GET", "/organizations/{organizationId}/role-templates", "Query.astro.organization.roleTemplates"},
	"ListRoles":                           {"GET", "/organizations/{organizationId}/roles", "Query.astro.organization.roles"},
	"CreateCustomRole":                    {"POST", "/organizations/{organizationId}/roles", "Mutation.createAstroCustomRole"},
	"DeleteCustomRole":                    {"DELETE", "/organizations/{organizationId}/roles/{customRoleId}", "Mutation.deleteAstroCustomRole"},
	"UpdateCustomRole":                    {"POST", "/organizations/{organizationId}/roles/{customRoleId}", "Mutation.updateAstroCustomRole"},
	"GetCustomRole":                       {"GET", "/organizations/{organizationId}/roles/{roleId}", "Query.astro.organization.role"},
	"ListTeams":                           {"GET", "/organizations/{organizationId}/teams", "Query.astro.organization.teams"},
	"CreateTeam":                          {"POST", "/organizations/{organizationId}/teams", "Mutation.createAstroTeam"},
	"DeleteTeam":                          {"DELETE", "/organizations/{organizationId}/teams/{teamId}", "Mutation.deleteAstroTeam"},
	"GetTeam":                             {"GET", "/organizations/{organizationId}/teams/{teamId}", "Query.astro.organization.team"},
	"UpdateTeam":                          {"POST", "/organizations/{organizationId}/teams/{teamId}", "Mutation.updateAstroTeam"},
	"ListTeamMembers":                     {"GET", "/organizations/{organizationId}/teams/{teamId}/members", "Query.astro.organization.team.members"},
	"AddTeamMembers":                      {"POST", "/organizations/{organizationId}/teams/{teamId}/members", "Mutation.addAstroTeamMembers"},
	"RemoveTeamMember":                    {"DELETE", "/organizations/{organizationId}/teams/{teamId}/members/{memberId}", "Mutation.removeAstroTeamMember"},
	"UpdateTeamRoles":                     {"POST", "/organizations/{organizationId}/teams/{teamId}/roles", "Mutation.updateAstroTeamRoles"},
	"ListApiTokens":                       {"GET", "/organizations/{organizationId}/tokens", "Query.astro.organization.apiTokens"},
	"CreateApiToken":                      {"POST", "/organizations/{organizationId}/tokens", "Mutation.createAstroApiToken"},
	"DeleteApiToken":                      {"DELETE", "/organizations/{organizationId}/tokens/{tokenId}", "Mutation.deleteAstroApiToken"},
	"GetApiToken":                         {"GET", "/organizations/{organizationId}/tokens/{tokenId}", "Query.astro.organization.apiToken"},
	"UpdateApiToken":                      {"POST", "/organizations/{organizationId}/tokens/{tokenId}", "Mutation.updateAstroApiToken"},
	"UpdateApiTokenRoles":                 {"POST", "/organizations/{organizationId}/tokens/{tokenId}/roles", "Mutation.updateAstroApiTokenRoles"},
	"RotateApiToken":                      {"POST", "/organizations/{organizationId}/tokens/{tokenId}/rotate", "Mutation.rotateAstroApiToken"},
	"ListUsers":                           {"GET", "/organizations/{organizationId}/users", "Query.astro.organization.users"},
	"GetUser":                             {"GET", "/organizations/{organizationId}/users/{userId}", "Query.astro.organization.user"},
	"UpdateUserRoles":                     {"POST", "/organizations/{organizationId}/users/{userId}/roles", "Mutation.updateAstroUserRoles"},
	"ListUserTeams":                       {"GET", "/organizations/{organizationId}/users/{userId}/teams", "Query.astro.organization.user.teams"},
	"ListWorkspaces":                      {"GET", "/organizations/{organizationId}/workspaces", "Query.astro.organization.workspaces"},
	"CreateWorkspace":                     {"POST", "/organizations/{organizationId}/workspaces", "Mutation.createAstroWorkspace"},
	"DeleteWorkspace":                     {"DELETE", "/organizations/{organizationId}/workspaces/{workspaceId}", "Mutation.deleteAstroWorkspace"},
	"GetWorkspace":                        {"GET", "/organizations/{organizationId}/workspaces/{workspaceId}", "Query.astro.organization.workspace"},
	"UpdateWorkspace":                     {"POST", "/organizations/{organizationId}/workspaces/{workspaceId}", "Mutation.updateAstroWorkspace"},
	"GetSelfUser":                         {"GET", "/users/self", "Query.astro.self"},
}

const astroSpecPath = "../../../shared/specs/astro/platform-v1.yaml"

// TestAstroOperationTable checks that astroOps names every operation of the
// spec, with its method and path, and that each field exists in the schema.
func TestAstroOperationTable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(astroSpecPath)
	if errors.Is(err, fs.ErrNotExist) {
		specs.Missing(t, astroSpecPath, "the operation table cannot be compared with the Astro API spec")
	}
	require.NoError(t, err)
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
		} `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &spec))
	want := map[string]astroOp{}
	for path, item := range spec.Paths {
		for method, op := range item {
			if op.OperationID != "" {
				want[op.OperationID] = astroOp{method: strings.ToUpper(method), path: path}
			}
		}
	}
	require.Len(t, want, 75, "platform-v1.yaml has 75 operations")
	assert.ElementsMatch(t, slices.Collect(maps.Keys(want)), slices.Collect(maps.Keys(astroOps)), "every operation is in the table, and nothing else")
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	for id, op := range astroOps {
		if w, ok := want[id]; ok {
			assert.Equal(t, w.method+" "+w.path, op.method+" "+op.path, id)
		}
		assert.NoError(t, fieldExists(schema, op.field), id)
	}
}

// fieldExists walks a "Type.field.field…" path through the schema.
func fieldExists(s *ast.Schema, path string) error {
	parts := strings.Split(path, ".")
	typ := s.Types[parts[0]]
	for _, name := range parts[1:] {
		if typ == nil {
			return errors.New(path + ": no such type")
		}
		f := typ.Fields.ForName(name)
		if f == nil {
			return errors.New(path + ": " + typ.Name + " has no field " + name)
		}
		typ = s.Types[f.Type.Name()]
	}
	return nil
}

// opsRun drives operations through the gateway and records, per
// operation, that a success and an error went through it.
type opsRun struct {
	env     *testenv.Env
	headers map[string]string
	org     string // Acme Corp (Hosted)
	hybrid  string // Globex (Hybrid)
	ok      map[string]bool
	failed  map[string]bool
}

func newOpsRun(t *testing.T, env *testenv.Env) *opsRun {
	t.Helper()
	r := &opsRun{env: env, ok: map[string]bool{}, failed: map[string]bool{},
		// no-cache: every read goes upstream, so that the simulator's
		// counters show which operation a field called.
		headers: map[string]string{"X-Astro-Token": env.AstroToken, "Cache-Control": "no-cache"}}
	for _, tok := range env.Astro.Tokens() {
		switch tok.Label {
		case "org:Acme Corp":
			r.org = tok.Scope[0]
		case "org:Globex":
			r.hybrid = tok.Scope[0]
		}
	}
	require.NotEmpty(t, r.org)
	require.NotEmpty(t, r.hybrid)
	return r
}

func route(op string) string {
	o := astroOps[op]
	return o.method + " /v1" + o.path
}

// query posts a GraphQL document with the run's headers (or h).
func (r *opsRun) query(t *testing.T, q string, vars map[string]any, h ...map[string]string) testenv.Response {
	t.Helper()
	headers := r.headers
	if len(h) > 0 {
		headers = h[0]
	}
	return r.env.Query(t, q, vars, headers)
}

// read runs q, a query that sets a test up or reads its outcome, which must
// answer without errors; an attempt that timed out upstream is tried again
// (up to five in all). Tests that make the upstream timeout short for what
// they exercise (100 ms) would otherwise fail their own setup whenever a
// busy machine delays an answer that much.
func (r *opsRun) read(t *testing.T, q string, vars map[string]any) map[string]any {
	t.Helper()
	var resp testenv.Response
	for range 5 {
		resp = r.query(t, q, vars)
		if len(resp.Errors) == 0 || !onlyCode(resp.Errors, "UPSTREAM_UNAVAILABLE") {
			break
		}
	}
	require.Empty(t, resp.Errors, q)
	return dataOf(t, resp)
}

// dataOf is resp's data as a map.
func dataOf(t *testing.T, resp testenv.Response) map[string]any {
	t.Helper()
	var data map[string]any
	require.NoError(t, json.Unmarshal(resp.Data, &data))
	return data
}

// onlyCode reports whether every error has extensions.code code.
func onlyCode(errs []testenv.Error, code string) bool {
	for _, e := range errs {
		if e.Extensions["code"] != code {
			return false
		}
	}
	return true
}

// succeed runs q, which must answer without errors, and checks that each
// of ops reached the simulator; it returns the data.
func (r *opsRun) succeed(t *testing.T, ops []string, q string, vars map[string]any) map[string]any {
	t.Helper()
	before := r.env.Astro.Stats().ByRoute
	resp := r.query(t, q, vars)
	require.Empty(t, resp.Errors, "%v: %s", ops, q)
	after := r.env.Astro.Stats().ByRoute
	for _, op := range ops {
		require.Contains(t, astroOps, op)
		assert.Greater(t, after[route(op)], before[route(op)], "%s reached %s", op, route(op))
		r.ok[op] = true
	}
	return dataOf(t, resp)
}

// reject runs q, which must fail with code, and records the error case of
// op. BAD_USER_INPUT from the gateway's own checks must cost no upstream
// call; pass upstream=true when the error comes from Astro.
func (r *opsRun) reject(t *testing.T, op, code string, upstream bool, q string, vars map[string]any, h ...map[string]string) testenv.Error {
	t.Helper()
	require.Contains(t, astroOps, op)
	before := r.env.Astro.Stats()
	resp := r.query(t, q, vars, h...)
	require.NotEmpty(t, resp.Errors, "%s: expected %s: %s", op, code, resp.Data)
	e := resp.Errors[0]
	require.Equal(t, code, e.Extensions["code"], "%s: %+v", op, e)
	after := r.env.Astro.Stats()
	if upstream {
		assert.Greater(t, after.ByRoute[route(op)], before.ByRoute[route(op)], "%s: the error came from %s", op, route(op))
		assert.Equal(t, "astro", e.Extensions["backend"], "%s", op)
	} else {
		assert.Equal(t, before.Requests, after.Requests, "%s: rejected before any upstream call", op)
		if code == "BAD_USER_INPUT" {
			assert.NotEmpty(t, e.Extensions["field"], "%s: the error names the input field", op)
		}
	}
	r.failed[op] = true
	return e
}

// rejectBeforeWrite runs q, which must fail with code after reads (the
// gateway looked something up) but before op's own call.
func (r *opsRun) rejectBeforeWrite(t *testing.T, op, code string, q string, vars map[string]any) testenv.Error {
	t.Helper()
	before := r.env.Astro.Stats().ByRoute[route(op)]
	resp := r.query(t, q, vars)
	require.NotEmpty(t, resp.Errors, "%s: expected %s: %s", op, code, resp.Data)
	e := resp.Errors[0]
	require.Equal(t, code, e.Extensions["code"], "%s: %+v", op, e)
	assert.Equal(t, before, r.env.Astro.Stats().ByRoute[route(op)], "%s: rejected before %s", op, route(op))
	r.failed[op] = true
	return e
}

// dig reads a value out of decoded JSON by a dotted path; numbers index
// lists.
func dig(t *testing.T, v any, path string) any {
	t.Helper()
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			require.Contains(t, x, p, "path %s", path)
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			require.NoError(t, err, "path %s", path)
			require.Less(t, i, len(x), "path %s", path)
			v = x[i]
		default:
			t.Fatalf("path %s: %T at %q", path, v, p)
		}
	}
	return v
}

func str(t *testing.T, v any, path string) string {
	t.Helper()
	s, ok := dig(t, v, path).(string)
	require.True(t, ok, "%s is not a string", path)
	return s
}

func num(t *testing.T, v any, path string) int {
	t.Helper()
	n, ok := dig(t, v, path).(float64)
	require.True(t, ok, "%s is not a number", path)
	return int(n)
}

func list(t *testing.T, v any, path string) []any {
	t.Helper()
	l, ok := dig(t, v, path).([]any)
	require.True(t, ok, "%s is not a list", path)
	return l
}

func itoa(i int) string { return strconv.Itoa(i) }

const missingID = "cdoesnotexist000000000000"
const foreignOrg = "cforeignorganization00000"

// TestAstroOperations drives every operation of the Astro API through the
// gateway against the simulator: a success and at least one error each.
func TestAstroOperations(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, testenv.Config{NoHouston: true})
	r := newOpsRun(t, env)
	t.Run("organization", func(t *testing.T) { opsOrganization(t, r) })
	t.Run("workspaces", func(t *testing.T) { opsWorkspaces(t, r) })
	t.Run("clusters", func(t *testing.T) { opsClusters(t, r) })
	t.Run("deployments", func(t *testing.T) { opsDeployments(t, r) })
	t.Run("deploys and agent tokens", func(t *testing.T) { opsDeploys(t, r) })
	t.Run("users, teams and invites", func(t *testing.T) { opsIAM(t, r) })
	t.Run("api tokens, roles and allowlist", func(t *testing.T) { opsAccess(t, r) })
	t.Run("environment objects", func(t *testing.T) { opsEnvironment(t, r) })
	var noSuccess, noError []string
	for op := range astroOps {
		if !r.ok[op] {
			noSuccess = append(noSuccess, op)
		}
		if !r.failed[op] {
			noError = append(noError, op)
		}
	}
	slices.Sort(noSuccess)
	slices.Sort(noError)
	assert.Empty(t, noSuccess, "operations without a success case")
	assert.Empty(t, noError, "operations without an error case")
	t.Logf("%d operations, each with a success and an error case; %d upstream requests", len(astroOps), env.Astro.Stats().Requests)
}
