package astrosim

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// provisionTime is how long a cluster created or updated through the API
// stays CREATING or UPDATING, on the Sim's clock.
const provisionTime = 30 * time.Second

// clusterBody is the union of the create variants (keyed by cloudProvider)
// and the update variants (keyed by clusterType).
type clusterBody struct {
	CloudProvider                 *string         `json:"cloudProvider"`
	ClusterType                   *string         `json:"clusterType"`
	Type                          *string         `json:"type"`
	Name                          *string         `json:"name"`
	Region                        *string         `json:"region"`
	VpcSubnetRange                *string         `json:"vpcSubnetRange"`
	PodSubnetRange                *string         `json:"podSubnetRange"`
	ServicePeeringRange           *string         `json:"servicePeeringRange"`
	ServiceSubnetRange            *string         `json:"serviceSubnetRange"`
	DBInstanceType                *string         `json:"dbInstanceType"`
	ProviderAccount               *string         `json:"providerAccount"`
	TenantID                      *string         `json:"tenantId"`
	SecondaryVpcCidr              *string         `json:"secondaryVpcCidr"`
	IsPrivateNetworkEgressEnabled *bool           `json:"isPrivateNetworkEgressEnabled"`
	DrRegion                      *string         `json:"drRegion"`
	DrSecondaryVpcCidr            *string         `json:"drSecondaryVpcCidr"`
	DrVpcSubnetRange              *string         `json:"drVpcSubnetRange"`
	DrPodSubnetRange              *string         `json:"drPodSubnetRange"`
	DrServicePeeringRange         *string         `json:"drServicePeeringRange"`
	DrServiceSubnetRange          *string         `json:"drServiceSubnetRange"`
	EnableReplicationTimeControl  *bool           `json:"enableReplicationTimeControl"`
	EnableDr                      *bool           `json:"enableDr"`
	IsFailedOver                  *bool           `json:"isFailedOver"`
	K8sTags                       *[]clusterTag   `json:"k8sTags"`
	NodePools                     *[]nodePoolBody `json:"nodePools"`
	WorkspaceIDs                  *[]string       `json:"workspaceIds"`
}

type nodePoolBody struct {
	ID               *string `json:"id"`
	Name             *string `json:"name"`
	MaxNodeCount     *int    `json:"maxNodeCount"`
	NodeInstanceType *string `json:"nodeInstanceType"`
	IsDefault        *bool   `json:"isDefault"`
}

// checkCIDR records a field that is not a CIDR.
func checkCIDR(k *checker, field string, v *string) {
	if v != nil {
		if _, ok := canonicalCIDR(*v); !ok {
			k.fail(field, "cidr", "must be a CIDR such as 172.20.0.0/19, not '%s'", *v)
		}
	}
}

// checkPools validates node pools against the provider's instance types.
func checkPools(k *checker, provider string, pools []nodePoolBody) {
	types := map[string]bool{}
	for _, it := range providerOptions(provider).NodeInstances {
		types[it.Name] = true
	}
	for i, np := range pools {
		f := fieldAt("nodePools", i)
		k.requiredText(f+".name", np.Name, 63)
		if k.required(f+".maxNodeCount", np.MaxNodeCount != nil) {
			k.intRange(f+".maxNodeCount", np.MaxNodeCount, 1, 500)
		}
		if k.required(f+".nodeInstanceType", np.NodeInstanceType != nil) && !types[*np.NodeInstanceType] {
			k.fail(f+".nodeInstanceType", "oneof", "'%s' is not a node instance type of %s", *np.NodeInstanceType, provider)
		}
	}
}

// checkWorkspaceRefs checks that ids name workspaces of the organization.
// Callers hold s.mu.
func (s *Sim) checkWorkspaceRefs(orgID, field string, ids []string, k *checker) {
	for i, id := range ids {
		if w, ok := s.data.workspaces[id]; !ok || w.OrganizationID != orgID {
			k.fail(fieldAt(field, i), "exists", "names no Workspace of the Organization: '%s'", id)
		}
	}
}

// createCluster serves CreateCluster. An organization can only create the
// kind of cluster its product has (DEDICATED on Astro Hosted, HYBRID on
// Astro Hybrid): otherwise 412, the spec's Precondition Failed.
func (s *Sim) createCluster(c *call) {
	var b clusterBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("cloudProvider", b.CloudProvider != nil) {
		k.oneOf("cloudProvider", b.CloudProvider, cloudProviders()...)
	}
	if k.required("type", b.Type != nil) {
		k.oneOf("type", b.Type, "DEDICATED", "HYBRID")
	}
	k.requiredText("name", b.Name, 100)
	k.required("region", b.Region != nil)
	if k.required("vpcSubnetRange", b.VpcSubnetRange != nil) {
		checkCIDR(&k, "vpcSubnetRange", b.VpcSubnetRange)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	prov, typ := *b.CloudProvider, *b.Type
	if !knownRegion(prov, *b.Region) {
		k.fail("region", "oneof", "'%s' is not a region of %s", *b.Region, prov)
	}
	if prov == "GCP" {
		for _, f := range []struct {
			name string
			v    *string
		}{{"podSubnetRange", b.PodSubnetRange}, {"servicePeeringRange", b.ServicePeeringRange}, {"serviceSubnetRange", b.ServiceSubnetRange}} {
			if k.required(f.name, f.v != nil) {
				checkCIDR(&k, f.name, f.v)
			}
		}
	}
	if typ == "HYBRID" {
		k.required("dbInstanceType", b.DBInstanceType != nil)
		k.required("providerAccount", b.ProviderAccount != nil)
	}
	if b.DrRegion != nil && *b.DrRegion != "" && !knownRegion(prov, *b.DrRegion) {
		k.fail("drRegion", "oneof", "'%s' is not a region of %s", *b.DrRegion, prov)
	}
	checkPools(&k, prov, deref(b.NodePools))

	s.mu.Lock()
	defer s.mu.Unlock()
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), "organization.clusters.create")
	if err != nil {
		c.fail(err)
		return
	}
	s.checkWorkspaceRefs(org.ID, "workspaceIds", deref(b.WorkspaceIDs), &k)
	for _, cl := range s.data.clusters {
		if cl.OrganizationID == org.ID && cl.Name == deref(b.Name) {
			k.fail("name", "unique", "must be unique in the Organization; a cluster named '%s' exists", cl.Name)
		}
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	if want := map[string]string{"HOSTED": "DEDICATED", "HYBRID": "HYBRID"}[org.Product]; want != "" && want != typ {
		c.fail(errorf(http.StatusPreconditionFailed, "Precondition failed: an Astro %s Organization can only create %s clusters", org.Product, want))
		return
	}
	cl := s.newCluster(c, org, prov, typ, &b)
	s.data.clusters[cl.ID] = cl
	s.record(c, org.ID, "cluster.create", "CLUSTER", cl.ID)
	c.json(http.StatusOK, cl.view(c.now))
}

// newCluster builds a cluster from a validated create body. Callers hold
// s.mu for writing.
func (s *Sim) newCluster(c *call, org *organization, prov, typ string, b *clusterBody) *cluster {
	opts := providerOptions(prov)
	cl := &cluster{
		ID: s.ids.id(c.now), Name: *b.Name, OrganizationID: org.ID, CloudProvider: prov, Type: typ,
		Region: *b.Region, VpcSubnetRange: *b.VpcSubnetRange, Status: "CREATING",
		DBInstanceType: opts.DefaultDatabaseInstance.Name, HealthStatus: &healthStatus{Value: "UNKNOWN"},
		CreatedAt: stamp(c.now), UpdatedAt: stamp(c.now), readyAt: c.now.Add(provisionTime),
		Metadata:     &clusterMeta{ExternalIPs: []string{s.ids.ip(), s.ids.ip()}, KubeDNSIP: "10.100.0.10"},
		WorkspaceIDs: slices.Clone(deref(b.WorkspaceIDs)),
		Tags:         slices.Clone(deref(b.K8sTags)),
	}
	if b.DBInstanceType != nil {
		cl.DBInstanceType = *b.DBInstanceType
	}
	cl.PodSubnetRange, cl.ServicePeeringRange, cl.ServiceSubnetRange = deref(b.PodSubnetRange), deref(b.ServicePeeringRange), deref(b.ServiceSubnetRange)
	cl.ProviderAccount, cl.TenantID, cl.SecondaryVpcCidr = deref(b.ProviderAccount), deref(b.TenantID), deref(b.SecondaryVpcCidr)
	if prov == "AWS" {
		cl.IsPrivateNetworkEgressEnabled = ptr(deref(b.IsPrivateNetworkEgressEnabled))
	}
	if dr := deref(b.DrRegion); dr != "" {
		cl.IsDrEnabled, cl.DrRegion = true, dr
		cl.DrVpcSubnetRange = cmp.Or(deref(b.DrVpcSubnetRange), cl.VpcSubnetRange)
		if prov == "AWS" {
			cl.DrSecondaryVpcCidr = cmp.Or(deref(b.DrSecondaryVpcCidr), cl.SecondaryVpcCidr)
		}
		cl.DrPodSubnetRange, cl.DrServicePeeringRange, cl.DrServiceSubnetRange = deref(b.DrPodSubnetRange), deref(b.DrServicePeeringRange), deref(b.DrServiceSubnetRange)
		cl.EnableReplicationTimeControl = ptr(deref(b.EnableReplicationTimeControl))
		cl.FailoverInProgress, cl.IsFailedOver = ptr(false), ptr(false)
	}
	pools := deref(b.NodePools)
	if len(pools) == 0 {
		pools = []nodePoolBody{{Name: ptr("default"), MaxNodeCount: ptr(opts.NodeCountDefault), NodeInstanceType: ptr(opts.DefaultNodeInstance.Name), IsDefault: ptr(true)}}
	}
	hasDefault := slices.ContainsFunc(pools, func(p nodePoolBody) bool { return deref(p.IsDefault) })
	for i, p := range pools {
		np := nodePool{
			ID: s.ids.id(c.now), Name: *p.Name, ClusterID: cl.ID, CloudProvider: prov, IsDefault: deref(p.IsDefault) || (!hasDefault && i == 0),
			MaxNodeCount: *p.MaxNodeCount, NodeInstanceType: *p.NodeInstanceType, CreatedAt: stamp(c.now), UpdatedAt: stamp(c.now),
		}
		if typ == "DEDICATED" {
			np.SupportedAstroMachines = []string{"A5", "A10", "A20"}
		}
		cl.NodePools = append(cl.NodePools, np)
	}
	return cl
}

// clusterFor finds a cluster of the organization for an organization-level
// permission. Callers hold s.mu.
func (s *Sim) clusterFor(c *call, permission string) (*cluster, *apiError) {
	org, err := s.orgAdmin(c.p, c.r.PathValue("organizationId"), permission)
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue("clusterId")
	cl, ok := s.data.clusters[id]
	if !ok || cl.OrganizationID != org.ID {
		return nil, notFound("Cluster", id)
	}
	return cl.view(c.now), nil
}

// updateCluster serves UpdateCluster. clusterType must match the cluster;
// without it (the DEDICATED variant makes it optional) the cluster's own
// type applies. A HYBRID cluster can only change its workspaces.
func (s *Sim) updateCluster(c *call) {
	var b clusterBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.oneOf("clusterType", b.ClusterType, "DEDICATED", "HYBRID")
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.clusterFor(c, "organization.clusters.update")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	if b.ClusterType != nil && *b.ClusterType != cl.Type {
		c.fail(invalidField("clusterType", "eqfield", "is '%s' but cluster '%s' is %s", *b.ClusterType, cl.ID, cl.Type))
		return
	}
	s.checkWorkspaceRefs(cl.OrganizationID, "workspaceIds", deref(b.WorkspaceIDs), &k)
	ncl := *cl
	if b.WorkspaceIDs != nil {
		ncl.WorkspaceIDs = slices.Clone(*b.WorkspaceIDs)
	}
	if cl.Type == "DEDICATED" {
		s.updateDedicated(&ncl, &b, &k, c.now)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	ncl.UpdatedAt = stamp(c.now)
	ncl.Status, ncl.readyAt = "UPDATING", c.now.Add(provisionTime)
	s.data.clusters[cl.ID] = &ncl
	s.record(c, cl.OrganizationID, "cluster.update", "CLUSTER", cl.ID)
	c.json(http.StatusOK, ncl.view(c.now))
}

// updateDedicated applies the fields of UpdateDedicatedClusterRequest.
func (s *Sim) updateDedicated(cl *cluster, b *clusterBody, k *checker, now time.Time) {
	k.requiredText("name", b.Name, 100)
	k.required("k8sTags", b.K8sTags != nil)
	checkPools(k, cl.CloudProvider, deref(b.NodePools))
	if !k.ok() {
		return
	}
	cl.Name, cl.Tags = *b.Name, slices.Clone(*b.K8sTags)
	if b.DBInstanceType != nil {
		cl.DBInstanceType = *b.DBInstanceType
	}
	if b.IsPrivateNetworkEgressEnabled != nil && cl.CloudProvider == "AWS" {
		cl.IsPrivateNetworkEgressEnabled = ptr(*b.IsPrivateNetworkEgressEnabled)
	}
	switch {
	case deref(b.EnableDr) && !cl.IsDrEnabled:
		k.fail("enableDr", "forbidden", "cannot turn Disaster Recovery on for an existing cluster through this API")
	case b.EnableDr != nil && !*b.EnableDr:
		cl.IsDrEnabled, cl.DrRegion, cl.DrVpcSubnetRange, cl.DrSecondaryVpcCidr = false, "", "", ""
		cl.DrPodSubnetRange, cl.DrServicePeeringRange, cl.DrServiceSubnetRange = "", "", ""
		cl.EnableReplicationTimeControl, cl.FailoverInProgress, cl.IsFailedOver = nil, nil, nil
	}
	if b.IsFailedOver != nil {
		if !cl.IsDrEnabled {
			k.fail("isFailedOver", "forbidden", "needs Disaster Recovery to be enabled on the cluster")
		} else {
			cl.IsFailedOver = ptr(*b.IsFailedOver)
		}
	}
	if cl.IsDrEnabled && b.EnableReplicationTimeControl != nil {
		cl.EnableReplicationTimeControl = ptr(*b.EnableReplicationTimeControl)
	}
	pools := slices.Clone(cl.NodePools)
	for i, p := range deref(b.NodePools) {
		if p.ID == nil {
			pools = append(pools, nodePool{
				ID: s.ids.id(now), Name: *p.Name, ClusterID: cl.ID, CloudProvider: cl.CloudProvider, IsDefault: deref(p.IsDefault),
				MaxNodeCount: *p.MaxNodeCount, NodeInstanceType: *p.NodeInstanceType, CreatedAt: stamp(now), UpdatedAt: stamp(now),
				SupportedAstroMachines: []string{"A5", "A10", "A20"},
			})
			continue
		}
		j := slices.IndexFunc(pools, func(np nodePool) bool { return np.ID == *p.ID })
		if j < 0 {
			k.fail(fmt.Sprintf("nodePools[%d].id", i), "exists", "names no node pool of the cluster: '%s'", *p.ID)
			continue
		}
		pools[j].Name, pools[j].MaxNodeCount, pools[j].NodeInstanceType, pools[j].UpdatedAt = *p.Name, *p.MaxNodeCount, *p.NodeInstanceType, stamp(now)
		if p.IsDefault != nil {
			pools[j].IsDefault = *p.IsDefault
		}
	}
	cl.NodePools = pools
}

// deleteCluster serves DeleteCluster. A cluster that still runs
// deployments is a 400.
func (s *Sim) deleteCluster(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.clusterFor(c, "organization.clusters.delete")
	if err != nil {
		c.fail(err)
		return
	}
	for _, d := range s.data.deployments {
		if d.ClusterID == cl.ID {
			c.fail(badRequest("cluster '%s' still runs Deployments; delete them first", cl.ID))
			return
		}
	}
	delete(s.data.clusters, cl.ID)
	for _, w := range s.data.workspaces {
		if w.DefaultClusterID == cl.ID {
			nw := *w
			nw.DefaultClusterID = ""
			s.data.workspaces[w.ID] = &nw
		}
	}
	s.record(c, cl.OrganizationID, "cluster.delete", "CLUSTER", cl.ID)
	c.w.WriteHeader(http.StatusNoContent)
}
