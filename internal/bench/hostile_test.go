package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// BenchmarkHostileClients is issue 9's survival run: a dashboard client
// alone for a while (A), then the same client beside 50 hostile clients
// (B) that loop on the deep query, a thousand deploymentReport aliases,
// fifty thousand __typename aliases and GraphiQL's full introspection. It
// reports the dashboard's p50/p99 in both phases, how every hostile request
// was answered, and the process's peak RSS (gateway, simulators and
// clients together: an upper bound for the gateway's).
//
//	HOSTILE_DURATION=20s go test ./internal/bench -run '^$' -bench HostileClients -benchtime 1x -v
//
// The gateway's limits and caches are read from the environment (MAX_COST,
// MAX_CONCURRENT_PER_CALLER, RESPONSE_CACHE, CACHE_TTL …, see the README). HOSTILE_CREDENTIALS=each gives every hostile client a credential of its
// own (default: they share one, as one attacker's token would).
func BenchmarkHostileClients(b *testing.B) {
	d := 5 * time.Second
	if v := os.Getenv("HOSTILE_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			b.Fatalf("HOSTILE_DURATION: %v", err)
		}
	}
	each := os.Getenv("HOSTILE_CREDENTIALS") == "each"
	// The gateway's limits and caches come from the environment, as the
	// real gateway's do (MAX_CONCURRENT_PER_CALLER=1, RESPONSE_CACHE=false …).
	loaded, err := config.Load(nil, os.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	env := testenv.Start(b, testenv.Config{Dataset: "bench", Configure: func(c *config.Config) {
		c.Limits, c.ResponseCache, c.CacheTTL = loaded.Limits, loaded.ResponseCache, loaded.CacheTTL
	}})
	b.Logf("limits: %+v", loaded.Limits)
	dashboard := `{ deployments(first: 20) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`
	if r := env.Query(b, dashboard, nil, env.Headers()); len(r.Errors) > 0 {
		b.Fatalf("dashboard: %v", r.Errors)
	}
	hostile := []string{
		testenv.DeepQuery(21),
		testenv.AliasedReports(1000),
		testenv.AliasedTypenames(50000),
		testenv.IntrospectionQueries()["graphiql"],
	}
	bodies := make([][]byte, len(hostile))
	for i, q := range hostile {
		bodies[i], _ = json.Marshal(map[string]any{"query": q})
	}
	dashBody, _ := json.Marshal(map[string]any{"query": dashboard})

	for b.Loop() {
		alone := measure(b, env, dashBody, d, nil)
		var (
			outcomes sync.Map // outcome → *atomic.Int64
			stop     atomic.Bool
			wg       sync.WaitGroup
		)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 2 * time.Minute}
		hostiles := func() {
			for i := range 50 {
				wg.Go(func() {
					headers := map[string]string{"X-Astro-Token": "hostile"}
					if each {
						headers["X-Astro-Token"] = "hostile-" + strconv.Itoa(i)
					}
					for n := i; !stop.Load(); n++ {
						o := testenv.HostileOutcome(client, env.GatewayURL, bodies[n%len(bodies)], headers)
						v, _ := outcomes.LoadOrStore(o, new(atomic.Int64))
						v.(*atomic.Int64).Add(1)
					}
				})
			}
		}
		peak := watchRSS()
		beside := measure(b, env, dashBody, d, hostiles)
		stop.Store(true)
		wg.Wait()
		rss := peak()

		var total, uncoded int64
		var lines []string
		outcomes.Range(func(k, v any) bool {
			n := v.(*atomic.Int64).Load()
			total += n
			if strings.HasPrefix(k.(string), "no code") || strings.HasPrefix(k.(string), "failed") {
				uncoded += n
			}
			lines = append(lines, fmt.Sprintf("%s: %d", k, n))
			return true
		})
		slices.Sort(lines)
		b.Logf("dashboard alone: %d queries, p50 %s, p99 %s", len(alone), testenv.Percentile(alone, 0.5), testenv.Percentile(alone, 0.99))
		b.Logf("dashboard beside 50 hostile clients: %d queries, p50 %s, p99 %s (%.2f× alone)", len(beside), testenv.Percentile(beside, 0.5), testenv.Percentile(beside, 0.99),
			float64(testenv.Percentile(beside, 0.99))/float64(testenv.Percentile(alone, 0.99)))
		b.Logf("hostile requests: %d, without a code: %d; %s", total, uncoded, strings.Join(lines, ", "))
		b.Logf("peak RSS of the process (gateway + simulators + clients): %d MiB", rss>>20)
		b.ReportMetric(float64(testenv.Percentile(alone, 0.99).Microseconds())/1000, "p99-alone-ms")
		b.ReportMetric(float64(testenv.Percentile(beside, 0.99).Microseconds())/1000, "p99-hostile-ms")
		b.ReportMetric(float64(rss>>20), "peak-rss-MiB")
		b.ReportMetric(float64(total), "hostile-requests")
		b.ReportMetric(float64(uncoded), "hostile-uncoded")
	}
}

// measure runs the dashboard query in a loop for d, with start (if set)
// started first, and returns the latencies.
func measure(b *testing.B, env *testenv.Env, body []byte, d time.Duration, start func()) []time.Duration {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{}, Timeout: time.Minute}
	if start != nil {
		start()
	}
	var out []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		t0 := time.Now()
		status, raw, err := testenv.Send(client, env.GatewayURL, body, env.Headers())
		out = append(out, time.Since(t0))
		if err != nil || status != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
			b.Errorf("dashboard query: %d %v %.300s", status, err, raw)
		}
	}
	return out
}

// watchRSS samples the process's resident set every 50 ms (and the
// kernel's high-water mark where it has one) until the returned func is
// called; that func returns the peak in bytes.
func watchRSS() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := rss(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// rss reads VmRSS from /proc (Linux); elsewhere the Go runtime's view.
func rss() uint64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				return kb << 10
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}
