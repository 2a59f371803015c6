package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// WorkspacesService calls the operations of the spec's Workspace tag.
type WorkspacesService service

// Workspace is the spec's Workspace.
type Workspace struct {
	CICDEnforcedDefault  bool                 `json:"cicdEnforcedDefault"`
	CreatedAt            time.Time            `json:"createdAt"`
	CreatedBy            *BasicSubjectProfile `json:"createdBy,omitempty"`
	DefaultCloudProvider *CloudProvider       `json:"defaultCloudProvider,omitempty"`
	DefaultClusterID     *string              `json:"defaultClusterId,omitempty"`
	DefaultRegion        *string              `json:"defaultRegion,omitempty"`
	Description          *string              `json:"description,omitempty"`
	ID                   string               `json:"id"`
	Name                 string               `json:"name"`
	OrganizationID       string               `json:"organizationId"`
	OrganizationName     *string              `json:"organizationName,omitempty"`
	UpdatedAt            time.Time            `json:"updatedAt"`
	UpdatedBy            *BasicSubjectProfile `json:"updatedBy,omitempty"`
}

// ListWorkspacesOptions are the query parameters of ListWorkspaces. Filters
// combine with AND; unknown IDs are simply absent from the result.
type ListWorkspacesOptions struct {
	// WorkspaceIDs looks up these Workspaces in one call: the API's batch
	// lookup. Set Limit to at least len(WorkspaceIDs) (maximum 1000) or page.
	WorkspaceIDs []string
	// Names keeps only Workspaces with these names.
	Names []string

	ListOptions
}

func (o *ListWorkspacesOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addAll(q, "workspaceIds", o.WorkspaceIDs)
	addAll(q, "names", o.Names)
	o.ListOptions.addTo(q)
	return q
}

// List lists the Workspaces in an Organization.
//
// Astro API: GET /organizations/{organizationId}/workspaces (ListWorkspaces)
func (s *WorkspacesService) List(ctx context.Context, organizationID string, opts *ListWorkspacesOptions) ([]*Workspace, *Response, error) {
	var page struct {
		Workspaces []*Workspace `json:"workspaces"`
		pageInfo
	}
	resp, err := s.client.call(ctx, "ListWorkspaces", opts.values(), nil, &page, organizationID)
	if err != nil {
		return nil, resp, err
	}
	resp.setPage(page.pageInfo)
	return page.Workspaces, resp, nil
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/workspaces (ListWorkspaces)
func (s *WorkspacesService) ListIter(ctx context.Context, organizationID string, opts *ListWorkspacesOptions) iter.Seq2[*Workspace, error] {
	var o ListWorkspacesOptions
	if opts != nil {
		o = *opts
		o.WorkspaceIDs = slices.Clone(opts.WorkspaceIDs)
		o.Names = slices.Clone(opts.Names)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterate(o.ListOptions, func(lo ListOptions) ([]*Workspace, *Response, error) {
		o := o
		o.ListOptions = lo
		return s.List(ctx, organizationID, &o)
	})
}

// Get fetches one Workspace by ID.
//
// Astro API: GET /organizations/{organizationId}/workspaces/{workspaceId} (GetWorkspace)
func (s *WorkspacesService) Get(ctx context.Context, organizationID, workspaceID string) (*Workspace, *Response, error) {
	ws := new(Workspace)
	resp, err := s.client.call(ctx, "GetWorkspace", nil, nil, ws, organizationID, workspaceID)
	if err != nil {
		return nil, resp, err
	}
	return ws, resp, nil
}

// CreateWorkspaceRequest is the body of CreateWorkspace. DefaultClusterID
// excludes DefaultCloudProvider and DefaultRegion, which go together; a
// Deployment created without a cluster or region lands there.
type CreateWorkspaceRequest struct {
	CICDEnforcedDefault  *bool          `json:"cicdEnforcedDefault,omitempty"`
	DefaultCloudProvider *CloudProvider `json:"defaultCloudProvider,omitempty"`
	DefaultClusterID     *string        `json:"defaultClusterId,omitempty"`
	DefaultRegion        *string        `json:"defaultRegion,omitempty"`
	Description          *string        `json:"description,omitempty"`
	// Name has at most 50 characters.
	Name string `json:"name"`
}

// UpdateWorkspaceRequest is the body of UpdateWorkspace. Unlike on create,
// Description and CICDEnforcedDefault are required: an update replaces
// them.
type UpdateWorkspaceRequest struct {
	CICDEnforcedDefault  bool           `json:"cicdEnforcedDefault"`
	DefaultCloudProvider *CloudProvider `json:"defaultCloudProvider,omitempty"`
	DefaultClusterID     *string        `json:"defaultClusterId,omitempty"`
	DefaultRegion        *string        `json:"defaultRegion,omitempty"`
	Description          string         `json:"description"`
	Name                 string         `json:"name"`
}

// Create creates a Workspace.
//
// Astro API: POST /organizations/{organizationId}/workspaces (CreateWorkspace)
func (s *WorkspacesService) Create(ctx context.Context, organizationID string, body *CreateWorkspaceRequest) (*Workspace, *Response, error) {
	return postAs[Workspace](ctx, s.client, body, "CreateWorkspace", organizationID)
}

// Update replaces a Workspace's settings.
//
// Astro API: POST /organizations/{organizationId}/workspaces/{workspaceId} (UpdateWorkspace)
func (s *WorkspacesService) Update(ctx context.Context, organizationID, workspaceID string, body *UpdateWorkspaceRequest) (*Workspace, *Response, error) {
	return postAs[Workspace](ctx, s.client, body, "UpdateWorkspace", organizationID, workspaceID)
}

// Delete deletes a Workspace. Deleting it again gives a 404.
//
// Astro API: DELETE /organizations/{organizationId}/workspaces/{workspaceId} (DeleteWorkspace)
func (s *WorkspacesService) Delete(ctx context.Context, organizationID, workspaceID string) (*Response, error) {
	return s.client.del(ctx, "DeleteWorkspace", organizationID, workspaceID)
}
