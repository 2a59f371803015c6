package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

const followLogs = `subscription($id: ID!) { deploymentLogs(deploymentId: $id) { timestamp message } }`

// softwareDeployment returns the id of a Software deployment of the
// gateway at url (…/graphql).
func softwareDeployment(t *testing.T, url string, headers map[string]string) string {
	t.Helper()
	r := testenv.Post(t, url, `{ deployments(first: 1, filter: {platforms: [SOFTWARE]}) { nodes { id } } }`, nil, headers)
	require.Empty(t, r.Errors)
	var d struct {
		Deployments struct{ Nodes []struct{ ID string } }
	}
	r.Decode(t, &d)
	require.NotEmpty(t, d.Deployments.Nodes)
	return d.Deployments.Nodes[0].ID
}

// metric reads one sample of /metrics, "" if absent.
func metric(t *testing.T, base, sample string) string {
	t.Helper()
	resp, err := http.Get(base + "metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			return v
		}
	}
	return ""
}

// TestShutdownEndsStreams starts the built gateway (demo mode), opens a
// subscription on each websocket protocol and one over SSE, and sends
// SIGTERM: the process exits 0 in under 2 s, every subscription receives
// `complete`, and both websockets close with 1001 (going away), not 1006.
func TestShutdownEndsStreams(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	// Under -race the binary is built with the race detector, whose
	// runtime sleeps 1 s at exit by default: that is not the gateway's.
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=", "HOUSTON_URL=", "PORT=", "LOG_FORMAT=json", "GORACE=atexit_sleep_ms=0"}, "-listen", "127.0.0.1:0")
	_, base := gw.await(t, playground)
	url := base + "graphql"
	env := &testenv.Env{GatewayURL: url}
	id := softwareDeployment(t, url, nil)
	vars := map[string]any{"id": id}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sockets := map[string]*testenv.Socket{}
	for _, proto := range []string{testenv.TransportWS, testenv.LegacyWS} {
		s, err := env.Dial(t, proto, map[string]any{}, nil)
		require.NoError(t, err)
		s.Subscribe("logs", followLogs, vars)
		sockets[proto] = s
	}
	events, status := env.SubscribeSSE(t, ctx, followLogs, vars, nil)
	require.Equal(t, http.StatusOK, status)
	require.Eventually(t, func() bool { return metric(t, base, "gateway_active_subscriptions") == "3" }, 10*time.Second, 20*time.Millisecond,
		"three subscriptions running")
	assert.Equal(t, "2", metric(t, base, `gateway_active_streams{transport="websocket"}`))
	assert.Equal(t, "1", metric(t, base, `gateway_active_streams{transport="sse"}`))

	type closed struct {
		msgs []testenv.Message
		code websocket.StatusCode
	}
	results := map[string]chan closed{}
	for proto, s := range sockets {
		ch := make(chan closed, 1)
		results[proto] = ch
		go func() {
			msgs, code := s.Drain(ctx)
			ch <- closed{msgs, code}
		}()
	}
	sse := make(chan []testenv.Event, 1)
	go func() {
		var all []testenv.Event
		for ev := range events {
			all = append(all, ev)
		}
		sse <- all
	}()

	began := time.Now()
	require.NoError(t, gw.cmd.Process.Signal(syscall.SIGTERM))
	werr := make(chan error, 1)
	go func() { werr <- gw.cmd.Wait() }()
	var err error
	select {
	case err = <-werr:
	case <-time.After(10 * time.Second):
		t.Fatalf("the gateway did not exit in 10 s; output:\n%s", gw.output())
	}
	took := time.Since(began)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("exit code %d; output:\n%s", ee.ExitCode(), gw.output())
	}
	require.NoError(t, err)
	assert.Less(t, took, 2*time.Second, "exit after SIGTERM with only streams open")
	t.Logf("exited 0 %s after SIGTERM", took.Round(time.Millisecond))

	for proto, ch := range results {
		c := <-ch
		require.NotEmpty(t, c.msgs, proto)
		last := c.msgs[len(c.msgs)-1]
		assert.Equal(t, "complete", last.Type, "%s: the subscription completes", proto)
		assert.Equal(t, "logs", last.ID, proto)
		assert.Equal(t, websocket.StatusGoingAway, c.code, "%s: closed with 1001", proto)
	}
	all := <-sse
	require.NotEmpty(t, all)
	assert.Equal(t, "complete", all[len(all)-1].Name, "the SSE stream ends with event: complete")

	out := gw.output()
	assert.NotContains(t, out, "context deadline exceeded")
	assert.Regexp(t, regexp.MustCompile(`"msg":"gateway stopped"`), out)
}

// TestLogsStructuredWithoutSecrets drives queries, a mutation's variables
// and streams with tokens through the built gateway (demo mode, JSON logs)
// and scans everything it printed: every line is JSON, each operation has
// one access line with the caller's request id, and no token and no
// variable value appears anywhere.
func TestLogsStructuredWithoutSecrets(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	gw := start(t, filepath.Join(bin, "gateway"), []string{"ASTRO_API_URL=", "HOUSTON_URL=", "PORT=", "LOG_FORMAT=json", "LOG_LEVEL=debug"}, "-listen", "127.0.0.1:0")
	_, base := gw.await(t, playground)
	url := base + "graphql"
	env := &testenv.Env{GatewayURL: url}

	const (
		astroTok   = "astro-token-never-logged-5f3a"
		houstonTok = "houston-token-never-logged-91c2"
		secretVar  = "variable-value-never-logged-77e1"
	)
	// Wrong tokens: the upstream answers 401, the gateway says so.
	headers := map[string]string{"X-Astro-Token": astroTok, "X-Houston-Token": houstonTok, "X-Request-Id": "req-logs-1",
		"apollographql-client-name": "log-test"}
	r := testenv.Post(t, url, `query Dash { deployments(first: 3) { totalCount } }`, nil, headers)
	require.NotEmpty(t, r.Errors)
	headers["X-Request-Id"] = "req-logs-2"
	r = testenv.Post(t, url, `query Find($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": secretVar}, headers)
	require.NotEmpty(t, r.Errors)
	// Demo tokens (applied for callers without one) and a websocket's
	// init payload token stay out of the logs too.
	id := softwareDeployment(t, url, nil)
	s, err := env.Dial(t, testenv.TransportWS, map[string]any{"X-Houston-Token": houstonTok}, nil)
	require.NoError(t, err)
	s.Subscribe("1", followLogs, map[string]any{"id": id})
	m := s.Next(t.Context())
	require.Contains(t, []string{"next", "error"}, m.Type)
	s.Close()
	resp, err := http.Get(base + "healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"), "a request id is made when the caller sends none")
	// A document refused before it runs has its line too.
	r = testenv.Post(t, url, `query Bad { noSuchField }`, nil, map[string]string{"X-Request-Id": "req-refused"})
	require.NotEmpty(t, r.Errors)
	// A repeat answered from the response cache has its line too.
	for _, id := range []string{"req-cache-1", "req-cache-2"} {
		r := testenv.Post(t, url, `query Cached { deployments(first: 2) { totalCount } }`, nil, map[string]string{"X-Request-Id": id})
		require.Empty(t, r.Errors)
	}

	var access []map[string]any
	require.Eventually(t, func() bool {
		access = access[:0]
		for _, line := range strings.Split(gw.output(), "\n") {
			var l map[string]any
			if line == "" || json.Unmarshal([]byte(line), &l) != nil {
				continue
			}
			if l["msg"] == "graphql operation" {
				access = append(access, l)
			}
		}
		return len(access) >= 7
	}, 10*time.Second, 20*time.Millisecond)

	var dash, cached, refused map[string]any
	for _, l := range access {
		switch l["request_id"] {
		case "req-logs-1":
			dash = l
		case "req-cache-2":
			cached = l
		case "req-refused":
			refused = l
		}
	}
	require.NotNil(t, refused, "a refused document has its access line")
	assert.Equal(t, true, refused["refused"])
	assert.Contains(t, refused["error_codes"], "GRAPHQL_VALIDATION_FAILED")
	require.NotNil(t, cached, "a response-cache hit has its access line")
	assert.Equal(t, "hit", cached["response_cache"])
	assert.EqualValues(t, 0, cached["upstream_calls"])
	require.NotNil(t, dash, "the access line carries the caller's request id")
	assert.Equal(t, "Dash", dash["operation"])
	assert.Equal(t, "query", dash["type"])
	assert.Equal(t, "log-test", dash["client"])
	assert.Contains(t, dash, "duration_ms")
	assert.Contains(t, dash, "cost")
	assert.Positive(t, dash["upstream_calls"])
	assert.Contains(t, dash["error_codes"], "UNAUTHENTICATED")

	out := gw.output()
	for _, line := range strings.Split(out, "\n") {
		if line != "" {
			assert.True(t, json.Valid([]byte(line)), "not a JSON line: %s", line)
		}
	}
	for _, secret := range []string{astroTok, houstonTok, secretVar} {
		assert.NotContains(t, out, secret)
	}
	for _, tok := range demoTokens(t) {
		assert.NotContains(t, out, tok)
	}
}

// demoTokens are the tokens demo mode applies: its seeded simulators',
// which issue the same tokens every time.
func demoTokens(t *testing.T) []string {
	t.Helper()
	at, ok := astrosim.New(astrosim.WithDataset("small")).TokenOfKind("PERSONAL")
	require.True(t, ok)
	ht, ok := houstonsim.New(houstonsim.WithDataset("small")).TokenOfKind("SYSTEM_ADMIN")
	require.True(t, ok)
	return []string{at.Token, ht.Token}
}
