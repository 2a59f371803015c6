package houston

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"
)

// Teams come from the identity provider; Houston ≥ 0.28 has them.

// Team returns a team; with a workspace id, as that workspace sees it (a
// workspace admin may look up the teams of the workspace).
//
// Houston: query team (TeamGetRequest)
func (c *Client) Team(ctx context.Context, teamID, workspaceID string, sel []Field) (*Team, error) {
	return one[Team](ctx, c, call{kind: ast.Query, opName: "team", field: "team",
		args:   append([]arg{{"teamUuid", typeUuidNonNull, teamID}}, optional(arg{"workspaceUuid", typeUuid, workspaceID})...),
		result: "Team", sel: sel})
}

// TeamUsers lists a team's members.
//
// Houston: query teamUsers (TeamGetUsersRequest)
func (c *Client) TeamUsers(ctx context.Context, teamID string, sel []Field) ([]*User, error) {
	return many[User](ctx, c, call{kind: ast.Query, opName: "GetTeamUsers", field: "teamUsers",
		args: []arg{{"teamUuid", typeUuidNonNull, teamID}}, result: "User", sel: sel})
}

// PaginatedTeamsOptions are the arguments of paginatedTeams.
type PaginatedTeamsOptions struct {
	Take        int    // 0: Houston's default; negative: the teams before Cursor
	Cursor      string // the id of the last team of the previous page
	WorkspaceID string // only the teams with a role on this workspace
}

// PaginatedTeams returns one page of teams and how many there are in all
// (select "count" and teams{…}).
//
// Houston: query paginatedTeams (PaginatedTeamsRequest)
func (c *Client) PaginatedTeams(ctx context.Context, opts PaginatedTeamsOptions, sel []Field) (*TeamsPage, error) {
	return one[TeamsPage](ctx, c, call{kind: ast.Query, opName: "paginatedTeams", field: "paginatedTeams",
		args: optional(arg{"take", typeInt, opts.Take}, arg{"cursor", typeUuid, opts.Cursor},
			arg{"workspaceUuid", typeUuid, opts.WorkspaceID}),
		result: "TeamsPage", sel: sel})
}

// WorkspaceTeams lists the teams with a role on a workspace.
//
// Houston: query workspaceTeams (WorkspaceGetTeamsRequest)
func (c *Client) WorkspaceTeams(ctx context.Context, workspaceID string, sel []Field) ([]*Team, error) {
	return many[Team](ctx, c, call{kind: ast.Query, opName: "workspaceGetTeams", field: "workspaceTeams",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}}, result: "Team", sel: sel})
}

// DeploymentTeams lists the teams with a role on a deployment.
//
// Houston: query deploymentTeams (DeploymentGetTeamsRequest)
func (c *Client) DeploymentTeams(ctx context.Context, deploymentID string, sel []Field) ([]*Team, error) {
	return many[Team](ctx, c, call{kind: ast.Query, opName: "deploymentTeams", field: "deploymentTeams",
		args: []arg{{"deploymentUuid", typeUuidNonNull, deploymentID}}, result: "Team", sel: sel})
}

// WorkspaceAddTeam gives a team a workspace role.
//
// Houston: mutation workspaceAddTeam (WorkspaceTeamAddRequest)
func (c *Client) WorkspaceAddTeam(ctx context.Context, workspaceID, teamID, role string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "AddWorkspaceTeam", field: "workspaceAddTeam",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"teamUuid", typeUuidNonNull, teamID},
			{"role", typeRoleNonNull, role}},
		result: "Workspace", sel: sel})
}

// WorkspaceRemoveTeam takes a team's roles on a workspace (and its
// deployments) away.
//
// Houston: mutation workspaceRemoveTeam (WorkspaceTeamRemoveRequest)
func (c *Client) WorkspaceRemoveTeam(ctx context.Context, workspaceID, teamID string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "workspaceRemoveTeam", field: "workspaceRemoveTeam",
		args:   []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"teamUuid", typeUuidNonNull, teamID}},
		result: "Workspace", sel: sel})
}

// WorkspaceUpdateTeamRole changes a team's workspace role and returns the
// new role.
//
// Houston: mutation workspaceUpdateTeamRole (WorkspaceTeamUpdateRequest)
func (c *Client) WorkspaceUpdateTeamRole(ctx context.Context, workspaceID, teamID, role string) (string, error) {
	var out string
	err := c.run(ctx, call{kind: ast.Mutation, opName: "workspaceUpdateTeamRole", field: "workspaceUpdateTeamRole",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"teamUuid", typeUuidNonNull, teamID},
			{"role", typeRoleNonNull, role}}}, &out)
	return out, err
}

// DeploymentAddTeamRole gives a team a deployment role.
//
// Houston: mutation deploymentAddTeamRole (DeploymentTeamAddRequest)
func (c *Client) DeploymentAddTeamRole(ctx context.Context, deploymentID, teamID, role string, sel []Field) (*RoleBinding, error) {
	return c.deploymentTeamRole(ctx, "deploymentAddTeamRole", deploymentID, teamID, role, sel)
}

// DeploymentUpdateTeamRole changes a team's deployment role.
//
// Houston: mutation deploymentUpdateTeamRole (DeploymentTeamUpdateRequest)
func (c *Client) DeploymentUpdateTeamRole(ctx context.Context, deploymentID, teamID, role string, sel []Field) (*RoleBinding, error) {
	return c.deploymentTeamRole(ctx, "deploymentUpdateTeamRole", deploymentID, teamID, role, sel)
}

// DeploymentRemoveTeamRole takes a team's deployment role away.
//
// Houston: mutation deploymentRemoveTeamRole (DeploymentTeamRemoveRequest)
func (c *Client) DeploymentRemoveTeamRole(ctx context.Context, deploymentID, teamID string, sel []Field) (*RoleBinding, error) {
	return c.deploymentTeamRole(ctx, "deploymentRemoveTeamRole", deploymentID, teamID, "", sel)
}

func (c *Client) deploymentTeamRole(ctx context.Context, field, deploymentID, teamID, role string, sel []Field) (*RoleBinding, error) {
	args := []arg{{"deploymentUuid", typeUuidNonNull, deploymentID}, {"teamUuid", typeUuidNonNull, teamID}}
	if role != "" {
		args = append(args, arg{"role", typeRoleNonNull, role})
	}
	return one[RoleBinding](ctx, c, call{kind: ast.Mutation, opName: field, field: field, args: args, result: "RoleBinding", sel: sel})
}

// CreateTeamSystemRoleBinding gives a team a system role (SYSTEM_*),
// replacing the one it had. Houston ≥ 0.29.2.
//
// Houston: mutation createTeamSystemRoleBinding (CreateTeamSystemRoleBindingMutation)
func (c *Client) CreateTeamSystemRoleBinding(ctx context.Context, teamID, role string, sel []Field) (*RoleBinding, error) {
	return c.teamSystemRole(ctx, "createTeamSystemRoleBinding", teamID, role, sel)
}

// DeleteTeamSystemRoleBinding takes a team's system role away. Houston ≥
// 0.29.2.
//
// Houston: mutation deleteTeamSystemRoleBinding (DeleteTeamSystemRoleBindingMutation)
func (c *Client) DeleteTeamSystemRoleBinding(ctx context.Context, teamID, role string, sel []Field) (*RoleBinding, error) {
	return c.teamSystemRole(ctx, "deleteTeamSystemRoleBinding", teamID, role, sel)
}

func (c *Client) teamSystemRole(ctx context.Context, field, teamID, role string, sel []Field) (*RoleBinding, error) {
	return one[RoleBinding](ctx, c, call{kind: ast.Mutation, opName: field, field: field,
		args:   []arg{{"teamUuid", typeUuidNonNull, teamID}, {"role", typeRoleNonNull, role}},
		result: "RoleBinding", sel: sel})
}
