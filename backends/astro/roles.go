package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// RolesService calls the operations of the spec's Role tag: custom roles
// and the templates and built-in roles they start from.
type RolesService service

// Role is the spec's Role: a custom role, as listed.
type Role struct {
	CreatedAt              time.Time           `json:"createdAt"`
	CreatedBy              BasicSubjectProfile `json:"createdBy"`
	Description            *string             `json:"description,omitempty"`
	ID                     string              `json:"id"`
	Name                   string              `json:"name"`
	RestrictedWorkspaceIDs []string            `json:"restrictedWorkspaceIds"`
	ScopeType              RoleScopeType       `json:"scopeType"`
	UpdatedAt              time.Time           `json:"updatedAt"`
	UpdatedBy              BasicSubjectProfile `json:"updatedBy"`
}

// RoleWithPermission is the spec's RoleWithPermission: a custom role with
// its permissions.
type RoleWithPermission struct {
	CreatedAt              time.Time           `json:"createdAt"`
	CreatedBy              BasicSubjectProfile `json:"createdBy"`
	Description            *string             `json:"description,omitempty"`
	ID                     string              `json:"id"`
	Name                   string              `json:"name"`
	Permissions            []string            `json:"permissions"`
	RestrictedWorkspaceIDs []string            `json:"restrictedWorkspaceIds"`
	ScopeType              RoleScopeType       `json:"scopeType"`
	UpdatedAt              time.Time           `json:"updatedAt"`
	UpdatedBy              BasicSubjectProfile `json:"updatedBy"`
}

// DefaultRole is the spec's DefaultRole: a built-in role.
type DefaultRole struct {
	Description *string       `json:"description,omitempty"`
	Name        string        `json:"name"`
	Permissions []string      `json:"permissions"`
	ScopeType   RoleScopeType `json:"scopeType"`
}

// RoleTemplate is the spec's RoleTemplate: a starting point for a custom
// role.
type RoleTemplate struct {
	Description *string       `json:"description,omitempty"`
	Name        string        `json:"name"`
	Permissions []string      `json:"permissions"`
	ScopeType   RoleScopeType `json:"scopeType"`
}

// CreateCustomRoleRequest is the body of CreateCustomRole. ScopeType is
// DEPLOYMENT or DAG; Permissions needs at least one entry.
type CreateCustomRoleRequest struct {
	Description            *string       `json:"description,omitempty"`
	Name                   string        `json:"name"`
	Permissions            []string      `json:"permissions"`
	RestrictedWorkspaceIDs []string      `json:"restrictedWorkspaceIds,omitempty"`
	ScopeType              RoleScopeType `json:"scopeType"`
}

// UpdateCustomRoleRequest is the body of UpdateCustomRole.
type UpdateCustomRoleRequest struct {
	Description            *string  `json:"description,omitempty"`
	Name                   string   `json:"name"`
	Permissions            []string `json:"permissions"`
	RestrictedWorkspaceIDs []string `json:"restrictedWorkspaceIds,omitempty"`
}

// RoleScopeType is the scope of a role or permission.
type RoleScopeType string

// The spec's role scope values. Custom roles are DEPLOYMENT or DAG roles;
// SYSTEM appears on built-in roles only.
const (
	RoleScopeDeployment   RoleScopeType = "DEPLOYMENT"
	RoleScopeWorkspace    RoleScopeType = "WORKSPACE"
	RoleScopeOrganization RoleScopeType = "ORGANIZATION"
	RoleScopeDag          RoleScopeType = "DAG"
	RoleScopeSystem       RoleScopeType = "SYSTEM"
)

// RoleList is one page of ListRoles: the custom roles, which the paging
// counters count, and the built-in roles when IncludeDefaultRoles was set.
type RoleList struct {
	Roles        []*Role
	DefaultRoles []*DefaultRole
}

// ListRolesOptions are the query parameters of ListRoles. Sorts take name,
// scopeType, description, createdAt and updatedAt.
type ListRolesOptions struct {
	// IncludeDefaultRoles also returns the built-in roles.
	IncludeDefaultRoles bool
	// ScopeTypes keeps roles of these scopes.
	ScopeTypes []RoleScopeType

	ListOptions
}

func (o *ListRolesOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addBool(q, "includeDefaultRoles", o.IncludeDefaultRoles)
	addAll(q, "scopeTypes", strs(o.ScopeTypes))
	o.ListOptions.addTo(q)
	return q
}

// List lists the custom roles of an Organization, and its built-in roles
// when opts.IncludeDefaultRoles is set.
//
// Astro API: GET /organizations/{organizationId}/roles (ListRoles)
func (s *RolesService) List(ctx context.Context, organizationID string, opts *ListRolesOptions) (*RoleList, *Response, error) {
	page, resp, err := getAs[struct {
		Roles        []*Role        `json:"roles"`
		DefaultRoles []*DefaultRole `json:"defaultRoles"`
		pageInfo
	}](ctx, s.client, opts.values(), "ListRoles", organizationID)
	if err != nil {
		return nil, resp, err
	}
	resp.setPage(page.pageInfo)
	return &RoleList{Roles: page.Roles, DefaultRoles: page.DefaultRoles}, resp, nil
}

// ListIter walks the custom roles of every page of List, starting at
// opts.Offset; it stops at the first error, which it yields.
//
// Astro API: GET /organizations/{organizationId}/roles (ListRoles)
func (s *RolesService) ListIter(ctx context.Context, organizationID string, opts *ListRolesOptions) iter.Seq2[*Role, error] {
	var o ListRolesOptions
	if opts != nil {
		o = *opts
		o.IncludeDefaultRoles = false // not needed to walk the custom roles
		o.ScopeTypes = slices.Clone(opts.ScopeTypes)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListRolesOptions {
		o := o
		o.ListOptions = lo
		return &o
	}, func(o *ListRolesOptions) ([]*Role, *Response, error) {
		list, resp, err := s.List(ctx, organizationID, o)
		if err != nil {
			return nil, resp, err
		}
		return list.Roles, resp, nil
	})
}

// ListRoleTemplatesOptions are the query parameters of ListRoleTemplates.
type ListRoleTemplatesOptions struct {
	// ScopeTypes keeps templates with permissions of these scopes.
	ScopeTypes []RoleScopeType
}

// ListTemplates lists the templates a custom role can start from.
//
// Astro API: GET /organizations/{organizationId}/role-templates (ListRoleTemplates)
func (s *RolesService) ListTemplates(ctx context.Context, organizationID string, opts *ListRoleTemplatesOptions) ([]*RoleTemplate, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addAll(q, "scopeTypes", strs(opts.ScopeTypes))
	}
	var out []*RoleTemplate
	resp, err := s.client.getItem(ctx, &out, q, "ListRoleTemplates", organizationID)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Get fetches one custom role with its permissions.
//
// Astro API: GET /organizations/{organizationId}/roles/{roleId} (GetCustomRole)
func (s *RolesService) Get(ctx context.Context, organizationID, roleID string) (*RoleWithPermission, *Response, error) {
	return getAs[RoleWithPermission](ctx, s.client, nil, "GetCustomRole", organizationID, roleID)
}

// Create creates a custom role.
//
// Astro API: POST /organizations/{organizationId}/roles (CreateCustomRole)
func (s *RolesService) Create(ctx context.Context, organizationID string, body *CreateCustomRoleRequest) (*RoleWithPermission, *Response, error) {
	return postAs[RoleWithPermission](ctx, s.client, body, "CreateCustomRole", organizationID)
}

// Update replaces a custom role's name, description, permissions and
// Workspace restrictions.
//
// Astro API: POST /organizations/{organizationId}/roles/{customRoleId} (UpdateCustomRole)
func (s *RolesService) Update(ctx context.Context, organizationID, customRoleID string, body *UpdateCustomRoleRequest) (*RoleWithPermission, *Response, error) {
	return postAs[RoleWithPermission](ctx, s.client, body, "UpdateCustomRole", organizationID, customRoleID)
}

// Delete deletes a custom role.
//
// Astro API: DELETE /organizations/{organizationId}/roles/{customRoleId} (DeleteCustomRole)
func (s *RolesService) Delete(ctx context.Context, organizationID, customRoleID string) (*Response, error) {
	return s.client.del(ctx, "DeleteCustomRole", organizationID, customRoleID)
}
