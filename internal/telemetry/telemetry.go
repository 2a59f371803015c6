// Package telemetry carries what the gateway tells its operators about one
// request — its request id, the upstream calls it made, its trace — from
// the HTTP handler down to the upstream transport, and sets up
// OpenTelemetry from the standard OTEL_* environment variables.
//
// Tracing is off unless an exporter is configured: then [Tracing] is the
// zero value, every method is a no-op, and nothing is extracted, injected
// or allocated on the hot path.
package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync/atomic"
	"time"
)

type (
	requestIDKey struct{}
	statsKey     struct{}
)

// RequestIDHeader is the header a request id travels in, from the caller
// and to the upstreams.
const RequestIDHeader = "X-Request-Id"

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns ctx's request id, "" if none.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// AcceptRequestID returns a caller's request id if it is one a log can
// hold as is (1 to 128 characters of letters, digits and -_.:/), and a new
// one otherwise.
func AcceptRequestID(id string) string {
	if len(id) > 0 && len(id) <= 128 {
		ok := true
		for i := 0; i < len(id) && ok; i++ {
			c := id[i]
			ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':' || c == '/'
		}
		if ok {
			return id
		}
	}
	return NewRequestID()
}

// NewRequestID returns 16 random bytes in hex.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Stats counts what one request made the gateway do upstream, and how
// long it waited for a heavy slot.
type Stats struct {
	upstream  atomic.Int64
	heavyWait atomic.Int64 // nanoseconds + 1; 0: the operation was not gated
}

// WithStats returns ctx carrying a new Stats, and the Stats.
func WithStats(ctx context.Context) (context.Context, *Stats) {
	s := &Stats{}
	return context.WithValue(ctx, statsKey{}, s), s
}

// StatsFrom returns ctx's Stats, nil if none.
func StatsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// AddUpstream counts one upstream attempt; a nil Stats counts nothing.
func (s *Stats) AddUpstream() {
	if s != nil {
		s.upstream.Add(1)
	}
}

// Upstream is the number of upstream attempts counted.
func (s *Stats) Upstream() int64 {
	if s == nil {
		return 0
	}
	return s.upstream.Load()
}

// SetHeavyWait records how long the operation waited for a heavy slot; a
// nil Stats records nothing.
func (s *Stats) SetHeavyWait(d time.Duration) {
	if s != nil {
		s.heavyWait.Store(int64(max(d, 0)) + 1)
	}
}

// HeavyWait is how long the operation waited for a heavy slot, and whether
// it was heavy at all.
func (s *Stats) HeavyWait() (time.Duration, bool) {
	if s == nil {
		return 0, false
	}
	n := s.heavyWait.Load()
	return time.Duration(n - 1), n > 0
}
