package astrosim

import (
	"slices"
	"strconv"
	"strings"
)

// deploymentBody is the union of the create and update variants of the
// Deployment requests, keyed by type: every field of every variant, so that
// one decoder serves them all. Pointers tell absent from zero.
type deploymentBody struct {
	Type                 *string              `json:"type"`
	Name                 *string              `json:"name"`
	WorkspaceID          *string              `json:"workspaceId"`
	Description          *string              `json:"description"`
	AstroRuntimeVersion  *string              `json:"astroRuntimeVersion"`
	ClusterID            *string              `json:"clusterId"`
	CloudProvider        *string              `json:"cloudProvider"`
	Region               *string              `json:"region"`
	ContactEmails        *[]string            `json:"contactEmails"`
	DefaultTaskPodCPU    *string              `json:"defaultTaskPodCpu"`
	DefaultTaskPodMemory *string              `json:"defaultTaskPodMemory"`
	ResourceQuotaCPU     *string              `json:"resourceQuotaCpu"`
	ResourceQuotaMemory  *string              `json:"resourceQuotaMemory"`
	DRWorkloadIdentity   *string              `json:"drWorkloadIdentity"`
	WorkloadIdentity     *string              `json:"workloadIdentity"`
	EnvironmentVariables *[]envVarBody        `json:"environmentVariables"`
	Executor             *string              `json:"executor"`
	IsCicdEnforced       *bool                `json:"isCicdEnforced"`
	IsDagDeployEnabled   *bool                `json:"isDagDeployEnabled"`
	IsDevelopmentMode    *bool                `json:"isDevelopmentMode"`
	IsHighAvailability   *bool                `json:"isHighAvailability"`
	RemoteExecution      *remoteExecutionBody `json:"remoteExecution"`
	ScalingSpec          *scalingSpecBody     `json:"scalingSpec"`
	SchedulerSize        *string              `json:"schedulerSize"`
	Scheduler            *instanceSpecBody    `json:"scheduler"`
	TaskPodNodePoolID    *string              `json:"taskPodNodePoolId"`
	WorkerQueues         *[]queueBody         `json:"workerQueues"`
}

type envVarBody struct {
	IsSecret *bool   `json:"isSecret"`
	Key      *string `json:"key"`
	Value    *string `json:"value"`
}

type remoteExecutionBody struct {
	Enabled                *bool    `json:"enabled"`
	AllowedIPAddressRanges []string `json:"allowedIpAddressRanges"`
	TaskLogBucket          *string  `json:"taskLogBucket"`
	TaskLogURLPattern      *string  `json:"taskLogUrlPattern"`
}

type scalingSpecBody struct {
	HibernationSpec *struct {
		Override *struct {
			IsHibernating *bool   `json:"isHibernating"`
			OverrideUntil *string `json:"overrideUntil"`
		} `json:"override"`
		Schedules *[]scheduleBody `json:"schedules"`
	} `json:"hibernationSpec"`
}

type scheduleBody struct {
	Description     *string `json:"description"`
	HibernateAtCron *string `json:"hibernateAtCron"`
	IsEnabled       *bool   `json:"isEnabled"`
	WakeAtCron      *string `json:"wakeAtCron"`
}

type instanceSpecBody struct {
	AU       *int `json:"au"`
	Replicas *int `json:"replicas"`
}

type queueBody struct {
	ID                  *string `json:"id"`
	Name                *string `json:"name"`
	IsDefault           *bool   `json:"isDefault"`
	MinWorkerCount      *int    `json:"minWorkerCount"`
	MaxWorkerCount      *int    `json:"maxWorkerCount"`
	WorkerConcurrency   *int    `json:"workerConcurrency"`
	AstroMachine        *string `json:"astroMachine"`
	NodePoolID          *string `json:"nodePoolId"`
	PodEphemeralStorage *string `json:"podEphemeralStorage"`
}

// check validates the fields of b that do not depend on stored data, for
// a Deployment of type typ ("" while a create's type is not known yet).
// update selects the required fields of the update variants.
func (b *deploymentBody) check(k *checker, typ string, update bool) {
	k.requiredText("name", b.Name, 500)
	k.requiredText("workspaceId", b.WorkspaceID, 0)
	k.text("description", b.Description, 1000, false)
	k.oneOf("cloudProvider", b.CloudProvider, cloudProviders()...)
	k.oneOf("schedulerSize", b.SchedulerSize, schedulerSizes()...)
	if typ == "HYBRID" {
		k.oneOf("executor", b.Executor, "CELERY", "KUBERNETES")
	} else {
		k.oneOf("executor", b.Executor, "CELERY", "KUBERNETES", "ASTRO")
	}
	if update {
		k.required("environmentVariables", b.EnvironmentVariables != nil)
		k.required("executor", b.Executor != nil)
		k.required("isCicdEnforced", b.IsCicdEnforced != nil)
		k.required("isDagDeployEnabled", b.IsDagDeployEnabled != nil)
		if typ == "HYBRID" {
			if k.required("scheduler", b.Scheduler != nil) {
				k.required("scheduler.au", b.Scheduler.AU != nil)
				k.required("scheduler.replicas", b.Scheduler.Replicas != nil)
			}
		} else {
			k.required("isHighAvailability", b.IsHighAvailability != nil)
			k.required("schedulerSize", b.SchedulerSize != nil)
		}
	}
	if b.Scheduler != nil {
		k.intRange("scheduler.au", b.Scheduler.AU, 5, 24)
		k.intRange("scheduler.replicas", b.Scheduler.Replicas, 1, 4)
	}
	for i, e := range deref(b.ContactEmails) {
		if !validEmail(e) {
			k.fail(fieldAt("contactEmails", i), "email", "must be an e-mail address, not '%s'", e)
		}
	}
	for i, v := range deref(b.EnvironmentVariables) {
		f := fieldAt("environmentVariables", i)
		k.requiredText(f+".key", v.Key, 0)
		k.required(f+".isSecret", v.IsSecret != nil)
	}
	checkQuantities(k, "defaultTaskPodCpu", b.DefaultTaskPodCPU, "defaultTaskPodMemory", b.DefaultTaskPodMemory)
	checkQuantities(k, "resourceQuotaCpu", b.ResourceQuotaCPU, "resourceQuotaMemory", b.ResourceQuotaMemory)
	if b.WorkerQueues != nil {
		k.items("workerQueues", len(*b.WorkerQueues), 1, -1)
		hosted := typ != "HYBRID"
		for i, q := range *b.WorkerQueues {
			f := fieldAt("workerQueues", i)
			k.requiredText(f+".name", q.Name, 63)
			k.required(f+".isDefault", q.IsDefault != nil)
			if k.required(f+".minWorkerCount", q.MinWorkerCount != nil) {
				k.intRange(f+".minWorkerCount", q.MinWorkerCount, 0, -1)
			}
			if k.required(f+".maxWorkerCount", q.MaxWorkerCount != nil) {
				k.intRange(f+".maxWorkerCount", q.MaxWorkerCount, 1, -1)
			}
			if k.required(f+".workerConcurrency", q.WorkerConcurrency != nil) {
				k.intRange(f+".workerConcurrency", q.WorkerConcurrency, 1, -1)
			}
			if q.MinWorkerCount != nil && q.MaxWorkerCount != nil && *q.MinWorkerCount > *q.MaxWorkerCount {
				k.fail(f+".minWorkerCount", "ltefield", "must not exceed maxWorkerCount")
			}
			k.oneOf(f+".astroMachine", q.AstroMachine, astroMachines()...)
			switch {
			case typ == "":
			case hosted:
				k.required(f+".astroMachine", q.AstroMachine != nil)
			default:
				k.required(f+".nodePoolId", q.NodePoolID != nil)
			}
		}
	}
	if ss := b.ScalingSpec; ss != nil && ss.HibernationSpec != nil && ss.HibernationSpec.Schedules != nil {
		k.items("scalingSpec.hibernationSpec.schedules", len(*ss.HibernationSpec.Schedules), 0, 10)
		for i, sc := range *ss.HibernationSpec.Schedules {
			f := fieldAt("scalingSpec.hibernationSpec.schedules", i)
			k.text(f+".description", sc.Description, 200, false)
			k.required(f+".isEnabled", sc.IsEnabled != nil)
			for _, cr := range []struct {
				name string
				v    *string
			}{{f + ".hibernateAtCron", sc.HibernateAtCron}, {f + ".wakeAtCron", sc.WakeAtCron}} {
				if k.required(cr.name, cr.v != nil) && len(strings.Fields(*cr.v)) != 5 {
					k.fail(cr.name, "cron", "must be a 5-field cron expression, not '%s'", *cr.v)
				}
			}
		}
	}
	if re := b.RemoteExecution; re != nil {
		k.required("remoteExecution.enabled", re.Enabled != nil)
		for i, r := range re.AllowedIPAddressRanges {
			if _, ok := canonicalCIDR(r); !ok {
				k.fail(fieldAt("remoteExecution.allowedIpAddressRanges", i), "cidr", "must be a CIDR, not '%s'", r)
			}
		}
	}
}

// checkQuantities checks a CPU and memory pair: CPU in cores, memory in Gi
// and twice the CPU, as the spec's descriptions demand.
func checkQuantities(k *checker, cpuField string, cpu *string, memField string, mem *string) {
	var c, m float64
	var cOK, mOK bool
	if cpu != nil {
		if c, cOK = parseCores(*cpu); !cOK {
			k.fail(cpuField, "quantity", "must be a number of CPU cores such as \"0.5\", not '%s'", *cpu)
		}
	}
	if mem != nil {
		if m, mOK = parseGi(*mem); !mOK {
			k.fail(memField, "quantity", "must be a quantity in Gi such as \"1Gi\", not '%s'", *mem)
		}
	}
	if (cpu == nil) != (mem == nil) {
		k.fail(memField, "required_with", "and %s must be given together", cpuField)
	}
	if cOK && mOK && m != 2*c {
		k.fail(memField, "eqfield", "must be twice %s (%sGi), not '%s'", cpuField, formatNumber(2*c), *mem)
	}
}

func parseCores(v string) (float64, bool) {
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil && f > 0
}

func parseGi(v string) (float64, bool) {
	n, ok := strings.CutSuffix(v, "Gi")
	if !ok {
		return 0, false
	}
	return parseCores(n)
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// target is where a new Deployment runs: a cluster, or a cloud provider and
// region of Astronomer's shared infrastructure.
type target struct {
	typ      string
	cluster  *cluster
	provider string
	region   string
}

// resolveTarget picks where a new Deployment goes, in the order of the v1
// changelog: the body's clusterId; the body's cloudProvider and region; the
// workspace's defaultClusterId; its defaultCloudProvider and defaultRegion;
// the organization's only dedicated or hybrid cluster (none of the
// simulator's clusters is shared). The type follows from the target.
// Callers hold s.mu.
func (s *Sim) resolveTarget(org *organization, w *workspace, b *deploymentBody, k *checker) (target, bool) {
	var t target
	onCluster := func(field, id string) bool {
		cl, ok := s.data.clusters[id]
		if !ok || cl.OrganizationID != org.ID {
			k.fail(field, "exists", "names no cluster of the Organization: '%s'", id)
			return false
		}
		if len(cl.WorkspaceIDs) > 0 && !slices.Contains(cl.WorkspaceIDs, w.ID) {
			k.fail(field, "authorized", "cluster '%s' is not authorized for Workspace '%s'", id, w.ID)
			return false
		}
		t = target{typ: cl.Type, cluster: cl}
		return true
	}
	standard := func(field, provider, region string) bool {
		if !slices.Contains(cloudProviders(), provider) || !knownRegion(provider, region) {
			k.fail(field, "oneof", "'%s' is not a region of %s", region, provider)
			return false
		}
		t = target{typ: "STANDARD", provider: provider, region: region}
		return true
	}
	switch {
	case deref(b.ClusterID) != "":
		if !onCluster("clusterId", *b.ClusterID) {
			return t, false
		}
	case b.CloudProvider != nil || b.Region != nil:
		if b.CloudProvider == nil || b.Region == nil {
			k.fail("region", "required_with", "and cloudProvider must be given together")
			return t, false
		}
		if !standard("region", *b.CloudProvider, *b.Region) {
			return t, false
		}
	case w.DefaultClusterID != "":
		if !onCluster("workspaceId", w.DefaultClusterID) {
			return t, false
		}
	case w.DefaultCloudProvider != "":
		if !standard("workspaceId", w.DefaultCloudProvider, w.DefaultRegion) {
			return t, false
		}
	default:
		var only []*cluster
		for _, cl := range s.data.clusters {
			if cl.OrganizationID == org.ID {
				only = append(only, cl)
			}
		}
		if len(only) != 1 {
			k.fail("clusterId", "required", "is required: the Workspace has no default cluster or region and the Organization has %d clusters; "+
				"set clusterId, or cloudProvider and region, or the Workspace's defaults", len(only))
			return t, false
		}
		t = target{typ: only[0].Type, cluster: only[0]}
	}
	if b.Type != nil && *b.Type != t.typ {
		where := t.provider + "/" + t.region
		if t.cluster != nil {
			where = "cluster '" + t.cluster.ID + "'"
		}
		k.fail("type", "eqfield", "is %s but the Deployment would run on %s, which takes %s Deployments", *b.Type, where, t.typ)
		return t, false
	}
	if t.typ == "STANDARD" && org.ShouldEnforceDedicatedClusters {
		k.fail("type", "oneof", "STANDARD Deployments are not allowed: the Organization enforces dedicated clusters")
		return t, false
	}
	return t, true
}
