package houstonsim_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// wsFrame is a message of the subscriptions-transport-ws protocol.
type wsFrame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialWS opens a websocket to the simulator's /ws with a subprotocol.
func dialWS(t *testing.T, srv *httptest.Server, subprotocol string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws",
		&websocket.DialOptions{Subprotocols: []string{subprotocol}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

func writeFrame(t *testing.T, conn *websocket.Conn, f any) {
	t.Helper()
	b, err := json.Marshal(f)
	require.NoError(t, err)
	require.NoError(t, conn.Write(t.Context(), websocket.MessageText, b))
}

func readFrame(t *testing.T, conn *websocket.Conn) wsFrame {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, b, err := conn.Read(ctx)
	require.NoError(t, err)
	var f wsFrame
	require.NoError(t, json.Unmarshal(b, &f), "frame %s", b)
	return f
}

// subscribeOnce does what the Astro CLI does (graphql-ws, token in
// connection_init, a start without id) and returns the data of the first
// data frame.
func subscribeOnce(t *testing.T, srv *httptest.Server, auth, query string, vars map[string]any) map[string]json.RawMessage {
	t.Helper()
	conn := dialWS(t, srv, "graphql-ws")
	writeFrame(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": auth}})
	require.Equal(t, "connection_ack", readFrame(t, conn).Type)
	writeFrame(t, conn, map[string]any{"type": "start", "payload": map[string]any{"query": query, "variables": vars}})
	for {
		f := readFrame(t, conn)
		switch f.Type {
		case "ka":
			continue
		case "data":
			var p struct {
				Data   map[string]json.RawMessage `json:"data"`
				Errors []gqlError                 `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(f.Payload, &p))
			require.Empty(t, p.Errors)
			assert.Empty(t, f.ID, "a start without id gets data without id")
			_ = conn.Close(websocket.StatusNormalClosure, `{"id":"1","type":"stop"}`)
			return p.Data
		default:
			t.Fatalf("unexpected frame %s: %s", f.Type, f.Payload)
		}
	}
}

const logSubscription = `subscription log($deploymentId: Uuid!, $component: String, $timestamp: DateTime, $search: String) {
	log(deploymentUuid: $deploymentId, component: $component, timestamp: $timestamp, search: $search) {
		id createdAt: timestamp log: message component
	}
}`

func TestLogSubscription(t *testing.T) {
	t.Parallel()
	sim, srv := start(t, houstonsim.WithLogInterval(5*time.Millisecond))
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	depViewer := token(t, sim, houstonsim.LabelDeploymentViewer)
	wsViewer := token(t, sim, houstonsim.LabelWorkspaceViewer)

	t.Run("lines arrive in time order, for the component asked", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, srv, "graphql-ws")
		writeFrame(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": depViewer.Token}})
		assert.Equal(t, "connection_ack", readFrame(t, conn).Type)
		assert.Equal(t, "ka", readFrame(t, conn).Type, "keep-alive right after the ack")
		writeFrame(t, conn, map[string]any{"type": "start", "id": "7", "payload": map[string]any{
			"query": logSubscription, "variables": map[string]any{"deploymentId": depViewer.Scope[0], "component": "scheduler"}}})
		var last string
		for n := 0; n < 5; {
			f := readFrame(t, conn)
			if f.Type == "ka" {
				continue
			}
			require.Equal(t, "data", f.Type, string(f.Payload))
			assert.Equal(t, "7", f.ID)
			var p struct {
				Data struct {
					Log struct{ ID, CreatedAt, Log, Component string }
				}
			}
			require.NoError(t, json.Unmarshal(f.Payload, &p))
			assert.Equal(t, "scheduler", p.Data.Log.Component)
			assert.NotEmpty(t, p.Data.Log.Log)
			assert.Greater(t, p.Data.Log.CreatedAt, last, "ascending time")
			last = p.Data.Log.CreatedAt
			n++
		}
		writeFrame(t, conn, map[string]any{"type": "stop", "id": "7"})
		for {
			f := readFrame(t, conn)
			if f.Type == "complete" {
				assert.Equal(t, "7", f.ID)
				break
			}
		}
	})
	t.Run("the CLI's way: start without id, then close", func(t *testing.T) {
		t.Parallel()
		data := subscribeOnce(t, srv, sys, logSubscription, map[string]any{"deploymentId": depViewer.Scope[0], "search": ""})
		assert.Contains(t, string(data["log"]), `"createdAt":"`)
	})
	t.Run("graphql-transport-ws too", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, srv, "graphql-transport-ws")
		writeFrame(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + sys}})
		require.Equal(t, "connection_ack", readFrame(t, conn).Type)
		writeFrame(t, conn, map[string]any{"type": "subscribe", "id": "a", "payload": map[string]any{
			"query": logSubscription, "variables": map[string]any{"deploymentId": depViewer.Scope[0]}}})
		f := readFrame(t, conn)
		assert.Equal(t, "next", f.Type)
		assert.Contains(t, string(f.Payload), `"log":{`)
	})
	t.Run("no token: connection refused", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, srv, "graphql-ws")
		writeFrame(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{}})
		f := readFrame(t, conn)
		assert.Equal(t, "connection_error", f.Type)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, _, err := conn.Read(ctx)
		assert.Error(t, err, "the server closes the socket")
	})
	t.Run("a deployment the token may not see", func(t *testing.T) {
		t.Parallel()
		conn := dialWS(t, srv, "graphql-ws")
		writeFrame(t, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": wsViewer.Token}})
		require.Equal(t, "connection_ack", readFrame(t, conn).Type)
		writeFrame(t, conn, map[string]any{"type": "start", "id": "1", "payload": map[string]any{
			"query": logSubscription, "variables": map[string]any{"deploymentId": depViewer.Scope[0]}}})
		for {
			f := readFrame(t, conn)
			if f.Type == "ka" {
				continue
			}
			assert.Contains(t, []string{"error", "data"}, f.Type)
			assert.Contains(t, string(f.Payload), noPermission)
			break
		}
	})
	t.Cleanup(func() { assert.Positive(t, sim.Stats().ByRoute["log"], "subscriptions count in byRoute") })
}
