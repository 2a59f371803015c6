package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestHostileClients is internal/bench's BenchmarkHostileClients with the
// gateway in a process of its own (built from server.go, default limits,
// over astrosim and houstonsim processes with the bench dataset), so that
// its own peak RSS is measured and the load generator's garbage is not
// its. A dashboard client alone for HOSTILE_SECONDS (default 20), then
// beside 50 hostile clients sharing one credential. Skipped unless
// HOSTILE_TEST=1:
//
//	HOSTILE_TEST=1 go test ./internal/e2e -run TestHostileClients -v -timeout 10m
func TestHostileClients(t *testing.T) {
	if os.Getenv("HOSTILE_TEST") == "" {
		t.Skip("hostile run: set HOSTILE_TEST=1 (see docs/BENCHMARKS.md)")
	}
	d := time.Duration(envInt("HOSTILE_SECONDS", 20)) * time.Second
	bin := binaries(t)
	as := start(t, filepath.Join(bin, "astrosim"), nil, "-listen", "127.0.0.1:0", "-dataset", "bench")
	hs := start(t, filepath.Join(bin, "houstonsim"), nil, "-listen", "127.0.0.1:0", "-dataset", "bench")
	_, astroURL := as.await(t, simAddr)
	_, houstonURL := hs.await(t, simAddr)
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=" + astroURL + "/v1", "HOUSTON_URL=" + houstonURL + "/v1", "PORT="}, "-listen", "127.0.0.1:0")
	_, url := gw.await(t, playground)
	url += "graphql"
	h := map[string]string{"X-Astro-Token": simToken(t, astroURL, "PERSONAL"), "X-Houston-Token": simToken(t, houstonURL, "SYSTEM_ADMIN")}

	dash, _ := json.Marshal(map[string]any{"query": `{ deployments(first: 20) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`})
	var bodies [][]byte
	for _, q := range []string{testenv.DeepQuery(21), testenv.AliasedReports(1000), testenv.AliasedTypenames(50000), testenv.IntrospectionQueries()["graphiql"]} {
		b, _ := json.Marshal(map[string]any{"query": q})
		bodies = append(bodies, b)
	}
	dashboard := func() []time.Duration {
		c := &http.Client{Timeout: time.Minute}
		var out []time.Duration
		for end := time.Now().Add(d); time.Now().Before(end); {
			t0 := time.Now()
			status, raw, err := testenv.Send(c, url, dash, h)
			out = append(out, time.Since(t0))
			if err != nil || status != http.StatusOK || strings.Contains(string(raw), `"errors"`) {
				t.Errorf("dashboard: %d %v %.300s", status, err, raw)
			}
		}
		return out
	}
	alone := dashboard()

	var (
		outcomes sync.Map
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 2 * time.Minute}
	for i := range 50 {
		wg.Go(func() {
			for n := i; !stop.Load(); n++ {
				o := testenv.HostileOutcome(hc, url, bodies[n%len(bodies)], map[string]string{"X-Astro-Token": "hostile"})
				v, _ := outcomes.LoadOrStore(o, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
			}
		})
	}
	beside := dashboard()
	stop.Store(true)
	wg.Wait()

	var total, uncoded int64
	var lines []string
	outcomes.Range(func(k, v any) bool {
		n := v.(*atomic.Int64).Load()
		total += n
		if strings.HasPrefix(k.(string), "no code") || strings.HasPrefix(k.(string), "failed") {
			uncoded += n
		}
		lines = append(lines, k.(string)+": "+strconv.FormatInt(n, 10))
		return true
	})
	slices.Sort(lines)
	p99a, p99b := testenv.Percentile(alone, 0.99), testenv.Percentile(beside, 0.99)
	t.Logf("dashboard alone: %d queries, p50 %s, p99 %s", len(alone), testenv.Percentile(alone, 0.5), p99a)
	t.Logf("dashboard beside 50 hostile clients: %d queries, p50 %s, p99 %s (%.2f× alone)", len(beside), testenv.Percentile(beside, 0.5), p99b, float64(p99b)/float64(p99a))
	t.Logf("hostile requests: %d, without a code: %d; %s", total, uncoded, strings.Join(lines, ", "))
	t.Logf("gateway process peak RSS: %s", vmHWM(t, gw.cmd.Process.Pid))
	assert.Zero(t, uncoded, "every hostile request is answered with a code")

}
