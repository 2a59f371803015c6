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
// needs; a field missing from a table needs nothing from Houston. The same
// tables tell which GraphQL fields an older Houston cannot answer (see
// version.go).

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
	"airflowVersion":        houston.Fields("runtimeAirflowVersion", "airflowVersion"),
	"desiredRuntimeVersion": houston.Fields("desiredRuntimeVersion"),
	"desiredAirflowVersion": houston.Fields("desiredAirflowVersion"),
	"workspaceId":           {{Name: "workspace", Fields: houston.Fields("id")}},
	"urls":                  {{Name: "urls", Fields: houston.Fields("type", "url")}},
	"deployInfo":            {{Name: "deployInfo", Fields: houston.Fields("current", "nextCli")}},
	"dagDeploymentType":     {{Name: "dagDeployment", Fields: houston.Fields("type")}},
	"config":                houston.Fields("config"),
	"createdAt":             houston.Fields("createdAt"),
	"updatedAt":             houston.Fields("updatedAt"),
}

var softwareWorkspaceFields = map[string][]houston.Field{
	"id":              houston.Fields("id"),
	"workspaceId":     houston.Fields("id"),
	"name":            houston.Fields("label"),
	"description":     houston.Fields("description"),
	"active":          houston.Fields("active"),
	"deploymentCount": houston.Fields("deploymentCount"),
	"createdAt":       houston.Fields("createdAt"),
	"updatedAt":       houston.Fields("updatedAt"),
}

var softwareAppConfigFields = map[string][]houston.Field{
	"version":                houston.Fields("version"),
	"baseDomain":             houston.Fields("baseDomain"),
	"byoUpdateRegistryHost":  houston.Fields("byoUpdateRegistryHost"),
	"smtpConfigured":         houston.Fields("smtpConfigured"),
	"manualReleaseNames":     houston.Fields("manualReleaseNames"),
	"configureDagDeployment": houston.Fields("configureDagDeployment"),
	"nfsMountDagDeployment":  houston.Fields("nfsMountDagDeployment"),
	"manualNamespaceNames":   houston.Fields("manualNamespaceNames"),
	"hardDeleteDeployment":   houston.Fields("hardDeleteDeployment"),
	"triggererEnabled":       houston.Fields("triggererEnabled"),
	"featureFlags":           houston.Fields("featureFlags"),
}

var softwareDeploymentConfigFields = map[string][]houston.Field{
	"airflowImages":              {{Name: "airflowImages", Fields: houston.Fields("channel", "tag", "version")}},
	"airflowVersions":            houston.Fields("airflowVersions"),
	"defaultAirflowImageTag":     houston.Fields("defaultAirflowImageTag"),
	"defaultAirflowChartVersion": houston.Fields("defaultAirflowChartVersion"),
	"executors":                  houston.Fields("executors"),
	"singleNamespace":            houston.Fields("singleNamespace"),
	"loggingEnabled":             houston.Fields("loggingEnabled"),
}

var softwareRuntimeReleaseFields = map[string][]houston.Field{
	"version":                   houston.Fields("version"),
	"airflowVersion":            houston.Fields("airflowVersion"),
	"airflowDatabaseMigrations": houston.Fields("airflowDatabaseMigrations"),
}

var (
	softwareDeploymentTypes = []string{"SoftwareDeployment", "Deployment", "Node"}
	softwareWorkspaceTypes  = []string{"SoftwareWorkspace", "Workspace", "Node"}
)

// softwareDeploymentSelection maps the selection on a SoftwareDeployment (or
// on the Deployment interface) to Houston fields. The deployment's workspace
// is fetched inline, in the same document, when its fields are asked for,
// and so are its users, teams and service accounts (as role bindings).
func softwareDeploymentSelection(ctx context.Context, sel ast.SelectionSet) []houston.Field {
	opCtx := graphql.GetOperationContext(ctx)
	out := houston.Fields("id")
	for _, f := range graphql.CollectFields(opCtx, sel, softwareDeploymentTypes) {
		switch f.Name {
		case "workspace":
			ws := softwareWorkspaceSelection(ctx, f.Selections)
			out = houston.Merge(out, []houston.Field{{Name: "workspace", Fields: ws}})
		case "users", "teams", "serviceAccounts":
			out = houston.Merge(out, memberSelection(opCtx, f))
		default:
			out = houston.Merge(out, softwareDeploymentFields[f.Name])
		}
	}
	return out
}

func softwareWorkspaceSelection(ctx context.Context, sel ast.SelectionSet) []houston.Field {
	opCtx := graphql.GetOperationContext(ctx)
	out := houston.Fields("id")
	for _, f := range graphql.CollectFields(opCtx, sel, softwareWorkspaceTypes) {
		switch f.Name {
		case "users", "teams", "serviceAccounts":
			out = houston.Merge(out, memberSelection(opCtx, f))
		case "invites":
			nodes := connectionNodes(opCtx, f.Selections)
			out = houston.Merge(out, []houston.Field{{Name: "invites", Fields: pick(opCtx, nodes, softwareInviteTypes, softwareInviteFields, "id")}})
		default:
			out = houston.Merge(out, softwareWorkspaceFields[f.Name])
		}
	}
	return out
}

// pick maps a selection on one of the satisfies types through its table,
// plus the Houston fields always named.
func pick(opCtx *graphql.OperationContext, sel ast.SelectionSet, satisfies []string, table map[string][]houston.Field, always ...string) []houston.Field {
	out := houston.Fields(always...)
	for _, f := range graphql.CollectFields(opCtx, sel, satisfies) {
		out = houston.Merge(out, table[f.Name])
	}
	return out
}

// connectionNodes gathers the selection on the nodes of a connection: under
// `nodes` and under `edges { node }`.
func connectionNodes(opCtx *graphql.OperationContext, sel ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	for _, f := range graphql.CollectFields(opCtx, sel, nil) {
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

// connectionNodeSelection is connectionNodes of the field being resolved.
func connectionNodeSelection(ctx context.Context) ast.SelectionSet {
	return connectionNodes(graphql.GetOperationContext(ctx), fieldSelection(ctx))
}

// fieldSelection is the selection set of the field being resolved.
func fieldSelection(ctx context.Context) ast.SelectionSet {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil
	}
	return fc.Field.Selections
}

// childSelection is the selection of the child field name of the field
// being resolved (such as `deployment` in a mutation payload).
func childSelection(ctx context.Context, name string) ast.SelectionSet {
	opCtx := graphql.GetOperationContext(ctx)
	var out ast.SelectionSet
	for _, f := range graphql.CollectFields(opCtx, fieldSelection(ctx), nil) {
		if f.Name == name {
			out = append(out, f.Selections...)
		}
	}
	return out
}

// childRequested reports whether the field being resolved has the child
// field name in its selection.
func childRequested(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fieldSelection(ctx), nil) {
		if f.Name == name {
			return true
		}
	}
	return false
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
		DesiredAirflowVersion: d.DesiredAirflowVersion,
		CreatedAt:             d.CreatedAt,
		UpdatedAt:             d.UpdatedAt,
		Members:               convertMembers(installation, d.RoleBindings, nil),
	}
	if d.Config != nil {
		out.Config = d.Config
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
		ID:              encodeID(typeSoftwareWorkspace, installation, w.ID),
		WorkspaceID:     w.ID,
		Installation:    installation,
		Name:            deref(w.Label),
		Description:     w.Description,
		Platform:        model.PlatformSoftware,
		Active:          w.Active,
		DeploymentCount: w.DeploymentCount,
		CreatedAt:       w.CreatedAt,
		UpdatedAt:       w.UpdatedAt,
		Members:         convertMembers(installation, w.RoleBindings, w.Invites),
	}
}

func convertSoftwareAppConfig(c *houston.AppConfig) *model.SoftwareAppConfig {
	out := &model.SoftwareAppConfig{
		Version: c.Version, BaseDomain: c.BaseDomain, ByoUpdateRegistryHost: c.ByoUpdateRegistryHost,
		SMTPConfigured: c.SMTPConfigured, ManualReleaseNames: c.ManualReleaseNames,
		ConfigureDagDeployment: c.ConfigureDagDeployment, NfsMountDagDeployment: c.NfsMountDagDeployment,
		ManualNamespaceNames: c.ManualNamespaceNames, HardDeleteDeployment: c.HardDeleteDeployment,
		TriggererEnabled: c.TriggererEnabled,
	}
	if c.FeatureFlags != nil {
		out.FeatureFlags = c.FeatureFlags
	}
	return out
}

func convertSoftwareDeploymentConfig(c *houston.DeploymentConfig) *model.SoftwareDeploymentConfig {
	out := &model.SoftwareDeploymentConfig{
		AirflowVersions: c.AirflowVersions, DefaultAirflowImageTag: c.DefaultAirflowImageTag,
		DefaultAirflowChartVersion: c.DefaultAirflowChartVersion, Executors: c.Executors,
		SingleNamespace: c.SingleNamespace, LoggingEnabled: c.LoggingEnabled,
	}
	for _, im := range c.AirflowImages {
		out.AirflowImages = append(out.AirflowImages, &model.SoftwareAirflowImage{Version: im.Version, Channel: im.Channel, Tag: im.Tag})
	}
	return out
}

// selectionOr maps the selection of the field being resolved through
// table, or returns def when nothing in it needs Houston.
func selectionOr(ctx context.Context, table map[string][]houston.Field, def ...string) []houston.Field {
	out := pick(graphql.GetOperationContext(ctx), fieldSelection(ctx), nil, table)
	if len(out) == 0 {
		out = houston.Fields(def...)
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
