package astrosim

import (
	"net/http"
	"slices"
	"time"
)

// apiToken is the spec's ApiToken, for Organization API tokens and
// Deployment agent tokens alike. Token, the secret, is set only in the
// answers of create and rotate; the store keeps it in secret.
type apiToken struct {
	CreatedAt          string      `json:"createdAt"`
	CreatedBy          *subject    `json:"createdBy,omitempty"`
	Description        string      `json:"description"`
	EndAt              string      `json:"endAt,omitempty"`
	ExpiryPeriodInDays int         `json:"expiryPeriodInDays,omitempty"`
	ID                 string      `json:"id"`
	Kind               string      `json:"kind"`
	LastRotatedAt      string      `json:"lastRotatedAt,omitempty"`
	LastUsedAt         string      `json:"lastUsedAt,omitempty"`
	Name               string      `json:"name"`
	Roles              []tokenRole `json:"roles,omitempty"`
	Scope              string      `json:"scope"`
	ShortToken         string      `json:"shortToken"`
	StartAt            string      `json:"startAt"`
	Token              string      `json:"token,omitempty"`
	UpdatedAt          string      `json:"updatedAt"`
	UpdatedBy          *subject    `json:"updatedBy,omitempty"`

	orgID        string
	entityID     string // the workspace or deployment of a WORKSPACE or DEPLOYMENT token
	deploymentID string // agent tokens: the deployment they belong to
	secret       string
}

// tokenRole is the spec's ApiTokenRole.
type tokenRole struct {
	DeploymentID string `json:"deploymentId,omitempty"`
	EntityID     string `json:"entityId"`
	EntityType   string `json:"entityType"`
	Role         string `json:"role"`
}

func (t *apiToken) sortKey(field string) string {
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
	case "tokenStartAt":
		return t.StartAt
	case "createdById":
		return t.CreatedBy.ID
	case "updatedById":
		return t.UpdatedBy.ID
	}
	return ""
}

// withSecret returns a copy of t that shows its secret, for the answers of
// create and rotate.
func (t *apiToken) withSecret() *apiToken {
	nt := *t
	nt.Token = t.secret
	return &nt
}

// shortToken is the part of a secret the API shows after creation.
func shortToken(secret string) string {
	return secret[:min(len(secret), 12)] + "…" + secret[max(0, len(secret)-4):]
}

// subjectRoles derives the SubjectRoles of a token's roles.
func tokenSubjectRoles(roles []tokenRole) subjectRoles {
	var out subjectRoles
	for _, r := range roles {
		switch r.EntityType {
		case "ORGANIZATION":
			out.OrganizationRole = r.Role
		case "WORKSPACE":
			out.WorkspaceRoles = append(out.WorkspaceRoles, workspaceRole{Role: r.Role, WorkspaceID: r.EntityID})
		case "DEPLOYMENT":
			out.DeploymentRoles = append(out.DeploymentRoles, deploymentRole{DeploymentID: r.EntityID, Role: r.Role})
		case "DAG":
			out.DagRoles = append(out.DagRoles, dagRole{DagID: r.EntityID, DeploymentID: r.DeploymentID, Role: r.Role})
		case "DAG_TAG":
			out.DagRoles = append(out.DagRoles, dagRole{DagTag: r.EntityID, DeploymentID: r.DeploymentID, Role: r.Role})
		}
	}
	return out
}

// tokenPrincipal builds the principal that authenticates with t. Callers
// hold s.mu.
func (s *Sim) tokenPrincipal(t *apiToken) *principal {
	tok := Token{Token: t.secret, Label: "apitoken:" + t.Name + " (" + t.ID + ")", Scope: []string{t.orgID}}
	switch t.Scope {
	case "ORGANIZATION":
		tok.Kind = KindOrganization
	case "WORKSPACE":
		tok.Kind = KindWorkspace
		tok.Scope = append(tok.Scope, t.entityID)
	case "DEPLOYMENT":
		tok.Kind = KindDeployment
		wsID := ""
		if d, ok := s.data.deployments[t.entityID]; ok {
			wsID = d.WorkspaceID
		}
		tok.Scope = append(tok.Scope, wsID, t.entityID)
	}
	p := newPrincipal(tok)
	p.apiTokenID = t.ID
	p.subject = subject{ID: t.ID, SubjectType: "SERVICEKEY", APITokenName: t.Name}
	if t.EndAt != "" {
		p.expiresAt, _ = time.Parse(time.RFC3339, t.EndAt)
	}
	return p
}

// listAPITokens serves ListApiTokens.
func (s *Sim) listAPITokens(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, maxLimit, "name", "description", "createdAt", "updatedAt", "tokenStartAt")
	if err != nil {
		c.fail(err)
		return
	}
	kind, err := enumParam(q, "kind", "STANDARD", "DIRECT_ACCESS")
	if err == nil {
		_, err = boolParam(q, "includeOnlyOrganizationTokens")
	}
	if err != nil {
		c.fail(err)
		return
	}
	onlyOrg := q.Get("includeOnlyOrganizationTokens") == "true"
	wsID, depID, dagID, tags := q.Get("workspaceId"), q.Get("deploymentId"), q.Get("dagId"), idSet(q, "dagTags")

	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.apiTokens.access")
	var list []*apiToken
	if err == nil {
		for _, t := range s.data.apiTokens {
			if t.orgID != org.ID || (kind != "" && t.Kind != kind) || (onlyOrg && t.Scope != "ORGANIZATION") {
				continue
			}
			r := tokenSubjectRoles(t.Roles)
			rs := roleSet{OrganizationRole: r.OrganizationRole, WorkspaceRoles: r.WorkspaceRoles, DeploymentRoles: r.DeploymentRoles, DagRoles: r.DagRoles}
			if rs.holds(wsID, depID, dagID, tags) {
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
	c.json(http.StatusOK, pageOf("tokens", list, lq))
}

// apiTokenOf finds an API token of the organization. Callers hold s.mu.
func (s *Sim) apiTokenOf(c *call) (*apiToken, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.apiTokens.access")
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("tokenId")
	t, ok := s.data.apiTokens[id]
	if !ok || t.orgID != org.ID {
		return nil, notFound("API token", id)
	}
	return t, nil
}

// getAPIToken serves GetApiToken.
func (s *Sim) getAPIToken(c *call) {
	s.mu.RLock()
	t, err := s.apiTokenOf(c)
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, t)
}

type tokenBody struct {
	Name                    *string `json:"name"`
	Description             *string `json:"description"`
	Role                    *string `json:"role"`
	Scope                   *string `json:"scope"`
	EntityID                *string `json:"entityId"`
	Kind                    *string `json:"kind"`
	TokenExpiryPeriodInDays *int    `json:"tokenExpiryPeriodInDays"`
}

// newToken builds a token with a fresh secret. Callers hold s.mu for
// writing.
func (s *Sim) newToken(c *call, orgID, name, description, kind string, days *int) *apiToken {
	by := c.p.subject
	t := &apiToken{
		ID: s.ids.id(c.now), Name: name, Description: description, Kind: kind,
		CreatedAt: stamp(c.now), CreatedBy: &by, UpdatedAt: stamp(c.now), UpdatedBy: &by,
		StartAt: stamp(c.now), orgID: orgID,
	}
	if days != nil {
		t.ExpiryPeriodInDays = *days
		t.EndAt = stamp(c.now.AddDate(0, 0, *days))
	}
	return t
}

// createAPIToken serves CreateApiToken. The new token works against the
// simulator at once, with the scope it was given, and [Sim.Tokens] lists
// it.
func (s *Sim) createAPIToken(c *call) {
	var b tokenBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 256)
	k.text("description", b.Description, 500, false)
	k.required("role", b.Role != nil)
	if k.required("scope", b.Scope != nil) {
		k.oneOf("scope", b.Scope, "DEPLOYMENT", "WORKSPACE", "ORGANIZATION")
	}
	k.oneOf("kind", b.Kind, "STANDARD", "DIRECT_ACCESS")
	k.intRange("tokenExpiryPeriodInDays", b.TokenExpiryPeriodInDays, 1, 3650)
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.apiTokens.access")
	if err != nil {
		c.fail(err)
		return
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	scope, entity := *b.Scope, org.ID
	switch scope {
	case "WORKSPACE", "DEPLOYMENT":
		if !k.required("entityId", b.EntityID != nil && *b.EntityID != "") {
			break
		}
		entity = *b.EntityID
		if scope == "WORKSPACE" {
			if w, ok := s.data.workspaces[entity]; !ok || w.OrganizationID != org.ID {
				k.fail("entityId", "exists", "names no Workspace of the Organization: '%s'", entity)
			}
		} else {
			s.checkDeploymentRef(org.ID, "entityId", entity, &k)
		}
	}
	s.checkTokenRole(org.ID, "role", scope, *b.Role, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	kind := "STANDARD"
	if b.Kind != nil {
		kind = *b.Kind
	}
	t := s.newToken(c, org.ID, *b.Name, deref(b.Description), kind, b.TokenExpiryPeriodInDays)
	t.Scope, t.entityID = scope, entity
	t.Roles = []tokenRole{{EntityType: scope, EntityID: entity, Role: *b.Role}}
	t.secret = s.mintFor(t, c.now)
	t.ShortToken = shortToken(t.secret)
	s.data.apiTokens[t.ID] = t
	s.addPrincipal(s.tokenPrincipal(t))
	s.record(c, org.ID, "apiToken.create", "API_TOKEN", t.ID)
	c.json(http.StatusOK, t.withSecret())
}

// checkTokenRole checks the role of a token on an entity of a scope.
// Callers hold s.mu.
func (s *Sim) checkTokenRole(orgID, field, scope, role string, k *checker) {
	switch scope {
	case "ORGANIZATION":
		k.oneOf(field, &role, organizationRoles()...)
	case "WORKSPACE":
		k.oneOf(field, &role, workspaceRoleNames()...)
	case "DEPLOYMENT", "DAG", "DAG_TAG":
		sc := "DEPLOYMENT"
		if scope != "DEPLOYMENT" {
			sc = "DAG"
		}
		if !s.knownRole(orgID, role, sc) {
			k.fail(field, "oneof", "must be a built-in or custom %s role of the Organization, not '%s'", sc, role)
		}
	}
}

// updateAPIToken serves UpdateApiToken: name and description.
func (s *Sim) updateAPIToken(c *call) {
	var b tokenBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("name", b.Name, 256)
	k.text("description", b.Description, 500, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.apiTokenOf(c)
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	nt := *t
	nt.Name = *b.Name
	if b.Description != nil {
		nt.Description = *b.Description
	}
	by := c.p.subject
	nt.UpdatedAt, nt.UpdatedBy = stamp(c.now), &by
	s.data.apiTokens[t.ID] = &nt
	s.record(c, t.orgID, "apiToken.update", "API_TOKEN", t.ID)
	c.json(http.StatusOK, &nt)
}

// updateAPITokenRoles serves UpdateApiTokenRoles: the roles are replaced.
func (s *Sim) updateAPITokenRoles(c *call) {
	var b struct {
		Roles *[]tokenRole `json:"roles"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("roles", b.Roles != nil) {
		k.items("roles", len(*b.Roles), 1, -1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.apiTokenOf(c)
	if err != nil {
		c.fail(err)
		return
	}
	for i, r := range deref(b.Roles) {
		f := fieldAt("roles", i)
		k.oneOf(f+".entityType", &r.EntityType, "DEPLOYMENT", "WORKSPACE", "ORGANIZATION", "DAG", "DAG_TAG")
		switch r.EntityType {
		case "ORGANIZATION":
			if r.EntityID != t.orgID {
				k.fail(f+".entityId", "exists", "must be the token's Organization '%s'", t.orgID)
			}
		case "WORKSPACE":
			if w, ok := s.data.workspaces[r.EntityID]; !ok || w.OrganizationID != t.orgID {
				k.fail(f+".entityId", "exists", "names no Workspace of the Organization: '%s'", r.EntityID)
			}
		case "DEPLOYMENT":
			s.checkDeploymentRef(t.orgID, f+".entityId", r.EntityID, &k)
		case "DAG", "DAG_TAG":
			if k.required(f+".deploymentId", r.DeploymentID != "") {
				s.checkDeploymentRef(t.orgID, f+".deploymentId", r.DeploymentID, &k)
			}
		}
		s.checkTokenRole(t.orgID, f+".role", r.EntityType, r.Role, &k)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nt := *t
	nt.Roles = slices.Clone(*b.Roles)
	by := c.p.subject
	nt.UpdatedAt, nt.UpdatedBy = stamp(c.now), &by
	s.data.apiTokens[t.ID] = &nt
	s.record(c, t.orgID, "apiToken.roles.update", "API_TOKEN", t.ID)
	c.json(http.StatusOK, tokenSubjectRoles(nt.Roles))
}

// rotateAPIToken serves RotateApiToken: a new secret, the old one stops
// working at once.
func (s *Sim) rotateAPIToken(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.apiTokenOf(c)
	if err != nil {
		c.fail(err)
		return
	}
	nt := *t
	nt.secret = s.mintFor(&nt, c.now)
	nt.ShortToken = shortToken(nt.secret)
	nt.LastRotatedAt, nt.UpdatedAt = stamp(c.now), stamp(c.now)
	s.data.apiTokens[t.ID] = &nt
	// Principals are shared with requests in flight: replace, never change.
	for i, p := range s.tokenList {
		if p.apiTokenID == t.ID {
			np := *p
			np.Token.Token = nt.secret
			delete(s.principals, p.Token.Token)
			s.tokenList[i], s.principals[nt.secret] = &np, &np
		}
	}
	s.record(c, t.orgID, "apiToken.rotate", "API_TOKEN", t.ID)
	c.json(http.StatusOK, nt.withSecret())
}

// deleteAPIToken serves DeleteApiToken; the token stops working at once.
func (s *Sim) deleteAPIToken(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.apiTokenOf(c)
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.apiTokens, t.ID)
	s.removePrincipal(t.ID)
	s.record(c, t.orgID, "apiToken.delete", "API_TOKEN", t.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
