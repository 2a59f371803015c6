package graph

import (
	"context"
	"encoding/json"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/vektah/gqlparser/v2/ast"
)

// The cost model: what a query will make the gateway do, estimated from the
// document and its variables before any resolver runs (see internal/cost,
// which checks it against the limits). gqlgen's complexity walker
// (complexity.Calculate) adds up one figure per field; each figure is the
// field's own weight plus what its selection costs, multiplied by how many
// times that selection will run:
//
//   - a scalar or enum costs nothing, an object 1 (CostObject);
//   - a field that makes an upstream request that no batch can share costs
//     CostCall more, once per parent: a connection under a list (a
//     deployment's deploys, a team's members) is one request per parent,
//     and its selection runs first (or its default page size) times per
//     parent;
//   - a field served by a per-request loader batch (a deployment's
//     workspace or cluster, node(id), a workspace's deployments) or read
//     from its parent (a Software workspace's users) costs only its
//     objects: the batch's one request is shared by every parent;
//   - Query.deploymentReport reads every deployment: CostReport;
//   - a plain list without first (an API token's roles, a deployment's
//     worker queues) is taken to hold costListSize items.
//
// Fragments count once per use, and an interface field counts as its most
// expensive implementation.
const (
	// CostObject is the weight of one object in the response.
	CostObject = 1
	// CostCall is the weight of one upstream request: about what a hundred
	// objects cost the gateway, and one of the caller's 25 GETs a second.
	CostCall = 100
	// CostReport is the weight of Query.deploymentReport: it reads every
	// deployment of every organization and installation, ten requests or
	// so.
	CostReport = 10 * CostCall
	// costListSize is the assumed length of a list field without first.
	costListSize = 10
)

// freeConnections make no upstream request of their own per parent: they
// page over what the parent already holds (a Software workspace's members),
// or their parent queues one batch for all its items (a page of workspaces
// asks for all their deployments in one ListDeployments, or one Houston
// document). Their items still cost what they select.
var freeConnections = map[string]bool{
	"AstroWorkspace.deployments":         true,
	"SoftwareWorkspace.deployments":      true,
	"SoftwareWorkspace.users":            true,
	"SoftwareWorkspace.teams":            true,
	"SoftwareWorkspace.serviceAccounts":  true,
	"SoftwareWorkspace.invites":          true,
	"SoftwareDeployment.users":           true,
	"SoftwareDeployment.teams":           true,
	"SoftwareDeployment.serviceAccounts": true,
}

// calls are the fields other than connections that make upstream requests
// of their own, per parent: reads with no batch endpoint, and by-id reads
// that a loader can only deduplicate. Fields served by a batching loader
// (AstroDeployment.workspace and .cluster, Software lookups by id, node) are
// not here. Every Mutation field costs a call too.
var calls = map[string]int{
	"Query.deployments":                   2 * CostCall, // both platforms
	"Query.workspaces":                    2 * CostCall,
	"Query.deploymentReport":              CostReport,
	"Query.upgradeReport":                 CostReport + 2*CostCall, // and each backend's releases
	"Query.backends":                      CostCall,                // each installation's version, probed once
	"AstroQuery.self":                     CostCall,
	"AstroQuery.permissionGroups":         CostCall,
	"AstroOrganization.auditLogs":         CostCall,
	"AstroOrganization.apiToken":          CostCall,
	"AstroOrganization.role":              CostCall,
	"AstroOrganization.roleTemplates":     CostCall,
	"AstroOrganization.clusterOptions":    CostCall,
	"AstroOrganization.deploymentOptions": CostCall,
	"AstroOrganization.environmentObject": CostCall,
	"AstroOrganization.user":              CostCall,
	"AstroOrganization.team":              CostCall,
	"AstroDeployment.deploy":              CostCall,
	"AstroDeployment.agentToken":          CostCall,
	"AstroDeployment.options":             CostCall,
	"AstroCustomRole.permissions":         CostCall,
	"AstroUserTeam.team":                  CostCall,
	"SoftwareQuery.houstonVersion":        CostCall,
	"SoftwareQuery.appConfig":             CostCall,
	"SoftwareQuery.authConfig":            CostCall,
	"SoftwareQuery.availableNamespaces":   CostCall,
	"SoftwareDeployment.logs":             CostCall,
	"SoftwareQuery.deploymentConfig":      CostCall,
	"SoftwareQuery.runtimeReleases":       CostCall,
	"SoftwareTeam.users":                  CostCall,
	"Subscription.deploymentLogs":         CostCall,
	"Subscription.deploymentStatus":       CostCall,
}

// Complexity returns the per-field complexity functions whose figure
// depends on an argument other than first: lists of ids.
func Complexity() exec.ComplexityRoot {
	var c exec.ComplexityRoot
	c.Query.Nodes = func(child int, ids []string) int {
		return mul(len(ids), CostObject+child)
	}
	c.Subscription.DeploymentStatus = func(child int, ids []string) int {
		return add(CostCall, mul(len(ids), child))
	}
	return c
}

// Costed wraps es so that gqlgen's complexity walker applies the cost model
// to every field: es's own complexity functions (Config.Complexity, see
// [Complexity]) where set, the rules above elsewhere. Only Complexity
// differs from es.
func Costed(es graphql.ExecutableSchema) graphql.ExecutableSchema {
	return costed{ExecutableSchema: es, schema: es.Schema()}
}

type costed struct {
	graphql.ExecutableSchema
	schema *ast.Schema
}

func (c costed) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if n, ok := c.ExecutableSchema.Complexity(ctx, typeName, field, child, args); ok {
		return max(n, 1), true
	}
	def := c.schema.Types[typeName]
	if def == nil {
		return 0, false
	}
	fd := def.Fields.ForName(field)
	if fd == nil {
		return 0, false
	}
	key := typeName + "." + field
	own := calls[key]
	if typeName == "Mutation" {
		own = CostCall
	}
	if fd.Arguments.ForName("first") != nil && strings.HasSuffix(fd.Type.Name(), "Connection") {
		if !freeConnections[key] && own == 0 {
			own = CostCall
		}
		// first holds the schema's default when the query leaves it out.
		return max(add(own, mul(pageSize(args["first"]), child)), 1), true
	}
	kind := c.schema.Types[fd.Type.Name()].Kind
	leaf := kind == ast.Scalar || kind == ast.Enum
	if leaf {
		// Zero defers to the walker's fixed scalar value (see
		// internal/cost, which sets it to zero too).
		return own, true
	}
	per := add(CostObject, child)
	if fd.Type.Elem != nil && !strings.HasSuffix(typeName, "Connection") {
		// A connection's edges and nodes are multiplied by the
		// connection's first.
		per = mul(costListSize, per)
	}
	return add(own, per), true
}

// pageSize is the number of items a connection will return: first, or the
// resolvers' default page size for an explicit null. A first out of range
// returns nothing: the field is refused as BAD_USER_INPUT before any call.
func pageSize(v any) int {
	n := 20
	switch x := v.(type) {
	case int:
		n = x
	case int32:
		n = int(x)
	case int64:
		n = int(max(min(x, math.MaxInt32), math.MinInt32))
	case float64:
		n = int(max(min(x, math.MaxInt32), math.MinInt32))
	case json.Number:
		if i, err := x.Int64(); err == nil {
			n = int(max(min(i, math.MaxInt32), math.MinInt32))
		}
	}
	if n < 0 || n > maxPageSize {
		return 0
	}
	return n
}

// add and mul saturate: a crafted query must not wrap its cost around to a
// small number.
func add(a, b int) int {
	if a > math.MaxInt32-b {
		return math.MaxInt32
	}
	return a + b
}

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt32/b {
		return math.MaxInt32
	}
	return a * b
}
