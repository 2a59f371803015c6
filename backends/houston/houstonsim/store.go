package houstonsim

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim/internal/model"
)

// store is the simulator's data: one installation of Houston.
//
// Concurrency: mu guards everything below it. Records (*model.Deployment and
// the others) are never modified once stored: a write stores a changed copy
// and replaces the slices that hold records (copy on write), then rebuilds
// the indexes. Resolvers may therefore keep and read the records and slices
// they were given after the lock is released. Every method that reads takes
// the read lock itself, so field resolvers can call them freely; methods
// whose names end in "Locked" expect the caller to hold the lock.
type store struct {
	// Set when the dataset is built, never changed.
	baseDomain             string
	featureFlags           map[string]any
	clusters               []*cluster
	clusterByID            map[string]*cluster
	runtimeReleases        []*model.RuntimeRelease
	deploymentConfigRecord *model.DeploymentConfig
	now                    func() time.Time

	mu sync.RWMutex
	// ids makes ids, API keys and release names for new objects; it goes on
	// from where the dataset generator stopped, so that a run is repeatable.
	ids *idSource

	workspaces      []*model.Workspace // in creation order
	deployments     []*model.Deployment
	users           []*model.User
	teams           []*model.Team
	teamMembers     map[string][]string // team id → user ids, in joining order
	serviceAccounts []*model.ServiceAccount
	bindings        []*model.RoleBinding
	invites         []*model.Invite
	passwords       map[string]string // user id → local password
	// reserved holds the release names of soft-deleted deployments: they
	// stay taken (Houston keeps the row).
	reserved   map[string]bool
	principals map[string]*principal // by credential (JWT or API key)
	tokens     []Token

	idx indexes
}

// indexes are derived from the store's slices by reindex.
type indexes struct {
	workspaceByID          map[string]*model.Workspace
	deploymentByID         map[string]*model.Deployment
	deploymentByRelease    map[string]*model.Deployment
	deploymentsByWorkspace map[string][]*model.Deployment
	userByID               map[string]*model.User
	userByEmail            map[string]*model.User // lower-cased address
	teamByID               map[string]*model.Team
	teamsOfUser            map[string][]string
	accountByID            map[string]*model.ServiceAccount
	bindingByID            map[string]*model.RoleBinding
	bindingsByUser         map[string][]*model.RoleBinding
	bindingsByTeam         map[string][]*model.RoleBinding
	bindingByAccount       map[string]*model.RoleBinding
	bindingsByWorkspace    map[string][]*model.RoleBinding
	bindingsByDeployment   map[string][]*model.RoleBinding
}

// cluster is a Kubernetes cluster of the installation. Its feature flags
// override the platform's when appConfig is asked about the cluster.
type cluster struct {
	id           string
	label        string
	featureFlags map[string]any
}

func newStore(baseDomain string, ids *idSource, now func() time.Time) *store {
	s := &store{
		baseDomain:  baseDomain,
		clusterByID: map[string]*cluster{},
		now:         now,
		ids:         ids,
		teamMembers: map[string][]string{},
		passwords:   map[string]string{},
		reserved:    map[string]bool{},
		principals:  map[string]*principal{},
	}
	s.reindex()
	return s
}

// reindex rebuilds every index from the slices. Writes call it with the
// lock held; the dataset generator calls it between its steps.
func (s *store) reindex() {
	x := indexes{
		workspaceByID:          make(map[string]*model.Workspace, len(s.workspaces)),
		deploymentByID:         make(map[string]*model.Deployment, len(s.deployments)),
		deploymentByRelease:    make(map[string]*model.Deployment, len(s.deployments)),
		deploymentsByWorkspace: map[string][]*model.Deployment{},
		userByID:               make(map[string]*model.User, len(s.users)),
		userByEmail:            make(map[string]*model.User, len(s.users)),
		teamByID:               make(map[string]*model.Team, len(s.teams)),
		teamsOfUser:            map[string][]string{},
		accountByID:            make(map[string]*model.ServiceAccount, len(s.serviceAccounts)),
		bindingByID:            make(map[string]*model.RoleBinding, len(s.bindings)),
		bindingsByUser:         map[string][]*model.RoleBinding{},
		bindingsByTeam:         map[string][]*model.RoleBinding{},
		bindingByAccount:       map[string]*model.RoleBinding{},
		bindingsByWorkspace:    map[string][]*model.RoleBinding{},
		bindingsByDeployment:   map[string][]*model.RoleBinding{},
	}
	for _, w := range s.workspaces {
		x.workspaceByID[w.ID] = w
	}
	for _, d := range s.deployments {
		x.deploymentByID[d.ID] = d
		x.deploymentByRelease[d.ReleaseName] = d
		x.deploymentsByWorkspace[d.WorkspaceID] = append(x.deploymentsByWorkspace[d.WorkspaceID], d)
	}
	for _, u := range s.users {
		x.userByID[u.ID] = u
		for _, e := range u.Emails {
			if e.Address != nil {
				x.userByEmail[strings.ToLower(*e.Address)] = u
			}
		}
	}
	for _, t := range s.teams {
		x.teamByID[t.ID] = t
		for _, u := range s.teamMembers[t.ID] {
			x.teamsOfUser[u] = append(x.teamsOfUser[u], t.ID)
		}
	}
	for _, a := range s.serviceAccounts {
		x.accountByID[a.ID] = a
	}
	for _, b := range s.bindings {
		x.bindingByID[b.ID] = b
		switch {
		case b.UserID != "":
			x.bindingsByUser[b.UserID] = append(x.bindingsByUser[b.UserID], b)
		case b.TeamID != "":
			x.bindingsByTeam[b.TeamID] = append(x.bindingsByTeam[b.TeamID], b)
		case b.ServiceAccountID != "":
			x.bindingByAccount[b.ServiceAccountID] = b
		}
		if b.WorkspaceID != "" {
			x.bindingsByWorkspace[b.WorkspaceID] = append(x.bindingsByWorkspace[b.WorkspaceID], b)
		}
		if b.DeploymentID != "" {
			x.bindingsByDeployment[b.DeploymentID] = append(x.bindingsByDeployment[b.DeploymentID], b)
		}
	}
	s.idx = x
}

// Building. The dataset generator calls these before the store is shared;
// writes call them with the lock held and reindex afterwards. Each appends
// to a fresh slice, so readers holding the old one are not disturbed.

func (s *store) addCluster(c *cluster) {
	s.clusters = append(s.clusters, c)
	s.clusterByID[c.id] = c
}

func (s *store) addWorkspace(w *model.Workspace) { s.workspaces = appendCopy(s.workspaces, w) }

func (s *store) addDeployment(d *model.Deployment) { s.deployments = appendCopy(s.deployments, d) }

func (s *store) addUser(u *model.User, password string) {
	s.users = appendCopy(s.users, u)
	s.passwords[u.ID] = password
}

func (s *store) addTeam(t *model.Team, members []string) {
	s.teams = appendCopy(s.teams, t)
	s.teamMembers[t.ID] = members
}

func (s *store) addServiceAccount(a *model.ServiceAccount) {
	s.serviceAccounts = appendCopy(s.serviceAccounts, a)
}

func (s *store) addBinding(b *model.RoleBinding) { s.bindings = appendCopy(s.bindings, b) }

func (s *store) addInvite(i *model.Invite) { s.invites = appendCopy(s.invites, i) }

// addToken makes credential log in as p; t (whose Token field addToken
// fills in) is what Sim.Tokens lists.
func (s *store) addToken(credential string, p *principal, t Token) {
	s.principals[credential] = p
	t.Token = credential
	s.tokens = appendCopy(s.tokens, t)
}

// removeToken makes credential stop working.
func (s *store) removeToken(credential string) {
	delete(s.principals, credential)
	s.tokens = slices.DeleteFunc(slices.Clone(s.tokens), func(t Token) bool { return t.Token == credential })
}

// replace returns a copy of list with the record whose id matches put in
// its place.
func replace[T any](list []*T, id func(*T) string, v *T) []*T {
	out := slices.Clone(list)
	for i, old := range out {
		if id(old) == id(v) {
			out[i] = v
		}
	}
	return out
}

// without returns a copy of list without the records drop matches.
func without[T any](list []*T, drop func(*T) bool) []*T {
	return slices.DeleteFunc(slices.Clone(list), drop)
}

func appendCopy[T any](list []T, v T) []T {
	out := make([]T, len(list), len(list)+1)
	copy(out, list)
	return append(out, v)
}

// Lookups, each under the read lock.

// callerFor resolves a credential. An empty credential is anonymous; one the
// store does not know is invalid. Both get no principal.
func (s *store) callerFor(cred string) caller {
	if cred == "" {
		return caller{label: labelAnonymous}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.principals[cred]
	if !ok {
		return caller{label: labelInvalid}
	}
	return caller{label: p.label, p: p}
}

func (s *store) tokenList() []Token {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Token, len(s.tokens))
	for i, t := range s.tokens {
		t.Scope = append([]string{}, t.Scope...)
		out[i] = t
	}
	return out
}

func (s *store) workspace(id string) *model.Workspace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.workspaceByID[id]
}

func (s *store) deployment(id string) *model.Deployment {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.deploymentByID[id]
}

func (s *store) user(id string) *model.User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.userByID[id]
}

func (s *store) team(id string) *model.Team {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.teamByID[id]
}

func (s *store) serviceAccount(id string) *model.ServiceAccount {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.accountByID[id]
}

// Lists of related objects are never nil, so that GraphQL lists come out as
// [] rather than null.

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *store) userBindings(userID string) []*model.RoleBinding {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return nonNil(s.idx.bindingsByUser[userID])
}

func (s *store) teamBindings(teamID string) []*model.RoleBinding {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return nonNil(s.idx.bindingsByTeam[teamID])
}

func (s *store) workspaceBindings(workspaceID string) []*model.RoleBinding {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return nonNil(s.idx.bindingsByWorkspace[workspaceID])
}

func (s *store) deploymentBindings(deploymentID string) []*model.RoleBinding {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return nonNil(s.idx.bindingsByDeployment[deploymentID])
}

func (s *store) accountBinding(accountID string) *model.RoleBinding {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.bindingByAccount[accountID]
}

func (s *store) deploymentCount(workspaceID string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.idx.deploymentsByWorkspace[workspaceID])
}

func (s *store) workspaceInvitesLocked(workspaceID string) []*model.Invite {
	out := []*model.Invite{}
	for _, i := range s.invites {
		if i.WorkspaceID == workspaceID {
			out = append(out, i)
		}
	}
	return out
}

func (s *store) workspaceInviteList(workspaceID string) []*model.Invite {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.workspaceInvitesLocked(workspaceID)
}

// usersBoundLocked lists, in binding order and without repeats, the users
// with a direct binding in bindings.
func (s *store) usersBoundLocked(bindings []*model.RoleBinding) []*model.User {
	out := []*model.User{}
	seen := map[string]bool{}
	for _, b := range bindings {
		if b.UserID != "" && !seen[b.UserID] {
			seen[b.UserID] = true
			if u := s.idx.userByID[b.UserID]; u != nil {
				out = append(out, u)
			}
		}
	}
	return out
}

// teamsBoundLocked lists, in binding order and without repeats, the teams
// with a binding in bindings.
func (s *store) teamsBoundLocked(bindings []*model.RoleBinding) []*model.Team {
	out := []*model.Team{}
	seen := map[string]bool{}
	for _, b := range bindings {
		if b.TeamID != "" && !seen[b.TeamID] {
			seen[b.TeamID] = true
			if t := s.idx.teamByID[b.TeamID]; t != nil {
				out = append(out, t)
			}
		}
	}
	return out
}

func (s *store) workspaceUsers(workspaceID string) []*model.User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.usersBoundLocked(s.idx.bindingsByWorkspace[workspaceID])
}

// idSource makes Prisma-style ids, API keys and other random values from one
// seeded source. It is not safe for concurrent use: the generator owns it
// while building, the store (under its lock) afterwards.
type idSource struct {
	rng         *rand.Rand
	counter     int64
	fingerprint string
}
