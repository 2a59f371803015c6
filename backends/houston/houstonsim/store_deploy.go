package houstonsim

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Deployment writes. Each takes the write lock, checks the caller, stores a
// changed copy of the records it touches and rebuilds the indexes.

// deploymentSpec is what create and update take. For updates nil means
// "keep"; for creates it means "the default".
type deploymentSpec struct {
	workspaceID    string
	clusterID      string
	label          *string
	description    *string
	releaseName    string
	namespace      string
	runtimeVersion string
	airflowVersion string
	executor       *model.ExecutorType
	triggerer      *int
	dagDeployment  *model.DagDeployment
	cloudRole      *string
	mode           string
	config         map[string]any
}

// stamp is the store's clock, to the millisecond as Houston keeps it.
func (s *store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// createDeployment creates a deployment in spec.workspaceID. Without a
// runtime or Airflow version it runs the newest Runtime release; without a
// cluster it goes to the first cluster; without a release name it gets a
// generated one, and without a namespace "astronomer-<release name>".
func (s *store) createDeployment(p *principal, spec deploymentSpec) (*model.Deployment, error) {
	if spec.workspaceID == "" {
		return nil, errRequired("workspaceUuid")
	}
	label := strings.TrimSpace(deref(spec.label))
	if label == "" {
		return nil, errRequired("label")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.workspaceLocked(p, spec.workspaceID, permWorkspaceDeploymentsCreate, permSystemDeploymentsCreate); err != nil {
		return nil, err
	}
	if err := s.checkLabelLocked(spec.workspaceID, label, ""); err != nil {
		return nil, err
	}
	c := s.clusters[0]
	if spec.clusterID != "" {
		if c = s.clusterByID[spec.clusterID]; c == nil {
			return nil, errBadInput("Invalid cluster id " + spec.clusterID)
		}
	}
	release := spec.releaseName
	switch {
	case release == "":
		release = s.ids.releaseName(s.releaseTakenLocked)
	case !validReleaseName(release):
		return nil, errBadInput("Invalid release name " + release)
	case s.releaseTakenLocked(release):
		return nil, errBadInput("Release name " + release + " is already in use")
	}
	namespace := spec.namespace
	if namespace == "" {
		namespace = "astronomer-" + release
	} else if slices.ContainsFunc(s.deployments, func(d *model.Deployment) bool { return d.Namespace == namespace }) {
		return nil, errBadInput("Namespace " + namespace + " is already in use")
	}
	now := s.stamp()
	chart := strings.Fields(chartVersions)
	d := &model.Deployment{
		ID:          s.ids.id(now),
		Type:        "airflow",
		Label:       label,
		Description: deref(spec.description),
		ReleaseName: release,
		Namespace:   namespace,
		ClusterID:   c.id,
		WorkspaceID: spec.workspaceID,
		Version:     chart[len(chart)-1],
		Executor:    model.ExecutorTypeCeleryExecutor,
		Mode:        cmp.Or(spec.mode, "helm"),
		CloudRole:   deref(spec.cloudRole),
		Status:      "HEALTHY",
		Config:      map[string]any{"scheduler": map[string]any{"replicas": 1}, "triggerer": map[string]any{"replicas": 1}},
		DeployInfo:  &model.DeployInfo{NextCli: ptr("cli-1")},
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if err := s.setImageVersionsLocked(d, spec.runtimeVersion, spec.airflowVersion); err != nil {
		return nil, err
	}
	if err := applySpec(d, spec); err != nil {
		return nil, err
	}
	d.Urls = deploymentURLs(d)
	s.addDeployment(d)
	s.reindex()
	return d, nil
}

// validReleaseName reports whether name is what Houston accepts as a
// release name: a DNS label (lower-case letters, digits and inner hyphens,
// starting with a letter, at most 63 characters).
func validReleaseName(name string) bool {
	if name == "" || len(name) > 63 || name[0] < 'a' || name[0] > 'z' || name[len(name)-1] == '-' {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

func (s *store) releaseTakenLocked(name string) bool {
	return s.idx.deploymentByRelease[name] != nil || s.reserved[name]
}

// checkLabelLocked refuses a label another deployment of the workspace
// has (self is the deployment being updated, which may keep its own).
func (s *store) checkLabelLocked(workspaceID, label, self string) error {
	for _, d := range s.idx.deploymentsByWorkspace[workspaceID] {
		if d.ID != self && d.Label == label {
			return errBadInput("Workspace already has a deployment named " + label)
		}
	}
	return nil
}

// setImageVersionsLocked sets a new deployment's Runtime (or, with only an
// Airflow version, Astronomer Certified) version.
func (s *store) setImageVersionsLocked(d *model.Deployment, runtimeVersion, airflowVersion string) error {
	if runtimeVersion == "" && airflowVersion != "" {
		if !slices.Contains(s.deploymentConfigRecord.AirflowVersions, airflowVersion) {
			return errBadInput("Invalid Airflow version " + airflowVersion)
		}
		d.AirflowVersion, d.DesiredAirflowVersion = ptr(airflowVersion), ptr(airflowVersion)
		return nil
	}
	r := s.runtimeReleases[len(s.runtimeReleases)-1]
	if runtimeVersion != "" {
		if r = s.runtimeRelease(runtimeVersion); r == nil {
			return errBadInput("Invalid runtime version " + runtimeVersion)
		}
	}
	d.RuntimeVersion, d.DesiredRuntimeVersion, d.RuntimeAirflowVersion = r.Version, r.Version, r.AirflowVersion
	return nil
}

func (s *store) runtimeRelease(version string) *model.RuntimeRelease {
	for _, r := range s.runtimeReleases {
		if *r.Version == version {
			return r
		}
	}
	return nil
}

// dagDeploymentTypes are the ways DAGs reach a deployment.
const dagDeploymentTypes = "image volume git_sync dag_deploy"

// applySpec applies the settings create and update share to d, a copy the
// caller owns.
func applySpec(d *model.Deployment, spec deploymentSpec) error {
	if spec.executor != nil {
		d.Executor = *spec.executor
	}
	cfg := map[string]any{}
	if m, ok := d.Config.(map[string]any); ok {
		cfg = maps.Clone(m)
	}
	maps.Copy(cfg, spec.config)
	cfg["executor"] = string(d.Executor)
	if spec.triggerer != nil {
		if *spec.triggerer < 0 || *spec.triggerer > 2 {
			return errBadInput("triggerer replicas must be between 0 and 2")
		}
		cfg["triggerer"] = map[string]any{"replicas": *spec.triggerer}
	}
	d.Config = cfg
	if spec.cloudRole != nil && *spec.cloudRole != "" {
		d.CloudRole = *spec.cloudRole
	}
	typ := "image"
	if d.DagDeployment != nil && d.DagDeployment.Type != nil {
		typ = *d.DagDeployment.Type
	}
	if spec.dagDeployment != nil && deref(spec.dagDeployment.Type) != "" {
		typ = *spec.dagDeployment.Type
		if !slices.Contains(strings.Fields(dagDeploymentTypes), typ) {
			return errBadInput("Invalid DAG deployment type " + typ)
		}
	}
	d.DagDeployment = &model.DagDeploymentSettings{Type: ptr(typ)}
	return nil
}

// updateDeploymentLocked stores a copy of d changed by change, with a new
// updatedAt and URLs.
func (s *store) updateDeploymentLocked(d *model.Deployment, change func(*model.Deployment) error) (*model.Deployment, error) {
	c := *d
	if err := change(&c); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.stamp()
	c.Urls = deploymentURLs(&c)
	s.deployments = replace(s.deployments, deploymentID, &c)
	s.reindex()
	return &c, nil
}

// updateDeployment changes a deployment's label, description, executor,
// triggerer, DAG deployment or cloud role.
func (s *store) updateDeployment(p *principal, id string, spec deploymentSpec) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigUpdate, permSystemDeploymentsUpdate)
	if err != nil {
		return nil, err
	}
	return s.updateDeploymentLocked(d, func(c *model.Deployment) error {
		if spec.label != nil && strings.TrimSpace(*spec.label) != "" {
			label := strings.TrimSpace(*spec.label)
			if err := s.checkLabelLocked(c.WorkspaceID, label, c.ID); err != nil {
				return err
			}
			c.Label = label
		}
		if spec.description != nil {
			c.Description = *spec.description
		}
		return applySpec(c, spec)
	})
}

// deployImage records an image deployed to the deployment named
// releaseName: deployInfo moves on, and a non-empty runtimeVersion (or,
// before Runtime, airflowVersion) becomes the deployment's version.
func (s *store) deployImage(p *principal, releaseName, image, runtimeVersion, airflowVersion string) (*model.Deployment, error) {
	if image == "" {
		return nil, errRequired("image")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.idx.deploymentByRelease[releaseName]
	if d == nil {
		if s.isSystemUserLocked(p) {
			return nil, errNotFound()
		}
		return nil, errForbidden()
	}
	if !s.deploymentAllowsLocked(p, d, permDeploymentImagesPush, permSystemDeploymentsUpdate) {
		return nil, errForbidden()
	}
	var release *model.RuntimeRelease
	if runtimeVersion != "" {
		if release = s.runtimeRelease(runtimeVersion); release == nil {
			return nil, errBadInput("Invalid runtime version " + runtimeVersion)
		}
	}
	return s.updateDeploymentLocked(d, func(c *model.Deployment) error {
		c.Image = image
		info := model.DeployInfo{NextCli: c.DeployInfo.NextCli}
		if i := strings.LastIndexAny(image, ":@"); i >= 0 {
			tag := image[i+1:]
			info.Current = &tag
			if n, err := strconv.Atoi(strings.TrimPrefix(tag, "cli-")); err == nil && strings.HasPrefix(tag, "cli-") {
				info.NextCli = ptr("cli-" + strconv.Itoa(n+1))
			}
		}
		c.DeployInfo = &info
		switch {
		case release != nil:
			c.RuntimeVersion, c.RuntimeAirflowVersion, c.DesiredRuntimeVersion = release.Version, release.AirflowVersion, release.Version
			c.AirflowVersion, c.DesiredAirflowVersion = nil, nil
		case airflowVersion != "" && c.RuntimeVersion == nil:
			c.AirflowVersion, c.DesiredAirflowVersion = ptr(airflowVersion), ptr(airflowVersion)
		}
		return nil
	})
}

// setDesiredAirflow asks for an Astronomer Certified version; asking for the
// current one cancels an upgrade.
func (s *store) setDesiredAirflow(p *principal, id, desired string) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigUpdate, permSystemDeploymentsUpdate)
	if err != nil {
		return nil, err
	}
	if d.AirflowVersion == nil {
		return nil, errBadInput("Deployment " + d.ReleaseName + " runs Astro Runtime, not an Astronomer Certified image")
	}
	if !slices.Contains(s.deploymentConfigRecord.AirflowVersions, desired) {
		return nil, errBadInput("Invalid Airflow version " + desired)
	}
	return s.updateDeploymentLocked(d, func(c *model.Deployment) error {
		c.DesiredAirflowVersion = ptr(desired)
		return nil
	})
}

// setDesiredRuntime asks for a Runtime upgrade (a release not older than
// the current one) or, for an Astronomer Certified deployment, a migration
// to a release built on an Airflow at least as new.
func (s *store) setDesiredRuntime(p *principal, id, desired string) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigUpdate, permSystemDeploymentsUpdate)
	if err != nil {
		return nil, err
	}
	r := s.runtimeRelease(desired)
	if r == nil {
		return nil, errBadInput("Invalid runtime version " + desired)
	}
	switch {
	case d.RuntimeVersion != nil && compareVersions(desired, *d.RuntimeVersion) < 0:
		return nil, errBadInput("Runtime version " + desired + " is older than the current " + *d.RuntimeVersion)
	case d.RuntimeVersion == nil && d.AirflowVersion != nil && compareVersions(*r.AirflowVersion, *d.AirflowVersion) < 0:
		return nil, errBadInput("Runtime " + desired + " runs an older Airflow than " + *d.AirflowVersion)
	}
	return s.updateDeploymentLocked(d, func(c *model.Deployment) error {
		c.DesiredRuntimeVersion = ptr(desired)
		return nil
	})
}

// cancelRuntimeUpdate drops a pending Runtime upgrade or migration.
func (s *store) cancelRuntimeUpdate(p *principal, id string) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigUpdate, permSystemDeploymentsUpdate)
	if err != nil {
		return nil, err
	}
	return s.updateDeploymentLocked(d, func(c *model.Deployment) error {
		c.DesiredRuntimeVersion = c.RuntimeVersion
		return nil
	})
}

// deleteDeployment removes a deployment with its role bindings and service
// accounts. A soft delete (hard false) keeps its release name taken.
func (s *store) deleteDeployment(p *principal, id string, hard bool) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigDelete, permSystemDeploymentsDelete)
	if err != nil {
		return nil, err
	}
	s.removeDeploymentLocked(d)
	if !hard {
		s.reserved[d.ReleaseName] = true
	}
	s.reindex()
	return d, nil
}

func (s *store) removeDeploymentLocked(d *model.Deployment) {
	s.deployments = without(s.deployments, func(x *model.Deployment) bool { return x.ID == d.ID })
	s.bindings = without(s.bindings, func(b *model.RoleBinding) bool { return b.DeploymentID == d.ID })
	s.removeAccountsLocked(func(a *model.ServiceAccount) bool {
		return a.EntityType == "DEPLOYMENT" && a.EntityUUID == d.ID
	})
}

// adoptSpec holds the arguments of adoptDeployment.
type adoptSpec struct {
	workspaceID, clusterID, crNamespace, crName string
	label, description                          string
}

// adoptDeployment records an operator-managed Airflow custom resource: the
// release name is the resource's name, the namespace its namespace.
func (s *store) adoptDeployment(p *principal, a adoptSpec) (*model.Deployment, error) {
	if a.crName == "" || a.crNamespace == "" {
		return nil, errRequired("crName")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.workspaceLocked(p, a.workspaceID, permWorkspaceDeploymentsCreate, permSystemDeploymentsCreate); err != nil {
		return nil, err
	}
	c := s.clusterByID[a.clusterID]
	if c == nil {
		return nil, errBadInput("Invalid cluster id " + a.clusterID)
	}
	if s.idx.deploymentByRelease[a.crName] != nil {
		return nil, errBadInput("Airflow " + a.crNamespace + "/" + a.crName + " is already a deployment")
	}
	label := cmp.Or(a.label, a.crName)
	if err := s.checkLabelLocked(a.workspaceID, label, ""); err != nil {
		return nil, err
	}
	now := s.stamp()
	latest := s.runtimeReleases[len(s.runtimeReleases)-1]
	chart := strings.Fields(chartVersions)
	d := &model.Deployment{
		ID: s.ids.id(now), Type: "airflow", Label: label, Description: a.description,
		ReleaseName: a.crName, Namespace: a.crNamespace, ClusterID: c.id, WorkspaceID: a.workspaceID,
		Version: chart[len(chart)-1], Executor: model.ExecutorTypeCeleryExecutor, Mode: "operator",
		Adopted: true, Status: "HEALTHY",
		RuntimeVersion: latest.Version, DesiredRuntimeVersion: latest.Version, RuntimeAirflowVersion: latest.AirflowVersion,
		Config:        map[string]any{"executor": string(model.ExecutorTypeCeleryExecutor)},
		DagDeployment: &model.DagDeploymentSettings{Type: ptr("image")},
		DeployInfo:    &model.DeployInfo{NextCli: ptr("cli-1")},
		CreatedAt:     now, UpdatedAt: now,
	}
	d.Urls = deploymentURLs(d)
	delete(s.reserved, d.ReleaseName)
	s.addDeployment(d)
	s.reindex()
	return d, nil
}

// unadoptDeployment forgets a deployment's record for good (its release
// name becomes free again); the Kubernetes resources stay.
func (s *store) unadoptDeployment(p *principal, id string) (*model.Deployment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.deploymentLocked(p, id, permDeploymentConfigDelete, permSystemDeploymentsDelete)
	if err != nil {
		return nil, err
	}
	s.removeDeploymentLocked(d)
	s.reindex()
	return d, nil
}
