package graph

import "github.com/astro-gateway/gateway/graph/model"

// Connection builders of the Astro lists added with the whole v1 API.

func astroUserConnection(nodes []*model.AstroUser, p page, total int) *model.AstroUserConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroUser) *model.AstroUserEdge {
		return &model.AstroUserEdge{Cursor: c, Node: n}
	})
	return &model.AstroUserConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroUserTeamConnection(nodes []*model.AstroUserTeam, p page, total int) *model.AstroUserTeamConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroUserTeam) *model.AstroUserTeamEdge {
		return &model.AstroUserTeamEdge{Cursor: c, Node: n}
	})
	return &model.AstroUserTeamConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroTeamConnection(nodes []*model.AstroTeam, p page, total int) *model.AstroTeamConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroTeam) *model.AstroTeamEdge {
		return &model.AstroTeamEdge{Cursor: c, Node: n}
	})
	return &model.AstroTeamConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroTeamMemberConnection(nodes []*model.AstroTeamMember, p page, total int) *model.AstroTeamMemberConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroTeamMember) *model.AstroTeamMemberEdge {
		return &model.AstroTeamMemberEdge{Cursor: c, Node: n}
	})
	return &model.AstroTeamMemberConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAPITokenConnection(nodes []*model.AstroAPIToken, p page, total int) *model.AstroAPITokenConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroAPIToken) *model.AstroAPITokenEdge {
		return &model.AstroAPITokenEdge{Cursor: c, Node: n}
	})
	return &model.AstroAPITokenConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAgentTokenConnection(nodes []*model.AstroAgentToken, p page, total int) *model.AstroAgentTokenConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroAgentToken) *model.AstroAgentTokenEdge {
		return &model.AstroAgentTokenEdge{Cursor: c, Node: n}
	})
	return &model.AstroAgentTokenConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroRoleConnection(nodes []*model.AstroCustomRole, p page, total int) *model.AstroRoleConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroCustomRole) *model.AstroRoleEdge {
		return &model.AstroRoleEdge{Cursor: c, Node: n}
	})
	return &model.AstroRoleConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAllowedIPAddressRangeConnection(nodes []*model.AstroAllowedIPAddressRange, p page, total int) *model.AstroAllowedIPAddressRangeConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroAllowedIPAddressRange) *model.AstroAllowedIPAddressRangeEdge {
		return &model.AstroAllowedIPAddressRangeEdge{Cursor: c, Node: n}
	})
	return &model.AstroAllowedIPAddressRangeConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroEnvironmentObjectConnection(nodes []*model.AstroEnvironmentObject, p page, total int) *model.AstroEnvironmentObjectConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroEnvironmentObject) *model.AstroEnvironmentObjectEdge {
		return &model.AstroEnvironmentObjectEdge{Cursor: c, Node: n}
	})
	return &model.AstroEnvironmentObjectConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroDeployConnection(nodes []*model.AstroDeploy, p page, total int) *model.AstroDeployConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroDeploy) *model.AstroDeployEdge {
		return &model.AstroDeployEdge{Cursor: c, Node: n}
	})
	return &model.AstroDeployConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}
