package astro

import (
	"context"
	"time"
)

// InvitesService calls the operations of the spec's Invite tag.
type InvitesService service

// Invite is the spec's Invite: an invitation of a user, by e-mail, to an
// Organization.
type Invite struct {
	ExpiresAt        time.Time           `json:"expiresAt"`
	InviteID         string              `json:"inviteId"`
	Invitee          BasicSubjectProfile `json:"invitee"`
	Inviter          BasicSubjectProfile `json:"inviter"`
	OrganizationID   string              `json:"organizationId"`
	OrganizationName *string             `json:"organizationName,omitempty"`
	// UserID is set when the invitee already has an Astro account.
	UserID *string `json:"userId,omitempty"`
}

// CreateUserInviteRequest is the body of CreateUserInvite.
type CreateUserInviteRequest struct {
	InviteeEmail string           `json:"inviteeEmail"`
	Role         OrganizationRole `json:"role"`
}

// Create invites a user to an Organization with an Organization role.
//
// Astro API: POST /organizations/{organizationId}/invites (CreateUserInvite)
func (s *InvitesService) Create(ctx context.Context, organizationID string, body *CreateUserInviteRequest) (*Invite, *Response, error) {
	return postAs[Invite](ctx, s.client, body, "CreateUserInvite", organizationID)
}

// Delete withdraws an invite. Deleting it again gives a 404.
//
// Astro API: DELETE /organizations/{organizationId}/invites/{inviteId} (DeleteUserInvite)
func (s *InvitesService) Delete(ctx context.Context, organizationID, inviteID string) (*Response, error) {
	return s.client.del(ctx, "DeleteUserInvite", organizationID, inviteID)
}
