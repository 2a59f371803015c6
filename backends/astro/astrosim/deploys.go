package astrosim

import (
	"cmp"
	"net/http"
)

// deploy is the spec's Deploy.
type deploy struct {
	AirflowVersion      string     `json:"airflowVersion,omitempty"`
	AstroRuntimeVersion string     `json:"astroRuntimeVersion,omitempty"`
	BundleMountPath     string     `json:"bundleMountPath,omitempty"`
	BundleUploadURL     string     `json:"bundleUploadUrl,omitempty"`
	Bundles             []bundle   `json:"bundles,omitempty"`
	CreatedAt           string     `json:"createdAt"`
	CreatedBySubject    *subject   `json:"createdBySubject,omitempty"`
	DagTarballVersion   string     `json:"dagTarballVersion,omitempty"`
	DagsUploadURL       string     `json:"dagsUploadUrl,omitempty"`
	DeploymentID        string     `json:"deploymentId"`
	Description         string     `json:"description,omitempty"`
	Git                 *deployGit `json:"git,omitempty"`
	ID                  string     `json:"id"`
	ImageRepository     string     `json:"imageRepository"`
	ImageTag            string     `json:"imageTag"`
	IsDagDeployEnabled  bool       `json:"isDagDeployEnabled"`
	RollbackFromID      string     `json:"rollbackFromId,omitempty"`
	Status              string     `json:"status"`
	Type                string     `json:"type"`
	UpdatedAt           string     `json:"updatedAt,omitempty"`
	UpdatedBySubject    *subject   `json:"updatedBySubject,omitempty"`

	bundleType string // of a BUNDLE deploy
}

// deployGit is the spec's DeployGit, and the shape of
// CreateDeployGitRequest.
type deployGit struct {
	Account         string `json:"account,omitempty"`
	AuthorName      string `json:"authorName,omitempty"`
	AuthorURL       string `json:"authorUrl,omitempty"`
	AuthorUsername  string `json:"authorUsername,omitempty"`
	BeforeCommitSha string `json:"beforeCommitSha,omitempty"`
	Branch          string `json:"branch,omitempty"`
	CommitSha       string `json:"commitSha"`
	CommitURL       string `json:"commitUrl,omitempty"`
	Path            string `json:"path,omitempty"`
	Provider        string `json:"provider"`
	RemoteURL       string `json:"remoteUrl,omitempty"`
	Repo            string `json:"repo,omitempty"`
}

// bundle is the spec's Bundle.
type bundle struct {
	BundleType     string `json:"bundleType"`
	CurrentVersion string `json:"currentVersion,omitempty"`
	DeployID       string `json:"deployId"`
	DesiredVersion string `json:"desiredVersion,omitempty"`
	MountPath      string `json:"mountPath"`
}

func (d *deploy) sortKey(field string) string {
	switch field {
	case "id":
		return d.ID
	case "createdAt":
		return d.CreatedAt
	}
	return ""
}

// listDeploys serves ListDeploys, newest first, as the Astro UI shows a
// deploy history.
func (s *Sim) listDeploys(c *call) {
	lq, err := parseList(c.r.URL.Query(), maxLimit)
	if err != nil {
		c.fail(err)
		return
	}
	s.mu.RLock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.deploys.get")
	var list []*deploy
	if err == nil {
		for _, x := range s.data.deploys {
			if x.DeploymentID == d.ID {
				list = append(list, x)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	sortItems(list, []string{"createdAt:desc", "id:desc"})
	c.json(http.StatusOK, pageOf("deploys", list, lq))
}

// deployOf finds a deploy of a Deployment. Callers hold s.mu.
func (s *Sim) deployOf(c *call, permission string) (*deployment, *deploy, *apiError) {
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), permission)
	if err != nil {
		return nil, nil, err
	}
	id := c.r.PathValue("deployId")
	x, ok := s.data.deploys[id]
	if !ok || x.DeploymentID != d.ID {
		return nil, nil, notFound("Deploy", id)
	}
	return d, x, nil
}

// getDeploy serves GetDeploy.
func (s *Sim) getDeploy(c *call) {
	s.mu.RLock()
	_, x, err := s.deployOf(c, "deployment.deploys.get")
	s.mu.RUnlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, x)
}

type deployBody struct {
	Type                 *string    `json:"type"`
	Description          *string    `json:"description"`
	BundleType           *string    `json:"bundleType"`
	BundleMountPath      *string    `json:"bundleMountPath"`
	Git                  *deployGit `json:"git"`
	DagTarballVersion    *string    `json:"dagTarballVersion"`
	BundleTarballVersion *string    `json:"bundleTarballVersion"`
}

// checkGit applies the provider rules of CreateDeployGitRequest.
func checkGit(k *checker, g *deployGit) {
	if g == nil {
		return
	}
	k.required("git.commitSha", g.CommitSha != "")
	switch g.Provider {
	case "GITHUB":
		k.required("git.account", g.Account != "")
		k.required("git.repo", g.Repo != "")
		if g.RemoteURL != "" {
			k.fail("git.remoteUrl", "excluded_with", "must be empty for GITHUB")
		}
	case "GENERIC":
		k.required("git.remoteUrl", g.RemoteURL != "")
		if g.Account != "" || g.Repo != "" {
			k.fail("git.account", "excluded_with", "and git.repo must be empty for GENERIC")
		}
	default:
		k.fail("git.provider", "oneof", "must be one of GITHUB, GENERIC, not '%s'", g.Provider)
	}
}

// createDeploy serves CreateDeploy: a deploy INITIALIZED with the upload
// URLs its type needs.
func (s *Sim) createDeploy(c *call) {
	var b deployBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	if k.required("type", b.Type != nil) {
		k.oneOf("type", b.Type, "IMAGE_AND_DAG", "IMAGE_ONLY", "DAG_ONLY", "BUNDLE")
	}
	k.text("description", b.Description, 500, false)
	if deref(b.Type) == "BUNDLE" {
		k.requiredText("bundleType", b.BundleType, 0)
		k.requiredText("bundleMountPath", b.BundleMountPath, 0)
	}
	checkGit(&k, b.Git)
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentFor(c.p, c.r.PathValue("organizationId"), c.r.PathValue("deploymentId"), "deployment.deploys.create")
	if err == nil {
		err = k.err()
	}
	if err == nil && !d.IsDagDeployEnabled && (*b.Type == "DAG_ONLY" || *b.Type == "BUNDLE") {
		err = invalidField("type", "oneof", "%s needs DAG deploys, which Deployment '%s' has disabled", *b.Type, d.ID)
	}
	if err != nil {
		c.fail(err)
		return
	}
	by := c.p.subject
	x := &deploy{
		ID: s.ids.id(c.now), DeploymentID: d.ID, Type: *b.Type, Status: "INITIALIZED", Description: deref(b.Description),
		CreatedAt: stamp(c.now), CreatedBySubject: &by, UpdatedAt: stamp(c.now), UpdatedBySubject: &by,
		ImageRepository: d.ImageRepository, ImageTag: "deploy-" + c.now.UTC().Format("2006-01-02T15-04"),
		IsDagDeployEnabled: d.IsDagDeployEnabled, AstroRuntimeVersion: d.AstroRuntimeVersion, AirflowVersion: d.AirflowVersion,
		Git: b.Git, bundleType: deref(b.BundleType), BundleMountPath: deref(b.BundleMountPath),
	}
	upload := "https://upload.astronomer.cloud/" + d.OrganizationID + "/" + d.ID + "/" + x.ID
	switch {
	case x.Type == "BUNDLE":
		x.BundleUploadURL = upload + "/bundle.tar.gz"
	case d.IsDagDeployEnabled && x.Type != "IMAGE_ONLY":
		x.DagsUploadURL = upload + "/dags.tar.gz"
	}
	s.data.deploys[x.ID] = x
	s.record(c, d.OrganizationID, "deploy.create", "DEPLOY", x.ID)
	c.json(http.StatusOK, x)
}

// updateDeploy serves UpdateDeploy: the description.
func (s *Sim) updateDeploy(c *call) {
	var b deployBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.text("description", b.Description, 500, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	d, x, err := s.deployOf(c, "deployment.deploys.update")
	if err == nil {
		err = k.err()
	}
	if err != nil {
		c.fail(err)
		return
	}
	nx := *x
	if b.Description != nil {
		nx.Description = *b.Description
	}
	by := c.p.subject
	nx.UpdatedAt, nx.UpdatedBySubject = stamp(c.now), &by
	s.data.deploys[x.ID] = &nx
	s.record(c, d.OrganizationID, "deploy.update", "DEPLOY", x.ID)
	c.json(http.StatusOK, &nx)
}

// finalizeDeploy serves FinalizeDeploy: an INITIALIZED deploy becomes
// DEPLOYED and the Deployment takes its image and DAGs. The operation
// declares no 404, so an unknown deploy is a 400, and so is finalizing
// twice.
func (s *Sim) finalizeDeploy(c *call) {
	var b deployBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, x, err := s.deployOf(c, "deployment.deploys.update")
	if err != nil {
		c.fail(without404(err))
		return
	}
	var k checker
	needsDags := x.IsDagDeployEnabled && (x.Type == "IMAGE_AND_DAG" || x.Type == "DAG_ONLY")
	if needsDags {
		k.requiredText("dagTarballVersion", b.DagTarballVersion, 0)
	}
	if x.IsDagDeployEnabled && x.Type == "BUNDLE" {
		k.requiredText("bundleTarballVersion", b.BundleTarballVersion, 0)
	}
	if !k.ok() {
		c.fail(k.err())
		return
	}
	if x.Status != "INITIALIZED" {
		c.fail(badRequest("deploy '%s' is %s; only an INITIALIZED deploy can be finalized", x.ID, x.Status))
		return
	}
	nx := *x
	nx.Status, nx.UpdatedAt = "DEPLOYED", stamp(c.now)
	nx.DagTarballVersion = deref(b.DagTarballVersion)
	if x.Type == "BUNDLE" {
		nx.Bundles = []bundle{{BundleType: x.bundleType, DeployID: x.ID, MountPath: x.BundleMountPath,
			CurrentVersion: deref(b.BundleTarballVersion), DesiredVersion: deref(b.BundleTarballVersion)}}
	}
	s.data.deploys[x.ID] = &nx
	s.data.deployments[d.ID] = applyDeploy(d.view(c.now), &nx, c)
	s.record(c, d.OrganizationID, "deploy.finalize", "DEPLOY", x.ID)
	c.json(http.StatusOK, &nx)
}

// applyDeploy returns a copy of d running deploy x.
func applyDeploy(d *deployment, x *deploy, c *call) *deployment {
	nd := *d
	if x.Type != "DAG_ONLY" && x.Type != "BUNDLE" {
		nd.ImageTag, nd.ImageVersion = x.ImageTag, x.ImageTag
	}
	if x.DagTarballVersion != "" {
		nd.DagTarballVersion, nd.DesiredDagTarballVersion = x.DagTarballVersion, x.DagTarballVersion
	}
	nd.UpdatedAt, nd.UpdatedBy = stamp(c.now), c.p.subject
	return &nd
}

// rollbackDeploy serves DeployRollback: a new DEPLOYED deploy with the
// image and DAGs of the DEPLOYED deploy named in the path; its
// rollbackFromId is the deploy that was current.
func (s *Sim) rollbackDeploy(c *call) {
	var b deployBody
	if err := c.decode(&b); err != nil {
		c.fail(err)
		return
	}
	var k checker
	k.text("description", b.Description, 500, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	d, x, err := s.deployOf(c, "deployment.deploys.update")
	if err == nil {
		err = k.err()
	}
	if err == nil && x.Status != "DEPLOYED" {
		err = badRequest("deploy '%s' is %s; only a DEPLOYED deploy can be rolled back to", x.ID, x.Status)
	}
	if err != nil {
		c.fail(err)
		return
	}
	var current *deploy
	for _, y := range s.data.deploys {
		if y.DeploymentID == d.ID && y.Status == "DEPLOYED" && (current == nil || y.CreatedAt > current.CreatedAt || (y.CreatedAt == current.CreatedAt && y.ID > current.ID)) {
			current = y
		}
	}
	by := c.p.subject
	nx := *x
	nx.ID, nx.CreatedAt, nx.UpdatedAt = s.ids.id(c.now), stamp(c.now), stamp(c.now)
	nx.CreatedBySubject, nx.UpdatedBySubject = &by, &by
	nx.Description = cmp.Or(deref(b.Description), "Rollback to deploy "+x.ID)
	nx.RollbackFromID, nx.DagsUploadURL, nx.BundleUploadURL = current.ID, "", ""
	s.data.deploys[nx.ID] = &nx
	s.data.deployments[d.ID] = applyDeploy(d.view(c.now), &nx, c)
	s.record(c, d.OrganizationID, "deploy.rollback", "DEPLOY", nx.ID)
	c.json(http.StatusOK, &nx)
}
