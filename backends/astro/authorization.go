package astro

import (
	"context"
	"net/url"
)

// AuthorizationService calls the operations of the spec's Authorization tag.
type AuthorizationService service

// PermissionGroup is the spec's PermissionGroup: a named set of
// permissions of one scope, as the Astro UI groups them when building a
// custom role.
type PermissionGroup struct {
	Description string            `json:"description"`
	Name        string            `json:"name"`
	Permissions []PermissionEntry `json:"permissions"`
	Scope       string            `json:"scope"`
}

// PermissionEntry is the spec's PermissionEntry: one permission action,
// such as "deployment.get".
type PermissionEntry struct {
	Action      string `json:"action"`
	Description string `json:"description"`
}

// ListPermissionGroupsOptions are the query parameters of
// ListPermissionGroups.
type ListPermissionGroupsOptions struct {
	// ScopeType keeps only the permissions of one scope: DEPLOYMENT,
	// WORKSPACE, ORGANIZATION or DAG. Empty means all.
	ScopeType RoleScopeType
}

// ListPermissionGroups lists the permissions that custom roles can grant,
// in groups. It takes no organization: the list is the same for everyone.
//
// Astro API: GET /authorization/permission-groups (ListPermissionGroups)
func (s *AuthorizationService) ListPermissionGroups(ctx context.Context, opts *ListPermissionGroupsOptions) ([]*PermissionGroup, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addString(q, "scopeType", string(opts.ScopeType))
	}
	var groups []*PermissionGroup
	resp, err := s.client.getItem(ctx, &groups, q, "ListPermissionGroups")
	if err != nil {
		return nil, resp, err
	}
	return groups, resp, nil
}
