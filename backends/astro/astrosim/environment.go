package astrosim

// envObject is the spec's EnvironmentObject: a connection, Airflow
// variable, environment variable or metrics export defined for a workspace
// or deployment and linked to deployments. It is stored with its secrets;
// view masks them.
type envObject struct {
	AirflowVariable     *envValue         `json:"airflowVariable,omitempty"`
	AutoLinkDeployments bool              `json:"autoLinkDeployments"`
	Connection          *envConnection    `json:"connection,omitempty"`
	CreatedAt           string            `json:"createdAt,omitempty"`
	CreatedBy           *subject          `json:"createdBy,omitempty"`
	Description         string            `json:"description,omitempty"`
	EnvironmentVariable *envValue         `json:"environmentVariable,omitempty"`
	ExcludeLinks        []envScopeRef     `json:"excludeLinks,omitempty"`
	ID                  string            `json:"id"`
	Links               []envLink         `json:"links,omitempty"`
	MetricsExport       *envMetricsExport `json:"metricsExport,omitempty"`
	ObjectKey           string            `json:"objectKey"`
	ObjectType          string            `json:"objectType"`
	Scope               string            `json:"scope"`
	ScopeEntityID       string            `json:"scopeEntityId"`
	SetFields           []string          `json:"setFields"`
	SourceScope         string            `json:"sourceScope,omitempty"`
	SourceScopeEntityID string            `json:"sourceScopeEntityId,omitempty"`
	UpdatedAt           string            `json:"updatedAt,omitempty"`
	UpdatedBy           *subject          `json:"updatedBy,omitempty"`

	orgID string
}

// envValue is the spec's EnvironmentObjectAirflowVariable and
// EnvironmentObjectEnvironmentVariable.
type envValue struct {
	IsSecret bool   `json:"isSecret"`
	Value    string `json:"value"`
}

// envConnection is the spec's EnvironmentObjectConnection (type required)
// and EnvironmentObjectConnectionOverrides (type optional).
type envConnection struct {
	Extra    map[string]any `json:"extra,omitempty"`
	Host     string         `json:"host,omitempty"`
	Login    string         `json:"login,omitempty"`
	Password string         `json:"password,omitempty"`
	Port     int            `json:"port,omitempty"`
	Schema   string         `json:"schema,omitempty"`
	Type     string         `json:"type,omitempty"`
}

// envMetricsExport is the spec's EnvironmentObjectMetricsExport and its
// overrides.
type envMetricsExport struct {
	AuthType       string            `json:"authType,omitempty"`
	BasicToken     string            `json:"basicToken,omitempty"`
	Endpoint       string            `json:"endpoint,omitempty"`
	ExporterType   string            `json:"exporterType,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Password       string            `json:"password,omitempty"`
	SigV4AssumeArn string            `json:"sigV4AssumeArn,omitempty"`
	SigV4StsRegion string            `json:"sigV4StsRegion,omitempty"`
	Username       string            `json:"username,omitempty"`
}

// envScopeRef is the spec's EnvironmentObjectExcludeLink and the body of
// ExcludeLinkingEnvironmentObject.
type envScopeRef struct {
	Scope         string `json:"scope"`
	ScopeEntityID string `json:"scopeEntityId"`
}

// envLink is the spec's EnvironmentObjectLink.
type envLink struct {
	AirflowVariableOverrides     *envOverride      `json:"airflowVariableOverrides,omitempty"`
	ConnectionOverrides          *envConnection    `json:"connectionOverrides,omitempty"`
	EnvironmentVariableOverrides *envOverride      `json:"environmentVariableOverrides,omitempty"`
	MetricsExportOverrides       *envMetricsExport `json:"metricsExportOverrides,omitempty"`
	Scope                        string            `json:"scope"`
	ScopeEntityID                string            `json:"scopeEntityId"`
	SetFields                    []string          `json:"setFields"`
}

type envOverride struct {
	Value string `json:"value"`
}

func (o *envObject) sortKey(field string) string {
	switch field {
	case "id":
		return o.ID
	case "objectKey":
		return o.ObjectKey
	case "objectType":
		return o.ObjectType
	case "createdAt":
		return o.CreatedAt
	case "updatedAt":
		return o.UpdatedAt
	}
	return ""
}

// view returns o as the API shows it: secret values are masked unless
// showSecrets.
func (o *envObject) view(showSecrets bool) *envObject {
	if showSecrets {
		return o
	}
	v := *o
	mask := func(ev *envValue) *envValue {
		if ev == nil || !ev.IsSecret {
			return ev
		}
		return &envValue{IsSecret: true, Value: ""}
	}
	v.AirflowVariable, v.EnvironmentVariable = mask(o.AirflowVariable), mask(o.EnvironmentVariable)
	if o.Connection != nil {
		c := *o.Connection
		c.Password = ""
		v.Connection = &c
	}
	if o.MetricsExport != nil {
		m := *o.MetricsExport
		m.Password, m.BasicToken = "", ""
		v.MetricsExport = &m
	}
	v.Links = make([]envLink, len(o.Links))
	for i, l := range o.Links {
		if l.ConnectionOverrides != nil {
			c := *l.ConnectionOverrides
			c.Password = ""
			l.ConnectionOverrides = &c
		}
		if l.MetricsExportOverrides != nil {
			m := *l.MetricsExportOverrides
			m.Password, m.BasicToken = "", ""
			l.MetricsExportOverrides = &m
		}
		if (o.AirflowVariable != nil && o.AirflowVariable.IsSecret) || (o.EnvironmentVariable != nil && o.EnvironmentVariable.IsSecret) {
			l.AirflowVariableOverrides, l.EnvironmentVariableOverrides = maskOverride(l.AirflowVariableOverrides), maskOverride(l.EnvironmentVariableOverrides)
		}
		v.Links[i] = l
	}
	if len(v.Links) == 0 {
		v.Links = nil
	}
	return &v
}

func maskOverride(o *envOverride) *envOverride {
	if o == nil {
		return nil
	}
	return &envOverride{}
}
