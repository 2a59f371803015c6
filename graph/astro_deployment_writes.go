package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/cache"
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

// createDeploymentOnce creates the deployment unless it exists. While the
// outcome of a create sent (here, or by an earlier attempt with the same
// clientMutationId: uncertain) is unknown, it looks the name up: found, the
// deployment is the answer; certainly absent, it creates again, at most
// createAttempts times. A name already taken is the answer too when a
// create of ours may have taken it; otherwise it is BAD_USER_INPUT naming
// the holder.
func createDeploymentOnce(ctx context.Context, cl *astro.Client, orgID, workspaceID, name string, req astro.CreateDeploymentRequest, uncertain bool) (*astro.Deployment, error) {
	// Lookups share one budget, and leave time to answer before the
	// request's deadline.
	end := time.Now().Add(lookupBudget)
	if dl, ok := ctx.Deadline(); ok && dl.Add(-answerMargin).Before(end) {
		end = dl.Add(-answerMargin)
	}
	lookupCtx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	var lastErr error
	for attempt := 1; attempt <= createAttempts; attempt++ {
		if uncertain {
			d, err := findDeployment(lookupCtx, cl, orgID, workspaceID, name)
			if err != nil {
				return nil, &loader.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: "deployment",
					Why: fmt.Sprintf("Astro's answer to the create was lost and the deployment could not be looked up by name in time; query the workspace for '%s', or retry with the same clientMutationId", name), Err: err}}
			}
			if d != nil {
				return d, nil
			}
		}
		d, err := sendCreate(ctx, func(ctx context.Context) (*astro.Deployment, error) {
			d, _, err := cl.Deployments.Create(ctx, orgID, req)
			return d, err
		})
		switch {
		case err == nil:
			return d, nil
		case astro.IsAlreadyExists(err):
			holder, ferr := findDeployment(lookupCtx, cl, orgID, workspaceID, name)
			if uncertain && ferr == nil && holder != nil {
				// An earlier create of ours took the name after all.
				return holder, nil
			}
			if ferr == nil && holder != nil {
				err = &ExistsError{ExistingID: encodeID(typeAstroDeployment, orgID, holder.ID), ExistingUpstreamID: holder.ID, Err: err}
			}
			return nil, astroFail(err)
		case !astroUnknown(err):
			return nil, astroFail(err)
		}
		uncertain, lastErr = true, err
	}
	return nil, &loader.BackendError{Backend: "astro", Err: &OutcomeUnknownError{Backend: "astro", Kind: "deployment",
		Why: fmt.Sprintf("%d creates of '%s' went unanswered and the name was not found after each", createAttempts, name), Err: lastErr}}
}

const (
	// lookupBudget bounds the time one create spends looking its
	// deployment up after unknown outcomes: enough for many lookups when
	// each may time out, short of any sensible request deadline.
	lookupBudget = 10 * time.Second
	// lookupAttempts bounds the lookups of one create.
	lookupAttempts = 40
	// lookupBackoff bounds the wait between two lookups: short, as the
	// client is waiting and each lookup is one GET of its budget.
	lookupBackoff = 250 * time.Millisecond
	// answerMargin is kept before the request's deadline to answer.
	answerMargin = 500 * time.Millisecond
)

// findDeployment looks a deployment up by its unique key, past the cache,
// trying again within ctx's deadline (at most lookupAttempts times) while
// the lookup itself fails. It returns nil, nil when the deployment
// certainly does not exist.
func findDeployment(ctx context.Context, cl *astro.Client, orgID, workspaceID, name string) (*astro.Deployment, error) {
	ctx = cache.WithBypass(ctx)
	opts := &astro.ListDeploymentsOptions{WorkspaceIDs: []string{workspaceID}, Names: []string{name}, ListOptions: astro.ListOptions{Limit: 100}}
	for attempt := 1; ; attempt++ {
		ds, _, err := cl.Deployments.List(ctx, orgID, opts)
		if err == nil {
			for _, d := range ds {
				// Match here too: a filter an older API ignores must not
				// make another deployment the answer.
				if d.Name == name && d.WorkspaceID == workspaceID {
					return d, nil
				}
			}
			return nil, nil
		}
		wait, _ := notSent(err)
		if !lookupAgain(err) || attempt >= lookupAttempts || !pause(ctx, attempt, wait, lookupBackoff) {
			return nil, err
		}
	}
}

// lookupAgain reports whether a failed lookup may succeed if tried again:
// anything but an answer that refuses it (a 4xx other than 429).
func lookupAgain(err error) bool {
	if _, ok := notSent(err); ok {
		return true
	}
	var ae *astro.Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	return !errors.Is(err, loader.ErrNoToken) && !errors.Is(err, loader.ErrNotConfigured)
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
	envs := make([]astro.DeploymentEnvironmentVariableRequest, 0, len(cur.EnvironmentVariables))
	for _, v := range cur.EnvironmentVariables {
		r := astro.DeploymentEnvironmentVariableRequest{Key: v.Key, IsSecret: v.IsSecret}
		if !v.IsSecret {
			r.Value = v.Value
		}
		envs = append(envs, r)
	}
	if p.EnvironmentVariables != nil {
		envs = envVarRequests(&c, patchPath+".environmentVariables", p.EnvironmentVariables)
	}
	name := cur.Name
	if p.Name != nil {
		name = *p.Name
	}
	description := cur.Description
	if p.Description != nil {
		description = p.Description
	}
	contacts := cur.ContactEmails
	if p.ContactEmails != nil {
		contacts = p.ContactEmails
	}
	executor := astro.DeploymentExecutorCelery
	if cur.Executor != nil {
		executor = *cur.Executor
	}
	if p.Executor != nil {
		executor = astro.DeploymentExecutor(*p.Executor)
	}
	cicd, dagDeploy := cur.IsCICDEnforced, cur.IsDagDeployEnabled
	if p.IsCicdEnforced != nil {
		cicd = *p.IsCicdEnforced
	}
	if p.IsDagDeployEnabled != nil {
		dagDeploy = *p.IsDagDeployEnabled
	}
	if cur.Type != nil && *cur.Type == astro.DeploymentTypeHybrid {
		why := "on a HYBRID deployment: Astro Hosted only"
		c.forbidden(patchPath+".schedulerSize", p.SchedulerSize != nil, why)
		c.forbidden(patchPath+".isHighAvailability", p.IsHighAvailability != nil, why)
		c.forbidden(patchPath+".defaultTaskPodCpu", p.DefaultTaskPodCPU != nil, why)
		c.forbidden(patchPath+".defaultTaskPodMemory", p.DefaultTaskPodMemory != nil, why)
		c.forbidden(patchPath+".resourceQuotaCpu", p.ResourceQuotaCPU != nil, why)
		c.forbidden(patchPath+".resourceQuotaMemory", p.ResourceQuotaMemory != nil, why)
		c.forbidden(patchPath+".executor", executor == astro.DeploymentExecutorAstro, "as ASTRO on a HYBRID deployment: CELERY or KUBERNETES")
		if err := c.result(); err != nil {
			return nil, err
		}
		return astro.UpdateHybridDeploymentRequest{
			WorkspaceID: cur.WorkspaceID, Name: name, Description: description, Executor: executor,
			Scheduler:      astro.UpdateDeploymentInstanceSpecRequest{AU: deref0(cur.SchedulerAU), Replicas: cur.SchedulerReplicas},
			IsCICDEnforced: cicd, IsDagDeployEnabled: dagDeploy, EnvironmentVariables: envs, ContactEmails: contacts,
			TaskPodNodePoolID: cur.TaskPodNodePoolID,
		}, nil
	}
	size := astro.SchedulerSizeSmall
	if cur.SchedulerSize != nil {
		size = *cur.SchedulerSize
	}
	if p.SchedulerSize != nil {
		size = astro.SchedulerSize(*p.SchedulerSize)
	}
	ha := deref0(cur.IsHighAvailability)
	if p.IsHighAvailability != nil {
		ha = *p.IsHighAvailability
	}
	req := astro.UpdateDedicatedDeploymentRequest{
		WorkspaceID: cur.WorkspaceID, Name: name, Description: description, Executor: executor, SchedulerSize: size,
		IsCICDEnforced: cicd, IsDagDeployEnabled: dagDeploy, IsHighAvailability: ha, EnvironmentVariables: envs, ContactEmails: contacts,
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
