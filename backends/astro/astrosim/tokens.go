package astrosim

import (
	"time"
)

// Token kinds, the values of [Token].Kind.
const (
	KindOrganization = "ORGANIZATION"
	KindWorkspace    = "WORKSPACE"
	KindDeployment   = "DEPLOYMENT"
	KindPersonal     = "PERSONAL"
)

// Token is one API token the simulator accepts, as listed by [Sim.Tokens]
// and GET /_sim/tokens.
//
// Scope lists the ids the token is bound to, widest first:
//   - ORGANIZATION: [organizationId]
//   - PERSONAL: the ids of every organization the user belongs to
//   - WORKSPACE: [organizationId, workspaceId]
//   - DEPLOYMENT: [organizationId, workspaceId, deploymentId]
//
// So Scope[0] is always an organization the token may call, and the last
// element is the narrowest object it sees.
type Token struct {
	Token string   `json:"token"`
	Label string   `json:"label"` // "org:<name>", "personal:<username>", "workspace:<name>", "deployment:<name>"
	Kind  string   `json:"kind"`  // ORGANIZATION, WORKSPACE, DEPLOYMENT or PERSONAL
	Scope []string `json:"scope"`
}

// principal is what a token may see and do. Organization and personal
// tokens see and manage everything in their organizations; a workspace
// token sees and manages its workspace and the deployments in it; a
// deployment token its deployment. All of them may read their
// organizations and list workspaces and deployments (filtered to what they
// see), but every other organization.* permission of the spec
// (organization.clusters.get, organization.teams.create, …) needs an
// organization-level token.
type principal struct {
	Token
	orgs         map[string]bool
	workspaceID  string // WORKSPACE and DEPLOYMENT tokens
	deploymentID string // DEPLOYMENT tokens

	subject    subject   // who writes stamp into createdBy and updatedBy
	apiTokenID string    // the ApiToken object behind the token; "" for a personal token
	expiresAt  time.Time // zero: never
}

func newPrincipal(t Token) *principal {
	p := &principal{Token: t, orgs: map[string]bool{}}
	switch t.Kind {
	case KindOrganization, KindPersonal:
		for _, id := range t.Scope {
			p.orgs[id] = true
		}
	case KindWorkspace:
		p.orgs[t.Scope[0]] = true
		p.workspaceID = t.Scope[1]
	case KindDeployment:
		p.orgs[t.Scope[0]] = true
		p.workspaceID = t.Scope[1]
		p.deploymentID = t.Scope[2]
	}
	return p
}

// orgWide reports whether the token holds organization-level permissions.
func (p *principal) orgWide() bool {
	return p.Kind == KindOrganization || p.Kind == KindPersonal
}

func (p *principal) seesOrg(id string) bool { return p.orgs[id] }

func (p *principal) seesWorkspace(w *workspace) bool {
	if !p.orgs[w.OrganizationID] {
		return false
	}
	return p.orgWide() || (p.Kind == KindWorkspace && w.ID == p.workspaceID)
}

func (p *principal) seesDeployment(d *deployment) bool {
	if !p.orgs[d.OrganizationID] {
		return false
	}
	switch p.Kind {
	case KindWorkspace:
		return d.WorkspaceID == p.workspaceID
	case KindDeployment:
		return d.ID == p.deploymentID
	}
	return true
}
