package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/model"
)

// The Software side asks Houston only for what the caller selected. These
// tables map each GraphQL field of a Software type to the Houston fields it
// needs; a field missing from a table needs nothing from Houston.

var softwareDeploymentFields = map[string][]houston.Field{
	"id":                    houston.Fields("id"),
	"deploymentId":          houston.Fields("id"),
	"name":                  houston.Fields("label"),
	"description":           houston.Fields("description"),
	"status":                houston.Fields("status"),
	"houstonStatus":         houston.Fields("status"),
	"releaseName":           houston.Fields("releaseName"),
	"namespace":             houston.Fields("namespace"),
	"clusterId":             houston.Fields("clusterId"),
	"version":               houston.Fields("version"),
	"runtimeVersion":        houston.Fields("runtimeVersion"),
	"airflowVersion":        houston.Fields("runtimeAirflowVersion"),
	"desiredRuntimeVersion": houston.Fields("desiredRuntimeVersion"),
	"workspaceId":           {{Name: "workspace", Fields: houston.Fields("id")}},
	"urls":                  {{Name: "urls", Fields: houston.Fields("type", "url")}},
	"deployInfo":            {{Name: "deployInfo", Fields: houston.Fields("current", "nextCli")}},
	"dagDeploymentType":     {{Name: "dagDeployment", Fields: houston.Fields("type")}},
	"createdAt":             houston.Fields("createdAt"),
	"updatedAt":             houston.Fields("updatedAt"),
}

var softwareWorkspaceFields = map[string][]houston.Field{
	"id":          houston.Fields("id"),
	"workspaceId": houston.Fields("id"),
	"name":        houston.Fields("label"),
	"description": houston.Fields("description"),
	"createdAt":   houston.Fields("createdAt"),
	"updatedAt":   houston.Fields("updatedAt"),
}

var (
	softwareDeploymentTypes = []string{"SoftwareDeployment", "Deployment", "Node"}
	softwareWorkspaceTypes  = []string{"SoftwareWorkspace", "Workspace", "Node"}
)

// softwareDeploymentSelection maps the selection on a SoftwareDeployment (or
// on the Deployment interface) to Houston fields. The deployment's workspace
// is fetched inline, in the same document, when its fields are asked for.
func softwareDeploymentSelection(ctx context.Context, sel ast.SelectionSet) []houston.Field {
	opCtx := graphql.GetOperationContext(ctx)
	out := houston.Fields("id")
	for _, f := range graphql.CollectFields(opCtx, sel, softwareDeploymentTypes) {
		if f.Name == "workspace" {
			ws := softwareWorkspaceSelection(ctx, f.Selections)
			out = houston.Merge(out, []houston.Field{{Name: "workspace", Fields: ws}})
			continue
		}
		out = houston.Merge(out, softwareDeploymentFields[f.Name])
	}
	return out
}

func softwareWorkspaceSelection(ctx context.Context, sel ast.SelectionSet) []houston.Field {
	opCtx := graphql.GetOperationContext(ctx)
	out := houston.Fields("id")
	for _, f := range graphql.CollectFields(opCtx, sel, softwareWorkspaceTypes) {
		out = houston.Merge(out, softwareWorkspaceFields[f.Name])
	}
	return out
}

// connectionNodeSelection gathers the selection on the nodes of a
// connection: under `nodes` and under `edges { node }`.
func connectionNodeSelection(ctx context.Context) ast.SelectionSet {
	opCtx := graphql.GetOperationContext(ctx)
	var out ast.SelectionSet
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "nodes":
			out = append(out, f.Selections...)
		case "edges":
			for _, e := range graphql.CollectFields(opCtx, f.Selections, nil) {
				if e.Name == "node" {
					out = append(out, e.Selections...)
				}
			}
		}
	}
	return out
}

// fieldSelection is the selection set of the field being resolved.
func fieldSelection(ctx context.Context) ast.SelectionSet {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil
	}
	return fc.Field.Selections
}

func convertSoftwareDeployment(installation string, d *houston.Deployment) *model.SoftwareDeployment {
	out := &model.SoftwareDeployment{
		ID:                    encodeID(typeSoftwareDeployment, installation, d.ID),
		DeploymentID:          d.ID,
		Installation:          installation,
		Name:                  deref(d.Label),
		Description:           d.Description,
		Platform:              model.PlatformSoftware,
		Status:                softwareStatus(d.Status),
		HoustonStatus:         d.Status,
		ReleaseName:           d.ReleaseName,
		Namespace:             d.Namespace,
		ClusterID:             d.ClusterID,
		Version:               d.Version,
		RuntimeVersion:        d.RuntimeVersion,
		AirflowVersion:        d.RuntimeAirflowVersion,
		DesiredRuntimeVersion: d.DesiredRuntimeVersion,
		CreatedAt:             d.CreatedAt,
		UpdatedAt:             d.UpdatedAt,
	}
	if out.AirflowVersion == nil {
		out.AirflowVersion = d.AirflowVersion
	}
	if d.Workspace != nil {
		out.WorkspaceID = &d.Workspace.ID
		out.Workspace = convertSoftwareWorkspace(installation, d.Workspace)
	}
	for _, u := range d.URLs {
		out.Urls = append(out.Urls, &model.SoftwareDeploymentURL{Type: u.Type, URL: u.URL})
	}
	if d.DeployInfo != nil {
		out.DeployInfo = &model.SoftwareDeployInfo{Current: d.DeployInfo.Current, NextCli: d.DeployInfo.NextCli}
	}
	if d.DagDeployment != nil {
		out.DagDeploymentType = d.DagDeployment.Type
	}
	return out
}

func convertSoftwareWorkspace(installation string, w *houston.Workspace) *model.SoftwareWorkspace {
	return &model.SoftwareWorkspace{
		ID:           encodeID(typeSoftwareWorkspace, installation, w.ID),
		WorkspaceID:  w.ID,
		Installation: installation,
		Name:         deref(w.Label),
		Description:  w.Description,
		Platform:     model.PlatformSoftware,
		CreatedAt:    w.CreatedAt,
		UpdatedAt:    w.UpdatedAt,
	}
}

func convertSoftwareAppConfig(c *houston.AppConfig) *model.SoftwareAppConfig {
	out := &model.SoftwareAppConfig{
		Version: c.Version, BaseDomain: c.BaseDomain, SMTPConfigured: c.SMTPConfigured,
		ManualReleaseNames: c.ManualReleaseNames, HardDeleteDeployment: c.HardDeleteDeployment,
		TriggererEnabled: c.TriggererEnabled,
	}
	if c.FeatureFlags != nil {
		out.FeatureFlags = c.FeatureFlags
	}
	return out
}

var softwareAppConfigFields = map[string]string{
	"version": "version", "baseDomain": "baseDomain", "smtpConfigured": "smtpConfigured",
	"manualReleaseNames": "manualReleaseNames", "hardDeleteDeployment": "hardDeleteDeployment",
	"triggererEnabled": "triggererEnabled", "featureFlags": "featureFlags",
}

func softwareAppConfigSelection(ctx context.Context) []houston.Field {
	var out []houston.Field
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if h, ok := softwareAppConfigFields[f.Name]; ok {
			out = houston.With(out, h)
		}
	}
	if len(out) == 0 {
		out = houston.Fields("version")
	}
	return out
}

// softwareStatus maps Houston's free-form status onto the shared enum.
func softwareStatus(s *string) model.DeploymentStatus {
	if s == nil {
		return model.DeploymentStatusUnknown
	}
	st := model.DeploymentStatus(strings.ToUpper(*s))
	if !st.IsValid() {
		return model.DeploymentStatusUnknown
	}
	return st
}
