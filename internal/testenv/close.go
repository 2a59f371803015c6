package testenv

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/coder/websocket"
)

// Drain reads the socket until the server closes it, and returns the
// messages read (keep-alives left out, "data" read as "next") and the
// close code (-1 when the connection ended without a close frame, as a
// dropped connection does: the 1006 of browsers).
func (s *Socket) Drain(ctx context.Context) ([]Message, websocket.StatusCode) {
	var msgs []Message
	for {
		_, b, err := s.conn.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return msgs, ce.Code
			}
			return msgs, -1
		}
		var m Message
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "ka", "pong", "ping":
			continue
		case "data":
			m.Type = "next"
		}
		msgs = append(msgs, m)
	}
}
