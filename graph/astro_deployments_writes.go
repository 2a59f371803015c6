package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Deployment writes. A create is never repeated blindly: a deployment's
// name is unique in its workspace (Astro refuses a second one), so an
// unknown outcome is resolved by looking the name up (see creates.go).

func createAstroDeployment(ctx context.Context, in model.CreateAstroDeploymentInput) (*model.CreateAstroDeploymentPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	req := createDeploymentRequest(&c, in.Deployment)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	name, workspaceID, err := deploymentNameOf(req)
	if err != nil {
		return nil, err
	}
	d, err := once(ctx, "astro", "createAstroDeployment", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Deployment, error) {
		return createDeploymentOnce(ctx, cl, in.OrganizationID, workspaceID, name, req, uncertain)
	})
	if err != nil {
		return nil, err
	}
	loader.Refresh(ctx, l.AstroDeployment, deploymentKey(in.OrganizationID, d.ID), d)
	return &model.CreateAstroDeploymentPayload{Deployment: convertAstroDeployment(d), ClientMutationID: in.ClientMutationID}, nil
}

// createDeploymentOnce creates the deployment unless a create of ours
// already did: its name is unique in its workspace (see createByKey).
func createDeploymentOnce(ctx context.Context, cl *astro.Client, orgID, workspaceID, name string, req astro.CreateDeploymentRequest, uncertain bool) (*astro.Deployment, error) {
	return createByKey(ctx, keyedCreate[*astro.Deployment]{
		kind: "deployment",
		key:  fmt.Sprintf("the name '%s' in its workspace", name),
		send: func(ctx context.Context) (*astro.Deployment, error) {
			d, _, err := cl.Deployments.Create(ctx, orgID, req)
			return d, err
		},
		find: func(ctx context.Context) (*astro.Deployment, bool, error) {
			opts := &astro.ListDeploymentsOptions{WorkspaceIDs: []string{workspaceID}, Names: []string{name}, ListOptions: astro.ListOptions{Limit: 100}}
			ds, _, err := cl.Deployments.List(ctx, orgID, opts)
			for _, d := range ds {
				// Match here too: a filter an older API ignores must not
				// make another deployment the answer.
				if d.Name == name && d.WorkspaceID == workspaceID {
					return d, true, nil
				}
			}
			return nil, false, err
		},
		holder: func(d *astro.Deployment) (string, string) { return encodeID(typeAstroDeployment, orgID, d.ID), d.ID },
	}, uncertain)
}

// deploymentNameOf reads the unique key — name and workspace — of any
// variant of the create body.
func deploymentNameOf(req astro.CreateDeploymentRequest) (name, workspaceID string, err error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", "", err
	}
	var key struct {
		Name        string `json:"name"`
		WorkspaceID string `json:"workspaceId"`
	}
	if err := json.Unmarshal(b, &key); err != nil {
		return "", "", err
	}
	return key.Name, key.WorkspaceID, nil
}

func updateAstroDeployment(ctx context.Context, in model.UpdateAstroDeploymentInput) (*model.UpdateAstroDeploymentPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	s := in.Deployment
	c.exactlyOne("input.deployment", "dedicated, hybrid, standard or patch", has(s.Dedicated), has(s.Hybrid), has(s.Standard), has(s.Patch))
	var req astro.UpdateDeploymentRequest
	switch {
	case s.Dedicated != nil:
		req = hostedUpdateRequest(&c, "input.deployment.dedicated", s.Dedicated)
	case s.Standard != nil:
		req = astro.UpdateStandardDeploymentRequest(hostedUpdateRequest(&c, "input.deployment.standard", s.Standard))
	case s.Hybrid != nil:
		req = hybridUpdateRequest(&c, "input.deployment.hybrid", s.Hybrid)
	case s.Patch != nil:
		checkPatch(&c, s.Patch)
	}
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if s.Patch != nil {
		// The patch needs the deployment as Astro has it now, not as the
		// request may have cached it.
		cur, _, err := cl.Deployments.Get(ctx, in.OrganizationID, in.DeploymentID)
		if err != nil {
			return nil, astroFail(err)
		}
		if req, err = patchRequest(cur, s.Patch); err != nil {
			return nil, err
		}
	}
	d, _, err := cl.Deployments.Update(ctx, in.OrganizationID, in.DeploymentID, req)
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroDeployment, deploymentKey(in.OrganizationID, d.ID), d)
	return &model.UpdateAstroDeploymentPayload{Deployment: convertAstroDeployment(d)}, nil
}

func deleteAstroDeployment(ctx context.Context, in model.DeleteAstroDeploymentInput) (*model.DeleteAstroDeploymentPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.deploymentId", in.DeploymentID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Deployments.Delete(ctx, in.OrganizationID, in.DeploymentID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroDeployment, deploymentKey(in.OrganizationID, in.DeploymentID))
	return &model.DeleteAstroDeploymentPayload{ID: encodeID(typeAstroDeployment, in.OrganizationID, in.DeploymentID), DeploymentID: in.DeploymentID}, nil
}

const patchPath = "input.deployment.patch"

// checkPatch checks what a patch says on its own, before any call.
func checkPatch(c *check, p *model.AstroDeploymentPatchInput) {
	if p.Name != nil {
		c.required(patchPath+".name", *p.Name)
		c.maxLen(patchPath+".name", *p.Name, 500)
	}
	c.maxLenPtr(patchPath+".description", p.Description, 1000)
	envVarRequests(c, patchPath+".environmentVariables", p.EnvironmentVariables)
}

// patchRequest is the complete update of cur's type with p's changes. A
// field that cur's type lacks is BAD_USER_INPUT. Worker queues are left
// out, which keeps them; secret variables are sent without their value,
// which keeps it.
func patchRequest(cur *astro.Deployment, p *model.AstroDeploymentPatchInput) (astro.UpdateDeploymentRequest, error) {
	var c check
	k := patchCommon(&c, cur, p)
	if cur.Type != nil && *cur.Type == astro.DeploymentTypeHybrid {
		return patchHybrid(&c, cur, p, k)
	}
	return patchHosted(&c, cur, p, k)
}

// patchedCommon are the fields every deployment type's update carries: the
// deployment's current values, with the patch's where it gives them.
type patchedCommon struct {
	name            string
	description     *string
	contacts        []string
	executor        astro.DeploymentExecutor
	cicd, dagDeploy bool
	envs            []astro.DeploymentEnvironmentVariableRequest
}

func patchCommon(c *check, cur *astro.Deployment, p *model.AstroDeploymentPatchInput) patchedCommon {
	k := patchedCommon{name: cur.Name, description: cur.Description, contacts: cur.ContactEmails,
		executor: astro.DeploymentExecutorCelery, cicd: cur.IsCICDEnforced, dagDeploy: cur.IsDagDeployEnabled}
	k.envs = make([]astro.DeploymentEnvironmentVariableRequest, 0, len(cur.EnvironmentVariables))
	for _, v := range cur.EnvironmentVariables {
		r := astro.DeploymentEnvironmentVariableRequest{Key: v.Key, IsSecret: v.IsSecret}
		if !v.IsSecret {
			r.Value = v.Value
		}
		k.envs = append(k.envs, r)
	}
	if p.EnvironmentVariables != nil {
		k.envs = envVarRequests(c, patchPath+".environmentVariables", p.EnvironmentVariables)
	}
	if p.Name != nil {
		k.name = *p.Name
	}
	if p.Description != nil {
		k.description = p.Description
	}
	if p.ContactEmails != nil {
		k.contacts = p.ContactEmails
	}
	if cur.Executor != nil {
		k.executor = *cur.Executor
	}
	if p.Executor != nil {
		k.executor = astro.DeploymentExecutor(*p.Executor)
	}
	if p.IsCicdEnforced != nil {
		k.cicd = *p.IsCicdEnforced
	}
	if p.IsDagDeployEnabled != nil {
		k.dagDeploy = *p.IsDagDeployEnabled
	}
	return k
}

// patchHybrid is the update of a HYBRID deployment, which has none of
// Astro Hosted's sizes.
func patchHybrid(c *check, cur *astro.Deployment, p *model.AstroDeploymentPatchInput, k patchedCommon) (astro.UpdateDeploymentRequest, error) {
	why := "on a HYBRID deployment: Astro Hosted only"
	c.forbidden(patchPath+".schedulerSize", p.SchedulerSize != nil, why)
	c.forbidden(patchPath+".isHighAvailability", p.IsHighAvailability != nil, why)
	c.forbidden(patchPath+".defaultTaskPodCpu", p.DefaultTaskPodCPU != nil, why)
	c.forbidden(patchPath+".defaultTaskPodMemory", p.DefaultTaskPodMemory != nil, why)
	c.forbidden(patchPath+".resourceQuotaCpu", p.ResourceQuotaCPU != nil, why)
	c.forbidden(patchPath+".resourceQuotaMemory", p.ResourceQuotaMemory != nil, why)
	c.forbidden(patchPath+".executor", k.executor == astro.DeploymentExecutorAstro, "as ASTRO on a HYBRID deployment: CELERY or KUBERNETES")
	if err := c.result(); err != nil {
		return nil, err
	}
	return astro.UpdateHybridDeploymentRequest{
		WorkspaceID: cur.WorkspaceID, Name: k.name, Description: k.description, Executor: k.executor,
		Scheduler:      astro.UpdateDeploymentInstanceSpecRequest{AU: deref(cur.SchedulerAU), Replicas: cur.SchedulerReplicas},
		IsCICDEnforced: k.cicd, IsDagDeployEnabled: k.dagDeploy, EnvironmentVariables: k.envs, ContactEmails: k.contacts,
		TaskPodNodePoolID: cur.TaskPodNodePoolID,
	}, nil
}

// patchHosted is the update of a DEDICATED or STANDARD deployment.
func patchHosted(c *check, cur *astro.Deployment, p *model.AstroDeploymentPatchInput, k patchedCommon) (astro.UpdateDeploymentRequest, error) {
	size := astro.SchedulerSizeSmall
	if cur.SchedulerSize != nil {
		size = *cur.SchedulerSize
	}
	if p.SchedulerSize != nil {
		size = astro.SchedulerSize(*p.SchedulerSize)
	}
	ha := deref(cur.IsHighAvailability)
	if p.IsHighAvailability != nil {
		ha = *p.IsHighAvailability
	}
	req := astro.UpdateDedicatedDeploymentRequest{
		WorkspaceID: cur.WorkspaceID, Name: k.name, Description: k.description, Executor: k.executor, SchedulerSize: size,
		IsCICDEnforced: k.cicd, IsDagDeployEnabled: k.dagDeploy, IsHighAvailability: ha, EnvironmentVariables: k.envs, ContactEmails: k.contacts,
		DefaultTaskPodCPU: orPtr(p.DefaultTaskPodCPU, cur.DefaultTaskPodCPU), DefaultTaskPodMemory: orPtr(p.DefaultTaskPodMemory, cur.DefaultTaskPodMemory),
		ResourceQuotaCPU: orPtr(p.ResourceQuotaCPU, cur.ResourceQuotaCPU), ResourceQuotaMemory: orPtr(p.ResourceQuotaMemory, cur.ResourceQuotaMemory),
	}
	if r := cur.RemoteExecution; r != nil {
		req.RemoteExecution = &astro.DeploymentRemoteExecutionRequest{
			Enabled: r.Enabled, AllowedIPAddressRanges: r.AllowedIPAddressRanges, TaskLogBucket: r.TaskLogBucket, TaskLogURLPattern: r.TaskLogURLPattern,
		}
	}
	if s := cur.ScalingSpec; s != nil && s.HibernationSpec != nil && len(s.HibernationSpec.Schedules) > 0 {
		req.ScalingSpec = &astro.DeploymentScalingSpecRequest{HibernationSpec: &astro.DeploymentHibernationSpecRequest{Schedules: s.HibernationSpec.Schedules}}
	}
	if err := c.result(); err != nil {
		return nil, err
	}
	if cur.Type != nil && *cur.Type == astro.DeploymentTypeStandard {
		return astro.UpdateStandardDeploymentRequest(req), nil
	}
	return req, nil
}

// orPtr is the patch's value when it has one, else the current one.
func orPtr[T any](patch, cur *T) *T {
	if patch != nil {
		return patch
	}
	return cur
}
