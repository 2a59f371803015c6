package graph

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// Mapping of a deployment's details, its deploys and logs, clusters'
// details and the configuration options.

// fillAstroDeploymentDetails sets the fields of a deployment beyond the
// ones the cross-platform lists use.
func fillAstroDeploymentDetails(out *model.AstroDeployment, d *astro.Deployment) {
	out.DagTarballVersion = d.DagTarballVersion
	out.DesiredDagTarballVersion = d.DesiredDagTarballVersion
	out.DefaultTaskPodCPU = d.DefaultTaskPodCPU
	out.DefaultTaskPodMemory = d.DefaultTaskPodMemory
	out.ResourceQuotaCPU = d.ResourceQuotaCPU
	out.ResourceQuotaMemory = d.ResourceQuotaMemory
	out.SchedulerAu = d.SchedulerAU
	out.TaskPodNodePoolID = d.TaskPodNodePoolID
	out.WebServerCPU = d.WebServerCPU
	out.WebServerMemory = d.WebServerMemory
	out.WebServerReplicas = d.WebServerReplicas
	out.WebServerIngressHostname = d.WebServerIngressHostname
	out.WebServerAirflowAPIURL = d.WebServerAirflowAPIURL
	out.ExternalIPs = d.ExternalIPs
	out.OidcIssuerURL = d.OIDCIssuerURL
	out.EffectiveWorkloadIdentity = d.EffectiveWorkloadIdentity
	for _, v := range d.EnvironmentVariables {
		out.EnvironmentVariables = append(out.EnvironmentVariables, &model.AstroDeploymentEnvironmentVariable{
			Key: v.Key, Value: v.Value, IsSecret: v.IsSecret, UpdatedAt: timePtr(v.UpdatedAt),
		})
	}
	if r := d.RemoteExecution; r != nil {
		out.RemoteExecution = &model.AstroRemoteExecution{
			Enabled: r.Enabled, RemoteAPIURL: r.RemoteAPIURL, AllowedIPAddressRanges: nonNilSlice(r.AllowedIPAddressRanges),
			TaskLogBucket: r.TaskLogBucket, TaskLogURLPattern: r.TaskLogURLPattern,
		}
	}
	if s := d.ScalingSpec; s != nil && s.HibernationSpec != nil {
		out.HibernationSpec = &model.AstroHibernationSpec{Override: convertAstroHibernationOverride(s.HibernationSpec.Override)}
		for _, sc := range s.HibernationSpec.Schedules {
			out.HibernationSpec.Schedules = append(out.HibernationSpec.Schedules, &model.AstroHibernationSchedule{
				HibernateAtCron: sc.HibernateAtCron, WakeAtCron: sc.WakeAtCron, IsEnabled: sc.IsEnabled, Description: sc.Description,
			})
		}
	}
	if s := d.ScalingStatus; s != nil && s.HibernationStatus != nil {
		h := s.HibernationStatus
		out.HibernationStatus = &model.AstroHibernationStatus{
			IsHibernating: h.IsHibernating, NextEventAt: h.NextEventAt,
			NextEventType: enumPtr[model.AstroHibernationEventType](h.NextEventType), Reason: h.Reason,
		}
	}
}

func convertAstroHibernationOverride(o *astro.DeploymentHibernationOverride) *model.AstroHibernationOverride {
	if o == nil {
		return nil
	}
	return &model.AstroHibernationOverride{IsActive: o.IsActive, IsHibernating: o.IsHibernating, OverrideUntil: o.OverrideUntil}
}

// fillAstroClusterDetails sets the provider-specific and health fields.
func fillAstroClusterDetails(out *model.AstroCluster, c *astro.Cluster) {
	out.ProviderAccount = c.ProviderAccount
	out.SecondaryVpcCidr = c.SecondaryVPCCIDR
	out.IsPrivateNetworkEgressEnabled = c.IsPrivateNetworkEgressEnabled
	out.PodSubnetRange = c.PodSubnetRange
	out.ServicePeeringRange = c.ServicePeeringRange
	out.ServiceSubnetRange = c.ServiceSubnetRange
	out.TenantID = c.TenantID
	out.DrRegion = nonEmpty(c.DRRegion)
	out.IsFailedOver = c.IsFailedOver
	out.FailoverInProgress = c.FailoverInProgress
	if h := c.HealthStatus; h != nil {
		out.HealthStatus = &model.AstroClusterHealthStatus{Value: enumPtr[model.AstroClusterHealth](&h.Value)}
		for _, d := range h.Details {
			out.HealthStatus.Details = append(out.HealthStatus.Details, &model.AstroClusterHealthDetail{
				Code: d.Code, Component: d.Component, Description: d.Description, Severity: d.Severity,
			})
		}
	}
	if m := c.Metadata; m != nil {
		out.Metadata = &model.AstroClusterMetadata{ExternalIPs: m.ExternalIPs, KubeDNSIP: m.KubeDNSIP, OidcIssuerURL: m.OIDCIssuerURL}
	}
	for _, t := range c.Tags {
		out.Tags = append(out.Tags, &model.AstroClusterTag{Key: t.Key, Value: t.Value})
	}
	for i, p := range c.NodePools {
		if i < len(out.NodePools) {
			out.NodePools[i].SupportedAstroMachines = p.SupportedAstroMachines
			out.NodePools[i].CreatedAt = timePtr(p.CreatedAt)
			out.NodePools[i].UpdatedAt = timePtr(p.UpdatedAt)
		}
	}
}

func convertAstroDeploy(org string, d *astro.Deploy) *model.AstroDeploy {
	out := &model.AstroDeploy{
		ID:                  encodeID(typeAstroDeploy, org, d.DeploymentID, d.ID),
		DeployID:            d.ID,
		DeploymentID:        d.DeploymentID,
		OrganizationID:      org,
		Type:                enumPtr[model.AstroDeployType](&d.Type),
		Status:              enumPtr[model.AstroDeployStatus](&d.Status),
		Description:         d.Description,
		ImageRepository:     d.ImageRepository,
		ImageTag:            d.ImageTag,
		IsDagDeployEnabled:  d.IsDagDeployEnabled,
		DagTarballVersion:   d.DagTarballVersion,
		DagsUploadURL:       d.DagsUploadURL,
		BundleUploadURL:     d.BundleUploadURL,
		BundleMountPath:     d.BundleMountPath,
		AirflowVersion:      d.AirflowVersion,
		AstroRuntimeVersion: d.AstroRuntimeVersion,
		RollbackFromID:      d.RollbackFromID,
		CreatedAt:           timePtr(d.CreatedAt),
		UpdatedAt:           d.UpdatedAt,
		CreatedBy:           convertAstroSubject(d.CreatedBySubject),
		UpdatedBy:           convertAstroSubject(d.UpdatedBySubject),
	}
	for _, b := range d.Bundles {
		out.Bundles = append(out.Bundles, &model.AstroDeployBundle{BundleType: b.BundleType, MountPath: b.MountPath, CurrentVersion: b.CurrentVersion, DesiredVersion: b.DesiredVersion})
	}
	if g := d.Git; g != nil {
		out.Git = &model.AstroDeployGit{
			Provider: string(g.Provider), CommitSha: g.CommitSha, Account: g.Account, Repo: g.Repo, Branch: g.Branch, Path: g.Path,
			RemoteURL: g.RemoteURL, CommitURL: g.CommitURL, AuthorName: g.AuthorName, AuthorUsername: g.AuthorUsername,
			AuthorURL: g.AuthorURL, BeforeCommitSha: g.BeforeCommitSha,
		}
	}
	return out
}

// Log sources: GraphQL enum values cannot hold "-", so DAG_PROCESSOR is
// dag-processor upstream.
func astroLogSource(s model.AstroLogSource) astro.LogSource {
	return astro.LogSource(strings.ReplaceAll(strings.ToLower(string(s)), "_", "-"))
}

func convertAstroLogEntry(e astro.DeploymentLogEntry) *model.AstroLogEntry {
	src := model.AstroLogSource(strings.ReplaceAll(strings.ToUpper(string(e.Source)), "-", "_"))
	// Timestamps are float seconds: round off the float's noise.
	out := &model.AstroLogEntry{Timestamp: e.Time().Round(time.Microsecond), Raw: e.Raw}
	if src.IsValid() {
		out.Source = &src
	}
	return out
}

func convertAstroAuditLog(b []byte) *model.AstroAuditLog {
	out := &model.AstroAuditLog{Base64: base64.StdEncoding.EncodeToString(b), Events: []any{}}
	if !utf8.Valid(b) {
		return out
	}
	text := string(b)
	out.Text = &text
	for line := range strings.Lines(text) {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) == nil {
			out.Events = append(out.Events, ev)
		}
	}
	return out
}

func convertAstroInstanceType(t astro.ProviderInstanceType) *model.AstroProviderInstanceType {
	return &model.AstroProviderInstanceType{Name: t.Name, CPU: t.CPU, Memory: t.Memory}
}

func convertAstroRegion(r astro.ProviderRegion) *model.AstroProviderRegion {
	return &model.AstroProviderRegion{Name: r.Name, Limited: r.Limited, Location: r.Location, BannedInstances: r.BannedInstances}
}

func convertAstroClusterOptions(o *astro.ClusterOptions) *model.AstroClusterOptions {
	out := &model.AstroClusterOptions{
		Provider:                   enumPtr[model.AstroCloudProvider](&o.Provider),
		DefaultRegion:              convertAstroRegion(o.DefaultRegion),
		DefaultNodeInstance:        convertAstroInstanceType(o.DefaultNodeInstance),
		DefaultDatabaseInstance:    convertAstroInstanceType(o.DefaultDatabaseInstance),
		NodeCountMin:               o.NodeCountMin,
		NodeCountMax:               o.NodeCountMax,
		NodeCountDefault:           o.NodeCountDefault,
		DefaultVpcSubnetRange:      o.DefaultVPCSubnetRange,
		DefaultPodSubnetRange:      o.DefaultPodSubnetRange,
		DefaultServicePeeringRange: o.DefaultServicePeeringRange,
		DefaultServiceSubnetRange:  o.DefaultServiceSubnetRange,
		Regions:                    []*model.AstroProviderRegion{},
		NodeInstances:              []*model.AstroProviderInstanceType{},
		DatabaseInstances:          []*model.AstroProviderInstanceType{},
	}
	for _, r := range o.Regions {
		out.Regions = append(out.Regions, convertAstroRegion(r))
	}
	for _, t := range o.NodeInstances {
		out.NodeInstances = append(out.NodeInstances, convertAstroInstanceType(t))
	}
	for _, t := range o.DatabaseInstances {
		out.DatabaseInstances = append(out.DatabaseInstances, convertAstroInstanceType(t))
	}
	return out
}

func convertAstroRange(r astro.Range) *model.AstroRange {
	return &model.AstroRange{Floor: r.Floor, Ceiling: r.Ceiling, Default: r.Default}
}

func convertAstroResourceOption(r astro.ResourceOption) *model.AstroResourceOption {
	return &model.AstroResourceOption{
		CPU:    &model.AstroResourceRange{Floor: r.CPU.Floor, Ceiling: r.CPU.Ceiling, Default: r.CPU.Default},
		Memory: &model.AstroResourceRange{Floor: r.Memory.Floor, Ceiling: r.Memory.Ceiling, Default: r.Memory.Default},
	}
}

func convertAstroMachineSpec(s astro.MachineSpec) *model.AstroMachineSpec {
	return &model.AstroMachineSpec{CPU: s.CPU, Memory: s.Memory, EphemeralStorage: s.EphemeralStorage, Concurrency: s.Concurrency}
}

func convertAstroDeploymentOptions(o *astro.DeploymentOptions) *model.AstroDeploymentOptions {
	out := &model.AstroDeploymentOptions{
		Executors:                    nonNilSlice(o.Executors),
		RuntimeReleases:              []*model.AstroRuntimeRelease{},
		SchedulerMachines:            []*model.AstroSchedulerMachine{},
		WorkerMachines:               []*model.AstroWorkerMachine{},
		DefaultPodSize:               convertAstroResourceOption(o.ResourceQuotas.DefaultPodSize),
		ResourceQuota:                convertAstroResourceOption(o.ResourceQuotas.ResourceQuota),
		WorkerQueueMaxWorkers:        convertAstroRange(o.WorkerQueues.MaxWorkers),
		WorkerQueueMinWorkers:        convertAstroRange(o.WorkerQueues.MinWorkers),
		WorkerQueueWorkerConcurrency: convertAstroRange(o.WorkerQueues.WorkerConcurrency),
	}
	for _, r := range o.RuntimeReleases {
		out.RuntimeReleases = append(out.RuntimeReleases, &model.AstroRuntimeRelease{
			Version: r.Version, AirflowVersion: r.AirflowVersion, Channel: r.Channel, ReleaseDate: timePtr(r.ReleaseDate),
			AirflowDatabaseMigration: r.AirflowDatabaseMigration, StellarDatabaseMigration: r.StellarDatabaseMigration,
		})
	}
	for _, m := range o.SchedulerMachines {
		out.SchedulerMachines = append(out.SchedulerMachines, &model.AstroSchedulerMachine{
			Name: enumPtr[model.AstroSchedulerSize](&m.Name), Spec: convertAstroMachineSpec(m.Spec),
		})
	}
	for _, m := range o.WorkerMachines {
		out.WorkerMachines = append(out.WorkerMachines, &model.AstroWorkerMachine{
			Name: enumPtr[model.AstroMachine](&m.Name), Spec: convertAstroMachineSpec(m.Spec), Concurrency: convertAstroRange(m.Concurrency),
		})
	}
	for _, w := range o.WorkloadIdentityOptions {
		out.WorkloadIdentityOptions = append(out.WorkloadIdentityOptions, &model.AstroWorkloadIdentityOption{Label: w.Label, Role: w.Role})
	}
	return out
}
