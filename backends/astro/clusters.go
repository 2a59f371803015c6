package astro

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"time"
)

// ClustersService calls the operations of the spec's Cluster tag.
type ClustersService service

// Cluster is the spec's Cluster: a DEDICATED or HYBRID Kubernetes cluster.
// The DR fields describe the Disaster Recovery region, when enabled.
type Cluster struct {
	CloudProvider  CloudProvider `json:"cloudProvider"`
	CreatedAt      time.Time     `json:"createdAt"`
	DBInstanceType string        `json:"dbInstanceType"`
	// DRPodSubnetRange is for GCP clusters only.
	DRPodSubnetRange *string `json:"drPodSubnetRange,omitempty"`
	// DRRegion is required by the spec but empty when DR is off.
	DRRegion string `json:"drRegion"`
	// DRSecondaryVPCCIDR is for AWS clusters only.
	DRSecondaryVPCCIDR *string `json:"drSecondaryVpcCidr,omitempty"`
	// DRServicePeeringRange and DRServiceSubnetRange are for GCP clusters
	// only.
	DRServicePeeringRange        *string              `json:"drServicePeeringRange,omitempty"`
	DRServiceSubnetRange         *string              `json:"drServiceSubnetRange,omitempty"`
	DRVPCSubnetRange             *string              `json:"drVpcSubnetRange,omitempty"`
	EnableReplicationTimeControl *bool                `json:"enableReplicationTimeControl,omitempty"`
	FailoverInProgress           *bool                `json:"failoverInProgress,omitempty"`
	HealthStatus                 *ClusterHealthStatus `json:"healthStatus,omitempty"`
	ID                           string               `json:"id"`
	IsDREnabled                  bool                 `json:"isDrEnabled"`
	IsFailedOver                 *bool                `json:"isFailedOver,omitempty"`
	IsLimited                    *bool                `json:"isLimited,omitempty"`
	// IsPrivateNetworkEgressEnabled is for AWS clusters only.
	IsPrivateNetworkEgressEnabled *bool            `json:"isPrivateNetworkEgressEnabled,omitempty"`
	Metadata                      *ClusterMetadata `json:"metadata,omitempty"`
	Name                          string           `json:"name"`
	NodePools                     []NodePool       `json:"nodePools,omitempty"`
	OrganizationID                string           `json:"organizationId"`
	// PodSubnetRange, ProviderAccount, ServicePeeringRange and
	// ServiceSubnetRange are for GCP clusters only.
	PodSubnetRange  *string `json:"podSubnetRange,omitempty"`
	ProviderAccount *string `json:"providerAccount,omitempty"`
	Region          string  `json:"region"`
	// SecondaryVPCCIDR is for AWS clusters only.
	SecondaryVPCCIDR    *string       `json:"secondaryVpcCidr,omitempty"`
	ServicePeeringRange *string       `json:"servicePeeringRange,omitempty"`
	ServiceSubnetRange  *string       `json:"serviceSubnetRange,omitempty"`
	Status              ClusterStatus `json:"status"`
	// Tags are Kubernetes tags, set on AWS HYBRID clusters only.
	Tags []ClusterK8sTag `json:"tags,omitempty"`
	// TenantID is for Azure clusters only.
	TenantID       *string     `json:"tenantId,omitempty"`
	Type           ClusterType `json:"type"`
	UpdatedAt      time.Time   `json:"updatedAt"`
	VPCSubnetRange string      `json:"vpcSubnetRange"`
	// WorkspaceIDs lists the Workspaces authorized to use the cluster.
	WorkspaceIDs []string `json:"workspaceIds,omitempty"`
}

// NodePool is a node pool of a Cluster.
type NodePool struct {
	CloudProvider    CloudProvider `json:"cloudProvider"`
	ClusterID        string        `json:"clusterId"`
	CreatedAt        time.Time     `json:"createdAt"`
	ID               string        `json:"id"`
	IsDefault        bool          `json:"isDefault"`
	MaxNodeCount     int           `json:"maxNodeCount"`
	Name             string        `json:"name"`
	NodeInstanceType string        `json:"nodeInstanceType"`
	// SupportedAstroMachines is returned for Astro Hosted dedicated clusters
	// only.
	SupportedAstroMachines []string  `json:"supportedAstroMachines,omitempty"`
	UpdatedAt              time.Time `json:"updatedAt"`
}

// ClusterMetadata is network information about a Cluster.
type ClusterMetadata struct {
	ExternalIPs   []string `json:"externalIPs,omitempty"`
	KubeDNSIP     *string  `json:"kubeDnsIp,omitempty"`
	OIDCIssuerURL *string  `json:"oidcIssuerUrl,omitempty"`
}

// ClusterK8sTag is a Kubernetes tag of a Cluster.
type ClusterK8sTag struct {
	Key   *string `json:"key,omitempty"`
	Value *string `json:"value,omitempty"`
}

// ClusterHealthStatus is the assessed health of a Cluster.
type ClusterHealthStatus struct {
	Details []ClusterHealthStatusDetail `json:"details,omitempty"`
	Value   ClusterHealth               `json:"value"`
}

// ClusterHealthStatusDetail is the health of one component of a Cluster.
type ClusterHealthStatusDetail struct {
	Code        string  `json:"code"`
	Component   *string `json:"component,omitempty"`
	Description string  `json:"description"`
	Severity    string  `json:"severity"`
}

// CloudProvider is a cloud provider, as used by Clusters, node pools,
// Deployments and Workspace defaults.
type CloudProvider string

// The spec's cloud provider values.
const (
	CloudProviderAWS   CloudProvider = "AWS"
	CloudProviderAzure CloudProvider = "AZURE"
	CloudProviderGCP   CloudProvider = "GCP"
)

// ClusterType is the kind of a Cluster.
type ClusterType string

// The spec's Cluster type values.
const (
	ClusterTypeDedicated ClusterType = "DEDICATED"
	ClusterTypeHybrid    ClusterType = "HYBRID"
)

// ClusterStatus is the state of a Cluster.
type ClusterStatus string

// The spec's Cluster status values.
const (
	ClusterStatusCreating       ClusterStatus = "CREATING"
	ClusterStatusCreated        ClusterStatus = "CREATED"
	ClusterStatusCreateFailed   ClusterStatus = "CREATE_FAILED"
	ClusterStatusUpdateFailed   ClusterStatus = "UPDATE_FAILED"
	ClusterStatusUpdating       ClusterStatus = "UPDATING"
	ClusterStatusAccessDenied   ClusterStatus = "ACCESS_DENIED"
	ClusterStatusUpgradePending ClusterStatus = "UPGRADE_PENDING"
	ClusterStatusFailingOver    ClusterStatus = "FAILING_OVER"
	ClusterStatusFailoverFailed ClusterStatus = "FAILOVER_FAILED"
)

// ClusterHealth is the overall health value of a ClusterHealthStatus.
type ClusterHealth string

// The spec's Cluster health values.
const (
	ClusterHealthHealthy   ClusterHealth = "HEALTHY"
	ClusterHealthUnhealthy ClusterHealth = "UNHEALTHY"
	ClusterHealthUnknown   ClusterHealth = "UNKNOWN"
)

// ListClustersOptions are the query parameters of ListClusters. There is no
// filter by cluster ID: list and filter, or Get each one.
type ListClustersOptions struct {
	// Names keeps only clusters with these names.
	Names []string
	// Provider keeps only clusters of this provider: AWS, AZURE or GCP.
	// Empty means all.
	Provider string

	ListOptions
}

func (o *ListClustersOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addAll(q, "names", o.Names)
	addString(q, "provider", o.Provider)
	o.ListOptions.addTo(q)
	return q
}

// List lists the clusters in an Organization.
//
// Astro API: GET /organizations/{organizationId}/clusters (ListClusters)
func (s *ClustersService) List(ctx context.Context, organizationID string, opts *ListClustersOptions) ([]*Cluster, *Response, error) {
	var page struct {
		Clusters []*Cluster `json:"clusters"`
		pageInfo
	}
	resp, err := s.client.call(ctx, "ListClusters", opts.values(), nil, &page, organizationID)
	if err != nil {
		return nil, resp, err
	}
	resp.setPage(page.pageInfo)
	return page.Clusters, resp, nil
}

// ListIter walks every page of List, starting at opts.Offset; it stops at
// the first error, which it yields. opts is copied and never modified.
//
// Astro API: GET /organizations/{organizationId}/clusters (ListClusters)
func (s *ClustersService) ListIter(ctx context.Context, organizationID string, opts *ListClustersOptions) iter.Seq2[*Cluster, error] {
	var o ListClustersOptions
	if opts != nil {
		o = *opts
		o.Names = slices.Clone(opts.Names)
		o.Sorts = slices.Clone(opts.Sorts)
	}
	return iterate(o.ListOptions, func(lo ListOptions) ([]*Cluster, *Response, error) {
		o := o
		o.ListOptions = lo
		return s.List(ctx, organizationID, &o)
	})
}

// Get fetches one cluster by ID.
//
// Astro API: GET /organizations/{organizationId}/clusters/{clusterId} (GetCluster)
func (s *ClustersService) Get(ctx context.Context, organizationID, clusterID string) (*Cluster, *Response, error) {
	cl := new(Cluster)
	resp, err := s.client.call(ctx, "GetCluster", nil, nil, cl, organizationID, clusterID)
	if err != nil {
		return nil, resp, err
	}
	return cl, resp, nil
}

// Create creates a cluster; it starts CREATING. body is one of the
// provider variants of [CreateClusterRequest].
//
// Astro API: POST /organizations/{organizationId}/clusters (CreateCluster)
func (s *ClustersService) Create(ctx context.Context, organizationID string, body CreateClusterRequest) (*Cluster, *Response, error) {
	return postAs[Cluster](ctx, s.client, body, "CreateCluster", organizationID)
}

// Update changes a cluster. body is the variant of [UpdateClusterRequest]
// for the cluster's type.
//
// Astro API: POST /organizations/{organizationId}/clusters/{clusterId} (UpdateCluster)
func (s *ClustersService) Update(ctx context.Context, organizationID, clusterID string, body UpdateClusterRequest) (*Cluster, *Response, error) {
	return postAs[Cluster](ctx, s.client, body, "UpdateCluster", organizationID, clusterID)
}

// Delete deletes a cluster. Deleting it again gives a 404.
//
// Astro API: DELETE /organizations/{organizationId}/clusters/{clusterId} (DeleteCluster)
func (s *ClustersService) Delete(ctx context.Context, organizationID, clusterID string) (*Response, error) {
	return s.client.del(ctx, "DeleteCluster", organizationID, clusterID)
}
