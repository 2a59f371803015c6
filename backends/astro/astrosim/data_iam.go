package astrosim

import (
	"strings"
	"time"
)

// extendDataset is the second pass of dataset generation: users and their
// roles, Teams, API tokens for the dataset's tokens, custom roles, invites,
// deploy histories and environment objects. It draws from its own stream,
// so the first pass (organizations, workspaces, clusters, deployments)
// stays exactly as it was. It returns the principals of the dataset's
// tokens, in the order of ds.tokens.
func extendDataset(seed int64, ds dataset) []*principal {
	g := newStreamGenerator(seed, 0x69616d2d64617461)
	s := ds.store
	for _, b := range ds.built {
		g.members(s, b)
		g.teams(s, b)
		g.customRole(s, b)
		g.invite(s, b)
		g.envObjects(s, b)
		for _, deps := range b.deployments {
			for _, d := range deps {
				g.deploys(s, d)
			}
		}
	}
	var out []*principal
	for _, t := range ds.tokens {
		p := newPrincipal(t)
		if t.Kind == KindPersonal {
			p.subject = ds.user
		} else {
			tok := g.apiTokenFor(s, t, ds.built)
			// The dataset's API tokens are JWTs like any other: the
			// secret is minted once the ApiToken has its id.
			var ws, dep string
			if len(t.Scope) > 1 {
				ws = t.Scope[1]
			}
			if len(t.Scope) > 2 {
				dep = t.Scope[2]
			}
			created, _ := time.Parse(time.RFC3339, tok.CreatedAt)
			t.Token = mintJWT(jwtKey(seed), apiTokenClaims(tok.ID, g.alnum(16, base62), t.Scope[0], ws, dep, created, time.Time{}))
			tok.secret, tok.ShortToken = t.Token, shortToken(t.Token)
			p = newPrincipal(t)
			p.apiTokenID, p.subject = tok.ID, subject{ID: tok.ID, SubjectType: "SERVICEKEY", APITokenName: tok.Name}
		}
		out = append(out, p)
	}
	return out
}

// members makes the dataset's people users of the organization: the owner
// an ORGANIZATION_OWNER, the others members with Workspace roles, one of
// them with a Deployment role and a DAG role.
func (g *generator) members(s *store, b built) {
	orgCreated, _ := time.Parse(time.RFC3339, b.org.CreatedAt)
	m := map[string]*roleSet{}
	s.members[b.org.ID] = m
	for i, sub := range b.users {
		if _, ok := s.users[sub.ID]; !ok {
			created := g.between(orgCreated, orgCreated.AddDate(0, 3, 0))
			s.users[sub.ID] = &user{
				ID: sub.ID, Username: sub.Username, FullName: sub.FullName, AvatarURL: sub.AvatarURL, Status: "ACTIVE",
				CreatedAt: stamp(created), UpdatedAt: stamp(g.between(created, g.epoch)),
			}
		}
		r := &roleSet{OrganizationRole: "ORGANIZATION_MEMBER"}
		if i == 0 {
			r.OrganizationRole = "ORGANIZATION_OWNER"
		}
		for j, w := range b.workspaces {
			if i == 0 || (i+j)%2 == 0 {
				r.WorkspaceRoles = append(r.WorkspaceRoles, workspaceRole{Role: g.pick(workspaceRoleNames()), WorkspaceID: w.ID})
			}
		}
		if i == 1 && len(b.deployments) > 0 && len(b.deployments[0]) > 0 {
			d := b.deployments[0][0]
			r.DeploymentRoles = []deploymentRole{{DeploymentID: d.ID, Role: "DEPLOYMENT_ADMIN"}}
			r.DagRoles = []dagRole{{DeploymentID: d.ID, DagTag: "finance", Role: "DAG_VIEWER"}}
		}
		m[sub.ID] = r
	}
}

// teams makes two Teams: one that operates the first workspace and an
// on-call Team that administers one deployment.
func (g *generator) teams(s *store, b built) {
	created, _ := time.Parse(time.RFC3339, b.org.CreatedAt)
	owner := b.users[0]
	mk := func(name, description string, members []subject) *team {
		c := g.between(created, g.epoch.AddDate(0, -6, 0))
		t := &team{
			ID: g.id(c), Name: name, Description: description, OrganizationID: b.org.ID, OrganizationRole: "ORGANIZATION_MEMBER",
			CreatedAt: stamp(c), CreatedBy: &owner, UpdatedAt: stamp(g.between(c, g.epoch)), UpdatedBy: &owner,
		}
		for _, m := range members {
			t.members = append(t.members, teamMember{userID: m.ID, addedAt: stamp(c)})
		}
		return t
	}
	platform := mk("Data Platform", "Builds and runs the shared pipelines.", b.users[:min(2, len(b.users))])
	platform = platform.withRoles(&roleSet{OrganizationRole: "ORGANIZATION_MEMBER",
		WorkspaceRoles: []workspaceRole{{Role: "WORKSPACE_OPERATOR", WorkspaceID: b.workspaces[0].ID}}})
	s.teams[platform.ID] = platform
	oncall := mk("On-call", "Answers the pager for production Deployments.", b.users[len(b.users)-1:])
	rs := &roleSet{OrganizationRole: "ORGANIZATION_MEMBER"}
	if len(b.deployments[0]) > 0 {
		rs.DeploymentRoles = []deploymentRole{{DeploymentID: b.deployments[0][0].ID, Role: "DEPLOYMENT_ADMIN"}}
	}
	oncall = oncall.withRoles(rs)
	s.teams[oncall.ID] = oncall
}

// customRole makes a custom Deployment role restricted to the first
// workspace.
func (g *generator) customRole(s *store, b built) {
	c := g.between(g.epoch.AddDate(0, -8, 0), g.epoch.AddDate(0, -1, 0))
	r := &customRole{
		ID: g.id(c), Name: "Deployment Operator", Description: "Reads, updates and deploys to Deployments.", ScopeType: "DEPLOYMENT",
		Permissions:            []string{"deployment.get", "deployment.update", "deployment.logs.get", "deployment.deploys.get", "deployment.deploys.create"},
		RestrictedWorkspaceIDs: []string{b.workspaces[0].ID},
		CreatedAt:              stamp(c), CreatedBy: b.users[0], UpdatedAt: stamp(c), UpdatedBy: b.users[0], orgID: b.org.ID,
	}
	s.roles[r.ID] = r
}

// invite makes one pending invite.
func (g *generator) invite(s *store, b built) {
	c := g.between(g.epoch.AddDate(0, 0, -5), g.epoch)
	inv := &invite{
		InviteID: g.id(c), ExpiresAt: stamp(c.AddDate(0, 0, inviteDays)), OrganizationID: b.org.ID, OrganizationName: b.org.Name,
		Invitee: subject{ID: g.id(c), SubjectType: "USER", Username: "new.hire@" + b.plan.domain},
		Inviter: b.users[0],
	}
	s.invites[inv.InviteID] = inv
}

// envObjects defines a connection, an Airflow variable and an auto-linked
// secret environment variable in the first workspace, and an environment
// variable of its first deployment.
func (g *generator) envObjects(s *store, b built) {
	w := b.workspaces[0]
	c := g.between(g.epoch.AddDate(0, -3, 0), g.epoch)
	owner := b.users[0]
	mk := func(key, typ, scope, entity string) *envObject {
		o := &envObject{ID: g.id(c), ObjectKey: key, ObjectType: typ, Scope: scope, ScopeEntityID: entity,
			CreatedAt: stamp(c), CreatedBy: &owner, UpdatedAt: stamp(c), UpdatedBy: &owner, orgID: b.org.ID}
		return o
	}
	conn := mk("warehouse_default", "CONNECTION", "WORKSPACE", w.ID)
	conn.Description = "The analytics warehouse."
	conn.Connection = &envConnection{Type: "postgres", Host: "warehouse." + b.plan.domain, Login: "airflow", Password: g.alnum(20, base62), Port: 5432, Schema: "analytics"}
	vari := mk("environment", "AIRFLOW_VARIABLE", "WORKSPACE", w.ID)
	vari.AirflowVariable = &envValue{Value: "production"}
	secret := mk("PAYMENTS_API_KEY", "ENVIRONMENT_VARIABLE", "WORKSPACE", w.ID)
	secret.EnvironmentVariable, secret.AutoLinkDeployments = &envValue{IsSecret: true, Value: g.alnum(32, base62)}, true
	objs := []*envObject{conn, vari, secret}
	if deps := b.deployments[0]; len(deps) > 0 {
		conn.Links = []envLink{{Scope: "DEPLOYMENT", ScopeEntityID: deps[0].ID, SetFields: []string{"schema"}, ConnectionOverrides: &envConnection{Schema: "analytics_dev"}}}
		dv := mk("LOG_LEVEL", "ENVIRONMENT_VARIABLE", "DEPLOYMENT", deps[0].ID)
		dv.EnvironmentVariable = &envValue{Value: "DEBUG"}
		objs = append(objs, dv)
	}
	for _, o := range objs {
		o.SetFields = o.setFields()
		s.envObjects[o.ID] = o
	}
}

// deploys makes a deploy history that ends in the deployment's current
// image: one to three deploys, all DEPLOYED.
func (g *generator) deploys(s *store, d *deployment) {
	created, _ := time.Parse(time.RFC3339, d.CreatedAt)
	updated, _ := time.Parse(time.RFC3339, d.UpdatedAt)
	n := 1 + g.rng.IntN(3)
	at := created
	for i := range n {
		if i == n-1 {
			at = g.between(at, updated.Add(time.Second))
		} else {
			at = g.between(at, created.Add(updated.Sub(created)/2+time.Second))
		}
		x := &deploy{
			ID: g.id(at), DeploymentID: d.ID, Status: "DEPLOYED", Type: "IMAGE_ONLY",
			ImageRepository: d.ImageRepository, ImageTag: "deploy-" + at.Format("2006-01-02T15-04"),
			IsDagDeployEnabled: d.IsDagDeployEnabled, AstroRuntimeVersion: d.AstroRuntimeVersion, AirflowVersion: d.AirflowVersion,
			CreatedAt: stamp(at), UpdatedAt: stamp(at), CreatedBySubject: ptr(d.CreatedBy), UpdatedBySubject: ptr(d.CreatedBy),
		}
		if d.IsDagDeployEnabled {
			x.Type, x.DagTarballVersion = "IMAGE_AND_DAG", at.Format("2006-01-02T15:04:05.0000000Z")
		}
		if i == n-1 {
			x.ImageTag, x.DagTarballVersion = d.ImageTag, d.DagTarballVersion
		}
		if g.chance(0.5) {
			sha := g.alnum(40, base36[:16])
			x.Git = &deployGit{Provider: "GITHUB", Account: strings.ToLower(strings.Fields(d.WorkspaceName)[0]), Repo: d.Name,
				Branch: "main", CommitSha: sha, CommitURL: "https://github.com/" + strings.ToLower(strings.Fields(d.WorkspaceName)[0]) + "/" + d.Name + "/commit/" + sha}
			x.Description = "CI deploy of " + sha[:7]
		}
		s.deploys[x.ID] = x
	}
}

// apiTokenFor makes the ApiToken object behind one of the dataset's API
// tokens: Organization tokens are owners, Workspace tokens operators,
// Deployment tokens admins of their Deployment.
func (g *generator) apiTokenFor(s *store, t Token, built []built) *apiToken {
	c := g.between(g.epoch.AddDate(-1, 0, 0), g.epoch.AddDate(0, -1, 0))
	var owner subject
	for _, b := range built {
		if b.org.ID == t.Scope[0] {
			owner = b.users[0]
		}
	}
	_, name, _ := strings.Cut(t.Label, ":")
	tok := &apiToken{
		ID: g.id(c), Name: name + " token", Description: "The simulator's " + strings.ToLower(t.Kind) + " token for " + name + ".",
		Kind: "STANDARD", CreatedAt: stamp(c), CreatedBy: &owner, UpdatedAt: stamp(c), UpdatedBy: &owner, StartAt: stamp(c),
		ShortToken: shortToken(t.Token), orgID: t.Scope[0], secret: t.Token,
	}
	switch t.Kind {
	case KindOrganization:
		tok.Scope, tok.entityID = "ORGANIZATION", t.Scope[0]
		tok.Roles = []tokenRole{{EntityType: "ORGANIZATION", EntityID: t.Scope[0], Role: "ORGANIZATION_OWNER"}}
	case KindWorkspace:
		tok.Scope, tok.entityID = "WORKSPACE", t.Scope[1]
		tok.Roles = []tokenRole{{EntityType: "WORKSPACE", EntityID: t.Scope[1], Role: "WORKSPACE_OPERATOR"}}
	case KindDeployment:
		tok.Scope, tok.entityID = "DEPLOYMENT", t.Scope[2]
		tok.Roles = []tokenRole{{EntityType: "DEPLOYMENT", EntityID: t.Scope[2], Role: "DEPLOYMENT_ADMIN"}}
	}
	s.apiTokens[tok.ID] = tok
	return tok
}
