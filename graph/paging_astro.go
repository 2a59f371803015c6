package graph

import "github.com/astro-gateway/gateway/graph/model"

// Connection builders of the Astro lists added with the whole v1 API.

func astroUserConnection(nodes []*model.AstroUser, p page, total int) *model.AstroUserConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroUserEdge, c string, n *model.AstroUser) {
		*e = model.AstroUserEdge{Cursor: c, Node: n}
	})
	return &model.AstroUserConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroUserTeamConnection(nodes []*model.AstroUserTeam, p page, total int) *model.AstroUserTeamConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroUserTeamEdge, c string, n *model.AstroUserTeam) {
		*e = model.AstroUserTeamEdge{Cursor: c, Node: n}
	})
	return &model.AstroUserTeamConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroTeamConnection(nodes []*model.AstroTeam, p page, total int) *model.AstroTeamConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroTeamEdge, c string, n *model.AstroTeam) {
		*e = model.AstroTeamEdge{Cursor: c, Node: n}
	})
	return &model.AstroTeamConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroTeamMemberConnection(nodes []*model.AstroTeamMember, p page, total int) *model.AstroTeamMemberConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroTeamMemberEdge, c string, n *model.AstroTeamMember) {
		*e = model.AstroTeamMemberEdge{Cursor: c, Node: n}
	})
	return &model.AstroTeamMemberConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAPITokenConnection(nodes []*model.AstroAPIToken, p page, total int) *model.AstroAPITokenConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroAPITokenEdge, c string, n *model.AstroAPIToken) {
		*e = model.AstroAPITokenEdge{Cursor: c, Node: n}
	})
	return &model.AstroAPITokenConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAgentTokenConnection(nodes []*model.AstroAgentToken, p page, total int) *model.AstroAgentTokenConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroAgentTokenEdge, c string, n *model.AstroAgentToken) {
		*e = model.AstroAgentTokenEdge{Cursor: c, Node: n}
	})
	return &model.AstroAgentTokenConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroRoleConnection(nodes []*model.AstroCustomRole, p page, total int) *model.AstroRoleConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroRoleEdge, c string, n *model.AstroCustomRole) {
		*e = model.AstroRoleEdge{Cursor: c, Node: n}
	})
	return &model.AstroRoleConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroAllowedIPAddressRangeConnection(nodes []*model.AstroAllowedIPAddressRange, p page, total int) *model.AstroAllowedIPAddressRangeConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroAllowedIPAddressRangeEdge, c string, n *model.AstroAllowedIPAddressRange) {
		*e = model.AstroAllowedIPAddressRangeEdge{Cursor: c, Node: n}
	})
	return &model.AstroAllowedIPAddressRangeConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroEnvironmentObjectConnection(nodes []*model.AstroEnvironmentObject, p page, total int) *model.AstroEnvironmentObjectConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroEnvironmentObjectEdge, c string, n *model.AstroEnvironmentObject) {
		*e = model.AstroEnvironmentObjectEdge{Cursor: c, Node: n}
	})
	return &model.AstroEnvironmentObjectConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroDeployConnection(nodes []*model.AstroDeploy, p page, total int) *model.AstroDeployConnection {
	edges, info := connection(nodes, p, total, func(e *model.AstroDeployEdge, c string, n *model.AstroDeploy) {
		*e = model.AstroDeployEdge{Cursor: c, Node: n}
	})
	return &model.AstroDeployConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}
