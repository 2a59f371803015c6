package astro

// CreateEnvironmentObjectRequest is the body of CreateEnvironmentObject.
// Set the one value object that ObjectType names (Connection for
// CONNECTION, and so on). Scope is WORKSPACE or DEPLOYMENT and
// ScopeEntityID that Workspace's or Deployment's ID.
type CreateEnvironmentObjectRequest struct {
	AirflowVariable     *CreateEnvironmentObjectAirflowVariableRequest     `json:"airflowVariable,omitempty"`
	AutoLinkDeployments *bool                                              `json:"autoLinkDeployments,omitempty"`
	Connection          *CreateEnvironmentObjectConnectionRequest          `json:"connection,omitempty"`
	Description         *string                                            `json:"description,omitempty"`
	EnvironmentVariable *CreateEnvironmentObjectEnvironmentVariableRequest `json:"environmentVariable,omitempty"`
	ExcludeLinks        []ExcludeLinkEnvironmentObjectRequest              `json:"excludeLinks,omitempty"`
	Links               []CreateEnvironmentObjectLinkRequest               `json:"links,omitempty"`
	MetricsExport       *CreateEnvironmentObjectMetricsExportRequest       `json:"metricsExport,omitempty"`
	ObjectKey           string                                             `json:"objectKey"`
	ObjectType          EnvironmentObjectType                              `json:"objectType"`
	Scope               EnvironmentObjectScope                             `json:"scope"`
	ScopeEntityID       string                                             `json:"scopeEntityId"`
}

// CreateEnvironmentObjectAirflowVariableRequest is the spec's
// CreateEnvironmentObjectAirflowVariableRequest.
type CreateEnvironmentObjectAirflowVariableRequest struct {
	IsSecret *bool   `json:"isSecret,omitempty"`
	Value    *string `json:"value,omitempty"`
}

// CreateEnvironmentObjectEnvironmentVariableRequest is the spec's
// CreateEnvironmentObjectEnvironmentVariableRequest.
type CreateEnvironmentObjectEnvironmentVariableRequest struct {
	IsSecret *bool   `json:"isSecret,omitempty"`
	Value    *string `json:"value,omitempty"`
}

// CreateEnvironmentObjectConnectionRequest is the spec's
// CreateEnvironmentObjectConnectionRequest.
type CreateEnvironmentObjectConnectionRequest struct {
	AuthTypeID *string        `json:"authTypeId,omitempty"`
	Extra      map[string]any `json:"extra,omitempty"`
	Host       *string        `json:"host,omitempty"`
	Login      *string        `json:"login,omitempty"`
	Password   *string        `json:"password,omitempty"`
	Port       *int           `json:"port,omitempty"`
	Schema     *string        `json:"schema,omitempty"`
	Type       string         `json:"type"`
}

// CreateEnvironmentObjectMetricsExportRequest is the spec's
// CreateEnvironmentObjectMetricsExportRequest.
type CreateEnvironmentObjectMetricsExportRequest struct {
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

// CreateEnvironmentObjectLinkRequest is the spec's
// CreateEnvironmentObjectLinkRequest: link to a Deployment.
type CreateEnvironmentObjectLinkRequest struct {
	Overrides     *CreateEnvironmentObjectOverridesRequest `json:"overrides,omitempty"`
	Scope         EnvironmentObjectScope                   `json:"scope"`
	ScopeEntityID string                                   `json:"scopeEntityId"`
}

// CreateEnvironmentObjectOverridesRequest is the spec's
// CreateEnvironmentObjectOverridesRequest.
type CreateEnvironmentObjectOverridesRequest struct {
	AirflowVariable     *CreateEnvironmentObjectAirflowVariableOverridesRequest     `json:"airflowVariable,omitempty"`
	Connection          *CreateEnvironmentObjectConnectionOverridesRequest          `json:"connection,omitempty"`
	EnvironmentVariable *CreateEnvironmentObjectEnvironmentVariableOverridesRequest `json:"environmentVariable,omitempty"`
	MetricsExport       *CreateEnvironmentObjectMetricsExportOverridesRequest       `json:"metricsExport,omitempty"`
}

// CreateEnvironmentObjectAirflowVariableOverridesRequest is the spec's
// CreateEnvironmentObjectAirflowVariableOverridesRequest.
type CreateEnvironmentObjectAirflowVariableOverridesRequest struct {
	Value *string `json:"value,omitempty"`
}

// CreateEnvironmentObjectEnvironmentVariableOverridesRequest is the spec's
// CreateEnvironmentObjectEnvironmentVariableOverridesRequest.
type CreateEnvironmentObjectEnvironmentVariableOverridesRequest struct {
	Value *string `json:"value,omitempty"`
}

// CreateEnvironmentObjectConnectionOverridesRequest is the spec's
// CreateEnvironmentObjectConnectionOverridesRequest.
type CreateEnvironmentObjectConnectionOverridesRequest struct {
	Extra    map[string]any `json:"extra,omitempty"`
	Host     *string        `json:"host,omitempty"`
	Login    *string        `json:"login,omitempty"`
	Password *string        `json:"password,omitempty"`
	Port     *int           `json:"port,omitempty"`
	Schema   *string        `json:"schema,omitempty"`
	Type     *string        `json:"type,omitempty"`
}

// CreateEnvironmentObjectMetricsExportOverridesRequest is the spec's
// CreateEnvironmentObjectMetricsExportOverridesRequest.
type CreateEnvironmentObjectMetricsExportOverridesRequest struct {
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

// ExcludeLinkEnvironmentObjectRequest is the spec's
// ExcludeLinkEnvironmentObjectRequest; Scope is DEPLOYMENT.
type ExcludeLinkEnvironmentObjectRequest struct {
	Scope         EnvironmentObjectScope `json:"scope"`
	ScopeEntityID string                 `json:"scopeEntityId"`
}

// UpdateEnvironmentObjectRequest is the body of UpdateEnvironmentObject.
// Nil fields keep their value; Links and ExcludeLinks, when set, replace
// the lists.
type UpdateEnvironmentObjectRequest struct {
	AirflowVariable     *UpdateEnvironmentObjectAirflowVariableRequest     `json:"airflowVariable,omitempty"`
	AutoLinkDeployments *bool                                              `json:"autoLinkDeployments,omitempty"`
	Connection          *UpdateEnvironmentObjectConnectionRequest          `json:"connection,omitempty"`
	Description         *string                                            `json:"description,omitempty"`
	EnvironmentVariable *UpdateEnvironmentObjectEnvironmentVariableRequest `json:"environmentVariable,omitempty"`
	ExcludeLinks        []ExcludeLinkEnvironmentObjectRequest              `json:"excludeLinks,omitempty"`
	Links               []UpdateEnvironmentObjectLinkRequest               `json:"links,omitempty"`
	MetricsExport       *UpdateEnvironmentObjectMetricsExportRequest       `json:"metricsExport,omitempty"`
}

// UpdateEnvironmentObjectAirflowVariableRequest is the spec's
// UpdateEnvironmentObjectAirflowVariableRequest.
type UpdateEnvironmentObjectAirflowVariableRequest struct {
	Value *string `json:"value,omitempty"`
}

// UpdateEnvironmentObjectEnvironmentVariableRequest is the spec's
// UpdateEnvironmentObjectEnvironmentVariableRequest.
type UpdateEnvironmentObjectEnvironmentVariableRequest struct {
	Value *string `json:"value,omitempty"`
}

// UpdateEnvironmentObjectConnectionRequest is the spec's
// UpdateEnvironmentObjectConnectionRequest.
type UpdateEnvironmentObjectConnectionRequest struct {
	AuthTypeID *string        `json:"authTypeId,omitempty"`
	Extra      map[string]any `json:"extra,omitempty"`
	Host       *string        `json:"host,omitempty"`
	Login      *string        `json:"login,omitempty"`
	Password   *string        `json:"password,omitempty"`
	Port       *int           `json:"port,omitempty"`
	Schema     *string        `json:"schema,omitempty"`
	Type       string         `json:"type"`
}

// UpdateEnvironmentObjectMetricsExportRequest is the spec's
// UpdateEnvironmentObjectMetricsExportRequest.
type UpdateEnvironmentObjectMetricsExportRequest struct {
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

// UpdateEnvironmentObjectLinkRequest is the spec's
// UpdateEnvironmentObjectLinkRequest.
type UpdateEnvironmentObjectLinkRequest struct {
	Overrides     *UpdateEnvironmentObjectOverridesRequest `json:"overrides,omitempty"`
	Scope         EnvironmentObjectScope                   `json:"scope"`
	ScopeEntityID string                                   `json:"scopeEntityId"`
}

// UpdateEnvironmentObjectOverridesRequest is the spec's
// UpdateEnvironmentObjectOverridesRequest. UnsetFields (at most 100) names
// overrides to remove.
type UpdateEnvironmentObjectOverridesRequest struct {
	AirflowVariable     *UpdateEnvironmentObjectAirflowVariableOverridesRequest     `json:"airflowVariable,omitempty"`
	Connection          *UpdateEnvironmentObjectConnectionOverridesRequest          `json:"connection,omitempty"`
	EnvironmentVariable *UpdateEnvironmentObjectEnvironmentVariableOverridesRequest `json:"environmentVariable,omitempty"`
	MetricsExport       *UpdateEnvironmentObjectMetricsExportOverridesRequest       `json:"metricsExport,omitempty"`
	UnsetFields         []string                                                    `json:"unsetFields,omitempty"`
}

// UpdateEnvironmentObjectAirflowVariableOverridesRequest is the spec's
// UpdateEnvironmentObjectAirflowVariableOverridesRequest.
type UpdateEnvironmentObjectAirflowVariableOverridesRequest struct {
	Value *string `json:"value,omitempty"`
}

// UpdateEnvironmentObjectEnvironmentVariableOverridesRequest is the spec's
// UpdateEnvironmentObjectEnvironmentVariableOverridesRequest.
type UpdateEnvironmentObjectEnvironmentVariableOverridesRequest struct {
	Value *string `json:"value,omitempty"`
}

// UpdateEnvironmentObjectConnectionOverridesRequest is the spec's
// UpdateEnvironmentObjectConnectionOverridesRequest.
type UpdateEnvironmentObjectConnectionOverridesRequest struct {
	Extra    map[string]any `json:"extra,omitempty"`
	Host     *string        `json:"host,omitempty"`
	Login    *string        `json:"login,omitempty"`
	Password *string        `json:"password,omitempty"`
	Port     *int           `json:"port,omitempty"`
	Schema   *string        `json:"schema,omitempty"`
	Type     *string        `json:"type,omitempty"`
}

// UpdateEnvironmentObjectMetricsExportOverridesRequest is the spec's
// UpdateEnvironmentObjectMetricsExportOverridesRequest.
type UpdateEnvironmentObjectMetricsExportOverridesRequest struct {
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
