package graph

import (
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// Deployment inputs: each variant of the create and update @oneOf inputs
// becomes the client's request of that variant, checked on the way against
// the spec's lengths and ranges.

// deploymentBasics checks what every deployment variant has.
func deploymentBasics(c *check, path, workspaceID, name string, description *string) {
	c.id(path+".workspaceId", workspaceID)
	c.required(path+".name", name)
	c.maxLen(path+".name", name, 500)
	c.maxLenPtr(path+".description", description, 1000)
}

func envVarRequests(c *check, path string, vs []*model.AstroDeploymentEnvironmentVariableInput) []astro.DeploymentEnvironmentVariableRequest {
	if vs == nil {
		return nil
	}
	out := make([]astro.DeploymentEnvironmentVariableRequest, len(vs))
	for i, v := range vs {
		c.required(path+"["+itoa(i)+"].key", v.Key)
		out[i] = astro.DeploymentEnvironmentVariableRequest{Key: v.Key, IsSecret: v.IsSecret, Value: v.Value}
	}
	return out
}

// queueCounts checks a worker queue's name and counts.
func queueCounts(c *check, p, name string, minWorkers, maxWorkers, concurrency int) {
	c.required(p+".name", name)
	c.maxLen(p+".name", name, 63)
	c.atLeast(p+".maxWorkerCount", maxWorkers, 1)
	c.atLeast(p+".minWorkerCount", minWorkers, 0)
	c.atLeast(p+".workerConcurrency", concurrency, 1)
	if minWorkers > maxWorkers {
		c.fail(p+".minWorkerCount", "must not exceed maxWorkerCount (%d), got %d", maxWorkers, minWorkers)
	}
}

func hostedQueues(c *check, path string, qs []*model.AstroWorkerQueueInput) []astro.WorkerQueueRequest {
	if qs == nil {
		return nil
	}
	c.items(path, len(qs), 1, -1)
	out := make([]astro.WorkerQueueRequest, len(qs))
	for i, q := range qs {
		queueCounts(c, path+"["+itoa(i)+"]", q.Name, q.MinWorkerCount, q.MaxWorkerCount, q.WorkerConcurrency)
		out[i] = astro.WorkerQueueRequest{
			ID: q.ID, Name: q.Name, IsDefault: q.IsDefault, AstroMachine: astro.AstroMachine(q.AstroMachine),
			MaxWorkerCount: q.MaxWorkerCount, MinWorkerCount: q.MinWorkerCount, WorkerConcurrency: q.WorkerConcurrency,
			PodEphemeralStorage: q.PodEphemeralStorage,
		}
	}
	return out
}

func hybridQueues(c *check, path string, qs []*model.AstroHybridWorkerQueueInput) []astro.HybridWorkerQueueRequest {
	if qs == nil {
		return nil
	}
	c.items(path, len(qs), 1, -1)
	out := make([]astro.HybridWorkerQueueRequest, len(qs))
	for i, q := range qs {
		p := path + "[" + itoa(i) + "]"
		queueCounts(c, p, q.Name, q.MinWorkerCount, q.MaxWorkerCount, q.WorkerConcurrency)
		c.id(p+".nodePoolId", q.NodePoolID)
		out[i] = astro.HybridWorkerQueueRequest{
			ID: q.ID, Name: q.Name, IsDefault: q.IsDefault, NodePoolID: q.NodePoolID,
			MaxWorkerCount: q.MaxWorkerCount, MinWorkerCount: q.MinWorkerCount, WorkerConcurrency: q.WorkerConcurrency,
		}
	}
	return out
}

// updateHostedQueues and updateHybridQueues map to the one update shape,
// with the astroMachine (Astro Hosted) or nodePoolId (Hybrid) it needs.
func updateHostedQueues(c *check, path string, qs []*model.AstroWorkerQueueInput) []astro.UpdateWorkerQueueRequest {
	var out []astro.UpdateWorkerQueueRequest
	for _, q := range hostedQueues(c, path, qs) {
		out = append(out, astro.UpdateWorkerQueueRequest{
			ID: q.ID, Name: q.Name, IsDefault: q.IsDefault, AstroMachine: &q.AstroMachine, MaxWorkerCount: q.MaxWorkerCount,
			MinWorkerCount: q.MinWorkerCount, WorkerConcurrency: q.WorkerConcurrency, PodEphemeralStorage: q.PodEphemeralStorage,
		})
	}
	return out
}

func updateHybridQueues(c *check, path string, qs []*model.AstroHybridWorkerQueueInput) []astro.UpdateWorkerQueueRequest {
	var out []astro.UpdateWorkerQueueRequest
	for _, q := range hybridQueues(c, path, qs) {
		out = append(out, astro.UpdateWorkerQueueRequest{
			ID: q.ID, Name: q.Name, IsDefault: q.IsDefault, NodePoolID: &q.NodePoolID, MaxWorkerCount: q.MaxWorkerCount,
			MinWorkerCount: q.MinWorkerCount, WorkerConcurrency: q.WorkerConcurrency,
		})
	}
	return out
}

func remoteExecutionRequest(r *model.AstroRemoteExecutionInput) *astro.DeploymentRemoteExecutionRequest {
	if r == nil {
		return nil
	}
	return &astro.DeploymentRemoteExecutionRequest{
		Enabled: r.Enabled, AllowedIPAddressRanges: r.AllowedIPAddressRanges, TaskLogBucket: r.TaskLogBucket, TaskLogURLPattern: r.TaskLogURLPattern,
	}
}

func scalingSpecRequest(c *check, path string, s *model.AstroScalingSpecInput) *astro.DeploymentScalingSpecRequest {
	if s == nil {
		return nil
	}
	out := &astro.DeploymentScalingSpecRequest{}
	h := s.HibernationSpec
	if h == nil {
		return out
	}
	path += ".hibernationSpec"
	out.HibernationSpec = &astro.DeploymentHibernationSpecRequest{}
	if o := h.Override; o != nil {
		out.HibernationSpec.Override = &astro.DeploymentHibernationOverrideRequest{IsHibernating: o.IsHibernating}
		if o.OverrideUntil != nil {
			until := o.OverrideUntil.UTC().Format(time.RFC3339)
			out.HibernationSpec.Override.OverrideUntil = &until
		}
	}
	c.items(path+".schedules", len(h.Schedules), 0, 10)
	for i, sc := range h.Schedules {
		p := path + ".schedules[" + itoa(i) + "]"
		c.required(p+".hibernateAtCron", sc.HibernateAtCron)
		c.required(p+".wakeAtCron", sc.WakeAtCron)
		c.maxLenPtr(p+".description", sc.Description, 200)
		out.HibernationSpec.Schedules = append(out.HibernationSpec.Schedules, astro.DeploymentHibernationSchedule{
			HibernateAtCron: sc.HibernateAtCron, WakeAtCron: sc.WakeAtCron, IsEnabled: sc.IsEnabled, Description: sc.Description,
		})
	}
	return out
}

// createDeploymentRequest is the request of the one variant s gives.
func createDeploymentRequest(c *check, s *model.AstroDeploymentCreateSpec) astro.CreateDeploymentRequest {
	const path = "input.deployment"
	c.exactlyOne(path, "minimal, dedicated, hybrid or standard", has(s.Minimal), has(s.Dedicated), has(s.Hybrid), has(s.Standard))
	switch {
	case s.Minimal != nil:
		m := s.Minimal
		deploymentBasics(c, path+".minimal", m.WorkspaceID, m.Name, nil)
		return astro.MinimalCreateDeploymentRequest{Name: m.Name, WorkspaceID: m.WorkspaceID}
	case s.Dedicated != nil:
		d, p := s.Dedicated, path+".dedicated"
		deploymentBasics(c, p, d.WorkspaceID, d.Name, d.Description)
		return astro.CreateDedicatedDeploymentRequest{
			WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, ClusterID: d.ClusterID,
			AstroRuntimeVersion: d.AstroRuntimeVersion, Executor: ptrTo[astro.DeploymentExecutor](d.Executor),
			SchedulerSize: ptrTo[astro.SchedulerSize](d.SchedulerSize), IsCICDEnforced: d.IsCicdEnforced,
			IsDagDeployEnabled: d.IsDagDeployEnabled, IsDevelopmentMode: d.IsDevelopmentMode, IsHighAvailability: d.IsHighAvailability,
			ContactEmails: d.ContactEmails, DefaultTaskPodCPU: d.DefaultTaskPodCPU, DefaultTaskPodMemory: d.DefaultTaskPodMemory,
			ResourceQuotaCPU: d.ResourceQuotaCPU, ResourceQuotaMemory: d.ResourceQuotaMemory,
			EnvironmentVariables: envVarRequests(c, p+".environmentVariables", d.EnvironmentVariables),
			WorkerQueues:         hostedQueues(c, p+".workerQueues", d.WorkerQueues),
			RemoteExecution:      remoteExecutionRequest(d.RemoteExecution), ScalingSpec: scalingSpecRequest(c, p+".scalingSpec", d.ScalingSpec),
			WorkloadIdentity: d.WorkloadIdentity, DRWorkloadIdentity: d.DrWorkloadIdentity,
		}
	case s.Hybrid != nil:
		d, p := s.Hybrid, path+".hybrid"
		deploymentBasics(c, p, d.WorkspaceID, d.Name, d.Description)
		req := astro.CreateHybridDeploymentRequest{
			WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, ClusterID: d.ClusterID,
			AstroRuntimeVersion: d.AstroRuntimeVersion, Executor: ptrTo[astro.DeploymentExecutor](d.Executor),
			TaskPodNodePoolID: d.TaskPodNodePoolID, IsCICDEnforced: d.IsCicdEnforced, IsDagDeployEnabled: d.IsDagDeployEnabled,
			ContactEmails:        d.ContactEmails,
			EnvironmentVariables: envVarRequests(c, p+".environmentVariables", d.EnvironmentVariables),
			WorkerQueues:         hybridQueues(c, p+".workerQueues", d.WorkerQueues),
			WorkloadIdentity:     d.WorkloadIdentity, DRWorkloadIdentity: d.DrWorkloadIdentity,
		}
		if sc := d.Scheduler; sc != nil {
			c.betweenPtr(p+".scheduler.au", sc.Au, 5, 24)
			c.betweenPtr(p+".scheduler.replicas", sc.Replicas, 1, 4)
			req.Scheduler = &astro.CreateDeploymentInstanceSpecRequest{AU: sc.Au, Replicas: sc.Replicas}
		}
		return req
	case s.Standard != nil:
		d, p := s.Standard, path+".standard"
		deploymentBasics(c, p, d.WorkspaceID, d.Name, d.Description)
		c.together(p, "cloudProvider", "region", d.CloudProvider != nil, hasStr(d.Region))
		return astro.CreateStandardDeploymentRequest{
			WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, ClusterID: d.ClusterID,
			CloudProvider: ptrTo[astro.CloudProvider](d.CloudProvider), Region: d.Region,
			AstroRuntimeVersion: d.AstroRuntimeVersion, Executor: ptrTo[astro.DeploymentExecutor](d.Executor),
			SchedulerSize: ptrTo[astro.SchedulerSize](d.SchedulerSize), IsCICDEnforced: d.IsCicdEnforced,
			IsDagDeployEnabled: d.IsDagDeployEnabled, IsDevelopmentMode: d.IsDevelopmentMode, IsHighAvailability: d.IsHighAvailability,
			ContactEmails: d.ContactEmails, DefaultTaskPodCPU: d.DefaultTaskPodCPU, DefaultTaskPodMemory: d.DefaultTaskPodMemory,
			ResourceQuotaCPU: d.ResourceQuotaCPU, ResourceQuotaMemory: d.ResourceQuotaMemory,
			EnvironmentVariables: envVarRequests(c, p+".environmentVariables", d.EnvironmentVariables),
			WorkerQueues:         hostedQueues(c, p+".workerQueues", d.WorkerQueues),
			RemoteExecution:      remoteExecutionRequest(d.RemoteExecution), ScalingSpec: scalingSpecRequest(c, p+".scalingSpec", d.ScalingSpec),
			WorkloadIdentity: d.WorkloadIdentity, DRWorkloadIdentity: d.DrWorkloadIdentity,
		}
	}
	return nil
}

// hostedUpdateRequest maps the settings shared by the DEDICATED and
// STANDARD updates; the caller picks the variant.
func hostedUpdateRequest(c *check, p string, d *model.AstroHostedDeploymentUpdateInput) astro.UpdateDedicatedDeploymentRequest {
	deploymentBasics(c, p, d.WorkspaceID, d.Name, d.Description)
	return astro.UpdateDedicatedDeploymentRequest{
		WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, Executor: astro.DeploymentExecutor(d.Executor),
		SchedulerSize: astro.SchedulerSize(d.SchedulerSize), IsCICDEnforced: d.IsCicdEnforced, IsDagDeployEnabled: d.IsDagDeployEnabled,
		IsHighAvailability: d.IsHighAvailability, IsDevelopmentMode: d.IsDevelopmentMode,
		EnvironmentVariables: envVarRequests(c, p+".environmentVariables", d.EnvironmentVariables),
		ContactEmails:        d.ContactEmails, DefaultTaskPodCPU: d.DefaultTaskPodCPU, DefaultTaskPodMemory: d.DefaultTaskPodMemory,
		ResourceQuotaCPU: d.ResourceQuotaCPU, ResourceQuotaMemory: d.ResourceQuotaMemory,
		WorkerQueues:    updateHostedQueues(c, p+".workerQueues", d.WorkerQueues),
		RemoteExecution: remoteExecutionRequest(d.RemoteExecution), ScalingSpec: scalingSpecRequest(c, p+".scalingSpec", d.ScalingSpec),
		WorkloadIdentity: d.WorkloadIdentity, DRWorkloadIdentity: d.DrWorkloadIdentity,
	}
}

func hybridUpdateRequest(c *check, p string, d *model.AstroHybridDeploymentUpdateInput) astro.UpdateHybridDeploymentRequest {
	deploymentBasics(c, p, d.WorkspaceID, d.Name, d.Description)
	c.between(p+".scheduler.au", d.Scheduler.Au, 5, 24)
	c.between(p+".scheduler.replicas", d.Scheduler.Replicas, 1, 4)
	return astro.UpdateHybridDeploymentRequest{
		WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, Executor: astro.DeploymentExecutor(d.Executor),
		Scheduler:      astro.UpdateDeploymentInstanceSpecRequest{AU: d.Scheduler.Au, Replicas: d.Scheduler.Replicas},
		IsCICDEnforced: d.IsCicdEnforced, IsDagDeployEnabled: d.IsDagDeployEnabled,
		EnvironmentVariables: envVarRequests(c, p+".environmentVariables", d.EnvironmentVariables),
		ContactEmails:        d.ContactEmails, TaskPodNodePoolID: d.TaskPodNodePoolID,
		WorkerQueues:     updateHybridQueues(c, p+".workerQueues", d.WorkerQueues),
		WorkloadIdentity: d.WorkloadIdentity, DRWorkloadIdentity: d.DrWorkloadIdentity,
	}
}
