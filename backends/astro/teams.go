package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// TeamsService calls the operations of the spec's Team tag.
type TeamsService service

// Team is the spec's Team: a group of users that holds roles together.
type Team struct {
	CreatedAt        time.Time            `json:"createdAt"`
	CreatedBy        *BasicSubjectProfile `json:"createdBy,omitempty"`
	DagRoles         []DagRole            `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole     `json:"deploymentRoles,omitempty"`
	Description      *string              `json:"description,omitempty"`
	ID               string               `json:"id"`
	IsIdpManaged     bool                 `json:"isIdpManaged"`
	Name             string               `json:"name"`
	OrganizationID   string               `json:"organizationId"`
	OrganizationRole OrganizationRole     `json:"organizationRole"`
	RolesCount       *int                 `json:"rolesCount,omitempty"`
	UpdatedAt        time.Time            `json:"updatedAt"`
	UpdatedBy        *BasicSubjectProfile `json:"updatedBy,omitempty"`
	WorkspaceRoles   []WorkspaceRole      `json:"workspaceRoles,omitempty"`
}

// TeamMember is the spec's TeamMember.
type TeamMember struct {
	AvatarURL *string `json:"avatarUrl,omitempty"`
	// CreatedAt is when the user joined the Team.
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	FullName  *string    `json:"fullName,omitempty"`
	UserID    string     `json:"userId"`
	Username  string     `json:"username"`
}

// CreateTeamRequest is the body of CreateTeam. OrganizationRole defaults
// to ORGANIZATION_MEMBER.
type CreateTeamRequest struct {
	Description      *string           `json:"description,omitempty"`
	MemberIDs        []string          `json:"memberIds,omitempty"`
	Name             string            `json:"name"`
	OrganizationRole *OrganizationRole `json:"organizationRole,omitempty"`
}

// UpdateTeamRequest is the body of UpdateTeam.
type UpdateTeamRequest struct {
	Description *string `json:"description,omitempty"`
	Name        string  `json:"name"`
}

// AddTeamMembersRequest is the body of AddTeamMembers: at least one user ID.
type AddTeamMembersRequest struct {
	MemberIDs []string `json:"memberIds"`
}

// UpdateTeamRolesRequest is the body of UpdateTeamRoles; OrganizationRole
// is required, and the Workspaces and Deployments must belong to the Team's
// Organization.
type UpdateTeamRolesRequest struct {
	DagRoles         []DagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole `json:"deploymentRoles,omitempty"`
	OrganizationRole string           `json:"organizationRole"`
	WorkspaceRoles   []WorkspaceRole  `json:"workspaceRoles,omitempty"`
}

// ListTeamsOptions are the query parameters of ListTeams. Empty fields are
// omitted. Sorts take name, description, createdAt and updatedAt.
type ListTeamsOptions struct {
	// Names keeps only Teams with these names.
	Names []string
	// WorkspaceID keeps the Teams that hold a role in this Workspace.
	WorkspaceID string
	// DeploymentID keeps the Teams that hold a role in this Deployment.
	DeploymentID string

	ListOptions
}

func (o *ListTeamsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addAll(q, "names", o.Names)
	addString(q, "workspaceId", o.WorkspaceID)
	addString(q, "deploymentId", o.DeploymentID)
	o.ListOptions.addTo(q)
	return q
}

// List lists the Teams of an Organization.
//
// Astro API: GET /organizations/{organizationId}/teams (ListTeams)
func (s *TeamsService) List(ctx context.Context, organizationID string, opts *ListTeamsOptions) ([]*Team, *Response, error) {
	return listAs[Team](ctx, s.client, "teams", opts.values(), "ListTeams", organizationID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/teams (ListTeams)
func (s *TeamsService) ListIter(ctx context.Context, organizationID string, opts *ListTeamsOptions) iter.Seq2[*Team, error] {
	var o ListTeamsOptions
	if opts != nil {
		o = *opts
		o.Names = slices.Clone(opts.Names)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListTeamsOptions {
		o := o
		o.ListOptions = lo
		return &o
	}, func(o *ListTeamsOptions) ([]*Team, *Response, error) { return s.List(ctx, organizationID, o) })
}

// Get fetches one Team.
//
// Astro API: GET /organizations/{organizationId}/teams/{teamId} (GetTeam)
func (s *TeamsService) Get(ctx context.Context, organizationID, teamID string) (*Team, *Response, error) {
	return getAs[Team](ctx, s.client, nil, "GetTeam", organizationID, teamID)
}

// Create creates a Team.
//
// Astro API: POST /organizations/{organizationId}/teams (CreateTeam)
func (s *TeamsService) Create(ctx context.Context, organizationID string, body *CreateTeamRequest) (*Team, *Response, error) {
	return postAs[Team](ctx, s.client, body, "CreateTeam", organizationID)
}

// Update renames a Team or changes its description.
//
// Astro API: POST /organizations/{organizationId}/teams/{teamId} (UpdateTeam)
func (s *TeamsService) Update(ctx context.Context, organizationID, teamID string, body *UpdateTeamRequest) (*Team, *Response, error) {
	return postAs[Team](ctx, s.client, body, "UpdateTeam", organizationID, teamID)
}

// Delete deletes a Team; its members lose the roles they had through it.
//
// Astro API: DELETE /organizations/{organizationId}/teams/{teamId} (DeleteTeam)
func (s *TeamsService) Delete(ctx context.Context, organizationID, teamID string) (*Response, error) {
	return s.client.del(ctx, "DeleteTeam", organizationID, teamID)
}

// ListTeamMembersOptions are the query parameters of ListTeamMembers. Sorts
// take userId, fullName, username and createdAt.
type ListTeamMembersOptions struct {
	ListOptions
}

// ListMembers lists the members of a Team.
//
// Astro API: GET /organizations/{organizationId}/teams/{teamId}/members (ListTeamMembers)
func (s *TeamsService) ListMembers(ctx context.Context, organizationID, teamID string, opts *ListTeamMembersOptions) ([]*TeamMember, *Response, error) {
	q := url.Values{}
	if opts != nil {
		opts.ListOptions.addTo(q)
	}
	return listAs[TeamMember](ctx, s.client, "teamMembers", q, "ListTeamMembers", organizationID, teamID)
}

// ListMembersIter walks every page of ListMembers, starting at
// opts.Offset; it stops at the first error, which it yields.
//
// Astro API: GET /organizations/{organizationId}/teams/{teamId}/members (ListTeamMembers)
func (s *TeamsService) ListMembersIter(ctx context.Context, organizationID, teamID string, opts *ListTeamMembersOptions) iter.Seq2[*TeamMember, error] {
	var start ListOptions
	if opts != nil {
		start = opts.ListOptions
		start.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(start, func(lo ListOptions) *ListTeamMembersOptions {
		return &ListTeamMembersOptions{ListOptions: lo}
	}, func(o *ListTeamMembersOptions) ([]*TeamMember, *Response, error) {
		return s.ListMembers(ctx, organizationID, teamID, o)
	})
}

// AddMembers adds users to a Team; the API answers 204.
//
// Astro API: POST /organizations/{organizationId}/teams/{teamId}/members (AddTeamMembers)
func (s *TeamsService) AddMembers(ctx context.Context, organizationID, teamID string, body *AddTeamMembersRequest) (*Response, error) {
	return postNoContent(ctx, s.client, body, "AddTeamMembers", organizationID, teamID)
}

// RemoveMember removes one user from a Team.
//
// Astro API: DELETE /organizations/{organizationId}/teams/{teamId}/members/{memberId} (RemoveTeamMember)
func (s *TeamsService) RemoveMember(ctx context.Context, organizationID, teamID, memberID string) (*Response, error) {
	return s.client.del(ctx, "RemoveTeamMember", organizationID, teamID, memberID)
}

// UpdateRoles sets a Team's roles.
//
// Astro API: POST /organizations/{organizationId}/teams/{teamId}/roles (UpdateTeamRoles)
func (s *TeamsService) UpdateRoles(ctx context.Context, organizationID, teamID string, body *UpdateTeamRolesRequest) (*SubjectRoles, *Response, error) {
	return postAs[SubjectRoles](ctx, s.client, body, "UpdateTeamRoles", organizationID, teamID)
}
