package graph

import (
	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// Mapping of environment objects: connections, Airflow variables,
// environment variables and metrics exports.

func convertAstroEnvironmentObject(org string, o *astro.EnvironmentObject) *model.AstroEnvironmentObject {
	id := deref(o.ID)
	out := &model.AstroEnvironmentObject{
		ID:                  encodeID(typeAstroEnvironmentObject, org, id),
		EnvironmentObjectID: id,
		OrganizationID:      org,
		ObjectKey:           o.ObjectKey,
		ObjectType:          enumPtr[model.AstroEnvironmentObjectType](&o.ObjectType),
		Scope:               enumPtr[model.AstroEnvironmentObjectScope](&o.Scope),
		ScopeEntityID:       o.ScopeEntityID,
		Description:         o.Description,
		AutoLinkDeployments: o.AutoLinkDeployments,
		SetFields:           nonNilSlice(o.SetFields),
		SourceScope:         enumPtr[model.AstroEnvironmentObjectScope](o.SourceScope),
		SourceScopeEntityID: o.SourceScopeEntityID,
		Links:               make([]*model.AstroEnvironmentObjectLink, len(o.Links)),
		ExcludeLinks:        make([]*model.AstroEnvironmentObjectExcludeLink, len(o.ExcludeLinks)),
		CreatedAt:           parseTime(o.CreatedAt),
		UpdatedAt:           parseTime(o.UpdatedAt),
		CreatedBy:           convertAstroSubject(o.CreatedBy),
		UpdatedBy:           convertAstroSubject(o.UpdatedBy),
	}
	if v := o.AirflowVariable; v != nil {
		out.AirflowVariable = &model.AstroEnvironmentValue{Value: v.Value, IsSecret: v.IsSecret}
	}
	if v := o.EnvironmentVariable; v != nil {
		out.EnvironmentVariable = &model.AstroEnvironmentValue{Value: v.Value, IsSecret: v.IsSecret}
	}
	if cn := o.Connection; cn != nil {
		out.Connection = &model.AstroConnection{
			Type: cn.Type, Host: cn.Host, Login: cn.Login, Password: cn.Password, Port: cn.Port, Schema: cn.Schema,
			Extra: jsonOrNil(cn.Extra), AuthType: convertAstroConnectionAuthType(cn.ConnectionAuthType),
		}
	}
	if m := o.MetricsExport; m != nil {
		out.MetricsExport = &model.AstroMetricsExport{
			Endpoint: m.Endpoint, ExporterType: enumPtr[model.AstroMetricsExporterType](&m.ExporterType),
			AuthType: enumPtr[model.AstroMetricsExportAuthType](m.AuthType), BasicToken: m.BasicToken,
			Username: m.Username, Password: m.Password, Headers: jsonOrNil(m.Headers), Labels: jsonOrNil(m.Labels),
			SigV4AssumeArn: m.SigV4AssumeArn, SigV4StsRegion: m.SigV4StsRegion,
		}
	}
	for i, l := range o.Links {
		out.Links[i] = convertAstroEnvironmentObjectLink(l)
	}
	for i, l := range o.ExcludeLinks {
		out.ExcludeLinks[i] = &model.AstroEnvironmentObjectExcludeLink{Scope: enumPtr[model.AstroEnvironmentObjectScope](&l.Scope), ScopeEntityID: l.ScopeEntityID}
	}
	return out
}

func convertAstroEnvironmentObjectLink(l astro.EnvironmentObjectLink) *model.AstroEnvironmentObjectLink {
	out := &model.AstroEnvironmentObjectLink{
		Scope: enumPtr[model.AstroEnvironmentObjectScope](&l.Scope), ScopeEntityID: l.ScopeEntityID, SetFields: nonNilSlice(l.SetFields),
	}
	if o := l.ConnectionOverrides; o != nil {
		out.ConnectionOverrides = &model.AstroConnectionOverrides{
			Type: o.Type, Host: o.Host, Login: o.Login, Password: o.Password, Port: o.Port, Schema: o.Schema, Extra: jsonOrNil(o.Extra),
		}
	}
	if o := l.AirflowVariableOverrides; o != nil {
		out.AirflowVariableOverrides = &model.AstroValueOverrides{Value: o.Value}
	}
	if o := l.EnvironmentVariableOverrides; o != nil {
		out.EnvironmentVariableOverrides = &model.AstroValueOverrides{Value: o.Value}
	}
	if o := l.MetricsExportOverrides; o != nil {
		out.MetricsExportOverrides = &model.AstroMetricsExportOverrides{
			Endpoint: o.Endpoint, ExporterType: enumPtr[model.AstroMetricsExporterType](o.ExporterType),
			AuthType: enumPtr[model.AstroMetricsExportAuthType](o.AuthType), BasicToken: o.BasicToken,
			Username: o.Username, Password: o.Password, Headers: jsonOrNil(o.Headers), Labels: jsonOrNil(o.Labels),
			SigV4AssumeArn: o.SigV4AssumeArn, SigV4StsRegion: o.SigV4StsRegion,
		}
	}
	return out
}

func convertAstroConnectionAuthType(a *astro.ConnectionAuthType) *model.AstroConnectionAuthType {
	if a == nil {
		return nil
	}
	out := &model.AstroConnectionAuthType{
		ID: a.ID, Name: a.Name, AirflowType: a.AirflowType, AuthMethodName: a.AuthMethodName, Description: a.Description,
		ProviderPackageName: a.ProviderPackageName, GuidePath: a.GuidePath, ProviderLogo: a.ProviderLogo,
		Parameters: make([]*model.AstroConnectionAuthTypeParameter, len(a.Parameters)),
	}
	for i, p := range a.Parameters {
		out.Parameters[i] = &model.AstroConnectionAuthTypeParameter{
			AirflowParamName: p.AirflowParamName, FriendlyName: p.FriendlyName, DataType: p.DataType, Description: p.Description,
			Example: p.Example, Pattern: p.Pattern, IsInExtra: p.IsInExtra, IsRequired: p.IsRequired, IsSecret: p.IsSecret,
		}
	}
	return out
}

// jsonOrNil passes a map through as a JSON value; an empty or nil map is
// null, not {}.
func jsonOrNil[M ~map[string]V, V any](m M) any {
	if len(m) == 0 {
		return nil
	}
	return m
}
