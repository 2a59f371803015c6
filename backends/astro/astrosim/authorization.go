package astrosim

import "net/http"

// permissionGroup is the spec's PermissionGroup.
type permissionGroup struct {
	Description string            `json:"description"`
	Name        string            `json:"name"`
	Permissions []permissionEntry `json:"permissions"`
	Scope       string            `json:"scope"`
}

// permissionEntry is the spec's PermissionEntry.
type permissionEntry struct {
	Action      string `json:"action"`
	Description string `json:"description"`
}

// permissionGroups are the permissions a role can hold, grouped as the Astro
// UI shows them. The actions are the spec's x-permission values, plus the
// Airflow and DAG permissions of custom roles.
func permissionGroups() []permissionGroup {
	group := func(scope, name, description string, actions ...string) permissionGroup {
		g := permissionGroup{Scope: scope, Name: name, Description: description}
		for _, a := range actions {
			g.Permissions = append(g.Permissions, permissionEntry{Action: a, Description: "Allows " + a + "."})
		}
		return g
	}
	return []permissionGroup{
		group("ORGANIZATION", "Organization", "Manage the Organization, its members, Teams, tokens, clusters and settings.",
			"organization.get", "organization.settings.update", "organization.auditLogs.get",
			"organization.users.get", "organization.users.create", "organization.users.delete", "organization.userRoles.access",
			"organization.teams.get", "organization.teams.create", "organization.teams.update", "organization.teams.delete", "organization.teamRoles.access",
			"organization.apiTokens.access", "organization.customRoles.get", "organization.customRoles.create",
			"organization.customRoles.update", "organization.customRoles.delete",
			"organization.clusters.get", "organization.clusters.create", "organization.clusters.update", "organization.clusters.delete",
			"organization.workspaces.get", "organization.workspaces.create", "organization.deployments.get",
			"organization.deploymentConfigurations.get", "organization.envObjects.access",
			"organization.allowedIpAddressRanges.get", "organization.allowedIpAddressRanges.create", "organization.allowedIpAddressRanges.delete"),
		group("WORKSPACE", "Workspace", "Manage a Workspace and create Deployments in it.",
			"workspace.get", "workspace.settings.update", "workspace.delete", "workspace.deployments.create"),
		group("DEPLOYMENT", "Deployment", "Manage a Deployment, its deploys, logs and agent tokens.",
			"deployment.get", "deployment.update", "deployment.delete", "deployment.logs.get",
			"deployment.deploys.get", "deployment.deploys.create", "deployment.deploys.update",
			"deployment.agentTokens.get", "deployment.agentTokens.create", "deployment.agentTokens.delete"),
		group("DEPLOYMENT", "Airflow", "Work with the Airflow UI and API of a Deployment.",
			"deployment.airflow.get", "deployment.airflow.connections.update", "deployment.airflow.variables.update",
			"deployment.airflow.pools.update", "deployment.airflow.dags.trigger"),
		group("DAG", "DAG", "Work with the DAGs a DAG role is granted on.",
			"dag.get", "dag.update", "dag.runs.get", "dag.runs.create", "dag.taskInstances.update"),
	}
}

// permissionsOf lists the actions of the groups of one scope.
func permissionsOf(scope string) map[string]bool {
	out := map[string]bool{}
	for _, g := range permissionGroups() {
		if g.Scope == scope {
			for _, p := range g.Permissions {
				out[p.Action] = true
			}
		}
	}
	return out
}

// listPermissionGroups serves ListPermissionGroups. It takes no
// organization, and any valid token may read it.
func (s *Sim) listPermissionGroups(c *call) {
	scope, err := enumParam(c.r.URL.Query(), "scopeType", "DEPLOYMENT", "WORKSPACE", "ORGANIZATION", "DAG")
	if err != nil {
		c.fail(err)
		return
	}
	out := []permissionGroup{}
	for _, g := range permissionGroups() {
		if scope == "" || g.Scope == scope {
			out = append(out, g)
		}
	}
	c.json(http.StatusOK, out)
}
