package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// tooComplex asserts one QUERY_TOO_COMPLEX error, no data, and no upstream
// request, and returns the error's extensions.
func tooComplex(t *testing.T, env *testenv.Env, query string) map[string]any {
	t.Helper()
	env.Astro.Reset()
	env.Houston.Reset()
	r := env.Query(t, query, nil, env.Headers())
	require.Len(t, r.Errors, 1, "%+v", r.Errors)
	assert.Equal(t, "QUERY_TOO_COMPLEX", r.Errors[0].Extensions["code"])
	assert.True(t, len(r.Data) == 0 || string(r.Data) == "null", "no data: %s", r.Data)
	assert.Zero(t, env.Astro.Stats().Requests, "no Astro request")
	assert.Zero(t, env.Houston.Stats().Requests, "no Houston request")
	return r.Errors[0].Extensions
}

// TestHostileQueriesAreRefused sends the queries of issue 9 to a gateway
// with the default limits: each is refused before it runs, with the
// figure that broke the limit and the limit.
func TestHostileQueriesAreRefused(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		ext := tooComplex(t, env, testenv.DeepQuery(21))
		assert.EqualValues(t, 21, ext["depth"])
		assert.EqualValues(t, 12, ext["maxDepth"])

		ext = tooComplex(t, env, testenv.AliasedReports(1000))
		assert.EqualValues(t, 1000, ext["aliases"])
		assert.EqualValues(t, 200, ext["maxAliases"])

		ext = tooComplex(t, env, testenv.AliasedTypenames(50000))
		assert.EqualValues(t, 15000, ext["maxTokens"])

		// Under the alias limit, a hundred and fifty reports still cost
		// too much: each reads every deployment.
		ext = tooComplex(t, env, testenv.AliasedReports(150))
		assert.Greater(t, ext["cost"], float64(100000))
		assert.EqualValues(t, 100000, ext["limit"])

		// Fragments that fan out exponentially are measured in linear time.
		var b strings.Builder
		b.WriteString("{ ...f0 }\n")
		for i := range 40 {
			fmt.Fprintf(&b, "fragment f%d on Query { a: __typename ...f%d ...f%d }\n", i, i+1, i+1)
		}
		b.WriteString("fragment f40 on Query { __typename }\n")
		start := time.Now()
		ext = tooComplex(t, env, b.String())
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Contains(t, ext, "maxFields")
	})
}

func TestDepthMessage(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, testenv.DeepQuery(21), nil, env.Headers())
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "query too complex: depth 21 exceeds 12", r.Errors[0].Message)
	})
}

// TestCostIsReported: a successful answer carries what it cost, so a
// dashboard's author sees it before it becomes a problem.
func TestCostIsReported(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		body := post(t, env.GatewayURL, `{ deployments(first: 10) { totalCount edges { node { id name platform workspace { name } } } } }`, env.Headers())
		var resp struct {
			Errors     []any `json:"errors"`
			Extensions struct {
				Cost map[string]int `json:"cost"`
			} `json:"extensions"`
		}
		require.NoError(t, json.Unmarshal(body, &resp), "%s", body)
		require.Empty(t, resp.Errors)
		// 2 calls (both platforms) + 10 × (edges 1 + node 1 + workspace 1).
		assert.Equal(t, map[string]int{"estimated": 230, "limit": 100000, "depth": 5, "fields": 9, "aliases": 0}, resp.Extensions.Cost)
	})
}

func post(t *testing.T, url, query string, headers map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	status, body := postRaw(t, url, b, headers)
	require.Equal(t, http.StatusOK, status, "%s", body)
	return body
}

func postRaw(t *testing.T, url string, body []byte, headers map[string]string) (int, []byte) {
	t.Helper()
	return testenv.PostRaw(t, url, body, headers)
}

// TestIntrospectionQueries: GraphiQL's and graphql-js's introspection
// queries pass the default limits; with INTROSPECTION=false they are
// refused, and validation errors suggest no field names.
func TestIntrospectionQueries(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for name, q := range testenv.IntrospectionQueries() {
			r := env.Query(t, q, nil, nil)
			assert.Empty(t, r.Errors, name)
			assert.Contains(t, string(r.Data), `"queryType"`, name)
			again := env.Query(t, q, nil, nil) // from the introspection cache
			assert.Empty(t, again.Errors, name)
			assert.JSONEq(t, string(r.Data), string(again.Data), name)
		}
		r := env.Query(t, `{ deployment { id } }`, nil, nil)
		require.NotEmpty(t, r.Errors)
		assert.Contains(t, r.Errors[0].Message, "Did you mean", "suggestions are on by default")
	})
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.Limits.Introspection = false }}, func(t *testing.T, env *testenv.Env) {
		for name, q := range testenv.IntrospectionQueries() {
			r := env.Query(t, q, nil, nil)
			require.Len(t, r.Errors, 1, name)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.Errors[0].Extensions["code"], name)
			assert.Contains(t, r.Errors[0].Message, "introspection is disabled")
		}
		r := env.Query(t, `{ __type(name: "Query") { name } }`, nil, nil)
		require.Len(t, r.Errors, 1)
		r = env.Query(t, `{ deployment { id } }`, nil, nil)
		require.NotEmpty(t, r.Errors)
		assert.NotContains(t, r.Errors[0].Message, "Did you mean")
		r = env.Query(t, `{ __typename }`, nil, nil)
		assert.Empty(t, r.Errors, "__typename is not introspection")
	})
}

// TestRequestBodyLimit: a body over MAX_BODY_BYTES is answered 413 with a
// code, and its content is not echoed.
func TestRequestBodyLimit(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.Limits.MaxBodyBytes = 4096 }}, func(t *testing.T, env *testenv.Env) {
		body, err := json.Marshal(map[string]any{"query": "{ __typename }", "variables": map[string]any{"pad": strings.Repeat("secret", 1000)}})
		require.NoError(t, err)
		status, out := postRaw(t, env.GatewayURL, body, nil)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status)
		assert.Contains(t, string(out), `"code":"BAD_USER_INPUT"`)
		assert.NotContains(t, string(out), "secret")
	})
}

// TestResponseSizeLimit: an answer over MAX_RESPONSE_BYTES is replaced by
// one RESPONSE_TOO_LARGE error.
func TestResponseSizeLimit(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.Limits.MaxResponseBytes = 2000 }}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ deployments(first: 100) { nodes { id name } } }`, nil, env.Headers())
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "RESPONSE_TOO_LARGE", r.Errors[0].Extensions["code"])
		r = env.Query(t, `{ deployments(first: 1) { nodes { id } } }`, nil, env.Headers())
		assert.Empty(t, r.Errors)
	})
}

// TestOverloaded: with one request at a time per caller, a second
// concurrent request of the same caller waits for the queue timeout, then
// gets 503 OVERLOADED with Retry-After; another caller is served.
func TestOverloaded(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) {
		c.Limits.MaxConcurrentPerCaller = 1
		c.Limits.QueueTimeout = 200 * time.Millisecond
	}}, func(t *testing.T, env *testenv.Env) {
		slow := "2s"
		_, err := env.Astro.Configure(astrosimLatency(slow))
		require.NoError(t, err)
		var wg sync.WaitGroup
		wg.Go(func() {
			r := env.Query(t, `{ astro { organizations { nodes { name } } } }`, nil, env.Headers())
			assert.Empty(t, r.Errors)
		})
		// Wait until the slow request holds the caller's place.
		require.Eventually(t, func() bool { return env.Astro.Stats().Requests > 0 }, 10*time.Second, 10*time.Millisecond)
		body, err := json.Marshal(map[string]any{"query": "{ __typename }"})
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.GatewayURL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range env.Headers() {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s", out)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		assert.Contains(t, string(out), `"code":"OVERLOADED"`)

		// Another caller (other credentials) is not held up.
		r := env.Query(t, `{ __typename }`, nil, map[string]string{"X-Astro-Token": "someone-else"})
		assert.Empty(t, r.Errors)
		wg.Wait()
	})
}

// TestTimeoutStopsWork: with REQUEST_TIMEOUT=1s and an Astro that answers
// in 10 s, the client gets TIMEOUT (with Software's part of the answer)
// within a second of the deadline, and nothing of the request is left
// running.
//
// Not parallel: it counts the process's goroutines.
func TestTimeoutStopsWork(t *testing.T) {
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.RequestTimeout, c.CacheTTL = time.Second, 0 }}, func(t *testing.T, env *testenv.Env) {
		q := `{ software { workspaces(first: 5) { nodes { name } } } astro { organizations { nodes { name deployments { nodes { name workspace { name } } } } } } }`
		r := env.Query(t, q, nil, env.Headers()) // warm: Houston's version is probed once
		require.Empty(t, r.Errors)
		http.DefaultClient.CloseIdleConnections()
		baseline := busyGoroutines()

		_, err := env.Astro.Configure(astrosimLatency("10s"))
		require.NoError(t, err)
		start := time.Now()
		r = env.Query(t, q, nil, env.Headers())
		elapsed := time.Since(start)
		t.Logf("answered in %s", elapsed)
		// Within a second of the deadline on an idle machine; the bound
		// here leaves room for -race on a busy one (CI), and still fails
		// a request that waits for the 10 s upstream.
		assert.Less(t, elapsed, 4*time.Second, "answered soon after the 1 s deadline")
		require.NotEmpty(t, r.Errors)
		codes := map[any]int{}
		for _, e := range r.Errors {
			codes[e.Extensions["code"]]++
		}
		assert.Equal(t, map[any]int{"TIMEOUT": 1}, codes, "%+v", r.Errors)
		assert.Contains(t, string(r.Data), `"workspaces"`, "Software's part is there: %s", r.Data)

		http.DefaultClient.CloseIdleConnections()
		assert.Eventually(t, func() bool { return busyGoroutines() <= baseline+2 }, 3*time.Second, 20*time.Millisecond,
			"goroutines back to %d, now %d", baseline, busyGoroutines())
	})
}

func astrosimLatency(d string) astrosim.ConfigUpdate { return astrosim.ConfigUpdate{Latency: &d} }

// TestDeadlineStopsAnUnmeteredQuery turns every limit off and sends the
// deep query with REQUEST_TIMEOUT=2s: resolvers stop starting at the
// deadline, so the answer (TIMEOUT, with what was complete) comes within
// a second of it instead of after the whole fan-out, and nothing keeps
// running. (Without the check the same query runs to the end, deadline or not:
// 15 to 18 s and 5 MB here.) The bound is generous for a busy machine.
//
// Not parallel: it counts the process's goroutines.
func TestDeadlineStopsAnUnmeteredQuery(t *testing.T) {
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) {
		c.RequestTimeout = 2 * time.Second
		c.Limits = config.Limits{Introspection: true}
	}}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ __typename }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		http.DefaultClient.CloseIdleConnections()
		baseline := busyGoroutines()
		start := time.Now()
		r = env.Query(t, testenv.DeepQuery(24), nil, env.Headers())
		elapsed := time.Since(start)
		t.Logf("answered in %s", elapsed)
		// Unbounded (the same test with RequestTimeout 120 s, run once on
		// a quiet machine without -race), this query runs 12.9 s and
		// answers 27.7 MB; depth 21, which this test used to send, now
		// completes in 1.9 s, inside the deadline. Bounded, 3.0–3.7 s,
		// 4.1–5.1 s under -race. The bound leaves room for -race on a busy
		// machine.
		assert.Less(t, elapsed, 7*time.Second)
		require.Len(t, r.Errors, 1, "one TIMEOUT error, however many fields it stopped")
		assert.Equal(t, "TIMEOUT", r.Errors[0].Extensions["code"])
		assert.NotEmpty(t, r.Data)
		http.DefaultClient.CloseIdleConnections()
		assert.Eventually(t, func() bool { return busyGoroutines() <= baseline+2 }, 3*time.Second, 20*time.Millisecond,
			"goroutines back to %d, now %d", baseline, busyGoroutines())
	})
}

// TestDisconnectStopsWork: a client that leaves while Astro is slow
// cancels its upstream calls: nothing of its request is left running.
//
// Not parallel: it counts the process's goroutines.
func TestDisconnectStopsWork(t *testing.T) {
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.CacheTTL = 0 }}, func(t *testing.T, env *testenv.Env) {
		q := `{ astro { organizations { nodes { name deployments { nodes { name } } } } } }`
		r := env.Query(t, q, nil, env.Headers())
		require.Empty(t, r.Errors)
		http.DefaultClient.CloseIdleConnections()
		baseline := busyGoroutines()

		_, err := env.Astro.Configure(astrosimLatency("10s"))
		require.NoError(t, err)
		env.Astro.Reset()
		ctx, cancel := context.WithCancel(t.Context())
		body, err := json.Marshal(map[string]any{"query": q})
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.GatewayURL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range env.Headers() {
			req.Header.Set(k, v)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
		}()
		require.Eventually(t, func() bool { return env.Astro.Stats().Requests > 0 }, 5*time.Second, 10*time.Millisecond)
		cancel()
		<-done
		http.DefaultClient.CloseIdleConnections()
		assert.Eventually(t, func() bool { return busyGoroutines() <= baseline+2 }, 3*time.Second, 20*time.Millisecond,
			"goroutines back to %d, now %d", baseline, busyGoroutines())
	})
}

// busyGoroutines counts the goroutines doing work: all of them but the ones
// that keep idle HTTP connections open (a client's persistConn read and
// write loops, a server's idle connection waiting for its next request),
// which the gateway keeps on purpose for the fan-out of batches.
func busyGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	busy := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		// A server's connection between requests is in (*conn).serve, not
		// in a handler's ServeHTTP.
		idleServer := strings.Contains(g, "net/http.(*conn).serve") && !strings.Contains(g, "ServeHTTP")
		if strings.Contains(g, "net/http.(*persistConn)") || idleServer {
			continue
		}
		busy++
	}
	return busy
}

// TestMalformedRequestsAreTheCallers: malformed APQ extensions and bodies
// that are not JSON are BAD_USER_INPUT (never INTERNAL), and the body is
// not quoted back.
func TestMalformedRequestsAreTheCallers(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, body := range []string{
			`{"query":"{ __typename }","extensions":{"persistedQuery":"not an object"}}`,
			`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":"one","sha256Hash":5}}}`,
			`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":7,"sha256Hash":"x"}}}`,
			`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"wrong"}}}`,
			`this is not json, and it holds a s3cr3t`,
			`{"query": 5}`,
		} {
			_, out := postRaw(t, env.GatewayURL, []byte(body), nil)
			var resp struct {
				Errors []testenv.Error `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(out, &resp), "%s", out)
			require.NotEmpty(t, resp.Errors, body)
			for _, e := range resp.Errors {
				assert.Equal(t, "BAD_USER_INPUT", e.Extensions["code"], "%s: %s", body, e.Message)
			}
			assert.NotContains(t, string(out), "s3cr3t")
		}
	})
}
