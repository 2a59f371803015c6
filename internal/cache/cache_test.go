package cache

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upstream answers with the caller's token and a call counter, so a test
// can see both what was served and how often upstream was asked.
type upstream struct {
	calls   atomic.Int64
	gate    chan struct{} // when set, GETs wait for it
	entered chan struct{}
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := u.calls.Add(1)
	if r.Method == http.MethodGet && u.gate != nil {
		u.entered <- struct{}{}
		<-u.gate
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"token":%q,"path":%q,"call":%d}`, r.Header.Get("Authorization"), r.URL.Path, n)
}

func setup(t *testing.T, store Store) (*upstream, *http.Client, string) {
	t.Helper()
	u := &upstream{}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return u, &http.Client{Transport: NewTransport(store, testRules(), nil, http.DefaultTransport)}, srv.URL
}

func get(t *testing.T, ctx context.Context, c *http.Client, url, token string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func send(t *testing.T, c *http.Client, method, url, token string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
}

func TestRepeatsAreAnsweredFromTheCache(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, NewLocal(100, time.Minute))
	url := base + "/v1/organizations/org1/deployments"
	first := get(t, t.Context(), c, url, "tok-a")
	assert.Equal(t, first, get(t, t.Context(), c, url, "tok-a"))
	assert.EqualValues(t, 1, u.calls.Load())
}

func TestTokensNeverShareEntries(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, NewLocal(100, time.Minute))
	a := get(t, t.Context(), c, base+"/v1/organizations/org1/deployments", "tok-org1")
	b := get(t, t.Context(), c, base+"/v1/organizations/org1/deployments", "tok-org2")
	assert.Contains(t, a, "tok-org1")
	assert.Contains(t, b, "tok-org2", "another token's cached answer is never served")
	assert.NotContains(t, b, "tok-org1")
	assert.EqualValues(t, 2, u.calls.Load())
	assert.Contains(t, get(t, t.Context(), c, base+"/v1/organizations/org2/workspaces", "tok-org2"), "tok-org2")
}

func TestWritesRetireTheirOrganization(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, NewLocal(100, time.Minute))
	org1 := base + "/v1/organizations/org1/deployments"
	org2 := base + "/v1/organizations/org2/deployments"
	get(t, t.Context(), c, org1, "a")
	get(t, t.Context(), c, org1, "b")
	get(t, t.Context(), c, org2, "a")
	require.EqualValues(t, 3, u.calls.Load())

	send(t, c, http.MethodPost, base+"/v1/organizations/org1/deployments", "a") // create
	require.EqualValues(t, 4, u.calls.Load())
	get(t, t.Context(), c, org1, "a")
	get(t, t.Context(), c, org1, "b")
	assert.EqualValues(t, 6, u.calls.Load(), "both tokens' entries of org1 were retired")
	get(t, t.Context(), c, org2, "a")
	assert.EqualValues(t, 6, u.calls.Load(), "org2 is untouched")

	send(t, c, http.MethodDelete, base+"/v1/organizations/org1/deployments/cxyz", "a")
	get(t, t.Context(), c, org1, "a")
	assert.EqualValues(t, 8, u.calls.Load())
}

func TestNoCacheBypasses(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, NewLocal(100, time.Minute))
	url := base + "/v1/organizations/org1/clusters"
	get(t, t.Context(), c, url, "a")
	fresh := get(t, WithBypass(t.Context()), c, url, "a")
	assert.Contains(t, fresh, `"call":2`)
	assert.Equal(t, fresh, get(t, t.Context(), c, url, "a"), "the fresh answer refreshed the cache")
	assert.EqualValues(t, 2, u.calls.Load())
}

func TestConcurrentReadsShareOneCall(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, nil) // no store: coalescing alone
	u.gate, u.entered = make(chan struct{}), make(chan struct{}, 1)
	url := base + "/v1/organizations/org1/deployments"
	const n = 20
	var wg sync.WaitGroup
	bodies := make([]string, n)
	wg.Go(func() { bodies[0] = get(t, t.Context(), c, url, "a") })
	<-u.entered // the first call is upstream; the others join it
	for i := 1; i < n; i++ {
		wg.Go(func() { bodies[i] = get(t, t.Context(), c, url, "a") })
	}
	// Give the joiners time to reach the shared call before releasing it.
	require.Eventually(t, func() bool { return waiting(c) >= n }, 5*time.Second, time.Millisecond)
	close(u.gate)
	wg.Wait()
	assert.EqualValues(t, 1, u.calls.Load())
	for _, b := range bodies {
		assert.Equal(t, bodies[0], b)
	}
	// A different token does not join.
	u.gate = nil
	get(t, t.Context(), c, url, "b")
	assert.EqualValues(t, 2, u.calls.Load())
}

// waiting counts callers blocked on a shared call.
func waiting(c *http.Client) int {
	return int(c.Transport.(*Transport).waiters.Load())
}

// testRules stand in for a backend's policy (the gateway's tests check the
// real ones against the operation table): GETs are reads, other methods
// writes; a request under /organizations/<id> is in scope "org:<id>", and
// every one is also in scope "organizations".
func testRules() Rules {
	return Rules{Backend: "test", Classify: func(r *http.Request) (Kind, []string) {
		scopes := []string{"organizations"}
		if rest, ok := strings.CutPrefix(r.URL.Path, "/v1/organizations/"); ok {
			org, _, _ := strings.Cut(rest, "/")
			scopes = []string{"org:" + org, "organizations"}
		}
		if r.Method == http.MethodGet {
			return Read, scopes
		}
		return Write, scopes
	}}
}

func TestNoGraphQLErrors(t *testing.T) {
	t.Parallel()
	assert.True(t, NoGraphQLErrors(200, []byte(`{"data":{"x":1}}`)))
	assert.False(t, NoGraphQLErrors(200, []byte(`{"data":null,"errors":[{"message":"no"}]}`)), "errors are never kept")
	assert.False(t, NoGraphQLErrors(400, []byte(`{}`)))
}

func TestOrganizationWritesRetireTheOrganizationsList(t *testing.T) {
	t.Parallel()
	u, c, base := setup(t, NewLocal(100, time.Minute))
	get(t, t.Context(), c, base+"/v1/organizations", "a")
	send(t, c, http.MethodPost, base+"/v1/organizations/org1", "a") // rename
	get(t, t.Context(), c, base+"/v1/organizations", "a")
	assert.EqualValues(t, 3, u.calls.Load(), "the list was read again after the rename")
}

// TestFallbackServesFromProcessWhileSharedIsAway: with the shared store
// unreachable the in-process one answers, and a write retires its scope in
// both.
func TestFallbackServesFromProcessWhileSharedIsAway(t *testing.T) {
	t.Parallel()
	healthy := true
	shared, local := NewLocal(10, time.Minute), NewLocal(10, time.Minute)
	f := &Fallback{Shared: shared, Local: local, Healthy: func() bool { return healthy }}
	ctx := t.Context()
	f.Set(ctx, "k", []byte("shared"))
	healthy = false
	_, ok := f.Get(ctx, "k")
	assert.False(t, ok, "the local store is empty")
	f.Set(ctx, "k", []byte("local"))
	v, ok := f.Get(ctx, "k")
	assert.True(t, ok)
	assert.Equal(t, "local", string(v))
	require.NoError(t, f.Bump(ctx, "s"))
	g, _ := local.Generation(ctx, "s")
	assert.EqualValues(t, 1, g)
	healthy = true
	require.NoError(t, f.Bump(ctx, "s"))
	g, _ = shared.Generation(ctx, "s")
	assert.EqualValues(t, 1, g)
	g, _ = local.Generation(ctx, "s")
	assert.EqualValues(t, 2, g)
}
