package astrosim_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthAndScopeErrors(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	acme := tokenLabeled(t, e.sim, "org:Acme Corp")
	globex := tokenLabeled(t, e.sim, "org:Globex")
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	ws := tokenLabeled(t, e.sim, "workspace:Data Engineering")
	dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
	acmeID, globexID := acme.Scope[0], globex.Scope[0]
	globexDep := e.list(t, globex.Token, orgPath(globexID, "/deployments?limit=1")).Deployments[0]
	otherWS := e.list(t, acme.Token, orgPath(acmeID, "/workspaces?names=Analytics")).Workspaces[0]
	otherDep := e.list(t, acme.Token, orgPath(acmeID, "/deployments?workspaceIds=", ws.Scope[1], "&limit=1&sorts=name:desc")).Deployments[0]
	require.NotEqual(t, dep.Scope[1], ws.Scope[1], "the deployment token should live outside the workspace token's workspace")

	tests := []struct {
		name    string
		auth    string // raw Authorization header; "" for none
		method  string
		path    string
		status  int
		message string // a substring of the message
	}{
		{"no token", "", http.MethodGet, orgPath(acmeID), 401, "Authorization"},
		{"basic scheme", "Basic dXNlcjpwYXNz", http.MethodGet, orgPath(acmeID), 401, "Bearer"},
		{"empty bearer", "Bearer ", http.MethodGet, orgPath(acmeID), 401, "Bearer"},
		{"unknown token", "Bearer astrosim_org_nope", http.MethodGet, orgPath(acmeID, "/deployments"), 401, "invalid"},
		{"lower-case scheme", "bearer " + acme.Token, http.MethodGet, orgPath(globexID), 403, globexID},
		{"other organization", "Bearer " + acme.Token, http.MethodGet, orgPath(globexID, "/workspaces"), 403, globexID},
		{"nonexistent organization", "Bearer " + pat.Token, http.MethodGet, orgPath("cnotanorganization0000000"), 403, "no access"},
		{"forged API token", "Bearer " + forge(acme.Token), http.MethodGet, "/v1/organizations", 401, "signature"},
		{"unknown deployment", "Bearer " + acme.Token, http.MethodGet, orgPath(acmeID, "/deployments/cdoesnotexist000000000000"), 404, "Deployment"},
		{"unknown workspace", "Bearer " + acme.Token, http.MethodGet, orgPath(acmeID, "/workspaces/cdoesnotexist000000000000"), 404, "Workspace"},
		{"unknown cluster", "Bearer " + acme.Token, http.MethodGet, orgPath(acmeID, "/clusters/cdoesnotexist000000000000"), 404, "Cluster"},
		{"deployment of another organization", "Bearer " + pat.Token, http.MethodGet, orgPath(acmeID, "/deployments/", globexDep.ID), 404, globexDep.ID},
		{"workspace token, other workspace", "Bearer " + ws.Token, http.MethodGet, orgPath(acmeID, "/workspaces/", otherWS.ID), 403, otherWS.ID},
		{"workspace token, clusters", "Bearer " + ws.Token, http.MethodGet, orgPath(acmeID, "/clusters"), 403, "organization.clusters.get"},
		{"deployment token, its workspace", "Bearer " + dep.Token, http.MethodGet, orgPath(acmeID, "/workspaces/", dep.Scope[1]), 403, dep.Scope[1]},
		{"deployment token, other deployment", "Bearer " + dep.Token, http.MethodGet, orgPath(acmeID, "/deployments/", otherDep.ID), 403, otherDep.ID},
		{"deployment token, cluster", "Bearer " + dep.Token, http.MethodGet, orgPath(acmeID, "/clusters/cdoesnotexist000000000000"), 403, "clusters"},
		{"unknown route", "Bearer " + acme.Token, http.MethodGet, orgPath(acmeID, "/nothing"), 404, "no route"},
		{"unserved method", "Bearer " + acme.Token, http.MethodPut, orgPath(acmeID, "/deployments"), 404, "no route"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := requireError(t, e.doAuth(t, tc.auth, tc.method, tc.path), tc.status)
			assert.Contains(t, body.Message, tc.message)
		})
	}
}

func TestScopedTokensSeeTheirScope(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	acme := tokenLabeled(t, e.sim, "org:Acme Corp")
	orgID := acme.Scope[0]

	t.Run("workspace token", func(t *testing.T) {
		t.Parallel()
		ws := tokenLabeled(t, e.sim, "workspace:Data Engineering")
		require.Equal(t, []string{orgID, ws.Scope[1]}, ws.Scope)

		wsList := e.list(t, ws.Token, orgPath(orgID, "/workspaces"))
		require.Equal(t, 1, wsList.TotalCount)
		assert.Equal(t, []string{ws.Scope[1]}, ids(wsList.Workspaces))

		want := e.list(t, acme.Token, orgPath(orgID, "/deployments?limit=1000&workspaceIds=", ws.Scope[1]))
		got := e.list(t, ws.Token, orgPath(orgID, "/deployments?limit=1000"))
		require.NotZero(t, got.TotalCount)
		assert.Equal(t, want.TotalCount, got.TotalCount)
		assert.ElementsMatch(t, ids(want.Deployments), ids(got.Deployments))
		for _, d := range got.Deployments {
			assert.Equal(t, ws.Scope[1], d.WorkspaceID)
		}

		r := e.get(t, ws.Token, orgPath(orgID, "/workspaces/", ws.Scope[1]))
		assert.Equal(t, http.StatusOK, r.status)
		r = e.get(t, ws.Token, orgPath(orgID, "/deployments/", got.Deployments[0].ID))
		assert.Equal(t, http.StatusOK, r.status)
		r = e.get(t, ws.Token, orgPath(orgID))
		assert.Equal(t, http.StatusOK, r.status, "scoped tokens may read their organization")
	})

	t.Run("deployment token", func(t *testing.T) {
		t.Parallel()
		dep := tokenOf(t, e.sim, astrosim.KindDeployment, 0)
		require.Len(t, dep.Scope, 3)
		got := e.list(t, dep.Token, orgPath(orgID, "/deployments"))
		require.Equal(t, 1, got.TotalCount)
		assert.Equal(t, dep.Scope[2], got.Deployments[0].ID)
		assert.Equal(t, dep.Scope[1], got.Deployments[0].WorkspaceID)
		assert.Equal(t, "deployment:"+got.Deployments[0].Name, dep.Label)
		assert.Zero(t, e.list(t, dep.Token, orgPath(orgID, "/workspaces")).TotalCount)
	})

	t.Run("personal token", func(t *testing.T) {
		t.Parallel()
		pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
		require.Len(t, pat.Scope, 2)
		orgs := e.list(t, pat.Token, "/v1/organizations")
		assert.ElementsMatch(t, pat.Scope, ids(orgs.Organizations))
		for _, id := range pat.Scope {
			assert.NotZero(t, e.list(t, pat.Token, orgPath(id, "/deployments")).TotalCount)
			assert.NotZero(t, e.list(t, pat.Token, orgPath(id, "/clusters")).TotalCount)
		}
	})
}

func TestListOrganizations(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0).Token
	tests := []struct {
		query string
		names []string
		total int
	}{
		{"", []string{"Acme Corp", "Globex"}, 2},
		{"?sorts=name:desc", []string{"Globex", "Acme Corp"}, 2},
		{"?product=HYBRID", []string{"Globex"}, 1},
		{"?productPlan=BUSINESS_CRITICAL", []string{"Acme Corp"}, 1},
		{"?productPlan=TRIAL", []string{}, 0},
		{"?astronomerProduct=ASTRO&sorts=name:asc&limit=1&offset=1", []string{"Globex"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := e.list(t, pat, "/v1/organizations"+tc.query)
			names := []string{}
			for _, o := range p.Organizations {
				names = append(names, o.Name)
			}
			assert.Equal(t, tc.names, names)
			assert.Equal(t, tc.total, p.TotalCount)
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithClock(clock.Now))
	acme := tokenLabeled(t, e.sim, "org:Acme Corp")
	globex := tokenLabeled(t, e.sim, "org:Globex")
	path := orgPath(acme.Scope[0], "/deployments")

	// 10 GETs now and 15 half a second later fill the window of 25.
	for i := range 25 {
		if i == 10 {
			clock.Advance(500 * time.Millisecond)
		}
		require.Equal(t, http.StatusOK, e.get(t, acme.Token, path).status, "request %d", i)
	}
	r := e.get(t, acme.Token, path)
	requireError(t, r, http.StatusTooManyRequests)
	assert.Equal(t, "1", r.header.Get("Retry-After"))

	// Another token has its own budget.
	assert.Equal(t, http.StatusOK, e.get(t, globex.Token, orgPath(globex.Scope[0])).status)

	// At t0+999ms the first ten are still in the window.
	clock.Advance(499 * time.Millisecond)
	requireError(t, e.get(t, acme.Token, path), http.StatusTooManyRequests)
	// At t0+1s they have left it: ten more fit, the eleventh does not.
	clock.Advance(time.Millisecond)
	for i := range 10 {
		require.Equal(t, http.StatusOK, e.get(t, acme.Token, path).status, "request %d", i)
	}
	r = e.get(t, acme.Token, path)
	requireError(t, r, http.StatusTooManyRequests)
	assert.Equal(t, "1", r.header.Get("Retry-After"))

	st := e.sim.Stats()
	assert.Equal(t, 3, st.Throttled)
	assert.Equal(t, 25+1+1+1+10+1, st.Requests)
	assert.Equal(t, 38, st.ByRoute["GET /v1/organizations/{organizationId}/deployments"])
	// Peak counts every request seen in a window, throttled ones included:
	// 15 (t0+500ms) + 2 throttled + 10 + 1 throttled within (t0+1s-1s, t0+1s].
	assert.Equal(t, map[string]int{"GET": 28}, st.PeakPerSecond["org:Acme Corp"])
	assert.Equal(t, map[string]int{"GET": 1}, st.PeakPerSecond["org:Globex"])
}

func TestRateLimitDisabledStillCountsPeaks(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithClock(clock.Now), astrosim.WithRateLimit(false))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	for range 40 {
		require.Equal(t, http.StatusOK, e.get(t, tok.Token, orgPath(tok.Scope[0])).status)
	}
	st := e.sim.Stats()
	assert.Zero(t, st.Throttled)
	assert.Equal(t, 40, st.PeakPerSecond[tok.Label]["GET"])
}

func TestSideDoor(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)

	r := e.get(t, "", "/_sim/tokens")
	require.Equal(t, http.StatusOK, r.status)
	var tokens []astrosim.Token
	require.NoError(t, json.Unmarshal(r.body, &tokens))
	assert.Equal(t, e.sim.Tokens(), tokens)

	e.get(t, tok.Token, orgPath(tok.Scope[0], "/deployments"))
	e.get(t, tok.Token, orgPath(tok.Scope[0], "/deployments"))
	e.get(t, tok.Token, orgPath(tok.Scope[0]))
	e.get(t, "", orgPath(tok.Scope[0]))                 // 401: counted, no token label
	e.get(t, tok.Token, orgPath(tok.Scope[0], "/nope")) // no route: counted, not by route

	r = e.get(t, "", "/_sim/stats")
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, fmt.Sprintf(`{
		"requests": 5,
		"throttled": 0,
		"byRoute": {
			"GET /v1/organizations/{organizationId}/deployments": 2,
			"GET /v1/organizations/{organizationId}": 2
		},
		"peakPerSecond": {%q: {"GET": 3}}
	}`, tok.Label), string(r.body))
	var st astrosim.Stats
	require.NoError(t, json.Unmarshal(r.body, &st))
	assert.Equal(t, e.sim.Stats(), st, "Stats() and GET /_sim/stats agree")

	r = e.do(t, "", http.MethodPost, "/_sim/reset")
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"requests":0,"throttled":0,"byRoute":{},"peakPerSecond":{}}`, string(r.body))
	assert.Equal(t, astrosim.Stats{ByRoute: map[string]int{}, PeakPerSecond: map[string]map[string]int{}}, e.sim.Stats())

	// The data stays.
	assert.Equal(t, 20, e.list(t, tok.Token, orgPath(tok.Scope[0], "/deployments")).TotalCount)

	requireError(t, e.get(t, "", "/_sim/reset"), http.StatusNotFound)
	assert.Equal(t, 1, e.sim.Stats().Requests, "the side door is not counted")
}

func TestResetClearsRateLimitWindows(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := setup(t, astrosim.WithClock(clock.Now))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	for range 25 {
		e.get(t, tok.Token, orgPath(tok.Scope[0]))
	}
	requireError(t, e.get(t, tok.Token, orgPath(tok.Scope[0])), http.StatusTooManyRequests)
	e.sim.Reset()
	assert.Equal(t, http.StatusOK, e.get(t, tok.Token, orgPath(tok.Scope[0])).status)
}

func TestTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dataset string
		labels  []string
	}{
		{astrosim.Small, []string{"org:Acme Corp", "org:Globex", "personal:ada@acme.example",
			"workspace:Data Engineering", "workspace:Production"}},
		{astrosim.Bench, []string{"org:Initech", "personal:peter@initech.example", "workspace:Payments"}},
	} {
		t.Run(tc.dataset, func(t *testing.T) {
			t.Parallel()
			sim := astrosim.New(astrosim.WithDataset(tc.dataset))
			tokens := sim.Tokens()
			seen := map[string]bool{}
			kinds := map[string]int{}
			for _, tok := range tokens {
				if tok.Kind == astrosim.KindPersonal {
					assert.Regexp(t, `^astrosim_pat_[0-9A-Za-z]{32}$`, tok.Token)
				} else {
					// API tokens are JWTs whose permissions name their scope.
					perms := claims(t, tok.Token)["permissions"]
					assert.Contains(t, perms, "organizationId:"+tok.Scope[0], tok.Label)
					if len(tok.Scope) > 1 {
						assert.Contains(t, perms, "workspaceId:"+tok.Scope[1], tok.Label)
					}
					if len(tok.Scope) > 2 {
						assert.Contains(t, perms, "deploymentId:"+tok.Scope[2], tok.Label)
					}
				}
				assert.False(t, seen[tok.Label], "duplicate label %s", tok.Label)
				seen[tok.Label] = true
				kinds[tok.Kind]++
				assert.NotEmpty(t, tok.Scope)
			}
			for _, l := range tc.labels {
				assert.True(t, seen[l], "missing token %s", l)
			}
			assert.Equal(t, 1, kinds[astrosim.KindPersonal])
			assert.Equal(t, kinds[astrosim.KindOrganization], kinds[astrosim.KindWorkspace])
			assert.Equal(t, kinds[astrosim.KindOrganization], kinds[astrosim.KindDeployment])

			// Deterministic for a seed, different for another.
			assert.Equal(t, tokens, astrosim.New(astrosim.WithDataset(tc.dataset)).Tokens())
			assert.NotEqual(t, tokens[0].Token, astrosim.New(astrosim.WithDataset(tc.dataset), astrosim.WithSeed(2)).Tokens()[0].Token)

			// Tokens returns a copy.
			tokens[0].Scope[0] = "changed"
			assert.NotEqual(t, "changed", sim.Tokens()[0].Scope[0])
		})
	}
}

func TestUnknownDatasetPanics(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, `astrosim: unknown dataset "huge" (want "small" or "bench")`, func() {
		astrosim.New(astrosim.WithDataset("huge"))
	})
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithLatency(30*time.Millisecond, 30*time.Millisecond))
	tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
	start := time.Now()
	require.Equal(t, http.StatusOK, e.get(t, tok.Token, orgPath(tok.Scope[0])).status)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestParseLatency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		min, max time.Duration
		wantErr  bool
	}{
		{"", 0, 0, false},
		{"0", 0, 0, false},
		{"50ms", 50 * time.Millisecond, 50 * time.Millisecond, false},
		{"20ms-80ms", 20 * time.Millisecond, 80 * time.Millisecond, false},
		{" 1s-2s ", time.Second, 2 * time.Second, false},
		{"80ms-20ms", 0, 0, true},
		{"fast", 0, 0, true},
		{"10ms-", 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			lo, hi, err := astrosim.ParseLatency(tc.in)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.min, lo)
			assert.Equal(t, tc.max, hi)
		})
	}
}

// TestConcurrentUse runs many clients at once; its value is under -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false), astrosim.WithLatency(0, time.Millisecond))
	var wg sync.WaitGroup
	for _, tok := range e.sim.Tokens() {
		for range 4 {
			wg.Go(func() {
				for _, p := range []string{"", "/workspaces", "/deployments?sorts=name:desc", "/clusters"} {
					r := e.get(t, tok.Token, orgPath(tok.Scope[0], p))
					assert.Contains(t, []int{200, 403}, r.status)
				}
				e.sim.Stats()
			})
		}
	}
	wg.Wait()
	assert.Equal(t, len(e.sim.Tokens())*4*4, e.sim.Stats().Requests)
}

// claims reads a JWT's claims without verifying it, as the Astro CLI does.
func claims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3, "a JWT: %s", tok)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c))
	return c
}

// forge returns tok with its claims widened to another organization and
// the signature kept: the simulator must refuse it.
func forge(tok string) string {
	parts := strings.Split(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c map[string]any
	_ = json.Unmarshal(raw, &c)
	c["permissions"] = []string{"organizationId:someone-elses"}
	b, _ := json.Marshal(c)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

// TestAPITokensListTheirOrganization: an Organization, Workspace or
// Deployment token lists its own organization (the Astro CLI's setup does),
// a personal token every organization of its user.
func TestAPITokensListTheirOrganization(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	for _, kind := range []string{astrosim.KindOrganization, astrosim.KindWorkspace, astrosim.KindDeployment} {
		tok := tokenOf(t, e.sim, kind, 0)
		p := e.list(t, tok.Token, "/v1/organizations")
		require.Len(t, p.Organizations, 1, kind)
		assert.Equal(t, tok.Scope[0], p.Organizations[0].ID, kind)
	}
	assert.Equal(t, 2, e.list(t, tokenOf(t, e.sim, astrosim.KindPersonal, 0).Token, "/v1/organizations").TotalCount)
}
