package graph

import (
	"context"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Cluster writes: the create variants keyed by cloud provider, the update
// variants keyed by cluster type.

func clusterTags(ts []*model.AstroClusterTagInput) []astro.ClusterK8sTag {
	if ts == nil {
		return nil
	}
	out := make([]astro.ClusterK8sTag, len(ts))
	for i, t := range ts {
		out[i] = astro.ClusterK8sTag{Key: t.Key, Value: t.Value}
	}
	return out
}

func createNodePools(c *check, path string, ps []*model.AstroNodePoolCreateInput) []astro.CreateNodePoolRequest {
	var out []astro.CreateNodePoolRequest
	for i, p := range ps {
		c.required(path+"["+itoa(i)+"].name", p.Name)
		c.required(path+"["+itoa(i)+"].nodeInstanceType", p.NodeInstanceType)
		out = append(out, astro.CreateNodePoolRequest{Name: p.Name, NodeInstanceType: p.NodeInstanceType, MaxNodeCount: p.MaxNodeCount, IsDefault: p.IsDefault})
	}
	return out
}

// clusterBasics checks what every create variant has; a HYBRID cluster
// also needs its database instance type and provider account.
func clusterBasics(c *check, p, name, region, vpc string, typ model.AstroClusterType, db, account *string) {
	c.required(p+".name", name)
	c.required(p+".region", region)
	c.required(p+".vpcSubnetRange", vpc)
	if typ == model.AstroClusterTypeHybrid {
		c.needs(p+".dbInstanceType", hasStr(db), "for a HYBRID cluster")
		c.needs(p+".providerAccount", hasStr(account), "for a HYBRID cluster")
	}
}

func createClusterRequest(c *check, s *model.AstroClusterCreateSpec) astro.CreateClusterRequest {
	const path = "input.cluster"
	c.exactlyOne(path, "aws, azure or gcp", has(s.AWS), has(s.Azure), has(s.GCP))
	switch {
	case s.AWS != nil:
		a, p := s.AWS, path+".aws"
		clusterBasics(c, p, a.Name, a.Region, a.VpcSubnetRange, a.Type, a.DbInstanceType, a.ProviderAccount)
		return astro.CreateAWSClusterRequest{
			Name: a.Name, Type: astro.ClusterType(a.Type), Region: a.Region, VPCSubnetRange: a.VpcSubnetRange,
			DBInstanceType: a.DbInstanceType, ProviderAccount: a.ProviderAccount, SecondaryVPCCIDR: a.SecondaryVpcCidr,
			IsPrivateNetworkEgressEnabled: a.IsPrivateNetworkEgressEnabled, DRRegion: a.DrRegion, DRVPCSubnetRange: a.DrVpcSubnetRange,
			DRSecondaryVPCCIDR: a.DrSecondaryVpcCidr, EnableReplicationTimeControl: a.EnableReplicationTimeControl,
			K8sTags: clusterTags(a.K8sTags), NodePools: createNodePools(c, p+".nodePools", a.NodePools), WorkspaceIDs: a.WorkspaceIds,
		}
	case s.Azure != nil:
		a, p := s.Azure, path+".azure"
		clusterBasics(c, p, a.Name, a.Region, a.VpcSubnetRange, a.Type, a.DbInstanceType, a.ProviderAccount)
		return astro.CreateAzureClusterRequest{
			Name: a.Name, Type: astro.ClusterType(a.Type), Region: a.Region, VPCSubnetRange: a.VpcSubnetRange,
			DBInstanceType: a.DbInstanceType, ProviderAccount: a.ProviderAccount, TenantID: a.TenantID,
			DRRegion: a.DrRegion, DRVPCSubnetRange: a.DrVpcSubnetRange, EnableReplicationTimeControl: a.EnableReplicationTimeControl,
			K8sTags: clusterTags(a.K8sTags), NodePools: createNodePools(c, p+".nodePools", a.NodePools), WorkspaceIDs: a.WorkspaceIds,
		}
	case s.GCP != nil:
		g, p := s.GCP, path+".gcp"
		clusterBasics(c, p, g.Name, g.Region, g.VpcSubnetRange, g.Type, g.DbInstanceType, g.ProviderAccount)
		c.required(p+".podSubnetRange", g.PodSubnetRange)
		c.required(p+".servicePeeringRange", g.ServicePeeringRange)
		c.required(p+".serviceSubnetRange", g.ServiceSubnetRange)
		return astro.CreateGCPClusterRequest{
			Name: g.Name, Type: astro.ClusterType(g.Type), Region: g.Region, VPCSubnetRange: g.VpcSubnetRange,
			PodSubnetRange: g.PodSubnetRange, ServicePeeringRange: g.ServicePeeringRange, ServiceSubnetRange: g.ServiceSubnetRange,
			DBInstanceType: g.DbInstanceType, ProviderAccount: g.ProviderAccount, DRRegion: g.DrRegion, DRVPCSubnetRange: g.DrVpcSubnetRange,
			DRPodSubnetRange: g.DrPodSubnetRange, DRServicePeeringRange: g.DrServicePeeringRange, DRServiceSubnetRange: g.DrServiceSubnetRange,
			EnableReplicationTimeControl: g.EnableReplicationTimeControl,
			K8sTags:                      clusterTags(g.K8sTags), NodePools: createNodePools(c, p+".nodePools", g.NodePools), WorkspaceIDs: g.WorkspaceIds,
		}
	}
	return nil
}

func updateClusterRequest(c *check, s *model.AstroClusterUpdateSpec) astro.UpdateClusterRequest {
	const path = "input.cluster"
	c.exactlyOne(path, "dedicated or hybrid", has(s.Dedicated), has(s.Hybrid))
	switch {
	case s.Dedicated != nil:
		d, p := s.Dedicated, path+".dedicated"
		c.required(p+".name", d.Name)
		c.forbidden(p+".enableDr", d.EnableDr != nil && *d.EnableDr, "as true: enabling Disaster Recovery on an existing cluster needs Astro's admin API")
		req := astro.UpdateDedicatedClusterRequest{
			Name: d.Name, K8sTags: clusterTags(d.K8sTags), DBInstanceType: d.DbInstanceType, WorkspaceIDs: d.WorkspaceIds,
			IsPrivateNetworkEgressEnabled: d.IsPrivateNetworkEgressEnabled, EnableDR: d.EnableDr, IsFailedOver: d.IsFailedOver,
			EnableReplicationTimeControl: d.EnableReplicationTimeControl, DRRegion: d.DrRegion, DRVPCSubnetRange: d.DrVpcSubnetRange,
			DRPodSubnetRange: d.DrPodSubnetRange, DRServicePeeringRange: d.DrServicePeeringRange, DRServiceSubnetRange: d.DrServiceSubnetRange,
		}
		for i, np := range d.NodePools {
			c.required(p+".nodePools["+itoa(i)+"].name", np.Name)
			c.required(p+".nodePools["+itoa(i)+"].nodeInstanceType", np.NodeInstanceType)
			req.NodePools = append(req.NodePools, astro.UpdateNodePoolRequest{
				ID: np.ID, Name: np.Name, NodeInstanceType: np.NodeInstanceType, MaxNodeCount: np.MaxNodeCount, IsDefault: np.IsDefault,
			})
		}
		return req
	case s.Hybrid != nil:
		return astro.UpdateHybridClusterRequest{WorkspaceIDs: s.Hybrid.WorkspaceIds}
	}
	return nil
}

func createAstroCluster(ctx context.Context, in model.CreateAstroClusterInput) (*model.CreateAstroClusterPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	req := createClusterRequest(&c, in.Cluster)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	k, err := once(ctx, "astro", "createAstroCluster", in.ClientMutationID, in, func(ctx context.Context, uncertain bool) (*astro.Cluster, error) {
		return astroCreate(ctx, "cluster", uncertain, func(ctx context.Context) (*astro.Cluster, error) {
			v, _, err := cl.Clusters.Create(ctx, in.OrganizationID, req)
			return v, err
		})
	})
	if err != nil {
		return nil, err
	}
	loader.Refresh(ctx, l.AstroCluster, loader.AstroKey{OrganizationID: in.OrganizationID, ID: k.ID}, k)
	return &model.CreateAstroClusterPayload{ClientMutationID: in.ClientMutationID, Cluster: convertAstroCluster(k)}, nil
}

func updateAstroCluster(ctx context.Context, in model.UpdateAstroClusterInput) (*model.UpdateAstroClusterPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.clusterId", in.ClusterID)
	req := updateClusterRequest(&c, in.Cluster)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	k, _, err := cl.Clusters.Update(ctx, in.OrganizationID, in.ClusterID, req)
	if err != nil {
		return nil, astroFail(err)
	}
	loader.Refresh(ctx, l.AstroCluster, loader.AstroKey{OrganizationID: in.OrganizationID, ID: k.ID}, k)
	return &model.UpdateAstroClusterPayload{Cluster: convertAstroCluster(k)}, nil
}

func deleteAstroCluster(ctx context.Context, in model.DeleteAstroClusterInput) (*model.DeleteAstroClusterPayload, error) {
	var c check
	c.id("input.organizationId", in.OrganizationID)
	c.id("input.clusterId", in.ClusterID)
	cl, l, err := astroWriter(ctx, &c)
	if err != nil {
		return nil, err
	}
	if _, err := cl.Clusters.Delete(ctx, in.OrganizationID, in.ClusterID); err != nil {
		return nil, astroFail(err)
	}
	loader.Forget(ctx, l.AstroCluster, loader.AstroKey{OrganizationID: in.OrganizationID, ID: in.ClusterID})
	return &model.DeleteAstroClusterPayload{ID: encodeID(typeAstroCluster, in.OrganizationID, in.ClusterID), ClusterID: in.ClusterID}, nil
}
