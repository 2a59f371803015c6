package graph

import (
	"context"
	"strings"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Users, teams and service accounts. The members of a workspace or a
// deployment came with it (its role bindings, in its own document); these
// functions page them. Query.software.users and .teams ask Houston.

func memberUserConnection(members []model.SoftwareMember[*model.SoftwareUser], pg cursors) (*model.SoftwareUserConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	window := slice(members, p)
	p = p.at(len(members))
	out := &model.SoftwareUserConnection{TotalCount: len(members), PageInfo: pageInfo(p, len(window), len(members)),
		Edges: make([]*model.SoftwareUserEdge, len(window)), Nodes: make([]*model.SoftwareUser, len(window))}
	for i, m := range window {
		out.Edges[i] = &model.SoftwareUserEdge{Cursor: encodeCursor(p.offset + i), Node: m.Node, Role: m.Role}
		out.Nodes[i] = m.Node
	}
	return out, nil
}

func memberTeamConnection(members []model.SoftwareMember[*model.SoftwareTeam], pg cursors) (*model.SoftwareTeamConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	return teamConnection(slice(members, p), p, len(members)), nil
}

func teamConnection(window []model.SoftwareMember[*model.SoftwareTeam], p page, total int) *model.SoftwareTeamConnection {
	p = p.at(total)
	out := &model.SoftwareTeamConnection{TotalCount: total, PageInfo: pageInfo(p, len(window), total),
		Edges: make([]*model.SoftwareTeamEdge, len(window)), Nodes: make([]*model.SoftwareTeam, len(window))}
	for i, m := range window {
		out.Edges[i] = &model.SoftwareTeamEdge{Cursor: encodeCursor(p.offset + i), Node: m.Node, Role: m.Role}
		out.Nodes[i] = m.Node
	}
	return out
}

func serviceAccountConnection(all []*model.SoftwareServiceAccount, pg cursors) (*model.SoftwareServiceAccountConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	nodes := slice(all, p)
	edges, info := connection(nodes, p, len(all), func(e *model.SoftwareServiceAccountEdge, c string, n *model.SoftwareServiceAccount) {
		*e = model.SoftwareServiceAccountEdge{Cursor: c, Node: n}
	})
	return &model.SoftwareServiceAccountConnection{TotalCount: len(all), PageInfo: info, Edges: edges, Nodes: nodes}, nil
}

func inviteConnection(all []*model.SoftwareInvite, pg cursors) (*model.SoftwareInviteConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	nodes := slice(all, p)
	edges, info := connection(nodes, p, len(all), func(e *model.SoftwareInviteEdge, c string, n *model.SoftwareInvite) {
		*e = model.SoftwareInviteEdge{Cursor: c, Node: n}
	})
	return &model.SoftwareInviteConnection{TotalCount: len(all), PageInfo: info, Edges: edges, Nodes: nodes}, nil
}

// workspaceTeams pages a workspace's teams; Houston before 0.28 has none.
func workspaceTeams(ctx context.Context, w *model.SoftwareWorkspace, pg cursors) (*model.SoftwareTeamConnection, error) {
	if err := requireHouston(ctx, "Query", "workspaceTeams"); err != nil {
		return nil, err
	}
	return memberTeamConnection(w.Members.Teams, pg)
}

// deploymentTeams pages a deployment's teams; Houston before 0.28 has none.
func deploymentTeams(ctx context.Context, d *model.SoftwareDeployment, pg cursors) (*model.SoftwareTeamConnection, error) {
	if err := requireHouston(ctx, "Query", "deploymentTeams"); err != nil {
		return nil, err
	}
	return memberTeamConnection(d.Members.Teams, pg)
}

// softwareUsers lists the installation's users (system users only), with
// search matched here against username, full name and e-mail addresses.
func softwareUsers(ctx context.Context, search *string, pg cursors) (*model.SoftwareUserConnection, error) {
	if _, err := pageArgs(pg); err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	opCtx := graphql.GetOperationContext(ctx)
	sel := pick(opCtx, connectionNodeSelection(ctx), softwareUserTypes, softwareUserFields, "id")
	if search != nil {
		sel = houston.Merge(sel, []houston.Field{{Name: "username"}, {Name: "fullName"}, {Name: "emails", Fields: houston.Fields("address")}})
	}
	us, err := c.Users(ctx, houston.UserFilter{}, sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	var members []model.SoftwareMember[*model.SoftwareUser]
	for _, u := range us {
		if search != nil && !userMatches(u, *search) {
			continue
		}
		members = append(members, model.SoftwareMember[*model.SoftwareUser]{Node: convertSoftwareUser(l.Installation(), u)})
	}
	return memberUserConnection(members, pg)
}

func userMatches(u *houston.User, search string) bool {
	if containsFold(deref(u.Username), search) || containsFold(deref(u.FullName), search) {
		return true
	}
	for _, e := range u.Emails {
		if containsFold(deref(e.Address), search) {
			return true
		}
	}
	return false
}

// softwareUser looks a user up by Houston id (system users only).
func softwareUser(ctx context.Context, id string) (*model.SoftwareUser, error) {
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	sel := pick(graphql.GetOperationContext(ctx), fieldSelection(ctx), softwareUserTypes, softwareUserFields, "id")
	us, err := c.Users(ctx, houston.UserFilter{UserID: id}, sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	for _, u := range us {
		if u.ID == id {
			return convertSoftwareUser(l.Installation(), u), nil
		}
	}
	return nil, &fault.NotFoundError{Backend: fault.Houston, Kind: "user", ID: id}
}

// softwareTeams reads one page of teams: paginatedTeams from the start, as
// many as the page needs, so the page costs one request and Houston counts
// them all (two requests for last without before, when there are more
// teams than last: the first tells the count).
func softwareTeams(ctx context.Context, workspaceID *string, pg cursors) (*model.SoftwareTeamConnection, error) {
	p, err := pageArgs(pg)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	teams := pick(graphql.GetOperationContext(ctx), connectionNodeSelection(ctx), softwareTeamTypes, softwareTeamFields, "id")
	sel := []houston.Field{{Name: "count"}, {Name: "teams", Fields: teams}}
	window, p, total, err := upstreamPage(p, func(offset, limit int) ([]model.SoftwareMember[*model.SoftwareTeam], int, error) {
		pg, err := c.PaginatedTeams(ctx, houston.PaginatedTeamsOptions{Take: offset + limit, WorkspaceID: deref(workspaceID)}, sel)
		if err != nil {
			return nil, 0, fault.Upstream(fault.Houston, err)
		}
		var all []model.SoftwareMember[*model.SoftwareTeam]
		for _, t := range pg.Teams {
			if t != nil {
				all = append(all, model.SoftwareMember[*model.SoftwareTeam]{Node: convertSoftwareTeam(l.Installation(), t)})
			}
		}
		total := len(all)
		if pg.Count != nil {
			total = *pg.Count
		}
		return all[min(offset, len(all)):], total, nil
	})
	if err != nil {
		return nil, err
	}
	return teamConnection(window, p, total), nil
}

// softwareTeam looks a team up by Houston id.
func softwareTeam(ctx context.Context, id string) (*model.SoftwareTeam, error) {
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	sel := pick(graphql.GetOperationContext(ctx), fieldSelection(ctx), softwareTeamTypes, softwareTeamFields, "id")
	t, err := c.Team(ctx, id, "", sel)
	if err != nil {
		if houston.IsNotFound(err) {
			return nil, &fault.NotFoundError{Backend: fault.Houston, Kind: "team", ID: id}
		}
		return nil, fault.Upstream(fault.Houston, err)
	}
	return convertSoftwareTeam(l.Installation(), t), nil
}

// softwareTeamUsers lists a team's members: one request per team.
func softwareTeamUsers(ctx context.Context, t *model.SoftwareTeam) ([]*model.SoftwareUser, error) {
	l := loader.For(ctx)
	c, err := l.HoustonClient()
	if err != nil {
		return nil, err
	}
	sel := pick(graphql.GetOperationContext(ctx), fieldSelection(ctx), softwareUserTypes, softwareUserFields, "id")
	us, err := c.TeamUsers(ctx, t.TeamID, sel)
	if err != nil {
		return nil, fault.Upstream(fault.Houston, err)
	}
	out := make([]*model.SoftwareUser, len(us))
	for i, u := range us {
		out[i] = convertSoftwareUser(l.Installation(), u)
	}
	return out, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
