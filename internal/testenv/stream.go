package testenv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// GraphQL over websocket and SSE, for subscription tests.

// Websocket subprotocols the gateway speaks.
const (
	TransportWS = "graphql-transport-ws" // graphql-ws (the library)'s protocol
	LegacyWS    = "graphql-ws"           // subscriptions-transport-ws's protocol
)

// Socket is a GraphQL websocket client of either subprotocol.
type Socket struct {
	t        testing.TB
	conn     *websocket.Conn
	Protocol string
}

// Message is one websocket message.
type Message struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Dial opens a websocket to the gateway with subprotocol protocol, sends
// connection_init with init as its payload and waits for connection_ack.
// header is the handshake's (Origin, say). A refused handshake is an error.
func (e *Env) Dial(t testing.TB, protocol string, init map[string]any, header http.Header) (*Socket, error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.GatewayURL, "http")
	conn, _, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{Subprotocols: []string{protocol}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	s := &Socket{t: t, conn: conn, Protocol: protocol}
	t.Cleanup(func() { _ = conn.CloseNow() })
	s.send(Message{Type: "connection_init", Payload: mustJSON(t, init)})
	for {
		m := s.Next(t.Context())
		switch m.Type {
		case "connection_ack":
			return s, nil
		case "connection_error", "error":
			t.Fatalf("connection refused: %s", m.Payload)
		}
	}
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func (s *Socket) send(m Message) {
	s.t.Helper()
	require.NoError(s.t, s.conn.Write(s.t.Context(), websocket.MessageText, mustJSON(s.t, m)))
}

// Subscribe starts operation id.
func (s *Socket) Subscribe(id, query string, vars map[string]any) {
	s.t.Helper()
	typ := "subscribe"
	if s.Protocol == LegacyWS {
		typ = "start"
	}
	s.send(Message{Type: typ, ID: id, Payload: mustJSON(s.t, map[string]any{"query": query, "variables": vars})})
}

// Stop stops operation id.
func (s *Socket) Stop(id string) {
	s.t.Helper()
	typ := "complete"
	if s.Protocol == LegacyWS {
		typ = "stop"
	}
	s.send(Message{Type: typ, ID: id})
}

// Next returns the next message other than a keep-alive (a ping is
// answered with a pong, as the protocol asks). Data messages have Type
// "next" whatever the protocol ("data" on graphql-ws).
func (s *Socket) Next(ctx context.Context) Message {
	s.t.Helper()
	for {
		_, b, err := s.conn.Read(ctx)
		require.NoError(s.t, err)
		var m Message
		require.NoError(s.t, json.Unmarshal(b, &m), "message: %s", b)
		switch m.Type {
		case "ka", "pong":
			continue
		case "ping":
			s.send(Message{Type: "pong"})
			continue
		case "data":
			m.Type = "next"
		}
		return m
	}
}

// Close closes the socket normally.
func (s *Socket) Close() { _ = s.conn.Close(websocket.StatusNormalClosure, "") }

// Event is one server-sent event.
type Event struct {
	Name string // "next" or "complete"
	Data json.RawMessage
}

// SubscribeSSE posts a subscription with Accept: text/event-stream and
// returns its events, in order, until the stream ends (the channel then
// closes) or ctx is done. status is the HTTP status.
func (e *Env) SubscribeSSE(t testing.TB, ctx context.Context, query string, vars map[string]any, headers map[string]string) (events <-chan Event, status int) {
	t.Helper()
	body := mustJSON(t, map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.GatewayURL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	out := make(chan Event)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var ev Event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.Name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.Data = append(ev.Data, strings.TrimSpace(strings.TrimPrefix(line, "data:"))...)
			case line == "" && ev.Name != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = Event{}
			}
		}
	}()
	return out, resp.StatusCode
}
