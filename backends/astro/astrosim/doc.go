// Package astrosim is an in-memory Astro API (the Astro Platform API v1,
// https://api.astronomer.io/v1) for tests, demos and local development.
//
// A [Sim] is an [net/http.Handler] that serves the API under /v1 with the
// paths, JSON fields, enums, paging wrappers, sorts, error bodies and status
// codes of the v1 OpenAPI document, over a deterministic dataset generated
// from a seed. It enforces Astro's per-token rate limits (GET 25, POST 10,
// DELETE 5 requests in any sliding one-second window; 429 with Retry-After
// beyond) and the token scopes of organization, workspace, deployment and
// personal tokens. All state belongs to the instance.
//
// Served operations: ListOrganizations, GetOrganization, ListWorkspaces,
// GetWorkspace, ListDeployments, GetDeployment, ListClusters, GetCluster.
// Any other path gets a 404 Error body.
//
// An unauthenticated side door serves tests and tools (never expose it on a
// real gateway's port):
//
//	GET  /_sim/stats   the Stats as JSON
//	POST /_sim/reset   zero the counters (the data stays); answers the zeroed stats
//	GET  /_sim/tokens  the []Token the simulator accepts
//
// # Behaviour worth knowing
//
//   - Errors are {"message", "requestId", "statusCode"} (plus "fieldErrors"
//     for invalid query parameters); the X-Request-Id header repeats the id.
//   - No or unknown token: 401. An organization the token does not belong
//     to, existing or not: 403. A workspace, deployment or cluster that does
//     not exist in the organization: 404; one that exists but is outside a
//     workspace or deployment token's scope: 403. Clusters need an
//     organization or personal token. ListOrganizations needs a personal
//     token, as the spec says.
//   - Lists return only what the token sees, default to offset 0 and limit
//     20, reject limit > 1000 (ListDeployments has no maximum), negative
//     values and unknown sorts with 400, combine filters with AND, and order
//     by the requested sorts, then createdAt and id.
//   - Deployments carry workspaceName; DEDICATED and HYBRID ones carry
//     clusterId, clusterName and region, STANDARD ones cloudProvider and
//     region.
//
// # Datasets
//
// [Small] has the organizations "Acme Corp" (Hosted: three dedicated
// clusters on AWS, GCP and Azure; DEDICATED and STANDARD deployments) and
// "Globex" (Hybrid: two clusters; HYBRID deployments): 7 workspaces and 33
// deployments. [Bench] has "Initech" with 25 workspaces, 4 clusters and 2,000
// deployments.
//
// # Usage
//
//	sim := astrosim.New(astrosim.WithDataset(astrosim.Small), astrosim.WithSeed(1))
//	srv := httptest.NewServer(sim)
//	defer srv.Close()
//
//	var tok astrosim.Token
//	for _, t := range sim.Tokens() {
//		if t.Kind == astrosim.KindOrganization {
//			tok = t // Scope[0] is its organization id
//			break
//		}
//	}
//	req, _ := http.NewRequest("GET", srv.URL+"/v1/organizations/"+tok.Scope[0]+"/deployments?limit=5", nil)
//	req.Header.Set("Authorization", "Bearer "+tok.Token)
//	resp, err := http.DefaultClient.Do(req)
//	// ...
//	fmt.Println(sim.Stats().ByRoute["GET /v1/organizations/{organizationId}/deployments"]) // 1
//
// The command astrosim (cmd/astrosim) serves a Sim on a TCP address.
package astrosim
