package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// APITokensService calls the operations of the spec's ApiToken tag:
// Organization, Workspace and Deployment API tokens.
type APITokensService service

// AgentTokensService calls the operations of the spec's AgentToken tag:
// the tokens that remote-execution agents of a Deployment use.
type AgentTokensService service

// APIToken is the spec's ApiToken. Agent tokens share the shape. Token, the
// secret, is only returned when the token is created or rotated.
type APIToken struct {
	CreatedAt   time.Time            `json:"createdAt"`
	CreatedBy   *BasicSubjectProfile `json:"createdBy,omitempty"`
	Description string               `json:"description"`
	// EndAt is absent for tokens that never expire.
	EndAt              *time.Time           `json:"endAt,omitempty"`
	ExpiryPeriodInDays *int                 `json:"expiryPeriodInDays,omitempty"`
	ID                 string               `json:"id"`
	Kind               APITokenKind         `json:"kind"`
	LastRotatedAt      *time.Time           `json:"lastRotatedAt,omitempty"`
	LastUsedAt         *time.Time           `json:"lastUsedAt,omitempty"`
	Name               string               `json:"name"`
	Roles              []APITokenRole       `json:"roles,omitempty"`
	Scope              APITokenScope        `json:"scope"`
	ShortToken         string               `json:"shortToken"`
	StartAt            time.Time            `json:"startAt"`
	Token              *string              `json:"token,omitempty"`
	UpdatedAt          time.Time            `json:"updatedAt"`
	UpdatedBy          *BasicSubjectProfile `json:"updatedBy,omitempty"`
}

// APITokenRole is the spec's ApiTokenRole: a role of an API token on one
// entity. For DAG and DAG_TAG entities, EntityID is the DAG ID or tag and
// DeploymentID is required.
type APITokenRole struct {
	DeploymentID *string            `json:"deploymentId,omitempty"`
	EntityID     string             `json:"entityId"`
	EntityType   APITokenEntityType `json:"entityType"`
	Role         string             `json:"role"`
}

// CreateAPITokenRequest is the body of CreateApiToken. EntityID is the
// Workspace or Deployment ID and is required for those scopes.
type CreateAPITokenRequest struct {
	Description *string       `json:"description,omitempty"`
	EntityID    *string       `json:"entityId,omitempty"`
	Kind        *APITokenKind `json:"kind,omitempty"`
	Name        string        `json:"name"`
	Role        string        `json:"role"`
	Scope       APITokenScope `json:"scope"`
	// TokenExpiryPeriodInDays is 1 to 3650; nil makes a token that never
	// expires.
	TokenExpiryPeriodInDays *int `json:"tokenExpiryPeriodInDays,omitempty"`
}

// UpdateAPITokenRequest is the body of UpdateApiToken.
type UpdateAPITokenRequest struct {
	Description *string `json:"description,omitempty"`
	Name        string  `json:"name"`
}

// UpdateAPITokenRolesRequest is the body of UpdateApiTokenRoles: the
// complete list of the token's roles, at least one.
type UpdateAPITokenRolesRequest struct {
	Roles []APITokenRole `json:"roles"`
}

// CreateAgentTokenRequest is the body of CreateAgentToken.
type CreateAgentTokenRequest struct {
	Description             *string `json:"description,omitempty"`
	Name                    string  `json:"name"`
	TokenExpiryPeriodInDays *int    `json:"tokenExpiryPeriodInDays,omitempty"`
}

// APITokenScope is the level an API token works at.
type APITokenScope string

// The spec's API token scope values.
const (
	APITokenScopeDeployment   APITokenScope = "DEPLOYMENT"
	APITokenScopeWorkspace    APITokenScope = "WORKSPACE"
	APITokenScopeOrganization APITokenScope = "ORGANIZATION"
)

// APITokenKind is the kind of an API token.
type APITokenKind string

// The spec's API token kind values.
const (
	APITokenKindStandard     APITokenKind = "STANDARD"
	APITokenKindDirectAccess APITokenKind = "DIRECT_ACCESS"
)

// APITokenEntityType is the kind of entity an APITokenRole applies to.
type APITokenEntityType string

// The spec's ApiTokenRole entityType values.
const (
	APITokenEntityDeployment   APITokenEntityType = "DEPLOYMENT"
	APITokenEntityWorkspace    APITokenEntityType = "WORKSPACE"
	APITokenEntityOrganization APITokenEntityType = "ORGANIZATION"
	APITokenEntityDag          APITokenEntityType = "DAG"
	APITokenEntityDagTag       APITokenEntityType = "DAG_TAG"
)

// ListAPITokensOptions are the query parameters of ListApiTokens. Empty
// fields are omitted. Sorts take name, description, createdAt, updatedAt
// and tokenStartAt.
type ListAPITokensOptions struct {
	// WorkspaceID keeps the tokens with a role in this Workspace.
	WorkspaceID string
	// DeploymentID keeps the tokens with a role in this Deployment.
	DeploymentID string
	// DagID and DagTags keep the tokens with a role on that DAG or tags.
	DagID   string
	DagTags []string
	// IncludeOnlyOrganizationTokens keeps only Organization-scoped tokens.
	IncludeOnlyOrganizationTokens bool
	// Kind keeps one kind of token.
	Kind APITokenKind

	ListOptions
}

func (o *ListAPITokensOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addString(q, "workspaceId", o.WorkspaceID)
	addString(q, "deploymentId", o.DeploymentID)
	addString(q, "dagId", o.DagID)
	addAll(q, "dagTags", o.DagTags)
	addBool(q, "includeOnlyOrganizationTokens", o.IncludeOnlyOrganizationTokens)
	addString(q, "kind", string(o.Kind))
	o.ListOptions.addTo(q)
	return q
}

// List lists the API tokens of an Organization.
//
// Astro API: GET /organizations/{organizationId}/tokens (ListApiTokens)
func (s *APITokensService) List(ctx context.Context, organizationID string, opts *ListAPITokensOptions) ([]*APIToken, *Response, error) {
	return listAs[APIToken](ctx, s.client, "tokens", opts.values(), "ListApiTokens", organizationID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/tokens (ListApiTokens)
func (s *APITokensService) ListIter(ctx context.Context, organizationID string, opts *ListAPITokensOptions) iter.Seq2[*APIToken, error] {
	var o ListAPITokensOptions
	if opts != nil {
		o = *opts
		o.DagTags = slices.Clone(opts.DagTags)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListAPITokensOptions {
		o := o
		o.ListOptions = lo
		return &o
	}, func(o *ListAPITokensOptions) ([]*APIToken, *Response, error) { return s.List(ctx, organizationID, o) })
}

// Get fetches one API token; its secret is never returned.
//
// Astro API: GET /organizations/{organizationId}/tokens/{tokenId} (GetApiToken)
func (s *APITokensService) Get(ctx context.Context, organizationID, tokenID string) (*APIToken, *Response, error) {
	return getAs[APIToken](ctx, s.client, nil, "GetApiToken", organizationID, tokenID)
}

// Create creates an API token and returns it with its secret in Token,
// the only time the secret is shown.
//
// Astro API: POST /organizations/{organizationId}/tokens (CreateApiToken)
func (s *APITokensService) Create(ctx context.Context, organizationID string, body *CreateAPITokenRequest) (*APIToken, *Response, error) {
	return postAs[APIToken](ctx, s.client, body, "CreateApiToken", organizationID)
}

// Update renames an API token or changes its description.
//
// Astro API: POST /organizations/{organizationId}/tokens/{tokenId} (UpdateApiToken)
func (s *APITokensService) Update(ctx context.Context, organizationID, tokenID string, body *UpdateAPITokenRequest) (*APIToken, *Response, error) {
	return postAs[APIToken](ctx, s.client, body, "UpdateApiToken", organizationID, tokenID)
}

// UpdateRoles replaces the roles of an API token.
//
// Astro API: POST /organizations/{organizationId}/tokens/{tokenId}/roles (UpdateApiTokenRoles)
func (s *APITokensService) UpdateRoles(ctx context.Context, organizationID, tokenID string, body *UpdateAPITokenRolesRequest) (*SubjectRoles, *Response, error) {
	return postAs[SubjectRoles](ctx, s.client, body, "UpdateApiTokenRoles", organizationID, tokenID)
}

// Rotate replaces an API token's secret; the old secret stops working at
// once. Like a create, it is not idempotent.
//
// Astro API: POST /organizations/{organizationId}/tokens/{tokenId}/rotate (RotateApiToken)
func (s *APITokensService) Rotate(ctx context.Context, organizationID, tokenID string) (*APIToken, *Response, error) {
	tok := new(APIToken)
	resp, err := s.client.call(ctx, "RotateApiToken", nil, nil, tok, organizationID, tokenID)
	if err != nil {
		return nil, resp, err
	}
	return tok, resp, nil
}

// Delete deletes an API token, irreversibly.
//
// Astro API: DELETE /organizations/{organizationId}/tokens/{tokenId} (DeleteApiToken)
func (s *APITokensService) Delete(ctx context.Context, organizationID, tokenID string) (*Response, error) {
	return s.client.del(ctx, "DeleteApiToken", organizationID, tokenID)
}

// ListAgentTokensOptions are the query parameters of ListAgentTokens.
// Sorts take name, description, createdAt, updatedAt, createdById,
// updatedById and tokenStartAt.
type ListAgentTokensOptions struct {
	ListOptions
}

// List lists the agent tokens of a Deployment.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/agent-tokens (ListAgentTokens)
func (s *AgentTokensService) List(ctx context.Context, organizationID, deploymentID string, opts *ListAgentTokensOptions) ([]*APIToken, *Response, error) {
	q := url.Values{}
	if opts != nil {
		opts.ListOptions.addTo(q)
	}
	return listAs[APIToken](ctx, s.client, "tokens", q, "ListAgentTokens", organizationID, deploymentID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/agent-tokens (ListAgentTokens)
func (s *AgentTokensService) ListIter(ctx context.Context, organizationID, deploymentID string, opts *ListAgentTokensOptions) iter.Seq2[*APIToken, error] {
	var start ListOptions
	if opts != nil {
		start = opts.ListOptions
		start.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(start, func(lo ListOptions) *ListAgentTokensOptions {
		return &ListAgentTokensOptions{ListOptions: lo}
	}, func(o *ListAgentTokensOptions) ([]*APIToken, *Response, error) {
		return s.List(ctx, organizationID, deploymentID, o)
	})
}

// Get fetches one agent token of a Deployment.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId} (GetAgentToken)
func (s *AgentTokensService) Get(ctx context.Context, organizationID, deploymentID, agentTokenID string) (*APIToken, *Response, error) {
	return getAs[APIToken](ctx, s.client, nil, "GetAgentToken", organizationID, deploymentID, agentTokenID)
}

// Create creates an agent token for a Deployment, returned with its secret.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/agent-tokens (CreateAgentToken)
func (s *AgentTokensService) Create(ctx context.Context, organizationID, deploymentID string, body *CreateAgentTokenRequest) (*APIToken, *Response, error) {
	return postAs[APIToken](ctx, s.client, body, "CreateAgentToken", organizationID, deploymentID)
}

// Delete deletes an agent token.
//
// Astro API: DELETE /organizations/{organizationId}/deployments/{deploymentId}/agent-tokens/{agentTokenId} (DeleteAgentToken)
func (s *AgentTokensService) Delete(ctx context.Context, organizationID, deploymentID, agentTokenID string) (*Response, error) {
	return s.client.del(ctx, "DeleteAgentToken", organizationID, deploymentID, agentTokenID)
}
