package astrosim

import (
	"net/http"
	"strings"
)

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

// rolePermissions are the permissions a role can hold, by scope type: the
// spec's x-permission values, plus the Airflow and DAG permissions of
// custom roles. A permission reads "<group>.<action>".
var rolePermissions = map[string][]string{
	"ORGANIZATION": {"organization.get", "organization.settings.update", "organization.auditLogs.get",
		"organization.users.get", "organization.users.create", "organization.users.delete", "organization.userRoles.access",
		"organization.teams.get", "organization.teams.create", "organization.teams.update", "organization.teams.delete", "organization.teamRoles.access",
		"organization.apiTokens.access", "organization.customRoles.get", "organization.customRoles.create",
		"organization.customRoles.update", "organization.customRoles.delete",
		"organization.clusters.get", "organization.clusters.create", "organization.clusters.update", "organization.clusters.delete",
		"organization.workspaces.get", "organization.workspaces.create", "organization.deployments.get",
		"organization.deploymentConfigurations.get", "organization.envObjects.access",
		"organization.allowedIpAddressRanges.get", "organization.allowedIpAddressRanges.create", "organization.allowedIpAddressRanges.delete"},
	"WORKSPACE": {"workspace.get", "workspace.settings.update", "workspace.delete", "workspace.deployments.create"},
	"DEPLOYMENT": {"deployment.get", "deployment.update", "deployment.delete", "deployment.logs.get",
		"deployment.deploys.get", "deployment.deploys.create", "deployment.deploys.update",
		"deployment.agentTokens.get", "deployment.agentTokens.create", "deployment.agentTokens.delete",
		"deployment.airflow.get", "deployment.airflow.connections.update", "deployment.airflow.variables.update",
		"deployment.airflow.pools.update", "deployment.airflow.dags.trigger"},
	"DAG": {"dag.get", "dag.update", "dag.runs.get", "dag.runs.create", "dag.taskInstances.update"},
}

// scopeTypes is the order groups are listed in.
var scopeTypes = []string{"ORGANIZATION", "WORKSPACE", "DEPLOYMENT", "DAG"}

// permissionGroups groups the permissions of a scope type as the spec's
// PermissionGroup does: the group's name is the permission without its last
// element ("workspace.notificationChannels"), each entry's action that last
// element ("get"), and the group's scope the name in words ("Workspace
// NotificationChannels"). A custom role names a permission as
// "<group name>.<action>".
func permissionGroups(scopeType string) []permissionGroup {
	var out []permissionGroup
	at := map[string]int{}
	for _, p := range rolePermissions[scopeType] {
		i := strings.LastIndexByte(p, '.')
		name, action := p[:i], p[i+1:]
		g, ok := at[name]
		if !ok {
			g = len(out)
			at[name] = g
			out = append(out, permissionGroup{Name: name, Scope: inWords(name),
				Description: "What a role may do with " + inWords(name) + "."})
		}
		out[g].Permissions = append(out[g].Permissions, permissionEntry{Action: action,
			Description: "Subject is permitted to " + action + " the " + inWords(name) + "."})
	}
	return out
}

// inWords turns "workspace.notificationChannels" into "Workspace
// NotificationChannels".
func inWords(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}

// permissionsOf lists the permissions of one scope type.
func permissionsOf(scope string) map[string]bool {
	out := map[string]bool{}
	for _, p := range rolePermissions[scope] {
		out[p] = true
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
	for _, st := range scopeTypes {
		if scope == "" || st == scope {
			out = append(out, permissionGroups(st)...)
		}
	}
	c.json(http.StatusOK, out)
}
