package astrosim

import (
	"net/http"
	"strings"
)

// invite is the spec's Invite.
type invite struct {
	ExpiresAt        string  `json:"expiresAt"`
	InviteID         string  `json:"inviteId"`
	Invitee          subject `json:"invitee"`
	Inviter          subject `json:"inviter"`
	OrganizationID   string  `json:"organizationId"`
	OrganizationName string  `json:"organizationName,omitempty"`
	UserID           string  `json:"userId,omitempty"`
}

// inviteLifetime is how long an invite stays valid.
const inviteDays = 7

// createInvite serves CreateUserInvite. Inviting a member, or someone with
// a pending invite to the organization, is a 400.
func (s *Sim) createInvite(c *call) {
	var b struct {
		InviteeEmail *string `json:"inviteeEmail"`
		Role         *string `json:"role"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("inviteeEmail", b.InviteeEmail, 254)
	if b.InviteeEmail != nil && !validEmail(*b.InviteeEmail) {
		k.fail("inviteeEmail", "email", "must be an e-mail address, not '%s'", *b.InviteeEmail)
	}
	if k.required("role", b.Role != nil) {
		k.oneOf("role", b.Role, organizationRoles()...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.users.create")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	email := strings.ToLower(*b.InviteeEmail)
	invitee := subject{SubjectType: "USER", Username: email}
	for _, u := range s.data.users {
		if strings.EqualFold(u.Username, email) {
			if _, member := s.data.members[org.ID][u.ID]; member {
				c.fail(badRequest("User '%s' is already a member of the Organization", email))
				return
			}
			invitee = u.subject()
		}
	}
	for _, inv := range s.data.invites {
		if inv.OrganizationID == org.ID && inv.Invitee.Username == email {
			c.fail(badRequest("User '%s' already has a pending invite to the Organization", email))
			return
		}
	}
	inv := &invite{
		InviteID: s.ids.id(c.now), ExpiresAt: stamp(c.now.AddDate(0, 0, inviteDays)),
		Invitee: invitee, Inviter: c.p.subject, OrganizationID: org.ID, OrganizationName: org.Name,
		UserID: invitee.ID,
	}
	if inv.Invitee.ID == "" {
		inv.Invitee.ID = s.ids.id(c.now) // the user record the invite will create
	}
	s.data.invites[inv.InviteID] = inv
	s.record(c, org.ID, "invite.create", "INVITE", inv.InviteID)
	c.json(http.StatusOK, inv)
}

// deleteInvite serves DeleteUserInvite.
func (s *Sim) deleteInvite(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.users.delete")
	if err != nil {
		c.fail(err)
		return
	}
	id := c.r.PathValue("inviteId")
	inv, ok := s.data.invites[id]
	if !ok || inv.OrganizationID != org.ID {
		c.fail(notFound("Invite", id))
		return
	}
	delete(s.data.invites, id)
	s.record(c, org.ID, "invite.delete", "INVITE", id)
	c.w.WriteHeader(http.StatusNoContent)
}

// validEmail is a loose check: one @ with text on both sides and a dot in
// the domain.
func validEmail(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(v, " \t\n") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
