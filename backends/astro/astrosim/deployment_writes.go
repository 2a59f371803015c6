package astrosim

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// startupTime is how long a Deployment created through the API stays
// CREATING, on the Sim's clock.
const startupTime = 10 * time.Second

// createDeployment serves CreateDeployment. Only name and workspaceId are
// required (the v1 changelog, newer than the spec's discriminator): the
// type is taken from the body or inferred from where the Deployment lands,
// and every other field gets a default. A name already used in the
// workspace is the 400 of the best-practices guide. The operation declares
// no 404, so unknown ids in the body are 400s.
func (s *Sim) createDeployment(c *call) {
	var b deploymentBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.oneOf("type", b.Type, "DEDICATED", "HYBRID", "STANDARD")
	b.check(&k, deref(b.Type), false)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.visibleOrg(c.p, c.r.PathValue("organizationId"))
	if err != nil {
		c.fail(err)
		return
	}
	w, err := s.workspaceFor(c.p, org.ID, *b.WorkspaceID, "workspace.deployments.create")
	if err != nil {
		if err.status == http.StatusNotFound {
			err = invalidField("workspaceId", "exists", "names no Workspace of the Organization: '%s'", *b.WorkspaceID)
		}
		c.fail(err)
		return
	}
	if err := s.uniqueName(w.ID, "", *b.Name); err != nil {
		c.fail(err)
		return
	}
	t, ok := s.resolveTarget(org, w, &b, &k)
	if ok {
		b.check(&k, t.typ, false) // the type's own enums and requirements
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	d := s.newDeployment(c, org, w, t, &b, &k)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	s.data.deployments[d.ID] = d
	s.record(c, org.ID, "deployment.create", "DEPLOYMENT", d.ID)
	c.json(http.StatusOK, d.view(c.now))
}

// uniqueName enforces unique Deployment names within a workspace; self is
// the Deployment being renamed. Callers hold s.mu.
func (s *Sim) uniqueName(workspaceID, self, name string) *apiError {
	for _, d := range s.data.deployments {
		if d.WorkspaceID == workspaceID && d.ID != self && d.Name == name {
			return badRequest("Deployment name '%s' already exists in this workspace", name)
		}
	}
	return nil
}

// newDeployment builds a Deployment from a validated create body, with the
// defaults of the simulator's deployment options. Callers hold s.mu for
// writing.
func (s *Sim) newDeployment(c *call, org *organization, w *workspace, t target, b *deploymentBody, k *checker) *deployment {
	releases := runtimeReleases()
	rt := releases[len(releases)-1]
	if v := deref(b.AstroRuntimeVersion); v != "" {
		i := slices.IndexFunc(releases, func(r runtimeRelease) bool { return r.Version == v })
		if i < 0 {
			k.fail("astroRuntimeVersion", "oneof", "'%s' is not an Astro Runtime version the Organization can use", v)
			return nil
		}
		rt = releases[i]
	}
	id := s.ids.id(c.now)
	short := "d" + id[len(id)-7:]
	host := org.ID + ".astronomer.run"
	by := c.p.subject
	d := &deployment{
		ID: id, Name: *b.Name, Description: deref(b.Description), OrganizationID: org.ID,
		WorkspaceID: w.ID, WorkspaceName: w.Name, Type: t.typ,
		AstroRuntimeVersion: rt.Version, RuntimeVersion: rt.Version, AirflowVersion: rt.AirflowVersion,
		Namespace: s.ids.namespace(), Status: "CREATING", StatusReason: "Creating the Deployment",
		CreatedAt: stamp(c.now), CreatedBy: by, UpdatedAt: stamp(c.now), UpdatedBy: by, readyAt: c.now.Add(startupTime),
		Executor:           "CELERY",
		IsCicdEnforced:     w.CicdEnforcedDefault,
		IsDagDeployEnabled: true,
		WebServerCPU:       "0.5", WebServerMemory: "1Gi", WebServerReplicas: 1,
		ContactEmails: slices.Clone(deref(b.ContactEmails)),
	}
	d.APIURL = "https://" + host + "/" + short + airflowAPI(rt.AirflowVersion)
	d.UIURL = "https://" + host + "/" + short + "?orgId=org_" + org.ID[len(org.ID)-12:]
	d.WebServerURL = host + "/" + short + "?orgId=org_" + org.ID[len(org.ID)-12:]
	d.WebServerAirflowAPIURL = host + "/" + short + airflowAPI(rt.AirflowVersion)
	d.WebServerIngressHostname = host + "/" + short
	d.ImageRepository = "images.astronomer.cloud/" + org.ID + "/" + d.Namespace
	if cl := t.cluster; cl != nil {
		d.ClusterID, d.ClusterName, d.Region = cl.ID, cl.Name, cl.Region
		if cl.Metadata != nil {
			d.ExternalIPs, d.OidcIssuerURL = slices.Clone(cl.Metadata.ExternalIPs), cl.Metadata.OidcIssuerURL
		}
	} else {
		d.CloudProvider, d.Region = t.provider, t.region
		d.ExternalIPs = []string{s.ids.ip()}
	}
	if b.Executor != nil {
		d.Executor = *b.Executor
	}
	if b.IsCicdEnforced != nil {
		d.IsCicdEnforced = *b.IsCicdEnforced
	}
	if b.IsDagDeployEnabled != nil {
		d.IsDagDeployEnabled = *b.IsDagDeployEnabled
	}
	if t.typ == "HYBRID" {
		setScheduler(d, 5, 1)
	} else {
		d.SchedulerSize = "SMALL"
		d.DefaultTaskPodCPU, d.DefaultTaskPodMemory, d.ResourceQuotaCPU, d.ResourceQuotaMemory = "0.25", "0.5Gi", "10", "20Gi"
	}
	d.EnvironmentVariables, d.secrets = mergeEnv(nil, nil, deref(b.EnvironmentVariables), stamp(c.now))
	s.applyDeploymentSettings(c, d, b, t.cluster, k, true)
	provider := t.provider
	if t.cluster != nil {
		provider = t.cluster.CloudProvider
	}
	d.EffectiveWorkloadID = cmp.Or(deref(b.WorkloadIdentity), workloadIdentity(d, provider))
	if t.cluster != nil && t.cluster.IsDrEnabled {
		d.EffectiveDRWorkloadID = cmp.Or(deref(b.DRWorkloadIdentity), workloadIdentity(d, provider)+"-dr")
		d.DRExternalIPs = []string{s.ids.ip()}
	}
	return d
}

// applyDeploymentSettings applies the settings that creates and updates
// share to d, a fresh copy: executor-dependent sizing, worker queues,
// remote execution and hibernation. Callers hold s.mu for writing.
func (s *Sim) applyDeploymentSettings(c *call, d *deployment, b *deploymentBody, cl *cluster, k *checker, create bool) {
	if d.Type == "HYBRID" {
		if sc := b.Scheduler; sc != nil {
			setScheduler(d, cmp.Or(deref(sc.AU), d.SchedulerAU), cmp.Or(deref(sc.Replicas), d.SchedulerReplicas))
		}
		if id := deref(b.TaskPodNodePoolID); id != "" {
			if !hasPool(cl, id) {
				k.fail("taskPodNodePoolId", "exists", "names no node pool of cluster '%s': '%s'", d.ClusterID, id)
			}
			d.TaskPodNodePoolID = id
		}
	} else {
		if b.IsHighAvailability != nil {
			d.IsHighAvailability = *b.IsHighAvailability
		}
		if b.SchedulerSize != nil {
			d.SchedulerSize = *b.SchedulerSize
		}
		spec := schedulerSpec(d.SchedulerSize)
		d.SchedulerCPU, d.SchedulerMemory, d.SchedulerReplicas = spec.CPU, spec.Memory, 1
		if b.DefaultTaskPodCPU != nil {
			d.DefaultTaskPodCPU, d.DefaultTaskPodMemory = *b.DefaultTaskPodCPU, *b.DefaultTaskPodMemory
		}
		if b.ResourceQuotaCPU != nil {
			d.ResourceQuotaCPU, d.ResourceQuotaMemory = *b.ResourceQuotaCPU, *b.ResourceQuotaMemory
		}
	}
	d.WebServerReplicas = 1
	if d.IsHighAvailability {
		d.SchedulerReplicas, d.WebServerReplicas = 2, 2
	}
	if b.Description != nil {
		d.Description = *b.Description
	}
	if b.ContactEmails != nil {
		d.ContactEmails = slices.Clone(*b.ContactEmails)
	}
	if b.IsDevelopmentMode != nil {
		if *b.IsDevelopmentMode && !d.IsDevelopmentMode && !create {
			k.fail("isDevelopmentMode", "forbidden", "cannot be turned on for an existing Deployment")
		}
		d.IsDevelopmentMode = *b.IsDevelopmentMode
	}
	if re := b.RemoteExecution; re != nil && d.Type != "HYBRID" {
		d.RemoteExecution = &remoteExecution{
			Enabled: *re.Enabled, AllowedIPAddressRanges: append([]string{}, re.AllowedIPAddressRanges...),
			RemoteAPIURL:  "https://" + d.OrganizationID + ".astronomer.run/" + d.Namespace + "/remote",
			TaskLogBucket: deref(re.TaskLogBucket), TaskLogURLPattern: deref(re.TaskLogURLPattern),
		}
	}
	s.applyQueues(c, d, b, cl, k)
	applyScaling(d, b, k)
}

// applyQueues sets the worker queues: the body's, when it has them, which
// must include one named "default"; else a default queue when the executor
// needs one. Queue items with an id update that queue, others are new.
func (s *Sim) applyQueues(c *call, d *deployment, b *deploymentBody, cl *cluster, k *checker) {
	remote := d.RemoteExecution != nil && d.RemoteExecution.Enabled
	needsQueues := d.Executor == "CELERY" || (d.Executor == "ASTRO" && !remote)
	if !needsQueues {
		if b.WorkerQueues != nil && d.Executor == "KUBERNETES" {
			k.fail("workerQueues", "excluded_with", "are for the CELERY and ASTRO executors, not KUBERNETES")
		}
		d.WorkerQueues = nil
		if d.Executor == "KUBERNETES" && d.Type == "HYBRID" && d.TaskPodNodePoolID == "" && cl != nil && len(cl.NodePools) > 0 {
			d.TaskPodNodePoolID = cl.NodePools[0].ID
		}
		return
	}
	if b.WorkerQueues == nil {
		if len(d.WorkerQueues) == 0 {
			q := workerQueue{ID: s.ids.id(c.now), Name: "default", IsDefault: true, MaxWorkerCount: 10}
			if d.Type == "HYBRID" && cl != nil && len(cl.NodePools) > 0 {
				q.NodePoolID, q.WorkerConcurrency, q.PodCPU, q.PodMemory = cl.NodePools[0].ID, 16, "1", "2Gi"
			} else {
				spec, conc := workerSpec("A5")
				q.AstroMachine, q.WorkerConcurrency, q.PodCPU, q.PodMemory, q.PodEphemeralStorage = "A5", conc, spec.CPU, spec.Memory, "10Gi"
			}
			d.WorkerQueues = []workerQueue{q}
		}
		return
	}
	var out []workerQueue
	hasDefault := false
	for i, qb := range *b.WorkerQueues {
		f := fieldAt("workerQueues", i)
		q := workerQueue{ID: s.ids.id(c.now)}
		if qb.ID != nil {
			j := slices.IndexFunc(d.WorkerQueues, func(x workerQueue) bool { return x.ID == *qb.ID })
			if j < 0 {
				k.fail(f+".id", "exists", "names no worker queue of the Deployment: '%s'", *qb.ID)
				continue
			}
			q = d.WorkerQueues[j]
		}
		q.Name, q.IsDefault = *qb.Name, *qb.IsDefault
		q.MinWorkerCount, q.MaxWorkerCount, q.WorkerConcurrency = *qb.MinWorkerCount, *qb.MaxWorkerCount, *qb.WorkerConcurrency
		q.PodEphemeralStorage = cmp.Or(deref(qb.PodEphemeralStorage), q.PodEphemeralStorage)
		if d.Type == "HYBRID" {
			if !hasPool(cl, deref(qb.NodePoolID)) {
				k.fail(f+".nodePoolId", "exists", "names no node pool of cluster '%s': '%s'", d.ClusterID, deref(qb.NodePoolID))
			}
			q.NodePoolID, q.PodCPU, q.PodMemory = deref(qb.NodePoolID), "1", "2Gi"
		} else {
			spec, _ := workerSpec(*qb.AstroMachine)
			q.AstroMachine, q.PodCPU, q.PodMemory = *qb.AstroMachine, spec.CPU, spec.Memory
		}
		hasDefault = hasDefault || q.Name == "default"
		out = append(out, q)
	}
	if !hasDefault {
		k.fail("workerQueues", "default", "must include a worker queue named 'default'")
	}
	d.WorkerQueues = out
}

// applyScaling sets hibernation schedules, for development Deployments
// only.
func applyScaling(d *deployment, b *deploymentBody, k *checker) {
	ss := b.ScalingSpec
	if ss == nil || ss.HibernationSpec == nil {
		return
	}
	if !d.IsDevelopmentMode {
		k.fail("scalingSpec", "forbidden", "needs isDevelopmentMode: only development Deployments hibernate")
		return
	}
	spec := &hibernationSpec{}
	if d.ScalingSpec != nil && d.ScalingSpec.HibernationSpec != nil {
		spec.Override = d.ScalingSpec.HibernationSpec.Override
	}
	for _, sc := range deref(ss.HibernationSpec.Schedules) {
		spec.Schedules = append(spec.Schedules, hibernationSchedule{
			Description: deref(sc.Description), HibernateAtCron: *sc.HibernateAtCron, WakeAtCron: *sc.WakeAtCron, IsEnabled: *sc.IsEnabled,
		})
	}
	if o := ss.HibernationSpec.Override; o != nil && o.IsHibernating != nil {
		spec.Override = &hibernationOverride{IsActive: true, IsHibernating: *o.IsHibernating, OverrideUntil: deref(o.OverrideUntil)}
	}
	d.ScalingSpec = &scalingSpec{HibernationSpec: spec}
	if d.ScalingStatus == nil {
		d.ScalingStatus = &scalingStatus{HibernationStatus: &hibernationStatus{NextEventType: "HIBERNATE"}}
	}
}

// setScheduler sizes the scheduler of a HYBRID Deployment in Astro Units.
func setScheduler(d *deployment, au, replicas int) {
	d.SchedulerAU, d.SchedulerReplicas = au, replicas
	d.SchedulerCPU = formatNumber(float64(au) / 10)
	d.SchedulerMemory = formatNumber(float64(au)*0.375) + "Gi"
}

func hasPool(cl *cluster, id string) bool {
	return cl != nil && slices.ContainsFunc(cl.NodePools, func(np nodePool) bool { return np.ID == id })
}

// mergeEnv builds the environment variables of a create or an update: the
// body's list is complete; a secret sent without a value keeps the value it
// had. Secret values go to the returned map, never into the list.
func mergeEnv(old []environmentVariable, oldSecrets map[string]string, body []envVarBody, now string) ([]environmentVariable, map[string]string) {
	secrets := map[string]string{}
	var out []environmentVariable
	for _, v := range body {
		ev := environmentVariable{Key: *v.Key, IsSecret: *v.IsSecret, UpdatedAt: now}
		prev := slices.IndexFunc(old, func(o environmentVariable) bool { return o.Key == ev.Key })
		if ev.IsSecret {
			switch {
			case v.Value != nil:
				secrets[ev.Key] = *v.Value
			case prev >= 0:
				secrets[ev.Key] = oldSecrets[ev.Key]
				ev.UpdatedAt = old[prev].UpdatedAt
			}
		} else {
			ev.Value = deref(v.Value)
			if prev >= 0 && !old[prev].IsSecret && old[prev].Value == ev.Value {
				ev.UpdatedAt = old[prev].UpdatedAt
			}
		}
		out = append(out, ev)
	}
	return out, secrets
}

// workloadIdentity is the identity Astronomer assigns a Deployment on
// provider by default, in the style of that cloud.
func workloadIdentity(d *deployment, provider string) string {
	switch provider {
	case "AWS":
		return "arn:aws:iam::" + accountOf(d.OrganizationID) + ":role/AirflowS3Logs-" + d.ID
	case "GCP":
		return "astro-" + d.Namespace + "@astro-" + strings.ToLower(d.OrganizationID[len(d.OrganizationID)-8:]) + ".iam.gserviceaccount.com"
	default:
		return "astro-" + d.Namespace
	}
}

// providerOf is the cloud a Deployment runs on. Callers hold s.mu.
func (s *Sim) providerOf(d *deployment) string {
	if cl, ok := s.data.clusters[d.ClusterID]; ok {
		return cl.CloudProvider
	}
	return d.CloudProvider
}

// accountOf derives a 12-digit cloud account number from an id.
func accountOf(id string) string {
	var n uint64
	for _, r := range id {
		n = n*31 + uint64(r)
	}
	return fmt.Sprintf("%012d", n%1_000_000_000_000)
}

// updateDeployment serves UpdateDeployment. type must be the Deployment's
// own; the variant's required fields must be present; environment
// variables are replaced; worker queues too when given; a Deployment can
// move to another workspace of the organization.
func (s *Sim) updateDeployment(c *call) {
	var b deploymentBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("type", b.Type != nil) {
		k.oneOf("type", b.Type, "DEDICATED", "HYBRID", "STANDARD")
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	b.check(&k, *b.Type, true)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.update")
	if err != nil {
		c.fail(err)
		return
	}
	if *b.Type != d.Type {
		c.fail(invalidField("type", "eqfield", "is %s but Deployment '%s' is %s", *b.Type, d.ID, d.Type))
		return
	}
	w := s.data.workspaces[d.WorkspaceID]
	if *b.WorkspaceID != d.WorkspaceID {
		if w, err = s.workspaceFor(c.p, d.OrganizationID, *b.WorkspaceID, "workspace.deployments.create"); err != nil {
			if err.status == http.StatusNotFound {
				err = invalidField("workspaceId", "exists", "names no Workspace of the Organization: '%s'", *b.WorkspaceID)
			}
			c.fail(err)
			return
		}
	}
	if err := s.uniqueName(w.ID, d.ID, *b.Name); err != nil {
		c.fail(err)
		return
	}
	nd := d.view(c.now)
	if nd == d {
		cp := *d
		nd = &cp
	}
	nd.Name, nd.WorkspaceID, nd.WorkspaceName, nd.Executor = *b.Name, w.ID, w.Name, *b.Executor
	nd.IsCicdEnforced, nd.IsDagDeployEnabled = *b.IsCicdEnforced, *b.IsDagDeployEnabled
	nd.EnvironmentVariables, nd.secrets = mergeEnv(d.EnvironmentVariables, d.secrets, *b.EnvironmentVariables, stamp(c.now))
	if b.WorkloadIdentity != nil {
		nd.EffectiveWorkloadID = *b.WorkloadIdentity
	}
	if b.DRWorkloadIdentity != nil && nd.EffectiveDRWorkloadID != "" {
		nd.EffectiveDRWorkloadID = *b.DRWorkloadIdentity
	}
	s.applyDeploymentSettings(c, nd, &b, s.data.clusters[d.ClusterID], &k, false)
	if !k.ok() {
		c.fail(k.err())
		return
	}
	nd.UpdatedAt, nd.UpdatedBy = stamp(c.now), c.p.subject
	s.data.deployments[d.ID] = nd
	s.record(c, d.OrganizationID, "deployment.update", "DEPLOYMENT", d.ID)
	c.json(http.StatusOK, nd)
}

// deleteDeployment serves DeleteDeployment; its deploys, agent tokens and
// environment objects go with it.
func (s *Sim) deleteDeployment(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.delete")
	if err != nil {
		c.fail(err)
		return
	}
	delete(s.data.deployments, d.ID)
	maps.DeleteFunc(s.data.deploys, func(_ string, x *deploy) bool { return x.DeploymentID == d.ID })
	maps.DeleteFunc(s.data.agentTokens, func(_ string, t *apiToken) bool { return t.deploymentID == d.ID })
	maps.DeleteFunc(s.data.envObjects, func(_ string, o *envObject) bool { return o.Scope == "DEPLOYMENT" && o.ScopeEntityID == d.ID })
	s.record(c, d.OrganizationID, "deployment.delete", "DEPLOYMENT", d.ID)
	c.w.WriteHeader(http.StatusNoContent)
}

// devDeployment finds a development Deployment for a hibernation
// override. Callers hold s.mu.
func (s *Sim) devDeployment(c *call) (*deployment, *apiError) {
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.update")
	if err != nil {
		return nil, err
	}
	if !d.IsDevelopmentMode {
		return nil, badRequest("Deployment '%s' is not a development Deployment; only development Deployments hibernate", d.ID)
	}
	return d.view(c.now), nil
}

// withOverride returns a copy of d with the hibernation override o (nil:
// none) and the status it implies.
func withOverride(d *deployment, o *hibernationOverride) *deployment {
	nd := *d
	spec := &hibernationSpec{Override: o}
	if d.ScalingSpec != nil && d.ScalingSpec.HibernationSpec != nil {
		spec.Schedules = d.ScalingSpec.HibernationSpec.Schedules
	}
	nd.ScalingSpec = &scalingSpec{HibernationSpec: spec}
	hs := &hibernationStatus{NextEventType: "HIBERNATE"}
	switch {
	case o != nil && o.IsHibernating:
		nd.Status, nd.StatusReason = "HIBERNATING", "Hibernating by override"
		hs.IsHibernating, hs.Reason, hs.NextEventType = true, "Hibernating by override", "WAKE"
	case o != nil:
		nd.Status, nd.StatusReason, hs.Reason = "HEALTHY", "Awake by override", "Awake by override"
	default:
		nd.Status, nd.StatusReason = "HEALTHY", "Successfully Deployed"
	}
	if o != nil && o.OverrideUntil != "" {
		hs.NextEventAt = o.OverrideUntil
	}
	nd.ScalingStatus = &scalingStatus{HibernationStatus: hs}
	return &nd
}

// updateHibernationOverride serves UpdateDeploymentHibernationOverride.
func (s *Sim) updateHibernationOverride(c *call) {
	var b struct {
		IsHibernating *bool   `json:"isHibernating"`
		OverrideUntil *string `json:"overrideUntil"`
	}
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.required("isHibernating", b.IsHibernating != nil)
	var until time.Time
	if b.OverrideUntil != nil {
		var err error
		if until, err = time.Parse(time.RFC3339, *b.OverrideUntil); err != nil {
			k.fail("overrideUntil", "datetime", "must be an RFC 3339 date-time, not '%s'", *b.OverrideUntil)
		} else if !until.After(c.now) {
			k.fail("overrideUntil", "gt", "must be in the future")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.devDeployment(c)
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	o := &hibernationOverride{IsActive: true, IsHibernating: *b.IsHibernating}
	if !until.IsZero() {
		o.OverrideUntil = stamp(until)
	}
	nd := withOverride(d, o)
	nd.UpdatedAt, nd.UpdatedBy = stamp(c.now), c.p.subject
	s.data.deployments[d.ID] = nd
	s.record(c, d.OrganizationID, "deployment.hibernationOverride.update", "DEPLOYMENT", d.ID)
	c.json(http.StatusOK, o)
}

// deleteHibernationOverride serves DeleteDeploymentHibernationOverride; 404
// when there is no override.
func (s *Sim) deleteHibernationOverride(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.devDeployment(c)
	if err != nil {
		c.fail(err)
		return
	}
	if d.ScalingSpec == nil || d.ScalingSpec.HibernationSpec == nil || d.ScalingSpec.HibernationSpec.Override == nil {
		c.fail(notFound("hibernation override of Deployment", d.ID))
		return
	}
	nd := withOverride(d, nil)
	nd.UpdatedAt, nd.UpdatedBy = stamp(c.now), c.p.subject
	s.data.deployments[d.ID] = nd
	s.record(c, d.OrganizationID, "deployment.hibernationOverride.delete", "DEPLOYMENT", d.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
