// Package houstonsim is an in-memory Houston, the GraphQL API of Astronomer
// Software (Astro Private Cloud), for tests, demos and local development.
//
// A [Sim] is an http.Handler serving the API at /v1 (POST with a JSON body
// {query, variables, operationName}, or GET with the same as URL
// parameters) and the log subscription over websocket at /ws, with
// introspection on. Its schema (schema/*.graphqls, served by gqlgen) covers
// every operation the Astro CLI sends to Houston
// (shared/specs/houston/operations): every root query, mutation and the
// log subscription, with the argument and result shapes those documents
// use, spelled as the CLI spells them (Uuid, Id, JSON, DateTime, Role,
// ExecutorType, DagDeployment, UserSearch, DeploymentRoles,
// AllowedDeploymentModeValues).
//
// Versions: a Sim poses as one Houston version ([WithVersion]; 0.34.x, 1.0.x
// and 2.1.x are tested, see [SupportedVersions]). The schema it serves is
// that version's ([Schema]): the union schema carries @since/@until
// directives, mirroring where the CLI's per-version documents differ, and a
// Sim serves it pruned, so a field, argument or root field the version
// lacks fails validation as on Houston (HTTP 400, `Cannot query field "x"
// on type "Y".`). For example upsertDeployment exists from 1.0,
// createDeployment and updateDeployment before 1.0, updateDeploymentImage
// from 0.29.2 to 2.0.x, upsertDeployment's image and mode from 2.1,
// clusterId (fields and arguments) from 1.0, appConfig's workspaceUuid and
// deploymentUuid from 2.0, paginatedDeployments from 0.32.
//
// Data is consistent across operations: a deployment created by
// upsertDeployment (or createDeployment) is in every list and lookup,
// deletes remove (a soft delete keeps the release name taken), role
// bindings show in the users and teams of workspaces and deployments and
// grant what their role grants, teams pass their roles to their members, a
// new service account's API key (32 hex characters) works at once and stops
// working when the account is deleted. Anonymous callers may use appConfig,
// authConfig, createToken and createUser; every dataset user's password is
// [DatasetPassword].
//
// Callers authenticate with the raw token in the Authorization header (a
// "Bearer " prefix is stripped), like Houston; on /ws the token goes in the
// connection_init payload as {"authorization": "<token>"}. [Sim.Tokens]
// lists one token per modelled role; see the Label constants. Permissions
// follow Houston's roles (system, workspace and deployment admin, editor
// and viewer; a workspace role carries the same deployment role on the
// workspace's deployments): viewers read, editors create and change
// deployments and service accounts, admins delete and manage people.
// Refusals follow Houston: HTTP 200, the root field null, and an error "You
// do not have the appropriate permissions for that" with extensions.code
// UNAUTHENTICATED (no or unknown token) or FORBIDDEN. Unknown ids in writes
// are RESOURCE_NOT_FOUND for system users; an unknown workspace or
// deployment in a lookup gives null without an error. Documents that do not
// parse or validate get HTTP 400, as from Apollo Server. A response without
// errors has no "errors" key.
//
// Logs are generated, not stored: every component of a deployment writes a
// line each [WithLogInterval] (default one second) on a fixed time grid, so
// the logs query and the log subscription agree, and the same clock
// ([WithClock]) gives the same lines. The subscription (legacy
// subscriptions-transport-ws protocol, subprotocol graphql-ws, a start
// without id accepted; graphql-transport-ws works too) sends the new lines
// each interval, oldest first.
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
//	sim := houstonsim.New(houstonsim.WithDataset(houstonsim.Small), houstonsim.WithVersion("2.1.0"))
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
