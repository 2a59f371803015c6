package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// UsersService calls the operations of the spec's User tag.
type UsersService service

// User is the spec's User: a member of an Organization. Which role lists are
// set depends on the filter of the list call: a workspaceId filter gives
// Workspace and Organization roles, a deploymentId filter Deployment and
// Organization roles.
type User struct {
	AvatarURL        string            `json:"avatarUrl"`
	CreatedAt        time.Time         `json:"createdAt"`
	DagRoles         []DagRole         `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole  `json:"deploymentRoles,omitempty"`
	FullName         string            `json:"fullName"`
	ID               string            `json:"id"`
	OrganizationRole *OrganizationRole `json:"organizationRole,omitempty"`
	Status           UserStatus        `json:"status"`
	UpdatedAt        time.Time         `json:"updatedAt"`
	Username         string            `json:"username"`
	WorkspaceRoles   []WorkspaceRole   `json:"workspaceRoles,omitempty"`
}

// WorkspaceRole is the spec's WorkspaceRole: a subject's role in one
// Workspace.
type WorkspaceRole struct {
	Role        WorkspaceRoleName `json:"role"`
	WorkspaceID string            `json:"workspaceId"`
}

// DeploymentRole is the spec's DeploymentRole: a subject's role, built-in
// (DEPLOYMENT_ADMIN) or custom, in one Deployment.
type DeploymentRole struct {
	DeploymentID string `json:"deploymentId"`
	Role         string `json:"role"`
}

// DagRole is the spec's DagRole: a role (DAG_VIEWER, DAG_AUTHOR or a custom
// DAG role) on one DAG or on the DAGs with one tag; set DagID or DagTag.
type DagRole struct {
	DagID        *string `json:"dagId,omitempty"`
	DagTag       *string `json:"dagTag,omitempty"`
	DeploymentID string  `json:"deploymentId"`
	Role         string  `json:"role"`
}

// SubjectRoles is the spec's SubjectRoles: every role of a user, Team or API
// token, as returned by the role-update operations.
type SubjectRoles struct {
	DagRoles         []DagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole `json:"deploymentRoles,omitempty"`
	OrganizationRole *string          `json:"organizationRole,omitempty"`
	WorkspaceRoles   []WorkspaceRole  `json:"workspaceRoles,omitempty"`
}

// UserTeamMembership is the spec's UserTeamMembership: a Team that a user
// belongs to.
type UserTeamMembership struct {
	DagRoles         []DagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole `json:"deploymentRoles,omitempty"`
	Description      *string          `json:"description,omitempty"`
	ID               string           `json:"id"`
	IsIdpManaged     bool             `json:"isIdpManaged"`
	Name             string           `json:"name"`
	OrganizationRole OrganizationRole `json:"organizationRole"`
	RolesCount       *int             `json:"rolesCount,omitempty"`
	WorkspaceRoles   []WorkspaceRole  `json:"workspaceRoles,omitempty"`
}

// SelfUser is the spec's SelfUser: the user behind the token, with roles
// in every scope, pending invites and feature flags.
type SelfUser struct {
	AvatarURL    string                `json:"avatarUrl"`
	CreatedAt    time.Time             `json:"createdAt"`
	FeatureFlags []SelfUserFeatureFlag `json:"featureFlags,omitempty"`
	FullName     string                `json:"fullName"`
	ID           string                `json:"id"`
	Invites      []SelfUserInvite      `json:"invites,omitempty"`
	IsIdpManaged *bool                 `json:"isIdpManaged,omitempty"`
	// OrganizationID is the user's primary Organization.
	OrganizationID *string        `json:"organizationId,omitempty"`
	Roles          []SelfUserRole `json:"roles,omitempty"`
	Status         UserStatus     `json:"status"`
	UpdatedAt      time.Time      `json:"updatedAt"`
	Username       string         `json:"username"`
}

// SelfUserFeatureFlag is the spec's SelfUserFeatureFlag.
type SelfUserFeatureFlag struct {
	Key   string `json:"key"`
	Value bool   `json:"value"`
}

// SelfUserInvite is the spec's SelfUserInvite: a pending invite to an
// Organization.
type SelfUserInvite struct {
	ExpiresAt      time.Time `json:"expiresAt"`
	InviteID       string    `json:"inviteId"`
	OrganizationID string    `json:"organizationId"`
}

// SelfUserRole is the spec's SelfUserRole.
type SelfUserRole struct {
	Role  string            `json:"role"`
	Scope SelfUserRoleScope `json:"scope"`
}

// SelfUserRoleScope is the spec's SelfUserRoleScope: where a SelfUserRole
// applies. Type is ORGANIZATION, WORKSPACE, DEPLOYMENT, DAG and so on.
type SelfUserRoleScope struct {
	DagTag       *string `json:"dagTag,omitempty"`
	DeploymentID *string `json:"deploymentId,omitempty"`
	EntityID     string  `json:"entityId"`
	Type         string  `json:"type"`
}

// UpdateUserRolesRequest is the body of UpdateUserRoles. Workspace and
// Deployment roles need OrganizationRole in the same request.
type UpdateUserRolesRequest struct {
	DagRoles         []DagRole        `json:"dagRoles,omitempty"`
	DeploymentRoles  []DeploymentRole `json:"deploymentRoles,omitempty"`
	OrganizationRole *string          `json:"organizationRole,omitempty"`
	WorkspaceRoles   []WorkspaceRole  `json:"workspaceRoles,omitempty"`
}

// OrganizationRole is an Organization role of a user, Team or invite.
type OrganizationRole string

// The spec's Organization role values.
const (
	OrganizationRoleOwner         OrganizationRole = "ORGANIZATION_OWNER"
	OrganizationRoleObserveAdmin  OrganizationRole = "ORGANIZATION_OBSERVE_ADMIN"
	OrganizationRoleObserveMember OrganizationRole = "ORGANIZATION_OBSERVE_MEMBER"
	OrganizationRoleBillingAdmin  OrganizationRole = "ORGANIZATION_BILLING_ADMIN"
	OrganizationRoleMember        OrganizationRole = "ORGANIZATION_MEMBER"
)

// WorkspaceRoleName is the role of a WorkspaceRole.
type WorkspaceRoleName string

// The spec's Workspace role values.
const (
	WorkspaceRoleOwner    WorkspaceRoleName = "WORKSPACE_OWNER"
	WorkspaceRoleOperator WorkspaceRoleName = "WORKSPACE_OPERATOR"
	WorkspaceRoleAuthor   WorkspaceRoleName = "WORKSPACE_AUTHOR"
	WorkspaceRoleMember   WorkspaceRoleName = "WORKSPACE_MEMBER"
	WorkspaceRoleAccessor WorkspaceRoleName = "WORKSPACE_ACCESSOR"
)

// UserStatus is the state of a user account.
type UserStatus string

// The spec's user status values.
const (
	UserStatusActive   UserStatus = "ACTIVE"
	UserStatusInactive UserStatus = "INACTIVE"
	UserStatusPending  UserStatus = "PENDING"
	UserStatusBanned   UserStatus = "BANNED"
)

// ListUsersOptions are the query parameters of ListUsers. Empty fields are
// omitted. Sorts take id, username, fullName, createdAt and updatedAt.
type ListUsersOptions struct {
	// WorkspaceID keeps the users with a role in this Workspace.
	WorkspaceID string
	// DeploymentID keeps the users with a role in this Deployment.
	DeploymentID string
	// DagID keeps the users with a role on this DAG.
	DagID string
	// DagTags keeps the users with a role on DAGs with these tags.
	DagTags []string

	ListOptions
}

func (o *ListUsersOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addString(q, "workspaceId", o.WorkspaceID)
	addString(q, "deploymentId", o.DeploymentID)
	addString(q, "dagId", o.DagID)
	addAll(q, "dagTags", o.DagTags)
	o.ListOptions.addTo(q)
	return q
}

// List lists the users of an Organization.
//
// Astro API: GET /organizations/{organizationId}/users (ListUsers)
func (s *UsersService) List(ctx context.Context, organizationID string, opts *ListUsersOptions) ([]*User, *Response, error) {
	return listAs[User](ctx, s.client, "users", opts.values(), "ListUsers", organizationID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/users (ListUsers)
func (s *UsersService) ListIter(ctx context.Context, organizationID string, opts *ListUsersOptions) iter.Seq2[*User, error] {
	var o ListUsersOptions
	if opts != nil {
		o = *opts
		o.DagTags = slices.Clone(opts.DagTags)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListUsersOptions {
		o := o
		o.ListOptions = lo
		return &o
	}, func(o *ListUsersOptions) ([]*User, *Response, error) { return s.List(ctx, organizationID, o) })
}

// Get fetches one user of an Organization.
//
// Astro API: GET /organizations/{organizationId}/users/{userId} (GetUser)
func (s *UsersService) Get(ctx context.Context, organizationID, userID string) (*User, *Response, error) {
	return getAs[User](ctx, s.client, nil, "GetUser", organizationID, userID)
}

// UpdateRoles sets a user's roles in the Organization and its Workspaces,
// Deployments and DAGs.
//
// Astro API: POST /organizations/{organizationId}/users/{userId}/roles (UpdateUserRoles)
func (s *UsersService) UpdateRoles(ctx context.Context, organizationID, userID string, body *UpdateUserRolesRequest) (*SubjectRoles, *Response, error) {
	return postAs[SubjectRoles](ctx, s.client, body, "UpdateUserRoles", organizationID, userID)
}

// ListUserTeamsOptions are the query parameters of ListUserTeams. Sorts
// take name, description, createdAt and updatedAt.
type ListUserTeamsOptions struct {
	ListOptions
}

// ListTeams lists the Teams a user belongs to.
//
// Astro API: GET /organizations/{organizationId}/users/{userId}/teams (ListUserTeams)
func (s *UsersService) ListTeams(ctx context.Context, organizationID, userID string, opts *ListUserTeamsOptions) ([]*UserTeamMembership, *Response, error) {
	q := url.Values{}
	if opts != nil {
		opts.ListOptions.addTo(q)
	}
	return listAs[UserTeamMembership](ctx, s.client, "teams", q, "ListUserTeams", organizationID, userID)
}

// ListTeamsIter walks every page of ListTeams, starting at opts.Offset; it
// stops at the first error, which it yields.
//
// Astro API: GET /organizations/{organizationId}/users/{userId}/teams (ListUserTeams)
func (s *UsersService) ListTeamsIter(ctx context.Context, organizationID, userID string, opts *ListUserTeamsOptions) iter.Seq2[*UserTeamMembership, error] {
	var start ListOptions
	if opts != nil {
		start = opts.ListOptions
		start.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(start, func(lo ListOptions) *ListUserTeamsOptions {
		return &ListUserTeamsOptions{ListOptions: lo}
	}, func(o *ListUserTeamsOptions) ([]*UserTeamMembership, *Response, error) {
		return s.ListTeams(ctx, organizationID, userID, o)
	})
}

// GetSelfUserOptions are the query parameters of GetSelfUser.
type GetSelfUserOptions struct {
	// CreateIfNotExist creates the user record on first use.
	CreateIfNotExist bool
}

// GetSelf returns the user the token belongs to. It needs a user's token
// (a personal access token); API tokens have no user.
//
// Astro API: GET /users/self (GetSelfUser)
func (s *UsersService) GetSelf(ctx context.Context, opts *GetSelfUserOptions) (*SelfUser, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addBool(q, "createIfNotExist", opts.CreateIfNotExist)
	}
	return getAs[SelfUser](ctx, s.client, q, "GetSelfUser")
}
