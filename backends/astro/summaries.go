package astro

import (
	"time"

	"github.com/astro-gateway/gateway/internal/jsonx"
)

// SummaryFields are the JSON fields of a Deployment that a summary list
// decodes (ListDeploymentsOptions.Summary): its ids, names, status,
// versions, placement, flags and timestamps — what a list of deployments
// on a dashboard shows. The others (worker queues, environment variables,
// scaling, resources, URLs, creators: two thirds of the ~60 fields and most
// of the bytes) are left zero.
var SummaryFields = []string{
	"airflowVersion", "astroRuntimeVersion", "cloudProvider", "clusterId", "clusterName", "createdAt",
	"description", "executor", "id", "isCicdEnforced", "isDagDeployEnabled", "isDevelopmentMode",
	"isHighAvailability", "name", "organizationId", "region", "runtimeVersion", "schedulerSize", "status",
	"statusReason", "type", "updatedAt", "workspaceId", "workspaceName",
}

// deploymentSummary is the shape a summary list decodes each deployment
// into: the SummaryFields of Deployment, with the same types. The decoder
// still reads past the other fields, but allocates nothing for them.
type deploymentSummary struct {
	AirflowVersion      string              `json:"airflowVersion"`
	AstroRuntimeVersion string              `json:"astroRuntimeVersion"`
	CloudProvider       *CloudProvider      `json:"cloudProvider"`
	ClusterID           *string             `json:"clusterId"`
	ClusterName         *string             `json:"clusterName"`
	CreatedAt           time.Time           `json:"createdAt"`
	Description         *string             `json:"description"`
	Executor            *DeploymentExecutor `json:"executor"`
	ID                  string              `json:"id"`
	IsCICDEnforced      bool                `json:"isCicdEnforced"`
	IsDagDeployEnabled  bool                `json:"isDagDeployEnabled"`
	IsDevelopmentMode   *bool               `json:"isDevelopmentMode"`
	IsHighAvailability  *bool               `json:"isHighAvailability"`
	Name                string              `json:"name"`
	OrganizationID      string              `json:"organizationId"`
	Region              *string             `json:"region"`
	RuntimeVersion      string              `json:"runtimeVersion"`
	SchedulerSize       *SchedulerSize      `json:"schedulerSize"`
	Status              DeploymentStatus    `json:"status"`
	StatusReason        *string             `json:"statusReason"`
	Type                *DeploymentType     `json:"type"`
	UpdatedAt           time.Time           `json:"updatedAt"`
	WorkspaceID         string              `json:"workspaceId"`
	WorkspaceName       *string             `json:"workspaceName"`
}

func (s *deploymentSummary) into(d *Deployment) {
	*d = Deployment{
		AirflowVersion: s.AirflowVersion, AstroRuntimeVersion: s.AstroRuntimeVersion, CloudProvider: s.CloudProvider,
		ClusterID: s.ClusterID, ClusterName: s.ClusterName, CreatedAt: s.CreatedAt, Description: s.Description,
		Executor: s.Executor, ID: s.ID, IsCICDEnforced: s.IsCICDEnforced, IsDagDeployEnabled: s.IsDagDeployEnabled,
		IsDevelopmentMode: s.IsDevelopmentMode, IsHighAvailability: s.IsHighAvailability, Name: s.Name,
		OrganizationID: s.OrganizationID, Region: s.Region, RuntimeVersion: s.RuntimeVersion,
		SchedulerSize: s.SchedulerSize, Status: s.Status, StatusReason: s.StatusReason, Type: s.Type,
		UpdatedAt: s.UpdatedAt, WorkspaceID: s.WorkspaceID, WorkspaceName: s.WorkspaceName,
	}
}

// summaryList decodes a JSON array of deployments into Deployments holding
// only their SummaryFields, allocated together.
type summaryList []*Deployment

// UnmarshalJSONFrom decodes the array through deploymentSummary.
func (l *summaryList) UnmarshalJSONFrom(dec *jsonx.Decoder) error {
	var raw []deploymentSummary
	if err := jsonx.Decode(dec, &raw); err != nil {
		return err
	}
	if raw == nil {
		*l = nil
		return nil
	}
	slab := make([]Deployment, len(raw))
	out := make([]*Deployment, len(raw))
	for i := range raw {
		raw[i].into(&slab[i])
		out[i] = &slab[i]
	}
	*l = out
	return nil
}
