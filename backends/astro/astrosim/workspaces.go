package astrosim

import (
	"net/http"
	"slices"
)

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

type workspaceBody struct {
	Name                 *string `json:"name"`
	Description          *string `json:"description"`
	CicdEnforcedDefault  *bool   `json:"cicdEnforcedDefault"`
	DefaultClusterID     *string `json:"defaultClusterId"`
	DefaultCloudProvider *string `json:"defaultCloudProvider"`
	DefaultRegion        *string `json:"defaultRegion"`
}

// checkDefaults validates a workspace's deployment defaults:
// defaultClusterId excludes the defaultCloudProvider and defaultRegion
// pair. An empty string clears a default. Callers hold s.mu.
func (s *Sim) checkDefaults(orgID string, b *workspaceBody, k *checker) {
	cl, prov, reg := deref(b.DefaultClusterID), deref(b.DefaultCloudProvider), deref(b.DefaultRegion)
	if prov != "" {
		k.oneOf("defaultCloudProvider", &prov, cloudProviders()...)
	}
	switch {
	case cl != "" && (prov != "" || reg != ""):
		k.fail("defaultClusterId", "excluded_with", "excludes defaultCloudProvider and defaultRegion")
	case (prov == "") != (reg == ""):
		k.fail("defaultRegion", "required_with", "and defaultCloudProvider must be given together")
	case prov != "" && slices.Contains(cloudProviders(), prov) && !knownRegion(prov, reg):
		k.fail("defaultRegion", "oneof", "'%s' is not a region of %s", reg, prov)
	}
	if cl != "" {
		if c, ok := s.data.clusters[cl]; !ok || c.OrganizationID != orgID {
			k.fail("defaultClusterId", "exists", "names no cluster of the Organization: '%s'", cl)
		}
	}
}

// applyDefaults sets the defaults b gives: one kind replaces the other.
func applyDefaults(w *workspace, b *workspaceBody) {
	switch {
	case b.DefaultClusterID != nil && *b.DefaultClusterID != "":
		w.DefaultClusterID, w.DefaultCloudProvider, w.DefaultRegion = *b.DefaultClusterID, "", ""
	case b.DefaultCloudProvider != nil && *b.DefaultCloudProvider != "":
		w.DefaultClusterID, w.DefaultCloudProvider, w.DefaultRegion = "", *b.DefaultCloudProvider, deref(b.DefaultRegion)
	default:
		if b.DefaultClusterID != nil {
			w.DefaultClusterID = ""
		}
		if b.DefaultCloudProvider != nil || b.DefaultRegion != nil {
			w.DefaultCloudProvider, w.DefaultRegion = "", ""
		}
	}
}

// createWorkspace serves CreateWorkspace.
func (s *Sim) createWorkspace(c *call) {
	var b workspaceBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 50)
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.workspaces.create")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkDefaults(org.ID, &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	by := c.p.subject
	w := &workspace{
		ID: s.ids.id(c.now), Name: *b.Name, Description: deref(b.Description), CicdEnforcedDefault: deref(b.CicdEnforcedDefault),
		OrganizationID: org.ID, OrganizationName: org.Name,
		CreatedAt: stamp(c.now), CreatedBy: &by, UpdatedAt: stamp(c.now), UpdatedBy: &by,
	}
	applyDefaults(w, &b)
	s.data.workspaces[w.ID] = w
	s.record(c, org.ID, "workspace.create", "WORKSPACE", w.ID)
	c.json(http.StatusOK, w)
}

// updateWorkspace serves UpdateWorkspace: name, description and
// cicdEnforcedDefault are required; defaults absent from the body are
// kept, and an empty string clears one.
func (s *Sim) updateWorkspace(c *call) {
	var b workspaceBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 50)
	k.required("description", b.Description != nil)
	k.required("cicdEnforcedDefault", b.CicdEnforcedDefault != nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("workspaceId"), "workspace.settings.update")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkDefaults(w.OrganizationID, &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nw := *w
	nw.Name, nw.Description, nw.CicdEnforcedDefault = *b.Name, *b.Description, *b.CicdEnforcedDefault
	applyDefaults(&nw, &b)
	by := c.p.subject
	nw.UpdatedAt, nw.UpdatedBy = stamp(c.now), &by
	s.data.workspaces[w.ID] = &nw
	if nw.Name != w.Name { // deployments carry workspaceName
		for _, d := range s.data.deployments {
			if d.WorkspaceID == w.ID {
				nd := *d
				nd.WorkspaceName = nw.Name
				s.data.deployments[d.ID] = &nd
			}
		}
	}
	s.record(c, w.OrganizationID, "workspace.update", "WORKSPACE", w.ID)
	c.json(http.StatusOK, &nw)
}

// deleteWorkspace serves DeleteWorkspace. A workspace that still has
// deployments is a 400: delete them first.
func (s *Sim) deleteWorkspace(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("workspaceId"), "workspace.delete")
	if err != nil {
		c.fail(err)
		return
	}
	n := 0
	for _, d := range s.data.deployments {
		if d.WorkspaceID == w.ID {
			n++
		}
	}
	if n > 0 {
		c.fail(badRequest("Workspace '%s' still has %d Deployment(s); delete them first", w.ID, n))
		return
	}
	delete(s.data.workspaces, w.ID)
	for _, cl := range s.data.clusters {
		if i := slices.Index(cl.WorkspaceIDs, w.ID); i >= 0 {
			ncl := *cl
			ncl.WorkspaceIDs = slices.Delete(slices.Clone(cl.WorkspaceIDs), i, i+1)
			s.data.clusters[cl.ID] = &ncl
		}
	}
	for id, o := range s.data.envObjects {
		if o.Scope == "WORKSPACE" && o.ScopeEntityID == w.ID {
			delete(s.data.envObjects, id)
		}
	}
	s.record(c, w.OrganizationID, "workspace.delete", "WORKSPACE", w.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
