package houstonsim

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// datasetShape is the size of a dataset.
type datasetShape struct {
	workspaces  int
	deployments int
	clusters    int
	members     int // users besides the token holders
}

func shapeOf(name string) (datasetShape, error) {
	switch name {
	case Small:
		return datasetShape{workspaces: 4, deployments: 30, clusters: 2, members: 8}, nil
	case Bench:
		return datasetShape{workspaces: 24, deployments: 2400, clusters: 3, members: 60}, nil
	}
	return datasetShape{}, fmt.Errorf("unknown dataset %q (want %q or %q)", name, Small, Bench)
}

// baseDomain is the installation's base domain; URLs of deployments and the
// registry hang off it.
const baseDomain = "astro.example.com"

// generator builds a dataset from one seeded random source, so the same
// seed always gives the same data.
type generator struct {
	*idSource
	s        *store
	clock    time.Time // advances as objects are created
	releases map[string]bool
}

// DatasetPassword is the local password of every user of the built-in
// datasets, for createToken.
const DatasetPassword = "houston-sim"

// newDataset builds the named dataset from seed. now is the clock the
// store stamps new objects with.
func newDataset(name string, seed int64, now func() time.Time) (*store, error) {
	shape, err := shapeOf(name)
	if err != nil {
		return nil, err
	}
	ids := &idSource{rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
	g := &generator{
		idSource: ids,
		s:        newStore(baseDomain, ids, now),
		clock:    time.Date(2024, time.January, 8, 9, 0, 0, 0, time.UTC),
		releases: map[string]bool{},
	}
	g.fingerprint = g.base36(4)
	g.platform()
	g.clusters(shape.clusters)
	workspaces := g.workspaces(shape.workspaces)
	g.deployments(workspaces, shape.deployments)
	g.s.reindex()
	g.people(workspaces, shape.members)
	g.s.reindex()
	g.teams(workspaces)
	g.moreTokens(workspaces)
	g.s.reindex()
	return g.s, nil
}

// Identifiers.

const base36Digits = "0123456789abcdefghijklmnopqrstuvwxyz"

func (g *idSource) base36(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base36Digits[g.rng.IntN(len(base36Digits))]
	}
	return string(b)
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}

// id makes a Prisma-style cuid: "c", 8 characters of creation time, a
// 4-character counter, a 4-character fingerprint and 8 random characters,
// all base 36 (25 characters, like "cl0wftysg00137a93je05hngx").
func (g *idSource) id(created time.Time) string {
	g.counter++
	return "c" + pad(strconv.FormatInt(created.UnixMilli(), 36), 8) +
		pad(strconv.FormatInt(g.counter, 36), 4) + g.fingerprint + g.base36(8)
}

// jwt makes a token shaped like the JWTs Houston issues (HS256, the user id
// in the "uuid" claim). The signature is random: the simulator looks tokens
// up, it does not verify them.
func (g *idSource) jwt(userID string, issued time.Time) string {
	enc := base64.RawURLEncoding
	iat := issued.Unix()
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString([]byte(fmt.Sprintf(`{"uuid":%q,"iat":%d,"exp":%d}`, userID, iat, iat+10*365*24*3600)))
	sig := make([]byte, 32)
	for i := range sig {
		sig[i] = byte(g.rng.IntN(256))
	}
	return header + "." + payload + "." + enc.EncodeToString(sig)
}

// apiKey makes a service-account API key: 16 random bytes in lowercase hex.
func (g *idSource) apiKey() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	return hex.EncodeToString(b)
}

// releaseName makes a name <adjective>-<noun>-<digits> that taken does not
// hold.
func (g *idSource) releaseName(taken func(string) bool) string {
	adjectives, nouns := strings.Fields(releaseAdjectives), strings.Fields(releaseNouns)
	for {
		name := adjectives[g.rng.IntN(len(adjectives))] + "-" + nouns[g.rng.IntN(len(nouns))] + "-" +
			strconv.Itoa(g.rng.IntN(9900)+100)
		if !taken(name) {
			return name
		}
	}
}

// after advances the generator's clock by a random duration up to d and
// returns the new time, with milliseconds.
func (g *generator) after(d time.Duration) time.Time {
	g.clock = g.clock.Add(time.Duration(g.rng.Int64N(int64(d)))).Truncate(time.Millisecond)
	return g.clock
}

// later returns a random time up to d after t, with milliseconds.
func (g *generator) later(t time.Time, d time.Duration) time.Time {
	return t.Add(time.Duration(g.rng.Int64N(int64(d)))).Truncate(time.Millisecond)
}

func pick[T any](g *generator, list []T) T { return list[g.rng.IntN(len(list))] }

// chance is true with probability p.
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func ptr[T any](v T) *T { return &v }

// Platform.

func (g *generator) platform() {
	g.s.featureFlags = map[string]any{
		"manualReleaseNames":       false,
		"configureDagDeployment":   true,
		"nfsMountDagDeployment":    true,
		"gitSyncDagDeployment":     true,
		"dagOnlyDeployment":        true,
		"triggererEnabled":         true,
		"manualNamespaceNames":     false,
		"namespaceFreeFormEntry":   false,
		"byoUpdateRegistryEnabled": false,
		"astroRuntimeEnabled":      true,
		"hardDeleteDeployment":     true,
	}
	var prevAirflow string
	for _, entry := range strings.Fields(runtimeReleaseTable) {
		runtime, airflow, _ := strings.Cut(entry, "/")
		g.s.runtimeReleases = append(g.s.runtimeReleases, &model.RuntimeRelease{
			Version:                   ptr(runtime),
			AirflowVersion:            ptr(airflow),
			AirflowDatabaseMigrations: ptr(prevAirflow != "" && airflow != prevAirflow),
		})
		prevAirflow = airflow
	}
	cfg := &model.DeploymentConfig{
		DefaultAirflowChartVersion: strings.Fields(chartVersions)[len(strings.Fields(chartVersions))-1],
		Executors:                  []any{"LocalExecutor", "CeleryExecutor", "KubernetesExecutor"},
		LoggingEnabled:             true,
	}
	for _, v := range strings.Fields(certifiedAirflowVersions) {
		cfg.AirflowVersions = append(cfg.AirflowVersions, v)
		cfg.AirflowImages = append(cfg.AirflowImages,
			&model.AirflowImage{Version: v, Channel: "stable", Tag: v + "-onbuild"})
		cfg.DefaultAirflowImageTag = v + "-onbuild"
	}
	g.s.deploymentConfigRecord = cfg
}

// clusterFlagOverrides are the feature flags each cluster changes, by
// cluster index: the second cluster runs without triggerers or DAG-only
// deploys, the third lets users type namespaces.
func clusterFlagOverrides(i int) map[string]any {
	switch i {
	case 1:
		return map[string]any{"triggererEnabled": false, "dagOnlyDeployment": false}
	case 2:
		return map[string]any{"namespaceFreeFormEntry": true}
	}
	return map[string]any{}
}

func (g *generator) clusters(n int) {
	labels := []string{"primary", "secondary", "gpu"}
	for i := range n {
		g.s.addCluster(&cluster{
			id:           g.id(g.after(24 * time.Hour)),
			label:        labels[i%len(labels)],
			featureFlags: clusterFlagOverrides(i),
		})
	}
}

// Workspaces and deployments.

func (g *generator) workspaces(n int) []*model.Workspace {
	labels := strings.Fields(workspaceLabels)
	out := make([]*model.Workspace, 0, n)
	for i := range n {
		label := strings.ReplaceAll(labels[i%len(labels)], "-", " ")
		if i >= len(labels) {
			label += " " + strconv.Itoa(i/len(labels)+1)
		}
		created := g.after(5 * 24 * time.Hour)
		w := &model.Workspace{
			ID:          g.id(created),
			Label:       label,
			Description: "Airflow deployments of the " + label + " team",
			Active:      true,
			CreatedAt:   created,
			UpdatedAt:   g.later(created, 30*24*time.Hour),
		}
		g.s.addWorkspace(w)
		out = append(out, w)
	}
	return out
}

// deployments spreads n deployments evenly over the workspaces, the first
// workspaces getting one more when n does not divide evenly. They are
// created in time order, round robin over the workspaces that still need one.
func (g *generator) deployments(workspaces []*model.Workspace, n int) {
	want := make([]int, len(workspaces))
	for i := range want {
		want[i] = n / len(workspaces)
		if i < n%len(workspaces) {
			want[i]++
		}
	}
	labelsUsed := make([]map[string]bool, len(workspaces))
	for i := range labelsUsed {
		labelsUsed[i] = map[string]bool{}
	}
	for made := 0; made < n; {
		for i, w := range workspaces {
			if want[i] == 0 {
				continue
			}
			want[i]--
			made++
			g.s.addDeployment(g.deployment(w, labelsUsed[i]))
		}
	}
}

func (g *generator) deployment(w *model.Workspace, labelsUsed map[string]bool) *model.Deployment {
	created := g.after(3 * time.Hour) // after every workspace: they were made first
	label := g.uniqueLabel(labelsUsed)
	release := g.uniqueReleaseName()
	d := &model.Deployment{
		ID:          g.id(created),
		Type:        "airflow",
		Label:       label,
		Description: g.description(label),
		ReleaseName: release,
		Namespace:   "astronomer-" + release,
		ClusterID:   pick(g, g.s.clusters).id,
		WorkspaceID: w.ID,
		Version:     pick(g, strings.Fields(chartVersions)),
		Status:      g.status(),
		Mode:        "helm",
		CreatedAt:   created,
		UpdatedAt:   g.later(created, 60*24*time.Hour),
	}
	g.images(d)
	d.Executor = g.executor()
	d.Config = g.config(d.Executor)
	d.DagDeployment = &model.DagDeploymentSettings{Type: ptr(g.dagDeploymentType())}
	d.Urls = deploymentURLs(d)
	d.DeployInfo = g.deployInfo()
	return d
}

func (g *generator) uniqueLabel(used map[string]bool) string {
	domains, purposes, stages := strings.Fields(deploymentDomains), strings.Fields(deploymentPurposes), strings.Fields(deploymentStages)
	for {
		label := pick(g, domains) + "-" + pick(g, purposes) + "-" + pick(g, stages)
		if !used[label] {
			used[label] = true
			return label
		}
	}
}

func (g *generator) uniqueReleaseName() string {
	name := g.releaseName(func(n string) bool { return g.releases[n] })
	g.releases[name] = true
	return name
}

func (g *generator) description(label string) string {
	if g.chance(0.2) {
		return ""
	}
	return "Runs the " + strings.ReplaceAll(label, "-", " ") + " DAGs"
}

func (g *generator) status() string {
	switch r := g.rng.Float64(); {
	case r < 0.80:
		return "HEALTHY"
	case r < 0.88:
		return "UNHEALTHY"
	case r < 0.96:
		return "DEPLOYING"
	default:
		return "UNKNOWN"
	}
}

// images sets the Airflow or Runtime versions: about one deployment in ten
// still runs an Astronomer Certified image; about one Runtime deployment in
// ten has an upgrade pending.
func (g *generator) images(d *model.Deployment) {
	if g.chance(0.1) {
		v := pick(g, strings.Fields(certifiedAirflowVersions))
		d.AirflowVersion, d.DesiredAirflowVersion = ptr(v), ptr(v)
		return
	}
	releases := g.s.runtimeReleases
	// Favour recent releases: take the later of two draws.
	i := max(g.rng.IntN(len(releases)), g.rng.IntN(len(releases)))
	d.RuntimeVersion = releases[i].Version
	d.RuntimeAirflowVersion = releases[i].AirflowVersion
	d.DesiredRuntimeVersion = releases[i].Version
	if i+1 < len(releases) && g.chance(0.1) {
		d.DesiredRuntimeVersion = releases[i+1].Version
	}
}

func (g *generator) executor() model.ExecutorType {
	switch r := g.rng.Float64(); {
	case r < 0.6:
		return model.ExecutorTypeCeleryExecutor
	case r < 0.9:
		return model.ExecutorTypeKubernetesExecutor
	default:
		return model.ExecutorTypeLocalExecutor
	}
}

func (g *generator) config(executor model.ExecutorType) map[string]any {
	cfg := map[string]any{
		"executor":  string(executor),
		"scheduler": map[string]any{"replicas": 1 + g.rng.IntN(2)},
		"triggerer": map[string]any{"replicas": g.rng.IntN(2)},
	}
	if executor == model.ExecutorTypeCeleryExecutor {
		cfg["workers"] = map[string]any{"replicas": 1 + g.rng.IntN(4)}
	}
	return cfg
}

func (g *generator) dagDeploymentType() string {
	switch r := g.rng.Float64(); {
	case r < 0.7:
		return "image"
	case r < 0.85:
		return "dag_deploy"
	case r < 0.95:
		return "git_sync"
	default:
		return "volume"
	}
}

// deploymentURLs lists the URLs of a deployment: the Airflow UI always,
// Flower for Celery, the registry, and the DAG server for DAG-only deploys.
func deploymentURLs(d *model.Deployment) []*model.DeploymentURL {
	u := func(typ, url string) *model.DeploymentURL { return &model.DeploymentURL{Type: ptr(typ), URL: ptr(url)} }
	host := "https://deployments." + baseDomain + "/" + d.ReleaseName
	urls := []*model.DeploymentURL{u("airflow", host+"/airflow")}
	if d.Executor == model.ExecutorTypeCeleryExecutor {
		urls = append(urls, u("flower", host+"/flower"))
	}
	urls = append(urls, u("registry", "registry."+baseDomain+"/"+d.ReleaseName+"/airflow"))
	if d.DagDeployment != nil && d.DagDeployment.Type != nil && *d.DagDeployment.Type == "dag_deploy" {
		urls = append(urls, u("dagserver", host+"/dags/upload"))
	}
	return urls
}

// deployInfo: current is the last tag pushed (none for a deployment never
// deployed), nextCli the tag the CLI pushes next.
func (g *generator) deployInfo() *model.DeployInfo {
	n := g.rng.IntN(40)
	info := &model.DeployInfo{NextCli: ptr("cli-" + strconv.Itoa(n+1))}
	if n > 0 {
		info.Current = ptr("cli-" + strconv.Itoa(n))
	}
	return info
}

// People: users, service accounts, role bindings and tokens.

func (g *generator) user(email, fullName string) *model.User {
	created := g.after(6 * time.Hour)
	u := &model.User{
		ID:        g.id(created),
		Username:  email,
		FullName:  fullName,
		Status:    "active",
		Emails:    []*model.Email{{Address: ptr(email), Verified: ptr(true), Primary: ptr(true)}},
		CreatedAt: created,
		UpdatedAt: g.later(created, 10*24*time.Hour),
	}
	g.s.addUser(u, DatasetPassword)
	return u
}

func (g *generator) bind(role model.Role, userID, accountID, workspaceID, deploymentID string) *model.RoleBinding {
	created := g.after(time.Hour)
	b := &model.RoleBinding{
		ID:               g.id(created),
		Role:             role,
		UserID:           userID,
		ServiceAccountID: accountID,
		WorkspaceID:      workspaceID,
		DeploymentID:     deploymentID,
		CreatedAt:        created,
		UpdatedAt:        created,
	}
	g.s.addBinding(b)
	return b
}

// people creates the token holders, then other members with random roles.
// The token holders are bound so that each sees something different (see
// the Label constants); the deployment viewer's deployment is the first one
// of the fourth workspace, which no other token holder but the system admin
// can see.
func (g *generator) people(workspaces []*model.Workspace, members int) {
	userToken := g.userToken
	viewed := g.s.idx.deploymentsByWorkspace[workspaces[3].ID][0]
	userToken(LabelSystemAdmin, "sysadmin@example.com", "Sam Sysadmin", model.RoleSystemAdmin, "", "")
	userToken(LabelWorkspaceAdmin, "workspace.admin@example.com", "Wanda Admin", model.RoleWorkspaceAdmin, workspaces[0].ID, "")
	userToken(LabelWorkspaceViewer, "workspace.viewer@example.com", "Walt Viewer", model.RoleWorkspaceViewer, workspaces[1].ID, "")
	userToken(LabelDeploymentViewer, "deployment.viewer@example.com", "Dee Viewer", model.RoleDeploymentViewer, "", viewed.ID)

	created := g.after(time.Hour)
	sa := &model.ServiceAccount{
		ID:         g.id(created),
		APIKey:     g.apiKey(),
		Label:      "ci-deployer",
		Category:   "default",
		EntityType: "WORKSPACE",
		EntityUUID: workspaces[2].ID,
		Active:     true,
		LastUsedAt: ptr(g.later(created, 24*time.Hour)),
		CreatedAt:  created,
		UpdatedAt:  created,
	}
	g.s.addServiceAccount(sa)
	g.bind(model.RoleWorkspaceEditor, "", sa.ID, sa.EntityUUID, "")
	g.s.addToken(sa.APIKey, &principal{label: LabelServiceAccount, serviceAccountID: sa.ID},
		Token{Label: LabelServiceAccount, Kind: string(model.RoleWorkspaceEditor), Scope: []string{sa.EntityUUID}})
	g.members(workspaces, members)
}

// userToken makes a user with one role binding and a token for it.
func (g *generator) userToken(label, email, name string, role model.Role, workspaceID, deploymentID string) {
	u := g.user(email, name)
	g.bind(role, u.ID, "", workspaceID, deploymentID)
	scope := []string{}
	for _, id := range []string{workspaceID, deploymentID} {
		if id != "" {
			scope = append(scope, id)
		}
	}
	g.s.addToken(g.jwt(u.ID, g.clock), &principal{label: label, userID: u.ID},
		Token{Label: label, Kind: string(role), Scope: scope})
}

// moreTokens adds the holders of the roles the first tokens do not cover.
// They come last so that the rest of the dataset stays as it was before
// they existed.
func (g *generator) moreTokens(workspaces []*model.Workspace) {
	byWorkspace := g.s.idx.deploymentsByWorkspace
	g.userToken(LabelWorkspaceEditor, "workspace.editor@example.com", "Wes Editor", model.RoleWorkspaceEditor, workspaces[3].ID, "")
	g.userToken(LabelDeploymentAdmin, "deployment.admin@example.com", "Dana Admin", model.RoleDeploymentAdmin, "", byWorkspace[workspaces[2].ID][1].ID)
	g.userToken(LabelDeploymentEditor, "deployment.editor@example.com", "Eddie Editor", model.RoleDeploymentEditor, "", byWorkspace[workspaces[1].ID][1].ID)
}

// members adds users that belong to one to three random workspaces with a
// random workspace role, and now and then a deployment role too.
func (g *generator) members(workspaces []*model.Workspace, n int) {
	firsts, lasts := strings.Fields(firstNames), strings.Fields(lastNames)
	roles := []model.Role{model.RoleWorkspaceAdmin, model.RoleWorkspaceEditor, model.RoleWorkspaceViewer}
	seen := map[string]bool{}
	for range n {
		var first, last string
		for {
			first, last = pick(g, firsts), pick(g, lasts)
			if !seen[first+last] {
				seen[first+last] = true
				break
			}
		}
		email := strings.ToLower(first + "." + last + "@example.com")
		u := g.user(email, first+" "+last)
		start := g.rng.IntN(len(workspaces))
		for k := range 1 + g.rng.IntN(min(3, len(workspaces))) {
			w := workspaces[(start+k)%len(workspaces)]
			g.bind(pick(g, roles), u.ID, "", w.ID, "")
		}
		if g.chance(0.25) {
			d := pick(g, g.s.deployments)
			g.bind(model.RoleDeploymentEditor, u.ID, "", "", d.ID)
		}
	}
}

// teams adds three teams of members (never token holders, so that the
// tokens see what the Label constants say) and one pending invitation.
func (g *generator) teams(workspaces []*model.Workspace) {
	members := g.s.users[4:] // the first four users hold tokens
	team := func(name string, size int) *model.Team {
		created := g.after(time.Hour)
		t := &model.Team{ID: g.id(created), Name: ptr(name), CreatedAt: created, UpdatedAt: created}
		var ids []string
		for _, i := range g.rng.Perm(len(members))[:min(size, len(members))] {
			ids = append(ids, members[i].ID)
		}
		g.s.addTeam(t, ids)
		return t
	}
	bindTeam := func(t *model.Team, role model.Role, workspaceID, deploymentID string) {
		b := g.bind(role, "", "", workspaceID, deploymentID)
		b.TeamID = t.ID
	}
	eng := team("Data Engineering", 3)
	bindTeam(eng, model.RoleWorkspaceEditor, workspaces[1].ID, "")
	platform := team("Platform", 2)
	bindTeam(platform, model.RoleSystemViewer, "", "")
	bindTeam(platform, model.RoleDeploymentAdmin, "", g.s.idx.deploymentsByWorkspace[workspaces[2].ID][0].ID)
	analysts := team("Analysts", 4)
	bindTeam(analysts, model.RoleWorkspaceViewer, workspaces[0].ID, "")

	created := g.after(time.Hour)
	g.s.addInvite(&model.Invite{
		ID: g.id(created), Email: ptr("new.hire@example.com"), Role: model.RoleWorkspaceViewer,
		Token: ptr(g.base36(24)), WorkspaceID: workspaces[0].ID, CreatedAt: created, UpdatedAt: created,
	})
}
