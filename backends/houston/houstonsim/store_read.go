package houstonsim

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// Queries behind the root fields. Each takes an authenticated principal and
// the read lock.

// appConfig merges the platform's feature flags with those of the cluster
// named by clusterID, or else of the cluster of the deployment named by
// deploymentID. Unknown or empty ids merge nothing. (Workspaces carry no
// configuration of their own here, so a workspace id changes nothing.)
func (s *store) appConfig(version, clusterID, deploymentID string) *model.AppConfig {
	s.mu.RLock()
	defer s.mu.RUnlock()
	flags := maps.Clone(s.featureFlags)
	c := s.clusterByID[clusterID]
	if c == nil {
		if d := s.idx.deploymentByID[deploymentID]; d != nil {
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
	registry := "registry." + s.baseDomain
	return &model.AppConfig{
		Version:                &version,
		BaseDomain:             &s.baseDomain,
		ByoUpdateRegistryHost:  &registry,
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

// authConfig: local logins and public sign-up are on, with one OAuth
// provider.
func (s *store) authConfig() *model.AuthConfig {
	yes, no := true, false
	return &model.AuthConfig{
		LocalEnabled:  &yes,
		PublicSignup:  &yes,
		InitialSignup: &no,
		Providers: []*model.AuthProvider{{
			Name: "oidc", DisplayName: ptr("Single sign-on"),
			URL: "https://houston." + s.baseDomain + "/v1/oauth/start?provider=oidc",
		}},
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

// namespacesPerCluster is how many pre-created namespaces each cluster has
// for deployments whose users pick one.
const namespacesPerCluster = 6

// availableNamespaces lists the pre-created namespaces of a cluster (of
// every cluster when clusterID is "") that no deployment uses. An unknown
// cluster has none.
func (s *store) availableNamespaces(clusterID string) []*model.AvailableNamespace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	used := map[string]bool{}
	for _, d := range s.deployments {
		used[d.Namespace] = true
	}
	out := []*model.AvailableNamespace{}
	for i, c := range s.clusters {
		if clusterID != "" && c.id != clusterID {
			continue
		}
		for n := 1; n <= namespacesPerCluster; n++ {
			name := c.label + "-ns-" + strconv.Itoa(n)
			if i >= 3 { // cluster labels repeat after three clusters
				name = c.label + strconv.Itoa(i) + "-ns-" + strconv.Itoa(n)
			}
			if !used[name] {
				out = append(out, &model.AvailableNamespace{Name: ptr(name)})
			}
		}
	}
	return out
}

// workspacesFor lists the workspaces p is bound to (system users: all), in
// creation order.
func (s *store) workspacesFor(p *principal) []*model.Workspace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.isSystemUserLocked(p) {
		return s.workspaces
	}
	out := []*model.Workspace{}
	for _, w := range s.workspaces {
		if s.isWorkspaceMemberLocked(p, w.ID) {
			out = append(out, w)
		}
	}
	return out
}

// workspaceFor returns a workspace, nil when it does not exist, or FORBIDDEN
// when p may not see it.
func (s *store) workspaceFor(p *principal, id string) (*model.Workspace, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	w := s.idx.workspaceByID[id]
	if w == nil {
		return nil, nil
	}
	if !s.canViewWorkspaceLocked(p, id) {
		return nil, errForbidden()
	}
	return w, nil
}

// workspaceDeploymentsFor lists a workspace's deployments, optionally only the
// one named releaseName. An unknown workspace has no deployments, but only
// system users may find that out.
func (s *store) workspaceDeploymentsFor(p *principal, workspaceID, releaseName string) ([]*model.Deployment, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.workspaceAllowsLocked(p, workspaceID, permWorkspaceDeploymentsGet, permSystemDeploymentsGet) {
		return nil, errForbidden()
	}
	out := []*model.Deployment{}
	for _, d := range s.idx.deploymentsByWorkspace[workspaceID] {
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
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.systemAllowsLocked(p, permSystemDeploymentsGet)
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
		if !all && !s.canViewDeploymentLocked(p, d) {
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
		return nil, errRequired("id")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.idx.deploymentByID[id]
	if id == "" {
		d = s.idx.deploymentByRelease[releaseName]
	}
	if d == nil {
		return nil, nil
	}
	if !s.canViewDeploymentLocked(p, d) {
		return nil, errForbidden()
	}
	return d, nil
}

// deploymentLocked finds a deployment p may do perm on (or one of the system
// permissions sys): NOT_FOUND for system users asking for an unknown id,
// FORBIDDEN for others.
func (s *store) deploymentLocked(p *principal, id, perm string, sys ...string) (*model.Deployment, error) {
	d := s.idx.deploymentByID[id]
	if d == nil {
		if s.isSystemUserLocked(p) {
			return nil, errNotFound()
		}
		return nil, errForbidden()
	}
	if !s.deploymentAllowsLocked(p, d, perm, sys...) {
		return nil, errForbidden()
	}
	return d, nil
}

// workspaceLocked finds a workspace p may do perm on, like deploymentLocked.
func (s *store) workspaceLocked(p *principal, id, perm string, sys ...string) (*model.Workspace, error) {
	w := s.idx.workspaceByID[id]
	if !s.workspaceAllowsLocked(p, id, perm, sys...) {
		return nil, errForbidden()
	}
	if w == nil {
		return nil, errNotFound()
	}
	return w, nil
}

// userSearch is a filter on users; empty fields match everything.
type userSearch struct {
	id, email, fullName, username string
}

func searchOf(u *model.UserSearch) userSearch {
	if u == nil {
		return userSearch{}
	}
	id := deref(u.UserID)
	if id == "" {
		id = deref(u.UserUUID)
	}
	return userSearch{id: id, email: deref(u.Email), fullName: deref(u.FullName), username: deref(u.Username)}
}

func (f userSearch) matches(u *model.User) bool {
	if f.id != "" && u.ID != f.id {
		return false
	}
	if f.username != "" && !strings.EqualFold(u.Username, f.username) {
		return false
	}
	if f.fullName != "" && !strings.Contains(strings.ToLower(u.FullName), strings.ToLower(f.fullName)) {
		return false
	}
	if f.email != "" && !slices.ContainsFunc(u.Emails, func(e *model.Email) bool {
		return e.Address != nil && strings.EqualFold(*e.Address, f.email)
	}) {
		return false
	}
	return true
}

func filterUsers(users []*model.User, f userSearch) []*model.User {
	out := []*model.User{}
	for _, u := range users {
		if f.matches(u) {
			out = append(out, u)
		}
	}
	return out
}

// workspaceUsersFor lists the users bound to a workspace that match f.
func (s *store) workspaceUsersFor(p *principal, workspaceID string, f userSearch) ([]*model.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceUsersGet, permSystemUsersGet); err != nil {
		return nil, err
	}
	return filterUsers(s.usersBoundLocked(s.idx.bindingsByWorkspace[workspaceID]), f), nil
}

// workspaceTeamsFor lists the teams bound to a workspace.
func (s *store) workspaceTeamsFor(p *principal, workspaceID string) ([]*model.Team, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceUsersGet, permSystemUsersGet); err != nil {
		return nil, err
	}
	return s.teamsBoundLocked(s.idx.bindingsByWorkspace[workspaceID]), nil
}

// workspaceInvitesFor lists a workspace's pending invitations, optionally
// only those for email.
func (s *store) workspaceInvitesFor(p *principal, workspaceID, email string) ([]*model.Invite, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceInvitesGet, permSystemInviteGet); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(s.workspaceInvitesLocked(workspaceID), func(i *model.Invite) bool {
		return email != "" && !strings.EqualFold(deref(i.Email), email)
	}), nil
}

// accountsOfLocked lists the service accounts bound to an entity.
func (s *store) accountsOfLocked(entityType, entityID string) []*model.ServiceAccount {
	out := []*model.ServiceAccount{}
	for _, a := range s.serviceAccounts {
		if a.EntityType == entityType && a.EntityUUID == entityID {
			out = append(out, a)
		}
	}
	return out
}

func (s *store) workspaceAccountsFor(p *principal, workspaceID string) ([]*model.ServiceAccount, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceAccountsGet, permSystemServiceAccountsGet); err != nil {
		return nil, err
	}
	return s.accountsOfLocked("WORKSPACE", workspaceID), nil
}

func (s *store) deploymentAccountsFor(p *principal, deploymentID string) ([]*model.ServiceAccount, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.deploymentLocked(p, deploymentID, permDeploymentAccountsGet, permSystemServiceAccountsGet); err != nil {
		return nil, err
	}
	return s.accountsOfLocked("DEPLOYMENT", deploymentID), nil
}

// deploymentPeopleLocked finds a deployment whose users and teams p may
// list: its viewers (directly or through the workspace) and system users who
// may list users or deployments.
func (s *store) deploymentPeopleLocked(p *principal, deploymentID string) (*model.Deployment, error) {
	return s.deploymentLocked(p, deploymentID, permDeploymentConfigGet, permSystemUsersGet, permSystemDeploymentsGet)
}

// deploymentUsersFor lists the users with a role on the deployment that
// match f.
func (s *store) deploymentUsersFor(p *principal, deploymentID string, f userSearch) ([]*model.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.deploymentPeopleLocked(p, deploymentID); err != nil {
		return nil, err
	}
	return filterUsers(s.usersBoundLocked(s.idx.bindingsByDeployment[deploymentID]), f), nil
}

func (s *store) deploymentTeamsFor(p *principal, deploymentID string) ([]*model.Team, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.deploymentPeopleLocked(p, deploymentID); err != nil {
		return nil, err
	}
	return s.teamsBoundLocked(s.idx.bindingsByDeployment[deploymentID]), nil
}

// teamFor returns a team to system users, to its members, and — with a
// workspace id — to those who may list the users of that workspace when
// the team is bound to it. An unknown team is NOT_FOUND.
func (s *store) teamFor(p *principal, teamID, workspaceID string) (*model.Team, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.idx.teamByID[teamID]
	if !s.canSeeTeamLocked(p, teamID, workspaceID) {
		return nil, errForbidden()
	}
	if t == nil {
		return nil, errNotFound()
	}
	return t, nil
}

func (s *store) canSeeTeamLocked(p *principal, teamID, workspaceID string) bool {
	if s.systemAllowsLocked(p, permSystemTeamsGet) || slices.Contains(s.idx.teamsOfUser[p.userID], teamID) && p.userID != "" {
		return true
	}
	if workspaceID == "" || !s.workspaceAllowsLocked(p, workspaceID, permWorkspaceUsersGet) {
		return false
	}
	return slices.ContainsFunc(s.idx.bindingsByTeam[teamID], func(b *model.RoleBinding) bool {
		return b.WorkspaceID == workspaceID
	})
}

func (s *store) teamUsersFor(p *principal, teamID string) ([]*model.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.canSeeTeamLocked(p, teamID, "") {
		return nil, errForbidden()
	}
	if s.idx.teamByID[teamID] == nil {
		return nil, errNotFound()
	}
	out := []*model.User{}
	for _, id := range s.teamMembers[teamID] {
		if u := s.idx.userByID[id]; u != nil {
			out = append(out, u)
		}
	}
	return out, nil
}

// teamsFor lists the teams p may see: all for system users; with a
// workspace id, the teams bound to that workspace.
func (s *store) teamsFor(p *principal, workspaceID string) ([]*model.Team, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if workspaceID != "" {
		if _, err := s.workspaceLocked(p, workspaceID, permWorkspaceUsersGet, permSystemTeamsGet); err != nil {
			return nil, err
		}
		return s.teamsBoundLocked(s.idx.bindingsByWorkspace[workspaceID]), nil
	}
	if !s.systemAllowsLocked(p, permSystemTeamsGet) {
		return nil, errForbidden()
	}
	return s.teams, nil
}

// usersFor lists the platform's users (system users only) matching f.
func (s *store) usersFor(p *principal, f userSearch) ([]*model.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.systemAllowsLocked(p, permSystemUsersGet) {
		return nil, errForbidden()
	}
	return filterUsers(s.users, f), nil
}

// self describes the caller: a user, or for a service account nothing but
// its permissions.
func (s *store) self(p *principal) *model.AuthUser {
	s.mu.RLock()
	defer s.mu.RUnlock()
	admin := s.systemAllowsLocked(p, permSystemDeploymentsGet)
	out := &model.AuthUser{IsAdmin: &admin, Permissions: s.permissionMapLocked(p)}
	if u := s.idx.userByID[p.userID]; u != nil {
		out.User = u
	}
	return out
}

// permissionMapLocked lists p's system permissions, {"perm": true}, as
// Houston's AuthUser.permissions does.
func (s *store) permissionMapLocked(p *principal) map[string]any {
	out := map[string]any{permSystemWorkspaceCreation: true}
	for _, b := range s.bindingsOfLocked(p) {
		if isSystemBinding(b) {
			for _, perm := range permissionsOf(b.Role) {
				out[perm] = true
			}
		}
	}
	return out
}
