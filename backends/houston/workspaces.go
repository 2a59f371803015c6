package houston

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"
)

// CreateWorkspace creates a workspace; the caller becomes its
// WORKSPACE_ADMIN.
//
// Houston: mutation createWorkspace (WorkspaceCreateRequest)
func (c *Client) CreateWorkspace(ctx context.Context, label, description string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "CreateWorkspace", field: "createWorkspace",
		args:   []arg{{"label", typeStringNonNull, label}, {"description", typeString, description}},
		result: "Workspace", sel: sel})
}

// WorkspaceUpdate changes a workspace; nil fields are kept.
type WorkspaceUpdate struct {
	Label       *string
	Description *string
}

// UpdateWorkspace changes a workspace's label and/or description.
//
// Houston: mutation updateWorkspace (WorkspaceUpdateRequest)
func (c *Client) UpdateWorkspace(ctx context.Context, id string, u WorkspaceUpdate, sel []Field) (*Workspace, error) {
	payload := map[string]any{}
	if u.Label != nil {
		payload["label"] = *u.Label
	}
	if u.Description != nil {
		payload["description"] = *u.Description
	}
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "UpdateWorkspace", field: "updateWorkspace",
		args:   []arg{{"workspaceUuid", typeUuidNonNull, id}, {"payload", typeJSONNonNull, payload}},
		result: "Workspace", sel: sel})
}

// DeleteWorkspace deletes a workspace that has no deployments left.
//
// Houston: mutation deleteWorkspace (WorkspaceDeleteRequest)
func (c *Client) DeleteWorkspace(ctx context.Context, id string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "DeleteWorkspace", field: "deleteWorkspace",
		args: []arg{{"workspaceUuid", typeUuidNonNull, id}}, result: "Workspace", sel: sel})
}

// PaginatedWorkspaces lists one page of the caller's workspaces; pageNumber
// is 0-based, take 0 means Houston's default. Houston ≥ 0.30.
//
// Houston: query paginatedWorkspaces (WorkspacesPaginatedGetRequest)
func (c *Client) PaginatedWorkspaces(ctx context.Context, take, pageNumber int, sel []Field) ([]*Workspace, error) {
	return many[Workspace](ctx, c, call{kind: ast.Query, opName: "paginatedWorkspaces", field: "paginatedWorkspaces",
		args:   optional(arg{"take", typeInt, take}, arg{"pageNumber", typeInt, pageNumber}),
		result: "Workspace", sel: sel})
}

// WorkspaceUsers lists the users with a role on a workspace.
//
// Houston: query workspaceUsers (WorkspaceGetUsersRequest)
func (c *Client) WorkspaceUsers(ctx context.Context, workspaceID string, sel []Field) ([]*User, error) {
	return many[User](ctx, c, call{kind: ast.Query, opName: "workspaceListUsers", field: "workspaceUsers",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}}, result: "User", sel: sel})
}

// PaginatedWorkspaceUsers lists one page of a workspace's users: those after
// the user with id cursor ("" for the first page); a negative take pages
// backwards. Houston ≥ 0.30.
//
// Houston: query paginatedWorkspaceUsers (WorkspacePaginatedGetUsersRequest)
func (c *Client) PaginatedWorkspaceUsers(ctx context.Context, workspaceID, cursor string, take int, sel []Field) ([]*User, error) {
	return many[User](ctx, c, call{kind: ast.Query, opName: "paginatedWorkspaceUsers", field: "paginatedWorkspaceUsers",
		args: append([]arg{{"workspaceUuid", typeUuidNonNull, workspaceID}},
			optional(arg{"cursor", typeUuid, cursor}, arg{"take", typeInt, take})...),
		result: "User", sel: sel})
}

// WorkspaceUser finds a user by e-mail address, with the user's role
// bindings (select roleBindings{role workspace{id}} to learn the role on
// the workspace).
//
// Houston: query workspaceUser (WorkspaceGetUserRequest)
func (c *Client) WorkspaceUser(ctx context.Context, workspaceID, email string, sel []Field) (*User, error) {
	return one[User](ctx, c, call{kind: ast.Query, opName: "workspaceGetUser", field: "workspaceUser",
		args:   []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"user.email", typeStringNonNull, email}},
		result: "User", sel: sel})
}

// WorkspaceAddUser gives the user with this e-mail address a workspace role
// (a WORKSPACE_* role), or invites the address when no user has it.
//
// Houston: mutation workspaceAddUser (WorkspaceUserAddRequest)
func (c *Client) WorkspaceAddUser(ctx context.Context, workspaceID, email, role string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "AddWorkspaceUser", field: "workspaceAddUser",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"email", typeStringNonNull, email},
			{"role", typeRoleNonNull, role}},
		result: "Workspace", sel: sel})
}

// WorkspaceRemoveUser removes a user's roles on a workspace.
//
// Houston: mutation workspaceRemoveUser (WorkspaceUserRemoveRequest)
func (c *Client) WorkspaceRemoveUser(ctx context.Context, workspaceID, userID string, sel []Field) (*Workspace, error) {
	return one[Workspace](ctx, c, call{kind: ast.Mutation, opName: "RemoveWorkspaceUser", field: "workspaceRemoveUser",
		args:   []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"userUuid", typeUuidNonNull, userID}},
		result: "Workspace", sel: sel})
}

// WorkspaceUpsertUserRole changes the workspace role of a user (or of a
// pending invitation) and returns the new role.
//
// Houston: mutation workspaceUpsertUserRole (WorkspaceUserUpdateRequest)
func (c *Client) WorkspaceUpsertUserRole(ctx context.Context, workspaceID, email, role string) (string, error) {
	var out string
	err := c.run(ctx, call{kind: ast.Mutation, opName: "workspaceUpsertUserRole", field: "workspaceUpsertUserRole",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"email", typeStringNonNull, email},
			{"role", typeRoleNonNull, role}}}, &out)
	return out, err
}

// WorkspaceServiceAccounts lists a workspace's service accounts.
//
// Houston: query workspaceServiceAccounts (WorkspaceServiceAccountsGetRequest)
func (c *Client) WorkspaceServiceAccounts(ctx context.Context, workspaceID string, sel []Field) ([]*ServiceAccount, error) {
	return many[ServiceAccount](ctx, c, call{kind: ast.Query, opName: "GetWorkspaceServiceAccounts", field: "workspaceServiceAccounts",
		args: []arg{{"workspaceUuid", typeUuidNonNull, workspaceID}}, result: "ServiceAccount", sel: sel})
}

// CreateWorkspaceServiceAccount creates a service account bound to a
// workspace; its APIKey is returned (select "apiKey").
//
// Houston: mutation createWorkspaceServiceAccount (CreateWorkspaceServiceAccountRequest)
func (c *Client) CreateWorkspaceServiceAccount(ctx context.Context, workspaceID string, req ServiceAccountRequest, sel []Field) (*ServiceAccount, error) {
	return one[ServiceAccount](ctx, c, call{kind: ast.Mutation, opName: "createWorkspaceServiceAccount", field: "createWorkspaceServiceAccount",
		args: append([]arg{{"workspaceUuid", typeUuidNonNull, workspaceID}, {"label", typeStringNonNull, req.Label},
			{"role", typeRoleNonNull, req.Role}}, optional(arg{"category", typeString, req.Category})...),
		result: "ServiceAccount", sel: sel})
}

// DeleteWorkspaceServiceAccount deletes a workspace's service account; its
// key stops working.
//
// Houston: mutation deleteWorkspaceServiceAccount (WorkspaceServiceAccountDeleteRequest)
func (c *Client) DeleteWorkspaceServiceAccount(ctx context.Context, workspaceID, accountID string, sel []Field) (*ServiceAccount, error) {
	return one[ServiceAccount](ctx, c, call{kind: ast.Mutation, opName: "deleteWorkspaceServiceAccount", field: "deleteWorkspaceServiceAccount",
		args:   []arg{{"serviceAccountUuid", typeUuidNonNull, accountID}, {"workspaceUuid", typeUuidNonNull, workspaceID}},
		result: "ServiceAccount", sel: sel})
}

// Users lists the platform's users (system users only), optionally only
// those matching f (UserID and Email only).
//
// Houston: query users (2019 API; not used by the CLI)
func (c *Client) Users(ctx context.Context, f UserFilter, sel []Field) ([]*User, error) {
	return many[User](ctx, c, call{kind: ast.Query, opName: "users", field: "users",
		args:   optional(arg{"userUuid", typeUuid, f.UserID}, arg{"email", typeString, f.Email}),
		result: "User", sel: sel})
}
