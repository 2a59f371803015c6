package astrosim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// created decodes the JSON object of a 200 answer.
func created(t *testing.T, r response) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v))
	return v
}

// TestCreateDeploymentResolvesItsTarget covers the v1 changelog's create:
// only name and workspaceId, the cluster or region from the workspace's
// defaults or the organization's only cluster, the type inferred.
func TestCreateDeploymentResolvesItsTarget(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	acme := tokenLabeled(t, e.sim, "org:Acme Corp")
	globex := tokenLabeled(t, e.sim, "org:Globex")
	acmeWS := e.list(t, acme.Token, orgPath(acme.Scope[0], "/workspaces?sorts=createdAt:asc&limit=10")).Workspaces
	globexWS := e.list(t, globex.Token, orgPath(globex.Scope[0], "/workspaces?limit=10")).Workspaces
	byName := func(ws []item, name string) string {
		for _, w := range ws {
			if w.Name == name {
				return w.ID
			}
		}
		require.FailNow(t, "no workspace "+name)
		return ""
	}
	var acmeDefault struct {
		DefaultClusterID string `json:"defaultClusterId"`
	}
	require.NoError(t, json.Unmarshal(e.get(t, acme.Token, orgPath(acme.Scope[0], "/workspaces/", byName(acmeWS, "Data Engineering"))).body, &acmeDefault))
	require.NotEmpty(t, acmeDefault.DefaultClusterID)

	tests := []struct {
		name      string
		tok       astrosim.Token
		body      string
		status    int
		want      map[string]any // fields of the created Deployment
		wantField string         // the field a 400 names
	}{
		{name: "workspace default cluster", tok: acme, body: `{"name":"a1","workspaceId":"` + byName(acmeWS, "Data Engineering") + `"}`,
			status: 200, want: map[string]any{"type": "DEDICATED", "clusterId": acmeDefault.DefaultClusterID, "status": "CREATING", "schedulerSize": "SMALL"}},
		{name: "workspace default region", tok: acme, body: `{"name":"a2","workspaceId":"` + byName(acmeWS, "Analytics") + `"}`,
			status: 200, want: map[string]any{"type": "STANDARD", "cloudProvider": "AWS", "region": "us-east-1"}},
		{name: "no defaults, three clusters", tok: acme, body: `{"name":"a3","workspaceId":"` + byName(acmeWS, "Platform") + `"}`,
			status: 400, wantField: "clusterId"},
		{name: "explicit region wins", tok: acme, body: `{"name":"a4","workspaceId":"` + byName(acmeWS, "Platform") + `","type":"STANDARD","cloudProvider":"GCP","region":"us-central1"}`,
			status: 200, want: map[string]any{"type": "STANDARD", "cloudProvider": "GCP"}},
		{name: "region without provider", tok: acme, body: `{"name":"a5","workspaceId":"` + byName(acmeWS, "Platform") + `","type":"STANDARD","region":"us-central1"}`,
			status: 400, wantField: "region"},
		{name: "type against the cluster", tok: acme, body: `{"name":"a6","workspaceId":"` + byName(acmeWS, "Data Engineering") + `","type":"STANDARD"}`,
			status: 400, wantField: "type"},
		{name: "unknown workspace", tok: acme, body: `{"name":"a7","workspaceId":"cdoesnotexist000000000000"}`,
			status: 400, wantField: "workspaceId"},
		{name: "hybrid default cluster", tok: globex, body: `{"name":"g1","workspaceId":"` + byName(globexWS, "Production") + `"}`,
			status: 200, want: map[string]any{"type": "HYBRID", "schedulerAu": float64(5), "executor": "CELERY"}},
		{name: "dedicated clusters enforced", tok: globex, body: `{"name":"g2","workspaceId":"` + byName(globexWS, "Research") + `","type":"STANDARD","cloudProvider":"AWS","region":"us-east-1"}`,
			status: 400, wantField: "type"},
		{name: "runtime default and choice", tok: acme, body: `{"name":"a8","workspaceId":"` + byName(acmeWS, "Analytics") + `","type":"STANDARD","astroRuntimeVersion":"12.1.1"}`,
			status: 200, want: map[string]any{"astroRuntimeVersion": "12.1.1", "airflowVersion": "2.10.4"}},
		{name: "memory must be twice the CPU", tok: acme, body: `{"name":"a9","workspaceId":"` + byName(acmeWS, "Analytics") + `","defaultTaskPodCpu":"1","defaultTaskPodMemory":"1Gi"}`,
			status: 400, wantField: "defaultTaskPodMemory"},
		{name: "celery needs a default queue", tok: acme, body: `{"name":"a10","workspaceId":"` + byName(acmeWS, "Analytics") + `","type":"STANDARD",` +
			`"workerQueues":[{"name":"big","isDefault":true,"astroMachine":"A20","minWorkerCount":0,"maxWorkerCount":2,"workerConcurrency":5}]}`,
			status: 400, wantField: "workerQueues"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send(t, "Bearer "+tc.tok.Token, http.MethodPost, orgPath(tc.tok.Scope[0], "/deployments"), tc.body)
			if tc.status != 200 {
				body := requireError(t, r, tc.status)
				require.NotEmpty(t, body.FieldErrors)
				assert.Equal(t, tc.wantField, body.FieldErrors[0].Field)
				assert.Contains(t, body.Message, "'"+tc.wantField+"'")
				return
			}
			d := created(t, r)
			for k, v := range tc.want {
				assert.Equal(t, v, d[k], k)
			}
		})
	}
}

// TestCreateDeploymentPicksTheOnlyCluster: with no defaults, an
// organization with a single cluster gets its Deployments there.
func TestCreateDeploymentPicksTheOnlyCluster(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	globex := tokenLabeled(t, e.sim, "org:Globex")
	org := globex.Scope[0]
	clusters := e.list(t, globex.Token, orgPath(org, "/clusters")).Clusters
	require.Len(t, clusters, 2)
	keep, drop := clusters[0], clusters[1]
	for _, d := range e.list(t, globex.Token, orgPath(org, "/deployments?limit=1000")).Deployments {
		if d.ClusterID == drop.ID {
			require.Equal(t, http.StatusNoContent, e.do(t, globex.Token, http.MethodDelete, orgPath(org, "/deployments/", d.ID)).status)
		}
	}
	for _, w := range e.list(t, globex.Token, orgPath(org, "/workspaces")).Workspaces {
		var ws map[string]any
		require.NoError(t, json.Unmarshal(e.get(t, globex.Token, orgPath(org, "/workspaces/", w.ID)).body, &ws))
		if ws["defaultClusterId"] == drop.ID {
			t.Fatalf("a workspace defaults to the cluster about to go")
		}
	}
	require.Equal(t, http.StatusNoContent, e.do(t, globex.Token, http.MethodDelete, orgPath(org, "/clusters/", drop.ID)).status)

	research := e.list(t, globex.Token, orgPath(org, "/workspaces?names=Research")).Workspaces[0]
	d := created(t, e.send(t, "Bearer "+globex.Token, http.MethodPost, orgPath(org, "/deployments"), `{"name":"auto","workspaceId":"`+research.ID+`"}`))
	assert.Equal(t, keep.ID, d["clusterId"])
	assert.Equal(t, "HYBRID", d["type"])
}

// TestWritesAreConsistent: what a write makes is what reads return, a
// delete is final, and a repeated delete is a 404.
func TestWritesAreConsistent(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithClock(clock.Now))
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	org := tokenLabeled(t, e.sim, "org:Acme Corp").Scope[0]
	auth := "Bearer " + pat.Token

	ws := created(t, e.send(t, auth, http.MethodPost, orgPath(org, "/workspaces"), `{"name":"Scratch","defaultCloudProvider":"AZURE","defaultRegion":"westeurope"}`))
	wsID := ws["id"].(string)
	assert.Equal(t, "Ada Lovelace", ws["createdBy"].(map[string]any)["fullName"], "writes are stamped with the token's subject")
	d := created(t, e.send(t, auth, http.MethodPost, orgPath(org, "/deployments"), `{"name":"scratch-1","workspaceId":"`+wsID+`"}`))
	depID := d["id"].(string)
	assert.Equal(t, "Scratch", d["workspaceName"])

	list := e.list(t, pat.Token, orgPath(org, "/deployments?workspaceIds=", wsID))
	require.Equal(t, 1, list.TotalCount)
	assert.Equal(t, "CREATING", list.Deployments[0].Status)
	clock.Advance(11 * time.Second)
	assert.Equal(t, "HEALTHY", e.list(t, pat.Token, orgPath(org, "/deployments?workspaceIds=", wsID)).Deployments[0].Status)

	upd := created(t, e.send(t, auth, http.MethodPost, orgPath(org, "/workspaces/", wsID), `{"name":"Scratch 2","description":"d","cicdEnforcedDefault":false}`))
	assert.Equal(t, "Scratch 2", upd["name"])
	var got map[string]any
	require.NoError(t, json.Unmarshal(e.get(t, pat.Token, orgPath(org, "/deployments/", depID)).body, &got))
	assert.Equal(t, "Scratch 2", got["workspaceName"], "a renamed workspace renames its deployments' workspaceName")

	requireError(t, e.do(t, pat.Token, http.MethodDelete, orgPath(org, "/workspaces/", wsID)), http.StatusBadRequest)
	require.Equal(t, http.StatusNoContent, e.do(t, pat.Token, http.MethodDelete, orgPath(org, "/deployments/", depID)).status)
	requireError(t, e.do(t, pat.Token, http.MethodDelete, orgPath(org, "/deployments/", depID)), http.StatusNotFound)
	requireError(t, e.get(t, pat.Token, orgPath(org, "/deployments/", depID)), http.StatusNotFound)
	require.Equal(t, http.StatusNoContent, e.do(t, pat.Token, http.MethodDelete, orgPath(org, "/workspaces/", wsID)).status)
	requireError(t, e.do(t, pat.Token, http.MethodDelete, orgPath(org, "/workspaces/", wsID)), http.StatusNotFound)
}

// TestWriteScopes: workspace and deployment tokens write within their
// scope only; organization-level writes need an organization-level token.
func TestWriteScopes(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	ws := tokenLabeled(t, e.sim, "workspace:Data Engineering")
	dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
	org := ws.Scope[0]
	other := e.list(t, ws.Token, orgPath(org, "/deployments?limit=1")).Deployments[0].ID
	tests := []struct {
		name, tok, method, path, body string
		status                        int
	}{
		{"workspace token updates its workspace", ws.Token, http.MethodPost, orgPath(org, "/workspaces/", ws.Scope[1]), `{"name":"Data Engineering","description":"x","cicdEnforcedDefault":false}`, 200},
		{"workspace token, another workspace", ws.Token, http.MethodPost, orgPath(org, "/workspaces/", dep.Scope[1]), `{"name":"x","description":"x","cicdEnforcedDefault":false}`, 403},
		{"workspace token creates a team", ws.Token, http.MethodPost, orgPath(org, "/teams"), `{"name":"x"}`, 403},
		{"deployment token deletes another deployment", dep.Token, http.MethodDelete, orgPath(org, "/deployments/", other), "", 403},
		{"workspace token deletes a deployment of another workspace", ws.Token, http.MethodDelete, orgPath(org, "/deployments/", dep.Scope[2]), "", 403},
		{"deployment token creates a deploy", dep.Token, http.MethodPost, orgPath(org, "/deployments/", dep.Scope[2], "/deploys"), `{"type":"IMAGE_ONLY"}`, 200},
		{"deployment token creates a workspace", dep.Token, http.MethodPost, orgPath(org, "/workspaces"), `{"name":"x"}`, 403},
		{"deployment token reads logs", dep.Token, http.MethodGet, orgPath(org, "/deployments/", dep.Scope[2], "/logs?sources=worker&limit=1"), "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send(t, "Bearer "+tc.tok, tc.method, tc.path, tc.body)
			assert.Equal(t, tc.status, r.status, "%s", r.body)
		})
	}
}

// TestConfigureAtRunTime drives the knobs through the side door.
func TestConfigureAtRunTime(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithClock(newFakeClock().Now))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	path := orgPath(tok.Scope[0])

	r := e.get(t, "", "/_sim/config")
	assert.JSONEq(t, `{"latency":"0","failRate":0,"rateLimit":true}`, string(r.body))
	for _, bad := range []string{`{"failRate":2}`, `{"latency":"soon"}`, `{"speed":1}`, `nope`} {
		r = e.send(t, "", http.MethodPost, "/_sim/config", bad)
		assert.Equal(t, http.StatusBadRequest, r.status, bad)
	}
	r = e.send(t, "", http.MethodPost, "/_sim/config", `{"failRate":1,"latency":"1ms-2ms","rateLimit":false}`)
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"latency":"1ms-2ms","failRate":1,"rateLimit":false}`, string(r.body))
	assert.Contains(t, requireError(t, e.get(t, tok.Token, path), http.StatusInternalServerError).Message, "injected fault")

	_, err := e.sim.Configure(astrosim.ConfigUpdate{FailRate: new(float64)})
	require.NoError(t, err)
	for range 30 {
		require.Equal(t, http.StatusOK, e.get(t, tok.Token, path).status, "no rate limit")
	}
	on := true
	cfg, err := e.sim.Configure(astrosim.ConfigUpdate{RateLimit: &on, Latency: new(string)})
	require.NoError(t, err)
	assert.Equal(t, astrosim.Config{Latency: "0", RateLimit: true}, cfg)
	requireError(t, e.get(t, tok.Token, path), http.StatusTooManyRequests)
}

// TestFaultsMayStrikeAfterAWrite: a failing write may have acted, which is
// why clients never retry a create blindly.
func TestFaultsMayStrikeAfterAWrite(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithFaults(1))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	org := tok.Scope[0]
	const n = 20
	for i := range n {
		r := e.send(t, "Bearer "+tok.Token, http.MethodPost, orgPath(org, "/teams"), `{"name":"fault-`+strings.Repeat("x", i)+`"}`)
		requireError(t, r, http.StatusInternalServerError)
	}
	_, err := e.sim.Configure(astrosim.ConfigUpdate{FailRate: new(float64)})
	require.NoError(t, err)
	made := 0
	for _, id := range listIDs(t, e, tok.Token, orgPath(org, "/teams"), "teams") {
		var team map[string]any
		require.NoError(t, json.Unmarshal(e.get(t, tok.Token, orgPath(org, "/teams/", id)).body, &team))
		if strings.HasPrefix(team["name"].(string), "fault-") {
			made++
		}
	}
	assert.Positive(t, made, "some failed creates acted")
	assert.Less(t, made, n, "some failed creates did not")
}

// TestTimedOutWritesAreMade: a client that gives up on a write before its
// answer cannot tell whether it was made; the simulator, like a real
// server, makes it anyway.
func TestTimedOutWritesAreMade(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithLatency(200*time.Millisecond, 200*time.Millisecond))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	org := tok.Scope[0]
	const route = "POST /v1/organizations/{organizationId}/teams"
	before := e.sim.Stats().ByRoute[route]
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+orgPath(org, "/teams"), strings.NewReader(`{"name":"timed-out"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	done := make(chan error, 1)
	go func() {
		resp, err := e.srv.Client().Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	// The client gives up once the request has arrived, well before the
	// write's halfway point.
	require.Eventually(t, func() bool { return e.sim.Stats().ByRoute[route] > before }, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	none := "0"
	_, err = e.sim.Configure(astrosim.ConfigUpdate{Latency: &none})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var names []string
		for _, id := range listIDs(t, e, tok.Token, orgPath(org, "/teams"), "teams") {
			var team map[string]any
			assert.NoError(c, json.Unmarshal(e.get(t, tok.Token, orgPath(org, "/teams/", id)).body, &team))
			names = append(names, fmt.Sprint(team["name"]))
		}
		assert.Contains(c, names, "timed-out")
	}, 5*time.Second, 20*time.Millisecond)
}

// TestAPITokensAuthenticate: tokens made through the API work at once,
// rotate and die with their object, and the side door lists them.
func TestAPITokensAuthenticate(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	id := org.Scope[0]
	tok := created(t, e.send(t, "Bearer "+org.Token, http.MethodPost, orgPath(id, "/tokens"), `{"name":"bot","role":"ORGANIZATION_MEMBER","scope":"ORGANIZATION","tokenExpiryPeriodInDays":1}`))
	secret := tok["token"].(string)
	assert.Equal(t, http.StatusOK, e.get(t, secret, orgPath(id, "/clusters")).status)
	toks := e.sim.Tokens()
	last := toks[len(toks)-1]
	assert.Equal(t, secret, last.Token)
	assert.Equal(t, astrosim.KindOrganization, last.Kind)

	rot := created(t, e.send(t, "Bearer "+org.Token, http.MethodPost, orgPath(id, "/tokens/", tok["id"].(string), "/rotate"), ""))
	requireError(t, e.get(t, secret, orgPath(id)), http.StatusUnauthorized)
	assert.Equal(t, http.StatusOK, e.get(t, rot["token"].(string), orgPath(id)).status)
	assert.Equal(t, rot["token"], e.sim.Tokens()[len(toks)-1].Token, "a rotated token keeps its place")

	require.Equal(t, http.StatusNoContent, e.do(t, org.Token, http.MethodDelete, orgPath(id, "/tokens/", tok["id"].(string))).status)
	requireError(t, e.get(t, rot["token"].(string), orgPath(id)), http.StatusUnauthorized)
	assert.Len(t, e.sim.Tokens(), len(toks)-1)
}

// TestLogsAreDeterministic: the same search gives the same entries, and
// another deployment other ones.
func TestLogsAreDeterministic(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithClock(clock.Now))
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	deps := e.list(t, org.Token, orgPath(org.Scope[0], "/deployments?limit=2")).Deployments
	logs := func(dep string) string {
		r := e.get(t, org.Token, orgPath(org.Scope[0], "/deployments/", dep, "/logs?sources=scheduler&sources=worker&limit=20"))
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var v struct {
			Results []json.RawMessage `json:"results"`
		}
		require.NoError(t, json.Unmarshal(r.body, &v))
		require.Len(t, v.Results, 20)
		b, _ := json.Marshal(v.Results)
		return string(b)
	}
	a := logs(deps[0].ID)
	assert.Equal(t, a, logs(deps[0].ID))
	assert.NotEqual(t, a, logs(deps[1].ID))
}

// TestAPITokenExpires: a created API token is a JWT whose exp claim is its
// endAt; once the clock passes it the token gets 401.
func TestAPITokenExpires(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithClock(clock.Now))
	org := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	id := org.Scope[0]
	tok := created(t, e.send(t, "Bearer "+org.Token, http.MethodPost, orgPath(id, "/tokens"), `{"name":"short","role":"ORGANIZATION_MEMBER","scope":"ORGANIZATION","tokenExpiryPeriodInDays":1}`))
	secret := tok["token"].(string)
	exp, ok := claims(t, secret)["exp"].(float64)
	require.True(t, ok, "an expiring token carries exp")
	assert.Equal(t, clock.Now().Add(24*time.Hour).Unix(), int64(exp))
	assert.Equal(t, http.StatusOK, e.get(t, secret, orgPath(id)).status)
	clock.Advance(25 * time.Hour)
	body := requireError(t, e.get(t, secret, orgPath(id)), http.StatusUnauthorized)
	assert.Contains(t, body.Message, "expired")
}
