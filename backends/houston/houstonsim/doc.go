// Package houstonsim is an in-memory Houston, the GraphQL API of Astronomer
// Software (Astro Private Cloud), for tests, demos and local development.
//
// A [Sim] is an http.Handler serving the API at /v1 (POST with a JSON body
// {query, variables, operationName}, or GET with the same as URL
// parameters), with introspection on. Its schema (schema/*.graphqls, served
// by gqlgen) follows the documents the Astro CLI sends: scalars Uuid, Id,
// JSON and DateTime, enums Role and ExecutorType, and the root fields
// appConfig, deploymentConfig, runtimeReleases, workspaces,
// paginatedWorkspaces, workspace, workspaceDeployments,
// paginatedDeployments and deployment.
//
// Callers authenticate with the raw token in the Authorization header (a
// "Bearer " prefix is stripped), like Houston. [Sim.Tokens] lists one token
// per modelled role; see the Label constants. Refusals follow Houston: HTTP
// 200, the root field null, and an error "You do not have the appropriate
// permissions for that" with extensions.code UNAUTHENTICATED (no or unknown
// token) or FORBIDDEN (a token without a role on the workspace or
// deployment asked for). An unknown workspace or deployment id gives null
// without an error. Documents that do not parse or validate get HTTP 400, as
// from Apollo Server. A response without errors has no "errors" key.
//
// The datasets ([Small], [Bench]) are generated from a seed and are the same
// for the same seed. Every Sim has its own data and counters.
//
// The side door, for tests and tools and never on a real gateway's port:
// GET /_sim/stats ([Sim.Stats]), POST /_sim/reset ([Sim.Reset]) and
// GET /_sim/tokens ([Sim.Tokens]). [Sim.Selections] records what each
// operation selected, to prove a client asks only for what it needs.
//
// Usage:
//
//	sim := houstonsim.New(houstonsim.WithDataset(houstonsim.Small), houstonsim.WithVersion("1.0.1"))
//	srv := httptest.NewServer(sim)
//	defer srv.Close()
//	var admin string
//	for _, tok := range sim.Tokens() {
//		if tok.Kind == "SYSTEM_ADMIN" {
//			admin = tok.Token
//		}
//	}
//	// POST srv.URL+"/v1" with "Authorization: "+admin, then:
//	fmt.Println(sim.Stats().ByRoute["paginatedDeployments"])
//
// The generated files (generated.go, internal/model/models_gen.go) come from
// gqlgen.yml: run `go generate ./backends/houston/houstonsim/...` from the
// repository root after changing the schema.
package houstonsim
