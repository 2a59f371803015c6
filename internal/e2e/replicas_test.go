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
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// redisServer starts a real redis-server on a free loopback port, or skips
// when none is installed (CI installs Debian's and sets REQUIRE_REDIS=1, so
// there it fails instead).
func redisServer(t *testing.T) string {
	t.Helper()
	r := newRedis(t)
	r.start(t)
	return r.url()
}

// redisProc is a redis-server that a test can kill and start again on the
// same port (empty: it keeps nothing on disk).
type redisProc struct {
	path string
	port int
	p    *process
}

func newRedis(t *testing.T) *redisProc {
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
	return &redisProc{path: path, port: port}
}

func (r *redisProc) start(t *testing.T) {
	t.Helper()
	r.p = start(t, r.path, nil, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	r.p.await(t, regexp.MustCompile(`(Ready to accept connections)`))
}

func (r *redisProc) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, r.p.cmd.Process.Kill())
	_, _ = r.p.cmd.Process.Wait()
}

func (r *redisProc) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

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
	astroURL = astroSim(t)
	return astroURL, gatewaysOn(t, astroURL, redisServer(t), n, env...)
}

// astroSim starts an astrosim with the bench dataset and its rate limits
// on, and returns its base URL.
func astroSim(t *testing.T, args ...string) string {
	t.Helper()
	as := start(t, filepath.Join(binaries(t), "astrosim"), nil, append([]string{"-listen", "127.0.0.1:0", "-dataset", "bench"}, args...)...)
	_, astroURL := as.await(t, simAddr)
	return astroURL
}

// gatewaysOn starts n gateways in front of astroURL, sharing redisURL
// unless it is empty, and returns their /graphql URLs.
func gatewaysOn(t *testing.T, astroURL, redisURL string, n int, env ...string) []string {
	t.Helper()
	var out []string
	for range n {
		gw := start(t, filepath.Join(binaries(t), "gateway"), append([]string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=", "REDIS_URL=" + redisURL, "PORT="}, env...), "-listen", "127.0.0.1:0")
		_, url := gw.await(t, playground)
		out = append(out, url+"graphql")
		i := len(out)
		t.Cleanup(func() {
			// A failed test shows what the gateways warned of (Redis
			// lost, upstream 429s): the cause is often there.
			if t.Failed() {
				t.Logf("gateway %d warned:\n%s", i, warnings(gw.output()))
			}
		})

	}
	return out
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

// warnings are the lines of a process's output above the info level (slog
// writes WARN and ERROR, as text or JSON).
func warnings(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "WARN") || strings.Contains(l, "ERROR") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
