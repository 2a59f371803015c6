package astrosim

import (
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
