package graph

import (
	"context"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Users, teams and invites: reads under the organization (and filtered
// under a workspace or deployment), and their writes.

func astroUsers(ctx context.Context, org string, opts astro.ListUsersOptions, sorts []model.AstroUserSort, pg cursors) (*model.AstroUserConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.User, *astro.Response, error) {
		opts.ListOptions = lo
		return c.Users.List(ctx, org, &opts)
	}, func(u *astro.User) *model.AstroUser { return convertAstroUser(org, u) }, astroUserConnection)
}

func astroUser(ctx context.Context, org, id string) (*model.AstroUser, error) {
	return loadAstro(ctx, loader.For(ctx).AstroUser, loader.AstroKey{OrganizationID: org, ID: id}, func(u *astro.User) *model.AstroUser {
		return convertAstroUser(org, u)
	})
}

func astroUserTeams(ctx context.Context, org, user string, sorts []model.AstroTeamSort, pg cursors) (*model.AstroUserTeamConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.UserTeamMembership, *astro.Response, error) {
		return c.Users.ListTeams(ctx, org, user, &astro.ListUserTeamsOptions{ListOptions: lo})
	}, func(m *astro.UserTeamMembership) *model.AstroUserTeam { return convertAstroUserTeam(org, m) }, astroUserTeamConnection)
}

func astroTeams(ctx context.Context, org string, opts astro.ListTeamsOptions, sorts []model.AstroTeamSort, pg cursors) (*model.AstroTeamConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.Team, *astro.Response, error) {
		opts.ListOptions = lo
		teams, resp, err := c.Teams.List(ctx, org, &opts)
		if err == nil {
			for _, t := range teams {
				loader.For(ctx).AstroTeam.Prime(ctx, loader.AstroKey{OrganizationID: org, ID: t.ID}, t)
			}
		}
		return teams, resp, err
	}, convertAstroTeam, astroTeamConnection)
}

func astroTeam(ctx context.Context, org, id string) (*model.AstroTeam, error) {
	return loadAstro(ctx, loader.For(ctx).AstroTeam, loader.AstroKey{OrganizationID: org, ID: id}, convertAstroTeam)
}

func astroTeamMembers(ctx context.Context, org, team string, sorts []model.AstroTeamMemberSort, pg cursors) (*model.AstroTeamMemberConnection, error) {
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.TeamMember, *astro.Response, error) {
		return c.Teams.ListMembers(ctx, org, team, &astro.ListTeamMembersOptions{ListOptions: lo})
	}, convertAstroTeamMember, astroTeamMemberConnection)
}

// astroSelf reads GET /users/self. It costs one call, and answers null with
// UNAUTHENTICATED for API tokens, which have no user.
func astroSelf(ctx context.Context, createIfNotExist *bool) (*model.AstroSelfUser, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	u, _, err := c.Users.GetSelf(ctx, &astro.GetSelfUserOptions{CreateIfNotExist: deref(createIfNotExist)})
	if err != nil {
		return nil, astroFail(err)
	}
	return convertAstroSelfUser(u), nil
}

// roleRequests validates and maps the role lists shared by user and team
// role updates.
func roleRequests(c *check, path string, ws []*model.AstroWorkspaceRoleInput, ds []*model.AstroDeploymentRoleInput, dags []*model.AstroDagRoleInput) ([]astro.WorkspaceRole, []astro.DeploymentRole, []astro.DagRole) {
	var (
		wr []astro.WorkspaceRole
		dr []astro.DeploymentRole
		gr []astro.DagRole
	)
	for i, r := range ws {
		c.id(path+".workspaceRoles["+itoa(i)+"].workspaceId", r.WorkspaceID)
		wr = append(wr, astro.WorkspaceRole{WorkspaceID: r.WorkspaceID, Role: astro.WorkspaceRoleName(r.Role)})
	}
	for i, r := range ds {
		c.id(path+".deploymentRoles["+itoa(i)+"].deploymentId", r.DeploymentID)
		c.required(path+".deploymentRoles["+itoa(i)+"].role", r.Role)
		dr = append(dr, astro.DeploymentRole{DeploymentID: r.DeploymentID, Role: r.Role})
	}
	for i, r := range dags {
		p := path + ".dagRoles[" + itoa(i) + "]"
		c.id(p+".deploymentId", r.DeploymentID)
		c.required(p+".role", r.Role)
		c.exactlyOne(p, "dagId or dagTag", hasStr(r.DagID), hasStr(r.DagTag))
		gr = append(gr, astro.DagRole{DeploymentID: r.DeploymentID, DagID: r.DagID, DagTag: r.DagTag, Role: r.Role})
	}
	return wr, dr, gr
}

func updateAstroUserRoles(ctx context.Context, in model.UpdateAstroUserRolesInput) (*model.UpdateAstroUserRolesPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.userId", in.UserID)
	ws, ds, dags := roleRequests(&c, "input", in.WorkspaceRoles, in.DeploymentRoles, in.DagRoles)
	if in.OrganizationRole == nil && (len(ws) > 0 || len(ds) > 0 || len(dags) > 0) {
		c.fail("input.organizationRole", "is required with workspace, deployment or DAG roles")
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	roles, _, err := cl.Users.UpdateRoles(ctx, in.OrganizationID, in.UserID, &astro.UpdateUserRolesRequest{
		OrganizationRole: ptrTo[string](in.OrganizationRole), WorkspaceRoles: ws, DeploymentRoles: ds, DagRoles: dags,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	key := loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.UserID}
	loader.Forget(ctx, l.AstroUser, key)
	out := &model.UpdateAstroUserRolesPayload{Roles: convertAstroSubjectRoles(roles)}
	if wants(ctx, "user") {
		if out.User, err = astroUser(ctx, in.OrganizationID, in.UserID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func createAstroTeam(ctx context.Context, in model.CreateAstroTeamInput) (*model.CreateAstroTeamPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.name", in.Name)
	for i, id := range in.MemberIds {
		c.id("input.memberIds["+itoa(i)+"]", id)
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, err := once(ctx, "astro", "createAstroTeam", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Team, error) {
		return astroCreate(ctx, "team", uncertain, func(ctx context.Context) (*astro.Team, error) {
			v, _, err := cl.Teams.Create(ctx, in.OrganizationID, &astro.CreateTeamRequest{
				Name: in.Name, Description: in.Description, MemberIDs: in.MemberIds, OrganizationRole: ptrTo[astro.OrganizationRole](in.OrganizationRole),
			})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Refresh(ctx, l.AstroTeam, loader.AstroKey{OrganizationID: in.OrganizationID, ID: t.ID}, t)
	return &model.CreateAstroTeamPayload{ClientMutationID: in.ClientMutationID, Team: convertAstroTeam(t)}, nil
}

func updateAstroTeam(ctx context.Context, in model.UpdateAstroTeamInput) (*model.UpdateAstroTeamPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.teamId", in.TeamID)
	c.required("input.name", in.Name)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	t, _, err := cl.Teams.Update(ctx, in.OrganizationID, in.TeamID, &astro.UpdateTeamRequest{Name: in.Name, Description: in.Description})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroTeam, loader.AstroKey{OrganizationID: in.OrganizationID, ID: t.ID}, t)
	return &model.UpdateAstroTeamPayload{Team: convertAstroTeam(t)}, nil
}

func deleteAstroTeam(ctx context.Context, in model.DeleteAstroTeamInput) (*model.DeleteAstroTeamPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.teamId", in.TeamID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Teams.Delete(ctx, in.OrganizationID, in.TeamID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroTeam, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.TeamID})
	return &model.DeleteAstroTeamPayload{ID: encodeID(typeAstroTeam, in.OrganizationID, in.TeamID), TeamID: in.TeamID}, nil
}

// freshTeam drops the request's copy of a team after a write that did not
// return it, and reads it again when the payload asks for it.
func freshTeam(ctx context.Context, l *loader.Loaders, org, id string) (*model.AstroTeam, error) {
	loader.Forget(ctx, l.AstroTeam, loader.AstroKey{OrganizationID: org, ID: id})
	if !wants(ctx, "team") {
		return nil, nil
	}
	return astroTeam(ctx, org, id)
}

func addAstroTeamMembers(ctx context.Context, in model.AddAstroTeamMembersInput) (*model.AddAstroTeamMembersPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.teamId", in.TeamID)
	c.items("input.memberIds", len(in.MemberIds), 1, -1)
	for i, id := range in.MemberIds {
		c.id("input.memberIds["+itoa(i)+"]", id)
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Teams.AddMembers(ctx, in.OrganizationID, in.TeamID, &astro.AddTeamMembersRequest{MemberIDs: in.MemberIds}); err != nil {
		return nil, astroFail(err)
	}
	t, err := freshTeam(ctx, l, in.OrganizationID, in.TeamID)
	if err != nil {
		return nil, err
	}
	return &model.AddAstroTeamMembersPayload{Team: t}, nil
}

func removeAstroTeamMember(ctx context.Context, in model.RemoveAstroTeamMemberInput) (*model.RemoveAstroTeamMemberPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.teamId", in.TeamID)
	c.id("input.memberId", in.MemberID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Teams.RemoveMember(ctx, in.OrganizationID, in.TeamID, in.MemberID); err != nil {
		return nil, astroFail(err)
	}
	t, err := freshTeam(ctx, l, in.OrganizationID, in.TeamID)
	if err != nil {
		return nil, err
	}
	return &model.RemoveAstroTeamMemberPayload{MemberID: in.MemberID, Team: t}, nil
}

func updateAstroTeamRoles(ctx context.Context, in model.UpdateAstroTeamRolesInput) (*model.UpdateAstroTeamRolesPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.teamId", in.TeamID)
	ws, ds, dags := roleRequests(&c, "input", in.WorkspaceRoles, in.DeploymentRoles, in.DagRoles)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	roles, _, err := cl.Teams.UpdateRoles(ctx, in.OrganizationID, in.TeamID, &astro.UpdateTeamRolesRequest{
		OrganizationRole: string(in.OrganizationRole), WorkspaceRoles: ws, DeploymentRoles: ds, DagRoles: dags,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	t, err := freshTeam(ctx, l, in.OrganizationID, in.TeamID)
	if err != nil {
		return nil, err
	}
	return &model.UpdateAstroTeamRolesPayload{Roles: convertAstroSubjectRoles(roles), Team: t}, nil
}

func createAstroUserInvite(ctx context.Context, in model.CreateAstroUserInviteInput) (*model.CreateAstroUserInvitePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.inviteeEmail", in.InviteeEmail)
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	inv, err := once(ctx, "astro", "createAstroUserInvite", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Invite, error) {
		return astroCreate(ctx, "invite", uncertain, func(ctx context.Context) (*astro.Invite, error) {
			v, _, err := cl.Invites.Create(ctx, in.OrganizationID, &astro.CreateUserInviteRequest{InviteeEmail: in.InviteeEmail, Role: astro.OrganizationRole(in.Role)})
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateAstroUserInvitePayload{ClientMutationID: in.ClientMutationID, Invite: convertAstroInvite(inv)}, nil
}

func deleteAstroUserInvite(ctx context.Context, in model.DeleteAstroUserInviteInput) (*model.DeleteAstroUserInvitePayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.inviteId", in.InviteID)
	cl, _, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Invites.Delete(ctx, in.OrganizationID, in.InviteID); err != nil {
		return nil, astroFail(err)
	}
	return &model.DeleteAstroUserInvitePayload{InviteID: in.InviteID}, nil
}
