package astrosim

import (
	"net/http"
	"slices"
)

// clusterOptions is the spec's ClusterOptions.
type clusterOptions struct {
	DatabaseInstances          []instanceType   `json:"databaseInstances"`
	DefaultDatabaseInstance    instanceType     `json:"defaultDatabaseInstance"`
	DefaultNodeInstance        instanceType     `json:"defaultNodeInstance"`
	DefaultPodSubnetRange      string           `json:"defaultPodSubnetRange,omitempty"`
	DefaultRegion              providerRegion   `json:"defaultRegion"`
	DefaultServicePeeringRange string           `json:"defaultServicePeeringRange,omitempty"`
	DefaultServiceSubnetRange  string           `json:"defaultServiceSubnetRange,omitempty"`
	DefaultVpcSubnetRange      string           `json:"defaultVpcSubnetRange"`
	NodeCountDefault           int              `json:"nodeCountDefault"`
	NodeCountMax               int              `json:"nodeCountMax"`
	NodeCountMin               int              `json:"nodeCountMin"`
	NodeInstances              []instanceType   `json:"nodeInstances"`
	Provider                   string           `json:"provider"`
	Regions                    []providerRegion `json:"regions"`
}

// instanceType is the spec's ProviderInstanceType.
type instanceType struct {
	CPU    int    `json:"cpu"`
	Memory string `json:"memory"`
	Name   string `json:"name"`
}

// providerRegion is the spec's ProviderRegion.
type providerRegion struct {
	BannedInstances []string `json:"bannedInstances,omitempty"`
	Limited         bool     `json:"limited"`
	Location        string   `json:"location,omitempty"`
	Name            string   `json:"name"`
}

// providerOptions are the cluster options of one cloud provider.
func providerOptions(provider string) clusterOptions {
	o := clusterOptions{Provider: provider, NodeCountMin: 1, NodeCountMax: 100, NodeCountDefault: 20, DefaultVpcSubnetRange: "172.20.0.0/19"}
	region := func(name, location string) providerRegion { return providerRegion{Name: name, Location: location} }
	switch provider {
	case "AWS":
		o.Regions = []providerRegion{region("us-east-1", "us"), region("us-east-2", "us"), region("us-west-2", "us"), region("eu-west-1", "eu"), region("eu-central-1", "eu"), region("ap-southeast-2", "ap")}
		o.NodeInstances = []instanceType{{4, "16Gi", "m6i.xlarge"}, {8, "64Gi", "r6i.2xlarge"}, {16, "64Gi", "m6i.4xlarge"}}
		o.DatabaseInstances = []instanceType{{2, "8Gi", "db.m6g.large"}, {4, "16Gi", "db.m6g.xlarge"}}
	case "GCP":
		o.Regions = []providerRegion{region("us-central1", "us"), region("us-east4", "us"), region("europe-west4", "eu"), region("asia-northeast1", "asia")}
		o.NodeInstances = []instanceType{{4, "16Gi", "e2-standard-4"}, {8, "64Gi", "n2-highmem-8"}, {16, "64Gi", "n2-standard-16"}}
		o.DatabaseInstances = []instanceType{{4, "15Gi", "db-custom-4-15360"}, {8, "30Gi", "db-custom-8-30720"}}
		o.DefaultVpcSubnetRange = "172.20.0.0/22"
		o.DefaultPodSubnetRange, o.DefaultServiceSubnetRange, o.DefaultServicePeeringRange = "172.21.0.0/19", "172.22.0.0/22", "172.23.0.0/20"
	default: // AZURE
		o.Regions = []providerRegion{region("eastus2", "us"), region("westus2", "us"), region("westeurope", "eu"), region("northeurope", "eu")}
		o.NodeInstances = []instanceType{{4, "16Gi", "Standard_D4d_v5"}, {8, "64Gi", "Standard_E8d_v5"}, {16, "64Gi", "Standard_D16d_v5"}}
		o.DatabaseInstances = []instanceType{{4, "16Gi", "Standard_D4ds_v5"}, {8, "32Gi", "Standard_D8ds_v5"}}
	}
	o.DefaultRegion, o.DefaultNodeInstance, o.DefaultDatabaseInstance = o.Regions[0], o.NodeInstances[0], o.DatabaseInstances[0]
	return o
}

// knownRegion reports whether region is a region of provider.
func knownRegion(provider, region string) bool {
	return slices.ContainsFunc(providerOptions(provider).Regions, func(r providerRegion) bool { return r.Name == region })
}

// getClusterOptions serves GetClusterOptions; type is required.
func (s *Sim) getClusterOptions(c *call) {
	q := c.r.URL.Query()
	typ, err := enumParam(q, "type", "DEDICATED", "HYBRID")
	if err == nil && typ == "" {
		err = invalidParam("type", "required", "is required")
	}
	var provider string
	if err == nil {
		provider, err = enumParam(q, "provider", cloudProviders()...)
	}
	if err == nil {
		s.mu.RLock()
		_, err = s.visibleOrg(c.p, c.r.PathValue("organizationId"))
		s.mu.RUnlock()
	}
	if err != nil {
		c.fail(err)
		return
	}
	out := []clusterOptions{}
	for _, p := range cloudProviders() {
		if provider == "" || provider == p {
			o := providerOptions(p)
			if typ == "HYBRID" {
				o.NodeCountMax = 500
			}
			out = append(out, o)
		}
	}
	c.json(http.StatusOK, out)
}

// deploymentOptions is the spec's DeploymentOptions.
type deploymentOptions struct {
	Executors               []string             `json:"executors"`
	ResourceQuotas          resourceQuotaOptions `json:"resourceQuotas"`
	RuntimeReleases         []runtimeRelease     `json:"runtimeReleases"`
	SchedulerMachines       []schedulerMachine   `json:"schedulerMachines"`
	WorkerMachines          []workerMachine      `json:"workerMachines"`
	WorkerQueues            workerQueueOptions   `json:"workerQueues"`
	WorkloadIdentityOptions []identityOption     `json:"workloadIdentityOptions,omitempty"`
}

type resourceQuotaOptions struct {
	DefaultPodSize resourceOption `json:"defaultPodSize"`
	ResourceQuota  resourceOption `json:"resourceQuota"`
}

type resourceOption struct {
	CPU    resourceRange `json:"cpu"`
	Memory resourceRange `json:"memory"`
}

type resourceRange struct {
	Ceiling string `json:"ceiling"`
	Default string `json:"default"`
	Floor   string `json:"floor"`
}

type numRange struct {
	Ceiling float64 `json:"ceiling"`
	Default float64 `json:"default"`
	Floor   float64 `json:"floor"`
}

type runtimeRelease struct {
	AirflowDatabaseMigration bool   `json:"airflowDatabaseMigration"`
	AirflowVersion           string `json:"airflowVersion"`
	Channel                  string `json:"channel"`
	ReleaseDate              string `json:"releaseDate"`
	StellarDatabaseMigration bool   `json:"stellarDatabaseMigration"`
	Version                  string `json:"version"`
}

type machineSpec struct {
	Concurrency      float64 `json:"concurrency,omitempty"`
	CPU              string  `json:"cpu"`
	EphemeralStorage string  `json:"ephemeralStorage,omitempty"`
	Memory           string  `json:"memory"`
}

type schedulerMachine struct {
	Name string      `json:"name"`
	Spec machineSpec `json:"spec"`
}

type workerMachine struct {
	Concurrency numRange    `json:"concurrency"`
	Name        string      `json:"name"`
	Spec        machineSpec `json:"spec"`
}

type workerQueueOptions struct {
	MaxWorkers        numRange `json:"maxWorkers"`
	MinWorkers        numRange `json:"minWorkers"`
	WorkerConcurrency numRange `json:"workerConcurrency"`
}

type identityOption struct {
	Label string `json:"label"`
	Role  string `json:"role"`
}

// runtimeReleases are the Astro Runtime versions the simulator offers,
// oldest first; the last is the default of new Deployments.
func runtimeReleases() []runtimeRelease {
	dates := []string{"2023-10-23T00:00:00Z", "2024-07-18T00:00:00Z", "2024-12-16T00:00:00Z", "2025-04-10T00:00:00Z", "2025-05-20T00:00:00Z", "2025-05-28T00:00:00Z"}
	var out []runtimeRelease
	for i, rt := range runtimes() {
		out = append(out, runtimeRelease{Version: rt[0], AirflowVersion: rt[1], Channel: "stable", ReleaseDate: dates[i], AirflowDatabaseMigration: i > 0})
	}
	return out
}

// schedulerSpecs are the scheduler sizes: CPU and memory.
func schedulerSpec(size string) machineSpec {
	switch size {
	case "MEDIUM":
		return machineSpec{CPU: "2", Memory: "4Gi"}
	case "LARGE":
		return machineSpec{CPU: "4", Memory: "8Gi"}
	case "EXTRA_LARGE":
		return machineSpec{CPU: "8", Memory: "16Gi"}
	default:
		return machineSpec{CPU: "1", Memory: "2Gi"}
	}
}

// workerSpec is the size of an Astro worker machine.
func workerSpec(machine string) (spec machineSpec, concurrency int) {
	specs := map[string]struct {
		cpu, mem string
		conc     int
	}{
		"A5": {"1", "2Gi", 5}, "A10": {"2", "4Gi", 10}, "A20": {"4", "8Gi", 20}, "A40": {"8", "16Gi", 40},
		"A60": {"12", "24Gi", 60}, "A120": {"24", "48Gi", 120}, "A160": {"32", "64Gi", 160},
	}
	m, ok := specs[machine]
	if !ok {
		m = specs["A5"]
	}
	return machineSpec{CPU: m.cpu, Memory: m.mem, EphemeralStorage: "10Gi", Concurrency: float64(m.conc)}, m.conc
}

// getDeploymentOptions serves GetDeploymentOptions. Any token of the
// organization may read it (a workspace token needs it to create a
// Deployment). An unknown deploymentId is a 400: the operation declares no
// 404.
func (s *Sim) getDeploymentOptions(c *call) {
	q := c.r.URL.Query()
	typ, err := enumParam(q, "deploymentType", "HYBRID", "DEDICATED", "STANDARD")
	if err == nil {
		_, err = enumParam(q, "executor", "CELERY", "KUBERNETES", "ASTRO")
	}
	if err == nil {
		_, err = enumParam(q, "cloudProvider", cloudProviders()...)
	}
	var d *deployment
	var provider string
	if err == nil {
		s.mu.RLock()
		orgID := c.r.PathValue("organizationId")
		_, err = s.visibleOrg(c.p, orgID)
		if id := q.Get("deploymentId"); err == nil && id != "" {
			d, err = s.deploymentFor(c.p, orgID, id, "deployment.get")
			err = without404(err)
			if err == nil {
				provider = s.providerOf(d)
			}
		}
		s.mu.RUnlock()
	}
	if err != nil {
		c.fail(err)
		return
	}
	if d != nil {
		typ = d.Type
	}
	out := deploymentOptions{
		Executors:       []string{"CELERY", "KUBERNETES", "ASTRO"},
		RuntimeReleases: runtimeReleases(),
		ResourceQuotas: resourceQuotaOptions{
			DefaultPodSize: resourceOption{CPU: resourceRange{"1", "0.25", "0.25"}, Memory: resourceRange{"2Gi", "0.5Gi", "0.5Gi"}},
			ResourceQuota:  resourceOption{CPU: resourceRange{"1600", "10", "1"}, Memory: resourceRange{"3200Gi", "20Gi", "2Gi"}},
		},
		WorkerQueues: workerQueueOptions{
			MaxWorkers: numRange{Floor: 1, Default: 10, Ceiling: 100}, MinWorkers: numRange{Floor: 0, Default: 0, Ceiling: 100},
			WorkerConcurrency: numRange{Floor: 1, Default: 5, Ceiling: 256},
		},
	}
	if typ == "HYBRID" {
		out.Executors = []string{"CELERY", "KUBERNETES"}
	}
	for _, size := range schedulerSizes() {
		out.SchedulerMachines = append(out.SchedulerMachines, schedulerMachine{Name: size, Spec: schedulerSpec(size)})
	}
	for _, m := range astroMachines() {
		spec, conc := workerSpec(m)
		out.WorkerMachines = append(out.WorkerMachines, workerMachine{Name: m, Spec: spec, Concurrency: numRange{Floor: 1, Default: float64(conc), Ceiling: float64(conc * 4)}})
	}
	if d != nil {
		out.WorkloadIdentityOptions = []identityOption{{Label: "Default", Role: workloadIdentity(d, provider)}}
	}
	c.json(http.StatusOK, out)
}
