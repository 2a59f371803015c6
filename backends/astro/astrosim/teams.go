package astrosim

import (
	"net/http"
	"slices"
)

// team is the spec's Team. Its members are kept beside it.
type team struct {
	CreatedAt        string           `json:"createdAt"`
	CreatedBy        *subject         `json:"createdBy,omitempty"`
	DagRoles         []dagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []deploymentRole `json:"deploymentRoles,omitempty"`
	Description      string           `json:"description,omitempty"`
	ID               string           `json:"id"`
	IsIdpManaged     bool             `json:"isIdpManaged"`
	Name             string           `json:"name"`
	OrganizationID   string           `json:"organizationId"`
	OrganizationRole string           `json:"organizationRole"`
	RolesCount       int              `json:"rolesCount,omitempty"`
	UpdatedAt        string           `json:"updatedAt"`
	UpdatedBy        *subject         `json:"updatedBy,omitempty"`
	WorkspaceRoles   []workspaceRole  `json:"workspaceRoles,omitempty"`

	members []teamMember // in the order they joined
}

// teamMember is a user's membership of a Team.
type teamMember struct {
	userID  string
	addedAt string
}

func (t *team) sortKey(field string) string {
	switch field {
	case "id":
		return t.ID
	case "name":
		return t.Name
	case "description":
		return t.Description
	case "createdAt":
		return t.CreatedAt
	case "updatedAt":
		return t.UpdatedAt
	}
	return ""
}

func (t *team) hasMember(userID string) bool {
	return slices.ContainsFunc(t.members, func(m teamMember) bool { return m.userID == userID })
}

func (t *team) roleSet() *roleSet {
	return &roleSet{OrganizationRole: t.OrganizationRole, WorkspaceRoles: t.WorkspaceRoles, DeploymentRoles: t.DeploymentRoles, DagRoles: t.DagRoles}
}

// withRoles returns a copy of t holding r.
func (t *team) withRoles(r *roleSet) *team {
	nt := *t
	nt.OrganizationRole, nt.WorkspaceRoles, nt.DeploymentRoles, nt.DagRoles = r.OrganizationRole, r.WorkspaceRoles, r.DeploymentRoles, r.DagRoles
	nt.RolesCount = r.count()
	return &nt
}

// userTeamMembership is the spec's UserTeamMembership.
type userTeamMembership struct {
	DagRoles         []dagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []deploymentRole `json:"deploymentRoles,omitempty"`
	Description      string           `json:"description,omitempty"`
	ID               string           `json:"id"`
	IsIdpManaged     bool             `json:"isIdpManaged"`
	Name             string           `json:"name"`
	OrganizationRole string           `json:"organizationRole"`
	RolesCount       int              `json:"rolesCount,omitempty"`
	WorkspaceRoles   []workspaceRole  `json:"workspaceRoles,omitempty"`
}

func (t *team) membership() userTeamMembership {
	return userTeamMembership{
		DagRoles: t.DagRoles, DeploymentRoles: t.DeploymentRoles, Description: t.Description, ID: t.ID,
		IsIdpManaged: t.IsIdpManaged, Name: t.Name, OrganizationRole: t.OrganizationRole,
		RolesCount: t.RolesCount, WorkspaceRoles: t.WorkspaceRoles,
	}
}

// teamMemberView is the spec's TeamMember.
type teamMemberView struct {
	AvatarURL string `json:"avatarUrl,omitempty"`
	CreatedAt string `json:"createdAt,omitempty"`
	FullName  string `json:"fullName,omitempty"`
	UserID    string `json:"userId"`
	Username  string `json:"username"`
}

func (m *teamMemberView) sortKey(field string) string {
	switch field {
	case "id", "userId":
		return m.UserID
	case "fullName":
		return m.FullName
	case "username":
		return m.Username
	case "createdAt":
		return m.CreatedAt
	}
	return ""
}

// listTeams serves ListTeams, filtered by names and by the workspace or
// deployment the Teams hold a role in.
func (s *Sim) listTeams(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, maxLimit, "name", "description", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	names, wsID, depID := idSet(q, "names"), q.Get("workspaceId"), q.Get("deploymentId")
	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.teams.get")
	var list []*team
	if err == nil {
		for _, t := range s.data.teams {
			if t.OrganizationID == org.ID && (names == nil || names[t.Name]) && t.roleSet().holds(wsID, depID, "", nil) {
				list = append(list, t)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("teams", list, lq))
}

// teamOf finds a Team of the organization for an organization-level
// permission. Callers hold s.mu.
func (s *Sim) teamOf(c *call, permission string) (*team, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), permission)
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("teamId")
	t, ok := s.data.teams[id]
	if !ok || t.OrganizationID != org.ID {
		return nil, notFound("Team", id)
	}
	return t, nil
}

// getTeam serves GetTeam.
func (s *Sim) getTeam(c *call) {
	s.mu.RLock()
	t, err := s.teamOf(c, "organization.teams.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, t)
}

type teamBody struct {
	Name             *string   `json:"name"`
	Description      *string   `json:"description"`
	MemberIDs        *[]string `json:"memberIds"`
	OrganizationRole *string   `json:"organizationRole"`
}

// checkMembers checks that every id is a user of the organization.
// Callers hold s.mu.
func (s *Sim) checkMembers(orgID, field string, ids []string, k *checker) {
	for i, id := range ids {
		if _, ok := s.data.members[orgID][id]; !ok {
			k.fail(fieldAt(field, i), "exists", "names no user of the Organization: '%s'", id)
		}
	}
}

// createTeam serves CreateTeam; organizationRole defaults to
// ORGANIZATION_MEMBER.
func (s *Sim) createTeam(c *call) {
	var b teamBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 0)
	k.oneOf("organizationRole", b.OrganizationRole, organizationRoles()...)
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.teams.create")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkMembers(org.ID, "memberIds", deref(b.MemberIDs), &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	by := c.p.subject
	t := &team{
		ID: s.ids.id(c.now), Name: *b.Name, Description: deref(b.Description), OrganizationID: org.ID,
		OrganizationRole: "ORGANIZATION_MEMBER", RolesCount: 1,
		CreatedAt: stamp(c.now), CreatedBy: &by, UpdatedAt: stamp(c.now), UpdatedBy: &by,
	}
	if b.OrganizationRole != nil {
		t.OrganizationRole = *b.OrganizationRole
	}
	for _, id := range deref(b.MemberIDs) {
		if !t.hasMember(id) {
			t.members = append(t.members, teamMember{userID: id, addedAt: stamp(c.now)})
		}
	}
	s.data.teams[t.ID] = t
	s.record(c, org.ID, "team.create", "TEAM", t.ID)
	c.json(http.StatusOK, t)
}

// updateTeam serves UpdateTeam: name (required) and description.
func (s *Sim) updateTeam(c *call) {
	var b teamBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.teamOf(c, "organization.teams.update")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	nt := *t
	nt.Name, nt.Description = *b.Name, deref(b.Description)
	by := c.p.subject
	nt.UpdatedAt, nt.UpdatedBy = stamp(c.now), &by
	s.data.teams[t.ID] = &nt
	s.record(c, t.OrganizationID, "team.update", "TEAM", t.ID)
	c.json(http.StatusOK, &nt)
}

// deleteTeam serves DeleteTeam.
func (s *Sim) deleteTeam(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.teamOf(c, "organization.teams.delete")
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.teams, t.ID)
	s.record(c, t.OrganizationID, "team.delete", "TEAM", t.ID)
	c.w.WriteHeader(http.StatusNoContent)
}

// listTeamMembers serves ListTeamMembers.
func (s *Sim) listTeamMembers(c *call) {
	lq, err := parseList(c.r.URL.Query(), noMaxLimit, "userId", "fullName", "username", "createdAt")
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	t, err := s.teamOf(c, "organization.teams.get")
	var list []*teamMemberView
	if err == nil {
		for _, m := range t.members {
			u := s.data.users[m.userID]
			list = append(list, &teamMemberView{AvatarURL: u.AvatarURL, CreatedAt: m.addedAt, FullName: u.FullName, UserID: u.ID, Username: u.Username})
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("teamMembers", list, lq))
}

// addTeamMembers serves AddTeamMembers; users already in the Team are
// left as they are.
func (s *Sim) addTeamMembers(c *call) {
	var b teamBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("memberIds", b.MemberIDs != nil) {
		k.items("memberIds", len(*b.MemberIDs), 1, -1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.teamOf(c, "organization.teams.update")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkMembers(t.OrganizationID, "memberIds", deref(b.MemberIDs), &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nt := *t
	nt.members = slices.Clone(t.members)
	for _, id := range *b.MemberIDs {
		if !nt.hasMember(id) {
			nt.members = append(nt.members, teamMember{userID: id, addedAt: stamp(c.now)})
		}
	}
	nt.UpdatedAt = stamp(c.now)
	s.data.teams[t.ID] = &nt
	s.record(c, t.OrganizationID, "team.members.add", "TEAM", t.ID)
	c.w.WriteHeader(http.StatusNoContent)
}

// removeTeamMember serves RemoveTeamMember: 404 when the user is not a
// member, so a repeated removal fails like a repeated DELETE.
func (s *Sim) removeTeamMember(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.teamOf(c, "organization.teams.update")
	if err != nil {
		c.fail(err)
		return
	}
	id := c.r.PathValue("memberId")
	if !t.hasMember(id) {
		c.fail(notFound("Team member", id))
		return
	}
	nt := *t
	nt.members = slices.DeleteFunc(slices.Clone(t.members), func(m teamMember) bool { return m.userID == id })
	nt.UpdatedAt = stamp(c.now)
	s.data.teams[t.ID] = &nt
	s.record(c, t.OrganizationID, "team.members.remove", "TEAM", t.ID)
	c.w.WriteHeader(http.StatusNoContent)
}

// updateTeamRoles serves UpdateTeamRoles; organizationRole is required.
func (s *Sim) updateTeamRoles(c *call) {
	var b rolesBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.required("organizationRole", b.OrganizationRole != nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.teamOf(c, "organization.teamRoles.access")
	if err != nil {
		c.fail(err)
		return
	}
	r := s.applyRoles(t.OrganizationID, t.roleSet(), &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nt := t.withRoles(r)
	nt.UpdatedAt = stamp(c.now)
	s.data.teams[t.ID] = nt
	s.record(c, t.OrganizationID, "team.roles.update", "TEAM", t.ID)
	c.json(http.StatusOK, r.subjectRoles())
}
