package e2e

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// These tests hold the gateway to its promise — never more than 25 GETs a
// second for a token arriving at Astro, never a 429 — on a machine that is
// busy: CPU burners keep both cores loaded, and under `go test -race` the
// gateway binary runs with the race detector as well. They run one at a
// time (not in parallel): each measures requests per second at the
// simulator.

// unmetered lifts the gateway's own admission limits (per-caller
// concurrency 4, 200 aliases, 2,000 fields by default): with them on, 40
// clients of one token would mostly wait in the gateway's queue, and a
// 1,000-alias query would be refused before any upstream call. These tests
// measure the rate limiter itself.
var unmetered = []string{"MAX_CONCURRENT=400", "MAX_CONCURRENT_PER_CALLER=400", "MAX_ALIASES=5000", "MAX_FIELDS=10000",
	"MAX_COST=100000000", "MAX_TOKENS=100000"}

// burnCPU keeps every core busy until the test ends.
func burnCPU(t *testing.T) {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			buf := make([]byte, 4096)
			for {
				select {
				case <-stop:
					return
				default:
				}
				sum := sha256.Sum256(buf)
				buf[0] ^= sum[0]
			}
		})
	}
	t.Cleanup(func() { close(stop); wg.Wait() })
}

// outcome counts the answers of a load run.
type outcome struct {
	ok, limited, failed atomic.Int64
	elapsed             time.Duration
}

// record files r: data without errors, or errors that are all
// RATE_LIMITED with a retryAfter (the gateway refused in time, without
// asking Astro), or anything else.
func (o *outcome) record(t *testing.T, r testenv.Response) {
	if len(r.Errors) == 0 {
		o.ok.Add(1)
		return
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != "RATE_LIMITED" || e.Extensions["retryAfter"] == nil {
			if o.failed.Add(1) <= 3 {
				t.Logf("error: %+v", e)
			}
			return
		}
	}
	o.limited.Add(1)
}

func (o *outcome) String() string {
	return fmt.Sprintf("%d answered (%.1f/s), %d refused RATE_LIMITED, %d failed otherwise",
		o.ok.Load(), float64(o.ok.Load())/o.elapsed.Seconds(), o.limited.Load(), o.failed.Load())
}

// drive runs clients that send distinct cache-bypassing queries to the
// gateways (round robin) for d, and reports what they got.
func drive(t *testing.T, gateways []string, h map[string]string, org string, clients int, d time.Duration) *outcome {
	t.Helper()
	hdr := map[string]string{"Cache-Control": "no-cache"}
	for k, v := range h {
		hdr[k] = v
	}
	var o outcome
	began := time.Now()
	deadline := began.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			gw := gateways[c%len(gateways)]
			for i := 0; time.Now().Before(deadline); i++ {
				q := fmt.Sprintf(`{ astro { organization(id: %q) { deployments(first: 5, after: %q) { nodes { name } } } } }`, org, cursor(c*1000+i))
				o.record(t, testenv.Post(t, gw, q, nil, hdr))
			}
		})
	}
	wg.Wait()
	o.elapsed = time.Since(began)
	return &o
}

// upstreamPeak is the most GETs the simulator saw for one token in any
// one-second window, and its 429s.
func upstreamPeak(t *testing.T, astroURL string) (peak, throttled, requests int) {
	t.Helper()
	s := stats(t, astroURL)
	for _, byMethod := range s.PeakPerSecond {
		peak = max(peak, byMethod["GET"])
	}
	return peak, s.Throttled, s.Requests
}

func resetSim(t *testing.T, astroURL string) {
	t.Helper()
	resp, err := http.Post(astroURL+"/_sim/reset", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
}

// TestOneGatewayHoldsTheLimit: 40 clients that bypass the cache for 10 s,
// then one request with 1,000 distinct by-id aliases, through one gateway.
func TestOneGatewayHoldsTheLimit(t *testing.T) {
	burnCPU(t)
	astroURL := astroSim(t, "-latency", "5ms-30ms")
	gw := gatewaysOn(t, astroURL, "", 1, append(unmetered, "REQUEST_TIMEOUT=5s")...)
	h := map[string]string{"X-Astro-Token": simToken(t, astroURL, "PERSONAL")}
	org := simScope(t, astroURL, "PERSONAL")

	o := drive(t, gw, h, org, 40, 10*time.Second)
	peak, throttled, requests := upstreamPeak(t, astroURL)
	t.Logf("40 clients, 10 s: %s; upstream: %d requests, peak %d GET/s, %d throttled", o, requests, peak, throttled)
	assert.LessOrEqual(t, peak, 25, "at most 25 GET/s for the token")
	assert.Zero(t, throttled, "no 429 from upstream")
	assert.Zero(t, o.failed.Load())
	assert.Greater(t, requests, 100, "the load asked for more than the budget")

	// One request, 1,000 distinct users by id: 1,000 GetUser calls at
	// once. Those that cannot get a place before the deadline are refused
	// at once, RATE_LIMITED; none is refused by Astro.
	resetSim(t, astroURL)
	var b strings.Builder
	fmt.Fprintf(&b, "{ astro { organization(id: %q) {", org)
	for i := range 1000 {
		fmt.Fprintf(&b, " u%d: user(id: \"nobody-%d\") { id }", i, i)
	}
	b.WriteString(" } } }")
	r := testenv.Post(t, gw[0], b.String(), nil, h)
	codes := map[any]int{}
	for _, e := range r.Errors {
		codes[e.Extensions["code"]]++
	}
	peak, throttled, requests = upstreamPeak(t, astroURL)
	t.Logf("1,000 aliases: errors by code %v; upstream: %d requests, peak %d GET/s, %d throttled", codes, requests, peak, throttled)
	assert.LessOrEqual(t, peak, 25)
	assert.Zero(t, throttled)
	assert.Positive(t, codes["NOT_FOUND"], "some users were asked of Astro (and do not exist)")
	// Every alias is answered by Astro (the users do not exist), refused in
	// time without asking it, or not started at the deadline (one TIMEOUT
	// error stands for those).
	for code := range codes {
		assert.Contains(t, []any{"NOT_FOUND", "RATE_LIMITED", "TIMEOUT"}, code)
	}
}

// TestReplicasShareTheBudget: three gateway processes sharing one Redis,
// 40 clients that bypass the cache for 10 s.
func TestReplicasShareTheBudget(t *testing.T) {
	burnCPU(t)
	astroURL, gateways := replicas(t, 3, append(unmetered, "REQUEST_TIMEOUT=5s")...)
	h := map[string]string{"X-Astro-Token": simToken(t, astroURL, "PERSONAL")}
	org := simScope(t, astroURL, "PERSONAL")

	o := drive(t, gateways, h, org, 40, 10*time.Second)
	peak, throttled, requests := upstreamPeak(t, astroURL)
	t.Logf("3 replicas, 40 clients, 10 s: %s; upstream: %d requests, peak %d GET/s, %d throttled", o, requests, peak, throttled)
	assert.LessOrEqual(t, peak, 25, "at most 25 GET/s for the token across all replicas")
	assert.Zero(t, throttled, "no 429 from upstream")
	assert.Zero(t, o.failed.Load())
	assert.Greater(t, requests, 100, "the load asked for more than the budget")
}

// TestRedisOutageKeepsReadsWorking: Redis is killed two seconds into a run
// and started again (empty) three seconds later; the replicas fall back to
// their share of the budget and their own cache, report degraded, hand
// their places over to Redis and return. At least 99 % of the reads answer
// with data, and the budget holds throughout.
func TestRedisOutageKeepsReadsWorking(t *testing.T) {
	burnCPU(t)
	astroURL := astroSim(t)
	rp := newRedis(t)
	rp.start(t)
	gateways := gatewaysOn(t, astroURL, rp.url(), 2, append(unmetered, "REQUEST_TIMEOUT=5s")...)
	h := map[string]string{"X-Astro-Token": simToken(t, astroURL, "PERSONAL")}
	org := simScope(t, astroURL, "PERSONAL")
	ready := strings.TrimSuffix(gateways[0], "graphql") + "readyz"

	began := time.Now()
	done := make(chan *outcome)
	go func() { done <- drive(t, gateways, h, org, 20, 9*time.Second) }()
	<-time.After(2 * time.Second)
	rp.kill(t)
	assert.Eventually(t, func() bool { return readyStatus(t, ready) == "degraded" }, 3*time.Second, 50*time.Millisecond,
		"/readyz reports degraded while Redis is away")
	<-time.After(time.Until(began.Add(5 * time.Second)))
	rp.start(t)
	assert.Eventually(t, func() bool { return readyStatus(t, ready) == "ready" }, 5*time.Second, 50*time.Millisecond,
		"/readyz is ready again once Redis answers")
	o := <-done
	peak, throttled, requests := upstreamPeak(t, astroURL)
	total := o.ok.Load() + o.limited.Load() + o.failed.Load()
	t.Logf("Redis killed and restarted: %s; upstream: %d requests, peak %d GET/s, %d throttled", o, requests, peak, throttled)
	require.Positive(t, total)
	assert.GreaterOrEqual(t, float64(o.ok.Load())/float64(total), 0.99, "at least 99 %% of reads answer with data")
	assert.LessOrEqual(t, peak, 25, "the shares and the hand-over keep the budget through the outage")
	assert.Zero(t, throttled)
}

// get returns a GET's body.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// readyStatus is the status of /readyz's JSON answer.
func readyStatus(t *testing.T, url string) string {
	t.Helper()
	var r struct{ Status string }
	if err := json.Unmarshal([]byte(get(t, url)), &r); err != nil {
		return "unreadable: " + err.Error()
	}
	return r.Status
}
