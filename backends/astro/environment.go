package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
)

// EnvironmentObjectsService calls the operations of the spec's Environment
// tag: connections, Airflow variables, environment variables and metrics
// exports defined once for a Workspace or Deployment and linked to
// Deployments.
type EnvironmentObjectsService service

// EnvironmentObject is the spec's EnvironmentObject. Exactly one of
// AirflowVariable, Connection, EnvironmentVariable and MetricsExport is set,
// the one ObjectType names. Secret values are returned only when the list
// asks for them. CreatedAt and UpdatedAt are timestamps the spec types as
// plain strings, so they are kept as sent.
type EnvironmentObject struct {
	AirflowVariable     *EnvironmentObjectAirflowVariable     `json:"airflowVariable,omitempty"`
	AutoLinkDeployments *bool                                 `json:"autoLinkDeployments,omitempty"`
	Connection          *EnvironmentObjectConnection          `json:"connection,omitempty"`
	CreatedAt           *string                               `json:"createdAt,omitempty"`
	CreatedBy           *BasicSubjectProfile                  `json:"createdBy,omitempty"`
	Description         *string                               `json:"description,omitempty"`
	EnvironmentVariable *EnvironmentObjectEnvironmentVariable `json:"environmentVariable,omitempty"`
	ExcludeLinks        []EnvironmentObjectExcludeLink        `json:"excludeLinks,omitempty"`
	ID                  *string                               `json:"id,omitempty"`
	Links               []EnvironmentObjectLink               `json:"links,omitempty"`
	MetricsExport       *EnvironmentObjectMetricsExport       `json:"metricsExport,omitempty"`
	ObjectKey           string                                `json:"objectKey"`
	ObjectType          EnvironmentObjectType                 `json:"objectType"`
	Scope               EnvironmentObjectScope                `json:"scope"`
	ScopeEntityID       string                                `json:"scopeEntityId"`
	// SetFields names the fields that hold a value.
	SetFields []string `json:"setFields"`
	// SourceScope and SourceScopeEntityID say where an object listed with
	// ResolveLinked comes from.
	SourceScope         *EnvironmentObjectScope `json:"sourceScope,omitempty"`
	SourceScopeEntityID *string                 `json:"sourceScopeEntityId,omitempty"`
	UpdatedAt           *string                 `json:"updatedAt,omitempty"`
	UpdatedBy           *BasicSubjectProfile    `json:"updatedBy,omitempty"`
}

// EnvironmentObjectAirflowVariable is the spec's
// EnvironmentObjectAirflowVariable.
type EnvironmentObjectAirflowVariable struct {
	IsSecret bool   `json:"isSecret"`
	Value    string `json:"value"`
}

// EnvironmentObjectEnvironmentVariable is the spec's
// EnvironmentObjectEnvironmentVariable.
type EnvironmentObjectEnvironmentVariable struct {
	IsSecret bool   `json:"isSecret"`
	Value    string `json:"value"`
}

// EnvironmentObjectConnection is the spec's EnvironmentObjectConnection:
// an Airflow connection.
type EnvironmentObjectConnection struct {
	ConnectionAuthType *ConnectionAuthType `json:"connectionAuthType,omitempty"`
	Extra              map[string]any      `json:"extra,omitempty"`
	Host               *string             `json:"host,omitempty"`
	Login              *string             `json:"login,omitempty"`
	Password           *string             `json:"password,omitempty"`
	Port               *int                `json:"port,omitempty"`
	Schema             *string             `json:"schema,omitempty"`
	Type               string              `json:"type"`
}

// EnvironmentObjectMetricsExport is the spec's
// EnvironmentObjectMetricsExport: where a Deployment's metrics go.
type EnvironmentObjectMetricsExport struct {
	AuthType       *MetricsExportAuthType `json:"authType,omitempty"`
	BasicToken     *string                `json:"basicToken,omitempty"`
	Endpoint       string                 `json:"endpoint"`
	ExporterType   MetricsExporterType    `json:"exporterType"`
	Headers        map[string]string      `json:"headers,omitempty"`
	Labels         map[string]string      `json:"labels,omitempty"`
	Password       *string                `json:"password,omitempty"`
	SigV4AssumeArn *string                `json:"sigV4AssumeArn,omitempty"`
	SigV4StsRegion *string                `json:"sigV4StsRegion,omitempty"`
	Username       *string                `json:"username,omitempty"`
}

// EnvironmentObjectExcludeLink is the spec's EnvironmentObjectExcludeLink:
// a Deployment that an auto-linked object is kept away from.
type EnvironmentObjectExcludeLink struct {
	Scope         EnvironmentObjectScope `json:"scope"`
	ScopeEntityID string                 `json:"scopeEntityId"`
}

// EnvironmentObjectLink is the spec's EnvironmentObjectLink: a Deployment
// an object is linked to, with the values it overrides there.
type EnvironmentObjectLink struct {
	AirflowVariableOverrides     *EnvironmentObjectAirflowVariableOverrides     `json:"airflowVariableOverrides,omitempty"`
	ConnectionOverrides          *EnvironmentObjectConnectionOverrides          `json:"connectionOverrides,omitempty"`
	EnvironmentVariableOverrides *EnvironmentObjectEnvironmentVariableOverrides `json:"environmentVariableOverrides,omitempty"`
	MetricsExportOverrides       *EnvironmentObjectMetricsExportOverrides       `json:"metricsExportOverrides,omitempty"`
	Scope                        EnvironmentObjectScope                         `json:"scope"`
	ScopeEntityID                string                                         `json:"scopeEntityId"`
	SetFields                    []string                                       `json:"setFields"`
}

// EnvironmentObjectAirflowVariableOverrides is the spec's
// EnvironmentObjectAirflowVariableOverrides.
type EnvironmentObjectAirflowVariableOverrides struct {
	Value string `json:"value"`
}

// EnvironmentObjectEnvironmentVariableOverrides is the spec's
// EnvironmentObjectEnvironmentVariableOverrides.
type EnvironmentObjectEnvironmentVariableOverrides struct {
	Value string `json:"value"`
}

// EnvironmentObjectConnectionOverrides is the spec's
// EnvironmentObjectConnectionOverrides.
type EnvironmentObjectConnectionOverrides struct {
	Extra    map[string]any `json:"extra,omitempty"`
	Host     *string        `json:"host,omitempty"`
	Login    *string        `json:"login,omitempty"`
	Password *string        `json:"password,omitempty"`
	Port     *int           `json:"port,omitempty"`
	Schema   *string        `json:"schema,omitempty"`
	Type     *string        `json:"type,omitempty"`
}

// EnvironmentObjectMetricsExportOverrides is the spec's
// EnvironmentObjectMetricsExportOverrides.
type EnvironmentObjectMetricsExportOverrides struct {
	AuthType       *MetricsExportAuthType `json:"authType,omitempty"`
	BasicToken     *string                `json:"basicToken,omitempty"`
	Endpoint       *string                `json:"endpoint,omitempty"`
	ExporterType   *MetricsExporterType   `json:"exporterType,omitempty"`
	Headers        map[string]string      `json:"headers,omitempty"`
	Labels         map[string]string      `json:"labels,omitempty"`
	Password       *string                `json:"password,omitempty"`
	SigV4AssumeArn *string                `json:"sigV4AssumeArn,omitempty"`
	SigV4StsRegion *string                `json:"sigV4StsRegion,omitempty"`
	Username       *string                `json:"username,omitempty"`
}

// ConnectionAuthType is the spec's ConnectionAuthType: a way to
// authenticate a connection of one Airflow connection type.
type ConnectionAuthType struct {
	AirflowType         string                        `json:"airflowType"`
	AuthMethodName      string                        `json:"authMethodName"`
	Description         string                        `json:"description"`
	GuidePath           *string                       `json:"guidePath,omitempty"`
	ID                  string                        `json:"id"`
	Name                string                        `json:"name"`
	Parameters          []ConnectionAuthTypeParameter `json:"parameters"`
	ProviderLogo        *string                       `json:"providerLogo,omitempty"`
	ProviderPackageName string                        `json:"providerPackageName"`
}

// ConnectionAuthTypeParameter is the spec's ConnectionAuthTypeParameter.
type ConnectionAuthTypeParameter struct {
	AirflowParamName string  `json:"airflowParamName"`
	DataType         string  `json:"dataType"`
	Description      string  `json:"description"`
	Example          *string `json:"example,omitempty"`
	FriendlyName     string  `json:"friendlyName"`
	IsInExtra        bool    `json:"isInExtra"`
	IsRequired       bool    `json:"isRequired"`
	IsSecret         bool    `json:"isSecret"`
	Pattern          *string `json:"pattern,omitempty"`
}

// EnvironmentObjectType is the kind of an environment object.
type EnvironmentObjectType string

// The spec's environment object types.
const (
	EnvironmentObjectConnectionType          EnvironmentObjectType = "CONNECTION"
	EnvironmentObjectEnvironmentVariableType EnvironmentObjectType = "ENVIRONMENT_VARIABLE"
	EnvironmentObjectAirflowVariableType     EnvironmentObjectType = "AIRFLOW_VARIABLE"
	EnvironmentObjectMetricsExportType       EnvironmentObjectType = "METRICS_EXPORT"
)

// EnvironmentObjectScope is where an environment object is defined or
// linked. Links and exclusions are always DEPLOYMENT.
type EnvironmentObjectScope string

// The spec's environment object scopes.
const (
	EnvironmentObjectScopeWorkspace  EnvironmentObjectScope = "WORKSPACE"
	EnvironmentObjectScopeDeployment EnvironmentObjectScope = "DEPLOYMENT"
)

// MetricsExportAuthType is how a metrics export authenticates.
type MetricsExportAuthType string

// The spec's metrics export auth types.
const (
	MetricsExportAuthBasic     MetricsExportAuthType = "BASIC"
	MetricsExportAuthAuthToken MetricsExportAuthType = "AUTH_TOKEN"
	MetricsExportAuthSigV4     MetricsExportAuthType = "SIGV4"
)

// MetricsExporterType is the protocol of a metrics export.
type MetricsExporterType string

// The spec's only exporter type.
const MetricsExporterPrometheus MetricsExporterType = "PROMETHEUS"

// ListEnvironmentObjectsOptions are the query parameters of
// ListEnvironmentObjects. Empty fields are omitted. Sorts take objectType,
// objectKey, createdAt and updatedAt.
type ListEnvironmentObjectsOptions struct {
	WorkspaceID  string
	DeploymentID string
	ObjectType   EnvironmentObjectType
	ObjectKey    string
	// ShowSecrets returns secret values too.
	ShowSecrets bool
	// ResolveLinked also returns the objects linked to the given Workspace
	// or Deployment from elsewhere.
	ResolveLinked bool

	ListOptions
}

func (o *ListEnvironmentObjectsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addString(q, "workspaceId", o.WorkspaceID)
	addString(q, "deploymentId", o.DeploymentID)
	addString(q, "objectType", string(o.ObjectType))
	addString(q, "objectKey", o.ObjectKey)
	addBool(q, "showSecrets", o.ShowSecrets)
	addBool(q, "resolveLinked", o.ResolveLinked)
	o.ListOptions.addTo(q)
	return q
}

// List lists the environment objects of an Organization.
//
// Astro API: GET /organizations/{organizationId}/environment-objects (ListEnvironmentObjects)
func (s *EnvironmentObjectsService) List(ctx context.Context, organizationID string, opts *ListEnvironmentObjectsOptions) ([]*EnvironmentObject, *Response, error) {
	return listAs[EnvironmentObject](ctx, s.client, "environmentObjects", opts.values(), "ListEnvironmentObjects", organizationID)
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/environment-objects (ListEnvironmentObjects)
func (s *EnvironmentObjectsService) ListIter(ctx context.Context, organizationID string, opts *ListEnvironmentObjectsOptions) iter.Seq2[*EnvironmentObject, error] {
	var o ListEnvironmentObjectsOptions
	if opts != nil {
		o = *opts
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterFrom(o.ListOptions, func(lo ListOptions) *ListEnvironmentObjectsOptions {
		o := o
		o.ListOptions = lo
		return &o
	}, func(o *ListEnvironmentObjectsOptions) ([]*EnvironmentObject, *Response, error) {
		return s.List(ctx, organizationID, o)
	})
}

// Get fetches one environment object.
//
// Astro API: GET /organizations/{organizationId}/environment-objects/{environmentObjectId} (GetEnvironmentObject)
func (s *EnvironmentObjectsService) Get(ctx context.Context, organizationID, environmentObjectID string) (*EnvironmentObject, *Response, error) {
	return getAs[EnvironmentObject](ctx, s.client, nil, "GetEnvironmentObject", organizationID, environmentObjectID)
}

// Create creates an environment object and returns its ID; the API answers
// with nothing else.
//
// Astro API: POST /organizations/{organizationId}/environment-objects (CreateEnvironmentObject)
func (s *EnvironmentObjectsService) Create(ctx context.Context, organizationID string, body *CreateEnvironmentObjectRequest) (string, *Response, error) {
	created, resp, err := postAs[struct {
		ID string `json:"id"`
	}](ctx, s.client, body, "CreateEnvironmentObject", organizationID)
	if err != nil {
		return "", resp, err
	}
	return created.ID, resp, nil
}

// Update changes an environment object; fields left nil keep their value.
//
// Astro API: POST /organizations/{organizationId}/environment-objects/{environmentObjectId} (UpdateEnvironmentObject)
func (s *EnvironmentObjectsService) Update(ctx context.Context, organizationID, environmentObjectID string, body *UpdateEnvironmentObjectRequest) (*EnvironmentObject, *Response, error) {
	return postAs[EnvironmentObject](ctx, s.client, body, "UpdateEnvironmentObject", organizationID, environmentObjectID)
}

// ExcludeLinking keeps an auto-linked object away from one Deployment.
//
// Astro API: POST /organizations/{organizationId}/environment-objects/{environmentObjectId}/exclude-linking (ExcludeLinkingEnvironmentObject)
func (s *EnvironmentObjectsService) ExcludeLinking(ctx context.Context, organizationID, environmentObjectID string, body *ExcludeLinkEnvironmentObjectRequest) (*Response, error) {
	return postNoContent(ctx, s.client, body, "ExcludeLinkingEnvironmentObject", organizationID, environmentObjectID)
}

// Delete deletes an environment object.
//
// Astro API: DELETE /organizations/{organizationId}/environment-objects/{environmentObjectId} (DeleteEnvironmentObject)
func (s *EnvironmentObjectsService) Delete(ctx context.Context, organizationID, environmentObjectID string) (*Response, error) {
	return s.client.del(ctx, "DeleteEnvironmentObject", organizationID, environmentObjectID)
}
