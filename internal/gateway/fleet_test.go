package gateway_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/testenv"
)

const listRoute = "GET /v1/organizations/{organizationId}/deployments"

// TestFleetKeysByBackend: two backends over the same upstream and the same
// token share no cache entry: each backend's first read goes upstream.
func TestFleetKeysByBackend(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "a", Platform: "astro"}, {Name: "b", Platform: "astro", SameAs: "a"},
	}, nil)
	sim := env.Sim("a").Astro
	count := func(backends string) int {
		r := testenv.Post(t, env.GatewayURL, `query($b: [String!]) { deployments(first: 5, filter: {backends: $b}) { totalCount nodes { backend } } }`,
			map[string]any{"b": strings.Split(backends, ",")}, env.Headers)
		require.Empty(t, r.Errors)
		var d struct {
			Deployments struct {
				TotalCount int
				Nodes      []struct{ Backend string }
			}
		}
		r.Decode(t, &d)
		for _, n := range d.Deployments.Nodes {
			assert.Contains(t, backends, n.Backend)
		}
		return d.Deployments.TotalCount
	}
	na := count("a")
	calls := sim.Stats().ByRoute[listRoute] // one per organization the token sees
	require.Positive(t, calls)
	nb := count("b")
	assert.Equal(t, na, nb)
	assert.Equal(t, 2*calls, sim.Stats().ByRoute[listRoute], "backend b reads upstream: it shares no cache entry with a")
	assert.Equal(t, na+nb, count("a,b"), "the same organization through two backends counts twice")
}

// TestFleetCredentials: each backend takes its caller's token from its own
// header; a backend without one is left out, and says so in backends.
func TestFleetCredentials(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "acme", Platform: "astro"}, {Name: "prod", Platform: "software", HoustonVersion: "2.1.0"},
		{Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	only := map[string]string{"X-Houston-Token-legacy": env.Sim("legacy").Token}
	r := testenv.Post(t, env.GatewayURL, `{ backends { name reachable version }
		deployments(first: 3) { totalCount nodes { id backend ... on SoftwareDeployment { installation workspace { backend name } } } } }`, nil, only)
	require.Empty(t, r.Errors)
	var d struct {
		Backends []struct {
			Name      string
			Reachable bool
			Version   *string
		}
		Deployments struct {
			TotalCount int
			Nodes      []struct {
				ID, Backend, Installation string
				Workspace                 struct{ Backend, Name string }
			}
		}
	}
	r.Decode(t, &d)
	require.Len(t, d.Backends, 3)
	assert.False(t, d.Backends[0].Reachable)
	assert.False(t, d.Backends[1].Reachable)
	assert.True(t, d.Backends[2].Reachable)
	require.NotNil(t, d.Backends[2].Version)
	assert.Equal(t, "0.34.0", *d.Backends[2].Version, "each installation's version is its own")
	require.NotEmpty(t, d.Deployments.Nodes)
	for _, n := range d.Deployments.Nodes {
		assert.Equal(t, "legacy", n.Backend)
		assert.Equal(t, "legacy", n.Workspace.Backend)
		assert.NotEmpty(t, n.Workspace.Name)
	}

	// A legacy deployment's id is fetched again from legacy, not prod.
	id := d.Deployments.Nodes[0].ID
	r = testenv.Post(t, env.GatewayURL, `query($id: ID!) { node(id: $id) { id ... on SoftwareDeployment { installation name } } }`,
		map[string]any{"id": id}, env.Headers)
	require.Empty(t, r.Errors)
	assert.Contains(t, string(r.Data), `"installation":"legacy"`)

	// A plain X-Houston-Token goes to the first installation.
	r = testenv.Post(t, env.GatewayURL, `{ backends { name reachable } }`, nil, map[string]string{"X-Houston-Token": env.Sim("prod").Token})
	require.Empty(t, r.Errors)
	assert.Contains(t, string(r.Data), `{"name":"prod","reachable":true}`)
	assert.Contains(t, string(r.Data), `{"name":"legacy","reachable":false}`)

	// A bad token for one backend: partial data, the error names it and
	// never shows the token.
	bad := map[string]string{"X-Houston-Token-legacy": env.Sim("legacy").Token, "X-Houston-Token-prod": "not-a-valid-token-0123456789"}
	r = testenv.Post(t, env.GatewayURL, `{ deployments(first: 1) { totalCount } }`, nil, bad)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, "prod", r.Errors[0].Extensions["backendName"])
	assert.NotContains(t, r.Errors[0].Message, "not-a-valid-token")
	assert.Contains(t, string(r.Data), `"totalCount":`)
}

// TestFleetExportCalls measures the upstream calls of exporting the whole
// bench fleet (two organizations, two installations) as CSV.
func TestFleetExportCalls(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "bench", []testenv.FleetSpec{
		{Name: "org-a", Platform: "astro"}, {Name: "org-b", Platform: "astro", Seed: 2},
		{Name: "prod", Platform: "software", HoustonVersion: "2.1.0"}, {Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, func(c *config.Config) {
		// Long enough for every page of the export, however slow the
		// machine (or the race detector): the count is then exact.
		c.CacheTTL = time.Minute
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, env.BaseURL+"export/deployments.csv", nil)
	require.NoError(t, err)
	for k, v := range env.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	require.NoError(t, err)
	calls := map[string]int{}
	total := 0
	for _, s := range env.Sims {
		if s.Astro != nil {
			calls[s.Name] = s.Astro.Stats().Requests
		} else {
			calls[s.Name] = s.Houston.Stats().Requests
		}
		total += calls[s.Name]
	}
	t.Logf("exported %d deployments with %d upstream calls: %v", len(rows)-1, total, calls)
	assert.Equal(t, "", resp.Trailer.Get("X-Export-Errors"))
	r := testenv.Post(t, env.GatewayURL, `{ deployments(first: 1) { totalCount } }`, nil, env.Headers)
	var d struct{ Deployments struct{ TotalCount int } }
	r.Decode(t, &d)
	assert.Equal(t, d.Deployments.TotalCount, len(rows)-1, "one row per deployment")
	// Per organization: its listing and one ListDeployments; per
	// installation: its version and one paginatedDeployments. Every
	// page after the first is answered by the cache.
	assert.Equal(t, map[string]int{"org-a": 2, "org-b": 2, "prod": 2, "legacy": 2}, calls)
}

// TestFleetReportByStatus: how many deployments each backend has by
// status, as one report, agrees with one status report per backend.
func TestFleetReportByStatus(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "acme", Platform: "astro"}, {Name: "prod", Platform: "software"},
		{Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	type row struct {
		Key      string
		Count    int
		ByStatus []struct {
			Status string
			Count  int
		}
	}
	report := func(query string, vars map[string]any) []row {
		r := testenv.Post(t, env.GatewayURL, query, vars, env.Headers)
		require.Empty(t, r.Errors)
		var d struct{ DeploymentReport struct{ Rows []row } }
		r.Decode(t, &d)
		return d.DeploymentReport.Rows
	}
	rows := report(`{ deploymentReport(groupBy: BACKEND) { rows { key count byStatus { status count } } } }`, nil)
	require.Len(t, rows, 3)
	for _, r := range rows {
		sum := 0
		statuses := map[string]int{}
		for _, s := range r.ByStatus {
			sum += s.Count
			statuses[s.Status] = s.Count
		}
		assert.Equal(t, r.Count, sum, r.Key)
		own := report(`query($b: [String!]) { deploymentReport(groupBy: STATUS, filter: {backends: $b}) { rows { key count } } }`,
			map[string]any{"b": []string{r.Key}})
		fromOwn := map[string]int{}
		for _, o := range own {
			fromOwn[o.Key] = o.Count
		}
		assert.Equal(t, fromOwn, statuses, r.Key)
	}
}

// TestFleetSubscription: a websocket's connection_init carries a token per
// backend, and deploymentStatus watches deployments of two installations
// (a 2.1 and a 0.34) at once, each read from its own.
func TestFleetSubscription(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "prod", Platform: "software", HoustonVersion: "2.1.0"},
		{Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	var ids []string
	for _, b := range []string{"prod", "legacy"} {
		r := testenv.Post(t, env.GatewayURL, `query($b: [String!]) { deployments(first: 1, filter: {backends: $b}) { nodes { id } } }`,
			map[string]any{"b": []string{b}}, env.Headers)
		require.Empty(t, r.Errors)
		var d struct {
			Deployments struct{ Nodes []struct{ ID string } }
		}
		r.Decode(t, &d)
		require.Len(t, d.Deployments.Nodes, 1)
		ids = append(ids, d.Deployments.Nodes[0].ID)
	}
	init := map[string]any{}
	for k, v := range env.Headers {
		init[k] = v
	}
	s, err := (&testenv.Env{GatewayURL: env.GatewayURL}).Dial(t, testenv.TransportWS, init, nil)
	require.NoError(t, err)
	s.Subscribe("1", `subscription($ids: [ID!]!) { deploymentStatus(deploymentIds: $ids) { deploymentId status deployment { backend } } }`,
		map[string]any{"ids": ids})
	seen := map[string]string{}
	for len(seen) < 2 {
		m := s.Next(t.Context())
		require.Equal(t, "next", m.Type, "%s", m.Payload)
		var p struct {
			Data struct {
				DeploymentStatus struct {
					DeploymentID string
					Deployment   struct{ Backend string }
				}
			}
			Errors []any
		}
		require.NoError(t, json.Unmarshal(m.Payload, &p))
		require.Empty(t, p.Errors, "%s", m.Payload)
		seen[p.Data.DeploymentStatus.DeploymentID] = p.Data.DeploymentStatus.Deployment.Backend
	}
	assert.Equal(t, map[string]string{ids[0]: "prod", ids[1]: "legacy"}, seen)
	s.Stop("1")
}

// TestFleetReload: a changed configuration file is served without a
// restart; an invalid one is refused and the running fleet kept.
func TestFleetReload(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "prod", Platform: "software"}, {Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.yaml")
	write := func(names ...string) {
		var b strings.Builder
		b.WriteString("software:\n")
		for _, n := range names {
			fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", n, env.Sim(n).URL)
		}
		writeAtomic(t, path, b.String())
	}
	write("prod")
	cfg, err := config.Load([]string{"-config", path}, func(string) string { return "" })
	require.NoError(t, err)
	gw, err := gateway.Build(cfg, gateway.Extras{})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw.Handler)
	t.Cleanup(srv.Close)
	names := func() string {
		r := testenv.Post(t, srv.URL+"/graphql", `{ backends { name } }`, nil, nil)
		require.Empty(t, r.Errors)
		return string(r.Data)
	}
	assert.Equal(t, `{"backends":[{"name":"prod"}]}`, names())

	var logs syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	load := func() (*config.Fleet, error) {
		c, err := config.Load([]string{"-config", path}, func(string) string { return "" })
		return c.Fleet, err
	}
	go gw.WatchFleet(ctx, path, 10*time.Millisecond, load, slog.New(slog.NewTextHandler(&logs, nil)))
	write("prod", "legacy")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "fleet configuration reloaded") }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, `{"backends":[{"name":"prod"},{"name":"legacy"}]}`, names())
	r := testenv.Post(t, srv.URL+"/graphql", `{ deployments(first: 1, filter: {backends: ["legacy"]}) { totalCount } }`, nil,
		map[string]string{"X-Houston-Token-legacy": env.Sim("legacy").Token})
	require.Empty(t, r.Errors)
	assert.NotContains(t, string(r.Data), `"totalCount":0`)

	writeAtomic(t, path, "software:\n  - name: Bad Name\n")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "not valid") }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, logs.String(), `name: \"Bad Name\" is not lower-case`)
	assert.Equal(t, `{"backends":[{"name":"prod"},{"name":"legacy"}]}`, names(), "the running fleet is kept")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFleetRoots: Query.software(backend) and Query.astro(backend) read one
// backend of the fleet; an unknown backend name is the caller's error.
func TestFleetRoots(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "acme", Platform: "astro"}, {Name: "globex", Platform: "astro", Seed: 2},
		{Name: "prod", Platform: "software", HoustonVersion: "2.1.0"},
		{Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	r := testenv.Post(t, env.GatewayURL, `{
		first: software { installation houstonVersion }
		legacy: software(backend: "legacy") { installation houstonVersion workspaces(first: 1) { nodes { backend } } }
		acme: astro { organizations(first: 5) { nodes { organizationId } } }
		globex: astro(backend: "globex") { organizations(first: 5) { nodes { organizationId } } }
	}`, nil, env.Headers)
	require.Empty(t, r.Errors)
	var d struct {
		First, Legacy struct {
			Installation, HoustonVersion string
			Workspaces                   struct{ Nodes []struct{ Backend string } }
		}
		Acme, Globex struct {
			Organizations struct {
				Nodes []struct{ OrganizationID string }
			}
		}
	}
	r.Decode(t, &d)
	assert.Equal(t, "prod", d.First.Installation)
	assert.Equal(t, "2.1.0", d.First.HoustonVersion)
	assert.Equal(t, "legacy", d.Legacy.Installation)
	assert.Equal(t, "0.34.0", d.Legacy.HoustonVersion)
	require.NotEmpty(t, d.Legacy.Workspaces.Nodes)
	assert.Equal(t, "legacy", d.Legacy.Workspaces.Nodes[0].Backend)
	require.NotEmpty(t, d.Acme.Organizations.Nodes)
	require.NotEmpty(t, d.Globex.Organizations.Nodes)
	assert.NotEqual(t, d.Acme.Organizations.Nodes[0].OrganizationID, d.Globex.Organizations.Nodes[0].OrganizationID,
		"each backend's organizations, read with its own token")

	for _, q := range []string{
		`{ software(backend: "nope") { installation } }`,
		`{ astro(backend: "prod") { organizations { totalCount } } }`,
		`{ deployments(filter: {backends: ["nope"]}) { totalCount } }`,
		`{ workspaces(filter: {backends: ["nope"]}) { totalCount } }`,
	} {
		r = testenv.Post(t, env.GatewayURL, q, nil, env.Headers)
		require.Len(t, r.Errors, 1, q)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], q)
	}
}

// TestFleetWorkspaces: Query.workspaces merges every backend's workspaces,
// each saying where it lives; its total is the sum of the backends'.
func TestFleetWorkspaces(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "acme", Platform: "astro"}, {Name: "globex", Platform: "astro", Seed: 2},
		{Name: "prod", Platform: "software"}, {Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	count := func(backends []string) (int, map[string]int) {
		vars := map[string]any{}
		if backends != nil {
			vars["b"] = backends
		}
		r := testenv.Post(t, env.GatewayURL, `query($b: [String!]) { workspaces(first: 1000, filter: {backends: $b}) { totalCount nodes { backend platform } } }`, vars, env.Headers)
		require.Empty(t, r.Errors)
		var d struct {
			Workspaces struct {
				TotalCount int
				Nodes      []struct{ Backend, Platform string }
			}
		}
		r.Decode(t, &d)
		by := map[string]int{}
		for _, n := range d.Workspaces.Nodes {
			by[n.Backend]++
		}
		return d.Workspaces.TotalCount, by
	}
	total, by := count(nil)
	sum := 0
	for _, b := range []string{"acme", "globex", "prod", "legacy"} {
		n, own := count([]string{b})
		require.Positive(t, n, b)
		assert.Equal(t, map[string]int{b: n}, own, b)
		assert.Equal(t, n, by[b], b)
		sum += n
	}
	assert.Equal(t, sum, total)
}

// TestExportRefusals: an export that cannot start says why with its
// status and the GraphQL errors.
func TestExportRefusals(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{{Name: "prod", Platform: "software"}}, nil)
	get := func(path string, headers map[string]string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, env.BaseURL+path, nil)
		require.NoError(t, err)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	status, body := get("export/deployments.csv", nil)
	assert.Equal(t, http.StatusUnauthorized, status, body)
	assert.Contains(t, body, `"code":"UNAUTHENTICATED"`)
	status, body = get("export/deployments.csv?backends=nope", env.Headers)
	assert.Equal(t, http.StatusBadRequest, status, body)
	status, body = get("export/deployments.csv?statuses=SLEEPY", env.Headers)
	assert.Equal(t, http.StatusBadRequest, status, "a variable of the wrong type: %s", body)
	assert.Contains(t, body, `"code":"BAD_USER_INPUT"`)
	status, _ = get("export/deployments.xlsx", env.Headers)
	assert.Equal(t, http.StatusNotFound, status)
	status, body = get("export/deployments.ndjson?statuses=HEALTHY,UNHEALTHY&orderBy=created_at&direction=desc", env.Headers)
	assert.Equal(t, http.StatusOK, status, body)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	require.NotEmpty(t, lines)
	var prev string
	for _, l := range lines {
		var row struct{ Status, CreatedAt string }
		require.NoError(t, json.Unmarshal([]byte(l), &row), l)
		assert.Contains(t, []string{"HEALTHY", "UNHEALTHY"}, row.Status)
		if prev != "" {
			assert.LessOrEqual(t, row.CreatedAt, prev, "newest first")
		}
		prev = row.CreatedAt
	}
}

// TestFleetMutation: a mutation runs on the installation its ids name.
func TestFleetMutation(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{
		{Name: "prod", Platform: "software"}, {Name: "legacy", Platform: "software", Seed: 2, HoustonVersion: "0.34.0"},
	}, nil)
	r := testenv.Post(t, env.GatewayURL, `{ deployments(first: 1, filter: {backends: ["legacy"]}) { nodes { id name } } }`, nil, env.Headers)
	require.Empty(t, r.Errors)
	var d struct {
		Deployments struct{ Nodes []struct{ ID, Name string } }
	}
	r.Decode(t, &d)
	require.Len(t, d.Deployments.Nodes, 1)
	id := d.Deployments.Nodes[0].ID
	r = testenv.Post(t, env.GatewayURL, `mutation($id: ID!) { updateSoftwareDeployment(input: {deploymentId: $id, description: "moved by the fleet test"}) {
		deployment { id backend description } } }`, map[string]any{"id": id}, env.Headers)
	require.Empty(t, r.Errors)
	assert.Contains(t, string(r.Data), `"backend":"legacy","description":"moved by the fleet test"`)
	r = testenv.Post(t, env.GatewayURL, `query($id: ID!) { node(id: $id) { ... on SoftwareDeployment { description } } }`,
		map[string]any{"id": id}, map[string]string{"X-Houston-Token-legacy": env.Sim("legacy").Token, "Cache-Control": "no-cache"})
	require.Empty(t, r.Errors)
	assert.Contains(t, string(r.Data), "moved by the fleet test", "written on legacy")
}

// TestFleetTokenRotation: a rotated token file (a mounted secret) is
// picked up without a restart.
func TestFleetTokenRotation(t *testing.T) {
	t.Parallel()
	env := testenv.StartFleet(t, "small", []testenv.FleetSpec{{Name: "legacy", Platform: "software", HoustonVersion: "0.34.0"}}, nil)
	dir := t.TempDir()
	secret, path := filepath.Join(dir, "legacy.token"), filepath.Join(dir, "fleet.yaml")
	require.NoError(t, os.WriteFile(secret, []byte("expired-token-0000000000\n"), 0o600))
	require.NoError(t, os.WriteFile(path, fmt.Appendf(nil, "software:\n  - name: legacy\n    url: %s\n    tokenFile: %s\n", env.Sim("legacy").URL, secret), 0o600))
	getenv := func(k string) string { return map[string]string{"GATEWAY_KEYS": "k"}[k] }
	cfg, err := config.Load([]string{"-config", path}, getenv)
	require.NoError(t, err)
	gw, err := gateway.Build(cfg, gateway.Extras{})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw.Handler)
	t.Cleanup(srv.Close)
	query := func() testenv.Response {
		return testenv.Post(t, srv.URL+"/graphql", `{ deployments(first: 1) { totalCount } }`, nil,
			map[string]string{"X-Gateway-Key": "k", "Cache-Control": "no-cache"})
	}
	r := query()
	require.NotEmpty(t, r.Errors)
	assert.NotContains(t, r.Errors[0].Message, "expired-token")

	var logs syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go gw.WatchFleet(ctx, path, 10*time.Millisecond, func() (*config.Fleet, error) {
		c, err := config.Load([]string{"-config", path}, getenv)
		return c.Fleet, err
	}, slog.New(slog.NewTextHandler(&logs, nil)))
	writeAtomic(t, secret, env.Sim("legacy").Token+"\n")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "fleet configuration reloaded") }, 5*time.Second, 10*time.Millisecond)
	r = query()
	require.Empty(t, r.Errors)
	assert.NotContains(t, string(r.Data), `"totalCount":0`)
	assert.NotContains(t, logs.String(), env.Sim("legacy").Token, "no token in the log")
}

// writeAtomic replaces a file as editors and secret mounts do, so the
// watcher never reads it half-written.
func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}
