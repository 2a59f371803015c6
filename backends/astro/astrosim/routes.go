package astrosim

// routes registers the side door and all 75 operations of the Astro API
// v1, grouped by the spec's tags. Patterns are the byRoute keys of [Stats].
func (s *Sim) routes() {
	s.mux.HandleFunc("GET /_sim/stats", s.serveStats)
	s.mux.HandleFunc("POST /_sim/reset", s.serveReset)
	s.mux.HandleFunc("GET /_sim/tokens", s.serveTokens)
	s.mux.HandleFunc("GET /_sim/config", s.serveConfig)
	s.mux.HandleFunc("POST /_sim/config", s.serveConfigure)

	const org = "/v1/organizations/{organizationId}"

	// Authorization
	s.handle("GET /v1/authorization/permission-groups", s.listPermissionGroups)

	// Organization
	s.handle("GET /v1/organizations", s.listOrganizations)
	s.handle("GET "+org, s.getOrganization)
	s.handle("POST "+org, s.updateOrganization)
	s.handleAs("GET "+org+"/audit-logs", "application/octet-stream", s.getAuditLogs)

	// AllowedIpAddressRange
	s.handle("GET "+org+"/allowed-ip-address-ranges", s.listAllowedRanges)
	s.handle("POST "+org+"/allowed-ip-address-ranges", s.createAllowedRange)
	s.handle("DELETE "+org+"/allowed-ip-address-ranges/{allowedIpAddressRangeId}", s.deleteAllowedRange)
	s.handle("POST "+org+"/allowed-ip-address-ranges/bulk-create", s.bulkCreateAllowedRanges)
	s.handle("POST "+org+"/allowed-ip-address-ranges/bulk-delete", s.bulkDeleteAllowedRanges)

	// Options
	s.handle("GET "+org+"/cluster-options", s.getClusterOptions)
	s.handle("GET "+org+"/deployment-options", s.getDeploymentOptions)

	// Cluster
	s.handle("GET "+org+"/clusters", s.listClusters)
	s.handle("POST "+org+"/clusters", s.createCluster)
	s.handle("DELETE "+org+"/clusters/{clusterId}", s.deleteCluster)
	s.handle("GET "+org+"/clusters/{clusterId}", s.getCluster)
	s.handle("POST "+org+"/clusters/{clusterId}", s.updateCluster)

	// Deployment
	s.handle("GET "+org+"/deployments", s.listDeployments)
	s.handle("POST "+org+"/deployments", s.createDeployment)
	s.handle("DELETE "+org+"/deployments/{deploymentId}", s.deleteDeployment)
	s.handle("GET "+org+"/deployments/{deploymentId}", s.getDeployment)
	s.handle("POST "+org+"/deployments/{deploymentId}", s.updateDeployment)
	s.handle("DELETE "+org+"/deployments/{deploymentId}/hibernation-override", s.deleteHibernationOverride)
	s.handle("POST "+org+"/deployments/{deploymentId}/hibernation-override", s.updateHibernationOverride)
	s.handle("GET "+org+"/deployments/{deploymentId}/logs", s.getDeploymentLogs)

	// AgentToken
	s.handle("GET "+org+"/deployments/{deploymentId}/agent-tokens", s.listAgentTokens)
	s.handle("POST "+org+"/deployments/{deploymentId}/agent-tokens", s.createAgentToken)
	s.handle("DELETE "+org+"/deployments/{deploymentId}/agent-tokens/{agentTokenId}", s.deleteAgentToken)
	s.handle("GET "+org+"/deployments/{deploymentId}/agent-tokens/{agentTokenId}", s.getAgentToken)

	// Deploy
	s.handle("GET "+org+"/deployments/{deploymentId}/deploys", s.listDeploys)
	s.handle("POST "+org+"/deployments/{deploymentId}/deploys", s.createDeploy)
	s.handle("GET "+org+"/deployments/{deploymentId}/deploys/{deployId}", s.getDeploy)
	s.handle("POST "+org+"/deployments/{deploymentId}/deploys/{deployId}", s.updateDeploy)
	s.handle("POST "+org+"/deployments/{deploymentId}/deploys/{deployId}/finalize", s.finalizeDeploy)
	s.handle("POST "+org+"/deployments/{deploymentId}/deploys/{deployId}/rollback", s.rollbackDeploy)

	// Environment
	s.handle("GET "+org+"/environment-objects", s.listEnvObjects)
	s.handle("POST "+org+"/environment-objects", s.createEnvObject)
	s.handle("DELETE "+org+"/environment-objects/{environmentObjectId}", s.deleteEnvObject)
	s.handle("GET "+org+"/environment-objects/{environmentObjectId}", s.getEnvObject)
	s.handle("POST "+org+"/environment-objects/{environmentObjectId}", s.updateEnvObject)
	s.handle("POST "+org+"/environment-objects/{environmentObjectId}/exclude-linking", s.excludeLinkEnvObject)

	// Invite
	s.handle("POST "+org+"/invites", s.createInvite)
	s.handle("DELETE "+org+"/invites/{inviteId}", s.deleteInvite)

	// Role
	s.handle("GET "+org+"/role-templates", s.listRoleTemplates)
	s.handle("GET "+org+"/roles", s.listRoles)
	s.handle("POST "+org+"/roles", s.createRole)
	s.handle("DELETE "+org+"/roles/{customRoleId}", s.deleteRole)
	s.handle("POST "+org+"/roles/{customRoleId}", s.updateRole)
	s.handle("GET "+org+"/roles/{roleId}", s.getRole)

	// Team
	s.handle("GET "+org+"/teams", s.listTeams)
	s.handle("POST "+org+"/teams", s.createTeam)
	s.handle("DELETE "+org+"/teams/{teamId}", s.deleteTeam)
	s.handle("GET "+org+"/teams/{teamId}", s.getTeam)
	s.handle("POST "+org+"/teams/{teamId}", s.updateTeam)
	s.handle("GET "+org+"/teams/{teamId}/members", s.listTeamMembers)
	s.handle("POST "+org+"/teams/{teamId}/members", s.addTeamMembers)
	s.handle("DELETE "+org+"/teams/{teamId}/members/{memberId}", s.removeTeamMember)
	s.handle("POST "+org+"/teams/{teamId}/roles", s.updateTeamRoles)

	// ApiToken
	s.handle("GET "+org+"/tokens", s.listAPITokens)
	s.handle("POST "+org+"/tokens", s.createAPIToken)
	s.handle("DELETE "+org+"/tokens/{tokenId}", s.deleteAPIToken)
	s.handle("GET "+org+"/tokens/{tokenId}", s.getAPIToken)
	s.handle("POST "+org+"/tokens/{tokenId}", s.updateAPIToken)
	s.handle("POST "+org+"/tokens/{tokenId}/roles", s.updateAPITokenRoles)
	s.handle("POST "+org+"/tokens/{tokenId}/rotate", s.rotateAPIToken)

	// User
	s.handle("GET /v1/users/self", s.getSelfUser)
	s.handle("GET "+org+"/users", s.listUsers)
	s.handle("GET "+org+"/users/{userId}", s.getUser)
	s.handle("POST "+org+"/users/{userId}/roles", s.updateUserRoles)
	s.handle("GET "+org+"/users/{userId}/teams", s.listUserTeams)

	// Workspace
	s.handle("GET "+org+"/workspaces", s.listWorkspaces)
	s.handle("POST "+org+"/workspaces", s.createWorkspace)
	s.handle("DELETE "+org+"/workspaces/{workspaceId}", s.deleteWorkspace)
	s.handle("GET "+org+"/workspaces/{workspaceId}", s.getWorkspace)
	s.handle("POST "+org+"/workspaces/{workspaceId}", s.updateWorkspace)

	s.mux.HandleFunc("/", s.serveUnknown)
}
