package houstonsim

import (
	"context"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// msgNoPermission is the message Houston gives for every refusal, whether
// the token is missing, unknown or lacks a permission. The Astro CLI matches
// it verbatim.
const msgNoPermission = "You do not have the appropriate permissions for that"

// Error codes put in extensions.code, as Apollo Server spells them.
const (
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
	codeBadUserInput    = "BAD_USER_INPUT"
	codeInternal        = "INTERNAL_SERVER_ERROR"
)

// Labels of callers that hold no known token, as they appear in
// Stats.PeakPerSecond.
const (
	labelAnonymous = "anonymous" // no Authorization header
	labelInvalid   = "invalid"   // a token the simulator does not know
)

// principal is an authenticated user or service account.
type principal struct {
	label            string
	userID           string
	serviceAccountID string
}

// caller is whoever sent a request: a principal, or nobody (p == nil).
type caller struct {
	label string
	p     *principal
}

type callerKey struct{}

func withCaller(ctx context.Context, c caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// authenticated returns the request's principal, or the UNAUTHENTICATED
// error Houston gives for a missing or unknown token.
func authenticated(ctx context.Context) (*principal, error) {
	c, _ := ctx.Value(callerKey{}).(caller)
	if c.p == nil {
		return nil, gqlError(codeUnauthenticated, msgNoPermission)
	}
	return c.p, nil
}

// credential extracts the token from an Authorization header value. Houston
// takes the raw token and strips an optional "Bearer " prefix.
func credential(header string) string {
	h := strings.TrimSpace(header)
	if len(h) > len("bearer ") && strings.EqualFold(h[:len("bearer ")], "bearer ") {
		h = strings.TrimSpace(h[len("bearer "):])
	}
	return h
}

func gqlError(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

func errForbidden() error { return gqlError(codeForbidden, msgNoPermission) }

// Permissions, as the 2019 Houston server names them. Only the ones the
// simulator checks are listed.
const (
	permSystemDeploymentsGet     = "system.deployments.get"
	permWorkspaceDeploymentsGet  = "workspace.deployments.get"
	permDeploymentConfigGet      = "deployment.config.get"
	permSystemServiceAccountsGet = "system.serviceAccounts.get"
)

// permissionsOf lists what a role grants. Each role includes the roles below
// it in its group (ADMIN ⊃ EDITOR ⊃ VIEWER).
func permissionsOf(role model.Role) []string {
	switch role {
	case model.RoleSystemViewer:
		return []string{"system.monitoring.get", permSystemServiceAccountsGet, "system.airflow.get"}
	case model.RoleSystemEditor:
		return append(permissionsOf(model.RoleSystemViewer),
			"system.iam.update", "system.serviceAccounts.update", "system.airflow.user",
			"system.registryBaseImages.push")
	case model.RoleSystemAdmin:
		return append(permissionsOf(model.RoleSystemEditor),
			permSystemDeploymentsGet, "system.deployments.update", "system.deployments.delete",
			"system.deployments.logs", "system.deployments.metrics",
			"system.serviceAccounts.create", "system.serviceAccounts.delete",
			"system.users.get", "system.user.invite", "system.user.delete", "system.user.verifyEmail",
			"system.invite.get", "system.workspace.delete", "system.airflow.admin")
	case model.RoleWorkspaceViewer:
		return []string{permWorkspaceDeploymentsGet, "workspace.invites.get",
			"workspace.serviceAccounts.get", "workspace.users.get"}
	case model.RoleWorkspaceEditor:
		return append(permissionsOf(model.RoleWorkspaceViewer),
			"workspace.config.update", "workspace.deployments.create",
			"workspace.serviceAccounts.create", "workspace.serviceAccounts.update",
			"workspace.serviceAccounts.delete")
	case model.RoleWorkspaceAdmin:
		return append(permissionsOf(model.RoleWorkspaceEditor),
			"workspace.billing.update", "workspace.config.delete", "workspace.iam.update")
	case model.RoleDeploymentViewer:
		return []string{"deployment.airflow.get", permDeploymentConfigGet, "deployment.logs.get",
			"deployment.images.pull", "deployment.metrics.get", "deployment.serviceAccounts.get"}
	case model.RoleDeploymentEditor:
		return append(permissionsOf(model.RoleDeploymentViewer),
			"deployment.airflow.user", "deployment.config.update", "deployment.images.push",
			"deployment.serviceAccounts.create", "deployment.serviceAccounts.update",
			"deployment.serviceAccounts.delete")
	case model.RoleDeploymentAdmin:
		return append(permissionsOf(model.RoleDeploymentEditor),
			"deployment.airflow.admin", "deployment.config.delete")
	case model.RoleUser:
		return []string{"system.workspace.create"}
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

// hasSystemPermission reports whether a system-level binding of p grants perm.
func (s *store) hasSystemPermission(p *principal, perm string) bool {
	for _, b := range s.bindingsOf(p) {
		if isSystemBinding(b) && grants(b.Role, perm) {
			return true
		}
	}
	return false
}

// isSystemUser reports whether p holds any SYSTEM_* role.
func (s *store) isSystemUser(p *principal) bool {
	for _, b := range s.bindingsOf(p) {
		if isSystemBinding(b) && strings.HasPrefix(string(b.Role), "SYSTEM_") {
			return true
		}
	}
	return false
}

// isWorkspaceMember reports whether p has any binding on the workspace.
func (s *store) isWorkspaceMember(p *principal, workspaceID string) bool {
	for _, b := range s.bindingsOf(p) {
		if b.WorkspaceID == workspaceID {
			return true
		}
	}
	return false
}

// hasWorkspacePermission reports whether a binding of p on the workspace
// grants perm.
func (s *store) hasWorkspacePermission(p *principal, workspaceID, perm string) bool {
	for _, b := range s.bindingsOf(p) {
		if b.WorkspaceID == workspaceID && grants(b.Role, perm) {
			return true
		}
	}
	return false
}

// hasDeploymentPermission reports whether p holds perm on d, through a
// binding on d itself or through a workspace role on d's workspace.
func (s *store) hasDeploymentPermission(p *principal, d *model.Deployment, perm string) bool {
	for _, b := range s.bindingsOf(p) {
		switch {
		case b.DeploymentID == d.ID && grants(b.Role, perm):
			return true
		case b.WorkspaceID != "" && b.WorkspaceID == d.WorkspaceID:
			if r, ok := impliedDeploymentRole(b.Role); ok && grants(r, perm) {
				return true
			}
		}
	}
	return false
}

// canViewWorkspace: members of the workspace and system users.
func (s *store) canViewWorkspace(p *principal, workspaceID string) bool {
	return s.isSystemUser(p) || s.isWorkspaceMember(p, workspaceID)
}

// canListWorkspaceDeployments: workspace.deployments.get OR system.deployments.get.
func (s *store) canListWorkspaceDeployments(p *principal, workspaceID string) bool {
	return s.hasSystemPermission(p, permSystemDeploymentsGet) ||
		s.hasWorkspacePermission(p, workspaceID, permWorkspaceDeploymentsGet)
}

// canViewDeployment: deployment.config.get OR system.deployments.get.
func (s *store) canViewDeployment(p *principal, d *model.Deployment) bool {
	return s.hasSystemPermission(p, permSystemDeploymentsGet) ||
		s.hasDeploymentPermission(p, d, permDeploymentConfigGet)
}
