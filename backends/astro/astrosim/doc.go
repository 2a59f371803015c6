// Package astrosim is an in-memory Astro API (the Astro API v1, Platform
// and IAM, https://api.astronomer.io/v1) for tests, demos and local
// development.
//
// A [Sim] is an [net/http.Handler] that serves all 75 operations of the v1
// OpenAPI document under /v1, with its paths, JSON fields, enums, paging
// wrappers, sorts, error bodies and status codes, over a deterministic
// dataset generated from a seed. Writes change the state: what a create
// makes, reads return; an update changes it; a delete removes it, and
// deleting again is a 404. It enforces Astro's per-token rate limits (GET
// 25, POST 10, DELETE 5 requests in any sliding one-second window, a
// request arriving when the limiter counts it; 429 with Retry-After beyond)
// and the scopes of organization, workspace, deployment and personal
// tokens. All state belongs to the instance.
//
// An unauthenticated side door serves tests and tools (never expose it on a
// real gateway's port):
//
//	GET  /_sim/stats   the Stats as JSON
//	POST /_sim/reset   zero the counters (the data stays); answers the zeroed stats
//	GET  /_sim/tokens  the []Token the simulator accepts now
//	GET  /_sim/config  the run-time Config: {"latency": "0", "failRate": 0, "rateLimit": true}
//	POST /_sim/config  change it: {"latency": "20ms-80ms", "failRate": 0.1, "rateLimit": false}
//
// # Behaviour worth knowing
//
//   - Errors are {"message", "requestId", "statusCode"}, plus "fieldErrors"
//     when a body field or query parameter breaks a rule; the message names
//     the first such field ("Invalid request: field 'name' is required").
//     The X-Request-Id header repeats the id.
//   - No, unknown or expired token: 401. An organization the token does not
//     belong to, existing or not: 403. An object that does not exist in the
//     organization: 404, except where the spec declares no 404
//     (GetDeploymentLogs, FinalizeDeploy, GetDeploymentOptions, ids in a
//     CreateDeployment body), which answer 400. Environment-object
//     operations declare no 400; the simulator still answers a malformed
//     body there with the API's usual 400.
//   - Scopes: organization and personal tokens hold every permission of
//     their organizations; a workspace token its workspace and the
//     deployments in it; a deployment token its deployment. Organization
//     permissions (organization.*) need an organization-level token, but
//     every token may read its organization, list workspaces and
//     deployments (filtered to what it sees) and read deployment options.
//     ListOrganizations and GET /users/self need a personal token (the
//     latter answers 401 to API tokens: it declares no 403).
//   - CreateDeployment needs only name and workspaceId (the v1 changelog):
//     the target is the body's clusterId, else its cloudProvider and
//     region, else the workspace's defaultClusterId, else its
//     defaultCloudProvider and defaultRegion, else the organization's only
//     cluster; the type follows from the target, and runtime (the newest),
//     executor (CELERY), scheduler (SMALL, or 5 AU), quotas and a default
//     worker queue are filled in. A name already used in the workspace is a
//     400 "Invalid request: Deployment name '<name>' already exists in this
//     workspace". New Deployments are CREATING for 10 s and new or updated
//     clusters CREATING/UPDATING for 30 s of the Sim's clock.
//   - API tokens created through the API authenticate at once with their
//     scope; rotating one replaces its secret, deleting it revokes it.
//     Agent tokens do not authenticate.
//   - Deployment logs are a pure function of the deployment and the time:
//     each source writes at a fixed period, 15 days are kept, searches page
//     by offset within the window their searchId encodes, oldest first.
//   - The audit log (application/octet-stream) is one JSON event per line:
//     the creation of the dataset's objects and every write made through
//     the simulator (the latest 10,000 per organization).
//   - Lists return only what the token sees, default to offset 0 and limit
//     20, reject a limit above a declared maximum, negative values and
//     unknown sorts with 400, combine filters with AND, and order by the
//     requested sorts, then createdAt and id (deploys: newest first).
//
// # Datasets
//
// [Small] has the organizations "Acme Corp" (Hosted: three dedicated
// clusters on AWS, GCP and Azure; DEDICATED and STANDARD deployments) and
// "Globex" (Hybrid: two clusters; HYBRID deployments): 7 workspaces and 33
// deployments, with their deploy histories, users and their roles, two
// Teams, a custom role, a pending invite, environment objects and an API
// token behind each organization, workspace and deployment token. [Bench]
// has "Initech" with 25 workspaces, 4 clusters and 2,000 deployments.
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
//	// Later, in the same test: make one request in ten fail.
//	sim.Configure(astrosim.ConfigUpdate{FailRate: ptr(0.1)})
//
// The command astrosim (cmd/astrosim) serves a Sim on a TCP address.
package astrosim
