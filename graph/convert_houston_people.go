package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/model"
)

// Users, teams, service accounts, invites and role bindings: their mapping
// tables and converters. A workspace's or deployment's members are read
// from its roleBindings, inline in its own document, so listing them costs
// no request of their own.

var softwareUserFields = map[string][]houston.Field{
	"id":        houston.Fields("id"),
	"userId":    houston.Fields("id"),
	"username":  houston.Fields("username"),
	"fullName":  houston.Fields("fullName"),
	"status":    houston.Fields("status"),
	"email":     {{Name: "emails", Fields: houston.Fields("address", "primary")}},
	"emails":    {{Name: "emails", Fields: houston.Fields("address", "primary", "verified")}},
	"createdAt": houston.Fields("createdAt"),
	"updatedAt": houston.Fields("updatedAt"),
}

var softwareTeamFields = map[string][]houston.Field{
	"id":        houston.Fields("id"),
	"teamId":    houston.Fields("id"),
	"name":      houston.Fields("name"),
	"createdAt": houston.Fields("createdAt"),
	"updatedAt": houston.Fields("updatedAt"),
}

var softwareServiceAccountFields = map[string][]houston.Field{
	"serviceAccountId": houston.Fields("id"),
	"label":            houston.Fields("label"),
	"category":         houston.Fields("category"),
	"entityType":       houston.Fields("entityType"),
	"workspaceId":      houston.Fields("workspaceUuid"),
	"deploymentId":     houston.Fields("deploymentUuid"),
	"role":             {{Name: "roleBinding", Fields: houston.Fields("role")}},
	"active":           houston.Fields("active"),
	"lastUsedAt":       houston.Fields("lastUsedAt"),
	"createdAt":        houston.Fields("createdAt"),
	"updatedAt":        houston.Fields("updatedAt"),
}

var softwareInviteFields = map[string][]houston.Field{
	"inviteId":  houston.Fields("id"),
	"email":     houston.Fields("email"),
	"role":      houston.Fields("role"),
	"createdAt": houston.Fields("createdAt"),
	"updatedAt": houston.Fields("updatedAt"),
}

var (
	softwareUserTypes           = []string{"SoftwareUser", "Node"}
	softwareTeamTypes           = []string{"SoftwareTeam", "Node"}
	softwareServiceAccountTypes = []string{"SoftwareServiceAccount"}
	softwareInviteTypes         = []string{"SoftwareInvite"}
)

// memberSelection maps a users, teams or serviceAccounts connection of a
// workspace or deployment to the roleBindings it is read from: the role,
// and the bound user, team or account with what its nodes select.
func memberSelection(opCtx *graphql.OperationContext, f graphql.CollectedField) []houston.Field {
	nodes := connectionNodes(opCtx, f.Selections)
	var holder houston.Field
	switch f.Name {
	case "users":
		holder = houston.Field{Name: "user", Fields: pick(opCtx, nodes, softwareUserTypes, softwareUserFields, "id")}
	case "teams":
		holder = houston.Field{Name: "team", Fields: pick(opCtx, nodes, softwareTeamTypes, softwareTeamFields, "id")}
	default:
		// The role comes from the binding itself.
		sel := pick(opCtx, nodes, softwareServiceAccountTypes, softwareServiceAccountFields, "id")
		holder = houston.Field{Name: "serviceAccount", Fields: without(sel, "roleBinding")}
	}
	return []houston.Field{{Name: "roleBindings", Fields: []houston.Field{{Name: "role"}, holder}}}
}

// roleBindingSelection maps a selection on SoftwareRoleBinding.
func roleBindingSelection(ctx context.Context, sel ast.SelectionSet) []houston.Field {
	opCtx := graphql.GetOperationContext(ctx)
	out := houston.Fields("role")
	for _, f := range graphql.CollectFields(opCtx, sel, []string{"SoftwareRoleBinding"}) {
		var sub houston.Field
		switch f.Name {
		case "user":
			sub = houston.Field{Name: "user", Fields: pick(opCtx, f.Selections, softwareUserTypes, softwareUserFields, "id")}
		case "team":
			sub = houston.Field{Name: "team", Fields: pick(opCtx, f.Selections, softwareTeamTypes, softwareTeamFields, "id")}
		case "serviceAccount":
			sub = houston.Field{Name: "serviceAccount", Fields: pick(opCtx, f.Selections, softwareServiceAccountTypes, softwareServiceAccountFields, "id")}
		case "workspace":
			sub = houston.Field{Name: "workspace", Fields: softwareWorkspaceSelection(ctx, f.Selections)}
		case "deployment":
			sub = houston.Field{Name: "deployment", Fields: softwareDeploymentSelection(ctx, f.Selections)}
		default:
			continue
		}
		out = houston.Merge(out, []houston.Field{sub})
	}
	return out
}

func without(sel []houston.Field, name string) []houston.Field {
	out := sel[:0:0]
	for _, f := range sel {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}

// convertMembers sorts a workspace's or deployment's role bindings into its
// users, teams and service accounts, each once, in Houston's order.
func convertMembers(installation string, bindings []houston.RoleBinding, invites []houston.Invite) model.SoftwareMembers {
	var out model.SoftwareMembers
	seen := map[string]bool{}
	for _, b := range bindings {
		role := softwareRole(b.Role)
		switch {
		case b.User != nil && !seen["u"+b.User.ID]:
			seen["u"+b.User.ID] = true
			out.Users = append(out.Users, model.SoftwareMember[*model.SoftwareUser]{Node: convertSoftwareUser(installation, b.User), Role: role})
		case b.Team != nil && !seen["t"+b.Team.ID]:
			seen["t"+b.Team.ID] = true
			out.Teams = append(out.Teams, model.SoftwareMember[*model.SoftwareTeam]{Node: convertSoftwareTeam(installation, b.Team), Role: role})
		case b.ServiceAccount != nil && !seen["s"+b.ServiceAccount.ID]:
			seen["s"+b.ServiceAccount.ID] = true
			sa := convertSoftwareServiceAccount(b.ServiceAccount)
			sa.Role = role
			out.ServiceAccounts = append(out.ServiceAccounts, sa)
		}
	}
	for i := range invites {
		out.Invites = append(out.Invites, convertSoftwareInvite(&invites[i]))
	}
	return out
}

func convertSoftwareUser(installation string, u *houston.User) *model.SoftwareUser {
	out := &model.SoftwareUser{
		ID: encodeID(typeSoftwareUser, installation, u.ID), UserID: u.ID, Installation: installation,
		Username: u.Username, FullName: u.FullName, Status: u.Status, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
	for _, e := range u.Emails {
		out.Emails = append(out.Emails, &model.SoftwareEmail{Address: e.Address, Verified: e.Verified, Primary: e.Primary})
		if out.Email == nil || (e.Primary != nil && *e.Primary) {
			out.Email = e.Address
		}
	}
	return out
}

func convertSoftwareTeam(installation string, t *houston.Team) *model.SoftwareTeam {
	return &model.SoftwareTeam{
		ID: encodeID(typeSoftwareTeam, installation, t.ID), TeamID: t.ID, Installation: installation,
		Name: t.Name, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

func convertSoftwareServiceAccount(a *houston.ServiceAccount) *model.SoftwareServiceAccount {
	out := &model.SoftwareServiceAccount{
		ServiceAccountID: a.ID, Label: a.Label, Category: a.Category, EntityType: a.EntityType,
		WorkspaceID: a.WorkspaceUUID, DeploymentID: a.DeploymentUUID, Active: a.Active,
		LastUsedAt: a.LastUsedAt, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
	if a.RoleBinding != nil {
		out.Role = softwareRole(a.RoleBinding.Role)
	}
	return out
}

func convertSoftwareInvite(i *houston.Invite) *model.SoftwareInvite {
	return &model.SoftwareInvite{InviteID: i.ID, Email: i.Email, Role: softwareRole(i.Role), CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
}

func convertSoftwareRoleBinding(installation string, b *houston.RoleBinding) *model.SoftwareRoleBinding {
	out := &model.SoftwareRoleBinding{Role: softwareRole(b.Role)}
	if b.User != nil {
		out.User = convertSoftwareUser(installation, b.User)
	}
	if b.Team != nil {
		out.Team = convertSoftwareTeam(installation, b.Team)
	}
	if b.ServiceAccount != nil {
		out.ServiceAccount = convertSoftwareServiceAccount(b.ServiceAccount)
	}
	if b.Workspace != nil {
		out.Workspace = convertSoftwareWorkspace(installation, b.Workspace)
	}
	if b.Deployment != nil {
		out.Deployment = convertSoftwareDeployment(installation, b.Deployment)
	}
	return out
}

// softwareRole reads a Houston role; a role this schema does not know is nil.
func softwareRole(s *string) *model.SoftwareRole {
	if s == nil {
		return nil
	}
	r := model.SoftwareRole(*s)
	if !r.IsValid() {
		return nil
	}
	return &r
}
