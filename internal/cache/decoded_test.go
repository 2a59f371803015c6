package cache

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/decoded"
)

type answer struct {
	Token string `json:"token"`
	Call  int    `json:"call"`
}

// decodedGet reads url as a client of the decoded tier does (astro.Client.Do):
// a hit hands over the shared value; otherwise the body is decoded and
// offered to the tier.
func decodedGet(t *testing.T, ctx context.Context, c *http.Client, url, token string) (answer, bool) {
	t.Helper()
	ctx, dec := decoded.With(ctx, reflect.TypeFor[*answer]())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if v, ok := dec.Hit(); ok {
		return *v.(*answer), true
	}
	var a answer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	kept := a
	dec.Keep(&kept)
	return a, false
}

func decodedSetup(t *testing.T, tier *decoded.Tier) (*upstream, *http.Client, string) {
	t.Helper()
	u := &upstream{}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	rules := testRules()
	rules.Decoded = tier
	return u, &http.Client{Transport: NewTransport(NewLocal(100, time.Minute), rules, nil, http.DefaultTransport)}, srv.URL
}

func TestDecodedTierServesWarmReadsWithoutBytes(t *testing.T) {
	t.Parallel()
	tier := decoded.NewTier(100, 1<<20, time.Minute)
	u, c, base := decodedSetup(t, tier)
	url := base + "/v1/organizations/org1/deployments"
	first, hit := decodedGet(t, t.Context(), c, url, "tok-a")
	assert.False(t, hit)
	second, hit := decodedGet(t, t.Context(), c, url, "tok-a")
	assert.True(t, hit, "the second read is served decoded")
	assert.Equal(t, first, second)
	assert.Equal(t, 1, tier.Len())
	assert.Positive(t, tier.Bytes())

	// Another token never gets it; a bypass skips it; a write retires it.
	other, hit := decodedGet(t, t.Context(), c, url, "tok-b")
	assert.False(t, hit)
	assert.Equal(t, "Bearer tok-b", other.Token)
	_, hit = decodedGet(t, WithBypass(t.Context()), c, url, "tok-a")
	assert.False(t, hit, "Cache-Control: no-cache bypasses the decoded tier")
	send(t, c, http.MethodPost, base+"/v1/organizations/org1/deployments", "tok-a")
	after, hit := decodedGet(t, t.Context(), c, url, "tok-a")
	assert.False(t, hit, "a write to the scope retires what was decoded in it")
	assert.Greater(t, after.Call, first.Call)
	assert.EqualValues(t, 5, u.calls.Load())
}

func TestDecodedTierIsKeyedByType(t *testing.T) {
	t.Parallel()
	tier := decoded.NewTier(100, 1<<20, time.Minute)
	_, c, base := decodedSetup(t, tier)
	url := base + "/v1/organizations/org1/deployments"
	decodedGet(t, t.Context(), c, url, "tok-a")
	ctx, dec := decoded.With(t.Context(), reflect.TypeFor[*map[string]any]())
	get(t, ctx, c, url, "tok-a")
	_, hit := dec.Hit()
	assert.False(t, hit, "a value decoded into one type is never handed out as another")
}

func TestDecodedTierUnderConcurrentReaders(t *testing.T) {
	t.Parallel()
	tier := decoded.NewTier(100, 1<<20, time.Minute)
	u, c, base := decodedSetup(t, tier)
	url := base + "/v1/organizations/org1/deployments"
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 20 {
				a, _ := decodedGet(t, t.Context(), c, url, "tok-a")
				assert.Equal(t, "Bearer tok-a", a.Token)
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, u.calls.Load(), int64(16), "reads share upstream answers")
}
