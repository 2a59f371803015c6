package gateway_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestSSESingleConnectionClient: graphql-sse's own client in single
// connection mode (node, web/clients/sse.mjs) runs a query and follows a
// Software deployment's logs over one reserved stream, then stops.
func TestSSESingleConnectionClient(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		headers, err := json.Marshal(env.Headers())
		require.NoError(t, err)
		raw := runNode(t, "sse.mjs", env.GatewayURL, string(headers), softwareDeploymentID(t, env))
		var out struct {
			Query struct {
				Data struct {
					Deployments struct{ TotalCount int }
				}
				Errors []any
			}
			Logs []struct {
				Data struct {
					DeploymentLogs struct{ Source, Message string }
				}
				Errors []any
			}
		}
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
		assert.Empty(t, out.Query.Errors)
		assert.Positive(t, out.Query.Data.Deployments.TotalCount)
		require.Len(t, out.Logs, 3)
		for _, l := range out.Logs {
			assert.Empty(t, l.Errors)
			assert.NotEmpty(t, l.Data.DeploymentLogs.Message)
		}
	})
}

// TestSSESingleConnectionProtocol: the reservation's rules — one stream
// per token, the token only for the caller that reserved it, operations
// need an id, DELETE stops one — checked on the wire.
func TestSSESingleConnectionProtocol(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{HoustonLogInterval: 50 * time.Millisecond}, func(t *testing.T, env *testenv.Env) {
		do := func(method, target, body string, h map[string]string) *http.Response {
			req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
			require.NoError(t, err)
			for k, v := range env.Headers() {
				req.Header.Set(k, v)
			}
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			return resp
		}
		resp := do(http.MethodPut, env.GatewayURL, "", nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		tok := make([]byte, 64)
		n, _ := resp.Body.Read(tok)
		resp.Body.Close()
		token := string(tok[:n])
		require.NotEmpty(t, token)
		withToken := map[string]string{"X-GraphQL-Event-Stream-Token": token, "Content-Type": "application/json"}

		// Another caller (other credentials) cannot use the reservation.
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, env.GatewayURL+"?token="+token, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("X-Astro-Token", "someone-else")
		other, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		other.Body.Close()
		assert.Equal(t, http.StatusNotFound, other.StatusCode)

		stream := do(http.MethodGet, env.GatewayURL, "", map[string]string{"X-GraphQL-Event-Stream-Token": token, "Accept": "text/event-stream"})
		defer stream.Body.Close()
		require.Equal(t, http.StatusOK, stream.StatusCode)
		assert.Contains(t, stream.Header.Get("Content-Type"), "text/event-stream")
		second := do(http.MethodGet, env.GatewayURL+"?token="+token, "", map[string]string{"Accept": "text/event-stream"})
		second.Body.Close()
		assert.Equal(t, http.StatusConflict, second.StatusCode, "one stream per reservation")

		noID := do(http.MethodPost, env.GatewayURL, `{"query":"{ __typename }"}`, withToken)
		noID.Body.Close()
		assert.Equal(t, http.StatusBadRequest, noID.StatusCode)
		invalid := do(http.MethodPost, env.GatewayURL, `{"query":"{ nope }","extensions":{"operationId":"bad"}}`, withToken)
		invalid.Body.Close()
		assert.Equal(t, http.StatusOK, invalid.StatusCode, "a request error is answered on the POST, as GraphQL over HTTP")

		sub, err := json.Marshal(map[string]any{
			"query":      `subscription($id: ID!) { deploymentLogs(deploymentId: $id) { message } }`,
			"variables":  map[string]any{"id": softwareDeploymentID(t, env)},
			"extensions": map[string]any{"operationId": "logs"},
		})
		require.NoError(t, err)
		started := do(http.MethodPost, env.GatewayURL, string(sub), withToken)
		started.Body.Close()
		require.Equal(t, http.StatusAccepted, started.StatusCode)
		q := do(http.MethodPost, env.GatewayURL, `{"query":"{ __typename }","extensions":{"operationId":"q"}}`, withToken)
		q.Body.Close()
		require.Equal(t, http.StatusAccepted, q.StatusCode)

		events := bufio.NewScanner(stream.Body)
		seen := map[string]int{}
		var event string
		for events.Scan() && (seen["next logs"] < 3 || seen["complete q"] < 1) {
			line := events.Text()
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				event = name
				continue
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var msg struct {
					ID      string
					Payload struct{ Errors []any }
				}
				require.NoError(t, json.Unmarshal([]byte(data), &msg), data)
				assert.Empty(t, msg.Payload.Errors, data)
				seen[event+" "+msg.ID]++
			}
		}
		assert.Equal(t, 1, seen["next q"], "the query's one result")
		assert.GreaterOrEqual(t, seen["next logs"], 3, "log lines stream")

		stop := do(http.MethodDelete, env.GatewayURL+"?operationId=logs", "", withToken)
		stop.Body.Close()
		assert.Equal(t, http.StatusOK, stop.StatusCode)
		again := do(http.MethodDelete, env.GatewayURL+"?operationId=logs", "", withToken)
		again.Body.Close()
		assert.Equal(t, http.StatusNotFound, again.StatusCode, "stopped already")
	})
}
