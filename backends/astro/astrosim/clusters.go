package astrosim

import (
	"net/http"
	"time"
)

// cluster is the spec's Cluster schema.
type cluster struct {
	CloudProvider                 string        `json:"cloudProvider"`
	CreatedAt                     string        `json:"createdAt"`
	DBInstanceType                string        `json:"dbInstanceType"`
	DrPodSubnetRange              string        `json:"drPodSubnetRange,omitempty"`
	DrRegion                      string        `json:"drRegion"`
	DrSecondaryVpcCidr            string        `json:"drSecondaryVpcCidr,omitempty"`
	DrServicePeeringRange         string        `json:"drServicePeeringRange,omitempty"`
	DrServiceSubnetRange          string        `json:"drServiceSubnetRange,omitempty"`
	DrVpcSubnetRange              string        `json:"drVpcSubnetRange,omitempty"`
	EnableReplicationTimeControl  *bool         `json:"enableReplicationTimeControl,omitempty"`
	FailoverInProgress            *bool         `json:"failoverInProgress,omitempty"`
	HealthStatus                  *healthStatus `json:"healthStatus,omitempty"`
	ID                            string        `json:"id"`
	IsDrEnabled                   bool          `json:"isDrEnabled"`
	IsFailedOver                  *bool         `json:"isFailedOver,omitempty"`
	IsLimited                     bool          `json:"isLimited"`
	IsPrivateNetworkEgressEnabled *bool         `json:"isPrivateNetworkEgressEnabled,omitempty"`
	Metadata                      *clusterMeta  `json:"metadata,omitempty"`
	Name                          string        `json:"name"`
	NodePools                     []nodePool    `json:"nodePools,omitempty"`
	OrganizationID                string        `json:"organizationId"`
	PodSubnetRange                string        `json:"podSubnetRange,omitempty"`
	ProviderAccount               string        `json:"providerAccount,omitempty"`
	Region                        string        `json:"region"`
	SecondaryVpcCidr              string        `json:"secondaryVpcCidr,omitempty"`
	ServicePeeringRange           string        `json:"servicePeeringRange,omitempty"`
	ServiceSubnetRange            string        `json:"serviceSubnetRange,omitempty"`
	Status                        string        `json:"status"`
	Tags                          []clusterTag  `json:"tags,omitempty"`
	TenantID                      string        `json:"tenantId,omitempty"`
	Type                          string        `json:"type"`
	UpdatedAt                     string        `json:"updatedAt"`
	VpcSubnetRange                string        `json:"vpcSubnetRange"`
	WorkspaceIDs                  []string      `json:"workspaceIds,omitempty"`

	readyAt time.Time // a cluster created or updated through the API is CREATED from then on
}

// view is how the cluster looks at now: one created or updated through the
// API turns CREATED and HEALTHY once its provisioning time has passed.
func (cl *cluster) view(now time.Time) *cluster {
	if cl.readyAt.IsZero() || now.Before(cl.readyAt) {
		return cl
	}
	v := *cl
	v.Status, v.HealthStatus, v.readyAt = "CREATED", &healthStatus{Value: "HEALTHY"}, time.Time{}
	return &v
}

// nodePool is the spec's NodePool schema.
type nodePool struct {
	CloudProvider          string   `json:"cloudProvider"`
	ClusterID              string   `json:"clusterId"`
	CreatedAt              string   `json:"createdAt"`
	ID                     string   `json:"id"`
	IsDefault              bool     `json:"isDefault"`
	MaxNodeCount           int      `json:"maxNodeCount"`
	Name                   string   `json:"name"`
	NodeInstanceType       string   `json:"nodeInstanceType"`
	SupportedAstroMachines []string `json:"supportedAstroMachines,omitempty"`
	UpdatedAt              string   `json:"updatedAt"`
}

// clusterMeta is the spec's ClusterMetadata schema.
type clusterMeta struct {
	ExternalIPs   []string `json:"externalIPs,omitempty"`
	KubeDNSIP     string   `json:"kubeDnsIp,omitempty"`
	OidcIssuerURL string   `json:"oidcIssuerUrl,omitempty"`
}

// clusterTag is the spec's ClusterK8sTag schema.
type clusterTag struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// healthStatus is the spec's ClusterHealthStatus schema.
type healthStatus struct {
	Details []healthDetail `json:"details,omitempty"`
	Value   string         `json:"value"`
}

// healthDetail is the spec's ClusterHealthStatusDetail schema.
type healthDetail struct {
	Code        string `json:"code"`
	Component   string `json:"component,omitempty"`
	Description string `json:"description"`
	Severity    string `json:"severity"`
}

func (cl *cluster) sortKeys() (string, string, string, string) {
	return cl.ID, cl.Name, cl.CreatedAt, cl.UpdatedAt
}

// clustersPage is the spec's ClustersPaginated schema.
type clustersPage struct {
	Clusters   []*cluster `json:"clusters"`
	Limit      int        `json:"limit"`
	Offset     int        `json:"offset"`
	TotalCount int        `json:"totalCount"`
}

// listClusters serves ListClusters, filtered by names (repeated keys) and
// provider. Clusters are organization-level objects: workspace and
// deployment tokens get a 403.
func (s *Sim) listClusters(c *call) {
	q := c.r.URL.Query()
	provider, err := enumParam(q, "provider", "AWS", "AZURE", "GCP")
	if err != nil {
		c.fail(err)
		return
	}
	lq, err := parseList(q, maxLimit, "name", "createdAt", "updatedAt")
	if err != nil {
		c.fail(err)
		return
	}
	names := idSet(q, "names")

	s.mu.RLock()
	org, err := s.clusterOrg(c.p, c.r.PathValue("organizationId"))
	var list []*cluster
	if err == nil {
		for _, cl := range s.data.clusters {
			if cl.OrganizationID != org.ID || (names != nil && !names[cl.Name]) ||
				(provider != "" && cl.CloudProvider != provider) {
				continue
			}
			list = append(list, cl.view(c.now))
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}

	sortList(list, lq.sorts)
	c.json(http.StatusOK, clustersPage{
		Limit: lq.limit, Offset: lq.offset, TotalCount: len(list), Clusters: page(list, lq),
	})
}

// getCluster serves GetCluster.
func (s *Sim) getCluster(c *call) {
	orgID, id := c.r.PathValue("organizationId"), c.r.PathValue("clusterId")
	s.mu.RLock()
	_, err := s.clusterOrg(c.p, orgID)
	cl, ok := s.data.clusters[id]
	s.mu.RUnlock()
	switch {
	case err != nil:
		c.fail(err)
	case !ok || cl.OrganizationID != orgID:
		c.fail(notFound("Cluster", id))
	default:
		c.json(http.StatusOK, cl.view(c.now))
	}
}

// clusterOrg checks that the token may read the clusters of an
// organization. Callers hold s.mu.
func (s *Sim) clusterOrg(p *principal, orgID string) (*organization, *apiError) {
	o, err := s.visibleOrg(p, orgID)
	if err != nil {
		return nil, err
	}
	if !p.orgWide() {
		return nil, forbidden("the %s API token lacks the permission organization.clusters.get", p.Kind)
	}
	return o, nil
}
