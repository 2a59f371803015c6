package astrosim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/require"
)

// fakeClock is a manual clock for WithClock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
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

// env is a simulator behind an httptest server.
type env struct {
	sim *astrosim.Sim
	srv *httptest.Server
}

// setup starts a simulator; tests that make many requests with one token
// pass WithRateLimit(false) or a clock they control.
func setup(t *testing.T, opts ...astrosim.Option) *env {
	t.Helper()
	sim := astrosim.New(opts...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{sim: sim, srv: srv}
}

// response is one answer of the simulator.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with the token (none if tok is "").
func (e *env) do(t *testing.T, tok, method, path string) response {
	t.Helper()
	auth := ""
	if tok != "" {
		auth = "Bearer " + tok
	}
	return e.doAuth(t, auth, method, path)
}

// doAuth sends a request with a raw Authorization header (none if "").
func (e *env) doAuth(t *testing.T, auth, method, path string) response {
	t.Helper()
	return e.send(t, auth, method, path, "")
}

// send sends a request with a raw Authorization header (none if "") and a
// JSON body (none if "").
func (e *env) send(t *testing.T, auth, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: got}
}

func (e *env) get(t *testing.T, tok, path string) response {
	t.Helper()
	return e.do(t, tok, http.MethodGet, path)
}

// list GETs a list route and decodes the page, requiring a 200.
func (e *env) list(t *testing.T, tok, path string) listPage {
	t.Helper()
	r := e.get(t, tok, path)
	require.Equal(t, http.StatusOK, r.status, "GET %s: %s", path, r.body)
	var p listPage
	require.NoError(t, json.Unmarshal(r.body, &p))
	return p
}

// item holds the fields tests look at in any listed object.
type item struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	CreatedAt      string `json:"createdAt"`
	UpdatedAt      string `json:"updatedAt"`
	OrganizationID string `json:"organizationId"`
	WorkspaceID    string `json:"workspaceId"`
	WorkspaceName  string `json:"workspaceName"`
	Type           string `json:"type"`
	Status         string `json:"status"`
	Executor       string `json:"executor"`
	CloudProvider  string `json:"cloudProvider"`
	Region         string `json:"region"`
	ClusterID      string `json:"clusterId"`
	ClusterName    string `json:"clusterName"`
	Product        string `json:"product"`
}

// listPage decodes any of the four paginated wrappers.
type listPage struct {
	Limit         int    `json:"limit"`
	Offset        int    `json:"offset"`
	TotalCount    int    `json:"totalCount"`
	Organizations []item `json:"organizations"`
	Workspaces    []item `json:"workspaces"`
	Deployments   []item `json:"deployments"`
	Clusters      []item `json:"clusters"`
}

func (p listPage) items() []item {
	for _, xs := range [][]item{p.Organizations, p.Workspaces, p.Deployments, p.Clusters} {
		if xs != nil {
			return xs
		}
	}
	return nil
}

func ids(xs []item) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

// errBody is the spec's Error schema.
type errBody struct {
	Message     string `json:"message"`
	RequestID   string `json:"requestId"`
	StatusCode  int    `json:"statusCode"`
	FieldErrors []struct {
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"fieldErrors"`
}

// requireError checks status, Error body and request id header.
func requireError(t *testing.T, r response, status int) errBody {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	var e errBody
	require.NoError(t, json.Unmarshal(r.body, &e))
	require.Equal(t, status, e.StatusCode)
	require.NotEmpty(t, e.Message)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, e.RequestID)
	require.Equal(t, e.RequestID, r.header.Get(astrosim.RequestIDHeader))
	return e
}

// tokenOf returns the n-th token of a kind (n from 0).
func tokenOf(t *testing.T, sim *astrosim.Sim, kind string, n int) astrosim.Token {
	t.Helper()
	for _, tok := range sim.Tokens() {
		if tok.Kind == kind {
			if n == 0 {
				return tok
			}
			n--
		}
	}
	require.FailNow(t, "no such token", "kind %s", kind)
	return astrosim.Token{}
}

// tokenLabeled returns the token whose label starts with prefix.
func tokenLabeled(t *testing.T, sim *astrosim.Sim, prefix string) astrosim.Token {
	t.Helper()
	for _, tok := range sim.Tokens() {
		if strings.HasPrefix(tok.Label, prefix) {
			return tok
		}
	}
	require.FailNow(t, "no such token", "label %s", prefix)
	return astrosim.Token{}
}

func orgPath(orgID string, rest ...string) string {
	return "/v1/organizations/" + orgID + strings.Join(rest, "")
}
