package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// astroDeploymentSummarized are the AstroDeployment fields a summary list
// (astro.ListDeploymentsOptions.Summary, which decodes astro.SummaryFields
// only) answers: the fields it fills, and the resolved fields that need
// nothing of their deployment but its ids, workspace name, cluster
// placement and type. A selection with any other field reads the
// deployments whole.
var astroDeploymentSummarized = []string{
	"__typename", "id", "deploymentId", "organizationId", "workspaceId", "name", "description", "platform",
	"status", "statusReason", "type", "executor", "runtimeVersion", "airflowVersion", "workspaceName",
	"clusterId", "clusterName", "region", "cloudProvider", "isCicdEnforced", "isDagDeployEnabled",
	"isHighAvailability", "isDevelopmentMode", "schedulerSize", "createdAt", "updatedAt",
	// Resolved from the deployment's ids (workspace and cluster also from
	// workspaceName, clusterId, clusterName, region, cloudProvider, type).
	"workspace", "cluster", "backend", "apiTokens", "deploys", "deploy", "logs", "agentTokens", "agentToken",
	"options", "environmentObjects", "users", "teams",
}

var astroDeploymentTypes = []string{"AstroDeployment", "Deployment", "Node"}

// astroSummaryOnly reports whether sel, a selection on listed Astro
// deployments, is answered by their summaries.
func astroSummaryOnly(opCtx *graphql.OperationContext, sel ast.SelectionSet) bool {
	return selects(opCtx, sel, astroDeploymentTypes, astroDeploymentSummarized)
}

// convertAstroDeploymentSummary is convertAstroDeployment for a deployment
// of a summary list: only the fields astroDeploymentSummarized lets a
// query select are set.
func convertAstroDeploymentSummary(d *astro.Deployment) *model.AstroDeployment {
	return &model.AstroDeployment{
		ID:                 encodeID(typeAstroDeployment, d.OrganizationID, d.ID),
		DeploymentID:       d.ID,
		OrganizationID:     d.OrganizationID,
		WorkspaceID:        d.WorkspaceID,
		Name:               d.Name,
		Description:        d.Description,
		Platform:           model.PlatformAstro,
		Status:             astroStatus(d.Status),
		StatusReason:       d.StatusReason,
		Type:               enumPtr[model.AstroDeploymentType](d.Type),
		Executor:           enumPtr[model.AstroExecutor](d.Executor),
		RuntimeVersion:     nonEmpty(d.AstroRuntimeVersion, d.RuntimeVersion),
		AirflowVersion:     nonEmpty(d.AirflowVersion),
		WorkspaceName:      d.WorkspaceName,
		ClusterID:          d.ClusterID,
		ClusterName:        d.ClusterName,
		Region:             d.Region,
		CloudProvider:      enumPtr[model.AstroCloudProvider](d.CloudProvider),
		IsCicdEnforced:     d.IsCICDEnforced,
		IsDagDeployEnabled: d.IsDagDeployEnabled,
		IsHighAvailability: d.IsHighAvailability,
		IsDevelopmentMode:  d.IsDevelopmentMode,
		SchedulerSize:      enumPtr[model.AstroSchedulerSize](d.SchedulerSize),
		CreatedAt:          timePtr(d.CreatedAt),
		UpdatedAt:          timePtr(d.UpdatedAt),
	}
}

// convertAstroDeployments converts a list, by summary or whole.
func convertAstroDeployments(ds []*astro.Deployment, summary bool) []*model.AstroDeployment {
	conv := convertAstroDeployment
	if summary {
		conv = convertAstroDeploymentSummary
	}
	nodes := make([]*model.AstroDeployment, len(ds))
	for i, d := range ds {
		nodes[i] = conv(d)
	}
	return nodes
}
