package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// DeploymentsService calls the operations of the spec's Deployment tag.
type DeploymentsService service

// Deployment is the spec's Deployment: an Airflow environment.
type Deployment struct {
	AirflowVersion      string `json:"airflowVersion"`
	APIURL              string `json:"apiUrl"`
	AstroRuntimeVersion string `json:"astroRuntimeVersion"`
	// CloudProvider is set for STANDARD Deployments.
	CloudProvider *CloudProvider `json:"cloudProvider,omitempty"`
	ClusterID     *string        `json:"clusterId,omitempty"`
	// ClusterName is set for DEDICATED and HYBRID Deployments.
	ClusterName   *string             `json:"clusterName,omitempty"`
	ContactEmails []string            `json:"contactEmails,omitempty"`
	CreatedAt     time.Time           `json:"createdAt"`
	CreatedBy     BasicSubjectProfile `json:"createdBy"`
	// DagTarballVersion is the current DAG bundle; it equals
	// DesiredDagTarballVersion when no deploy is in flight.
	DagTarballVersion           *string                         `json:"dagTarballVersion,omitempty"`
	DefaultTaskPodCPU           *string                         `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory        *string                         `json:"defaultTaskPodMemory,omitempty"`
	Description                 *string                         `json:"description,omitempty"`
	DesiredDagTarballVersion    *string                         `json:"desiredDagTarballVersion,omitempty"`
	DRExternalIPs               []string                        `json:"drExternalIPs,omitempty"`
	DROIDCIssuerURL             *string                         `json:"drOidcIssuerUrl,omitempty"`
	EffectiveDRWorkloadIdentity *string                         `json:"effectiveDRWorkloadIdentity,omitempty"`
	EffectiveWorkloadIdentity   *string                         `json:"effectiveWorkloadIdentity,omitempty"`
	EnvironmentVariables        []DeploymentEnvironmentVariable `json:"environmentVariables,omitempty"`
	Executor                    *DeploymentExecutor             `json:"executor,omitempty"`
	ExternalIPs                 []string                        `json:"externalIPs,omitempty"`
	ID                          string                          `json:"id"`
	ImageRepository             string                          `json:"imageRepository"`
	// ImageTag is the custom tag of the latest deploy, empty if never set.
	ImageTag           string  `json:"imageTag"`
	ImageVersion       *string `json:"imageVersion,omitempty"`
	IsCICDEnforced     bool    `json:"isCicdEnforced"`
	IsDagDeployEnabled bool    `json:"isDagDeployEnabled"`
	IsDevelopmentMode  *bool   `json:"isDevelopmentMode,omitempty"`
	IsHighAvailability *bool   `json:"isHighAvailability,omitempty"`
	// Name is unique within the Deployment's Workspace.
	Name                string                     `json:"name"`
	Namespace           string                     `json:"namespace"`
	OIDCIssuerURL       *string                    `json:"oidcIssuerUrl,omitempty"`
	OrganizationID      string                     `json:"organizationId"`
	Region              *string                    `json:"region,omitempty"`
	RemoteExecution     *DeploymentRemoteExecution `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU    *string                    `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory *string                    `json:"resourceQuotaMemory,omitempty"`
	// RuntimeVersion is a deprecated alias of AstroRuntimeVersion.
	RuntimeVersion           string                   `json:"runtimeVersion"`
	ScalingSpec              *DeploymentScalingSpec   `json:"scalingSpec,omitempty"`
	ScalingStatus            *DeploymentScalingStatus `json:"scalingStatus,omitempty"`
	SchedulerAU              *int                     `json:"schedulerAu,omitempty"`
	SchedulerCPU             string                   `json:"schedulerCpu"`
	SchedulerMemory          string                   `json:"schedulerMemory"`
	SchedulerReplicas        int                      `json:"schedulerReplicas"`
	SchedulerSize            *SchedulerSize           `json:"schedulerSize,omitempty"`
	Status                   DeploymentStatus         `json:"status"`
	StatusReason             *string                  `json:"statusReason,omitempty"`
	TaskPodNodePoolID        *string                  `json:"taskPodNodePoolId,omitempty"`
	Type                     *DeploymentType          `json:"type,omitempty"`
	UIURL                    string                   `json:"uiUrl"`
	UpdatedAt                time.Time                `json:"updatedAt"`
	UpdatedBy                BasicSubjectProfile      `json:"updatedBy"`
	WebServerAirflowAPIURL   string                   `json:"webServerAirflowApiUrl"`
	WebServerCPU             string                   `json:"webServerCpu"`
	WebServerIngressHostname string                   `json:"webServerIngressHostname"`
	WebServerMemory          string                   `json:"webServerMemory"`
	WebServerReplicas        *int                     `json:"webServerReplicas,omitempty"`
	WebServerURL             string                   `json:"webServerUrl"`
	WorkerQueues             []WorkerQueue            `json:"workerQueues,omitempty"`
	WorkspaceID              string                   `json:"workspaceId"`
	WorkspaceName            *string                  `json:"workspaceName,omitempty"`
}

// WorkerQueue is a worker queue of a Deployment.
type WorkerQueue struct {
	// AstroMachine is the worker machine size; Astro Hosted only.
	AstroMachine        *string `json:"astroMachine,omitempty"`
	ID                  string  `json:"id"`
	IsDefault           bool    `json:"isDefault"`
	MaxWorkerCount      int     `json:"maxWorkerCount"`
	MinWorkerCount      int     `json:"minWorkerCount"`
	Name                string  `json:"name"`
	NodePoolID          *string `json:"nodePoolId,omitempty"`
	PodCPU              string  `json:"podCpu"`
	PodEphemeralStorage *string `json:"podEphemeralStorage,omitempty"`
	PodMemory           string  `json:"podMemory"`
	WorkerConcurrency   int     `json:"workerConcurrency"`
}

// DeploymentEnvironmentVariable is an environment variable of a Deployment.
// The API omits Value for secret variables.
type DeploymentEnvironmentVariable struct {
	IsSecret  bool      `json:"isSecret"`
	Key       string    `json:"key"`
	UpdatedAt time.Time `json:"updatedAt"`
	Value     *string   `json:"value,omitempty"`
}

// DeploymentRemoteExecution is the Remote Execution configuration of a
// Deployment.
type DeploymentRemoteExecution struct {
	AllowedIPAddressRanges []string `json:"allowedIpAddressRanges"`
	Enabled                bool     `json:"enabled"`
	RemoteAPIURL           string   `json:"remoteApiUrl"`
	TaskLogBucket          *string  `json:"taskLogBucket,omitempty"`
	TaskLogURLPattern      *string  `json:"taskLogUrlPattern,omitempty"`
}

// DeploymentScalingSpec is the scaling configuration of a Deployment.
type DeploymentScalingSpec struct {
	HibernationSpec *DeploymentHibernationSpec `json:"hibernationSpec,omitempty"`
}

// DeploymentHibernationSpec is the hibernation configuration of a
// development Deployment.
type DeploymentHibernationSpec struct {
	Override  *DeploymentHibernationOverride  `json:"override,omitempty"`
	Schedules []DeploymentHibernationSchedule `json:"schedules,omitempty"`
}

// DeploymentHibernationSchedule is a pair of 5-field cron expressions that
// put a Deployment to sleep and wake it.
type DeploymentHibernationSchedule struct {
	Description     *string `json:"description,omitempty"`
	HibernateAtCron string  `json:"hibernateAtCron"`
	IsEnabled       bool    `json:"isEnabled"`
	WakeAtCron      string  `json:"wakeAtCron"`
}

// DeploymentHibernationOverride is a manual override of the hibernation
// schedules.
type DeploymentHibernationOverride struct {
	IsActive      *bool      `json:"isActive,omitempty"`
	IsHibernating *bool      `json:"isHibernating,omitempty"`
	OverrideUntil *time.Time `json:"overrideUntil,omitempty"`
}

// DeploymentScalingStatus is the observed scaling state of a Deployment.
type DeploymentScalingStatus struct {
	HibernationStatus *DeploymentHibernationStatus `json:"hibernationStatus,omitempty"`
}

// DeploymentHibernationStatus is the observed hibernation state of a
// Deployment.
type DeploymentHibernationStatus struct {
	IsHibernating bool `json:"isHibernating"`
	// NextEventAt is a timestamp, but the spec types it as a plain string,
	// so it is kept as sent.
	NextEventAt   *string               `json:"nextEventAt,omitempty"`
	NextEventType *HibernationEventType `json:"nextEventType,omitempty"`
	Reason        *string               `json:"reason,omitempty"`
}

// DeploymentStatus is the state of a Deployment.
type DeploymentStatus string

// The spec's Deployment status values.
const (
	DeploymentStatusCreating    DeploymentStatus = "CREATING"
	DeploymentStatusDeploying   DeploymentStatus = "DEPLOYING"
	DeploymentStatusHealthy     DeploymentStatus = "HEALTHY"
	DeploymentStatusUnhealthy   DeploymentStatus = "UNHEALTHY"
	DeploymentStatusUnknown     DeploymentStatus = "UNKNOWN"
	DeploymentStatusHibernating DeploymentStatus = "HIBERNATING"
)

// DeploymentExecutor is the Airflow executor of a Deployment.
type DeploymentExecutor string

// The spec's executor values.
const (
	DeploymentExecutorCelery     DeploymentExecutor = "CELERY"
	DeploymentExecutorKubernetes DeploymentExecutor = "KUBERNETES"
	DeploymentExecutorAstro      DeploymentExecutor = "ASTRO"
)

// DeploymentType is the kind of cluster a Deployment runs on.
type DeploymentType string

// The spec's Deployment type values.
const (
	DeploymentTypeDedicated DeploymentType = "DEDICATED"
	DeploymentTypeHybrid    DeploymentType = "HYBRID"
	DeploymentTypeStandard  DeploymentType = "STANDARD"
)

// SchedulerSize is the scheduler size of an Astro Hosted Deployment.
type SchedulerSize string

// The spec's scheduler size values.
const (
	SchedulerSizeSmall      SchedulerSize = "SMALL"
	SchedulerSizeMedium     SchedulerSize = "MEDIUM"
	SchedulerSizeLarge      SchedulerSize = "LARGE"
	SchedulerSizeExtraLarge SchedulerSize = "EXTRA_LARGE"
)

// HibernationEventType is the kind of the next scheduled hibernation event.
type HibernationEventType string

// The spec's nextEventType values.
const (
	HibernationEventHibernate HibernationEventType = "HIBERNATE"
	HibernationEventWake      HibernationEventType = "WAKE"
)

// ListDeploymentsOptions are the query parameters of ListDeployments.
// Filters combine with AND; unknown IDs are simply absent from the result.
type ListDeploymentsOptions struct {
	// DeploymentIDs looks up these Deployments in one call: the API's batch
	// lookup. ListDeployments has no maximum page size, so set Limit to at
	// least len(DeploymentIDs).
	DeploymentIDs []string
	// WorkspaceIDs keeps only Deployments in these Workspaces.
	WorkspaceIDs []string
	// Names keeps only Deployments with these names.
	Names []string
	// Summary decodes only the [SummaryFields] of each Deployment and
	// leaves the others zero: the same call, a third of the decoding and a
	// tenth of the memory. Such Deployments are incomplete; they must not
	// stand for the whole object (in a loader, say). It changes nothing in
	// the request.
	Summary bool

	ListOptions
}

func (o *ListDeploymentsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addAll(q, "deploymentIds", o.DeploymentIDs)
	addAll(q, "workspaceIds", o.WorkspaceIDs)
	addAll(q, "names", o.Names)
	o.ListOptions.addTo(q)
	return q
}

// List lists the Deployments in an Organization.
//
// Astro API: GET /organizations/{organizationId}/deployments (ListDeployments)
func (s *DeploymentsService) List(ctx context.Context, organizationID string, opts *ListDeploymentsOptions) ([]*Deployment, *Response, error) {
	if opts != nil && opts.Summary {
		var page struct {
			Deployments summaryList `json:"deployments"`
			pageInfo
		}
		resp, err := s.client.call(ctx, "ListDeployments", opts.values(), nil, &page, organizationID)
		if err != nil {
			return nil, resp, err
		}
		resp.setPage(page.pageInfo)
		return page.Deployments, resp, nil
	}
	var page struct {
		Deployments []*Deployment `json:"deployments"`
		pageInfo
	}
	resp, err := s.client.call(ctx, "ListDeployments", opts.values(), nil, &page, organizationID)
	if err != nil {
		return nil, resp, err
	}
	resp.setPage(page.pageInfo)
	return page.Deployments, resp, nil
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/deployments (ListDeployments)
func (s *DeploymentsService) ListIter(ctx context.Context, organizationID string, opts *ListDeploymentsOptions) iter.Seq2[*Deployment, error] {
	var o ListDeploymentsOptions
	if opts != nil {
		o = *opts
		o.DeploymentIDs = slices.Clone(opts.DeploymentIDs)
		o.WorkspaceIDs = slices.Clone(opts.WorkspaceIDs)
		o.Names = slices.Clone(opts.Names)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterate(o.ListOptions, func(lo ListOptions) ([]*Deployment, *Response, error) {
		o := o
		o.ListOptions = lo
		return s.List(ctx, organizationID, &o)
	})
}

// Get fetches one Deployment by ID.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId} (GetDeployment)
func (s *DeploymentsService) Get(ctx context.Context, organizationID, deploymentID string) (*Deployment, *Response, error) {
	d := new(Deployment)
	resp, err := s.client.call(ctx, "GetDeployment", nil, nil, d, organizationID, deploymentID)
	if err != nil {
		return nil, resp, err
	}
	return d, resp, nil
}

// Create creates a Deployment; it starts CREATING. body is one of the
// variants of [CreateDeploymentRequest]; a Deployment name must be unique in
// its Workspace, or the API answers 400.
//
// Astro API: POST /organizations/{organizationId}/deployments (CreateDeployment)
func (s *DeploymentsService) Create(ctx context.Context, organizationID string, body CreateDeploymentRequest) (*Deployment, *Response, error) {
	return postAs[Deployment](ctx, s.client, body, "CreateDeployment", organizationID)
}

// Update replaces a Deployment's settings. body is the variant of
// [UpdateDeploymentRequest] for the Deployment's type.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId} (UpdateDeployment)
func (s *DeploymentsService) Update(ctx context.Context, organizationID, deploymentID string, body UpdateDeploymentRequest) (*Deployment, *Response, error) {
	return postAs[Deployment](ctx, s.client, body, "UpdateDeployment", organizationID, deploymentID)
}

// Delete deletes a Deployment. Deleting it again gives a 404.
//
// Astro API: DELETE /organizations/{organizationId}/deployments/{deploymentId} (DeleteDeployment)
func (s *DeploymentsService) Delete(ctx context.Context, organizationID, deploymentID string) (*Response, error) {
	return s.client.del(ctx, "DeleteDeployment", organizationID, deploymentID)
}

// UpdateHibernationOverride hibernates or wakes a development Deployment
// now, regardless of its schedules.
//
// Astro API: POST /organizations/{organizationId}/deployments/{deploymentId}/hibernation-override (UpdateDeploymentHibernationOverride)
func (s *DeploymentsService) UpdateHibernationOverride(ctx context.Context, organizationID, deploymentID string, body *OverrideDeploymentHibernationBody) (*DeploymentHibernationOverride, *Response, error) {
	return postAs[DeploymentHibernationOverride](ctx, s.client, body, "UpdateDeploymentHibernationOverride", organizationID, deploymentID)
}

// DeleteHibernationOverride removes the override, so that the schedules
// apply again.
//
// Astro API: DELETE /organizations/{organizationId}/deployments/{deploymentId}/hibernation-override (DeleteDeploymentHibernationOverride)
func (s *DeploymentsService) DeleteHibernationOverride(ctx context.Context, organizationID, deploymentID string) (*Response, error) {
	return s.client.del(ctx, "DeleteDeploymentHibernationOverride", organizationID, deploymentID)
}

// DeploymentLog is the spec's DeploymentLog: one page of log entries.
type DeploymentLog struct {
	Limit         int                  `json:"limit"`
	MaxNumResults int                  `json:"maxNumResults"`
	Offset        int                  `json:"offset"`
	ResultCount   int                  `json:"resultCount"`
	Results       []DeploymentLogEntry `json:"results"`
	// SearchID identifies the search; pass it with the next Offset to page
	// through the same results.
	SearchID string `json:"searchId"`
}

// DeploymentLogEntry is the spec's DeploymentLogEntry.
type DeploymentLogEntry struct {
	Raw    string    `json:"raw"`
	Source LogSource `json:"source"`
	// Timestamp is in seconds since the Unix epoch, with a fraction.
	Timestamp float64 `json:"timestamp"`
}

// Time returns Timestamp as a time.Time.
func (e DeploymentLogEntry) Time() time.Time {
	sec := int64(e.Timestamp)
	return time.Unix(sec, int64((e.Timestamp-float64(sec))*1e9)).UTC()
}

// LogSource is an Airflow component that writes Deployment logs.
type LogSource string

// The spec's log sources.
const (
	LogSourceScheduler    LogSource = "scheduler"
	LogSourceTriggerer    LogSource = "triggerer"
	LogSourceWorker       LogSource = "worker"
	LogSourceWebserver    LogSource = "webserver"
	LogSourceDagProcessor LogSource = "dag-processor"
	LogSourceAPIServer    LogSource = "apiserver"
)

// GetDeploymentLogsOptions are the query parameters of GetDeploymentLogs.
// Zero values are omitted and take the API's defaults: limit 500, range
// 3600 seconds, maxNumResults 10000.
type GetDeploymentLogsOptions struct {
	// Sources is required: at least one.
	Sources []LogSource
	// SearchText keeps the entries that contain it.
	SearchText string
	// Range is the look-back window in seconds (at least 60); StartDate and
	// EndDate, which go together, give an absolute window instead.
	Range     int
	StartDate *time.Time
	EndDate   *time.Time
	// Offset, Limit and SearchID page through a search: the next page
	// passes the previous SearchID and Offset + ResultCount.
	Offset        int
	Limit         int
	SearchID      string
	MaxNumResults int
}

func (o *GetDeploymentLogsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addAll(q, "sources", strs(o.Sources))
	addString(q, "searchText", o.SearchText)
	addInt(q, "range", o.Range)
	addTime(q, "startDate", o.StartDate)
	addTime(q, "endDate", o.EndDate)
	addInt(q, "offset", o.Offset)
	addInt(q, "limit", o.Limit)
	addString(q, "searchId", o.SearchID)
	addInt(q, "maxNumResults", o.MaxNumResults)
	return q
}

// GetLogs returns one page of a Deployment's logs.
//
// Astro API: GET /organizations/{organizationId}/deployments/{deploymentId}/logs (GetDeploymentLogs)
func (s *DeploymentsService) GetLogs(ctx context.Context, organizationID, deploymentID string, opts *GetDeploymentLogsOptions) (*DeploymentLog, *Response, error) {
	return getAs[DeploymentLog](ctx, s.client, opts.values(), "GetDeploymentLogs", organizationID, deploymentID)
}
