package astrosim

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
)

// user is the spec's User without its roles, which belong to a membership
// of one organization (roleSet).
type user struct {
	AvatarURL string
	CreatedAt string
	FullName  string
	ID        string
	Status    string
	UpdatedAt string
	Username  string
}

// subject returns the user as a BasicSubjectProfile.
func (u *user) subject() subject {
	return subject{ID: u.ID, SubjectType: "USER", Username: u.Username, FullName: u.FullName, AvatarURL: u.AvatarURL}
}

// roleSet is what a user, Team or API token holds in one organization.
type roleSet struct {
	OrganizationRole string
	WorkspaceRoles   []workspaceRole
	DeploymentRoles  []deploymentRole
	DagRoles         []dagRole
}

func (r *roleSet) count() int {
	n := len(r.WorkspaceRoles) + len(r.DeploymentRoles) + len(r.DagRoles)
	if r.OrganizationRole != "" {
		n++
	}
	return n
}

func (r *roleSet) subjectRoles() subjectRoles {
	return subjectRoles{
		OrganizationRole: r.OrganizationRole, WorkspaceRoles: r.WorkspaceRoles,
		DeploymentRoles: r.DeploymentRoles, DagRoles: r.DagRoles,
	}
}

// workspaceRole is the spec's WorkspaceRole.
type workspaceRole struct {
	Role        string `json:"role"`
	WorkspaceID string `json:"workspaceId"`
}

// deploymentRole is the spec's DeploymentRole.
type deploymentRole struct {
	DeploymentID string `json:"deploymentId"`
	Role         string `json:"role"`
}

// dagRole is the spec's DagRole.
type dagRole struct {
	DagID        string `json:"dagId,omitempty"`
	DagTag       string `json:"dagTag,omitempty"`
	DeploymentID string `json:"deploymentId"`
	Role         string `json:"role"`
}

// subjectRoles is the spec's SubjectRoles.
type subjectRoles struct {
	DagRoles         []dagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []deploymentRole `json:"deploymentRoles,omitempty"`
	OrganizationRole string           `json:"organizationRole,omitempty"`
	WorkspaceRoles   []workspaceRole  `json:"workspaceRoles,omitempty"`
}

// userView is the spec's User: a user with the roles of one membership.
type userView struct {
	AvatarURL        string           `json:"avatarUrl"`
	CreatedAt        string           `json:"createdAt"`
	DagRoles         []dagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []deploymentRole `json:"deploymentRoles,omitempty"`
	FullName         string           `json:"fullName"`
	ID               string           `json:"id"`
	OrganizationRole string           `json:"organizationRole,omitempty"`
	Status           string           `json:"status"`
	UpdatedAt        string           `json:"updatedAt"`
	Username         string           `json:"username"`
	WorkspaceRoles   []workspaceRole  `json:"workspaceRoles,omitempty"`
}

func (u *userView) sortKey(field string) string {
	switch field {
	case "id":
		return u.ID
	case "username":
		return u.Username
	case "fullName":
		return u.FullName
	case "createdAt":
		return u.CreatedAt
	case "updatedAt":
		return u.UpdatedAt
	}
	return ""
}

// viewUser shows u with its roles; a workspace or deployment filter keeps
// the Organization role and the roles of that workspace or deployment, as
// the API does.
func viewUser(u *user, r *roleSet, workspaceID, deploymentID string) *userView {
	v := &userView{
		AvatarURL: u.AvatarURL, CreatedAt: u.CreatedAt, FullName: u.FullName, ID: u.ID,
		OrganizationRole: r.OrganizationRole, Status: u.Status, UpdatedAt: u.UpdatedAt, Username: u.Username,
	}
	switch {
	case workspaceID != "":
		for _, wr := range r.WorkspaceRoles {
			if wr.WorkspaceID == workspaceID {
				v.WorkspaceRoles = append(v.WorkspaceRoles, wr)
			}
		}
	case deploymentID != "":
		for _, dr := range r.DeploymentRoles {
			if dr.DeploymentID == deploymentID {
				v.DeploymentRoles = append(v.DeploymentRoles, dr)
			}
		}
		for _, dr := range r.DagRoles {
			if dr.DeploymentID == deploymentID {
				v.DagRoles = append(v.DagRoles, dr)
			}
		}
	default:
		v.WorkspaceRoles, v.DeploymentRoles, v.DagRoles = r.WorkspaceRoles, r.DeploymentRoles, r.DagRoles
	}
	return v
}

// holds reports whether a role set has a role matching the list filters.
func (r *roleSet) holds(workspaceID, deploymentID, dagID string, dagTags map[string]bool) bool {
	if workspaceID != "" && !slices.ContainsFunc(r.WorkspaceRoles, func(x workspaceRole) bool { return x.WorkspaceID == workspaceID }) {
		return false
	}
	if deploymentID != "" && !slices.ContainsFunc(r.DeploymentRoles, func(x deploymentRole) bool { return x.DeploymentID == deploymentID }) &&
		!slices.ContainsFunc(r.DagRoles, func(x dagRole) bool { return x.DeploymentID == deploymentID }) {
		return false
	}
	if dagID != "" && !slices.ContainsFunc(r.DagRoles, func(x dagRole) bool { return x.DagID == dagID }) {
		return false
	}
	if dagTags != nil && !slices.ContainsFunc(r.DagRoles, func(x dagRole) bool { return dagTags[x.DagTag] }) {
		return false
	}
	return true
}

// listUsers serves ListUsers.
func (s *Sim) listUsers(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, maxLimit, "id", "username", "fullName", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	wsID, depID, dagID, tags := q.Get("workspaceId"), q.Get("deploymentId"), q.Get("dagId"), idSet(q, "dagTags")

	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.users.get")
	var list []*userView
	if err == nil {
		for id, r := range s.data.members[org.ID] {
			if r.holds(wsID, depID, dagID, tags) {
				list = append(list, viewUser(s.data.users[id], r, wsID, depID))
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("users", list, lq))
}

// member finds a user of an organization for an organization-level
// permission. Callers hold s.mu.
func (s *Sim) member(c *call, permission string) (*organization, *user, *roleSet, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), permission)
	if err != nil {
		return nil, nil, nil, err
	}
	id := c.r.PathValue("userId")
	r, ok := s.data.members[org.ID][id]
	if !ok {
		return nil, nil, nil, notFound("User", id)
	}
	return org, s.data.users[id], r, nil
}

// getUser serves GetUser.
func (s *Sim) getUser(c *call) {
	s.mu.RLock()
	_, u, r, err := s.member(c, "organization.users.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, viewUser(u, r, "", ""))
}

// rolesBody is the body of UpdateUserRoles and UpdateTeamRoles; nil lists
// keep the subject's roles of that kind.
type rolesBody struct {
	OrganizationRole *string           `json:"organizationRole"`
	WorkspaceRoles   *[]workspaceRole  `json:"workspaceRoles"`
	DeploymentRoles  *[]deploymentRole `json:"deploymentRoles"`
	DagRoles         *[]dagRole        `json:"dagRoles"`
}

// applyRoles checks b against the organization's workspaces, deployments
// and roles and returns r with b applied. Callers hold s.mu.
func (s *Sim) applyRoles(orgID string, r *roleSet, b *rolesBody, k *checker) *roleSet {
	out := *r
	k.oneOf("organizationRole", b.OrganizationRole, organizationRoles()...)
	if b.OrganizationRole != nil {
		out.OrganizationRole = *b.OrganizationRole
	}
	if b.WorkspaceRoles != nil {
		for i, wr := range *b.WorkspaceRoles {
			f := fieldAt("workspaceRoles", i)
			k.oneOf(f+".role", &wr.Role, workspaceRoleNames()...)
			if w, ok := s.data.workspaces[wr.WorkspaceID]; !ok || w.OrganizationID != orgID {
				k.fail(f+".workspaceId", "exists", "names no Workspace of the Organization: '%s'", wr.WorkspaceID)
			}
		}
		out.WorkspaceRoles = slices.Clone(*b.WorkspaceRoles)
	}
	if b.DeploymentRoles != nil {
		for i, dr := range *b.DeploymentRoles {
			f := fieldAt("deploymentRoles", i)
			s.checkDeploymentRef(orgID, f+".deploymentId", dr.DeploymentID, k)
			if !s.knownRole(orgID, dr.Role, "DEPLOYMENT") {
				k.fail(f+".role", "oneof", "must be DEPLOYMENT_ADMIN or a custom DEPLOYMENT role of the Organization, not '%s'", dr.Role)
			}
		}
		out.DeploymentRoles = slices.Clone(*b.DeploymentRoles)
	}
	if b.DagRoles != nil {
		for i, dr := range *b.DagRoles {
			f := fieldAt("dagRoles", i)
			s.checkDeploymentRef(orgID, f+".deploymentId", dr.DeploymentID, k)
			if (dr.DagID == "") == (dr.DagTag == "") {
				k.fail(f+".dagId", "required_without", "or dagTag is required, but not both")
			}
			if !s.knownRole(orgID, dr.Role, "DAG") {
				k.fail(f+".role", "oneof", "must be DAG_VIEWER, DAG_AUTHOR or a custom DAG role of the Organization, not '%s'", dr.Role)
			}
		}
		out.DagRoles = slices.Clone(*b.DagRoles)
	}
	return &out
}

// checkDeploymentRef checks that a body field names a deployment of the
// organization. Callers hold s.mu.
func (s *Sim) checkDeploymentRef(orgID, field, id string, k *checker) {
	if d, ok := s.data.deployments[id]; !ok || d.OrganizationID != orgID {
		k.fail(field, "exists", "names no Deployment of the Organization: '%s'", id)
	}
}

// knownRole reports whether role is a built-in role of the scope or the
// name or id of a custom role of the organization with that scope.
// Callers hold s.mu.
func (s *Sim) knownRole(orgID, role, scope string) bool {
	for _, d := range defaultRoles() {
		if d.Name == role && d.ScopeType == scope {
			return true
		}
	}
	for _, cr := range s.data.roles {
		if cr.orgID == orgID && cr.ScopeType == scope && (cr.ID == role || cr.Name == role) {
			return true
		}
	}
	return false
}

// updateUserRoles serves UpdateUserRoles. Workspace and Deployment roles
// need an organizationRole in the same body, as the spec says.
func (s *Sim) updateUserRoles(c *call) {
	var b rolesBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if (b.WorkspaceRoles != nil || b.DeploymentRoles != nil) && b.OrganizationRole == nil {
		k.fail("organizationRole", "required_with", "is required with workspaceRoles or deploymentRoles")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, u, r, err := s.member(c, "organization.userRoles.access")
	if err != nil {
		c.fail(err)
		return
	}
	nr := s.applyRoles(org.ID, r, &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	s.data.members[org.ID][u.ID] = nr
	nu := *u
	nu.UpdatedAt = stamp(c.now)
	s.data.users[u.ID] = &nu
	s.record(c, org.ID, "user.roles.update", "USER", u.ID)
	c.json(http.StatusOK, nr.subjectRoles())
}

// listUserTeams serves ListUserTeams: the Teams the user belongs to.
func (s *Sim) listUserTeams(c *call) {
	lq, err := parseList(c.r.URL.Query(), maxLimit, "name", "description", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	org, u, _, err := s.member(c, "organization.teams.get")
	var list []*team
	if err == nil {
		for _, t := range s.data.teams {
			if t.OrganizationID == org.ID && t.hasMember(u.ID) {
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
	views := make([]userTeamMembership, len(list))
	for i, t := range list {
		views[i] = t.membership()
	}
	c.json(http.StatusOK, pageOf("teams", views, lq))
}

// selfUser is the spec's SelfUser.
type selfUser struct {
	AvatarURL      string        `json:"avatarUrl"`
	CreatedAt      string        `json:"createdAt"`
	FeatureFlags   []featureFlag `json:"featureFlags,omitempty"`
	FullName       string        `json:"fullName"`
	ID             string        `json:"id"`
	Invites        []selfInvite  `json:"invites,omitempty"`
	IsIdpManaged   bool          `json:"isIdpManaged"`
	OrganizationID string        `json:"organizationId,omitempty"`
	Roles          []selfRole    `json:"roles,omitempty"`
	Status         string        `json:"status"`
	UpdatedAt      string        `json:"updatedAt"`
	Username       string        `json:"username"`
}

type featureFlag struct {
	Key   string `json:"key"`
	Value bool   `json:"value"`
}

type selfInvite struct {
	ExpiresAt      string `json:"expiresAt"`
	InviteID       string `json:"inviteId"`
	OrganizationID string `json:"organizationId"`
}

type selfRole struct {
	Role  string    `json:"role"`
	Scope selfScope `json:"scope"`
}

type selfScope struct {
	DagTag       string `json:"dagTag,omitempty"`
	DeploymentID string `json:"deploymentId,omitempty"`
	EntityID     string `json:"entityId"`
	Type         string `json:"type"`
}

// getSelfUser serves GetSelfUser: the user of a personal token. API tokens
// have no user; the operation declares no 403, so they get a 401.
func (s *Sim) getSelfUser(c *call) {
	if _, err := boolParam(c.r.URL.Query(), "createIfNotExist"); err != nil {
		c.fail(err)
		return
	}
	if c.p.Kind != KindPersonal {
		c.fail(errorf(http.StatusUnauthorized, "Unauthorized: GET /users/self needs a user's personal access token; a %s API token has no user", c.p.Kind))
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.data.users[c.p.subject.ID]
	out := selfUser{
		AvatarURL: u.AvatarURL, CreatedAt: u.CreatedAt, FullName: u.FullName, ID: u.ID,
		Status: u.Status, UpdatedAt: u.UpdatedAt, Username: u.Username,
		FeatureFlags: []featureFlag{{Key: "astro-ide", Value: true}, {Key: "remote-execution", Value: true}, {Key: "deployment-logs-v2", Value: false}},
	}
	for _, orgID := range c.p.Scope {
		r, ok := s.data.members[orgID][u.ID]
		if !ok {
			continue
		}
		if out.OrganizationID == "" {
			out.OrganizationID = orgID
		}
		out.Roles = append(out.Roles, selfRole{Role: r.OrganizationRole, Scope: selfScope{EntityID: orgID, Type: "ORGANIZATION"}})
		for _, wr := range r.WorkspaceRoles {
			out.Roles = append(out.Roles, selfRole{Role: wr.Role, Scope: selfScope{EntityID: wr.WorkspaceID, Type: "WORKSPACE"}})
		}
		for _, dr := range r.DeploymentRoles {
			out.Roles = append(out.Roles, selfRole{Role: dr.Role, Scope: selfScope{EntityID: dr.DeploymentID, Type: "DEPLOYMENT"}})
		}
		for _, dr := range r.DagRoles {
			sc := selfScope{EntityID: dr.DagID, DeploymentID: dr.DeploymentID, Type: "DAG"}
			if dr.DagTag != "" {
				sc.EntityID, sc.DagTag, sc.Type = dr.DagTag, dr.DagTag, "DAG_TAG"
			}
			out.Roles = append(out.Roles, selfRole{Role: dr.Role, Scope: sc})
		}
	}
	var invs []*invite
	for _, inv := range s.data.invites {
		if inv.Invitee.Username == u.Username {
			invs = append(invs, inv)
		}
	}
	slices.SortFunc(invs, func(a, b *invite) int { return cmp.Compare(a.InviteID, b.InviteID) })
	for _, inv := range invs {
		out.Invites = append(out.Invites, selfInvite{ExpiresAt: inv.ExpiresAt, InviteID: inv.InviteID, OrganizationID: inv.OrganizationID})
	}
	c.json(http.StatusOK, out)
}

// fieldAt names the i-th item of an array field: "workerQueues[2]".
func fieldAt(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
