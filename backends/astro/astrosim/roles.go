package astrosim

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// customRole is the spec's RoleWithPermission; lists show it as a Role,
// without the permissions.
type customRole struct {
	CreatedAt              string   `json:"createdAt"`
	CreatedBy              subject  `json:"createdBy"`
	Description            string   `json:"description,omitempty"`
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	Permissions            []string `json:"permissions"`
	RestrictedWorkspaceIDs []string `json:"restrictedWorkspaceIds"`
	ScopeType              string   `json:"scopeType"`
	UpdatedAt              string   `json:"updatedAt"`
	UpdatedBy              subject  `json:"updatedBy"`

	orgID string
}

// roleView is the spec's Role.
type roleView struct {
	CreatedAt              string   `json:"createdAt"`
	CreatedBy              subject  `json:"createdBy"`
	Description            string   `json:"description,omitempty"`
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	RestrictedWorkspaceIDs []string `json:"restrictedWorkspaceIds"`
	ScopeType              string   `json:"scopeType"`
	UpdatedAt              string   `json:"updatedAt"`
	UpdatedBy              subject  `json:"updatedBy"`
}

func (r *customRole) view() roleView {
	return roleView{
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, Description: r.Description, ID: r.ID, Name: r.Name,
		RestrictedWorkspaceIDs: r.RestrictedWorkspaceIDs, ScopeType: r.ScopeType, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy,
	}
}

func (r *customRole) sortKey(field string) string {
	switch field {
	case "id":
		return r.ID
	case "name":
		return r.Name
	case "scopeType":
		return r.ScopeType
	case "description":
		return r.Description
	case "createdAt":
		return r.CreatedAt
	case "updatedAt":
		return r.UpdatedAt
	}
	return ""
}

// builtinRole is the spec's DefaultRole and RoleTemplate, which share a
// shape.
type builtinRole struct {
	Description string   `json:"description,omitempty"`
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
	ScopeType   string   `json:"scopeType"`
}

// defaultRoles are the built-in roles.
func defaultRoles() []builtinRole {
	org, ws, dep, dag := permissionsOf("ORGANIZATION"), permissionsOf("WORKSPACE"), permissionsOf("DEPLOYMENT"), permissionsOf("DAG")
	all := func(ms ...map[string]bool) []string {
		out := map[string]bool{}
		for _, m := range ms {
			maps.Copy(out, m)
		}
		return slices.Sorted(maps.Keys(out))
	}
	gets := func(ms ...map[string]bool) []string {
		var out []string
		for _, p := range all(ms...) {
			if strings.HasSuffix(p, ".get") {
				out = append(out, p)
			}
		}
		return out
	}
	return []builtinRole{
		{Name: "ORGANIZATION_OWNER", ScopeType: "ORGANIZATION", Description: "Full control of the Organization.", Permissions: all(org, ws, dep)},
		{Name: "ORGANIZATION_BILLING_ADMIN", ScopeType: "ORGANIZATION", Description: "Manages billing and reads the Organization.", Permissions: []string{"organization.get", "organization.settings.update"}},
		{Name: "ORGANIZATION_OBSERVE_ADMIN", ScopeType: "ORGANIZATION", Description: "Manages Astro Observe.", Permissions: gets(org)},
		{Name: "ORGANIZATION_OBSERVE_MEMBER", ScopeType: "ORGANIZATION", Description: "Uses Astro Observe.", Permissions: []string{"organization.get"}},
		{Name: "ORGANIZATION_MEMBER", ScopeType: "ORGANIZATION", Description: "Reads the Organization.", Permissions: []string{"organization.get", "organization.users.get", "organization.teams.get"}},
		{Name: "WORKSPACE_OWNER", ScopeType: "WORKSPACE", Description: "Full control of a Workspace.", Permissions: all(ws, dep)},
		{Name: "WORKSPACE_OPERATOR", ScopeType: "WORKSPACE", Description: "Manages the Deployments of a Workspace.", Permissions: all(dep)},
		{Name: "WORKSPACE_AUTHOR", ScopeType: "WORKSPACE", Description: "Deploys code to the Deployments of a Workspace.", Permissions: []string{"deployment.deploys.create", "deployment.deploys.get", "deployment.get", "workspace.get"}},
		{Name: "WORKSPACE_MEMBER", ScopeType: "WORKSPACE", Description: "Reads a Workspace.", Permissions: gets(ws, dep)},
		{Name: "WORKSPACE_ACCESSOR", ScopeType: "WORKSPACE", Description: "Reads a Workspace and its Airflow UIs.", Permissions: []string{"deployment.airflow.get", "workspace.get"}},
		{Name: "DEPLOYMENT_ADMIN", ScopeType: "DEPLOYMENT", Description: "Full control of a Deployment.", Permissions: all(dep)},
		{Name: "DAG_AUTHOR", ScopeType: "DAG", Description: "Edits and runs DAGs.", Permissions: all(dag)},
		{Name: "DAG_VIEWER", ScopeType: "DAG", Description: "Reads DAGs and their runs.", Permissions: gets(dag)},
		{Name: "SYSTEM_ADMIN", ScopeType: "SYSTEM", Description: "Astronomer support access.", Permissions: []string{"organization.get"}},
	}
}

// scopeFilter reads the repeated scopeTypes parameter.
func scopeFilter(c *call) (map[string]bool, *apiError) {
	q := c.r.URL.Query()
	for _, v := range q["scopeTypes"] {
		if !slices.Contains([]string{"DEPLOYMENT", "WORKSPACE", "ORGANIZATION", "DAG"}, v) {
			return nil, invalidParam("scopeTypes", "oneof", "has an invalid value '%s'; allowed values are DEPLOYMENT, WORKSPACE, ORGANIZATION, DAG", v)
		}
	}
	return idSet(q, "scopeTypes"), nil
}

// listRoleTemplates serves ListRoleTemplates: the built-in roles a custom
// role can start from.
func (s *Sim) listRoleTemplates(c *call) {
	scopes, err := scopeFilter(c)
	if err == nil {
		s.mu.RLock()
		_, err = s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.customRoles.get")
		s.mu.RUnlock()
	}
	if err != nil {
		c.fail(err)
		return
	}
	out := []builtinRole{}
	for _, r := range defaultRoles() {
		if r.ScopeType != "SYSTEM" && (scopes == nil || scopes[r.ScopeType]) {
			out = append(out, r)
		}
	}
	c.json(http.StatusOK, out)
}

// listRoles serves ListRoles: the custom roles, paged, and the built-in
// ones in defaultRoles when includeDefaultRoles is true.
func (s *Sim) listRoles(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, noMaxLimit, "name", "scopeType", "description", "createdAt", "updatedAt")
	var withDefaults bool
	if err == nil {
		withDefaults, err = boolParam(q, "includeDefaultRoles")
	}
	var scopes map[string]bool
	if err == nil {
		scopes, err = scopeFilter(c)
	}
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.customRoles.get")
	var list []*customRole
	if err == nil {
		for _, r := range s.data.roles {
			if r.orgID == org.ID && (scopes == nil || scopes[r.ScopeType]) {
				list = append(list, r)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	views := make([]roleView, len(list))
	for i, r := range list {
		views[i] = r.view()
	}
	out := pageOf("roles", views, lq)
	if withDefaults {
		defs := []builtinRole{}
		for _, r := range defaultRoles() {
			if scopes == nil || scopes[r.ScopeType] {
				defs = append(defs, r)
			}
		}
		out["defaultRoles"] = defs
	}
	c.json(http.StatusOK, out)
}

// roleOf finds a custom role of the organization; the path names it
// {roleId} for GET and {customRoleId} otherwise. Callers hold s.mu.
func (s *Sim) roleOf(c *call, permission string) (*customRole, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), permission)
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("customRoleId")
	if id == "" {
		id = c.r.PathValue("roleId")
	}
	r, ok := s.data.roles[id]
	if !ok || r.orgID != org.ID {
		return nil, notFound("Role", id)
	}
	return r, nil
}

// getRole serves GetCustomRole.
func (s *Sim) getRole(c *call) {
	s.mu.RLock()
	r, err := s.roleOf(c, "organization.customRoles.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, r)
}

type roleBody struct {
	Name                   *string   `json:"name"`
	Description            *string   `json:"description"`
	Permissions            *[]string `json:"permissions"`
	RestrictedWorkspaceIDs *[]string `json:"restrictedWorkspaceIds"`
	ScopeType              *string   `json:"scopeType"`
}

// checkRole validates a create or update body for a role of scope; id is
// the role being updated. Callers hold s.mu.
func (s *Sim) checkRole(orgID, id, scope string, b *roleBody, k *checker) {
	k.requiredText("name", b.Name, 100)
	k.text("description", b.Description, 500, false)
	if k.required("permissions", b.Permissions != nil) {
		k.items("permissions", len(*b.Permissions), 1, -1)
		allowed := permissionsOf(scope)
		for i, p := range *b.Permissions {
			if !allowed[p] {
				k.fail(fieldAt("permissions", i), "oneof", "'%s' is not a permission of %s roles", p, scope)
			}
		}
	}
	for i, w := range deref(b.RestrictedWorkspaceIDs) {
		if ws, ok := s.data.workspaces[w]; !ok || ws.OrganizationID != orgID {
			k.fail(fieldAt("restrictedWorkspaceIds", i), "exists", "names no Workspace of the Organization: '%s'", w)
		}
	}
	if b.Name != nil {
		for _, r := range s.data.roles {
			if r.orgID == orgID && r.ID != id && strings.EqualFold(r.Name, *b.Name) {
				k.fail("name", "unique", "must be unique in the Organization; a role named '%s' exists", *b.Name)
			}
		}
	}
}

// createRole serves CreateCustomRole; scopeType is DEPLOYMENT or DAG.
func (s *Sim) createRole(c *call) {
	var b roleBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("scopeType", b.ScopeType != nil) {
		k.oneOf("scopeType", b.ScopeType, "DEPLOYMENT", "DAG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.customRoles.create")
	if err != nil {
		c.fail(err)
		return
	}
	if k.ok() {
		s.checkRole(org.ID, "", *b.ScopeType, &b, &k)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	r := &customRole{
		ID: s.ids.id(c.now), Name: *b.Name, Description: deref(b.Description), ScopeType: *b.ScopeType,
		Permissions: slices.Clone(*b.Permissions), RestrictedWorkspaceIDs: append([]string{}, deref(b.RestrictedWorkspaceIDs)...),
		CreatedAt: stamp(c.now), CreatedBy: c.p.subject, UpdatedAt: stamp(c.now), UpdatedBy: c.p.subject, orgID: org.ID,
	}
	s.data.roles[r.ID] = r
	s.record(c, org.ID, "customRole.create", "ROLE", r.ID)
	c.json(http.StatusOK, r)
}

// updateRole serves UpdateCustomRole.
func (s *Sim) updateRole(c *call) {
	var b roleBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.roleOf(c, "organization.customRoles.update")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkRole(r.orgID, r.ID, r.ScopeType, &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nr := *r
	nr.Name, nr.Description, nr.Permissions = *b.Name, deref(b.Description), slices.Clone(*b.Permissions)
	if b.RestrictedWorkspaceIDs != nil {
		nr.RestrictedWorkspaceIDs = append([]string{}, *b.RestrictedWorkspaceIDs...)
	}
	nr.UpdatedAt, nr.UpdatedBy = stamp(c.now), c.p.subject
	s.data.roles[r.ID] = &nr
	s.record(c, r.orgID, "customRole.update", "ROLE", r.ID)
	c.json(http.StatusOK, &nr)
}

// deleteRole serves DeleteCustomRole.
func (s *Sim) deleteRole(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.roleOf(c, "organization.customRoles.delete")
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.roles, r.ID)
	s.record(c, r.orgID, "customRole.delete", "ROLE", r.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
