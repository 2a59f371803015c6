package houstonsim_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

func TestStatsByRootField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		want  map[string]int
	}{
		{"one field", `{ workspaces { id } }`, map[string]int{"workspaces": 1}},
		{"aliases count separately",
			`query($a: String!, $b: String!, $c: String!) {
				a: deployment(where: {id: $a}) { id }
				b: deployment(where: {id: $b}) { id }
				c: deployment(where: {id: $c}) { id }
				appConfig { version }
			}`,
			map[string]int{"deployment": 3, "appConfig": 1}},
		{"a repeated response key executes once",
			`{ appConfig { version } appConfig { baseDomain } }`, map[string]int{"appConfig": 1}},
		{"fields in fragments count",
			`query { ...Q } fragment Q on Query { workspaces { id } runtimeReleases { version } }`,
			map[string]int{"workspaces": 1, "runtimeReleases": 1}},
		{"skipped fields do not",
			`{ workspaces @skip(if: true) { id } appConfig { version } }`, map[string]int{"appConfig": 1}},
		{"introspection does not count", `{ __schema { queryType { name } } __typename }`, map[string]int{}},
		{"refused fields count", `{ workspaces { id } }`, map[string]int{"workspaces": 1}},
		{"invalid documents count no field", `{ workspaces { nope } }`, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, srv := start(t)
			auth := token(t, sim, houstonsim.LabelSystemAdmin).Token
			if tt.name == "refused fields count" {
				auth = ""
			}
			vars := map[string]any{"a": "x", "b": "y", "c": "z"}
			post(t, srv, auth, tt.query, vars)
			st := sim.Stats()
			assert.Equal(t, 1, st.Requests)
			assert.Equal(t, 0, st.Throttled)
			assert.Equal(t, tt.want, st.ByRoute)
		})
	}
}

func TestStatsRequestsAndReset(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	for range 3 {
		post(t, srv, sys, `{ workspaces { id } }`, nil)
	}
	post(t, srv, "", `{ appConfig { version } }`, nil)
	post(t, srv, "bogus", `{ appConfig { version } }`, nil)

	st := sim.Stats()
	assert.Equal(t, 5, st.Requests)
	assert.Equal(t, map[string]int{"workspaces": 3, "appConfig": 2}, st.ByRoute)
	assert.Equal(t, map[string]map[string]int{
		houstonsim.LabelSystemAdmin: {"POST": 3},
		"anonymous":                 {"POST": 1},
		"invalid":                   {"POST": 1},
	}, st.PeakPerSecond)

	// The side door serves the same numbers and is not counted itself.
	var served houstonsim.Stats
	getJSON(t, srv.URL+"/_sim/stats", &served)
	assert.Equal(t, st, served)
	assert.Equal(t, st, sim.Stats())

	// Stats returns a copy.
	st.ByRoute["workspaces"] = 100
	st.PeakPerSecond["anonymous"]["POST"] = 100
	assert.Equal(t, 3, sim.Stats().ByRoute["workspaces"])
	assert.Equal(t, 1, sim.Stats().PeakPerSecond["anonymous"]["POST"])

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/_sim/reset", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	zero := houstonsim.Stats{ByRoute: map[string]int{}, PeakPerSecond: map[string]map[string]int{}}
	assert.Equal(t, zero, sim.Stats())
	var raw map[string]any
	getJSON(t, srv.URL+"/_sim/stats", &raw)
	assert.Equal(t, map[string]any{
		"requests": float64(0), "throttled": float64(0), "byRoute": map[string]any{}, "peakPerSecond": map[string]any{},
	}, raw)

	// Data survives a reset.
	r := post(t, srv, sys, `{ workspaces { id } }`, nil)
	mustOK(t, r)
	assert.Len(t, field[[]workspace](t, r, "workspaces"), 4)
}

func TestStatsPeakPerSecond(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	sim, srv := start(t, houstonsim.WithClock(clock.Now))
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	const q = `{ appConfig { version } }`
	at := func(d time.Duration, n int) {
		t.Helper()
		clock.Advance(d)
		for range n {
			post(t, srv, sys, q, nil)
		}
	}
	peak := func() int { return sim.Stats().PeakPerSecond[houstonsim.LabelSystemAdmin]["POST"] }

	at(0, 3) // t=0: 3
	assert.Equal(t, 3, peak())
	at(900*time.Millisecond, 2) // t=0.9: 5 in the window
	assert.Equal(t, 5, peak())
	at(100*time.Millisecond, 1) // t=1.0: the three at t=0 left the window; 3 in it
	assert.Equal(t, 5, peak())
	at(500*time.Millisecond, 3) // t=1.5: 0.9, 0.9, 1.0 and three new = 6
	assert.Equal(t, 6, peak())
	at(10*time.Second, 1)
	assert.Equal(t, 6, peak(), "the peak is kept")

	// GET is counted apart from POST.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1?query={appConfig{version}}", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", sys)
	mustOK(t, send(t, req))
	assert.Equal(t, map[string]int{"POST": 6, "GET": 1}, sim.Stats().PeakPerSecond[houstonsim.LabelSystemAdmin])

	sim.Reset()
	at(0, 1)
	assert.Equal(t, 1, peak(), "a reset forgets the window too")
}

func TestSideDoorTokens(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	var served []houstonsim.Token
	getJSON(t, srv.URL+"/_sim/tokens", &served)
	assert.Equal(t, sim.Tokens(), served)

	var raw []map[string]any
	getJSON(t, srv.URL+"/_sim/tokens", &raw)
	require.NotEmpty(t, raw)
	assert.ElementsMatch(t, []string{"token", "label", "kind", "scope"}, keys(raw[0]))
	assert.Equal(t, []any{}, raw[0]["scope"], "the system admin's scope is [] rather than null")
	assert.Equal(t, 0, sim.Stats().Requests)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	sim, srv := start(t, houstonsim.WithLatency(2*time.Millisecond, time.Millisecond))
	began := time.Now()
	mustOK(t, post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, `{ workspaces { id } }`, nil))
	assert.GreaterOrEqual(t, time.Since(began), time.Millisecond)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
