package astro

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// CreateDeploymentRequest is the body of DeploymentsService.Create: one of
// [CreateDedicatedDeploymentRequest], [CreateHybridDeploymentRequest] and
// [CreateStandardDeploymentRequest], which marshal the spec's type
// discriminator themselves and have only the fields of their type, or
// [MinimalCreateDeploymentRequest], which leaves the type to the server.
type CreateDeploymentRequest interface {
	json.Marshaler
	createDeployment() // seals the set of variants
}

// MinimalCreateDeploymentRequest is a create with only the two fields the v1
// API requires (changelog: "Create Deployment requests now require only
// name and workspaceId"). The server picks the cluster or region from the
// Workspace's defaults, or the Organization's only dedicated cluster,
// infers the type and applies defaults for everything else.
//
// It sends no type, which the spec's CreateDeploymentRequest discriminator
// still demands: the one recorded exception of the conformance suite.
type MinimalCreateDeploymentRequest struct {
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
}

// CreateDedicatedDeploymentRequest is the spec's
// CreateDedicatedDeploymentRequest: a Deployment on a dedicated cluster.
// Only Name and WorkspaceID are required; the server fills the rest.
type CreateDedicatedDeploymentRequest struct {
	AstroRuntimeVersion *string `json:"astroRuntimeVersion,omitempty"`
	// ClusterID defaults to the Workspace's default cluster.
	ClusterID     *string  `json:"clusterId,omitempty"`
	ContactEmails []string `json:"contactEmails,omitempty"`
	// DefaultTaskPodCPU is in cores ("0.25"); DefaultTaskPodMemory carries
	// "Gi" and is twice the CPU. The same holds for the resource quota.
	DefaultTaskPodCPU    *string                                `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory *string                                `json:"defaultTaskPodMemory,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables,omitempty"`
	Executor             *DeploymentExecutor                    `json:"executor,omitempty"`
	IsCICDEnforced       *bool                                  `json:"isCicdEnforced,omitempty"`
	IsDagDeployEnabled   *bool                                  `json:"isDagDeployEnabled,omitempty"`
	IsDevelopmentMode    *bool                                  `json:"isDevelopmentMode,omitempty"`
	IsHighAvailability   *bool                                  `json:"isHighAvailability,omitempty"`
	Name                 string                                 `json:"name"`
	RemoteExecution      *DeploymentRemoteExecutionRequest      `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU     *string                                `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory  *string                                `json:"resourceQuotaMemory,omitempty"`
	ScalingSpec          *DeploymentScalingSpecRequest          `json:"scalingSpec,omitempty"`
	SchedulerSize        *SchedulerSize                         `json:"schedulerSize,omitempty"`
	WorkerQueues         []WorkerQueueRequest                   `json:"workerQueues,omitempty"`
	WorkloadIdentity     *string                                `json:"workloadIdentity,omitempty"`
	WorkspaceID          string                                 `json:"workspaceId"`
}

// CreateHybridDeploymentRequest is the spec's CreateHybridDeploymentRequest:
// a Deployment on a customer-hosted (Hybrid) cluster. Executor is CELERY or
// KUBERNETES.
type CreateHybridDeploymentRequest struct {
	AstroRuntimeVersion  *string                                `json:"astroRuntimeVersion,omitempty"`
	ClusterID            *string                                `json:"clusterId,omitempty"`
	ContactEmails        []string                               `json:"contactEmails,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables,omitempty"`
	Executor             *DeploymentExecutor                    `json:"executor,omitempty"`
	IsCICDEnforced       *bool                                  `json:"isCicdEnforced,omitempty"`
	IsDagDeployEnabled   *bool                                  `json:"isDagDeployEnabled,omitempty"`
	Name                 string                                 `json:"name"`
	Scheduler            *CreateDeploymentInstanceSpecRequest   `json:"scheduler,omitempty"`
	TaskPodNodePoolID    *string                                `json:"taskPodNodePoolId,omitempty"`
	WorkerQueues         []HybridWorkerQueueRequest             `json:"workerQueues,omitempty"`
	WorkloadIdentity     *string                                `json:"workloadIdentity,omitempty"`
	WorkspaceID          string                                 `json:"workspaceId"`
}

// CreateStandardDeploymentRequest is the spec's
// CreateStandardDeploymentRequest: a Deployment on Astronomer's shared
// infrastructure, placed by CloudProvider and Region (which go together)
// or ClusterID, which wins.
type CreateStandardDeploymentRequest struct {
	AstroRuntimeVersion  *string                                `json:"astroRuntimeVersion,omitempty"`
	CloudProvider        *CloudProvider                         `json:"cloudProvider,omitempty"`
	ClusterID            *string                                `json:"clusterId,omitempty"`
	ContactEmails        []string                               `json:"contactEmails,omitempty"`
	DefaultTaskPodCPU    *string                                `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory *string                                `json:"defaultTaskPodMemory,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables,omitempty"`
	Executor             *DeploymentExecutor                    `json:"executor,omitempty"`
	IsCICDEnforced       *bool                                  `json:"isCicdEnforced,omitempty"`
	IsDagDeployEnabled   *bool                                  `json:"isDagDeployEnabled,omitempty"`
	IsDevelopmentMode    *bool                                  `json:"isDevelopmentMode,omitempty"`
	IsHighAvailability   *bool                                  `json:"isHighAvailability,omitempty"`
	Name                 string                                 `json:"name"`
	Region               *string                                `json:"region,omitempty"`
	RemoteExecution      *DeploymentRemoteExecutionRequest      `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU     *string                                `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory  *string                                `json:"resourceQuotaMemory,omitempty"`
	ScalingSpec          *DeploymentScalingSpecRequest          `json:"scalingSpec,omitempty"`
	SchedulerSize        *SchedulerSize                         `json:"schedulerSize,omitempty"`
	WorkerQueues         []WorkerQueueRequest                   `json:"workerQueues,omitempty"`
	WorkloadIdentity     *string                                `json:"workloadIdentity,omitempty"`
	WorkspaceID          string                                 `json:"workspaceId"`
}

func (MinimalCreateDeploymentRequest) createDeployment()   {}
func (CreateDedicatedDeploymentRequest) createDeployment() {}
func (CreateHybridDeploymentRequest) createDeployment()    {}
func (CreateStandardDeploymentRequest) createDeployment()  {}

// MarshalJSON sends name and workspaceId only.
func (r MinimalCreateDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain MinimalCreateDeploymentRequest
	return json.Marshal(plain(r))
}

// MarshalJSON adds "type": "DEDICATED".
func (r CreateDedicatedDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain CreateDedicatedDeploymentRequest
	return marshalTyped(DeploymentTypeDedicated, plain(r))
}

// MarshalJSON adds "type": "HYBRID".
func (r CreateHybridDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain CreateHybridDeploymentRequest
	return marshalTyped(DeploymentTypeHybrid, plain(r))
}

// MarshalJSON adds "type": "STANDARD".
func (r CreateStandardDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain CreateStandardDeploymentRequest
	return marshalTyped(DeploymentTypeStandard, plain(r))
}

// marshalTyped encodes body, a struct without a type field, as a JSON
// object that starts with "type": t, the discriminator of the Deployment
// request unions. (A type parameter cannot be embedded, so the key is
// spliced in.)
func marshalTyped(t DeploymentType, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("astro: %T does not encode as a JSON object", body)
	}
	out := make([]byte, 0, len(b)+len(t)+12)
	out = append(out, `{"type":`...)
	out = strconv.AppendQuote(out, string(t))
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// UpdateDeploymentRequest is the body of DeploymentsService.Update: the
// variant of the Deployment's type, [UpdateDedicatedDeploymentRequest],
// [UpdateHybridDeploymentRequest] or [UpdateStandardDeploymentRequest]. An
// update replaces the settings: EnvironmentVariables is the complete list,
// and nil sends an empty one.
type UpdateDeploymentRequest interface {
	json.Marshaler
	updateDeployment() // seals the set of variants
}

// UpdateDedicatedDeploymentRequest is the spec's
// UpdateDedicatedDeploymentRequest.
type UpdateDedicatedDeploymentRequest struct {
	ContactEmails        []string                               `json:"contactEmails,omitempty"`
	DefaultTaskPodCPU    *string                                `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory *string                                `json:"defaultTaskPodMemory,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables"`
	Executor             DeploymentExecutor                     `json:"executor"`
	IsCICDEnforced       bool                                   `json:"isCicdEnforced"`
	IsDagDeployEnabled   bool                                   `json:"isDagDeployEnabled"`
	// IsDevelopmentMode cannot be turned on for an existing Deployment.
	IsDevelopmentMode   *bool                             `json:"isDevelopmentMode,omitempty"`
	IsHighAvailability  bool                              `json:"isHighAvailability"`
	Name                string                            `json:"name"`
	RemoteExecution     *DeploymentRemoteExecutionRequest `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU    *string                           `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory *string                           `json:"resourceQuotaMemory,omitempty"`
	ScalingSpec         *DeploymentScalingSpecRequest     `json:"scalingSpec,omitempty"`
	SchedulerSize       SchedulerSize                     `json:"schedulerSize"`
	// WorkerQueues left nil keeps the queues; otherwise it is the complete
	// list, and items without an ID are new queues.
	WorkerQueues     []UpdateWorkerQueueRequest `json:"workerQueues,omitempty"`
	WorkloadIdentity *string                    `json:"workloadIdentity,omitempty"`
	WorkspaceID      string                     `json:"workspaceId"`
}

// UpdateHybridDeploymentRequest is the spec's UpdateHybridDeploymentRequest.
type UpdateHybridDeploymentRequest struct {
	ContactEmails        []string                               `json:"contactEmails,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables"`
	Executor             DeploymentExecutor                     `json:"executor"`
	IsCICDEnforced       bool                                   `json:"isCicdEnforced"`
	IsDagDeployEnabled   bool                                   `json:"isDagDeployEnabled"`
	Name                 string                                 `json:"name"`
	Scheduler            UpdateDeploymentInstanceSpecRequest    `json:"scheduler"`
	TaskPodNodePoolID    *string                                `json:"taskPodNodePoolId,omitempty"`
	WorkerQueues         []UpdateWorkerQueueRequest             `json:"workerQueues,omitempty"`
	WorkloadIdentity     *string                                `json:"workloadIdentity,omitempty"`
	WorkspaceID          string                                 `json:"workspaceId"`
}

// UpdateStandardDeploymentRequest is the spec's
// UpdateStandardDeploymentRequest.
type UpdateStandardDeploymentRequest struct {
	ContactEmails        []string                               `json:"contactEmails,omitempty"`
	DefaultTaskPodCPU    *string                                `json:"defaultTaskPodCpu,omitempty"`
	DefaultTaskPodMemory *string                                `json:"defaultTaskPodMemory,omitempty"`
	Description          *string                                `json:"description,omitempty"`
	DRWorkloadIdentity   *string                                `json:"drWorkloadIdentity,omitempty"`
	EnvironmentVariables []DeploymentEnvironmentVariableRequest `json:"environmentVariables"`
	Executor             DeploymentExecutor                     `json:"executor"`
	IsCICDEnforced       bool                                   `json:"isCicdEnforced"`
	IsDagDeployEnabled   bool                                   `json:"isDagDeployEnabled"`
	IsDevelopmentMode    *bool                                  `json:"isDevelopmentMode,omitempty"`
	IsHighAvailability   bool                                   `json:"isHighAvailability"`
	Name                 string                                 `json:"name"`
	RemoteExecution      *DeploymentRemoteExecutionRequest      `json:"remoteExecution,omitempty"`
	ResourceQuotaCPU     *string                                `json:"resourceQuotaCpu,omitempty"`
	ResourceQuotaMemory  *string                                `json:"resourceQuotaMemory,omitempty"`
	ScalingSpec          *DeploymentScalingSpecRequest          `json:"scalingSpec,omitempty"`
	SchedulerSize        SchedulerSize                          `json:"schedulerSize"`
	WorkerQueues         []UpdateWorkerQueueRequest             `json:"workerQueues,omitempty"`
	WorkloadIdentity     *string                                `json:"workloadIdentity,omitempty"`
	WorkspaceID          string                                 `json:"workspaceId"`
}

func (UpdateDedicatedDeploymentRequest) updateDeployment() {}
func (UpdateHybridDeploymentRequest) updateDeployment()    {}
func (UpdateStandardDeploymentRequest) updateDeployment()  {}

// MarshalJSON adds "type": "DEDICATED".
func (r UpdateDedicatedDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateDedicatedDeploymentRequest
	r.EnvironmentVariables = nonNil(r.EnvironmentVariables)
	return marshalTyped(DeploymentTypeDedicated, plain(r))
}

// MarshalJSON adds "type": "HYBRID".
func (r UpdateHybridDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateHybridDeploymentRequest
	r.EnvironmentVariables = nonNil(r.EnvironmentVariables)
	return marshalTyped(DeploymentTypeHybrid, plain(r))
}

// MarshalJSON adds "type": "STANDARD".
func (r UpdateStandardDeploymentRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateStandardDeploymentRequest
	r.EnvironmentVariables = nonNil(r.EnvironmentVariables)
	return marshalTyped(DeploymentTypeStandard, plain(r))
}

// nonNil turns a nil slice into an empty one, so that a required array is
// sent as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WorkerQueueRequest is the spec's WorkerQueueRequest: a worker queue of a
// new DEDICATED or STANDARD Deployment. Without ID it is a new queue.
type WorkerQueueRequest struct {
	AstroMachine        AstroMachine `json:"astroMachine"`
	ID                  *string      `json:"id,omitempty"`
	IsDefault           bool         `json:"isDefault"`
	MaxWorkerCount      int          `json:"maxWorkerCount"`
	MinWorkerCount      int          `json:"minWorkerCount"`
	Name                string       `json:"name"`
	PodEphemeralStorage *string      `json:"podEphemeralStorage,omitempty"`
	WorkerConcurrency   int          `json:"workerConcurrency"`
}

// HybridWorkerQueueRequest is the spec's HybridWorkerQueueRequest: a worker
// queue of a new HYBRID Deployment, on a node pool of its cluster.
type HybridWorkerQueueRequest struct {
	ID                *string `json:"id,omitempty"`
	IsDefault         bool    `json:"isDefault"`
	MaxWorkerCount    int     `json:"maxWorkerCount"`
	MinWorkerCount    int     `json:"minWorkerCount"`
	Name              string  `json:"name"`
	NodePoolID        string  `json:"nodePoolId"`
	WorkerConcurrency int     `json:"workerConcurrency"`
}

// UpdateWorkerQueueRequest is the spec's UpdateWorkerQueueRequest.
// AstroMachine is required on Astro Hosted Deployments, NodePoolID on
// HYBRID ones.
type UpdateWorkerQueueRequest struct {
	AstroMachine        *AstroMachine `json:"astroMachine,omitempty"`
	ID                  *string       `json:"id,omitempty"`
	IsDefault           bool          `json:"isDefault"`
	MaxWorkerCount      int           `json:"maxWorkerCount"`
	MinWorkerCount      int           `json:"minWorkerCount"`
	Name                string        `json:"name"`
	NodePoolID          *string       `json:"nodePoolId,omitempty"`
	PodEphemeralStorage *string       `json:"podEphemeralStorage,omitempty"`
	WorkerConcurrency   int           `json:"workerConcurrency"`
}

// DeploymentEnvironmentVariableRequest is the spec's
// DeploymentEnvironmentVariableRequest. A secret sent again without a
// Value keeps its stored value.
type DeploymentEnvironmentVariableRequest struct {
	IsSecret bool    `json:"isSecret"`
	Key      string  `json:"key"`
	Value    *string `json:"value,omitempty"`
}

// DeploymentRemoteExecutionRequest is the spec's
// DeploymentRemoteExecutionRequest.
type DeploymentRemoteExecutionRequest struct {
	AllowedIPAddressRanges []string `json:"allowedIpAddressRanges,omitempty"`
	Enabled                bool     `json:"enabled"`
	TaskLogBucket          *string  `json:"taskLogBucket,omitempty"`
	TaskLogURLPattern      *string  `json:"taskLogUrlPattern,omitempty"`
}

// DeploymentScalingSpecRequest is the spec's DeploymentScalingSpecRequest;
// hibernation is for development Deployments only.
type DeploymentScalingSpecRequest struct {
	HibernationSpec *DeploymentHibernationSpecRequest `json:"hibernationSpec,omitempty"`
}

// DeploymentHibernationSpecRequest is the spec's
// DeploymentHibernationSpecRequest: at most 10 schedules.
type DeploymentHibernationSpecRequest struct {
	Override  *DeploymentHibernationOverrideRequest `json:"override,omitempty"`
	Schedules []DeploymentHibernationSchedule       `json:"schedules,omitempty"`
}

// DeploymentHibernationOverrideRequest is the spec's
// DeploymentHibernationOverrideRequest. OverrideUntil is a timestamp the
// spec types as a plain string.
type DeploymentHibernationOverrideRequest struct {
	IsHibernating *bool   `json:"isHibernating,omitempty"`
	OverrideUntil *string `json:"overrideUntil,omitempty"`
}

// CreateDeploymentInstanceSpecRequest is the spec's
// CreateDeploymentInstanceSpecRequest: the scheduler of a HYBRID
// Deployment, AU 5 to 24 and 1 to 4 replicas.
type CreateDeploymentInstanceSpecRequest struct {
	AU       *int `json:"au,omitempty"`
	Replicas *int `json:"replicas,omitempty"`
}

// UpdateDeploymentInstanceSpecRequest is the spec's
// UpdateDeploymentInstanceSpecRequest.
type UpdateDeploymentInstanceSpecRequest struct {
	AU       int `json:"au"`
	Replicas int `json:"replicas"`
}

// OverrideDeploymentHibernationBody is the body of
// UpdateDeploymentHibernationOverride: hibernate (true) or wake (false)
// now, whatever the schedules say, until OverrideUntil or until the
// override is deleted. IsHibernating is a required key that the spec lets
// be null.
type OverrideDeploymentHibernationBody struct {
	IsHibernating *bool      `json:"isHibernating"`
	OverrideUntil *time.Time `json:"overrideUntil,omitempty"`
}
