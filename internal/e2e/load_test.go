package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestLoad is the load run of docs/BENCHMARKS.md: LOAD_CLIENTS dashboard
// clients (default 200) for LOAD_SECONDS (default 30) against one gateway,
// over simulators with 50 ms latency, all with the same tokens (the worst
// case for a per-token budget). It is skipped unless LOAD_TEST=1:
//
//	LOAD_TEST=1 go test ./internal/e2e -run TestLoad -v -timeout 10m
func TestLoad(t *testing.T) {
	if os.Getenv("LOAD_TEST") == "" {
		t.Skip("load run: set LOAD_TEST=1 (see docs/BENCHMARKS.md)")
	}
	clients := envInt("LOAD_CLIENTS", 200)
	seconds := envInt("LOAD_SECONDS", 30)
	bin := binaries(t)
	as := start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-dataset", "bench", "-latency", "50ms")
	hs := start(t, filepath.Join(bin, "houstonsim"), nil, "-listen", "127.0.0.1:0", "-dataset", "bench", "-latency", "50ms")
	_, astroURL := as.await(t, simAddr)
	_, houstonURL := hs.await(t, simAddr)
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=" + houstonURL + "/v1", "PORT=", "REQUEST_TIMEOUT=20s",
		// 200 clients of one token: the per-caller and gateway-wide
		// bounds would shed most of them (as they should for one caller);
		// this run measures the gateway's throughput, so they are lifted.
		"MAX_CONCURRENT=256", "MAX_CONCURRENT_PER_CALLER=256"}, "-listen", "127.0.0.1:0")
	_, url := gw.await(t, playground)
	h := map[string]string{"X-Astro-Token": simToken(t, astroURL, "PERSONAL"), "X-Houston-Token": simToken(t, houstonURL, "SYSTEM_ADMIN")}
	org := simScope(t, astroURL, "PERSONAL")

	// Ten dashboards; each client opens one of them again and again.
	var dashboards []string
	for i := range 5 {
		dashboards = append(dashboards,
			fmt.Sprintf(`{ deployments(first: %d) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`, 10+10*i),
			fmt.Sprintf(`{ astro { organization(id: %q) { deployments(first: 100, after: %q) { totalCount nodes { name status workspace { name description } cluster { name region } } } } } }`, org, cursor(100*i)))
	}

	var (
		mu        sync.Mutex
		latencies []time.Duration
		errors    int
		codes     = map[string]int{}
	)
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	begin := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				q := dashboards[(c+i)%len(dashboards)]
				t0 := time.Now()
				r := testenv.Post(t, url+"graphql", q, nil, h)
				d := time.Since(t0)
				mu.Lock()
				latencies = append(latencies, d)
				if len(r.Errors) > 0 {
					errors++
					for _, e := range r.Errors {
						codes[fmt.Sprint(e.Extensions["code"])]++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	s := stats(t, astroURL)
	peak := 0
	for _, m := range s.PeakPerSecond {
		peak = max(peak, m["GET"])
	}
	hwm := vmHWM(t, gw.cmd.Process.Pid)
	t.Logf("clients %d, %s: %d queries, %.0f queries/s, p50 %s, p99 %s, errors %d %v",
		clients, elapsed.Round(time.Second), len(latencies), float64(len(latencies))/elapsed.Seconds(),
		pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), errors, codes)
	t.Logf("astro upstream: %d requests, %d throttled (429), peak %d GET/s per token; gateway peak RSS %s",
		s.Requests, s.Throttled, peak, hwm)
	assert.Zero(t, s.Throttled)
	assert.LessOrEqual(t, peak, 25)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// vmHWM is a process's peak resident set size, from /proc.
func vmHWM(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
