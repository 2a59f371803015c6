package astrosim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// orgPlan, wsPlan and clusterPlan describe a dataset; the generator fills
// in everything else from the seed.
type orgPlan struct {
	name, product, plan, payment, domain string
	scim                                 bool
	users                                []string
	workspaces                           []wsPlan
	clusters                             []clusterPlan
}

type wsPlan struct {
	name, description string
	deployments       int
}

type clusterPlan struct {
	name, provider, region, typ, drRegion string
}

// built is what g.org made, for the token builder.
type built struct {
	org         *organization
	plan        orgPlan
	users       []subject // the owner first
	workspaces  []*workspace
	clusters    []*cluster
	deployments [][]*deployment // per workspace, in creation order
}

// generator draws every generated value from one seeded PCG stream, in a
// fixed order, so a dataset and seed always give the same data.
type generator struct {
	seed  int64
	rng   *rand.Rand
	seq   int       // cuid counter
	fp    string    // cuid fingerprint
	epoch time.Time // the dataset's "now"; all generated times are before it
	names map[string]bool
}

func newGenerator(seed int64) *generator {
	return newStreamGenerator(seed, 0x617374726f73696d)
}

// newStreamGenerator is a generator on its own PCG stream, so that values
// drawn from it never shift the dataset's main stream.
func newStreamGenerator(seed int64, stream uint64) *generator {
	g := &generator{
		seed:  seed,
		rng:   rand.New(rand.NewPCG(uint64(seed), stream)),
		epoch: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		names: map[string]bool{},
	}
	g.fp = g.alnum(4, base36)
	return g
}

const (
	base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
	base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

func (g *generator) alnum(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// id returns a 25-character cuid-shaped id: "c", 8 base-36 digits of the
// creation time in milliseconds, a 4-digit counter, a 4-character
// fingerprint and 8 random characters.
func (g *generator) id(at time.Time) string {
	g.seq++
	ts := strconv.FormatInt(at.UnixMilli(), 36)
	ctr := strconv.FormatInt(int64(g.seq%(36*36*36*36)), 36)
	return "c" + pad(ts, 8) + pad(ctr, 4) + g.fp + g.alnum(8, base36)
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}

// between returns a time in [from, to), in whole seconds.
func (g *generator) between(from, to time.Time) time.Time {
	span := to.Sub(from)
	if span <= time.Second {
		return from.Truncate(time.Second)
	}
	return from.Add(time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Second)
}

func (g *generator) user(fullName, domain string) subject {
	first := strings.ToLower(strings.Fields(fullName)[0])
	id := g.id(g.epoch.AddDate(-3, 0, 0))
	return subject{
		ID:          id,
		SubjectType: "USER",
		Username:    first + "@" + domain,
		FullName:    fullName,
		AvatarURL:   "https://avatars.example/" + id + ".png",
	}
}

func (g *generator) serviceKey(name string) subject {
	return subject{ID: g.id(g.epoch.AddDate(-2, 0, 0)), SubjectType: "SERVICEKEY", APITokenName: name}
}

// org builds an organization with its clusters, workspaces and deployments.
// owner is the user who created it.
func (g *generator) org(s *store, p orgPlan, owner subject) built {
	created := g.between(g.epoch.AddDate(0, -26, 0), g.epoch.AddDate(0, -20, 0))
	users := []subject{owner}
	for _, n := range p.users {
		if n != owner.FullName {
			users = append(users, g.user(n, p.domain))
		}
	}
	actors := append(append([]subject(nil), users...), g.serviceKey("ci-deployer"))

	o := &organization{
		ID:                             g.id(created),
		Name:                           p.name,
		BillingEmail:                   "billing@" + p.domain,
		CreatedAt:                      stamp(created),
		CreatedBy:                      owner,
		IsScimEnabled:                  p.scim,
		PaymentMethod:                  p.payment,
		Product:                        p.product,
		Status:                         "ACTIVE",
		ShouldEnforceDedicatedClusters: p.product == "HYBRID",
	}
	updated := g.between(created, g.epoch)
	o.UpdatedAt, o.UpdatedBy = stamp(updated), g.pickSubject(users)
	o.ProductPlans = []productPlan{{
		AstronomerProduct: "ASTRO", OrganizationID: o.ID, ProductPlanID: g.id(created), ProductPlanName: p.plan,
	}}
	o.ManagedDomains = []managedDomain{{
		ID: g.id(created), Name: p.domain, OrganizationID: o.ID, Status: "VERIFIED",
		CreatedAt: stamp(created), UpdatedAt: stamp(created), EnforcedLogins: []string{"sso"},
	}}
	s.orgs[o.ID] = o
	b := built{org: o, plan: p, users: users}

	// Workspaces first (clusters list the ones they serve), then clusters,
	// then deployments.
	for _, wp := range p.workspaces {
		wc := g.between(created, g.epoch.AddDate(0, -12, 0))
		by := g.pickSubject(users)
		w := &workspace{
			ID: g.id(wc), Name: wp.name, Description: wp.description,
			OrganizationID: o.ID, OrganizationName: o.Name,
			CicdEnforcedDefault: g.chance(0.3),
			CreatedAt:           stamp(wc), CreatedBy: &by,
		}
		ub := g.pickSubject(users)
		w.UpdatedAt, w.UpdatedBy = stamp(g.between(wc, g.epoch)), &ub
		b.workspaces = append(b.workspaces, w)
	}
	var clusters []*cluster
	for i, cp := range p.clusters {
		clusters = append(clusters, g.cluster(o, created, cp, b.workspaces, i == 0))
	}
	for i, w := range b.workspaces {
		switch {
		case i == 0 && len(clusters) > 0:
			w.DefaultClusterID = clusters[0].ID
		case i == 1 && p.product == "HOSTED":
			w.DefaultCloudProvider, w.DefaultRegion = "AWS", "us-east-1"
		}
		s.workspaces[w.ID] = w
	}
	for _, cl := range clusters {
		s.clusters[cl.ID] = cl
	}
	b.clusters = clusters

	b.deployments = make([][]*deployment, len(b.workspaces))
	for i, w := range b.workspaces {
		wp := p.workspaces[i]
		var served []*cluster
		for _, cl := range clusters {
			for _, id := range cl.WorkspaceIDs {
				if id == w.ID {
					served = append(served, cl)
				}
			}
		}
		for range wp.deployments {
			d := g.deployment(o, w, p.product, served, actors)
			s.deployments[d.ID] = d
			b.deployments[i] = append(b.deployments[i], d)
		}
	}
	return b
}

func (g *generator) pickSubject(xs []subject) subject { return xs[g.rng.IntN(len(xs))] }

// providerFacts are the per-cloud details of clusters and workers.
type providerFacts struct {
	db        string
	nodeTypes []string // default pool first
	machines  []string
}

func facts(provider string) providerFacts {
	switch provider {
	case "GCP":
		return providerFacts{"db-custom-4-15360", []string{"e2-standard-4", "n2-highmem-8", "n2-standard-16"}, []string{"A5", "A10", "A20"}}
	case "AZURE":
		return providerFacts{"Standard_D4ds_v5", []string{"Standard_D4d_v5", "Standard_E8d_v5", "Standard_D16d_v5"}, []string{"A5", "A10", "A20"}}
	default:
		return providerFacts{"db.m6g.large", []string{"m6i.xlarge", "r6i.2xlarge", "m6i.4xlarge"}, []string{"A5", "A10", "A20"}}
	}
}

// cluster builds a cluster. The first cluster of an organization serves
// every workspace; the others a random, non-empty subset.
func (g *generator) cluster(o *organization, orgCreated time.Time, cp clusterPlan, ws []*workspace, first bool) *cluster {
	created := g.between(orgCreated, orgCreated.AddDate(0, 2, 0))
	updated := g.between(created, g.epoch)
	cl := &cluster{
		ID: g.id(created), Name: cp.name, OrganizationID: o.ID,
		CloudProvider: cp.provider, Region: cp.region, Type: cp.typ,
		Status: "CREATED", CreatedAt: stamp(created), UpdatedAt: stamp(updated),
		DBInstanceType: facts(cp.provider).db,
		DrRegion:       cp.drRegion,
		IsDrEnabled:    cp.drRegion != "",
		VpcSubnetRange: "172.20.0.0/19",
		HealthStatus:   &healthStatus{Value: "HEALTHY"},
		Metadata: &clusterMeta{
			ExternalIPs: []string{g.ip(), g.ip()},
			KubeDNSIP:   "10.100.0.10",
		},
	}
	if g.chance(0.2) {
		cl.Status = "UPDATING"
		cl.HealthStatus = &healthStatus{Value: "UNHEALTHY", Details: []healthDetail{{
			Code: "NODE_POOL_SCALING", Component: "worker-node-pools",
			Description: "A node pool is scaling; some workers are pending.", Severity: "WARNING",
		}}}
	}
	switch cp.provider {
	case "AWS":
		cl.SecondaryVpcCidr = "100.64.0.0/16"
		cl.IsPrivateNetworkEgressEnabled = new(bool)
		cl.Metadata.OidcIssuerURL = "https://oidc.eks." + cp.region + ".amazonaws.com/id/" + strings.ToUpper(g.alnum(32, base36[:16]))
		if cp.typ == "HYBRID" {
			cl.Tags = []clusterTag{{Key: "team", Value: "data-platform"}, {Key: "cost-center", Value: "cc-" + g.alnum(4, base36[:10])}}
		}
	case "GCP":
		cl.VpcSubnetRange = "172.20.0.0/22"
		cl.PodSubnetRange = "172.21.0.0/19"
		cl.ServiceSubnetRange = "172.22.0.0/22"
		cl.ServicePeeringRange = "172.23.0.0/20"
		cl.ProviderAccount = "astro-" + strings.ToLower(strings.ReplaceAll(o.Name, " ", "-")) + "-" + g.alnum(4, base36)
	case "AZURE":
		cl.TenantID = g.uuid()
		cl.Metadata.OidcIssuerURL = "https://" + cp.region + ".oic.prod-aks.azure.com/" + g.uuid() + "/" + g.uuid() + "/"
	}
	if cl.IsDrEnabled {
		cl.DrVpcSubnetRange = "172.24.0.0/19"
		if cp.provider == "AWS" {
			cl.DrSecondaryVpcCidr = "100.65.0.0/16"
		}
		f := false
		cl.EnableReplicationTimeControl, cl.FailoverInProgress, cl.IsFailedOver = &f, &f, &f
	}
	for _, w := range ws {
		if first || g.chance(0.5) {
			cl.WorkspaceIDs = append(cl.WorkspaceIDs, w.ID)
		}
	}
	if len(cl.WorkspaceIDs) == 0 {
		cl.WorkspaceIDs = []string{ws[g.rng.IntN(len(ws))].ID}
	}

	pf := facts(cp.provider)
	pools := []struct {
		name     string
		max      int
		machines []string
	}{
		{"default", 20, pf.machines},
		{"high-memory", 10, []string{"A40", "A60"}},
		{"large", 8, []string{"A80", "A120"}},
	}
	for i, np := range pools[:2+g.rng.IntN(2)] {
		pc := g.between(created, updated.Add(time.Second))
		pool := nodePool{
			ID: g.id(pc), Name: np.name, ClusterID: cl.ID, CloudProvider: cp.provider,
			IsDefault: i == 0, MaxNodeCount: np.max, NodeInstanceType: pf.nodeTypes[i],
			CreatedAt: stamp(pc), UpdatedAt: stamp(g.between(pc, g.epoch)),
		}
		if cp.typ == "DEDICATED" {
			pool.SupportedAstroMachines = np.machines
		}
		cl.NodePools = append(cl.NodePools, pool)
	}
	return cl
}

func (g *generator) ip() string {
	return fmt.Sprintf("%d.%d.%d.%d", 3+g.rng.IntN(50), g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
}

func (g *generator) uuid() string {
	h := g.alnum(32, base36[:16])
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}
