package gateway_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

const logsSubscription = `subscription($id: ID!, $sources: [LogSource!], $search: String) {
	deploymentLogs(deploymentId: $id, sources: $sources, search: $search) { id deploymentId platform timestamp source message } }`

type logLine struct {
	ID           string    `json:"id"`
	DeploymentID string    `json:"deploymentId"`
	Platform     string    `json:"platform"`
	Timestamp    time.Time `json:"timestamp"`
	Source       string    `json:"source"`
	Message      string    `json:"message"`
}

// decodeLine reads a log line out of a data payload.
func decodeLine(t *testing.T, payload json.RawMessage) logLine {
	t.Helper()
	var p struct {
		Data struct {
			DeploymentLogs logLine `json:"deploymentLogs"`
		} `json:"data"`
		Errors []testenv.Error `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(payload, &p), "payload: %s", payload)
	require.Empty(t, p.Errors)
	return p.Data.DeploymentLogs
}

// checkLines checks lines of one deployment: in order, filtered, each once.
func checkLines(t *testing.T, lines []logLine, deployment string, sources []string, search string) {
	t.Helper()
	seen := map[string]bool{}
	for i, l := range lines {
		assert.Equal(t, deployment, l.DeploymentID)
		assert.Equal(t, "SOFTWARE", l.Platform)
		assert.NotEmpty(t, l.Message)
		assert.False(t, seen[l.ID], "line %s sent twice", l.ID)
		seen[l.ID] = true
		if len(sources) > 0 {
			assert.Contains(t, sources, l.Source)
		}
		if search != "" {
			assert.Contains(t, strings.ToLower(l.Message), strings.ToLower(search))
		}
		if i > 0 {
			assert.False(t, l.Timestamp.Before(lines[i-1].Timestamp), "lines in order: %s then %s", lines[i-1].Timestamp, l.Timestamp)
		}
	}
}

// softwareDeploymentID is the global id of some Software deployment.
func softwareDeploymentID(t *testing.T, env *testenv.Env) string {
	t.Helper()
	r := env.Query(t, `{ deployments(first: 1, filter: {platforms: [SOFTWARE]}) { nodes { id } } }`, nil, env.Headers())
	require.Empty(t, r.Errors)
	return get(t, r.Data, "deployments", "nodes", 0, "id").(string)
}

func initPayload(env *testenv.Env) map[string]any {
	return map[string]any{"X-Astro-Token": env.AstroToken, "X-Houston-Token": env.HoustonToken}
}

// TestLogsOverWebsocket follows a Software deployment's logs over both
// websocket subprotocols, the tokens in connection_init: lines arrive in
// order, filtered by source and by search, and the stream ends when the
// client stops it.
func TestLogsOverWebsocket(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		dep := softwareDeploymentID(t, env)
		for _, proto := range []string{testenv.TransportWS, testenv.LegacyWS} {
			for _, tc := range []struct {
				name    string
				sources []string
				search  string
			}{
				{"two sources", []string{"SCHEDULER", "WEBSERVER"}, ""},
				{"one source", []string{"WEBSERVER"}, ""},
				{"search", nil, "INFO -"},
			} {
				t.Run(proto+"/"+tc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
					defer cancel()
					s, err := env.Dial(t, proto, initPayload(env), nil)
					require.NoError(t, err)
					defer s.Close()
					s.Subscribe("1", logsSubscription, map[string]any{"id": dep, "sources": tc.sources, "search": tc.search})
					var lines []logLine
					for len(lines) < 8 {
						m := s.Next(ctx)
						require.Equal(t, "next", m.Type, "message: %s", m.Payload)
						require.Equal(t, "1", m.ID)
						lines = append(lines, decodeLine(t, m.Payload))
					}
					checkLines(t, lines, dep, tc.sources, tc.search)
					s.Stop("1")
					for {
						m := s.Next(ctx)
						if m.Type == "complete" {
							break
						}
						require.Equal(t, "next", m.Type, "lines already on their way, then complete")
					}
					// The socket still serves operations, each with its own loaders.
					s.Subscribe("2", `{ software { houstonVersion } }`, nil)
					m := s.Next(ctx)
					require.Equal(t, "next", m.Type)
					assert.Contains(t, string(m.Payload), "houstonVersion")
					assert.Equal(t, "complete", s.Next(ctx).Type)
				})
			}
		}
	})
}

// TestLogsOverSSE follows the same logs over SSE, with headers, and ends
// cleanly when the deployment is deleted.
func TestLogsOverSSE(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		dep := softwareDeploymentID(t, env)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		events, status := env.SubscribeSSE(t, ctx, logsSubscription, map[string]any{"id": dep, "sources": []string{"SCHEDULER"}}, env.Headers())
		require.Equal(t, http.StatusOK, status)
		var lines []logLine
		completed := false
		for ev := range events {
			if ev.Name == "complete" {
				completed = true
				continue
			}
			require.Equal(t, "next", ev.Name, "data: %s", ev.Data)
			lines = append(lines, decodeLine(t, ev.Data))
			if len(lines) == 5 {
				mutate(t, env, `mutation($id: ID!) { deleteSoftwareDeployment(input: {deploymentId: $id}) { deployment { id } } }`, map[string]any{"id": dep}, nil)
			}
			if len(lines) > 100 {
				t.Fatal("the stream did not end with its deployment")
			}
		}
		require.NoError(t, ctx.Err(), "the stream ended by itself")
		assert.True(t, completed, "with a complete event")
		require.GreaterOrEqual(t, len(lines), 5)
		checkLines(t, lines, dep, []string{"SCHEDULER"}, "")
	})
}

// TestLogsSubscriptionErrors: errors known at the start fail the
// subscription with a code, on both transports.
func TestLogsSubscriptionErrors(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		dep := softwareDeploymentID(t, env)
		for _, tc := range []struct {
			name, id, code string
			init           map[string]any
		}{
			{"not a global id", "garbage", "BAD_USER_INPUT", initPayload(env)},
			{"no token", dep, "UNAUTHENTICATED", map[string]any{}},
			{"bad token", dep, "UNAUTHENTICATED", map[string]any{"headers": map[string]any{"x-houston-token": "nope"}}},
			{"unknown deployment", base64.RawURLEncoding.EncodeToString([]byte("SoftwareDeployment:default:cnotadeployment0000000000")), "NOT_FOUND", initPayload(env)},
			{"an Astro organization", base64.RawURLEncoding.EncodeToString([]byte("AstroOrganization:org")), "BAD_USER_INPUT", initPayload(env)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				s, err := env.Dial(t, testenv.TransportWS, tc.init, nil)
				require.NoError(t, err)
				s.Subscribe("1", logsSubscription, map[string]any{"id": tc.id})
				m := s.Next(ctx)
				require.Contains(t, []string{"next", "error"}, m.Type)
				assert.Contains(t, string(m.Payload), `"code":"`+tc.code+`"`)
			})
		}
	})
}

// TestWebsocketOrigins: a browser on another origin may open a websocket
// only when CORS_ALLOWED_ORIGINS lets it; the same origin always may.
func TestWebsocketOrigins(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.CORSAllowedOrigins = []string{"https://dash.example.com"} }},
		func(t *testing.T, env *testenv.Env) {
			self := strings.TrimSuffix(env.GatewayURL, "/graphql")
			for _, tc := range []struct {
				origin string
				ok     bool
			}{
				{"https://dash.example.com", true},
				{self, true},
				{"", true},
				{"https://evil.example.com", false},
			} {
				h := http.Header{}
				if tc.origin != "" {
					h.Set("Origin", tc.origin)
				}
				_, err := env.Dial(t, testenv.TransportWS, initPayload(env), h)
				if tc.ok {
					assert.NoError(t, err, "origin %q", tc.origin)
				} else {
					assert.ErrorContains(t, err, "403", "origin %q", tc.origin)
				}
			}
		})
}

// TestStreamsOutliveServerTimeouts: neither REQUEST_TIMEOUT nor
// http.Server's read and write timeouts (REQUEST_TIMEOUT + 5s in server.go)
// cut a subscription.
func TestStreamsOutliveServerTimeouts(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	testenv.Run(t, testenv.Config{
		HoustonLogInterval: 50 * time.Millisecond,
		Configure:          func(c *config.Config) { c.RequestTimeout = 2 * timeout },
		ConfigureServer:    func(s *http.Server) { s.ReadTimeout, s.WriteTimeout = timeout, timeout },
	}, func(t *testing.T, env *testenv.Env) {
		dep := softwareDeploymentID(t, env)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		vars := map[string]any{"id": dep, "sources": []string{"SCHEDULER"}}

		s, err := env.Dial(t, testenv.TransportWS, initPayload(env), nil)
		require.NoError(t, err)
		s.Subscribe("1", logsSubscription, vars)
		events, _ := env.SubscribeSSE(t, ctx, logsSubscription, vars, env.Headers())
		start := time.Now()
		var ws, sse int
		for time.Since(start) < 4*timeout {
			require.Equal(t, "next", s.Next(ctx).Type)
			ws++
			ev, ok := <-events
			require.True(t, ok, "the SSE stream was cut after %s", time.Since(start))
			require.Equal(t, "next", ev.Name)
			sse++
		}
		assert.Greater(t, ws, 4)
		assert.Greater(t, sse, 4)
	})
}

// TestAstroLogsOverSSE follows an Astro deployment's logs, polled from the
// Astro API; the poller itself is tested with a fake in package graph.
func TestAstroLogsOverSSE(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{LogPollInterval: 100 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ deployments(first: 1, filter: {platforms: [ASTRO]}) { nodes { id } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		dep := get(t, r.Data, "deployments", "nodes", 0, "id").(string)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		sources := []string{"SCHEDULER", "WORKER"}
		events, status := env.SubscribeSSE(t, ctx, logsSubscription, map[string]any{"id": dep, "sources": sources}, env.Headers())
		require.Equal(t, http.StatusOK, status)
		var lines []logLine
		for ev := range events {
			require.Equal(t, "next", ev.Name, "data: %s", ev.Data)
			l := decodeLine(t, ev.Data)
			assert.Equal(t, "ASTRO", l.Platform)
			assert.Equal(t, dep, l.DeploymentID)
			assert.Contains(t, sources, l.Source)
			lines = append(lines, l)
			if len(lines) == 3 {
				break
			}
		}
		require.Len(t, lines, 3, "the first poll reads the last minute")
		for i := 1; i < len(lines); i++ {
			assert.False(t, lines[i].Timestamp.Before(lines[i-1].Timestamp))
		}
	})
}
