package graph

import (
	"context"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Software writes on deployments. Each validates its whole input before any
// Houston request, asks Houston for what the payload selects, and then
// forgets what the request's loaders held: what was read before the write
// may be stale after it (the cross-request cache retires Houston's entries
// on any mutation by itself).

// write runs a Houston write with the caller's client and forgets the
// Software objects the request's loaders hold, whether or not it worked (a
// failed write may still have changed something).
func write[T any](ctx context.Context, kind, id string, do func(*houston.Client) (T, error)) (T, error) {
	l := loader.For(ctx)
	var zero T
	c, err := l.HoustonClient()
	if err != nil {
		return zero, err
	}
	v, err := do(c)
	l.ForgetSoftware()
	if err != nil {
		return zero, houstonErr(err, kind, id)
	}
	return v, nil
}

// houstonErr marks a Houston failure; an unknown object is NOT_FOUND.
func houstonErr(err error, kind, id string) error {
	if houston.IsNotFound(err) {
		return &fault.NotFoundError{Backend: fault.Houston, Kind: kind, ID: id}
	}
	return fault.Upstream(fault.Houston, err)
}

// payloadDeployment is the Houston selection of a payload's deployment.
func payloadDeployment(ctx context.Context) []houston.Field {
	return softwareDeploymentSelection(ctx, childSelection(ctx, "deployment"))
}

// deploymentResult converts a written deployment and primes the loader with
// it, so the payload's own fields read it again for free.
func deploymentResult(ctx context.Context, sel []houston.Field, d *houston.Deployment) *model.SoftwareDeployment {
	l := loader.For(ctx)
	l.PrimeSoftwareDeployments(ctx, sel, []*houston.Deployment{d})
	return convertSoftwareDeployment(l.Installation(), d)
}

func softwareCreateDeploymentRequest(in *inputs, d model.CreateSoftwareDeploymentInput) houston.CreateDeploymentRequest {
	ex := d.Executor
	return houston.CreateDeploymentRequest{
		WorkspaceID:       in.id("input.workspaceId", d.WorkspaceID, typeSoftwareWorkspace),
		Label:             in.required("input.name", d.Name),
		Description:       deref(d.Description),
		ClusterID:         in.optional("input.clusterId", d.ClusterID),
		ReleaseName:       in.optional("input.releaseName", d.ReleaseName),
		Namespace:         in.optional("input.namespace", d.Namespace),
		RuntimeVersion:    in.optionalVersion("input.runtimeVersion", d.RuntimeVersion),
		AirflowVersion:    in.optionalVersion("input.airflowVersion", d.AirflowVersion),
		Executor:          executor(&ex),
		TriggererReplicas: in.nonNegative("input.triggererReplicas", d.TriggererReplicas),
		DagDeployment:     in.dagDeployment("input.dagDeployment", d.DagDeployment),
		CloudRole:         deref(d.CloudRole),
		Mode:              mode(d.Mode),
	}
}

func createSoftwareDeployment(ctx context.Context, d model.CreateSoftwareDeploymentInput) (*model.CreateSoftwareDeploymentPayload, error) {
	in := &inputs{ctx: ctx}
	req := softwareCreateDeploymentRequest(in, d)
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadDeployment(ctx)
	out, err := write(ctx, "workspace", req.WorkspaceID, func(c *houston.Client) (*houston.Deployment, error) {
		return c.CreateDeployment(ctx, req, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.CreateSoftwareDeploymentPayload{Deployment: deploymentResult(ctx, sel, out)}, nil
}

func updateSoftwareDeployment(ctx context.Context, d model.UpdateSoftwareDeploymentInput) (*model.UpdateSoftwareDeploymentPayload, error) {
	in := &inputs{ctx: ctx}
	req := houston.UpdateDeploymentRequest{
		ID:                in.id("input.deploymentId", d.DeploymentID, typeSoftwareDeployment),
		Executor:          executor(d.Executor),
		TriggererReplicas: in.nonNegative("input.triggererReplicas", d.TriggererReplicas),
		DagDeployment:     in.dagDeployment("input.dagDeployment", d.DagDeployment),
		CloudRole:         deref(d.CloudRole),
		Description:       d.Description,
	}
	if d.Name != nil {
		name := in.required("input.name", *d.Name)
		req.Label = &name
	}
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadDeployment(ctx)
	out, err := write(ctx, "deployment", req.ID, func(c *houston.Client) (*houston.Deployment, error) {
		return c.UpdateDeployment(ctx, req, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentPayload{Deployment: deploymentResult(ctx, sel, out)}, nil
}

// upsertSoftwareDeployment looks the name up among the workspace's
// deployments (one request), then creates or updates (another).
func upsertSoftwareDeployment(ctx context.Context, d model.UpsertSoftwareDeploymentInput) (*model.UpsertSoftwareDeploymentPayload, error) {
	in := &inputs{ctx: ctx}
	ex := model.SoftwareExecutorCelery
	if d.Executor != nil {
		ex = *d.Executor
	}
	create := softwareCreateDeploymentRequest(in, model.CreateSoftwareDeploymentInput{
		WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description, ClusterID: d.ClusterID,
		ReleaseName: d.ReleaseName, Namespace: d.Namespace, RuntimeVersion: d.RuntimeVersion,
		AirflowVersion: d.AirflowVersion, Executor: ex, TriggererReplicas: d.TriggererReplicas,
		DagDeployment: d.DagDeployment, CloudRole: d.CloudRole, Mode: d.Mode,
	})
	if in.err != nil {
		return nil, in.err
	}
	l := loader.For(ctx)
	existing, err := loader.Load(ctx, l.SoftwareWorkspaceDeployments, l.SoftwareKey(create.WorkspaceID, houston.Fields("id", "label")))
	if err != nil {
		return nil, err
	}
	sel := payloadDeployment(ctx)
	for _, e := range existing {
		if deref(e.Label) != create.Label {
			continue
		}
		req := houston.UpdateDeploymentRequest{ID: e.ID, Description: d.Description, Executor: executor(d.Executor),
			TriggererReplicas: create.TriggererReplicas, DagDeployment: create.DagDeployment, CloudRole: create.CloudRole}
		out, err := write(ctx, "deployment", e.ID, func(c *houston.Client) (*houston.Deployment, error) {
			return c.UpdateDeployment(ctx, req, sel)
		})
		if err != nil {
			return nil, err
		}
		return &model.UpsertSoftwareDeploymentPayload{Deployment: deploymentResult(ctx, sel, out)}, nil
	}
	out, err := write(ctx, "workspace", create.WorkspaceID, func(c *houston.Client) (*houston.Deployment, error) {
		return c.CreateDeployment(ctx, create, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpsertSoftwareDeploymentPayload{Deployment: deploymentResult(ctx, sel, out), Created: true}, nil
}

// deploymentWrite validates a deployment id and runs a write that returns
// the deployment.
func deploymentWrite(ctx context.Context, rawID string, extra func(*inputs), do func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error)) (*model.SoftwareDeployment, error) {
	in := &inputs{ctx: ctx}
	id := in.id("input.deploymentId", rawID, typeSoftwareDeployment)
	if extra != nil {
		extra(in)
	}
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadDeployment(ctx)
	out, err := write(ctx, "deployment", id, func(c *houston.Client) (*houston.Deployment, error) { return do(c, id, sel) })
	if err != nil {
		return nil, err
	}
	return deploymentResult(ctx, sel, out), nil
}

func deleteSoftwareDeployment(ctx context.Context, d model.DeleteSoftwareDeploymentInput) (*model.DeleteSoftwareDeploymentPayload, error) {
	out, err := deploymentWrite(ctx, d.DeploymentID, nil, func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
		return c.DeleteDeployment(ctx, id, d.HardDelete, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.DeleteSoftwareDeploymentPayload{Deployment: out}, nil
}

func updateSoftwareDeploymentRuntime(ctx context.Context, d model.UpdateSoftwareDeploymentRuntimeInput) (*model.UpdateSoftwareDeploymentRuntimePayload, error) {
	var v string
	out, err := deploymentWrite(ctx, d.DeploymentID, func(in *inputs) { v = in.version("input.desiredRuntimeVersion", d.DesiredRuntimeVersion) },
		func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
			return c.UpdateDeploymentRuntime(ctx, id, v, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentRuntimePayload{Deployment: out}, nil
}

func cancelSoftwareDeploymentRuntimeUpdate(ctx context.Context, d model.CancelSoftwareDeploymentRuntimeUpdateInput) (*model.CancelSoftwareDeploymentRuntimeUpdatePayload, error) {
	out, err := deploymentWrite(ctx, d.DeploymentID, nil, func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
		return c.CancelRuntimeUpdate(ctx, id, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.CancelSoftwareDeploymentRuntimeUpdatePayload{Deployment: out}, nil
}

func updateSoftwareDeploymentAirflow(ctx context.Context, d model.UpdateSoftwareDeploymentAirflowInput) (*model.UpdateSoftwareDeploymentAirflowPayload, error) {
	var v string
	out, err := deploymentWrite(ctx, d.DeploymentID, func(in *inputs) { v = in.version("input.desiredAirflowVersion", d.DesiredAirflowVersion) },
		func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
			return c.UpdateDeploymentAirflow(ctx, id, v, sel)
		})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentAirflowPayload{Deployment: out}, nil
}

// updateSoftwareDeploymentImage needs the deployment's release name, which
// Houston's write takes: one read (through the loader), then the write.
func updateSoftwareDeploymentImage(ctx context.Context, d model.UpdateSoftwareDeploymentImageInput) (*model.UpdateSoftwareDeploymentImagePayload, error) {
	var image, runtime string
	out, err := deploymentWrite(ctx, d.DeploymentID, func(in *inputs) {
		image = in.required("input.image", d.Image)
		runtime = in.optionalVersion("input.runtimeVersion", d.RuntimeVersion)
	}, func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
		l := loader.For(ctx)
		cur, err := loader.Load(ctx, l.SoftwareDeployment, l.SoftwareKey(id, houston.Fields("id", "releaseName")))
		if err != nil {
			return nil, err
		}
		return c.UpdateDeploymentImage(ctx, deref(cur.ReleaseName), image, runtime, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.UpdateSoftwareDeploymentImagePayload{Deployment: out}, nil
}

func adoptSoftwareDeployment(ctx context.Context, d model.AdoptSoftwareDeploymentInput) (*model.AdoptSoftwareDeploymentPayload, error) {
	in := &inputs{ctx: ctx}
	req := houston.AdoptDeploymentRequest{
		WorkspaceID:             in.id("input.workspaceId", d.WorkspaceID, typeSoftwareWorkspace),
		ClusterID:               in.required("input.clusterId", d.ClusterID),
		CRNamespace:             in.required("input.crNamespace", d.CrNamespace),
		CRName:                  in.required("input.crName", d.CrName),
		Label:                   in.optional("input.name", d.Name),
		Description:             deref(d.Description),
		UseAPCLogging:           d.UseApcLogging,
		UseAPCRegistry:          d.UseApcRegistry,
		AcceptIncompatibilities: d.AcceptIncompatibilities,
	}
	if in.err != nil {
		return nil, in.err
	}
	sel := payloadDeployment(ctx)
	out, err := write(ctx, "workspace", req.WorkspaceID, func(c *houston.Client) (*houston.Deployment, error) {
		return c.AdoptDeployment(ctx, req, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.AdoptSoftwareDeploymentPayload{Deployment: deploymentResult(ctx, sel, out)}, nil
}

func unadoptSoftwareDeployment(ctx context.Context, d model.UnadoptSoftwareDeploymentInput) (*model.UnadoptSoftwareDeploymentPayload, error) {
	out, err := deploymentWrite(ctx, d.DeploymentID, nil, func(c *houston.Client, id string, sel []houston.Field) (*houston.Deployment, error) {
		return c.UnadoptDeployment(ctx, id, sel)
	})
	if err != nil {
		return nil, err
	}
	return &model.UnadoptSoftwareDeploymentPayload{Deployment: out}, nil
}
