package astrosim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specPath is the Astro v1 OpenAPI document in the shared folder that sits
// beside the repository (DESIGN.md: read it from ../shared, never copy it).
var specPath = filepath.Join("..", "..", "..", "..", "shared", "specs", "astro", "platform-v1.yaml")

// servedOperations are the spec operations the simulator serves today.
func servedOperations() []string {
	return []string{
		"ListOrganizations", "GetOrganization",
		"ListWorkspaces", "GetWorkspace",
		"ListDeployments", "GetDeployment",
		"ListClusters", "GetCluster",
	}
}

// loadSpec loads the spec and points its server at baseURL + "/v1".
func loadSpec(t *testing.T, baseURL string) (*openapi3.T, routers.Router) {
	t.Helper()
	if _, err := os.Stat(specPath); err != nil {
		t.Skipf("Astro OpenAPI spec not found at %s (the shared folder beside the repository); skipping the conformance suite", specPath)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	require.NoError(t, err)
	mergeRolePaths(t, doc)
	require.NoError(t, doc.Validate(loader.Context))
	doc.Servers = openapi3.Servers{{URL: baseURL + "/v1"}}
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	return doc, router
}

// mergeRolePaths works around a known quirk of the spec: GetCustomRole
// names its path parameter {roleId} while UpdateCustomRole and
// DeleteCustomRole use {customRoleId} for the same segment, and kin-openapi
// rejects the two as conflicting paths. The GET moves to the {customRoleId}
// path with its parameter renamed; nothing the simulator serves changes.
func mergeRolePaths(t *testing.T, doc *openapi3.T) {
	t.Helper()
	const from, to = "/organizations/{organizationId}/roles/{roleId}", "/organizations/{organizationId}/roles/{customRoleId}"
	src, dst := doc.Paths.Value(from), doc.Paths.Value(to)
	if src == nil || dst == nil || src.Get == nil || dst.Get != nil {
		return // the quirk is gone
	}
	get := src.Get
	params := make(openapi3.Parameters, 0, len(get.Parameters))
	for _, p := range get.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInPath && p.Value.Name == "roleId" {
			renamed := *p.Value
			renamed.Name = "customRoleId"
			p = &openapi3.ParameterRef{Value: &renamed}
		}
		params = append(params, p)
	}
	get.Parameters = params
	dst.Get = get
	doc.Paths.Delete(from)
	require.NotNil(t, doc.Paths.Value(to).Get)
}

// conformanceCase is one request; invalid marks requests that break the
// spec on purpose (the spec validator must reject them too).
type conformanceCase struct {
	op      string
	tok     string
	path    string
	status  int
	invalid bool
}

// TestConformance sends success and error requests of every served
// operation and validates each request and response against the spec:
// status codes must be declared (429 is the one addition), bodies must
// match their schemas, and no response may carry a field the spec does not
// declare.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, dataset := range []string{astrosim.Small, astrosim.Bench} {
		t.Run(dataset, func(t *testing.T) {
			t.Parallel()
			e := setup(t, astrosim.WithDataset(dataset), astrosim.WithRateLimit(false))
			doc, router := loadSpec(t, e.srv.URL)
			cases := conformanceCases(t, e, dataset)
			hit := map[string]map[int]bool{}
			for _, tc := range cases {
				name := fmt.Sprintf("%s %d %s", tc.op, tc.status, tc.path)
				t.Run(name, func(t *testing.T) {
					checkConformance(t, e, doc, router, tc)
				})
				if hit[tc.op] == nil {
					hit[tc.op] = map[int]bool{}
				}
				hit[tc.op][tc.status] = true
			}
			if dataset == astrosim.Small {
				for _, op := range servedOperations() {
					assert.True(t, hit[op][http.StatusOK], "%s has no success case", op)
					assert.True(t, hit[op][http.StatusUnauthorized] && hit[op][http.StatusForbidden],
						"%s lacks 401 or 403 cases", op)
				}
			}
		})
	}

	t.Run("429", func(t *testing.T) {
		t.Parallel()
		e := setup(t, astrosim.WithClock(newFakeClock().Now))
		doc, router := loadSpec(t, e.srv.URL)
		tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
		for range 25 {
			e.get(t, tok.Token, orgPath(tok.Scope[0], "/clusters"))
		}
		checkConformance(t, e, doc, router, conformanceCase{
			op: "ListClusters", tok: tok.Token, path: orgPath(tok.Scope[0], "/clusters"), status: http.StatusTooManyRequests,
		})
	})
}

func conformanceCases(t *testing.T, e *env, dataset string) []conformanceCase {
	t.Helper()
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	ws := tokenOf(t, e.sim, astrosim.KindWorkspace, 0)
	dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
	id := org.Scope[0]
	const missing = "cdoesnotexist000000000000"
	const foreign = "cforeignorganization00000"

	if dataset == astrosim.Bench {
		return []conformanceCase{
			{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=5000"), status: 200},
			{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?limit=1000"), status: 200},
			{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters"), status: 200},
			{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations", status: 200},
		}
	}

	cases := []conformanceCase{
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations", status: 200},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?productPlan=STANDARD&product=HYBRID&astronomerProduct=ASTRO&sorts=name:desc&offset=0&limit=5", status: 200},
		{op: "ListOrganizations", tok: org.Token, path: "/v1/organizations", status: 403},
		{op: "ListOrganizations", path: "/v1/organizations", status: 401},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?limit=1001", status: 400, invalid: true},
		{op: "ListOrganizations", tok: pat.Token, path: "/v1/organizations?productPlan=GOLD", status: 400, invalid: true},

		{op: "GetOrganization", tok: org.Token, path: orgPath(id), status: 200},
		{op: "GetOrganization", tok: dep.Token, path: orgPath(id, "?isLookUpOnly=true"), status: 200},
		{op: "GetOrganization", tok: org.Token, path: orgPath(foreign), status: 403},
		{op: "GetOrganization", path: orgPath(id), status: 401},
		{op: "GetOrganization", tok: org.Token, path: orgPath(id, "?isLookUpOnly=maybe"), status: 400, invalid: true},

		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces"), status: 200},
		{op: "ListWorkspaces", tok: ws.Token, path: orgPath(id, "/workspaces?sorts=updatedAt:desc&sorts=name:asc"), status: 200},
		{op: "ListWorkspaces", tok: dep.Token, path: orgPath(id, "/workspaces"), status: 200},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?workspaceIds=", ws.Scope[1], "&workspaceIds=", missing, "&names=Analytics"), status: 200},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(foreign, "/workspaces"), status: 403},
		{op: "ListWorkspaces", path: orgPath(id, "/workspaces"), status: 401},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?limit=1001"), status: 400, invalid: true},
		{op: "ListWorkspaces", tok: org.Token, path: orgPath(id, "/workspaces?offset=-1"), status: 400, invalid: true},

		{op: "GetWorkspace", tok: ws.Token, path: orgPath(id, "/workspaces/", ws.Scope[1]), status: 200},
		{op: "GetWorkspace", tok: org.Token, path: orgPath(id, "/workspaces/", missing), status: 404},
		{op: "GetWorkspace", tok: dep.Token, path: orgPath(id, "/workspaces/", dep.Scope[1]), status: 403},
		{op: "GetWorkspace", path: orgPath(id, "/workspaces/", missing), status: 401},

		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=5000"), status: 200},
		{op: "ListDeployments", tok: ws.Token, path: orgPath(id, "/deployments?sorts=createdAt:desc"), status: 200},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?deploymentIds=", dep.Scope[2], "&deploymentIds=", missing, "&workspaceIds=", dep.Scope[1], "&names=x"), status: 200},
		{op: "ListDeployments", tok: org.Token, path: orgPath(foreign, "/deployments"), status: 403},
		{op: "ListDeployments", path: orgPath(id, "/deployments"), status: 401},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?sorts=status:asc"), status: 400, invalid: true},
		{op: "ListDeployments", tok: org.Token, path: orgPath(id, "/deployments?limit=-5"), status: 400, invalid: true},

		{op: "GetDeployment", tok: dep.Token, path: orgPath(id, "/deployments/", dep.Scope[2]), status: 200},
		{op: "GetDeployment", tok: org.Token, path: orgPath(id, "/deployments/", missing), status: 404},
		{op: "GetDeployment", tok: ws.Token, path: orgPath(id, "/deployments/", dep.Scope[2]), status: 403},
		{op: "GetDeployment", path: orgPath(id, "/deployments/", dep.Scope[2]), status: 401},

		{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters?provider=AWS&sorts=createdAt:asc"), status: 200},
		{op: "ListClusters", tok: ws.Token, path: orgPath(id, "/clusters"), status: 403},
		{op: "ListClusters", path: orgPath(id, "/clusters"), status: 401},
		{op: "ListClusters", tok: org.Token, path: orgPath(id, "/clusters?provider=aws"), status: 400, invalid: true},

		{op: "GetCluster", tok: org.Token, path: orgPath(id, "/clusters/", missing), status: 404},
		{op: "GetCluster", tok: dep.Token, path: orgPath(id, "/clusters/", missing), status: 403},
		{op: "GetCluster", path: orgPath(id, "/clusters/", missing), status: 401},
	}
	// Every organization's clusters and deployments one by one: each
	// deployment type, executor and status shape gets validated alone.
	for _, o := range pat.Scope {
		cases = append(cases, conformanceCase{op: "GetOrganization", tok: pat.Token, path: orgPath(o), status: 200})
		for _, c := range e.list(t, pat.Token, orgPath(o, "/clusters")).Clusters {
			cases = append(cases, conformanceCase{op: "GetCluster", tok: pat.Token, path: orgPath(o, "/clusters/", c.ID), status: 200})
		}
		for _, w := range e.list(t, pat.Token, orgPath(o, "/workspaces")).Workspaces {
			cases = append(cases, conformanceCase{op: "GetWorkspace", tok: pat.Token, path: orgPath(o, "/workspaces/", w.ID), status: 200})
		}
		for _, d := range e.list(t, pat.Token, orgPath(o, "/deployments?limit=1000")).Deployments {
			cases = append(cases, conformanceCase{op: "GetDeployment", tok: pat.Token, path: orgPath(o, "/deployments/", d.ID), status: 200})
		}
	}
	return cases
}

func checkConformance(t *testing.T, e *env, doc *openapi3.T, router routers.Router, tc conformanceCase) {
	t.Helper()
	ctx := t.Context()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+tc.path, nil)
	require.NoError(t, err)
	if tc.tok != "" {
		req.Header.Set("Authorization", "Bearer "+tc.tok)
	}

	route, params, err := router.FindRoute(req)
	require.NoError(t, err)
	require.Equal(t, tc.op, route.Operation.OperationID)
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); tc.invalid {
		require.Error(t, err, "the spec accepts a request the simulator rejects")
	} else {
		require.NoError(t, err)
	}

	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, tc.status, resp.StatusCode, "%s", body)

	var schema *openapi3.Schema
	if resp.StatusCode == http.StatusTooManyRequests {
		// Not declared by the spec: check the Error body by hand.
		schema = doc.Components.Schemas["Error"].Value
		var v any
		require.NoError(t, json.Unmarshal(body, &v))
		require.NoError(t, schema.VisitJSON(v))
		assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	} else {
		err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		})
		require.NoError(t, err)
		schema = route.Operation.Responses.Status(resp.StatusCode).Value.Content.Get("application/json").Schema.Value
	}
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	checkDeclared(t, schema, v, "$")
}

// checkDeclared fails on any object key the schema does not declare, so the
// simulator cannot drift into fields the real API does not have.
func checkDeclared(t *testing.T, schema *openapi3.Schema, v any, at string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			prop, ok := schema.Properties[k]
			if !assert.True(t, ok, "%s.%s is not declared by the spec", at, k) {
				continue
			}
			checkDeclared(t, prop.Value, val, at+"."+k)
		}
	case []any:
		if schema.Items == nil {
			return
		}
		for i, el := range x {
			checkDeclared(t, schema.Items.Value, el, fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// TestRouteCoverage lists every operation of the spec as served or not
// served: served ones reach a handler, the others get the no-route 404.
func TestRouteCoverage(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	doc, _ := loadSpec(t, e.srv.URL)
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)

	var seen []string
	paths := doc.Paths.Map()
	for _, p := range doc.Paths.InMatchingOrder() {
		for method, op := range paths[p].Operations() {
			seen = append(seen, op.OperationID)
			url := strings.ReplaceAll(p, "{organizationId}", tok.Scope[0])
			for strings.Contains(url, "{") {
				i, j := strings.Index(url, "{"), strings.Index(url, "}")
				url = url[:i] + "cplaceholder0000000000000" + url[j+1:]
			}
			r := e.do(t, tok.Token, method, "/v1"+url)
			served := slices.Contains(servedOperations(), op.OperationID)
			noRoute := r.status == http.StatusNotFound && strings.Contains(string(r.body), "no route")
			assert.Equal(t, served, !noRoute, "%s %s (%s): served=%v, got %d %s", method, p, op.OperationID, served, r.status, r.body)
		}
	}
	assert.Len(t, seen, 75, "the spec has 75 operations")
	for _, op := range servedOperations() {
		assert.Contains(t, seen, op)
	}
}
