package astrosim

import "net/http"

// workspace is the spec's Workspace schema.
type workspace struct {
	CicdEnforcedDefault  bool     `json:"cicdEnforcedDefault"`
	CreatedAt            string   `json:"createdAt"`
	CreatedBy            *subject `json:"createdBy,omitempty"`
	DefaultCloudProvider string   `json:"defaultCloudProvider,omitempty"`
	DefaultClusterID     string   `json:"defaultClusterId,omitempty"`
	DefaultRegion        string   `json:"defaultRegion,omitempty"`
	Description          string   `json:"description,omitempty"`
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	OrganizationID       string   `json:"organizationId"`
	OrganizationName     string   `json:"organizationName,omitempty"`
	UpdatedAt            string   `json:"updatedAt"`
	UpdatedBy            *subject `json:"updatedBy,omitempty"`
}

func (w *workspace) sortKeys() (string, string, string, string) {
	return w.ID, w.Name, w.CreatedAt, w.UpdatedAt
}

// workspacesPage is the spec's WorkspacesPaginated schema.
type workspacesPage struct {
	Limit      int          `json:"limit"`
	Offset     int          `json:"offset"`
	TotalCount int          `json:"totalCount"`
	Workspaces []*workspace `json:"workspaces"`
}

// listWorkspaces serves ListWorkspaces: the workspaces the token sees,
// filtered by workspaceIds and names (repeated keys, combined with AND).
func (s *Sim) listWorkspaces(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, maxLimit, "name", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	ids, names := idSet(q, "workspaceIds"), idSet(q, "names")

	s.mu.RLock()
	org, err := s.visibleOrg(c.p, c.r.PathValue("organizationId"))
	var list []*workspace
	if err == nil {
		for _, w := range s.data.workspaces {
			if w.OrganizationID != org.ID || !c.p.seesWorkspace(w) ||
				(ids != nil && !ids[w.ID]) || (names != nil && !names[w.Name]) {
				continue
			}
			list = append(list, w)
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}

	sortList(list, lq.sorts)
	c.json(http.StatusOK, workspacesPage{
		Limit: lq.limit, Offset: lq.offset, TotalCount: len(list), Workspaces: page(list, lq),
	})
}

// getWorkspace serves GetWorkspace.
func (s *Sim) getWorkspace(c *call) {
	s.mu.RLock()
	w, err := s.visibleWorkspace(c.p, c.r.PathValue("organizationId"), c.r.PathValue("workspaceId"))
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, w)
}

// visibleWorkspace finds a workspace of an organization the token may use:
// 404 if it is not in that organization, 403 if the token may not see it.
// Callers hold s.mu.
func (s *Sim) visibleWorkspace(p *principal, orgID, id string) (*workspace, *apiError) {
	if _, err := s.visibleOrg(p, orgID); err != nil {
		return nil, err
	}
	w, ok := s.data.workspaces[id]
	if !ok || w.OrganizationID != orgID {
		return nil, notFound("Workspace", id)
	}
	if !p.seesWorkspace(w) {
		return nil, forbidden("the API token has no access to Workspace '%s'", id)
	}
	return w, nil
}
