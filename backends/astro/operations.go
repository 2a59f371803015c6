package astro

import (
	"context"
	"net/http"
)

// Operation is one operation of the Astro API v1, as platform-v1.yaml
// names it. The table of them ([Operations]) is the one place that says
// what a request is: every client method names its operation, and the
// request it sends carries it in its context ([CallOf]), so that the rate
// limiter, the retry policy, the cache and the metrics read it there
// rather than parsing URLs again.
type Operation struct {
	// ID is the spec's operationId, such as "ListDeployments"; it is also
	// the operation's metrics label.
	ID string
	// Method is the HTTP method.
	Method string
	// Path is the spec's path template, relative to the base URL (without
	// the leading "/").
	Path string
	// Class is the rate-limit class Astro meters the operation in.
	Class MethodClass
	// Create marks an operation that must never be sent twice blindly:
	// sending it twice has a different effect than sending it once. That
	// covers the creates (a POST to a collection) and three actions that
	// also make something new: BulkCreateAllowedIpAddressRanges (a second
	// attempt gets a 409), RotateApiToken (a second rotation invalidates
	// the secret the first returned) and DeployRollback (a second rollback
	// makes a second deploy). Updates, role and membership changes,
	// finalizing a deploy and the hibernation override are idempotent.
	Create bool
	// Scope is what the operation reads or changes, for caches.
	Scope Scope
}

// Scope is the part of the API an operation belongs to.
type Scope int

const (
	// ScopeOrganization operations address one organization, the first
	// parameter of their path.
	ScopeOrganization Scope = iota + 1
	// ScopeAccount operations sit above any one organization: the caller's
	// organizations, the caller's own user, the permission groups.
	ScopeAccount
)

// operations is the table: every operation of platform-v1.yaml, by ID.
var operations = [...]Operation{
	{"AddTeamMembers", http.MethodPost, "organizations/{organizationId}/teams/{teamId}/members", ClassWrite, false, ScopeOrganization},
	{"BulkCreateAllowedIpAddressRanges", http.MethodPost, "organizations/{organizationId}/allowed-ip-address-ranges/bulk-create", ClassWrite, true, ScopeOrganization},
	{"BulkDeleteAllowedIpAddressRanges", http.MethodPost, "organizations/{organizationId}/allowed-ip-address-ranges/bulk-delete", ClassWrite, false, ScopeOrganization},
	{"CreateAgentToken", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/agent-tokens", ClassWrite, true, ScopeOrganization},
	{"CreateAllowedIpAddressRange", http.MethodPost, "organizations/{organizationId}/allowed-ip-address-ranges", ClassWrite, true, ScopeOrganization},
	{"CreateApiToken", http.MethodPost, "organizations/{organizationId}/tokens", ClassWrite, true, ScopeOrganization},
	{"CreateCluster", http.MethodPost, "organizations/{organizationId}/clusters", ClassWrite, true, ScopeOrganization},
	{"CreateCustomRole", http.MethodPost, "organizations/{organizationId}/roles", ClassWrite, true, ScopeOrganization},
	{"CreateDeploy", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/deploys", ClassWrite, true, ScopeOrganization},
	{"CreateDeployment", http.MethodPost, "organizations/{organizationId}/deployments", ClassWrite, true, ScopeOrganization},
	{"CreateEnvironmentObject", http.MethodPost, "organizations/{organizationId}/environment-objects", ClassWrite, true, ScopeOrganization},
	{"CreateTeam", http.MethodPost, "organizations/{organizationId}/teams", ClassWrite, true, ScopeOrganization},
	{"CreateUserInvite", http.MethodPost, "organizations/{organizationId}/invites", ClassWrite, true, ScopeOrganization},
	{"CreateWorkspace", http.MethodPost, "organizations/{organizationId}/workspaces", ClassWrite, true, ScopeOrganization},
	{"DeleteAgentToken", http.MethodDelete, "organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId}", ClassDelete, false, ScopeOrganization},
	{"DeleteAllowedIpAddressRange", http.MethodDelete, "organizations/{organizationId}/allowed-ip-address-ranges/{allowedIpAddressRangeId}", ClassDelete, false, ScopeOrganization},
	{"DeleteApiToken", http.MethodDelete, "organizations/{organizationId}/tokens/{tokenId}", ClassDelete, false, ScopeOrganization},
	{"DeleteCluster", http.MethodDelete, "organizations/{organizationId}/clusters/{clusterId}", ClassDelete, false, ScopeOrganization},
	{"DeleteCustomRole", http.MethodDelete, "organizations/{organizationId}/roles/{customRoleId}", ClassDelete, false, ScopeOrganization},
	{"DeleteDeployment", http.MethodDelete, "organizations/{organizationId}/deployments/{deploymentId}", ClassDelete, false, ScopeOrganization},
	{"DeleteDeploymentHibernationOverride", http.MethodDelete, "organizations/{organizationId}/deployments/{deploymentId}/hibernation-override", ClassDelete, false, ScopeOrganization},
	{"DeleteEnvironmentObject", http.MethodDelete, "organizations/{organizationId}/environment-objects/{environmentObjectId}", ClassDelete, false, ScopeOrganization},
	{"DeleteTeam", http.MethodDelete, "organizations/{organizationId}/teams/{teamId}", ClassDelete, false, ScopeOrganization},
	{"DeleteUserInvite", http.MethodDelete, "organizations/{organizationId}/invites/{inviteId}", ClassDelete, false, ScopeOrganization},
	{"DeleteWorkspace", http.MethodDelete, "organizations/{organizationId}/workspaces/{workspaceId}", ClassDelete, false, ScopeOrganization},
	{"DeployRollback", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/rollback", ClassWrite, true, ScopeOrganization},
	{"ExcludeLinkingEnvironmentObject", http.MethodPost, "organizations/{organizationId}/environment-objects/{environmentObjectId}/exclude-linking", ClassWrite, false, ScopeOrganization},
	{"FinalizeDeploy", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}/finalize", ClassWrite, false, ScopeOrganization},
	{"GetAgentToken", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId}", ClassRead, false, ScopeOrganization},
	{"GetApiToken", http.MethodGet, "organizations/{organizationId}/tokens/{tokenId}", ClassRead, false, ScopeOrganization},
	{"GetCluster", http.MethodGet, "organizations/{organizationId}/clusters/{clusterId}", ClassRead, false, ScopeOrganization},
	{"GetClusterOptions", http.MethodGet, "organizations/{organizationId}/cluster-options", ClassRead, false, ScopeOrganization},
	{"GetCustomRole", http.MethodGet, "organizations/{organizationId}/roles/{roleId}", ClassRead, false, ScopeOrganization},
	{"GetDeploy", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}", ClassRead, false, ScopeOrganization},
	{"GetDeployment", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}", ClassRead, false, ScopeOrganization},
	{"GetDeploymentLogs", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}/logs", ClassRead, false, ScopeOrganization},
	{"GetDeploymentOptions", http.MethodGet, "organizations/{organizationId}/deployment-options", ClassRead, false, ScopeOrganization},
	{"GetEnvironmentObject", http.MethodGet, "organizations/{organizationId}/environment-objects/{environmentObjectId}", ClassRead, false, ScopeOrganization},
	{"GetOrganization", http.MethodGet, "organizations/{organizationId}", ClassRead, false, ScopeOrganization},
	{"GetOrganizationAuditLogs", http.MethodGet, "organizations/{organizationId}/audit-logs", ClassRead, false, ScopeOrganization},
	{"GetSelfUser", http.MethodGet, "users/self", ClassRead, false, ScopeAccount},
	{"GetTeam", http.MethodGet, "organizations/{organizationId}/teams/{teamId}", ClassRead, false, ScopeOrganization},
	{"GetUser", http.MethodGet, "organizations/{organizationId}/users/{userId}", ClassRead, false, ScopeOrganization},
	{"GetWorkspace", http.MethodGet, "organizations/{organizationId}/workspaces/{workspaceId}", ClassRead, false, ScopeOrganization},
	{"ListAgentTokens", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}/agent-tokens", ClassRead, false, ScopeOrganization},
	{"ListAllowedIpAddressRanges", http.MethodGet, "organizations/{organizationId}/allowed-ip-address-ranges", ClassRead, false, ScopeOrganization},
	{"ListApiTokens", http.MethodGet, "organizations/{organizationId}/tokens", ClassRead, false, ScopeOrganization},
	{"ListClusters", http.MethodGet, "organizations/{organizationId}/clusters", ClassRead, false, ScopeOrganization},
	{"ListDeployments", http.MethodGet, "organizations/{organizationId}/deployments", ClassRead, false, ScopeOrganization},
	{"ListDeploys", http.MethodGet, "organizations/{organizationId}/deployments/{deploymentId}/deploys", ClassRead, false, ScopeOrganization},
	{"ListEnvironmentObjects", http.MethodGet, "organizations/{organizationId}/environment-objects", ClassRead, false, ScopeOrganization},
	{"ListOrganizations", http.MethodGet, "organizations", ClassRead, false, ScopeAccount},
	{"ListPermissionGroups", http.MethodGet, "authorization/permission-groups", ClassRead, false, ScopeAccount},
	{"ListRoleTemplates", http.MethodGet, "organizations/{organizationId}/role-templates", ClassRead, false, ScopeOrganization},
	{"ListRoles", http.MethodGet, "organizations/{organizationId}/roles", ClassRead, false, ScopeOrganization},
	{"ListTeamMembers", http.MethodGet, "organizations/{organizationId}/teams/{teamId}/members", ClassRead, false, ScopeOrganization},
	{"ListTeams", http.MethodGet, "organizations/{organizationId}/teams", ClassRead, false, ScopeOrganization},
	{"ListUserTeams", http.MethodGet, "organizations/{organizationId}/users/{userId}/teams", ClassRead, false, ScopeOrganization},
	{"ListUsers", http.MethodGet, "organizations/{organizationId}/users", ClassRead, false, ScopeOrganization},
	{"ListWorkspaces", http.MethodGet, "organizations/{organizationId}/workspaces", ClassRead, false, ScopeOrganization},
	{"RemoveTeamMember", http.MethodDelete, "organizations/{organizationId}/teams/{teamId}/members/{memberId}", ClassDelete, false, ScopeOrganization},
	{"RotateApiToken", http.MethodPost, "organizations/{organizationId}/tokens/{tokenId}/rotate", ClassWrite, true, ScopeOrganization},
	{"UpdateApiToken", http.MethodPost, "organizations/{organizationId}/tokens/{tokenId}", ClassWrite, false, ScopeOrganization},
	{"UpdateApiTokenRoles", http.MethodPost, "organizations/{organizationId}/tokens/{tokenId}/roles", ClassWrite, false, ScopeOrganization},
	{"UpdateCluster", http.MethodPost, "organizations/{organizationId}/clusters/{clusterId}", ClassWrite, false, ScopeOrganization},
	{"UpdateCustomRole", http.MethodPost, "organizations/{organizationId}/roles/{customRoleId}", ClassWrite, false, ScopeOrganization},
	{"UpdateDeploy", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/deploys/{deployId}", ClassWrite, false, ScopeOrganization},
	{"UpdateDeployment", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}", ClassWrite, false, ScopeOrganization},
	{"UpdateDeploymentHibernationOverride", http.MethodPost, "organizations/{organizationId}/deployments/{deploymentId}/hibernation-override", ClassWrite, false, ScopeOrganization},
	{"UpdateEnvironmentObject", http.MethodPost, "organizations/{organizationId}/environment-objects/{environmentObjectId}", ClassWrite, false, ScopeOrganization},
	{"UpdateOrganization", http.MethodPost, "organizations/{organizationId}", ClassWrite, false, ScopeOrganization},
	{"UpdateTeam", http.MethodPost, "organizations/{organizationId}/teams/{teamId}", ClassWrite, false, ScopeOrganization},
	{"UpdateTeamRoles", http.MethodPost, "organizations/{organizationId}/teams/{teamId}/roles", ClassWrite, false, ScopeOrganization},
	{"UpdateUserRoles", http.MethodPost, "organizations/{organizationId}/users/{userId}/roles", ClassWrite, false, ScopeOrganization},
	{"UpdateWorkspace", http.MethodPost, "organizations/{organizationId}/workspaces/{workspaceId}", ClassWrite, false, ScopeOrganization},
}

var operationsByID = func() map[string]*Operation {
	m := make(map[string]*Operation, len(operations))
	for i := range operations {
		m[operations[i].ID] = &operations[i]
	}
	return m
}()

// Operations returns the table of every operation of the API, sorted by
// ID. The slice is a copy.
func Operations() []Operation { return append([]Operation(nil), operations[:]...) }

// OperationByID returns the operation with the spec's operationId id.
func OperationByID(id string) (Operation, bool) {
	op, ok := operationsByID[id]
	if !ok {
		return Operation{}, false
	}
	return *op, true
}

// Call identifies one request the client sends: its operation and, for an
// operation of [ScopeOrganization], the organization it addresses.
type Call struct {
	Operation      Operation
	OrganizationID string
}

type callKey struct{}

// WithCall returns a context that marks a request as call. The client does
// this for every request it sends; transports read it with [CallOf].
func WithCall(ctx context.Context, call Call) context.Context {
	return context.WithValue(ctx, callKey{}, call)
}

// CallOf returns the call that the client marked r with; ok is false for a
// request the client did not build from its operation table (a caller's
// own [Client.NewRequest]).
func CallOf(r *http.Request) (call Call, ok bool) {
	call, ok = r.Context().Value(callKey{}).(Call)
	return call, ok
}
