package graph

import (
	"time"

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
// query select are set; convertAstroDeployment starts from it. The model
// and the values its optional fields point to are allocated together (a
// list converts thousands).
func convertAstroDeploymentSummary(d *astro.Deployment) *model.AstroDeployment {
	v := &astroDeploymentValues{}
	v.m = model.AstroDeployment{
		ID:                 encodeID(typeAstroDeployment, d.OrganizationID, d.ID),
		DeploymentID:       d.ID,
		OrganizationID:     d.OrganizationID,
		WorkspaceID:        d.WorkspaceID,
		Name:               d.Name,
		Description:        d.Description,
		Platform:           model.PlatformAstro,
		Status:             astroStatus(d.Status),
		StatusReason:       d.StatusReason,
		Type:               enumIn(&v.typ, d.Type),
		Executor:           enumIn(&v.executor, d.Executor),
		RuntimeVersion:     nonEmptyIn(&v.runtime, d.AstroRuntimeVersion, d.RuntimeVersion),
		AirflowVersion:     nonEmptyIn(&v.airflow, d.AirflowVersion),
		WorkspaceName:      d.WorkspaceName,
		ClusterID:          d.ClusterID,
		ClusterName:        d.ClusterName,
		Region:             d.Region,
		CloudProvider:      enumIn(&v.cloud, d.CloudProvider),
		IsCicdEnforced:     d.IsCICDEnforced,
		IsDagDeployEnabled: d.IsDagDeployEnabled,
		IsHighAvailability: d.IsHighAvailability,
		IsDevelopmentMode:  d.IsDevelopmentMode,
		SchedulerSize:      enumIn(&v.size, d.SchedulerSize),
		CreatedAt:          timeIn(&v.created, d.CreatedAt),
		UpdatedAt:          timeIn(&v.updated, d.UpdatedAt),
	}
	return &v.m
}

// astroDeploymentValues is a deployment's model with the values its
// optional fields point to, in one allocation.
type astroDeploymentValues struct {
	m                model.AstroDeployment
	typ              model.AstroDeploymentType
	executor         model.AstroExecutor
	cloud            model.AstroCloudProvider
	size             model.AstroSchedulerSize
	runtime, airflow string
	created, updated time.Time
}

// enumIn is enumPtr storing the value in *slot.
func enumIn[E interface {
	~string
	IsValid() bool
}, S ~string](slot *E, s *S) *E {
	if s == nil {
		return nil
	}
	if *slot = E(*s); !(*slot).IsValid() {
		return nil
	}
	return slot
}

// nonEmptyIn is nonEmpty storing the value in *slot.
func nonEmptyIn(slot *string, vs ...string) *string {
	for _, v := range vs {
		if v != "" {
			*slot = v
			return slot
		}
	}
	return nil
}

// timeIn is timePtr storing the value in *slot.
func timeIn(slot *time.Time, t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	*slot = t
	return slot
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
