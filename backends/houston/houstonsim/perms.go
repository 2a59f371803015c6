package houstonsim

import (
	"slices"
	"strings"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Permissions, as the 2019 Houston server names them (reference §6.1), plus
// system.deployments.create and system.teams.get, which the simulator gives
// system users so that they can do what the newer operations need.
const (
	permSystemDeploymentsGet     = "system.deployments.get"
	permSystemDeploymentsCreate  = "system.deployments.create"
	permSystemDeploymentsUpdate  = "system.deployments.update"
	permSystemDeploymentsDelete  = "system.deployments.delete"
	permSystemDeploymentsLogs    = "system.deployments.logs"
	permSystemServiceAccountsGet = "system.serviceAccounts.get"
	permSystemServiceAccountsNew = "system.serviceAccounts.create"
	permSystemServiceAccountsDel = "system.serviceAccounts.delete"
	permSystemIAMUpdate          = "system.iam.update"
	permSystemUsersGet           = "system.users.get"
	permSystemTeamsGet           = "system.teams.get"
	permSystemInviteGet          = "system.invite.get"
	permSystemWorkspaceUpdate    = "system.workspace.update"
	permSystemWorkspaceDelete    = "system.workspace.delete"

	permWorkspaceDeploymentsGet    = "workspace.deployments.get"
	permWorkspaceDeploymentsCreate = "workspace.deployments.create"
	permWorkspaceUsersGet          = "workspace.users.get"
	permWorkspaceInvitesGet        = "workspace.invites.get"
	permWorkspaceConfigUpdate      = "workspace.config.update"
	permWorkspaceConfigDelete      = "workspace.config.delete"
	permWorkspaceIAMUpdate         = "workspace.iam.update"
	permWorkspaceAccountsGet       = "workspace.serviceAccounts.get"
	permWorkspaceAccountsCreate    = "workspace.serviceAccounts.create"
	permWorkspaceAccountsDelete    = "workspace.serviceAccounts.delete"

	permDeploymentConfigGet     = "deployment.config.get"
	permDeploymentConfigUpdate  = "deployment.config.update"
	permDeploymentConfigDelete  = "deployment.config.delete"
	permDeploymentImagesPush    = "deployment.images.push"
	permDeploymentLogsGet       = "deployment.logs.get"
	permDeploymentAccountsGet   = "deployment.serviceAccounts.get"
	permDeploymentAccountsNew   = "deployment.serviceAccounts.create"
	permDeploymentAccountsDel   = "deployment.serviceAccounts.delete"
	permSystemWorkspaceCreation = "system.workspace.create"
)

// permissionsOf lists what a role grants. Each role includes the roles below
// it in its group (ADMIN ⊃ EDITOR ⊃ VIEWER).
func permissionsOf(role model.Role) []string {
	switch role {
	case model.RoleSystemViewer:
		return []string{"system.monitoring.get", permSystemServiceAccountsGet, "system.airflow.get",
			permSystemTeamsGet}
	case model.RoleSystemEditor:
		return append(permissionsOf(model.RoleSystemViewer),
			permSystemIAMUpdate, "system.serviceAccounts.update", "system.airflow.user",
			"system.registryBaseImages.push")
	case model.RoleSystemAdmin:
		return append(permissionsOf(model.RoleSystemEditor),
			permSystemDeploymentsGet, permSystemDeploymentsCreate, permSystemDeploymentsUpdate,
			permSystemDeploymentsDelete, permSystemDeploymentsLogs, "system.deployments.metrics",
			permSystemServiceAccountsNew, permSystemServiceAccountsDel,
			permSystemUsersGet, "system.user.invite", "system.user.delete", "system.user.verifyEmail",
			permSystemInviteGet, permSystemWorkspaceUpdate, permSystemWorkspaceDelete, "system.airflow.admin")
	case model.RoleWorkspaceViewer:
		return []string{permWorkspaceDeploymentsGet, permWorkspaceInvitesGet,
			permWorkspaceAccountsGet, permWorkspaceUsersGet}
	case model.RoleWorkspaceEditor:
		return append(permissionsOf(model.RoleWorkspaceViewer),
			permWorkspaceConfigUpdate, permWorkspaceDeploymentsCreate,
			permWorkspaceAccountsCreate, "workspace.serviceAccounts.update", permWorkspaceAccountsDelete)
	case model.RoleWorkspaceAdmin:
		return append(permissionsOf(model.RoleWorkspaceEditor),
			"workspace.billing.update", permWorkspaceConfigDelete, permWorkspaceIAMUpdate)
	case model.RoleDeploymentViewer:
		return []string{"deployment.airflow.get", permDeploymentConfigGet, permDeploymentLogsGet,
			"deployment.images.pull", "deployment.metrics.get", permDeploymentAccountsGet}
	case model.RoleDeploymentEditor:
		return append(permissionsOf(model.RoleDeploymentViewer),
			"deployment.airflow.user", permDeploymentConfigUpdate, permDeploymentImagesPush,
			permDeploymentAccountsNew, "deployment.serviceAccounts.update", permDeploymentAccountsDel)
	case model.RoleDeploymentAdmin:
		return append(permissionsOf(model.RoleDeploymentEditor),
			"deployment.airflow.admin", permDeploymentConfigDelete)
	case model.RoleUser:
		return []string{permSystemWorkspaceCreation}
	}
	return nil
}

func grants(role model.Role, perm string) bool {
	return slices.Contains(permissionsOf(role), perm)
}

// impliedDeploymentRole is the deployment role a workspace role carries on
// every deployment of its workspace (WORKSPACE_EDITOR ⇒ DEPLOYMENT_EDITOR).
func impliedDeploymentRole(role model.Role) (model.Role, bool) {
	switch role {
	case model.RoleWorkspaceAdmin:
		return model.RoleDeploymentAdmin, true
	case model.RoleWorkspaceEditor:
		return model.RoleDeploymentEditor, true
	case model.RoleWorkspaceViewer:
		return model.RoleDeploymentViewer, true
	}
	return "", false
}

func isSystemBinding(b *model.RoleBinding) bool {
	return b.WorkspaceID == "" && b.DeploymentID == ""
}

// roleScope is the kind of object a role applies to.
func roleScope(r model.Role) string {
	scope, _, _ := strings.Cut(string(r), "_")
	return scope // SYSTEM, WORKSPACE, DEPLOYMENT or USER
}

// bindingsOfLocked lists p's bindings: a user's own and those of the teams
// the user belongs to; a service account's one binding.
func (s *store) bindingsOfLocked(p *principal) []*model.RoleBinding {
	if p.serviceAccountID != "" {
		if b := s.idx.bindingByAccount[p.serviceAccountID]; b != nil {
			return []*model.RoleBinding{b}
		}
		return nil
	}
	out := s.idx.bindingsByUser[p.userID]
	if teams := s.idx.teamsOfUser[p.userID]; len(teams) > 0 {
		out = slices.Clone(out)
		for _, t := range teams {
			out = append(out, s.idx.bindingsByTeam[t]...)
		}
	}
	return out
}

// systemAllowsLocked reports whether a system-level binding of p grants one
// of perms.
func (s *store) systemAllowsLocked(p *principal, perms ...string) bool {
	for _, b := range s.bindingsOfLocked(p) {
		if !isSystemBinding(b) {
			continue
		}
		for _, perm := range perms {
			if grants(b.Role, perm) {
				return true
			}
		}
	}
	return false
}

// isSystemUserLocked reports whether p holds any SYSTEM_* role.
func (s *store) isSystemUserLocked(p *principal) bool {
	for _, b := range s.bindingsOfLocked(p) {
		if isSystemBinding(b) && roleScope(b.Role) == "SYSTEM" {
			return true
		}
	}
	return false
}

// isWorkspaceMemberLocked reports whether p has any binding on the workspace.
func (s *store) isWorkspaceMemberLocked(p *principal, workspaceID string) bool {
	for _, b := range s.bindingsOfLocked(p) {
		if b.WorkspaceID == workspaceID {
			return true
		}
	}
	return false
}

// workspaceAllowsLocked reports whether p may do perm on the workspace: a
// binding of p on it grants perm, or a system binding grants one of sys.
func (s *store) workspaceAllowsLocked(p *principal, workspaceID, perm string, sys ...string) bool {
	for _, b := range s.bindingsOfLocked(p) {
		if b.WorkspaceID == workspaceID && workspaceID != "" && grants(b.Role, perm) {
			return true
		}
	}
	return s.systemAllowsLocked(p, sys...)
}

// deploymentAllowsLocked reports whether p may do perm on d: through a
// binding on d itself, through a workspace role on d's workspace, or a
// system binding granting one of sys.
func (s *store) deploymentAllowsLocked(p *principal, d *model.Deployment, perm string, sys ...string) bool {
	for _, b := range s.bindingsOfLocked(p) {
		switch {
		case b.DeploymentID == d.ID && grants(b.Role, perm):
			return true
		case b.WorkspaceID != "" && b.WorkspaceID == d.WorkspaceID:
			if r, ok := impliedDeploymentRole(b.Role); ok && grants(r, perm) {
				return true
			}
		}
	}
	return s.systemAllowsLocked(p, sys...)
}

// canViewWorkspaceLocked: members of the workspace and system users.
func (s *store) canViewWorkspaceLocked(p *principal, workspaceID string) bool {
	return s.isSystemUserLocked(p) || s.isWorkspaceMemberLocked(p, workspaceID)
}

// canViewDeploymentLocked: deployment.config.get OR system.deployments.get.
func (s *store) canViewDeploymentLocked(p *principal, d *model.Deployment) bool {
	return s.deploymentAllowsLocked(p, d, permDeploymentConfigGet, permSystemDeploymentsGet)
}
