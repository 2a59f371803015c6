package astrosim

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

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
