package astrosim

import (
	"net/http"
	"slices"
)

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
