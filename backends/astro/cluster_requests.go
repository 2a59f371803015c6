package astro

import "encoding/json"

// CreateClusterRequest is the body of ClustersService.Create: one of
// [CreateAWSClusterRequest], [CreateAzureClusterRequest] and
// [CreateGCPClusterRequest], which marshal the spec's cloudProvider
// discriminator themselves. Each variant has only the fields its provider
// takes, so a request cannot carry a field of another provider.
type CreateClusterRequest interface {
	json.Marshaler
	// CloudProvider returns the variant's discriminator value.
	CloudProvider() CloudProvider
	createCluster() // seals the set of variants
}

// CreateAWSClusterRequest is the spec's CreateAwsClusterRequest.
type CreateAWSClusterRequest struct {
	// DBInstanceType and ProviderAccount are required for HYBRID clusters.
	DBInstanceType                *string                 `json:"dbInstanceType,omitempty"`
	DRRegion                      *string                 `json:"drRegion,omitempty"`
	DRSecondaryVPCCIDR            *string                 `json:"drSecondaryVpcCidr,omitempty"`
	DRVPCSubnetRange              *string                 `json:"drVpcSubnetRange,omitempty"`
	EnableReplicationTimeControl  *bool                   `json:"enableReplicationTimeControl,omitempty"`
	IsPrivateNetworkEgressEnabled *bool                   `json:"isPrivateNetworkEgressEnabled,omitempty"`
	K8sTags                       []ClusterK8sTag         `json:"k8sTags,omitempty"`
	Name                          string                  `json:"name"`
	NodePools                     []CreateNodePoolRequest `json:"nodePools,omitempty"`
	ProviderAccount               *string                 `json:"providerAccount,omitempty"`
	Region                        string                  `json:"region"`
	SecondaryVPCCIDR              *string                 `json:"secondaryVpcCidr,omitempty"`
	Type                          ClusterType             `json:"type"`
	VPCSubnetRange                string                  `json:"vpcSubnetRange"`
	WorkspaceIDs                  []string                `json:"workspaceIds,omitempty"`
}

// CreateAzureClusterRequest is the spec's CreateAzureClusterRequest.
type CreateAzureClusterRequest struct {
	DBInstanceType               *string                 `json:"dbInstanceType,omitempty"`
	DRRegion                     *string                 `json:"drRegion,omitempty"`
	DRVPCSubnetRange             *string                 `json:"drVpcSubnetRange,omitempty"`
	EnableReplicationTimeControl *bool                   `json:"enableReplicationTimeControl,omitempty"`
	K8sTags                      []ClusterK8sTag         `json:"k8sTags,omitempty"`
	Name                         string                  `json:"name"`
	NodePools                    []CreateNodePoolRequest `json:"nodePools,omitempty"`
	ProviderAccount              *string                 `json:"providerAccount,omitempty"`
	Region                       string                  `json:"region"`
	TenantID                     *string                 `json:"tenantId,omitempty"`
	Type                         ClusterType             `json:"type"`
	VPCSubnetRange               string                  `json:"vpcSubnetRange"`
	WorkspaceIDs                 []string                `json:"workspaceIds,omitempty"`
}

// CreateGCPClusterRequest is the spec's CreateGcpClusterRequest. The spec's
// descriptions of ServicePeeringRange and ServiceSubnetRange are swapped;
// the field names are right.
type CreateGCPClusterRequest struct {
	DBInstanceType               *string                 `json:"dbInstanceType,omitempty"`
	DRPodSubnetRange             *string                 `json:"drPodSubnetRange,omitempty"`
	DRRegion                     *string                 `json:"drRegion,omitempty"`
	DRServicePeeringRange        *string                 `json:"drServicePeeringRange,omitempty"`
	DRServiceSubnetRange         *string                 `json:"drServiceSubnetRange,omitempty"`
	DRVPCSubnetRange             *string                 `json:"drVpcSubnetRange,omitempty"`
	EnableReplicationTimeControl *bool                   `json:"enableReplicationTimeControl,omitempty"`
	K8sTags                      []ClusterK8sTag         `json:"k8sTags,omitempty"`
	Name                         string                  `json:"name"`
	NodePools                    []CreateNodePoolRequest `json:"nodePools,omitempty"`
	PodSubnetRange               string                  `json:"podSubnetRange"`
	ProviderAccount              *string                 `json:"providerAccount,omitempty"`
	Region                       string                  `json:"region"`
	ServicePeeringRange          string                  `json:"servicePeeringRange"`
	ServiceSubnetRange           string                  `json:"serviceSubnetRange"`
	Type                         ClusterType             `json:"type"`
	VPCSubnetRange               string                  `json:"vpcSubnetRange"`
	WorkspaceIDs                 []string                `json:"workspaceIds,omitempty"`
}

// CreateNodePoolRequest is the spec's CreateNodePoolRequest.
type CreateNodePoolRequest struct {
	IsDefault        *bool  `json:"isDefault,omitempty"`
	MaxNodeCount     int    `json:"maxNodeCount"`
	Name             string `json:"name"`
	NodeInstanceType string `json:"nodeInstanceType"`
}

// CloudProvider returns AWS.
func (CreateAWSClusterRequest) CloudProvider() CloudProvider { return CloudProviderAWS }

// CloudProvider returns AZURE.
func (CreateAzureClusterRequest) CloudProvider() CloudProvider { return CloudProviderAzure }

// CloudProvider returns GCP.
func (CreateGCPClusterRequest) CloudProvider() CloudProvider { return CloudProviderGCP }

func (CreateAWSClusterRequest) createCluster()   {}
func (CreateAzureClusterRequest) createCluster() {}
func (CreateGCPClusterRequest) createCluster()   {}

// MarshalJSON adds "cloudProvider": "AWS".
func (r CreateAWSClusterRequest) MarshalJSON() ([]byte, error) {
	type plain CreateAWSClusterRequest
	return json.Marshal(struct {
		CloudProvider CloudProvider `json:"cloudProvider"`
		plain
	}{CloudProviderAWS, plain(r)})
}

// MarshalJSON adds "cloudProvider": "AZURE".
func (r CreateAzureClusterRequest) MarshalJSON() ([]byte, error) {
	type plain CreateAzureClusterRequest
	return json.Marshal(struct {
		CloudProvider CloudProvider `json:"cloudProvider"`
		plain
	}{CloudProviderAzure, plain(r)})
}

// MarshalJSON adds "cloudProvider": "GCP".
func (r CreateGCPClusterRequest) MarshalJSON() ([]byte, error) {
	type plain CreateGCPClusterRequest
	return json.Marshal(struct {
		CloudProvider CloudProvider `json:"cloudProvider"`
		plain
	}{CloudProviderGCP, plain(r)})
}

// UpdateClusterRequest is the body of ClustersService.Update: one of
// [UpdateDedicatedClusterRequest] and [UpdateHybridClusterRequest], which
// marshal the spec's clusterType discriminator themselves. It must match
// the cluster's type.
type UpdateClusterRequest interface {
	json.Marshaler
	// ClusterType returns the variant's discriminator value.
	ClusterType() ClusterType
	updateCluster() // seals the set of variants
}

// UpdateDedicatedClusterRequest is the spec's UpdateDedicatedClusterRequest.
// K8sTags is required and may be empty. WorkspaceIDs left nil keeps the
// authorized Workspaces; an empty, non-nil slice removes them all.
type UpdateDedicatedClusterRequest struct {
	DBInstanceType        *string `json:"dbInstanceType,omitempty"`
	DRPodSubnetRange      *string `json:"drPodSubnetRange,omitempty"`
	DRRegion              *string `json:"drRegion,omitempty"`
	DRServicePeeringRange *string `json:"drServicePeeringRange,omitempty"`
	DRServiceSubnetRange  *string `json:"drServiceSubnetRange,omitempty"`
	DRVPCSubnetRange      *string `json:"drVpcSubnetRange,omitempty"`
	// EnableDR false turns Disaster Recovery off; turning it on is not
	// possible through this API.
	EnableDR                      *bool                   `json:"enableDr,omitempty"`
	EnableReplicationTimeControl  *bool                   `json:"enableReplicationTimeControl,omitempty"`
	IsFailedOver                  *bool                   `json:"isFailedOver,omitempty"`
	IsPrivateNetworkEgressEnabled *bool                   `json:"isPrivateNetworkEgressEnabled,omitempty"`
	K8sTags                       []ClusterK8sTag         `json:"k8sTags"`
	Name                          string                  `json:"name"`
	NodePools                     []UpdateNodePoolRequest `json:"nodePools,omitempty"`
	WorkspaceIDs                  []string                `json:"workspaceIds,omitzero"`
}

// UpdateHybridClusterRequest is the spec's UpdateHybridClusterRequest: a
// HYBRID cluster can only change its authorized Workspaces. WorkspaceIDs
// left nil keeps them; an empty, non-nil slice removes them all.
type UpdateHybridClusterRequest struct {
	WorkspaceIDs []string `json:"workspaceIds,omitzero"`
}

// UpdateNodePoolRequest is the spec's UpdateNodePoolRequest; without ID it
// adds a node pool.
type UpdateNodePoolRequest struct {
	ID               *string `json:"id,omitempty"`
	IsDefault        *bool   `json:"isDefault,omitempty"`
	MaxNodeCount     int     `json:"maxNodeCount"`
	Name             string  `json:"name"`
	NodeInstanceType string  `json:"nodeInstanceType"`
}

// ClusterType returns DEDICATED.
func (UpdateDedicatedClusterRequest) ClusterType() ClusterType { return ClusterTypeDedicated }

// ClusterType returns HYBRID.
func (UpdateHybridClusterRequest) ClusterType() ClusterType { return ClusterTypeHybrid }

func (UpdateDedicatedClusterRequest) updateCluster() {}
func (UpdateHybridClusterRequest) updateCluster()    {}

// MarshalJSON adds "clusterType": "DEDICATED" and sends a nil K8sTags as
// the empty list the spec requires.
func (r UpdateDedicatedClusterRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateDedicatedClusterRequest
	if r.K8sTags == nil {
		r.K8sTags = []ClusterK8sTag{}
	}
	return json.Marshal(struct {
		ClusterType ClusterType `json:"clusterType"`
		plain
	}{ClusterTypeDedicated, plain(r)})
}

// MarshalJSON adds "clusterType": "HYBRID".
func (r UpdateHybridClusterRequest) MarshalJSON() ([]byte, error) {
	type plain UpdateHybridClusterRequest
	return json.Marshal(struct {
		ClusterType ClusterType `json:"clusterType"`
		plain
	}{ClusterTypeHybrid, plain(r)})
}
