package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// redisServer starts a real redis-server on a free loopback port, or skips
// when none is installed (CI installs Debian's and sets REQUIRE_REDIS=1, so
// there it fails instead).
func redisServer(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("REQUIRE_REDIS") != "" {
			t.Fatal("REQUIRE_REDIS is set but redis-server is not installed")
		}
		t.Skip("redis-server not installed (apt-get install redis-server); the replica tests need a real Redis")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	p := start(t, path, nil, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	p.await(t, regexp.MustCompile(`(Ready to accept connections)`))
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
}

type simStats struct {
	Requests      int                       `json:"requests"`
	Throttled     int                       `json:"throttled"`
	ByRoute       map[string]int            `json:"byRoute"`
	PeakPerSecond map[string]map[string]int `json:"peakPerSecond"`
}

func stats(t *testing.T, base string) simStats {
	t.Helper()
	resp, err := http.Get(base + "/_sim/stats")
	require.NoError(t, err)
	defer resp.Body.Close()
	var s simStats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

// replicas starts an astrosim and n gateways sharing one Redis.
func replicas(t *testing.T, n int, env ...string) (astroURL string, gateways []string) {
	t.Helper()
	bin := binaries(t)
	redisURL := redisServer(t)
	as := start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-dataset", "bench")
	_, astroURL = as.await(t, simAddr)
	for range n {
		gw := start(t, filepath.Join(bin, "gateway"), append([]string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=", "REDIS_URL=" + redisURL, "PORT="}, env...), "-listen", "127.0.0.1:0")
		_, url := gw.await(t, playground)
		gateways = append(gateways, url+"graphql")
	}
	return astroURL, gateways
}

// TestReplicasShareTheBudget drives three gateways, sharing one Redis, with
// many clients for a few seconds: the simulator — whose own limiter counts
// the same sliding window — must never see more than 25 GETs a second from
// the one token, and must never have to answer 429.
//
// It does not run in parallel with the package's other tests: it measures
// requests per second, which needs the cores to itself.
func TestReplicasShareTheBudget(t *testing.T) {
	// Thirty clients of one token: lift the per-caller bound (half the
	// CPUs by default), which would otherwise queue them before the
	// limiter sees them.
	astroURL, gateways := replicas(t, 3, "CACHE_TTL=0", "MAX_CONCURRENT_PER_CALLER=64")
	tok := simToken(t, astroURL, "PERSONAL")
	org := simScope(t, astroURL, "PERSONAL")
	h := map[string]string{"X-Astro-Token": tok}

	const clients = 30
	deadline := time.Now().Add(4 * time.Second)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			gw := gateways[c%len(gateways)]
			for i := 0; time.Now().Before(deadline); i++ {
				// Distinct pages, so that nothing is coalesced away.
				q := fmt.Sprintf(`{ astro { organization(id: %q) { deployments(first: 5, after: %q) { nodes { name } } } } }`, org, cursor(c*1000+i))
				r := testenv.Post(t, gw, q, nil, h)
				if len(r.Errors) > 0 {
					failed.Add(1)
					t.Logf("errors: %+v", r.Errors)
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	s := stats(t, astroURL)
	peak := 0
	for _, byMethod := range s.PeakPerSecond {
		peak = max(peak, byMethod["GET"])
	}
	t.Logf("%d queries answered, %d failed; upstream: %d requests, peak %d GET/s, %d throttled", ok.Load(), failed.Load(), s.Requests, peak, s.Throttled)
	assert.Zero(t, s.Throttled, "no 429 from upstream")
	assert.LessOrEqual(t, peak, 25, "at most 25 GET/s for the token across all replicas")
	assert.GreaterOrEqual(t, s.Requests, 75, "the load asked for more than the budget, so the limiter had work to do")
	assert.Zero(t, failed.Load())
}

// TestReplicasShareTheCache: a query answered by one replica is a cache hit
// on another.
func TestReplicasShareTheCache(t *testing.T) {
	t.Parallel()
	astroURL, gateways := replicas(t, 2, "CACHE_TTL=30s")
	tok := simToken(t, astroURL, "PERSONAL")
	org := simScope(t, astroURL, "PERSONAL")
	q := fmt.Sprintf(`{ astro { organization(id: %q) { deployments(first: 50) { totalCount nodes { name } } } } }`, org)
	h := map[string]string{"X-Astro-Token": tok}
	first := testenv.Post(t, gateways[0], q, nil, h)
	require.Empty(t, first.Errors)
	before := stats(t, astroURL).Requests
	second := testenv.Post(t, gateways[1], q, nil, h)
	require.Empty(t, second.Errors)
	assert.JSONEq(t, string(first.Data), string(second.Data))
	assert.Equal(t, before, stats(t, astroURL).Requests, "the second replica answered from the shared cache")

	// Cache-Control: no-cache goes upstream again.
	h["Cache-Control"] = "no-cache"
	third := testenv.Post(t, gateways[1], q, nil, h)
	require.Empty(t, third.Errors)
	assert.Equal(t, before+1, stats(t, astroURL).Requests)
}

func simScope(t *testing.T, base, kind string) string {
	t.Helper()
	resp, err := http.Get(base + "/_sim/tokens")
	require.NoError(t, err)
	defer resp.Body.Close()
	var toks []struct {
		Kind  string
		Scope []string
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&toks))
	for _, tk := range toks {
		if tk.Kind == kind {
			return tk.Scope[0]
		}
	}
	t.Fatalf("no %s token", kind)
	return ""
}

// cursor builds the gateway's opaque cursor for an offset (mod the bench
// dataset's size), so clients ask for distinct pages.
func cursor(i int) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "offset:%d", i%1990))
}
