package astrosim

import (
	"maps"
	"net/http"
	"slices"
)

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

// listEnvObjects serves ListEnvironmentObjects. With resolveLinked and a
// deploymentId, the workspace objects linked to that deployment (linked
// explicitly, or auto-linked and not excluded) come too, with their
// overrides applied and sourceScope naming their workspace.
func (s *Sim) listEnvObjects(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, noMaxLimit, "objectType", "objectKey", "createdAt", "updatedAt")
	var typ string
	var show, resolve bool
	if err == nil {
		typ, err = enumParam(q, "objectType", "CONNECTION", "ENVIRONMENT_VARIABLE", "AIRFLOW_VARIABLE", "METRICS_EXPORT")
	}
	if err == nil {
		show, err = boolParam(q, "showSecrets")
	}
	if err == nil {
		resolve, err = boolParam(q, "resolveLinked")
	}
	if err != nil {
		c.fail(err)
		return
	}
	wsID, depID, key := q.Get("workspaceId"), q.Get("deploymentId"), q.Get("objectKey")
	s.mu.RLock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.envObjects.access")
	var list []*envObject
	if err == nil {
		for _, o := range s.data.envObjects {
			if o.orgID != org.ID || (typ != "" && o.ObjectType != typ) || (key != "" && o.ObjectKey != key) {
				continue
			}
			switch {
			case depID != "" && o.Scope == "DEPLOYMENT" && o.ScopeEntityID == depID:
				list = append(list, o.view(show))
			case depID != "":
				if l, ok := s.linkedTo(o, depID); ok && resolve {
					list = append(list, resolved(o, l, depID).view(show))
				}
			case wsID != "":
				if o.Scope == "WORKSPACE" && o.ScopeEntityID == wsID {
					list = append(list, o.view(show))
				} else if d, ok := s.data.deployments[o.ScopeEntityID]; ok && resolve && o.Scope == "DEPLOYMENT" && d.WorkspaceID == wsID {
					list = append(list, o.view(show))
				}
			default:
				list = append(list, o.view(show))
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, lq.sorts)
	c.json(http.StatusOK, pageOf("environmentObjects", list, lq))
}

// linkedTo reports whether a workspace-level object applies to a
// deployment, and with which link. Callers hold s.mu.
func (s *Sim) linkedTo(o *envObject, depID string) (*envLink, bool) {
	d, ok := s.data.deployments[depID]
	if !ok || o.Scope != "WORKSPACE" || d.WorkspaceID != o.ScopeEntityID {
		return nil, false
	}
	for i := range o.Links {
		if o.Links[i].ScopeEntityID == depID {
			return &o.Links[i], true
		}
	}
	excluded := slices.ContainsFunc(o.ExcludeLinks, func(r envScopeRef) bool { return r.ScopeEntityID == depID })
	return nil, o.AutoLinkDeployments && !excluded
}

// resolved is o as it applies to a deployment: the link's overrides on top
// of the values.
func resolved(o *envObject, l *envLink, depID string) *envObject {
	v := *o
	v.SourceScope, v.SourceScopeEntityID = o.Scope, o.ScopeEntityID
	v.Scope, v.ScopeEntityID, v.Links, v.ExcludeLinks = "DEPLOYMENT", depID, nil, nil
	if l == nil {
		return &v
	}
	if l.AirflowVariableOverrides != nil && o.AirflowVariable != nil {
		v.AirflowVariable = &envValue{IsSecret: o.AirflowVariable.IsSecret, Value: l.AirflowVariableOverrides.Value}
	}
	if l.EnvironmentVariableOverrides != nil && o.EnvironmentVariable != nil {
		v.EnvironmentVariable = &envValue{IsSecret: o.EnvironmentVariable.IsSecret, Value: l.EnvironmentVariableOverrides.Value}
	}
	if l.ConnectionOverrides != nil && o.Connection != nil {
		c := *o.Connection
		ov := l.ConnectionOverrides
		applyConnection(&c, &envConnectionBody{Type: nonEmpty(ov.Type), Host: nonEmpty(ov.Host), Login: nonEmpty(ov.Login),
			Password: nonEmpty(ov.Password), Schema: nonEmpty(ov.Schema), Extra: ov.Extra})
		if ov.Port != 0 {
			c.Port = ov.Port
		}
		v.Connection = &c
	}
	if l.MetricsExportOverrides != nil && o.MetricsExport != nil {
		m := *o.MetricsExport
		ov := l.MetricsExportOverrides
		applyMetrics(&m, &envMetricsBody{Endpoint: nonEmpty(ov.Endpoint), AuthType: nonEmpty(ov.AuthType), Username: nonEmpty(ov.Username),
			Password: nonEmpty(ov.Password), BasicToken: nonEmpty(ov.BasicToken), Headers: ov.Headers, Labels: ov.Labels})
		v.MetricsExport = &m
	}
	v.SetFields = v.setFields()
	return &v
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// envObjectOf finds an environment object of the organization. Callers
// hold s.mu.
func (s *Sim) envObjectOf(c *call) (*envObject, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.envObjects.access")
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("environmentObjectId")
	o, ok := s.data.envObjects[id]
	if !ok || o.orgID != org.ID {
		return nil, notFound("Environment object", id)
	}
	return o, nil
}

// getEnvObject serves GetEnvironmentObject, with secrets masked.
func (s *Sim) getEnvObject(c *call) {
	s.mu.RLock()
	o, err := s.envObjectOf(c)
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, o.view(false))
}

// createEnvObject serves CreateEnvironmentObject and answers {id}. An
// object with the same key and type in the same scope is a 409. The
// operation declares no 400; the simulator still answers a malformed body
// with the API's usual 400.
func (s *Sim) createEnvObject(c *call) {
	var b envBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.requiredText("objectKey", b.ObjectKey, 250)
	if k.required("objectType", b.ObjectType != nil) {
		k.oneOf("objectType", b.ObjectType, "CONNECTION", "ENVIRONMENT_VARIABLE", "AIRFLOW_VARIABLE", "METRICS_EXPORT")
	}
	if k.required("scope", b.Scope != nil) {
		k.oneOf("scope", b.Scope, "WORKSPACE", "DEPLOYMENT")
	}
	k.requiredText("scopeEntityId", b.ScopeEntityID, 0)
	k.text("description", b.Description, 500, false)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	b.checkValue(&k, *b.ObjectType, true)
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.envObjects.access")
	if err == nil {
		err = s.checkScopeEntity(org.ID, *b.Scope, *b.ScopeEntityID)
	}
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	for _, o := range s.data.envObjects {
		if o.orgID == org.ID && o.Scope == *b.Scope && o.ScopeEntityID == *b.ScopeEntityID && o.ObjectType == *b.ObjectType && o.ObjectKey == *b.ObjectKey {
			c.fail(errorf(http.StatusConflict, "Conflict: a %s '%s' already exists in %s '%s'", o.ObjectType, o.ObjectKey, o.Scope, o.ScopeEntityID))
			return
		}
	}
	by := c.p.subject
	o := &envObject{
		ID: s.ids.id(c.now), ObjectKey: *b.ObjectKey, ObjectType: *b.ObjectType, Scope: *b.Scope, ScopeEntityID: *b.ScopeEntityID,
		Description: deref(b.Description), AutoLinkDeployments: deref(b.AutoLinkDeployments),
		CreatedAt: stamp(c.now), CreatedBy: &by, UpdatedAt: stamp(c.now), UpdatedBy: &by, orgID: org.ID,
	}
	s.setEnvValue(o, &b)
	o.Links = s.buildLinks(o, deref(b.Links), &k)
	o.ExcludeLinks = s.buildExcludes(o, deref(b.ExcludeLinks), &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	o.SetFields = o.setFields()
	s.data.envObjects[o.ID] = o
	s.record(c, org.ID, "environmentObject.create", "ENVIRONMENT_OBJECT", o.ID)
	c.json(http.StatusOK, map[string]string{"id": o.ID})
}

// checkScopeEntity checks that an object's workspace or deployment exists:
// 404, which these operations declare. Callers hold s.mu.
func (s *Sim) checkScopeEntity(orgID, scope, id string) *apiError {
	if scope == "WORKSPACE" {
		if w, ok := s.data.workspaces[id]; !ok || w.OrganizationID != orgID {
			return notFound("Workspace", id)
		}
		return nil
	}
	if d, ok := s.data.deployments[id]; !ok || d.OrganizationID != orgID {
		return notFound("Deployment", id)
	}
	return nil
}

// setEnvValue merges the body's value object of o's type into a copy of
// it.
func (s *Sim) setEnvValue(o *envObject, b *envBody) {
	value := func(old *envValue, vb *envValueBody) *envValue {
		v := &envValue{}
		if old != nil {
			*v = *old
		}
		if vb.IsSecret != nil {
			v.IsSecret = *vb.IsSecret
		}
		if vb.Value != nil {
			v.Value = *vb.Value
		}
		return v
	}
	switch o.ObjectType {
	case "AIRFLOW_VARIABLE":
		if b.AirflowVariable != nil {
			o.AirflowVariable = value(o.AirflowVariable, b.AirflowVariable)
		}
	case "ENVIRONMENT_VARIABLE":
		if b.EnvironmentVariable != nil {
			o.EnvironmentVariable = value(o.EnvironmentVariable, b.EnvironmentVariable)
		}
	case "CONNECTION":
		if b.Connection != nil {
			c := &envConnection{}
			if o.Connection != nil {
				*c = *o.Connection
			}
			applyConnection(c, b.Connection)
			o.Connection = c
		}
	case "METRICS_EXPORT":
		if b.MetricsExport != nil {
			m := &envMetricsExport{}
			if o.MetricsExport != nil {
				*m = *o.MetricsExport
			}
			applyMetrics(m, b.MetricsExport)
			o.MetricsExport = m
		}
	}
}

// updateEnvObject serves UpdateEnvironmentObject: fields left out keep
// their value; links and excludeLinks, when given, replace the lists.
func (s *Sim) updateEnvObject(c *call) {
	var b envBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.text("description", b.Description, 500, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.envObjectOf(c)
	if err != nil {
		c.fail(err)
		return
	}
	b.checkValue(&k, o.ObjectType, false)
	no := *o
	if b.Description != nil {
		no.Description = *b.Description
	}
	if b.AutoLinkDeployments != nil {
		no.AutoLinkDeployments = *b.AutoLinkDeployments
	}
	s.setEnvValue(&no, &b)
	if b.Links != nil {
		no.Links = s.buildLinks(&no, *b.Links, &k)
	}
	if b.ExcludeLinks != nil {
		no.ExcludeLinks = s.buildExcludes(&no, *b.ExcludeLinks, &k)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	by := c.p.subject
	no.SetFields, no.UpdatedAt, no.UpdatedBy = no.setFields(), stamp(c.now), &by
	s.data.envObjects[o.ID] = &no
	s.record(c, o.orgID, "environmentObject.update", "ENVIRONMENT_OBJECT", o.ID)
	c.json(http.StatusOK, no.view(false))
}

// excludeLinkEnvObject serves ExcludeLinkingEnvironmentObject: keep a
// workspace object away from one of its deployments. Only workspace-level
// objects link, so a deployment-level one is a 409.
func (s *Sim) excludeLinkEnvObject(c *call) {
	var b struct {
		Scope         *string `json:"scope"`
		ScopeEntityID *string `json:"scopeEntityId"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("scope", b.Scope != nil) {
		k.oneOf("scope", b.Scope, "DEPLOYMENT")
	}
	k.requiredText("scopeEntityId", b.ScopeEntityID, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.envObjectOf(c)
	if err == nil {
		err = k.err()
	}
	if err == nil {
		err = s.checkScopeEntity(o.orgID, "DEPLOYMENT", *b.ScopeEntityID)
	}
	if err == nil && o.Scope != "WORKSPACE" {
		err = errorf(http.StatusConflict, "Conflict: environment object '%s' belongs to a Deployment; only Workspace objects link to Deployments", o.ID)
	}
	if err != nil {
		c.fail(err)
		return
	}
	no := *o
	ref := envScopeRef{Scope: "DEPLOYMENT", ScopeEntityID: *b.ScopeEntityID}
	if !slices.Contains(o.ExcludeLinks, ref) {
		no.ExcludeLinks = append(slices.Clone(o.ExcludeLinks), ref)
	}
	no.Links = slices.DeleteFunc(slices.Clone(o.Links), func(l envLink) bool { return l.ScopeEntityID == ref.ScopeEntityID })
	no.UpdatedAt = stamp(c.now)
	s.data.envObjects[o.ID] = &no
	s.record(c, o.orgID, "environmentObject.excludeLinking", "ENVIRONMENT_OBJECT", o.ID)
	c.w.WriteHeader(http.StatusOK)
}

// deleteEnvObject serves DeleteEnvironmentObject.
func (s *Sim) deleteEnvObject(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.envObjectOf(c)
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.envObjects, o.ID)
	s.record(c, o.orgID, "environmentObject.delete", "ENVIRONMENT_OBJECT", o.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
