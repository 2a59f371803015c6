package astrosim

import (
	"net/http"
	"time"
)

// deployment is the spec's Deployment schema.
type deployment struct {
	AirflowVersion           string                `json:"airflowVersion"`
	APIURL                   string                `json:"apiUrl"`
	AstroRuntimeVersion      string                `json:"astroRuntimeVersion"`
	CloudProvider            string                `json:"cloudProvider,omitempty"`
	ClusterID                string                `json:"clusterId,omitempty"`
	ClusterName              string                `json:"clusterName,omitempty"`
	ContactEmails            []string              `json:"contactEmails,omitempty"`
	CreatedAt                string                `json:"createdAt"`
	CreatedBy                subject               `json:"createdBy"`
	DagTarballVersion        string                `json:"dagTarballVersion,omitempty"`
	DefaultTaskPodCPU        string                `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory     string                `json:"defaultTaskPodMemory,omitempty"`
	Description              string                `json:"description,omitempty"`
	DesiredDagTarballVersion string                `json:"desiredDagTarballVersion,omitempty"`
	DRExternalIPs            []string              `json:"drExternalIPs,omitempty"`
	DrOidcIssuerURL          string                `json:"drOidcIssuerUrl,omitempty"`
	EffectiveDRWorkloadID    string                `json:"effectiveDRWorkloadIdentity,omitempty"`
	EffectiveWorkloadID      string                `json:"effectiveWorkloadIdentity,omitempty"`
	EnvironmentVariables     []environmentVariable `json:"environmentVariables,omitempty"`
	Executor                 string                `json:"executor,omitempty"`
	ExternalIPs              []string              `json:"externalIPs,omitempty"`
	ID                       string                `json:"id"`
	ImageRepository          string                `json:"imageRepository"`
	ImageTag                 string                `json:"imageTag"`
	ImageVersion             string                `json:"imageVersion,omitempty"`
	IsCicdEnforced           bool                  `json:"isCicdEnforced"`
	IsDagDeployEnabled       bool                  `json:"isDagDeployEnabled"`
	IsDevelopmentMode        bool                  `json:"isDevelopmentMode"`
	IsHighAvailability       bool                  `json:"isHighAvailability"`
	Name                     string                `json:"name"`
	Namespace                string                `json:"namespace"`
	OidcIssuerURL            string                `json:"oidcIssuerUrl,omitempty"`
	OrganizationID           string                `json:"organizationId"`
	Region                   string                `json:"region,omitempty"`
	RemoteExecution          *remoteExecution      `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU         string                `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory      string                `json:"resourceQuotaMemory,omitempty"`
	RuntimeVersion           string                `json:"runtimeVersion"`
	ScalingSpec              *scalingSpec          `json:"scalingSpec,omitempty"`
	ScalingStatus            *scalingStatus        `json:"scalingStatus,omitempty"`
	SchedulerAU              int                   `json:"schedulerAu,omitempty"`
	SchedulerCPU             string                `json:"schedulerCpu"`
	SchedulerMemory          string                `json:"schedulerMemory"`
	SchedulerReplicas        int                   `json:"schedulerReplicas"`
	SchedulerSize            string                `json:"schedulerSize,omitempty"`
	Status                   string                `json:"status"`
	StatusReason             string                `json:"statusReason,omitempty"`
	TaskPodNodePoolID        string                `json:"taskPodNodePoolId,omitempty"`
	Type                     string                `json:"type,omitempty"`
	UIURL                    string                `json:"uiUrl"`
	UpdatedAt                string                `json:"updatedAt"`
	UpdatedBy                subject               `json:"updatedBy"`
	WebServerAirflowAPIURL   string                `json:"webServerAirflowApiUrl"`
	WebServerCPU             string                `json:"webServerCpu"`
	WebServerIngressHostname string                `json:"webServerIngressHostname"`
	WebServerMemory          string                `json:"webServerMemory"`
	WebServerReplicas        int                   `json:"webServerReplicas,omitempty"`
	WebServerURL             string                `json:"webServerUrl"`
	WorkerQueues             []workerQueue         `json:"workerQueues,omitempty"`
	WorkspaceID              string                `json:"workspaceId"`
	WorkspaceName            string                `json:"workspaceName,omitempty"`

	readyAt time.Time         // a deployment created through the API is HEALTHY from then on
	secrets map[string]string // values of secret environment variables, never returned
}

// remoteExecution is the spec's DeploymentRemoteExecution.
type remoteExecution struct {
	AllowedIPAddressRanges []string `json:"allowedIpAddressRanges"`
	Enabled                bool     `json:"enabled"`
	RemoteAPIURL           string   `json:"remoteApiUrl"`
	TaskLogBucket          string   `json:"taskLogBucket,omitempty"`
	TaskLogURLPattern      string   `json:"taskLogUrlPattern,omitempty"`
}

// view is how the deployment looks at now: one created through the API
// turns HEALTHY once its start-up time has passed.
func (d *deployment) view(now time.Time) *deployment {
	if d.readyAt.IsZero() || now.Before(d.readyAt) {
		return d
	}
	v := *d
	v.Status, v.StatusReason, v.readyAt = "HEALTHY", "Successfully Deployed", time.Time{}
	return &v
}

// workerQueue is the spec's WorkerQueue schema.
type workerQueue struct {
	AstroMachine        string `json:"astroMachine,omitempty"`
	ID                  string `json:"id"`
	IsDefault           bool   `json:"isDefault"`
	MaxWorkerCount      int    `json:"maxWorkerCount"`
	MinWorkerCount      int    `json:"minWorkerCount"`
	Name                string `json:"name"`
	NodePoolID          string `json:"nodePoolId,omitempty"`
	PodCPU              string `json:"podCpu"`
	PodEphemeralStorage string `json:"podEphemeralStorage,omitempty"`
	PodMemory           string `json:"podMemory"`
	WorkerConcurrency   int    `json:"workerConcurrency"`
}

// environmentVariable is the spec's DeploymentEnvironmentVariable; the value
// of a secret is never returned.
type environmentVariable struct {
	IsSecret  bool   `json:"isSecret"`
	Key       string `json:"key"`
	UpdatedAt string `json:"updatedAt"`
	Value     string `json:"value,omitempty"`
}

// scalingSpec is the spec's DeploymentScalingSpec.
type scalingSpec struct {
	HibernationSpec *hibernationSpec `json:"hibernationSpec,omitempty"`
}

// hibernationSpec is the spec's DeploymentHibernationSpec.
type hibernationSpec struct {
	Override  *hibernationOverride  `json:"override,omitempty"`
	Schedules []hibernationSchedule `json:"schedules,omitempty"`
}

// hibernationOverride is the spec's DeploymentHibernationOverride.
type hibernationOverride struct {
	IsActive      bool   `json:"isActive"`
	IsHibernating bool   `json:"isHibernating"`
	OverrideUntil string `json:"overrideUntil,omitempty"`
}

// hibernationSchedule is the spec's DeploymentHibernationSchedule.
type hibernationSchedule struct {
	Description     string `json:"description,omitempty"`
	HibernateAtCron string `json:"hibernateAtCron"`
	IsEnabled       bool   `json:"isEnabled"`
	WakeAtCron      string `json:"wakeAtCron"`
}

// scalingStatus is the spec's DeploymentScalingStatus.
type scalingStatus struct {
	HibernationStatus *hibernationStatus `json:"hibernationStatus,omitempty"`
}

// hibernationStatus is the spec's DeploymentHibernationStatus.
type hibernationStatus struct {
	IsHibernating bool   `json:"isHibernating"`
	NextEventAt   string `json:"nextEventAt,omitempty"`
	NextEventType string `json:"nextEventType,omitempty"`
	Reason        string `json:"reason,omitempty"`
}

func (d *deployment) sortKeys() (string, string, string, string) {
	return d.ID, d.Name, d.CreatedAt, d.UpdatedAt
}

// deploymentsPage is the spec's DeploymentsPaginated schema.
type deploymentsPage struct {
	Deployments []*deployment `json:"deployments"`
	Limit       int           `json:"limit"`
	Offset      int           `json:"offset"`
	TotalCount  int           `json:"totalCount"`
}

// listDeployments serves ListDeployments: the deployments the token sees,
// filtered by deploymentIds, workspaceIds and names (repeated keys,
// combined with AND; unknown ids are simply absent). limit has no maximum,
// as in the spec.
func (s *Sim) listDeployments(c *call) {
	q := c.r.URL.Query()
	lq, err := parseList(q, noMaxLimit, "name", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	ids, wsIDs, names := idSet(q, "deploymentIds"), idSet(q, "workspaceIds"), idSet(q, "names")

	s.mu.RLock()
	org, err := s.visibleOrg(c.p, c.r.PathValue("organizationId"))
	var list []*deployment
	if err == nil {
		for _, d := range s.data.deployments {
			if d.OrganizationID != org.ID || !c.p.seesDeployment(d) ||
				(ids != nil && !ids[d.ID]) || (wsIDs != nil && !wsIDs[d.WorkspaceID]) ||
				(names != nil && !names[d.Name]) {
				continue
			}
			list = append(list, d.view(c.now))
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}

	sortList(list, lq.sorts)
	c.json(http.StatusOK, deploymentsPage{
		Limit: lq.limit, Offset: lq.offset, TotalCount: len(list), Deployments: page(list, lq),
	})
}

// getDeployment serves GetDeployment: 404 if the deployment is not in the
// organization, 403 if the token may not see it.
func (s *Sim) getDeployment(c *call) {
	orgID, id := c.r.PathValue("organizationId"), c.r.PathValue("deploymentId")
	s.mu.RLock()
	_, err := s.visibleOrg(c.p, orgID)
	d, ok := s.data.deployments[id]
	s.mu.RUnlock()
	switch {
	case err != nil:
		c.fail(err)
	case !ok || d.OrganizationID != orgID:
		c.fail(notFound("Deployment", id))
	case !c.p.seesDeployment(d):
		c.fail(forbidden("the API token has no access to Deployment '%s'", id))
	default:
		c.json(http.StatusOK, d.view(c.now))
	}
}
