package astrosim

import (
	"maps"
	"slices"
)

// envBody is the union of CreateEnvironmentObjectRequest and
// UpdateEnvironmentObjectRequest.
type envBody struct {
	ObjectKey           *string            `json:"objectKey"`
	ObjectType          *string            `json:"objectType"`
	Scope               *string            `json:"scope"`
	ScopeEntityID       *string            `json:"scopeEntityId"`
	Description         *string            `json:"description"`
	AutoLinkDeployments *bool              `json:"autoLinkDeployments"`
	AirflowVariable     *envValueBody      `json:"airflowVariable"`
	EnvironmentVariable *envValueBody      `json:"environmentVariable"`
	Connection          *envConnectionBody `json:"connection"`
	MetricsExport       *envMetricsBody    `json:"metricsExport"`
	Links               *[]envLinkBody     `json:"links"`
	ExcludeLinks        *[]envScopeRef     `json:"excludeLinks"`
}

type envValueBody struct {
	IsSecret *bool   `json:"isSecret"`
	Value    *string `json:"value"`
}

type envConnectionBody struct {
	AuthTypeID *string        `json:"authTypeId"`
	Extra      map[string]any `json:"extra"`
	Host       *string        `json:"host"`
	Login      *string        `json:"login"`
	Password   *string        `json:"password"`
	Port       *int           `json:"port"`
	Schema     *string        `json:"schema"`
	Type       *string        `json:"type"`
}

type envMetricsBody struct {
	AuthType       *string           `json:"authType"`
	BasicToken     *string           `json:"basicToken"`
	Endpoint       *string           `json:"endpoint"`
	ExporterType   *string           `json:"exporterType"`
	Headers        map[string]string `json:"headers"`
	Labels         map[string]string `json:"labels"`
	Password       *string           `json:"password"`
	SigV4AssumeArn *string           `json:"sigV4AssumeArn"`
	SigV4StsRegion *string           `json:"sigV4StsRegion"`
	Username       *string           `json:"username"`
}

type envLinkBody struct {
	Scope         *string `json:"scope"`
	ScopeEntityID *string `json:"scopeEntityId"`
	Overrides     *struct {
		AirflowVariable     *envValueBody      `json:"airflowVariable"`
		EnvironmentVariable *envValueBody      `json:"environmentVariable"`
		Connection          *envConnectionBody `json:"connection"`
		MetricsExport       *envMetricsBody    `json:"metricsExport"`
		UnsetFields         []string           `json:"unsetFields"`
	} `json:"overrides"`
}

// applyConnection merges b into c and returns the names of the set fields.
func applyConnection(c *envConnection, b *envConnectionBody) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Type, b.Type)
	set(&c.Host, b.Host)
	set(&c.Login, b.Login)
	set(&c.Password, b.Password)
	set(&c.Schema, b.Schema)
	if b.Port != nil {
		c.Port = *b.Port
	}
	if b.Extra != nil {
		c.Extra = maps.Clone(b.Extra)
	}
}

func applyMetrics(m *envMetricsExport, b *envMetricsBody) {
	for dst, v := range map[*string]*string{
		&m.AuthType: b.AuthType, &m.BasicToken: b.BasicToken, &m.Endpoint: b.Endpoint, &m.ExporterType: b.ExporterType,
		&m.Password: b.Password, &m.SigV4AssumeArn: b.SigV4AssumeArn, &m.SigV4StsRegion: b.SigV4StsRegion, &m.Username: b.Username,
	} {
		if v != nil {
			*dst = *v
		}
	}
	if b.Headers != nil {
		m.Headers = maps.Clone(b.Headers)
	}
	if b.Labels != nil {
		m.Labels = maps.Clone(b.Labels)
	}
}

func connectionFields(c *envConnection) []string {
	out := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{{"type", c.Type != ""}, {"host", c.Host != ""}, {"login", c.Login != ""}, {"password", c.Password != ""},
		{"port", c.Port != 0}, {"schema", c.Schema != ""}, {"extra", len(c.Extra) > 0}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

func metricsFields(m *envMetricsExport) []string {
	out := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{{"endpoint", m.Endpoint != ""}, {"exporterType", m.ExporterType != ""}, {"authType", m.AuthType != ""},
		{"basicToken", m.BasicToken != ""}, {"username", m.Username != ""}, {"password", m.Password != ""},
		{"sigV4AssumeArn", m.SigV4AssumeArn != ""}, {"sigV4StsRegion", m.SigV4StsRegion != ""},
		{"headers", len(m.Headers) > 0}, {"labels", len(m.Labels) > 0}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// setFields lists the fields of the object's value that hold something.
func (o *envObject) setFields() []string {
	switch {
	case o.Connection != nil:
		return connectionFields(o.Connection)
	case o.MetricsExport != nil:
		return metricsFields(o.MetricsExport)
	default:
		return []string{"value"}
	}
}

func checkMetrics(k *checker, field string, m *envMetricsBody) {
	k.oneOf(field+".authType", m.AuthType, "BASIC", "AUTH_TOKEN", "SIGV4")
	k.oneOf(field+".exporterType", m.ExporterType, "PROMETHEUS")
}

// checkEnvValue validates the value object that objectType names.
func (b *envBody) checkValue(k *checker, objectType string, create bool) {
	switch objectType {
	case "CONNECTION":
		if create && k.required("connection", b.Connection != nil) {
			k.requiredText("connection.type", b.Connection.Type, 0)
		}
		if b.Connection != nil {
			k.intRange("connection.port", b.Connection.Port, 1, 65535)
		}
	case "AIRFLOW_VARIABLE":
		if create {
			k.required("airflowVariable", b.AirflowVariable != nil)
		}
	case "ENVIRONMENT_VARIABLE":
		if create {
			k.required("environmentVariable", b.EnvironmentVariable != nil)
		}
	case "METRICS_EXPORT":
		if create && k.required("metricsExport", b.MetricsExport != nil) {
			k.requiredText("metricsExport.endpoint", b.MetricsExport.Endpoint, 0)
			k.required("metricsExport.exporterType", b.MetricsExport.ExporterType != nil)
		}
		if b.MetricsExport != nil {
			checkMetrics(k, "metricsExport", b.MetricsExport)
		}
	}
}

// buildLinks validates and builds the links of a workspace-level object:
// deployments of that workspace, with overrides. Callers hold s.mu.
func (s *Sim) buildLinks(o *envObject, bodies []envLinkBody, k *checker) []envLink {
	var out []envLink
	for i, lb := range bodies {
		f := fieldAt("links", i)
		if k.required(f+".scope", lb.Scope != nil) {
			k.oneOf(f+".scope", lb.Scope, "DEPLOYMENT")
		}
		if !k.required(f+".scopeEntityId", lb.ScopeEntityID != nil) {
			continue
		}
		if d, ok := s.data.deployments[*lb.ScopeEntityID]; !ok || d.OrganizationID != o.orgID || o.Scope != "WORKSPACE" || d.WorkspaceID != o.ScopeEntityID {
			k.fail(f+".scopeEntityId", "exists", "names no Deployment of Workspace '%s': '%s'", o.ScopeEntityID, *lb.ScopeEntityID)
			continue
		}
		l := envLink{Scope: "DEPLOYMENT", ScopeEntityID: *lb.ScopeEntityID, SetFields: []string{}}
		if ov := lb.Overrides; ov != nil {
			switch {
			case ov.AirflowVariable != nil && ov.AirflowVariable.Value != nil:
				l.AirflowVariableOverrides, l.SetFields = &envOverride{Value: *ov.AirflowVariable.Value}, []string{"value"}
			case ov.EnvironmentVariable != nil && ov.EnvironmentVariable.Value != nil:
				l.EnvironmentVariableOverrides, l.SetFields = &envOverride{Value: *ov.EnvironmentVariable.Value}, []string{"value"}
			case ov.Connection != nil:
				c := &envConnection{}
				applyConnection(c, ov.Connection)
				l.ConnectionOverrides, l.SetFields = c, connectionFields(c)
			case ov.MetricsExport != nil:
				checkMetrics(k, f+".overrides.metricsExport", ov.MetricsExport)
				m := &envMetricsExport{}
				applyMetrics(m, ov.MetricsExport)
				l.MetricsExportOverrides, l.SetFields = m, metricsFields(m)
			}
		}
		out = append(out, l)
	}
	return out
}

// buildExcludes validates exclusions: deployments of the object's
// workspace. Callers hold s.mu.
func (s *Sim) buildExcludes(o *envObject, refs []envScopeRef, k *checker) []envScopeRef {
	var out []envScopeRef
	for i, r := range refs {
		f := fieldAt("excludeLinks", i)
		k.oneOf(f+".scope", &r.Scope, "DEPLOYMENT")
		if d, ok := s.data.deployments[r.ScopeEntityID]; !ok || d.OrganizationID != o.orgID {
			k.fail(f+".scopeEntityId", "exists", "names no Deployment of the Organization: '%s'", r.ScopeEntityID)
			continue
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
