package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// Heavy and light operations of the heavy gate's tests, with the costs
// they report (the default HEAVY_COST is 1000).
const (
	// 100 + 25 × (1 + 100) + 2 = 2627: 25 workspaces × 100 deployments.
	heavyWorkspaces = `query($org: String!) { astro { organization(id: $org) { workspaces(first: 25) { nodes { name deployments(first: 100) { nodes { name status } } } } } } }`
	// The same shape, 20 workspaces: another response-cache key.
	heavyWorkspaces20 = `query($org: String!) { astro { organization(id: $org) { workspaces(first: 20) { nodes { name deployments(first: 100) { nodes { name status } } } } } } }`
	// A dashboard page: 240.
	lightPage = `{ deployments(first: 20) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`
)

const (
	inFlightGauge = "gateway_heavy_operations_in_flight"
	waitingGauge  = "gateway_heavy_operations_waiting"
)

// heavyUpstream stands before the Astro simulator: it records the request id of
// every request the gateway sends, samples the heavy in-flight gauge as
// each arrives, and holds the requests of operations whose id starts with
// "hold-" until release is closed — so slots are held deterministically,
// for as long as a test needs, with no sleep and no slow simulator.
type heavyUpstream struct {
	release chan struct{}
	metrics atomic.Pointer[metrics.Metrics]

	mu          sync.Mutex
	seen        map[string]int // request id → requests
	maxInFlight float64

	log syncBuffer // the gateway's log lines (fleet_test.go)
}

// accessLine is the access line of the operation with request id id.
func (u *heavyUpstream) accessLine(t *testing.T, id string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(u.log.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "graphql operation" && m["request_id"] == id {
			return m
		}
	}
	t.Fatalf("no access line for %s", id)
	return nil
}

func newHeavyUpstream() *heavyUpstream {
	return &heavyUpstream{release: make(chan struct{}), seen: map[string]int{}}
}

func (u *heavyUpstream) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		inFlight, _ := gaugeValue(u.metrics.Load(), inFlightGauge)
		u.mu.Lock()
		u.seen[id]++
		u.maxInFlight = max(u.maxInFlight, inFlight)
		u.mu.Unlock()
		if strings.HasPrefix(id, "hold-") {
			select {
			case <-u.release:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ids are the request ids the upstream saw, with the prefix given.
func (u *heavyUpstream) ids(prefix string) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for id := range u.seen {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	return out
}

func (u *heavyUpstream) requests(id string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.seen[id]
}

// heavyEnv starts both simulators and a gateway with slots heavy slots,
// the Astro simulator behind u, no rate limits, and per-caller admission
// wide enough for every request of a test (they share one token).
func heavyEnv(t *testing.T, u *heavyUpstream, slots int, responseCache bool) *testenv.Env {
	t.Helper()
	env := testenv.Start(t, testenv.Config{
		AstroOptions: []astrosim.Option{astrosim.WithRateLimit(false)},
		WrapAstro:    u.wrap,
		Logger:       slog.New(slog.NewJSONHandler(&u.log, nil)),
		Configure: func(c *config.Config) {
			c.Limits.MaxConcurrentHeavy = slots
			c.Limits.MaxConcurrentPerCaller = 32
			c.AstroLimits = [3]int{1 << 20, 1 << 20, 1 << 20}
			if !responseCache {
				c.CacheTTL, c.ResponseCache = 0, false
			}
		},
	})
	u.metrics.Store(env.Metrics)
	return env
}

func orgVars(env *testenv.Env) map[string]any {
	tok, _ := env.Astro.TokenOfKind("PERSONAL")
	return map[string]any{"org": tok.Scope[0]}
}

// answer is a GraphQL answer as the gateway wrote it.
type answer struct {
	Status     int
	RetryAfter string
	Data       json.RawMessage `json:"data"`
	Errors     []testenv.Error `json:"errors"`
	Extensions struct {
		Cost map[string]any `json:"cost"`
	} `json:"extensions"`
	HasData bool
}

// sendAs posts query with the environment's tokens and request id id, to the
// gateway's handler in process, with ctx as the request's context (its
// deadline is the request's deadline).
func sendAs(t *testing.T, ctx context.Context, env *testenv.Env, query string, vars map[string]any, id string) answer {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", id)
	for k, v := range env.Headers() {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, req)
	raw, err := io.ReadAll(rec.Result().Body)
	require.NoError(t, err)
	var a answer
	require.NoError(t, json.Unmarshal(raw, &a), "%s", raw)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &keys))
	_, a.HasData = keys["data"]
	a.Status, a.RetryAfter = rec.Code, rec.Header().Get("Retry-After")
	return a
}

// gaugeValue reads a metric without labels from m's registry.
func gaugeValue(m *metrics.Metrics, name string) (float64, bool) {
	if m == nil {
		return 0, false
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

func gauge(t *testing.T, env *testenv.Env, name string) float64 {
	t.Helper()
	v, ok := gaugeValue(env.Metrics, name)
	require.True(t, ok, "%s is registered", name)
	return v
}

// metricLine is the value of the series whose line starts with prefix.
func metricLine(t *testing.T, env *testenv.Env, prefix string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	env.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			require.NoError(t, err, line)
			return f
		}
	}
	return 0
}

// state waits until the gate holds inFlight operations and has waiting
// ones in line. It polls what the server says; the bound is only there
// so that a broken gate fails instead of hanging.
func state(t *testing.T, env *testenv.Env, inFlight, waiting float64) {
	t.Helper()
	require.Eventually(t, func() bool {
		return gauge(t, env, inFlightGauge) == inFlight && gauge(t, env, waitingGauge) == waiting
	}, time.Minute, 2*time.Millisecond, "want %v in flight, %v waiting", inFlight, waiting)
}

func assertData(t *testing.T, a answer, what string) {
	t.Helper()
	assert.Equal(t, http.StatusOK, a.Status, what)
	assert.Empty(t, a.Errors, what)
	assert.Contains(t, string(a.Data), `"nodes"`, what)
}

// TestHeavyOperationsWaitTheirTurn: eight heavy queries at once with two
// slots — two hold them (their upstream requests held), six wait and send
// nothing upstream; released, all eight answer with data, and the in-flight
// gauge sampled at every upstream request never exceeded two.
func TestHeavyOperationsWaitTheirTurn(t *testing.T) {
	t.Parallel()
	u := newHeavyUpstream()
	env := heavyEnv(t, u, 2, false)
	vars := orgVars(env)
	const n = 8
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i] = sendAs(t, t.Context(), env, heavyWorkspaces, vars, fmt.Sprintf("hold-%d", i)) })
	}
	state(t, env, 2, 6)
	// Two hold slots; the same read of both may have been coalesced into
	// one upstream request (cache.Transport does so even with the cache
	// off), so one or two ids — never a third.
	require.Eventually(t, func() bool { return len(u.ids("hold-")) > 0 }, time.Minute, 2*time.Millisecond)
	reached := u.ids("hold-")
	assert.LessOrEqual(t, len(reached), 2, "only the operations holding a slot reached the upstream: %v", reached)

	close(u.release)
	wg.Wait()
	for i, a := range answers {
		assertData(t, a, fmt.Sprint("query ", i))
		assert.EqualValues(t, 2627, a.Extensions.Cost["estimated"])
	}
	u.mu.Lock()
	assert.LessOrEqual(t, u.maxInFlight, 2.0, "never more than two heavy operations at once")
	assert.Equal(t, 2.0, u.maxInFlight)
	u.mu.Unlock()
	state(t, env, 0, 0)
	assert.Equal(t, float64(n), metricLine(t, env, `gateway_heavy_operation_wait_seconds_count{outcome="granted"}`))
}

// TestLightOperationsDoNotWait: with every heavy slot held and a heavy
// query in line, a dashboard page answers.
func TestLightOperationsDoNotWait(t *testing.T) {
	t.Parallel()
	u := newHeavyUpstream()
	env := heavyEnv(t, u, 2, false)
	vars := orgVars(env)
	var wg sync.WaitGroup
	defer func() {
		close(u.release)
		wg.Wait()
	}()
	for i := range 3 {
		wg.Go(func() {
			a := sendAs(t, t.Context(), env, heavyWorkspaces, vars, fmt.Sprintf("hold-%d", i))
			assertData(t, a, "heavy query")
		})
	}
	state(t, env, 2, 1)

	a := sendAs(t, t.Context(), env, lightPage, nil, "light-1")
	assertData(t, a, "light query")
	assert.EqualValues(t, 240, a.Extensions.Cost["estimated"])
	assert.NotContains(t, u.accessLine(t, "light-1"), "heavy_wait_ms", "a light operation is not gated")
	assert.Positive(t, u.requests("light-1"), "it went upstream")
	// The heavy ones are still where they were: the light query passed
	// them, it did not wait for them.
	assert.Equal(t, 2.0, gauge(t, env, inFlightGauge))
	assert.Equal(t, 1.0, gauge(t, env, waitingGauge))
}

// TestHeavyOperationOverloadedAtDeadline: a heavy query still in line at
// its request's deadline, or when its client leaves, is answered
// OVERLOADED (503, Retry-After) and never reaches the upstream.
func TestHeavyOperationOverloadedAtDeadline(t *testing.T) {
	t.Parallel()
	u := newHeavyUpstream()
	env := heavyEnv(t, u, 1, false)
	vars := orgVars(env)
	var wg sync.WaitGroup
	wg.Go(func() {
		a := sendAs(t, t.Context(), env, heavyWorkspaces, vars, "hold-0")
		assertData(t, a, "the query holding the slot")
	})
	defer func() {
		close(u.release)
		wg.Wait()
	}()
	state(t, env, 1, 0)
	simRequests := env.Astro.Stats().Requests

	overloaded := func(t *testing.T, a answer, why string) {
		t.Helper()
		assert.Equal(t, http.StatusServiceUnavailable, a.Status)
		assert.Equal(t, "2", a.RetryAfter, "QUEUE_TIMEOUT's, as admission says")
		require.Len(t, a.Errors, 1)
		assert.Equal(t, "OVERLOADED", a.Errors[0].Extensions["code"])
		assert.EqualValues(t, 2, a.Errors[0].Extensions["retryAfter"])
		assert.Contains(t, a.Errors[0].Message, why)
		assert.False(t, a.HasData, "nothing ran: no data entry")
		assert.EqualValues(t, 2627, a.Extensions.Cost["estimated"], "the answer says what it would have cost")
	}

	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		a := sendAs(t, ctx, env, heavyWorkspaces, vars, "late-1")
		overloaded(t, a, "deadline")
		assert.Zero(t, u.requests("late-1"), "no upstream call")
		line := u.accessLine(t, "late-1")
		assert.Equal(t, []any{"OVERLOADED"}, line["error_codes"])
		assert.GreaterOrEqual(t, line["heavy_wait_ms"], 0.0, "the access line says how long it waited")
		assert.EqualValues(t, 2627, line["cost"])
		assert.Zero(t, line["upstream_calls"])
	})
	t.Run("client left", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan answer, 1)
		go func() { done <- sendAs(t, ctx, env, heavyWorkspaces, vars, "gone-1") }()
		state(t, env, 1, 1)
		cancel()
		a := <-done
		overloaded(t, a, "client left")
		assert.Zero(t, u.requests("gone-1"), "no upstream call")
	})
	assert.Equal(t, simRequests, env.Astro.Stats().Requests, "the simulator saw nothing new")
	assert.Equal(t, 2.0, metricLine(t, env, `gateway_heavy_operation_wait_seconds_count{outcome="overloaded"}`))
	state(t, env, 1, 0)
}

// TestCachedHeavyRepeatIsNotGated: a heavy query's repeat answered from the
// response cache does not wait, though every slot is held.
func TestCachedHeavyRepeatIsNotGated(t *testing.T) {
	t.Parallel()
	u := newHeavyUpstream()
	env := heavyEnv(t, u, 1, true)
	vars := orgVars(env)
	first := sendAs(t, t.Context(), env, heavyWorkspaces, vars, "warm-1")
	assertData(t, first, "first")

	var wg sync.WaitGroup
	wg.Go(func() {
		a := sendAs(t, t.Context(), env, heavyWorkspaces20, vars, "hold-0")
		assertData(t, a, "the query holding the slot")
	})
	defer func() {
		close(u.release)
		wg.Wait()
	}()
	state(t, env, 1, 0)

	hits := metricLine(t, env, `gateway_cache_requests_total{backend="response",result="hit"}`)
	again := sendAs(t, t.Context(), env, heavyWorkspaces, vars, "warm-2")
	assertData(t, again, "repeat")
	assert.JSONEq(t, string(first.Data), string(again.Data))
	assert.Equal(t, hits+1, metricLine(t, env, `gateway_cache_requests_total{backend="response",result="hit"}`), "from the response cache")
	assert.Zero(t, u.requests("warm-2"), "no upstream call")
	assert.Equal(t, 1.0, gauge(t, env, inFlightGauge))
	assert.Equal(t, 0.0, gauge(t, env, waitingGauge), "it never waited")
}

// TestBatchGatesEachOperation: in a batch, each operation is gated on its
// own cost — two heavy queries take a slot each, in turn (one slot: they
// do not wait for each other forever), the light one none.
func TestBatchGatesEachOperation(t *testing.T) {
	t.Parallel()
	u := newHeavyUpstream()
	env := heavyEnv(t, u, 1, false)
	vars := orgVars(env)
	body, err := json.Marshal([]map[string]any{
		{"query": heavyWorkspaces, "variables": vars},
		{"query": lightPage},
		{"query": heavyWorkspaces20, "variables": vars},
	})
	require.NoError(t, err)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range env.Headers() {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out []answer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	require.Len(t, out, 3)
	for i, a := range out {
		assert.Empty(t, a.Errors, "operation %d", i)
		assert.Contains(t, string(a.Data), `"nodes"`, "operation %d", i)
	}
	assert.Equal(t, 2.0, metricLine(t, env, `gateway_heavy_operation_wait_seconds_count{outcome="granted"}`))
	state(t, env, 0, 0)
}
