package graph

import (
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/fault"
)

// maxPageSize bounds `first` on every connection.
const maxPageSize = 1000

// page is a validated window on a list: skip offset items, take first.
type page struct {
	offset, first int
}

func pageArgs(first *int, after *string) (page, error) {
	p := page{first: 20}
	if first != nil {
		p.first = *first
	}
	if p.first < 0 || p.first > maxPageSize {
		return page{}, fault.Input("first", "must be between 0 and %d, got %d", maxPageSize, p.first)
	}
	off, err := decodeCursor(after)
	if err != nil {
		return page{}, &fault.InputError{Path: "after", Message: err.Error()}
	}
	p.offset = off
	return p, nil
}

// slice returns the part of items inside the window.
func slice[T any](items []T, p page) []T {
	if p.offset >= len(items) {
		return nil
	}
	return items[p.offset:min(p.offset+p.first, len(items))]
}

func pageInfo(p page, n, total int) *model.PageInfo {
	pi := &model.PageInfo{
		HasPreviousPage: p.offset > 0,
		HasNextPage:     p.offset+n < total,
	}
	if n > 0 {
		s, e := encodeCursor(p.offset), encodeCursor(p.offset+n-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// connection builds the edges, nodes and page info of one page of nodes.
func connection[N any, E any](nodes []N, p page, total int, edge func(cursor string, n N) E) (edges []E, info *model.PageInfo) {
	edges = make([]E, len(nodes))
	for i, n := range nodes {
		edges[i] = edge(encodeCursor(p.offset+i), n)
	}
	return edges, pageInfo(p, len(nodes), total)
}

func astroDeploymentConnection(nodes []*model.AstroDeployment, p page, total int) *model.AstroDeploymentConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroDeployment) *model.AstroDeploymentEdge {
		return &model.AstroDeploymentEdge{Cursor: c, Node: n}
	})
	return &model.AstroDeploymentConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroWorkspaceConnection(nodes []*model.AstroWorkspace, p page, total int) *model.AstroWorkspaceConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroWorkspace) *model.AstroWorkspaceEdge {
		return &model.AstroWorkspaceEdge{Cursor: c, Node: n}
	})
	return &model.AstroWorkspaceConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroClusterConnection(nodes []*model.AstroCluster, p page, total int) *model.AstroClusterConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroCluster) *model.AstroClusterEdge {
		return &model.AstroClusterEdge{Cursor: c, Node: n}
	})
	return &model.AstroClusterConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func astroOrganizationConnection(nodes []*model.AstroOrganization, p page, total int) *model.AstroOrganizationConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.AstroOrganization) *model.AstroOrganizationEdge {
		return &model.AstroOrganizationEdge{Cursor: c, Node: n}
	})
	return &model.AstroOrganizationConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func softwareDeploymentConnection(nodes []*model.SoftwareDeployment, p page, total int) *model.SoftwareDeploymentConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.SoftwareDeployment) *model.SoftwareDeploymentEdge {
		return &model.SoftwareDeploymentEdge{Cursor: c, Node: n}
	})
	return &model.SoftwareDeploymentConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func softwareWorkspaceConnection(nodes []*model.SoftwareWorkspace, p page, total int) *model.SoftwareWorkspaceConnection {
	edges, info := connection(nodes, p, total, func(c string, n *model.SoftwareWorkspace) *model.SoftwareWorkspaceEdge {
		return &model.SoftwareWorkspaceEdge{Cursor: c, Node: n}
	})
	return &model.SoftwareWorkspaceConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func deploymentConnection(nodes []model.Deployment, p page, total int) *model.DeploymentConnection {
	edges, info := connection(nodes, p, total, func(c string, n model.Deployment) *model.DeploymentEdge {
		return &model.DeploymentEdge{Cursor: c, Node: n}
	})
	return &model.DeploymentConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}

func workspaceConnection(nodes []model.Workspace, p page, total int) *model.WorkspaceConnection {
	edges, info := connection(nodes, p, total, func(c string, n model.Workspace) *model.WorkspaceEdge {
		return &model.WorkspaceEdge{Cursor: c, Node: n}
	})
	return &model.WorkspaceConnection{TotalCount: total, PageInfo: info, Edges: edges, Nodes: nodes}
}
