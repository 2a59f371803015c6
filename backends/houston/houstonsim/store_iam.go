package houstonsim

import (
	"cmp"
	"strings"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Writes on workspaces, users, teams and their role bindings. Like the
// deployment writes, each takes the write lock and replaces what it changes.

// Messages of Houston's IAM errors (reference §2.5).
const (
	msgInvalidRole       = "Invalid role"
	msgInvalidWorkspace  = "invalid workspace role"
	msgDuplicateBinding  = "A duplicate role binding already exists"
	msgAlreadyInvited    = "User already invited"
	msgEmailInUse        = "Email address in use"
	msgBadPassword       = "Invalid password and username combination"
	msgWorkspaceNotEmpty = "You must first deprovision all deployments before you can delete your workspace."
)

// needRole refuses a role outside scope (SYSTEM, WORKSPACE or DEPLOYMENT).
func needRole(r model.Role, scope string) error {
	if !r.IsValid() || roleScope(r) != scope {
		if scope == "WORKSPACE" {
			return errBadInput(msgInvalidWorkspace)
		}
		return errBadInput(msgInvalidRole)
	}
	return nil
}

// bindingLocked makes a new binding (not yet stored).
func (s *store) bindingLocked(role model.Role, holder holder, workspaceID, deploymentID string) *model.RoleBinding {
	now := s.stamp()
	return &model.RoleBinding{
		ID: s.ids.id(now), Role: role,
		UserID: holder.userID, TeamID: holder.teamID, ServiceAccountID: holder.accountID,
		WorkspaceID: workspaceID, DeploymentID: deploymentID, CreatedAt: now, UpdatedAt: now,
	}
}

// holder is who a binding is for: a user, a team or a service account.
type holder struct{ userID, teamID, accountID string }

func (h holder) holds(b *model.RoleBinding) bool {
	return b.UserID == h.userID && b.TeamID == h.teamID && b.ServiceAccountID == h.accountID
}

// findBindingLocked returns h's binding on the workspace or deployment.
func (s *store) findBindingLocked(h holder, workspaceID, deploymentID string) *model.RoleBinding {
	for _, b := range s.bindings {
		if h.holds(b) && b.WorkspaceID == workspaceID && b.DeploymentID == deploymentID {
			return b
		}
	}
	return nil
}

// addBindingLocked stores a new binding, refusing a second one of h on the
// same object.
func (s *store) addBindingLocked(role model.Role, h holder, workspaceID, deploymentID string) (*model.RoleBinding, error) {
	if s.findBindingLocked(h, workspaceID, deploymentID) != nil {
		return nil, errBadInput(msgDuplicateBinding)
	}
	b := s.bindingLocked(role, h, workspaceID, deploymentID)
	s.addBinding(b)
	s.reindex()
	return b, nil
}

// setRoleLocked changes the role of h's binding on the object.
func (s *store) setRoleLocked(role model.Role, h holder, workspaceID, deploymentID string) (*model.RoleBinding, error) {
	b := s.findBindingLocked(h, workspaceID, deploymentID)
	if b == nil {
		return nil, errNotFound()
	}
	c := *b
	c.Role, c.UpdatedAt = role, s.stamp()
	s.bindings = replace(s.bindings, func(b *model.RoleBinding) string { return b.ID }, &c)
	s.reindex()
	return &c, nil
}

// removeBindingLocked deletes h's binding on the object.
func (s *store) removeBindingLocked(h holder, workspaceID, deploymentID string) (*model.RoleBinding, error) {
	b := s.findBindingLocked(h, workspaceID, deploymentID)
	if b == nil {
		return nil, errNotFound()
	}
	s.bindings = without(s.bindings, func(x *model.RoleBinding) bool { return x.ID == b.ID })
	s.reindex()
	return b, nil
}

// Workspaces.

// createWorkspace makes a workspace; a user who creates one becomes its
// WORKSPACE_ADMIN.
func (s *store) createWorkspace(p *principal, label, description string) (*model.Workspace, error) {
	if strings.TrimSpace(label) == "" {
		return nil, errRequired("label")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.stamp()
	w := &model.Workspace{ID: s.ids.id(now), Label: label, Description: description, Active: true, CreatedAt: now, UpdatedAt: now}
	s.addWorkspace(w)
	if p.userID != "" {
		s.addBinding(s.bindingLocked(model.RoleWorkspaceAdmin, holder{userID: p.userID}, w.ID, ""))
	}
	s.reindex()
	return w, nil
}

// updateWorkspace sets the label and/or description found in payload.
func (s *store) updateWorkspace(p *principal, id string, payload map[string]any) (*model.Workspace, error) {
	label, hasLabel := payload["label"].(string)
	description, hasDescription := payload["description"].(string)
	if !hasLabel && !hasDescription {
		return nil, errBadInput("payload must hold label or description")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceLocked(p, id, permWorkspaceConfigUpdate, permSystemWorkspaceUpdate)
	if err != nil {
		return nil, err
	}
	c := *w
	if hasLabel && strings.TrimSpace(label) != "" {
		c.Label = label
	}
	if hasDescription {
		c.Description = description
	}
	c.UpdatedAt = s.stamp()
	s.workspaces = replace(s.workspaces, workspaceID, &c)
	s.reindex()
	return &c, nil
}

// deleteWorkspace deletes a workspace without deployments, with its role
// bindings, service accounts and invitations.
func (s *store) deleteWorkspace(p *principal, id string) (*model.Workspace, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceLocked(p, id, permWorkspaceConfigDelete, permSystemWorkspaceDelete)
	if err != nil {
		return nil, err
	}
	if len(s.idx.deploymentsByWorkspace[id]) > 0 {
		return nil, gqlError(codeInternal, msgWorkspaceNotEmpty)
	}
	s.workspaces = without(s.workspaces, func(x *model.Workspace) bool { return x.ID == id })
	s.bindings = without(s.bindings, func(b *model.RoleBinding) bool { return b.WorkspaceID == id })
	s.invites = without(s.invites, func(i *model.Invite) bool { return i.WorkspaceID == id })
	s.removeAccountsLocked(func(a *model.ServiceAccount) bool { return a.EntityType == "WORKSPACE" && a.EntityUUID == id })
	s.reindex()
	return w, nil
}

// Workspace users and invitations.

func (s *store) userByEmailLocked(email string) *model.User {
	return s.idx.userByEmail[strings.ToLower(strings.TrimSpace(email))]
}

// workspaceAddUser binds the user owning email to the workspace, or invites
// the address when no user owns it.
func (s *store) workspaceAddUser(p *principal, workspaceID, email string, role model.Role) (*model.Workspace, error) {
	if err := needRole(role, "WORKSPACE"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceLocked(p, workspaceID, permWorkspaceIAMUpdate, permSystemIAMUpdate)
	if err != nil {
		return nil, err
	}
	if u := s.userByEmailLocked(email); u != nil {
		if _, err := s.addBindingLocked(role, holder{userID: u.ID}, workspaceID, ""); err != nil {
			return nil, err
		}
		return w, nil
	}
	for _, i := range s.workspaceInvitesLocked(workspaceID) {
		if strings.EqualFold(deref(i.Email), email) {
			return nil, gqlError(codeAlreadyInvited, msgAlreadyInvited)
		}
	}
	now := s.stamp()
	s.addInvite(&model.Invite{
		ID: s.ids.id(now), Email: ptr(strings.ToLower(email)), Role: role, Token: ptr(s.ids.base36(24)),
		WorkspaceID: workspaceID, CreatedAt: now, UpdatedAt: now,
	})
	return w, nil
}

// workspaceRemoveUser deletes the user's bindings on the workspace and on its
// deployments.
func (s *store) workspaceRemoveUser(p *principal, workspaceID, userID string) (*model.Workspace, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceLocked(p, workspaceID, permWorkspaceIAMUpdate, permSystemIAMUpdate)
	if err != nil {
		return nil, err
	}
	if s.idx.userByID[userID] == nil {
		return nil, errNotFound()
	}
	s.bindings = without(s.bindings, func(b *model.RoleBinding) bool {
		return b.UserID == userID && s.inWorkspaceLocked(b, workspaceID)
	})
	s.reindex()
	return w, nil
}

// inWorkspaceLocked reports whether a binding is on the workspace or on one
// of its deployments.
func (s *store) inWorkspaceLocked(b *model.RoleBinding, workspaceID string) bool {
	if b.WorkspaceID == workspaceID {
		return true
	}
	d := s.idx.deploymentByID[b.DeploymentID]
	return d != nil && d.WorkspaceID == workspaceID
}

// workspaceUpsertUserRole changes the workspace role of the user owning
// email, or else of the address's pending invitation.
func (s *store) workspaceUpsertUserRole(p *principal, workspaceID, email string, role model.Role) (model.Role, error) {
	if err := needRole(role, "WORKSPACE"); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceIAMUpdate, permSystemIAMUpdate); err != nil {
		return "", err
	}
	if u := s.userByEmailLocked(email); u != nil && s.findBindingLocked(holder{userID: u.ID}, workspaceID, "") != nil {
		b, err := s.setRoleLocked(role, holder{userID: u.ID}, workspaceID, "")
		if err != nil {
			return "", err
		}
		return b.Role, nil
	}
	for _, i := range s.workspaceInvitesLocked(workspaceID) {
		if strings.EqualFold(deref(i.Email), email) {
			c := *i
			c.Role, c.UpdatedAt = role, s.stamp()
			s.invites = replace(s.invites, func(i *model.Invite) string { return i.ID }, &c)
			return role, nil
		}
	}
	return "", errNotFound()
}

// workspaceUserFor finds a user of the workspace by e-mail address or id.
// A user without a binding there is still returned (the CLI checks the
// bindings itself); an unknown user is null.
func (s *store) workspaceUserFor(p *principal, workspaceID string, f userSearch) (*model.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceUsersGet, permSystemUsersGet); err != nil {
		return nil, err
	}
	if f == (userSearch{}) {
		return nil, errRequired("user")
	}
	for _, u := range s.users {
		if f.matches(u) {
			return u, nil
		}
	}
	return nil, nil
}

// Deployment users and teams. Changing who may use a deployment takes the
// IAM permission on its workspace ("Workspace Admin privileges").

func (s *store) deploymentIAMLocked(p *principal, deploymentID string) (*model.Deployment, error) {
	d := s.idx.deploymentByID[deploymentID]
	if d == nil {
		if s.isSystemUserLocked(p) {
			return nil, errNotFound()
		}
		return nil, errForbidden()
	}
	if !s.workspaceAllowsLocked(p, d.WorkspaceID, permWorkspaceIAMUpdate, permSystemIAMUpdate) {
		return nil, errForbidden()
	}
	return d, nil
}

// deploymentUserRole adds (op "add"), changes ("update") or removes
// ("remove") the deployment role of the user with this id or e-mail address.
func (s *store) deploymentUserRole(p *principal, op, userID, email, deploymentID string, role model.Role) (*model.RoleBinding, error) {
	if op != "remove" {
		if err := needRole(role, "DEPLOYMENT"); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.deploymentIAMLocked(p, deploymentID); err != nil {
		return nil, err
	}
	u := s.idx.userByID[userID]
	if u == nil {
		u = s.userByEmailLocked(email)
	}
	if u == nil {
		return nil, errNotFound()
	}
	return s.roleOpLocked(op, role, holder{userID: u.ID}, "", deploymentID)
}

// roleOpLocked adds, updates or removes h's binding on the object.
func (s *store) roleOpLocked(op string, role model.Role, h holder, workspaceID, deploymentID string) (*model.RoleBinding, error) {
	switch op {
	case "add":
		return s.addBindingLocked(role, h, workspaceID, deploymentID)
	case "update":
		return s.setRoleLocked(role, h, workspaceID, deploymentID)
	default:
		return s.removeBindingLocked(h, workspaceID, deploymentID)
	}
}

// deploymentTeamRole is deploymentUserRole for a team.
func (s *store) deploymentTeamRole(p *principal, op, teamID, deploymentID string, role model.Role) (*model.RoleBinding, error) {
	if op != "remove" {
		if err := needRole(role, "DEPLOYMENT"); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.deploymentIAMLocked(p, deploymentID); err != nil {
		return nil, err
	}
	if s.idx.teamByID[teamID] == nil {
		return nil, errNotFound()
	}
	return s.roleOpLocked(op, role, holder{teamID: teamID}, "", deploymentID)
}

// Workspace teams.

// workspaceTeamRole adds, changes or removes a team's workspace role.
// Adding also gives the deployment roles in deploymentRoles; removing also
// removes the team's roles on the workspace's deployments.
func (s *store) workspaceTeamRole(p *principal, op, workspaceID, teamID string, role model.Role, deploymentRoles []*model.DeploymentRoles) (*model.Workspace, *model.RoleBinding, error) {
	if op != "remove" {
		if err := needRole(role, "WORKSPACE"); err != nil {
			return nil, nil, err
		}
	}
	for _, dr := range deploymentRoles {
		if dr == nil || dr.Role == nil || needRole(*dr.Role, "DEPLOYMENT") != nil {
			return nil, nil, errBadInput(msgInvalidRole)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.workspaceLocked(p, workspaceID, permWorkspaceIAMUpdate, permSystemIAMUpdate)
	if err != nil {
		return nil, nil, err
	}
	if s.idx.teamByID[teamID] == nil {
		return nil, nil, errNotFound()
	}
	h := holder{teamID: teamID}
	if op == "remove" {
		if s.findBindingLocked(h, workspaceID, "") == nil {
			return nil, nil, errNotFound()
		}
		s.bindings = without(s.bindings, func(b *model.RoleBinding) bool {
			return b.TeamID == teamID && s.inWorkspaceLocked(b, workspaceID)
		})
		s.reindex()
		return w, nil, nil
	}
	for _, dr := range deploymentRoles {
		if d := s.idx.deploymentByID[deref(dr.DeploymentID)]; d == nil || d.WorkspaceID != workspaceID {
			return nil, nil, errNotFound()
		}
	}
	b, err := s.roleOpLocked(op, role, h, workspaceID, "")
	if err != nil {
		return nil, nil, err
	}
	for _, dr := range deploymentRoles {
		if _, err := s.roleOpLocked("add", *dr.Role, h, "", *dr.DeploymentID); err != nil {
			return nil, nil, err
		}
	}
	return w, b, nil
}

// teamSystemRole gives a team a system role, replacing the one it had
// (add), or takes the role away (remove).
func (s *store) teamSystemRole(p *principal, add bool, teamID string, role model.Role) (*model.RoleBinding, error) {
	if err := needRole(role, "SYSTEM"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.systemAllowsLocked(p, permSystemIAMUpdate) {
		return nil, errForbidden()
	}
	if s.idx.teamByID[teamID] == nil {
		return nil, errNotFound()
	}
	h := holder{teamID: teamID}
	current := s.findBindingLocked(h, "", "")
	if !add {
		if current == nil || current.Role != role {
			return nil, errNotFound()
		}
		return s.removeBindingLocked(h, "", "")
	}
	if current != nil {
		return s.setRoleLocked(role, h, "", "")
	}
	return s.addBindingLocked(role, h, "", "")
}

// Service accounts.

// accountSpec holds what creating a service account takes.
type accountSpec struct {
	label, category string
	entityType      string // WORKSPACE or DEPLOYMENT
	entityID        string
	role            model.Role
}

// createAccount makes a service account with a fresh API key and its one
// role binding; the key works at once.
func (s *store) createAccount(p *principal, a accountSpec) (*model.ServiceAccount, error) {
	if strings.TrimSpace(a.label) == "" {
		return nil, errRequired("label")
	}
	if err := needRole(a.role, a.entityType); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var workspaceID, deploymentID string
	if a.entityType == "WORKSPACE" {
		if _, err := s.workspaceLocked(p, a.entityID, permWorkspaceAccountsCreate, permSystemServiceAccountsNew); err != nil {
			return nil, err
		}
		workspaceID = a.entityID
	} else {
		if _, err := s.deploymentLocked(p, a.entityID, permDeploymentAccountsNew, permSystemServiceAccountsNew); err != nil {
			return nil, err
		}
		deploymentID = a.entityID
	}
	now := s.stamp()
	sa := &model.ServiceAccount{
		ID: s.ids.id(now), APIKey: s.ids.apiKey(), Label: a.label, Category: cmp.Or(a.category, "default"),
		EntityType: a.entityType, EntityUUID: a.entityID, Active: true, CreatedAt: now, UpdatedAt: now,
	}
	s.addServiceAccount(sa)
	s.addBinding(s.bindingLocked(a.role, holder{accountID: sa.ID}, workspaceID, deploymentID))
	s.addToken(sa.APIKey, &principal{label: "service-account:" + sa.Label, serviceAccountID: sa.ID},
		Token{Label: "service-account:" + sa.Label, Kind: string(a.role), Scope: []string{a.entityID}})
	s.reindex()
	return sa, nil
}

// deleteAccount deletes a service account of the entity; its key stops
// working.
func (s *store) deleteAccount(p *principal, entityType, entityID, accountID string) (*model.ServiceAccount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if entityType == "WORKSPACE" {
		if _, err := s.workspaceLocked(p, entityID, permWorkspaceAccountsDelete, permSystemServiceAccountsDel); err != nil {
			return nil, err
		}
	} else if _, err := s.deploymentLocked(p, entityID, permDeploymentAccountsDel, permSystemServiceAccountsDel); err != nil {
		return nil, err
	}
	sa := s.idx.accountByID[accountID]
	if sa == nil || sa.EntityType != entityType || sa.EntityUUID != entityID {
		return nil, errNotFound()
	}
	s.removeAccountsLocked(func(a *model.ServiceAccount) bool { return a.ID == accountID })
	s.reindex()
	return sa, nil
}

// removeAccountsLocked deletes the matching service accounts, their
// bindings and their keys. The caller reindexes.
func (s *store) removeAccountsLocked(match func(*model.ServiceAccount) bool) {
	gone := map[string]bool{}
	for _, a := range s.serviceAccounts {
		if match(a) {
			gone[a.ID] = true
			s.removeToken(a.APIKey)
		}
	}
	if len(gone) == 0 {
		return
	}
	s.serviceAccounts = without(s.serviceAccounts, func(a *model.ServiceAccount) bool { return gone[a.ID] })
	s.bindings = without(s.bindings, func(b *model.RoleBinding) bool { return gone[b.ServiceAccountID] })
}

// Logging in and signing up.

// createToken logs a user in by username or e-mail address and password,
// and returns a new JWT that works at once.
func (s *store) createToken(identity, password string) (*model.AuthUser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u *model.User
	for _, x := range s.users {
		if strings.EqualFold(x.Username, identity) || s.userByEmailLocked(identity) == x {
			u = x
			break
		}
	}
	if u == nil {
		return nil, errNotFound()
	}
	if pw, ok := s.passwords[u.ID]; !ok || pw != password || u.Status != "active" {
		return nil, gqlError(codeInternal, msgBadPassword)
	}
	return s.issueTokenLocked(u), nil
}

// issueTokenLocked makes a JWT for u and lists it in Sim.Tokens under the
// user's name, with the user's first role as its kind.
func (s *store) issueTokenLocked(u *model.User) *model.AuthUser {
	tok := s.ids.jwt(u.ID, s.stamp())
	t := Token{Label: "user:" + u.Username, Kind: string(model.RoleUser), Scope: []string{}}
	if bs := s.idx.bindingsByUser[u.ID]; len(bs) > 0 {
		t.Kind = string(bs[0].Role)
		for _, id := range []string{bs[0].WorkspaceID, bs[0].DeploymentID} {
			if id != "" {
				t.Scope = append(t.Scope, id)
			}
		}
	}
	p := &principal{label: t.Label, userID: u.ID}
	s.addToken(tok, p, t)
	admin := s.systemAllowsLocked(p, permSystemDeploymentsGet)
	return &model.AuthUser{User: u, Token: &model.Token{Value: &tok}, IsAdmin: &admin, Permissions: s.permissionMapLocked(p)}
}

// createUser signs a user up (public sign-up is on) and logs them in. The
// address's pending invitations become role bindings.
func (s *store) createUser(email, password, username, inviteToken string) (*model.AuthUser, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || !strings.Contains(email, "@") {
		return nil, errBadInput("Invalid email address")
	}
	if password == "" {
		return nil, errRequired("password")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByEmailLocked(email) != nil {
		return nil, gqlError(codeDuplicateEmail, msgEmailInUse)
	}
	now := s.stamp()
	u := &model.User{
		ID: s.ids.id(now), Username: cmp.Or(username, email), Status: "active",
		Emails:    []*model.Email{{Address: ptr(email), Verified: ptr(true), Primary: ptr(true)}},
		CreatedAt: now, UpdatedAt: now,
	}
	s.addUser(u, password)
	accepted := func(i *model.Invite) bool {
		return strings.EqualFold(deref(i.Email), email) || (inviteToken != "" && deref(i.Token) == inviteToken)
	}
	for _, i := range s.invites {
		if accepted(i) && s.findBindingLocked(holder{userID: u.ID}, i.WorkspaceID, "") == nil {
			s.addBinding(s.bindingLocked(i.Role, holder{userID: u.ID}, i.WorkspaceID, ""))
		}
	}
	s.invites = without(s.invites, accepted)
	s.reindex()
	return s.issueTokenLocked(u), nil
}
