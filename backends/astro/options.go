package astro

import (
	"context"
	"net/url"
	"time"
)

// OptionsService calls the operations of the spec's Options tag: the
// choices available when configuring clusters and Deployments.
type OptionsService service

// ClusterOptions is the spec's ClusterOptions: what a cluster of one cloud
// provider can be configured with.
type ClusterOptions struct {
	DatabaseInstances          []ProviderInstanceType `json:"databaseInstances"`
	DefaultDatabaseInstance    ProviderInstanceType   `json:"defaultDatabaseInstance"`
	DefaultNodeInstance        ProviderInstanceType   `json:"defaultNodeInstance"`
	DefaultPodSubnetRange      *string                `json:"defaultPodSubnetRange,omitempty"`
	DefaultRegion              ProviderRegion         `json:"defaultRegion"`
	DefaultServicePeeringRange *string                `json:"defaultServicePeeringRange,omitempty"`
	DefaultServiceSubnetRange  *string                `json:"defaultServiceSubnetRange,omitempty"`
	DefaultVPCSubnetRange      string                 `json:"defaultVpcSubnetRange"`
	NodeCountDefault           int                    `json:"nodeCountDefault"`
	NodeCountMax               int                    `json:"nodeCountMax"`
	NodeCountMin               int                    `json:"nodeCountMin"`
	NodeInstances              []ProviderInstanceType `json:"nodeInstances"`
	Provider                   CloudProvider          `json:"provider"`
	Regions                    []ProviderRegion       `json:"regions"`
}

// ProviderInstanceType is the spec's ProviderInstanceType: a machine type
// of a cloud provider.
type ProviderInstanceType struct {
	CPU    int    `json:"cpu"`
	Memory string `json:"memory"`
	Name   string `json:"name"`
}

// ProviderRegion is the spec's ProviderRegion: a region of a cloud
// provider.
type ProviderRegion struct {
	BannedInstances []string `json:"bannedInstances,omitempty"`
	Limited         *bool    `json:"limited,omitempty"`
	// Location is the multi-region location code used to pair a region with
	// its Disaster Recovery region.
	Location *string `json:"location,omitempty"`
	Name     string  `json:"name"`
}

// DeploymentOptions is the spec's DeploymentOptions: what a Deployment can
// be configured with.
type DeploymentOptions struct {
	Executors               []string                 `json:"executors"`
	ResourceQuotas          ResourceQuotaOptions     `json:"resourceQuotas"`
	RuntimeReleases         []RuntimeRelease         `json:"runtimeReleases"`
	SchedulerMachines       []SchedulerMachine       `json:"schedulerMachines"`
	WorkerMachines          []WorkerMachine          `json:"workerMachines"`
	WorkerQueues            WorkerQueueOptions       `json:"workerQueues"`
	WorkloadIdentityOptions []WorkloadIdentityOption `json:"workloadIdentityOptions,omitempty"`
}

// ResourceQuotaOptions is the spec's ResourceQuotaOptions.
type ResourceQuotaOptions struct {
	DefaultPodSize ResourceOption `json:"defaultPodSize"`
	ResourceQuota  ResourceOption `json:"resourceQuota"`
}

// ResourceOption is the spec's ResourceOption: the CPU and memory range of
// a resource setting.
type ResourceOption struct {
	CPU    ResourceRange `json:"cpu"`
	Memory ResourceRange `json:"memory"`
}

// ResourceRange is the spec's ResourceRange: quantities such as "0.5" or
// "1Gi", kept as strings as the API sends them.
type ResourceRange struct {
	Ceiling string `json:"ceiling"`
	Default string `json:"default"`
	Floor   string `json:"floor"`
}

// Range is the spec's Range: a numeric range with a default.
type Range struct {
	Ceiling float64 `json:"ceiling"`
	Default float64 `json:"default"`
	Floor   float64 `json:"floor"`
}

// RuntimeRelease is the spec's RuntimeRelease: an Astro Runtime version.
type RuntimeRelease struct {
	AirflowDatabaseMigration bool      `json:"airflowDatabaseMigration"`
	AirflowVersion           string    `json:"airflowVersion"`
	Channel                  string    `json:"channel"`
	ReleaseDate              time.Time `json:"releaseDate"`
	StellarDatabaseMigration bool      `json:"stellarDatabaseMigration"`
	Version                  string    `json:"version"`
}

// SchedulerMachine is the spec's SchedulerMachine: a scheduler size.
type SchedulerMachine struct {
	Name SchedulerSize `json:"name"`
	Spec MachineSpec   `json:"spec"`
}

// WorkerMachine is the spec's WorkerMachine: an Astro worker machine type.
type WorkerMachine struct {
	Concurrency Range        `json:"concurrency"`
	Name        AstroMachine `json:"name"`
	Spec        MachineSpec  `json:"spec"`
}

// MachineSpec is the spec's MachineSpec.
type MachineSpec struct {
	Concurrency      *float64 `json:"concurrency,omitempty"`
	CPU              string   `json:"cpu"`
	EphemeralStorage *string  `json:"ephemeralStorage,omitempty"`
	Memory           string   `json:"memory"`
}

// WorkerQueueOptions is the spec's WorkerQueueOptions.
type WorkerQueueOptions struct {
	MaxWorkers        Range `json:"maxWorkers"`
	MinWorkers        Range `json:"minWorkers"`
	WorkerConcurrency Range `json:"workerConcurrency"`
}

// WorkloadIdentityOption is the spec's WorkloadIdentityOption.
type WorkloadIdentityOption struct {
	Label string `json:"label"`
	Role  string `json:"role"`
}

// AstroMachine is an Astro worker machine size.
type AstroMachine string

// The spec's Astro machine values.
const (
	AstroMachineA5   AstroMachine = "A5"
	AstroMachineA10  AstroMachine = "A10"
	AstroMachineA20  AstroMachine = "A20"
	AstroMachineA40  AstroMachine = "A40"
	AstroMachineA60  AstroMachine = "A60"
	AstroMachineA120 AstroMachine = "A120"
	AstroMachineA160 AstroMachine = "A160"
)

// GetClusterOptionsOptions are the query parameters of GetClusterOptions.
type GetClusterOptionsOptions struct {
	// Type is required: DEDICATED or HYBRID.
	Type ClusterType
	// Provider keeps one cloud provider; empty means all three.
	Provider CloudProvider
}

// GetClusterOptions lists the cluster options of each cloud provider (or of
// opts.Provider only). opts.Type is required.
//
// Astro API: GET /organizations/{organizationId}/cluster-options (GetClusterOptions)
func (s *OptionsService) GetClusterOptions(ctx context.Context, organizationID string, opts *GetClusterOptionsOptions) ([]*ClusterOptions, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addString(q, "type", string(opts.Type))
		addString(q, "provider", string(opts.Provider))
	}
	var out []*ClusterOptions
	resp, err := s.client.getItem(ctx, &out, q, "GetClusterOptions", organizationID)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// GetDeploymentOptionsOptions are the query parameters of
// GetDeploymentOptions. Empty fields are omitted.
type GetDeploymentOptionsOptions struct {
	// DeploymentID asks for the options of an existing Deployment.
	DeploymentID   string
	DeploymentType DeploymentType
	Executor       DeploymentExecutor
	CloudProvider  CloudProvider
}

// GetDeploymentOptions returns the runtime versions, machines, executors
// and ranges a Deployment can be configured with.
//
// Astro API: GET /organizations/{organizationId}/deployment-options (GetDeploymentOptions)
func (s *OptionsService) GetDeploymentOptions(ctx context.Context, organizationID string, opts *GetDeploymentOptionsOptions) (*DeploymentOptions, *Response, error) {
	q := url.Values{}
	if opts != nil {
		addString(q, "deploymentId", opts.DeploymentID)
		addString(q, "deploymentType", string(opts.DeploymentType))
		addString(q, "executor", string(opts.Executor))
		addString(q, "cloudProvider", string(opts.CloudProvider))
	}
	return getAs[DeploymentOptions](ctx, s.client, q, "GetDeploymentOptions", organizationID)
}
