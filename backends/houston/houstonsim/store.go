package houstonsim

import (
	"maps"
	"slices"
	"strings"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// store is the simulator's data: one installation of Houston. It is built
// once by newDataset and not modified afterwards, so any number of requests
// may read it at the same time without locking. (Mutations, when they come,
// must add a lock and replace records rather than edit them, because
// resolvers hold on to the pointers they were given.)
type store struct {
	baseDomain   string
	featureFlags map[string]any
	clusters     []*cluster
	clusterByID  map[string]*cluster

	workspaces    []*model.Workspace // in creation order
	workspaceByID map[string]*model.Workspace

	deployments            []*model.Deployment // in creation order
	deploymentByID         map[string]*model.Deployment
	deploymentByRelease    map[string]*model.Deployment
	deploymentsByWorkspace map[string][]*model.Deployment

	users           map[string]*model.User
	serviceAccounts map[string]*model.ServiceAccount

	bindingByID            map[string]*model.RoleBinding
	bindingsByUser         map[string][]*model.RoleBinding
	bindingByAccount       map[string]*model.RoleBinding
	bindingsByWorkspace    map[string][]*model.RoleBinding
	bindingsByDeployment   map[string][]*model.RoleBinding
	workspaceUserIDs       map[string][]string // users with a binding on the workspace, in binding order
	runtimeReleases        []*model.RuntimeRelease
	deploymentConfigRecord *model.DeploymentConfig

	principals map[string]*principal // by credential (JWT or API key)
	tokens     []Token
}

// cluster is a Kubernetes cluster of the installation. Its feature flags
// override the platform's when appConfig is asked about the cluster.
type cluster struct {
	id           string
	label        string
	featureFlags map[string]any
}

func newStore(baseDomain string) *store {
	return &store{
		baseDomain:             baseDomain,
		clusterByID:            map[string]*cluster{},
		workspaceByID:          map[string]*model.Workspace{},
		deploymentByID:         map[string]*model.Deployment{},
		deploymentByRelease:    map[string]*model.Deployment{},
		deploymentsByWorkspace: map[string][]*model.Deployment{},
		users:                  map[string]*model.User{},
		serviceAccounts:        map[string]*model.ServiceAccount{},
		bindingByID:            map[string]*model.RoleBinding{},
		bindingsByUser:         map[string][]*model.RoleBinding{},
		bindingByAccount:       map[string]*model.RoleBinding{},
		bindingsByWorkspace:    map[string][]*model.RoleBinding{},
		bindingsByDeployment:   map[string][]*model.RoleBinding{},
		workspaceUserIDs:       map[string][]string{},
		principals:             map[string]*principal{},
	}
}

// Building (used by the dataset generator only).

func (s *store) addCluster(c *cluster) {
	s.clusters = append(s.clusters, c)
	s.clusterByID[c.id] = c
}

func (s *store) addWorkspace(w *model.Workspace) {
	s.workspaces = append(s.workspaces, w)
	s.workspaceByID[w.ID] = w
}

func (s *store) addDeployment(d *model.Deployment) {
	s.deployments = append(s.deployments, d)
	s.deploymentByID[d.ID] = d
	s.deploymentByRelease[d.ReleaseName] = d
	s.deploymentsByWorkspace[d.WorkspaceID] = append(s.deploymentsByWorkspace[d.WorkspaceID], d)
}

func (s *store) addUser(u *model.User) { s.users[u.ID] = u }

func (s *store) addServiceAccount(a *model.ServiceAccount) { s.serviceAccounts[a.ID] = a }

func (s *store) addBinding(b *model.RoleBinding) {
	s.bindingByID[b.ID] = b
	if b.UserID != "" {
		s.bindingsByUser[b.UserID] = append(s.bindingsByUser[b.UserID], b)
	}
	if b.ServiceAccountID != "" {
		s.bindingByAccount[b.ServiceAccountID] = b
	}
	if b.WorkspaceID != "" {
		s.bindingsByWorkspace[b.WorkspaceID] = append(s.bindingsByWorkspace[b.WorkspaceID], b)
		if b.UserID != "" && !slices.Contains(s.workspaceUserIDs[b.WorkspaceID], b.UserID) {
			s.workspaceUserIDs[b.WorkspaceID] = append(s.workspaceUserIDs[b.WorkspaceID], b.UserID)
		}
	}
	if b.DeploymentID != "" {
		s.bindingsByDeployment[b.DeploymentID] = append(s.bindingsByDeployment[b.DeploymentID], b)
	}
}

// addToken makes credential log in as p; t (whose Token field addToken
// fills in) is what Sim.Tokens lists.
func (s *store) addToken(credential string, p *principal, t Token) {
	s.principals[credential] = p
	t.Token = credential
	s.tokens = append(s.tokens, t)
}

// Lookups.

// callerFor resolves a credential. An empty credential is anonymous; one the
// store does not know is invalid. Both get no principal.
func (s *store) callerFor(cred string) caller {
	if cred == "" {
		return caller{label: labelAnonymous}
	}
	p, ok := s.principals[cred]
	if !ok {
		return caller{label: labelInvalid}
	}
	return caller{label: p.label, p: p}
}

func (s *store) bindingsOf(p *principal) []*model.RoleBinding {
	if p.serviceAccountID != "" {
		if b := s.bindingByAccount[p.serviceAccountID]; b != nil {
			return []*model.RoleBinding{b}
		}
		return nil
	}
	return s.bindingsByUser[p.userID]
}

func (s *store) workspace(id string) *model.Workspace { return s.workspaceByID[id] }

func (s *store) deployment(id string) *model.Deployment { return s.deploymentByID[id] }

func (s *store) user(id string) *model.User { return s.users[id] }

func (s *store) serviceAccount(id string) *model.ServiceAccount { return s.serviceAccounts[id] }

// Lists of related objects are never nil, so that GraphQL lists come out as
// [] rather than null.

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *store) userBindings(userID string) []*model.RoleBinding {
	return nonNil(s.bindingsByUser[userID])
}

func (s *store) workspaceBindings(workspaceID string) []*model.RoleBinding {
	return nonNil(s.bindingsByWorkspace[workspaceID])
}

func (s *store) deploymentBindings(deploymentID string) []*model.RoleBinding {
	return nonNil(s.bindingsByDeployment[deploymentID])
}

func (s *store) accountBinding(accountID string) *model.RoleBinding {
	return s.bindingByAccount[accountID]
}

func (s *store) deploymentCount(workspaceID string) int {
	return len(s.deploymentsByWorkspace[workspaceID])
}

func (s *store) workspaceUsers(workspaceID string) []*model.User {
	ids := s.workspaceUserIDs[workspaceID]
	out := make([]*model.User, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.users[id])
	}
	return out
}

// Queries behind the root fields. Each takes an authenticated principal.

// appConfig merges the platform's feature flags with those of the cluster
// named by clusterID, or else of the cluster of the deployment named by
// deploymentID. Unknown or empty ids merge nothing. (Workspaces carry no
// configuration of their own here, so a workspace id changes nothing.)
func (s *store) appConfig(version, clusterID, deploymentID string) *model.AppConfig {
	flags := maps.Clone(s.featureFlags)
	c := s.clusterByID[clusterID]
	if c == nil {
		if d := s.deploymentByID[deploymentID]; d != nil {
			c = s.clusterByID[d.ClusterID]
		}
	}
	if c != nil {
		maps.Copy(flags, c.featureFlags)
	}
	flag := func(name string) *bool {
		v, _ := flags[name].(bool)
		return &v
	}
	smtp := true
	return &model.AppConfig{
		Version:                &version,
		BaseDomain:             &s.baseDomain,
		SMTPConfigured:         &smtp,
		FeatureFlags:           flags,
		ManualReleaseNames:     flag("manualReleaseNames"),
		ConfigureDagDeployment: flag("configureDagDeployment"),
		NfsMountDagDeployment:  flag("nfsMountDagDeployment"),
		ManualNamespaceNames:   flag("manualNamespaceNames"),
		HardDeleteDeployment:   flag("hardDeleteDeployment"),
		TriggererEnabled:       flag("triggererEnabled"),
	}
}

func (s *store) deploymentConfig() *model.DeploymentConfig { return s.deploymentConfigRecord }

// runtimeReleasesFor lists the releases available on a cluster (every
// cluster offers all of them; an unknown cluster offers none), keeping only
// those built on airflowVersion when it is given.
func (s *store) runtimeReleasesFor(airflowVersion, clusterID string) []*model.RuntimeRelease {
	if clusterID != "" && s.clusterByID[clusterID] == nil {
		return []*model.RuntimeRelease{}
	}
	out := make([]*model.RuntimeRelease, 0, len(s.runtimeReleases))
	for _, r := range s.runtimeReleases {
		if airflowVersion == "" || *r.AirflowVersion == airflowVersion {
			out = append(out, r)
		}
	}
	return out
}

// workspacesFor lists the workspaces p is bound to (system users: all), in
// creation order.
func (s *store) workspacesFor(p *principal) []*model.Workspace {
	if s.isSystemUser(p) {
		return s.workspaces
	}
	out := []*model.Workspace{}
	for _, w := range s.workspaces {
		if s.isWorkspaceMember(p, w.ID) {
			out = append(out, w)
		}
	}
	return out
}

// workspaceFor returns a workspace, nil when it does not exist, or FORBIDDEN
// when p may not see it.
func (s *store) workspaceFor(p *principal, id string) (*model.Workspace, error) {
	w := s.workspaceByID[id]
	if w == nil {
		return nil, nil
	}
	if !s.canViewWorkspace(p, id) {
		return nil, errForbidden()
	}
	return w, nil
}

// workspaceDeploymentsFor lists a workspace's deployments, optionally only the
// one named releaseName. An unknown workspace has no deployments, but only
// system users may find that out.
func (s *store) workspaceDeploymentsFor(p *principal, workspaceID, releaseName string) ([]*model.Deployment, error) {
	if !s.canListWorkspaceDeployments(p, workspaceID) {
		return nil, errForbidden()
	}
	out := []*model.Deployment{}
	for _, d := range s.deploymentsByWorkspace[workspaceID] {
		if releaseName == "" || d.ReleaseName == releaseName {
			out = append(out, d)
		}
	}
	return out, nil
}

// deploymentsFilter holds the filters of paginatedDeployments; empty strings
// mean no filter.
type deploymentsFilter struct {
	name      string
	clusterID string
}

// deploymentsFor lists, in creation order, the deployments p can see (system
// admins: all) that match f.
func (s *store) deploymentsFor(p *principal, f deploymentsFilter) []*model.Deployment {
	all := s.hasSystemPermission(p, permSystemDeploymentsGet)
	name := strings.ToLower(f.name)
	out := []*model.Deployment{}
	for _, d := range s.deployments {
		if f.clusterID != "" && d.ClusterID != f.clusterID {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(d.Label), name) &&
			!strings.Contains(d.ReleaseName, name) {
			continue
		}
		if !all && !s.canViewDeployment(p, d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// deploymentFor finds a deployment by id, or else by release name. It
// returns nil when none exists, FORBIDDEN when p may not see it.
func (s *store) deploymentFor(p *principal, id, releaseName string) (*model.Deployment, error) {
	if id == "" && releaseName == "" {
		return nil, gqlError(codeBadUserInput, "A required argument was not sent: id")
	}
	d := s.deploymentByID[id]
	if id == "" {
		d = s.deploymentByRelease[releaseName]
	}
	if d == nil {
		return nil, nil
	}
	if !s.canViewDeployment(p, d) {
		return nil, errForbidden()
	}
	return d, nil
}
