package houston

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
)

// LogsOptions are the arguments of the logs query; empty fields do not
// filter.
type LogsOptions struct {
	DeploymentID string // required
	Component    string // webserver, scheduler, worker or triggerer
	Search       string // a phrase the line must hold
	Since        time.Time
}

// Logs returns a deployment's newest log lines (Houston keeps 800) written
// after opts.Since, oldest first.
//
// Houston: query logs (DeploymentLogsGetRequest)
func (c *Client) Logs(ctx context.Context, opts LogsOptions, sel []Field) ([]*DeploymentLog, error) {
	return many[DeploymentLog](ctx, c, call{kind: ast.Query, opName: "GetLogs", field: "logs",
		args: logArgs(opts.DeploymentID, opts.Component, opts.Search, opts.Since), result: "DeploymentLog", sel: sel})
}

func logArgs(deploymentID, component, search string, since time.Time) []arg {
	args := append([]arg{{"deploymentUuid", typeUuidNonNull, deploymentID}},
		optional(arg{"component", typeString, component}, arg{"search", typeString, search})...)
	if !since.IsZero() {
		args = append(args, arg{"timestamp", typeDateTime, since.UTC().Format(time.RFC3339Nano)})
	}
	return args
}

// LogEntry is a log line the subscription sent. The last entry before the
// channel closes carries Err when the subscription failed rather than
// ended.
type LogEntry struct {
	ID        string
	Timestamp time.Time
	Message   string
	Component string
	Err       error
}

// logDocument is the subscription SubscribeLogs starts.
func logDocument(deploymentID, component, search string) *Request {
	return buildDocument(ast.Subscription, "log", []rootField{{alias: "log", name: "log",
		args: logArgs(deploymentID, component, search, time.Time{}),
		sel:  Fields("component", "id", "message", "timestamp")}})
}

// wsMessage is a message of the subscriptions-transport-ws protocol, as
// read from Houston.
type wsMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsReadLimit bounds one websocket message from Houston.
const wsReadLimit = 1 << 20

// SubscribeLogs follows a deployment's new log lines through Houston's log
// subscription, over websocket at SubscriptionEndpoint with the legacy
// subscriptions-transport-ws protocol (subprotocol graphql-ws) that Houston
// speaks, the token in connection_init. Empty component and search do not
// filter. It returns once Houston accepted the connection; the channel
// then yields lines until ctx is done (the subscription is stopped and the
// socket closed) or Houston ends it. A connection Houston refuses (it does
// so only for want of a valid token) is an UNAUTHENTICATED error.
func (c *Client) SubscribeLogs(ctx context.Context, deploymentID, component, search string) (<-chan LogEntry, error) {
	hdr := http.Header{"User-Agent": {c.userAgent}}
	conn, resp, err := websocket.Dial(ctx, c.wsEndpoint, &websocket.DialOptions{
		HTTPClient: c.httpClient, HTTPHeader: hdr, Subprotocols: []string{"graphql-ws"},
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, &HTTPError{StatusCode: resp.StatusCode}
		}
		return nil, &TransportError{Err: err}
	}
	conn.SetReadLimit(wsReadLimit)
	fail := func(err error) (<-chan LogEntry, error) {
		_ = conn.Close(websocket.StatusNormalClosure, "")
		return nil, err
	}
	init := map[string]any{}
	if c.token != "" {
		init["authorization"] = c.token
	}
	if err := writeWS(ctx, conn, wsOut{Type: "connection_init", Payload: init}); err != nil {
		return fail(&TransportError{Err: err})
	}
	for acked := false; !acked; {
		m, err := readWS(ctx, conn)
		if err != nil {
			return fail(&TransportError{Err: err})
		}
		switch m.Type {
		case "connection_ack":
			acked = true
		case "ka":
		case "connection_error":
			return fail(Errors{{Message: payloadMessage(m.Payload), Extensions: map[string]any{"code": codeUnauthorized}}})
		default:
			return fail(fmt.Errorf("houston: unexpected %q before connection_ack", m.Type))
		}
	}
	req := logDocument(deploymentID, component, search)
	if err := writeWS(ctx, conn, wsOut{Type: "start", ID: "1", Payload: req}); err != nil {
		return fail(&TransportError{Err: err})
	}
	out := make(chan LogEntry, 16)
	go c.relayLogs(ctx, conn, out)
	return out, nil
}

// relayLogs reads the subscription's messages and sends the lines on out
// until the subscription or ctx ends; then it stops the subscription,
// closes the socket and out.
func (c *Client) relayLogs(ctx context.Context, conn *websocket.Conn, out chan<- LogEntry) {
	defer close(out)
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = writeWS(stopCtx, conn, wsOut{Type: "stop", ID: "1"})
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}()
	send := func(e LogEntry) bool {
		select {
		case out <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		m, err := readWS(ctx, conn)
		if err != nil {
			if ctx.Err() == nil && websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				send(LogEntry{Err: &TransportError{Err: err}})
			}
			return
		}
		switch m.Type {
		case "data":
			var p struct {
				Data struct {
					Log *DeploymentLog `json:"log"`
				} `json:"data"`
				Errors Errors `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				send(LogEntry{Err: fmt.Errorf("houston: decode log: %w", err)})
				return
			}
			if len(p.Errors) > 0 {
				send(LogEntry{Err: p.Errors})
				return
			}
			if l := p.Data.Log; l != nil && !send(logEntry(l)) {
				return
			}
		case "error":
			var es Errors
			if json.Unmarshal(m.Payload, &es) != nil || len(es) == 0 {
				es = Errors{{Message: payloadMessage(m.Payload)}}
			}
			send(LogEntry{Err: es})
			return
		case "complete":
			return
		}
	}
}

func logEntry(l *DeploymentLog) LogEntry {
	e := LogEntry{ID: l.ID}
	if l.Message != nil {
		e.Message = *l.Message
	}
	if l.Component != nil {
		e.Component = *l.Component
	}
	if l.Timestamp != nil {
		e.Timestamp, _ = time.Parse(time.RFC3339Nano, *l.Timestamp)
	}
	return e
}

// wsOut is a message to Houston.
type wsOut struct {
	Type    string `json:"type"`
	ID      string `json:"id,omitempty"`
	Payload any    `json:"payload,omitempty"`
}

func writeWS(ctx context.Context, conn *websocket.Conn, m wsOut) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return conn.Write(ctx, websocket.MessageText, b)
}

func readWS(ctx context.Context, conn *websocket.Conn) (wsMessage, error) {
	var m wsMessage
	_, b, err := conn.Read(ctx)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("houston: websocket message is not JSON: %w", err)
	}
	return m, nil
}

// payloadMessage reads {"message": …} from a payload, or returns it whole.
func payloadMessage(p json.RawMessage) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(p, &m) == nil && m.Message != "" {
		return m.Message
	}
	if len(p) == 0 {
		return "connection refused"
	}
	return string(p)
}
