package graph

import (
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

// Mapping from the Astro client's models to the GraphQL models. Pure
// functions: no calls, no context.

func convertAstroOrganization(o *astro.Organization) *model.AstroOrganization {
	return &model.AstroOrganization{
		ID:                             encodeID(typeAstroOrganization, o.ID),
		OrganizationID:                 o.ID,
		Name:                           o.Name,
		BillingEmail:                   o.BillingEmail,
		Product:                        strPtr(o.Product),
		Status:                         strPtr(o.Status),
		PaymentMethod:                  strPtr(o.PaymentMethod),
		IsScimEnabled:                  o.IsSCIMEnabled,
		AllowEnhancedSupportAccess:     o.AllowEnhancedSupportAccess,
		CreatedAt:                      timePtr(o.CreatedAt),
		UpdatedAt:                      timePtr(o.UpdatedAt),
		TrialExpiresAt:                 o.TrialExpiresAt,
		CreatedBy:                      convertAstroSubject(&o.CreatedBy),
		UpdatedBy:                      convertAstroSubject(&o.UpdatedBy),
		HasAllowedIPAddressRanges:      &o.HasAllowedIPAddressRanges,
		ShouldEnforceDedicatedClusters: &o.ShouldEnforceDedicatedClusters,
		HasAiFeaturesDisabled:          o.HasAIFeaturesDisabled,
		ManagedDomains:                 convertAstroManagedDomains(o.ManagedDomains),
		ProductPlans:                   convertAstroProductPlans(o.ProductPlans),
	}
}

// astroOrganizationStub is an organization known only by id: enough for its
// workspaces, deployments and clusters, which need no organization call.
func astroOrganizationStub(id string) *model.AstroOrganization {
	return &model.AstroOrganization{ID: encodeID(typeAstroOrganization, id), OrganizationID: id}
}

func convertAstroWorkspace(w *astro.Workspace) *model.AstroWorkspace {
	return &model.AstroWorkspace{
		ID:                   encodeID(typeAstroWorkspace, w.OrganizationID, w.ID),
		WorkspaceID:          w.ID,
		OrganizationID:       w.OrganizationID,
		Name:                 w.Name,
		Description:          w.Description,
		Platform:             model.PlatformAstro,
		OrganizationName:     w.OrganizationName,
		CicdEnforcedDefault:  &w.CICDEnforcedDefault,
		DefaultClusterID:     w.DefaultClusterID,
		DefaultCloudProvider: enumPtr[model.AstroCloudProvider](w.DefaultCloudProvider),
		DefaultRegion:        w.DefaultRegion,
		CreatedAt:            timePtr(w.CreatedAt),
		UpdatedAt:            timePtr(w.UpdatedAt),
		CreatedBy:            convertAstroSubject(w.CreatedBy),
		UpdatedBy:            convertAstroSubject(w.UpdatedBy),
	}
}

// astroWorkspaceFromDeployment is the part of a workspace that a deployment
// already carries: its ids and name.
func astroWorkspaceFromDeployment(d *model.AstroDeployment) *model.AstroWorkspace {
	return &model.AstroWorkspace{
		ID:             encodeID(typeAstroWorkspace, d.OrganizationID, d.WorkspaceID),
		WorkspaceID:    d.WorkspaceID,
		OrganizationID: d.OrganizationID,
		Name:           deref(d.WorkspaceName),
		Platform:       model.PlatformAstro,
	}
}

// astroClusterFromDeployment is the part of a cluster that a deployment
// already carries: its ids, name, region and provider.
func astroClusterFromDeployment(d *model.AstroDeployment) *model.AstroCluster {
	return &model.AstroCluster{
		ID:             encodeID(typeAstroCluster, d.OrganizationID, *d.ClusterID),
		ClusterID:      *d.ClusterID,
		OrganizationID: d.OrganizationID,
		Name:           deref(d.ClusterName),
		Region:         d.Region,
		CloudProvider:  d.CloudProvider,
	}
}

func convertAstroDeployment(d *astro.Deployment) *model.AstroDeployment {
	// What a summary holds (convertAstroDeploymentSummary), then the rest.
	out := convertAstroDeploymentSummary(d)
	out.Namespace = d.Namespace
	out.ImageRepository = d.ImageRepository
	out.ImageTag = d.ImageTag
	out.ImageVersion = d.ImageVersion
	out.SchedulerReplicas = d.SchedulerReplicas
	out.SchedulerCPU = d.SchedulerCPU
	out.SchedulerMemory = d.SchedulerMemory
	out.WebServerURL = d.WebServerURL
	out.APIURL = d.APIURL
	out.UIURL = d.UIURL
	out.ContactEmails = d.ContactEmails
	out.CreatedBy = convertAstroSubject(&d.CreatedBy)
	out.UpdatedBy = convertAstroSubject(&d.UpdatedBy)
	for _, q := range d.WorkerQueues {
		out.WorkerQueues = append(out.WorkerQueues, &model.AstroWorkerQueue{
			ID: q.ID, Name: q.Name, IsDefault: q.IsDefault, AstroMachine: q.AstroMachine,
			MaxWorkerCount: q.MaxWorkerCount, MinWorkerCount: q.MinWorkerCount, WorkerConcurrency: q.WorkerConcurrency,
			PodCPU: q.PodCPU, PodMemory: q.PodMemory, NodePoolID: q.NodePoolID,
		})
	}
	fillAstroDeploymentDetails(out, d)
	return out
}

func convertAstroCluster(c *astro.Cluster) *model.AstroCluster {
	out := &model.AstroCluster{
		ID:             encodeID(typeAstroCluster, c.OrganizationID, c.ID),
		ClusterID:      c.ID,
		OrganizationID: c.OrganizationID,
		Name:           c.Name,
		CloudProvider:  enumPtr[model.AstroCloudProvider](&c.CloudProvider),
		Region:         nonEmpty(c.Region),
		Type:           enumPtr[model.AstroClusterType](&c.Type),
		Status:         enumPtr[model.AstroClusterStatus](&c.Status),
		DbInstanceType: nonEmpty(c.DBInstanceType),
		VpcSubnetRange: nonEmpty(c.VPCSubnetRange),
		IsDrEnabled:    &c.IsDREnabled,
		IsLimited:      c.IsLimited,
		WorkspaceIds:   c.WorkspaceIDs,
		CreatedAt:      timePtr(c.CreatedAt),
		UpdatedAt:      timePtr(c.UpdatedAt),
	}
	for _, p := range c.NodePools {
		out.NodePools = append(out.NodePools, &model.AstroNodePool{
			ID: p.ID, Name: p.Name, IsDefault: p.IsDefault, MaxNodeCount: p.MaxNodeCount,
			NodeInstanceType: p.NodeInstanceType, CloudProvider: model.AstroCloudProvider(p.CloudProvider),
		})
	}
	fillAstroClusterDetails(out, c)
	return out
}

func convertAstroSubject(s *astro.BasicSubjectProfile) *model.AstroSubject {
	if s == nil {
		return nil
	}
	return &model.AstroSubject{
		ID: s.ID, SubjectType: strPtr(s.SubjectType), Username: s.Username,
		FullName: s.FullName, AvatarURL: s.AvatarURL, APITokenName: s.APITokenName,
	}
}

func astroStatus(s astro.DeploymentStatus) model.DeploymentStatus {
	st := model.DeploymentStatus(s)
	if !st.IsValid() {
		return model.DeploymentStatusUnknown
	}
	return st
}

// enumPtr converts an optional upstream enum to the GraphQL enum of the same
// values; a value the schema does not know becomes nil rather than an
// invalid enum on the wire.
func enumPtr[E interface {
	~string
	IsValid() bool
}, S ~string](s *S) *E {
	if s == nil {
		return nil
	}
	e := E(*s)
	if !e.IsValid() {
		return nil
	}
	return &e
}

func strPtr[S ~string](s *S) *string {
	if s == nil {
		return nil
	}
	v := string(*s)
	return &v
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// nonEmpty returns the first non-empty value, or nil.
func nonEmpty(vs ...string) *string {
	for _, v := range vs {
		if v != "" {
			return &v
		}
	}
	return nil
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
