package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Environment objects: reads under the organization, a workspace or a
// deployment, and their writes.

func astroEnvironmentObjects(ctx context.Context, org string, opts astro.ListEnvironmentObjectsOptions, objectType *model.AstroEnvironmentObjectType,
	sorts []model.AstroEnvironmentObjectSort, pg cursors,
) (*model.AstroEnvironmentObjectConnection, error) {
	opts.ObjectType = astro.EnvironmentObjectType(deref(objectType))
	return astroConnection(ctx, pg, astroSorts(sorts), func(c *astro.Client, lo astro.ListOptions) ([]*astro.EnvironmentObject, *astro.Response, error) {
		opts.ListOptions = lo
		return c.EnvironmentObjects.List(ctx, org, &opts)
	}, func(o *astro.EnvironmentObject) *model.AstroEnvironmentObject {
		return convertAstroEnvironmentObject(org, o)
	}, astroEnvironmentObjectConnection)
}

func astroEnvironmentObject(ctx context.Context, org, id string) (*model.AstroEnvironmentObject, error) {
	return loadAstro(ctx, loader.For(ctx).AstroEnvironmentObject, loader.AstroKey{OrganizationID: org, ID: id}, func(o *astro.EnvironmentObject) *model.AstroEnvironmentObject {
		return convertAstroEnvironmentObject(org, o)
	})
}

// envObjectType is the kind a value or overrides @oneOf input names.
func envObjectType(connection, airflowVariable, environmentVariable, metricsExport bool) astro.EnvironmentObjectType {
	switch {
	case connection:
		return astro.EnvironmentObjectConnectionType
	case airflowVariable:
		return astro.EnvironmentObjectAirflowVariableType
	case environmentVariable:
		return astro.EnvironmentObjectEnvironmentVariableType
	case metricsExport:
		return astro.EnvironmentObjectMetricsExportType
	}
	return ""
}

const envKinds = "connection, airflowVariable, environmentVariable or metricsExport"

func createAstroEnvironmentObject(ctx context.Context, in model.CreateAstroEnvironmentObjectInput) (*model.CreateAstroEnvironmentObjectPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.required("input.objectKey", in.ObjectKey)
	c.id("input.scopeEntityId", in.ScopeEntityID)
	c.maxLenPtr("input.description", in.Description, 500)
	v := in.Value
	c.exactlyOne("input.value", envKinds, has(v.Connection), has(v.AirflowVariable), has(v.EnvironmentVariable), has(v.MetricsExport))
	kind := envObjectType(has(v.Connection), has(v.AirflowVariable), has(v.EnvironmentVariable), has(v.MetricsExport))
	req := &astro.CreateEnvironmentObjectRequest{
		ObjectKey: in.ObjectKey, ObjectType: kind, Scope: astro.EnvironmentObjectScope(in.Scope), ScopeEntityID: in.ScopeEntityID,
		Description: in.Description, AutoLinkDeployments: in.AutoLinkDeployments,
	}
	switch {
	case v.Connection != nil:
		cn := v.Connection
		c.required("input.value.connection.type", cn.Type)
		req.Connection = &astro.CreateEnvironmentObjectConnectionRequest{
			Type: cn.Type, AuthTypeID: cn.AuthTypeID, Host: cn.Host, Login: cn.Login, Password: cn.Password, Port: cn.Port, Schema: cn.Schema,
			Extra: c.object("input.value.connection.extra", cn.Extra),
		}
	case v.AirflowVariable != nil:
		req.AirflowVariable = &astro.CreateEnvironmentObjectAirflowVariableRequest{Value: v.AirflowVariable.Value, IsSecret: v.AirflowVariable.IsSecret}
	case v.EnvironmentVariable != nil:
		req.EnvironmentVariable = &astro.CreateEnvironmentObjectEnvironmentVariableRequest{Value: v.EnvironmentVariable.Value, IsSecret: v.EnvironmentVariable.IsSecret}
	case v.MetricsExport != nil:
		m := v.MetricsExport
		c.required("input.value.metricsExport.endpoint", m.Endpoint)
		req.MetricsExport = &astro.CreateEnvironmentObjectMetricsExportRequest{
			Endpoint: m.Endpoint, ExporterType: astro.MetricsExporterType(m.ExporterType), AuthType: ptrTo[astro.MetricsExportAuthType](m.AuthType),
			BasicToken: m.BasicToken, Username: m.Username, Password: m.Password,
			Headers: c.stringMap("input.value.metricsExport.headers", m.Headers), Labels: c.stringMap("input.value.metricsExport.labels", m.Labels),
			SigV4AssumeArn: m.SigV4AssumeArn, SigV4StsRegion: m.SigV4StsRegion,
		}
	}
	for i, l := range in.Links {
		p := "input.links[" + itoa(i) + "]"
		c.id(p+".deploymentId", l.DeploymentID)
		c.forbidden(p+".unsetFields", len(l.UnsetFields) > 0, "on create: there are no overrides to remove yet")
		link := astro.CreateEnvironmentObjectLinkRequest{Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: l.DeploymentID}
		if o := envOverrides(&c, p+".overrides", kind, l.Overrides); o != nil {
			link.Overrides = &astro.CreateEnvironmentObjectOverridesRequest{
				AirflowVariable:     (*astro.CreateEnvironmentObjectAirflowVariableOverridesRequest)(o.AirflowVariable),
				EnvironmentVariable: (*astro.CreateEnvironmentObjectEnvironmentVariableOverridesRequest)(o.EnvironmentVariable),
				Connection:          (*astro.CreateEnvironmentObjectConnectionOverridesRequest)(o.Connection),
				MetricsExport:       (*astro.CreateEnvironmentObjectMetricsExportOverridesRequest)(o.MetricsExport),
			}
		}
		req.Links = append(req.Links, link)
	}
	req.ExcludeLinks = excludeLinks(&c, in.ExcludeDeploymentIds)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	id, err := once(ctx, "astro", "createAstroEnvironmentObject", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (string, error) {
		return createEnvironmentObjectOnce(ctx, cl, in.OrganizationID, req, uncertain)
	})
	if err != nil {
		return nil, err
	}
	// Astro answers a create with the id only: read the object back.
	loader.Forget(ctx, l.AstroEnvironmentObject, loader.AstroKey{OrganizationID: in.OrganizationID, ID: id})
	out := &model.CreateAstroEnvironmentObjectPayload{ClientMutationID: in.ClientMutationID}
	if wants(ctx, "environmentObject") {
		if out.EnvironmentObject, err = astroEnvironmentObject(ctx, in.OrganizationID, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// envOverrides validates a link's overrides (of the object's own kind) and
// maps them to the update shape, which the create shape mirrors.
func envOverrides(c *check, path string, kind astro.EnvironmentObjectType, o *model.AstroEnvironmentObjectOverridesInput) *astro.UpdateEnvironmentObjectOverridesRequest {
	if o == nil {
		return nil
	}
	c.exactlyOne(path, envKinds, has(o.Connection), has(o.AirflowVariable), has(o.EnvironmentVariable), has(o.MetricsExport))
	if got := envObjectType(has(o.Connection), has(o.AirflowVariable), has(o.EnvironmentVariable), has(o.MetricsExport)); kind != "" && got != kind {
		c.fail(path, "overrides a %s, but the object is a %s", got, kind)
	}
	out := &astro.UpdateEnvironmentObjectOverridesRequest{}
	switch {
	case o.Connection != nil:
		cn := o.Connection
		out.Connection = &astro.UpdateEnvironmentObjectConnectionOverridesRequest{
			Type: cn.Type, Host: cn.Host, Login: cn.Login, Password: cn.Password, Port: cn.Port, Schema: cn.Schema,
			Extra: c.object(path+".connection.extra", cn.Extra),
		}
	case o.AirflowVariable != nil:
		out.AirflowVariable = &astro.UpdateEnvironmentObjectAirflowVariableOverridesRequest{Value: o.AirflowVariable.Value}
	case o.EnvironmentVariable != nil:
		out.EnvironmentVariable = &astro.UpdateEnvironmentObjectEnvironmentVariableOverridesRequest{Value: o.EnvironmentVariable.Value}
	case o.MetricsExport != nil:
		m := o.MetricsExport
		out.MetricsExport = &astro.UpdateEnvironmentObjectMetricsExportOverridesRequest{
			Endpoint: m.Endpoint, ExporterType: ptrTo[astro.MetricsExporterType](m.ExporterType), AuthType: ptrTo[astro.MetricsExportAuthType](m.AuthType),
			BasicToken: m.BasicToken, Username: m.Username, Password: m.Password,
			Headers: c.stringMap(path+".metricsExport.headers", m.Headers), Labels: c.stringMap(path+".metricsExport.labels", m.Labels),
			SigV4AssumeArn: m.SigV4AssumeArn, SigV4StsRegion: m.SigV4StsRegion,
		}
	}
	return out
}

func excludeLinks(c *check, ids []string) []astro.ExcludeLinkEnvironmentObjectRequest {
	var out []astro.ExcludeLinkEnvironmentObjectRequest
	for i, id := range ids {
		c.id("input.excludeDeploymentIds["+itoa(i)+"]", id)
		out = append(out, astro.ExcludeLinkEnvironmentObjectRequest{Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: id})
	}
	return out
}

func updateAstroEnvironmentObject(ctx context.Context, in model.UpdateAstroEnvironmentObjectInput) (*model.UpdateAstroEnvironmentObjectPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.environmentObjectId", in.EnvironmentObjectID)
	c.maxLenPtr("input.description", in.Description, 500)
	req := &astro.UpdateEnvironmentObjectRequest{Description: in.Description, AutoLinkDeployments: in.AutoLinkDeployments}
	var kind astro.EnvironmentObjectType
	if v := in.Value; v != nil {
		c.exactlyOne("input.value", envKinds, has(v.Connection), has(v.AirflowVariable), has(v.EnvironmentVariable), has(v.MetricsExport))
		kind = envObjectType(has(v.Connection), has(v.AirflowVariable), has(v.EnvironmentVariable), has(v.MetricsExport))
		switch {
		case v.Connection != nil:
			cn := v.Connection
			c.required("input.value.connection.type", cn.Type)
			req.Connection = &astro.UpdateEnvironmentObjectConnectionRequest{
				Type: cn.Type, AuthTypeID: cn.AuthTypeID, Host: cn.Host, Login: cn.Login, Password: cn.Password, Port: cn.Port, Schema: cn.Schema,
				Extra: c.object("input.value.connection.extra", cn.Extra),
			}
		case v.AirflowVariable != nil:
			req.AirflowVariable = &astro.UpdateEnvironmentObjectAirflowVariableRequest{Value: v.AirflowVariable.Value}
		case v.EnvironmentVariable != nil:
			req.EnvironmentVariable = &astro.UpdateEnvironmentObjectEnvironmentVariableRequest{Value: v.EnvironmentVariable.Value}
		case v.MetricsExport != nil:
			m := v.MetricsExport
			req.MetricsExport = &astro.UpdateEnvironmentObjectMetricsExportRequest{
				Endpoint: m.Endpoint, ExporterType: ptrTo[astro.MetricsExporterType](m.ExporterType), AuthType: ptrTo[astro.MetricsExportAuthType](m.AuthType),
				BasicToken: m.BasicToken, Username: m.Username, Password: m.Password,
				Headers: c.stringMap("input.value.metricsExport.headers", m.Headers), Labels: c.stringMap("input.value.metricsExport.labels", m.Labels),
				SigV4AssumeArn: m.SigV4AssumeArn, SigV4StsRegion: m.SigV4StsRegion,
			}
		}
	}
	for i, l := range in.Links {
		p := "input.links[" + itoa(i) + "]"
		c.id(p+".deploymentId", l.DeploymentID)
		link := astro.UpdateEnvironmentObjectLinkRequest{Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: l.DeploymentID}
		link.Overrides = envOverrides(&c, p+".overrides", kind, l.Overrides)
		if len(l.UnsetFields) > 0 {
			c.items(p+".unsetFields", len(l.UnsetFields), 0, 100)
			if link.Overrides == nil {
				link.Overrides = &astro.UpdateEnvironmentObjectOverridesRequest{}
			}
			link.Overrides.UnsetFields = l.UnsetFields
		}
		req.Links = append(req.Links, link)
	}
	req.ExcludeLinks = excludeLinks(&c, in.ExcludeDeploymentIds)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	o, _, err := cl.EnvironmentObjects.Update(ctx, in.OrganizationID, in.EnvironmentObjectID, req)
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroEnvironmentObject, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.EnvironmentObjectID}, o)
	return &model.UpdateAstroEnvironmentObjectPayload{EnvironmentObject: convertAstroEnvironmentObject(in.OrganizationID, o)}, nil
}

func excludeLinkingAstroEnvironmentObject(ctx context.Context, in model.ExcludeLinkingAstroEnvironmentObjectInput) (*model.ExcludeLinkingAstroEnvironmentObjectPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.environmentObjectId", in.EnvironmentObjectID)
	c.id("input.deploymentId", in.DeploymentID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	_, err = cl.EnvironmentObjects.ExcludeLinking(ctx, in.OrganizationID, in.EnvironmentObjectID, &astro.ExcludeLinkEnvironmentObjectRequest{
		Scope: astro.EnvironmentObjectScopeDeployment, ScopeEntityID: in.DeploymentID,
	})
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroEnvironmentObject, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.EnvironmentObjectID})
	out := &model.ExcludeLinkingAstroEnvironmentObjectPayload{}
	if wants(ctx, "environmentObject") {
		if out.EnvironmentObject, err = astroEnvironmentObject(ctx, in.OrganizationID, in.EnvironmentObjectID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func deleteAstroEnvironmentObject(ctx context.Context, in model.DeleteAstroEnvironmentObjectInput) (*model.DeleteAstroEnvironmentObjectPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.environmentObjectId", in.EnvironmentObjectID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.EnvironmentObjects.Delete(ctx, in.OrganizationID, in.EnvironmentObjectID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroEnvironmentObject, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.EnvironmentObjectID})
	return &model.DeleteAstroEnvironmentObjectPayload{
		ID: encodeID(typeAstroEnvironmentObject, in.OrganizationID, in.EnvironmentObjectID), EnvironmentObjectID: in.EnvironmentObjectID,
	}, nil
}

// createEnvironmentObjectOnce creates the object unless a create of ours
// already did: an object's type and key are unique in its scope (the spec
// answers a second one with 409 Conflict; see createByKey).
func createEnvironmentObjectOnce(ctx context.Context, cl *astro.Client, orgID string, req *astro.CreateEnvironmentObjectRequest, uncertain bool) (string, error) {
	return createByKey(ctx, keyedCreate[string]{
		kind: "environment object",
		key:  fmt.Sprintf("its key '%s' (%s) in %s %s", req.ObjectKey, req.ObjectType, strings.ToLower(string(req.Scope)), req.ScopeEntityID),
		send: func(ctx context.Context) (string, error) {
			id, _, err := cl.EnvironmentObjects.Create(ctx, orgID, req)
			return id, err
		},
		find: func(ctx context.Context) (string, bool, error) {
			opts := &astro.ListEnvironmentObjectsOptions{ObjectType: req.ObjectType, ObjectKey: req.ObjectKey, ListOptions: astro.ListOptions{Limit: 1000}}
			if req.Scope == astro.EnvironmentObjectScopeDeployment {
				opts.DeploymentID = req.ScopeEntityID
			} else {
				opts.WorkspaceID = req.ScopeEntityID
			}
			objs, _, err := cl.EnvironmentObjects.List(ctx, orgID, opts)
			for _, o := range objs {
				if o.ID != nil && o.ObjectKey == req.ObjectKey && o.ObjectType == req.ObjectType && o.Scope == req.Scope && o.ScopeEntityID == req.ScopeEntityID {
					return *o.ID, true, nil
				}
			}
			return "", false, err
		},
		holder: func(id string) (string, string) { return encodeID(typeAstroEnvironmentObject, orgID, id), id },
	}, uncertain)
}
