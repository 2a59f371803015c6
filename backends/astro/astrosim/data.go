package astrosim

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// store holds the simulator's objects by id. Sim.mu guards it. Objects are
// never changed in place: a write stores a fresh copy (slices included), so
// readers may encode a pointer they took under the lock after releasing it.
// Lists are filtered from these maps and always sorted, so map order never
// shows.
type store struct {
	orgs        map[string]*organization
	workspaces  map[string]*workspace
	deployments map[string]*deployment
	clusters    map[string]*cluster

	users       map[string]*user               // every user, by id
	members     map[string]map[string]*roleSet // organization id → user id → roles
	teams       map[string]*team
	apiTokens   map[string]*apiToken // organization API tokens
	agentTokens map[string]*apiToken // deployment agent tokens
	invites     map[string]*invite
	roles       map[string]*customRole
	deploys     map[string]*deploy
	envObjects  map[string]*envObject
	ipRanges    map[string]*ipRange
	audit       map[string][]auditEvent // organization id → recorded writes, oldest first
}

func newStore() *store {
	return &store{
		orgs:        map[string]*organization{},
		workspaces:  map[string]*workspace{},
		deployments: map[string]*deployment{},
		clusters:    map[string]*cluster{},
		users:       map[string]*user{},
		members:     map[string]map[string]*roleSet{},
		teams:       map[string]*team{},
		apiTokens:   map[string]*apiToken{},
		agentTokens: map[string]*apiToken{},
		invites:     map[string]*invite{},
		roles:       map[string]*customRole{},
		deploys:     map[string]*deploy{},
		envObjects:  map[string]*envObject{},
		ipRanges:    map[string]*ipRange{},
		audit:       map[string][]auditEvent{},
	}
}

// dataset is what a generator builds: the store, the tokens, and what the
// second generation pass (extendDataset) needs to know.
type dataset struct {
	store  *store
	tokens []Token
	built  []built
	user   subject // the personal token's user
}

// subject is the spec's BasicSubjectProfile, the createdBy/updatedBy actor.
type subject struct {
	APITokenName string `json:"apiTokenName,omitempty"`
	AvatarURL    string `json:"avatarUrl,omitempty"`
	FullName     string `json:"fullName,omitempty"`
	ID           string `json:"id"`
	SubjectType  string `json:"subjectType,omitempty"`
	Username     string `json:"username,omitempty"`
}

// stamp formats a time the way the API does: RFC 3339, UTC, whole seconds.
// Every stored timestamp uses it, so timestamps also sort as strings.
func stamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// generators maps dataset names to their builders.
func generators() map[string]func(*generator) dataset {
	return map[string]func(*generator) dataset{Small: genSmall, Bench: genBench}
}

// genSmall builds two organizations: a Hosted one (DEDICATED and STANDARD
// deployments on three clusters, one per cloud) and a Hybrid one (HYBRID
// deployments on two clusters); 33 deployments in 7 workspaces. One personal
// token belongs to both organizations.
func genSmall(g *generator) dataset {
	acme := orgPlan{
		name: "Acme Corp", product: "HOSTED", plan: "BUSINESS_CRITICAL", payment: "INVOICE",
		domain: "acme.example", scim: true,
		users: []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"},
		workspaces: []wsPlan{
			{"Data Engineering", "Ingestion and transformation pipelines for the data warehouse.", 6},
			{"Analytics", "Reporting and BI refreshes for the business teams.", 5},
			{"Machine Learning", "Feature pipelines, training and batch scoring.", 5},
			{"Platform", "Shared maintenance DAGs and platform experiments.", 4},
		},
		clusters: []clusterPlan{
			{"aws-prod-use1", "AWS", "us-east-1", "DEDICATED", "us-west-2"},
			{"gcp-analytics-usc1", "GCP", "us-central1", "DEDICATED", ""},
			{"azure-eu-weu", "AZURE", "westeurope", "DEDICATED", ""},
		},
	}
	globex := orgPlan{
		name: "Globex", product: "HYBRID", plan: "STANDARD", payment: "CREDIT_CARD",
		domain: "globex.example",
		users:  []string{"Hank Scorpio", "Frank Grimes"},
		workspaces: []wsPlan{
			{"Production", "Customer-facing pipelines with an on-call rotation.", 5},
			{"Staging", "Pre-production copies of the production DAGs.", 4},
			{"Research", "Exploratory pipelines of the research group.", 4},
		},
		clusters: []clusterPlan{
			{"hybrid-aws-usw2", "AWS", "us-west-2", "HYBRID", ""},
			{"hybrid-gcp-euw4", "GCP", "europe-west4", "HYBRID", ""},
		},
	}
	s := newStore()
	// Ada is the personal-token user and a member of both organizations.
	ada := g.user("Ada Lovelace", "acme.example")
	a := g.org(s, acme, ada)
	b := g.org(s, globex, ada)
	return dataset{store: s, tokens: g.tokens(ada, a, b), built: []built{a, b}, user: ada}
}

// genBench builds one Hosted organization with 2,000 deployments spread
// evenly over 25 workspaces, on four dedicated clusters or standard
// infrastructure.
func genBench(g *generator) dataset {
	teams := []string{
		"Payments", "Search", "Recommendations", "Fraud", "Identity", "Billing", "Logistics",
		"Inventory", "Pricing", "Marketing", "Sales Ops", "Finance", "People Analytics",
		"Customer Support", "Growth", "Mobile", "Web", "Data Platform", "ML Platform",
		"Security", "Compliance", "Partnerships", "Supply Chain", "Forecasting", "Experimentation",
	}
	plan := orgPlan{
		name: "Initech", product: "HOSTED", plan: "PREMIUM", payment: "AWS_MARKETPLACE",
		domain: "initech.example", scim: true,
		users: []string{"Peter Gibbons", "Michael Bolton", "Samir Nagheenanajar", "Milton Waddams"},
		clusters: []clusterPlan{
			{"aws-use1", "AWS", "us-east-1", "DEDICATED", "us-east-2"},
			{"aws-euw1", "AWS", "eu-west-1", "DEDICATED", ""},
			{"gcp-usc1", "GCP", "us-central1", "DEDICATED", ""},
			{"azure-eus2", "AZURE", "eastus2", "DEDICATED", ""},
		},
	}
	for _, t := range teams {
		plan.workspaces = append(plan.workspaces, wsPlan{t, "Deployments owned by the " + t + " team.", 80})
	}
	s := newStore()
	peter := g.user("Peter Gibbons", "initech.example")
	o := g.org(s, plan, peter)
	return dataset{store: s, tokens: g.tokens(peter, o), built: []built{o}, user: peter}
}

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

// runtimes pairs Astro Runtime versions with their Airflow versions.
func runtimes() [][2]string {
	return [][2]string{
		{"9.1.0", "2.7.2"}, {"11.3.0", "2.9.3"}, {"12.1.1", "2.10.4"},
		{"12.6.0", "2.10.5"}, {"13.0.0", "2.11.0"}, {"3.0-4", "3.0.3"},
	}
}

// deployment builds one deployment of workspace w. Hosted organizations get
// DEDICATED deployments on a cluster that serves the workspace, or STANDARD
// ones on shared infrastructure; Hybrid organizations get HYBRID ones.
func (g *generator) deployment(o *organization, w *workspace, product string, served []*cluster, actors []subject) *deployment {
	wsCreated, _ := time.Parse(time.RFC3339, w.CreatedAt)
	created := g.between(wsCreated, g.epoch.AddDate(0, 0, -1))
	updated := g.between(created, g.epoch)
	id := g.id(created)
	short := "d" + id[len(id)-7:]
	host := o.ID + ".astronomer.run"
	env := g.pick([]string{"prod", "prod", "staging", "dev"})
	purpose := g.pick([]string{
		"etl", "ingest", "reporting", "dbt", "training", "scoring", "sync", "backfill",
		"quality", "export", "streaming", "features", "snapshots", "alerts", "cleanup", "audit",
	})
	name := g.uniqueName(slug(w.Name) + "-" + purpose + "-" + env)
	rt := runtimes()[g.rng.IntN(len(runtimes()))]
	creator := g.pickSubject(actors)

	d := &deployment{
		ID: id, Name: name, OrganizationID: o.ID, WorkspaceID: w.ID, WorkspaceName: w.Name,
		Description:         fmt.Sprintf("The %s pipelines of %s (%s).", purpose, w.Name, env),
		AstroRuntimeVersion: rt[0], RuntimeVersion: rt[0], AirflowVersion: rt[1],
		CreatedAt: stamp(created), CreatedBy: creator,
		UpdatedAt: stamp(updated), UpdatedBy: g.pickSubject(actors),
		Namespace:                g.namespace(),
		APIURL:                   "https://" + host + "/" + short + airflowAPI(rt[1]),
		UIURL:                    "https://" + host + "/" + short + "?orgId=org_" + o.ID[len(o.ID)-12:],
		WebServerURL:             host + "/" + short + "?orgId=org_" + o.ID[len(o.ID)-12:],
		WebServerAirflowAPIURL:   host + "/" + short + airflowAPI(rt[1]),
		WebServerIngressHostname: host + "/" + short,
		WebServerCPU:             "0.5", WebServerMemory: "1Gi", WebServerReplicas: 1,
		IsCicdEnforced:     w.CicdEnforcedDefault || g.chance(0.2),
		IsDagDeployEnabled: g.chance(0.8),
		ImageRepository:    "images.astronomer.cloud/" + o.ID,
	}
	d.ImageRepository += "/" + d.Namespace
	deployed := g.between(created, updated.Add(time.Second))
	d.ImageTag = "deploy-" + deployed.Format("2006-01-02T15-04")
	d.ImageVersion = d.ImageTag
	if d.IsDagDeployEnabled {
		d.DagTarballVersion = deployed.Format("2006-01-02T15:04:05.0000000Z")
		d.DesiredDagTarballVersion = d.DagTarballVersion
	}
	if g.chance(0.5) && creator.Username != "" {
		d.ContactEmails = []string{creator.Username}
	}
	d.EnvironmentVariables = []environmentVariable{
		{Key: "ENVIRONMENT", Value: env, UpdatedAt: stamp(created)},
		{Key: "WAREHOUSE_PASSWORD", IsSecret: true, UpdatedAt: stamp(updated)},
	}

	var cl *cluster
	switch {
	case product == "HYBRID":
		d.Type = "HYBRID"
		cl = served[g.rng.IntN(len(served))]
	case len(served) > 0 && g.chance(0.6):
		d.Type = "DEDICATED"
		cl = served[g.rng.IntN(len(served))]
	default:
		d.Type = "STANDARD"
		cr := g.pick([]string{"AWS/us-east-1", "AWS/us-west-2", "GCP/us-central1", "AZURE/eastus2"})
		d.CloudProvider, d.Region, _ = strings.Cut(cr, "/")
	}
	if cl != nil {
		d.ClusterID, d.ClusterName, d.Region = cl.ID, cl.Name, cl.Region
		d.ExternalIPs = cl.Metadata.ExternalIPs
	}
	if d.Type == "HYBRID" {
		g.hybridShape(d, cl)
	} else {
		g.hostedShape(d, env)
	}
	g.status(d)
	return d
}

// airflowAPI is the path of the Airflow REST API: v2 from Airflow 3 on.
func airflowAPI(airflowVersion string) string {
	if strings.HasPrefix(airflowVersion, "2.") {
		return "/api/v1"
	}
	return "/api/v2"
}

// hostedShape sets executor, scheduler, quotas and queues of a DEDICATED or
// STANDARD deployment. Development mode (and so hibernation) is for dev
// deployments and some staging ones.
func (g *generator) hostedShape(d *deployment, env string) {
	d.Executor = g.pick([]string{"CELERY", "CELERY", "ASTRO", "KUBERNETES"})
	d.IsDevelopmentMode = env == "dev" || (env == "staging" && g.chance(0.3))
	d.IsHighAvailability = !d.IsDevelopmentMode && g.chance(0.3)
	sizes := []struct{ size, cpu, mem string }{
		{"SMALL", "1", "2Gi"}, {"MEDIUM", "2", "4Gi"}, {"LARGE", "4", "8Gi"}, {"EXTRA_LARGE", "8", "16Gi"},
	}
	sz := sizes[g.rng.IntN(len(sizes))]
	d.SchedulerSize, d.SchedulerCPU, d.SchedulerMemory = sz.size, sz.cpu, sz.mem
	d.SchedulerReplicas = 1
	if d.IsHighAvailability {
		d.SchedulerReplicas, d.WebServerReplicas = 2, 2
	}
	quota := g.pick([]string{"10", "40", "160"})
	q, _ := strconv.Atoi(quota)
	d.ResourceQuotaCPU, d.ResourceQuotaMemory = quota, strconv.Itoa(2*q)+"Gi"
	d.DefaultTaskPodCPU, d.DefaultTaskPodMemory = "0.5", "1Gi"
	if d.Executor == "KUBERNETES" {
		return
	}
	machines := []struct {
		name, cpu, mem string
		conc           int
	}{{"A5", "1", "2Gi", 5}, {"A10", "2", "4Gi", 10}, {"A20", "4", "8Gi", 20}}
	for i, qn := range []string{"default", "high-cpu"}[:1+g.rng.IntN(2)] {
		m := machines[g.rng.IntN(len(machines))]
		d.WorkerQueues = append(d.WorkerQueues, workerQueue{
			ID: g.id(g.epoch.AddDate(0, -1, 0)), Name: qn, IsDefault: i == 0, AstroMachine: m.name,
			MinWorkerCount: g.rng.IntN(2), MaxWorkerCount: 10 * (1 + g.rng.IntN(3)),
			WorkerConcurrency: m.conc, PodCPU: m.cpu, PodMemory: m.mem, PodEphemeralStorage: "10Gi",
		})
	}
}

// hybridShape sets executor, scheduler and queues of a HYBRID deployment;
// its workers run on the cluster's node pools.
func (g *generator) hybridShape(d *deployment, cl *cluster) {
	d.Executor = g.pick([]string{"CELERY", "CELERY", "KUBERNETES"})
	d.IsHighAvailability = g.chance(0.3)
	au := 5 + g.rng.IntN(20)
	d.SchedulerAU = au
	d.SchedulerCPU = strconv.FormatFloat(float64(au)/10, 'f', -1, 64)
	d.SchedulerMemory = strconv.FormatFloat(float64(au)*0.375, 'f', -1, 64) + "Gi"
	d.SchedulerReplicas = 1 + g.rng.IntN(2)
	if d.IsHighAvailability {
		d.SchedulerReplicas, d.WebServerReplicas = 2, 2
	}
	if d.Executor == "KUBERNETES" {
		d.TaskPodNodePoolID = cl.NodePools[0].ID
		return
	}
	for i, qn := range []string{"default", "high-memory"}[:1+g.rng.IntN(2)] {
		np := cl.NodePools[min(i, len(cl.NodePools)-1)]
		d.WorkerQueues = append(d.WorkerQueues, workerQueue{
			ID: g.id(g.epoch.AddDate(0, -1, 0)), Name: qn, IsDefault: i == 0, NodePoolID: np.ID,
			MinWorkerCount: g.rng.IntN(2), MaxWorkerCount: 10, WorkerConcurrency: 16,
			PodCPU: "1", PodMemory: "2Gi",
		})
	}
}

// status draws a status. Only development deployments hibernate, and they
// carry a hibernation schedule.
func (g *generator) status(d *deployment) {
	r := g.rng.Float64()
	switch {
	case d.IsDevelopmentMode && r < 0.5:
		d.Status = "HIBERNATING"
		d.StatusReason = "Hibernating on schedule"
	case r < 0.65:
		d.Status = "HEALTHY"
		d.StatusReason = "Successfully Deployed"
	case r < 0.77:
		d.Status = "UNHEALTHY"
		d.StatusReason = g.pick([]string{"Scheduler heartbeat is late", "Workers are crash-looping", "Webserver is not responding"})
	case r < 0.89:
		d.Status = "DEPLOYING"
		d.StatusReason = "Deploying image " + d.ImageTag
	case r < 0.95:
		d.Status = "CREATING"
	default:
		d.Status = "UNKNOWN"
	}
	if !d.IsDevelopmentMode {
		return
	}
	d.ScalingSpec = &scalingSpec{HibernationSpec: &hibernationSpec{Schedules: []hibernationSchedule{{
		Description: "Sleep outside office hours", HibernateAtCron: "0 20 * * 1-5", WakeAtCron: "0 7 * * 1-5", IsEnabled: true,
	}}}}
	hs := &hibernationStatus{IsHibernating: d.Status == "HIBERNATING", NextEventType: "HIBERNATE"}
	if hs.IsHibernating {
		hs.NextEventType, hs.Reason = "WAKE", "Hibernating on schedule"
	}
	hs.NextEventAt = stamp(g.epoch.Add(time.Duration(1+g.rng.IntN(12)) * time.Hour))
	d.ScalingStatus = &scalingStatus{HibernationStatus: hs}
}

// namespace returns a Kubernetes namespace name in Astro's style,
// e.g. "stellar-nebula-4821".
func (g *generator) namespace() string {
	adj := g.pick([]string{"stellar", "cosmic", "lunar", "solar", "orbital", "radiant", "silent", "frozen", "galactic", "polar"})
	noun := g.pick([]string{"nebula", "quasar", "pulsar", "comet", "meteor", "aurora", "zenith", "eclipse", "nova", "orbit"})
	return fmt.Sprintf("%s-%s-%04d", adj, noun, g.rng.IntN(10000))
}

// uniqueName makes deployment names unique across the dataset, so that a
// names filter or a token label always means one deployment.
func (g *generator) uniqueName(base string) string {
	name := base
	for i := 2; g.names[name]; i++ {
		name = base + "-" + strconv.Itoa(i)
	}
	g.names[name] = true
	return name
}

func slug(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) }

// tokens builds the dataset's tokens: one organization token per
// organization, the personal token of user (a member of every organization
// given), and per organization one workspace token (its first workspace)
// and one deployment token (the first deployment of its second workspace,
// or of its first if it has only one).
//
// A token's secret depends only on the seed and the token's label, so that
// changes to the data generator do not change the tokens of a demo.
func (g *generator) tokens(user subject, orgs ...built) []Token {
	var out []Token
	add := func(prefix, label, kind string, scope ...string) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(label))
		r := &generator{rng: rand.New(rand.NewPCG(uint64(g.seed), h.Sum64()))}
		out = append(out, Token{Token: "astrosim_" + prefix + "_" + r.alnum(32, base62), Label: label, Kind: kind, Scope: scope})
	}
	for _, b := range orgs {
		add("org", "org:"+b.org.Name, KindOrganization, b.org.ID)
	}
	var orgIDs []string
	for _, b := range orgs {
		orgIDs = append(orgIDs, b.org.ID)
	}
	add("pat", "personal:"+user.Username, KindPersonal, orgIDs...)
	for _, b := range orgs {
		w := b.workspaces[0]
		add("ws", "workspace:"+w.Name, KindWorkspace, b.org.ID, w.ID)
	}
	for _, b := range orgs {
		d := b.deployments[min(1, len(b.workspaces)-1)][0]
		add("dep", "deployment:"+d.Name, KindDeployment, b.org.ID, d.WorkspaceID, d.ID)
	}
	return out
}
