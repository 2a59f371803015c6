package graph

import (
	"context"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Software writes on workspaces, people, teams and service accounts; see
// software_mutations.go for what every write does.

func payloadWorkspace(ctx context.Context) []houston.Field {
	return softwareWorkspaceSelection(ctx, childSelection(ctx, "workspace"))
}

func workspaceResult(ctx context.Context, sel []houston.Field, w *houston.Workspace) *model.SoftwareWorkspace {
	l := loader.For(ctx)
	l.PrimeSoftwareWorkspaces(ctx, sel, []*houston.Workspace{w})
	return convertSoftwareWorkspace(l.Installation(), w)
}

// workspaceWrite validates the input (read reads its fields) and runs a
// write that returns the workspace.
func workspaceWrite(ctx context.Context, kind string, read func(*inputs) string, do func(*houston.Client, []houston.Field) (*houston.Workspace, error)) (*model.SoftwareWorkspace, error) {
	in := &inputs{ctx: ctx}
	id := read(in)
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadWorkspace(ctx)
	out, err := write(ctx, kind, id, func(c *houston.Client) (*houston.Workspace, error) { return do(c, sel) })
	if err != nil {
		return nil, err
	}
	return workspaceResult(ctx, sel, out), nil
}

func createSoftwareWorkspace(ctx context.Context, w model.CreateSoftwareWorkspaceInput) (*model.CreateSoftwareWorkspacePayload, error) {
	var label string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string { label = in.required("input.name", w.Name); return "" },
		func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
			return c.CreateWorkspace(ctx, label, deref(w.Description), sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareWorkspacePayload{Workspace: out}, nil
}

func updateSoftwareWorkspace(ctx context.Context, w model.UpdateSoftwareWorkspaceInput) (*model.UpdateSoftwareWorkspacePayload, error) {
	var id string
	u := houston.WorkspaceUpdate{Description: w.Description}
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		if w.Name != nil {
			label := in.required("input.name", *w.Name)
			u.Label = &label
		}
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.UpdateWorkspace(ctx, id, u, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareWorkspacePayload{Workspace: out}, nil
}

func deleteSoftwareWorkspace(ctx context.Context, w model.DeleteSoftwareWorkspaceInput) (*model.DeleteSoftwareWorkspacePayload, error) {
	var id string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.DeleteWorkspace(ctx, id, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.DeleteSoftwareWorkspacePayload{Workspace: out}, nil
}

func addSoftwareWorkspaceUser(ctx context.Context, w model.AddSoftwareWorkspaceUserInput) (*model.AddSoftwareWorkspaceUserPayload, error) {
	var id, addr, role string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		addr = in.email("input.email", w.Email)
		role = in.role("input.role", w.Role, "WORKSPACE")
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.WorkspaceAddUser(ctx, id, addr, role, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.AddSoftwareWorkspaceUserPayload{Workspace: out}, nil
}

func removeSoftwareWorkspaceUser(ctx context.Context, w model.RemoveSoftwareWorkspaceUserInput) (*model.RemoveSoftwareWorkspaceUserPayload, error) {
	var id, user string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		user = in.id("input.userId", w.UserID, typeSoftwareUser)
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.WorkspaceRemoveUser(ctx, id, user, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.RemoveSoftwareWorkspaceUserPayload{Workspace: out}, nil
}

func updateSoftwareWorkspaceUserRole(ctx context.Context, w model.UpdateSoftwareWorkspaceUserRoleInput) (*model.UpdateSoftwareWorkspaceUserRolePayload, error) {
	in := &inputs{ctx: ctx}
	id := in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
	addr := in.email("input.email", w.Email)
	role := in.role("input.role", w.Role, "WORKSPACE")
	if in.err != nil {
		return nil, in.err
	}
	got, err := write(ctx, "workspace", id, func(c *houston.Client) (string, error) {
		return c.WorkspaceUpsertUserRole(ctx, id, addr, role)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareWorkspaceUserRolePayload{Role: roleOr(got, w.Role)}, nil
}

func addSoftwareWorkspaceTeam(ctx context.Context, w model.AddSoftwareWorkspaceTeamInput) (*model.AddSoftwareWorkspaceTeamPayload, error) {
	var id, team, role string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		team = in.id("input.teamId", w.TeamID, typeSoftwareTeam)
		role = in.role("input.role", w.Role, "WORKSPACE")
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.WorkspaceAddTeam(ctx, id, team, role, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.AddSoftwareWorkspaceTeamPayload{Workspace: out}, nil
}

func removeSoftwareWorkspaceTeam(ctx context.Context, w model.RemoveSoftwareWorkspaceTeamInput) (*model.RemoveSoftwareWorkspaceTeamPayload, error) {
	var id, team string
	out, err := workspaceWrite(ctx, "workspace", func(in *inputs) string {
		id = in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
		team = in.id("input.teamId", w.TeamID, typeSoftwareTeam)
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.Workspace, error) {
		return c.WorkspaceRemoveTeam(ctx, id, team, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.RemoveSoftwareWorkspaceTeamPayload{Workspace: out}, nil
}

func updateSoftwareWorkspaceTeamRole(ctx context.Context, w model.UpdateSoftwareWorkspaceTeamRoleInput) (*model.UpdateSoftwareWorkspaceTeamRolePayload, error) {
	in := &inputs{ctx: ctx}
	id := in.id("input.workspaceId", w.WorkspaceID, typeSoftwareWorkspace)
	team := in.id("input.teamId", w.TeamID, typeSoftwareTeam)
	role := in.role("input.role", w.Role, "WORKSPACE")
	if in.err != nil {
		return nil, in.err
	}
	got, err := write(ctx, "workspace", id, func(c *houston.Client) (string, error) {
		return c.WorkspaceUpdateTeamRole(ctx, id, team, role)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareWorkspaceTeamRolePayload{Role: roleOr(got, w.Role)}, nil
}

// roleOr reads the role Houston answered, or falls back on the one asked.
func roleOr(got string, asked model.SoftwareRole) model.SoftwareRole {
	if r := softwareRole(&got); r != nil {
		return *r
	}
	return asked
}

// bindingWrite validates the input (read reads its fields) and runs a
// write that returns a role binding.
func bindingWrite(ctx context.Context, kind string, read func(*inputs) string, do func(*houston.Client, []houston.Field) (*houston.RoleBinding, error)) (*model.SoftwareRoleBinding, error) {
	in := &inputs{ctx: ctx}
	id := read(in)
	if in.err != nil {
		return nil, in.err
	}
	sel := roleBindingSelection(ctx, childSelection(ctx, "roleBinding"))
	out, err := write(ctx, kind, id, func(c *houston.Client) (*houston.RoleBinding, error) { return do(c, sel) })
	if err != nil {
		return nil, err
	}
	return convertSoftwareRoleBinding(loader.For(ctx).Installation(), out), nil
}

// deploymentPersonWrite is a write on a user's or team's deployment role.
// scope is the role's scope, "" when the write takes no role.
func deploymentPersonWrite(ctx context.Context, deploymentID, who, whoPath, whoType string, role model.SoftwareRole, scope string,
	do func(c *houston.Client, id, who, role string, sel []houston.Field) (*houston.RoleBinding, error),
) (*model.SoftwareRoleBinding, error) {
	var id, person, r string
	return bindingWrite(ctx, "deployment", func(in *inputs) string {
		id = in.id("input.deploymentId", deploymentID, typeSoftwareDeployment)
		if whoType == "" {
			person = in.email(whoPath, who)
		} else {
			person = in.id(whoPath, who, whoType)
		}
		if scope != "" {
			r = in.role("input.role", role, scope)
		}
		return id
	}, func(c *houston.Client, sel []houston.Field) (*houston.RoleBinding, error) {
		return do(c, id, person, r, sel)
	})
}

func addSoftwareDeploymentUser(ctx context.Context, d model.AddSoftwareDeploymentUserInput) (*model.AddSoftwareDeploymentUserPayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.Email, "input.email", "", d.Role, "DEPLOYMENT",
		func(c *houston.Client, id, who, role string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentAddUserRole(ctx, id, who, role, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.AddSoftwareDeploymentUserPayload{RoleBinding: b}, nil
}

func updateSoftwareDeploymentUserRole(ctx context.Context, d model.UpdateSoftwareDeploymentUserRoleInput) (*model.UpdateSoftwareDeploymentUserRolePayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.Email, "input.email", "", d.Role, "DEPLOYMENT",
		func(c *houston.Client, id, who, role string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentUpdateUserRole(ctx, id, who, role, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentUserRolePayload{RoleBinding: b}, nil
}

func removeSoftwareDeploymentUser(ctx context.Context, d model.RemoveSoftwareDeploymentUserInput) (*model.RemoveSoftwareDeploymentUserPayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.Email, "input.email", "", "", "",
		func(c *houston.Client, id, who, _ string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentRemoveUserRole(ctx, id, who, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.RemoveSoftwareDeploymentUserPayload{RoleBinding: b}, nil
}

func addSoftwareDeploymentTeam(ctx context.Context, d model.AddSoftwareDeploymentTeamInput) (*model.AddSoftwareDeploymentTeamPayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.TeamID, "input.teamId", typeSoftwareTeam, d.Role, "DEPLOYMENT",
		func(c *houston.Client, id, who, role string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentAddTeamRole(ctx, id, who, role, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.AddSoftwareDeploymentTeamPayload{RoleBinding: b}, nil
}

func updateSoftwareDeploymentTeamRole(ctx context.Context, d model.UpdateSoftwareDeploymentTeamRoleInput) (*model.UpdateSoftwareDeploymentTeamRolePayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.TeamID, "input.teamId", typeSoftwareTeam, d.Role, "DEPLOYMENT",
		func(c *houston.Client, id, who, role string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentUpdateTeamRole(ctx, id, who, role, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentTeamRolePayload{RoleBinding: b}, nil
}

func removeSoftwareDeploymentTeam(ctx context.Context, d model.RemoveSoftwareDeploymentTeamInput) (*model.RemoveSoftwareDeploymentTeamPayload, error) {
	b, err := deploymentPersonWrite(ctx, d.DeploymentID, d.TeamID, "input.teamId", typeSoftwareTeam, "", "",
		func(c *houston.Client, id, who, _ string, sel []houston.Field) (*houston.RoleBinding, error) {
			return c.DeploymentRemoveTeamRole(ctx, id, who, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.RemoveSoftwareDeploymentTeamPayload{RoleBinding: b}, nil
}

// teamSystemRole is a write on a team's system role.
func teamSystemRole(ctx context.Context, teamID string, role model.SoftwareRole,
	do func(c *houston.Client, team, role string, sel []houston.Field) (*houston.RoleBinding, error),
) (*model.SoftwareRoleBinding, error) {
	var team, r string
	return bindingWrite(ctx, "team", func(in *inputs) string {
		team = in.id("input.teamId", teamID, typeSoftwareTeam)
		r = in.role("input.role", role, "SYSTEM")
		return team
	}, func(c *houston.Client, sel []houston.Field) (*houston.RoleBinding, error) { return do(c, team, r, sel) })
}

func addSoftwareTeamSystemRole(ctx context.Context, t model.AddSoftwareTeamSystemRoleInput) (*model.AddSoftwareTeamSystemRolePayload, error) {
	b, err := teamSystemRole(ctx, t.TeamID, t.Role, func(c *houston.Client, team, role string, sel []houston.Field) (*houston.RoleBinding, error) {
		return c.CreateTeamSystemRoleBinding(ctx, team, role, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.AddSoftwareTeamSystemRolePayload{RoleBinding: b}, nil
}

func removeSoftwareTeamSystemRole(ctx context.Context, t model.RemoveSoftwareTeamSystemRoleInput) (*model.RemoveSoftwareTeamSystemRolePayload, error) {
	b, err := teamSystemRole(ctx, t.TeamID, t.Role, func(c *houston.Client, team, role string, sel []houston.Field) (*houston.RoleBinding, error) {
		return c.DeleteTeamSystemRoleBinding(ctx, team, role, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.RemoveSoftwareTeamSystemRolePayload{RoleBinding: b}, nil
}

// payloadServiceAccount selects what the payload's serviceAccount asks for,
// and the API key when the payload asks for it.
func payloadServiceAccount(ctx context.Context) []houston.Field {
	sel := pick(graphql.GetOperationContext(ctx), childSelection(ctx, "serviceAccount"), softwareServiceAccountTypes, softwareServiceAccountFields, "id")
	if childRequested(ctx, "apiKey") {
		sel = houston.With(sel, "apiKey")
	}
	return sel
}

// serviceAccountWrite validates the input (read reads its fields and
// names the kind of entity) and runs a write on a service account.
func serviceAccountWrite(ctx context.Context, read func(*inputs) (kind, id string), do func(*houston.Client, []houston.Field) (*houston.ServiceAccount, error)) (*houston.ServiceAccount, error) {
	in := &inputs{ctx: ctx}
	kind, id := read(in)
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadServiceAccount(ctx)
	return write(ctx, kind, id, func(c *houston.Client) (*houston.ServiceAccount, error) { return do(c, sel) })
}

func createSoftwareWorkspaceServiceAccount(ctx context.Context, s model.CreateSoftwareWorkspaceServiceAccountInput) (*model.CreateSoftwareWorkspaceServiceAccountPayload, error) {
	var id string
	var req houston.ServiceAccountRequest
	out, err := serviceAccountWrite(ctx, func(in *inputs) (string, string) {
		id = in.id("input.workspaceId", s.WorkspaceID, typeSoftwareWorkspace)
		req = houston.ServiceAccountRequest{Label: in.required("input.label", s.Label), Category: in.optional("input.category", s.Category),
			Role: in.role("input.role", s.Role, "WORKSPACE")}
		return "workspace", id
	}, func(c *houston.Client, sel []houston.Field) (*houston.ServiceAccount, error) {
		return c.CreateWorkspaceServiceAccount(ctx, id, req, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareWorkspaceServiceAccountPayload{ServiceAccount: convertSoftwareServiceAccount(out), APIKey: out.APIKey}, nil
}

func createSoftwareDeploymentServiceAccount(ctx context.Context, s model.CreateSoftwareDeploymentServiceAccountInput) (*model.CreateSoftwareDeploymentServiceAccountPayload, error) {
	var id string
	var req houston.ServiceAccountRequest
	out, err := serviceAccountWrite(ctx, func(in *inputs) (string, string) {
		id = in.id("input.deploymentId", s.DeploymentID, typeSoftwareDeployment)
		req = houston.ServiceAccountRequest{Label: in.required("input.label", s.Label), Category: in.optional("input.category", s.Category),
			Role: in.role("input.role", s.Role, "DEPLOYMENT")}
		return "deployment", id
	}, func(c *houston.Client, sel []houston.Field) (*houston.ServiceAccount, error) {
		return c.CreateDeploymentServiceAccount(ctx, id, req, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareDeploymentServiceAccountPayload{ServiceAccount: convertSoftwareServiceAccount(out), APIKey: out.APIKey}, nil
}

func deleteSoftwareWorkspaceServiceAccount(ctx context.Context, s model.DeleteSoftwareWorkspaceServiceAccountInput) (*model.DeleteSoftwareWorkspaceServiceAccountPayload, error) {
	var id, account string
	out, err := serviceAccountWrite(ctx, func(in *inputs) (string, string) {
		id = in.id("input.workspaceId", s.WorkspaceID, typeSoftwareWorkspace)
		account = in.required("input.serviceAccountId", s.ServiceAccountID)
		return "service account", account
	}, func(c *houston.Client, sel []houston.Field) (*houston.ServiceAccount, error) {
		return c.DeleteWorkspaceServiceAccount(ctx, id, account, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.DeleteSoftwareWorkspaceServiceAccountPayload{ServiceAccount: convertSoftwareServiceAccount(out)}, nil
}

func deleteSoftwareDeploymentServiceAccount(ctx context.Context, s model.DeleteSoftwareDeploymentServiceAccountInput) (*model.DeleteSoftwareDeploymentServiceAccountPayload, error) {
	var id, account string
	out, err := serviceAccountWrite(ctx, func(in *inputs) (string, string) {
		id = in.id("input.deploymentId", s.DeploymentID, typeSoftwareDeployment)
		account = in.required("input.serviceAccountId", s.ServiceAccountID)
		return "service account", account
	}, func(c *houston.Client, sel []houston.Field) (*houston.ServiceAccount, error) {
		return c.DeleteDeploymentServiceAccount(ctx, id, account, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.DeleteSoftwareDeploymentServiceAccountPayload{ServiceAccount: convertSoftwareServiceAccount(out)}, nil
}

// authSelection selects what a sign-up or log-in payload asks for: the
// user, and the token only when it is asked for.
func authSelection(ctx context.Context) []houston.Field {
	var sel []houston.Field
	if childRequested(ctx, "user") {
		user := pick(graphql.GetOperationContext(ctx), childSelection(ctx, "user"), softwareUserTypes, softwareUserFields, "id")
		sel = append(sel, houston.Field{Name: "user", Fields: user})
	}
	if childRequested(ctx, "token") || len(sel) == 0 {
		sel = append(sel, houston.Field{Name: "token", Fields: houston.Fields("value")})
	}
	return sel
}

// anonymousWrite runs a write Houston answers without a caller token.
func anonymousWrite(ctx context.Context, do func(*houston.Client) (*houston.AuthUser, error)) (*model.SoftwareUser, *string, error) {
	l := loader.For(ctx)
	c, err := l.HoustonAnonymous()
	if err != nil {
		return nil, nil, err
	}
	out, err := do(c)
	l.ForgetSoftware()
	if err != nil {
		return nil, nil, fault.Upstream(fault.Houston, err)
	}
	var user *model.SoftwareUser
	if out.User != nil {
		user = convertSoftwareUser(l.Installation(), out.User)
	}
	var token *string
	if out.Token != nil {
		token = out.Token.Value
	}
	return user, token, nil
}

func createSoftwareUser(ctx context.Context, u model.CreateSoftwareUserInput) (*model.CreateSoftwareUserPayload, error) {
	in := &inputs{ctx: ctx}
	req := houston.CreateUserRequest{Email: in.email("input.email", u.Email), Password: in.secret("input.password", u.Password),
		Username: in.optional("input.username", u.Username), InviteToken: in.optional("input.inviteToken", u.InviteToken)}
	if in.err != nil {
		return nil, in.err
	}
	sel := authSelection(ctx)
	user, token, err := anonymousWrite(ctx, func(c *houston.Client) (*houston.AuthUser, error) { return c.CreateUser(ctx, req, sel) })
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareUserPayload{User: user, Token: token}, nil
}

func createSoftwareToken(ctx context.Context, t model.CreateSoftwareTokenInput) (*model.CreateSoftwareTokenPayload, error) {
	in := &inputs{ctx: ctx}
	identity := in.required("input.identity", t.Identity)
	password := in.secret("input.password", t.Password)
	if in.err != nil {
		return nil, in.err
	}
	sel := authSelection(ctx)
	user, token, err := anonymousWrite(ctx, func(c *houston.Client) (*houston.AuthUser, error) { return c.CreateToken(ctx, identity, password, sel) })
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareTokenPayload{User: user, Token: token}, nil
}
