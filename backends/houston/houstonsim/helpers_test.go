package houstonsim_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// start serves a new simulator over HTTP for the test.
func start(t *testing.T, opts ...houstonsim.Option) (*houstonsim.Sim, *httptest.Server) {
	t.Helper()
	sim := houstonsim.New(opts...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

// token returns the credential with the given label.
func token(t *testing.T, sim *houstonsim.Sim, label string) houstonsim.Token {
	t.Helper()
	for _, tok := range sim.Tokens() {
		if tok.Label == label {
			return tok
		}
	}
	t.Fatalf("no token labelled %q", label)
	return houstonsim.Token{}
}

// gqlError is one entry of a response's errors list.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// response is a decoded GraphQL response; Raw keeps the body as sent.
type response struct {
	Status int
	Raw    map[string]json.RawMessage
	Data   map[string]json.RawMessage
	Errors []gqlError
}

// post sends a GraphQL request with Authorization set to auth (none if "").
func post(t *testing.T, srv *httptest.Server, auth, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/v1", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out := response{Status: resp.StatusCode}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out.Raw))
	if d, ok := out.Raw["data"]; ok && string(d) != "null" {
		require.NoError(t, json.Unmarshal(d, &out.Data))
	}
	if e, ok := out.Raw["errors"]; ok {
		require.NoError(t, json.Unmarshal(e, &out.Errors))
	}
	return out
}

// field decodes data.<key> into a value of type T.
func field[T any](t *testing.T, r response, key string) T {
	t.Helper()
	var v T
	raw, ok := r.Data[key]
	require.Truef(t, ok, "no data.%s in %v", key, r.Raw)
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

// mustOK fails unless the response is a 200 without errors.
func mustOK(t *testing.T, r response) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status)
	require.Emptyf(t, r.Errors, "errors: %+v", r.Errors)
	_, hasErrors := r.Raw["errors"]
	require.False(t, hasErrors, "a response without errors must omit the errors key")
}

type deployment struct {
	ID                    string  `json:"id"`
	Type                  string  `json:"type"`
	Label                 string  `json:"label"`
	ReleaseName           string  `json:"releaseName"`
	Namespace             string  `json:"namespace"`
	ClusterID             string  `json:"clusterId"`
	RuntimeVersion        *string `json:"runtimeVersion"`
	RuntimeAirflowVersion *string `json:"runtimeAirflowVersion"`
	Status                string  `json:"status"`
	CreatedAt             string  `json:"createdAt"`
	Workspace             *struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"workspace"`
}

type workspace struct {
	ID              string `json:"id"`
	Label           string `json:"label"`
	DeploymentCount int    `json:"deploymentCount"`
}

// ids lists the id of each item.
func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func deploymentIDs(ds []deployment) []string {
	return ids(ds, func(d deployment) string { return d.ID })
}
func workspaceIDs(ws []workspace) []string { return ids(ws, func(w workspace) string { return w.ID }) }

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
