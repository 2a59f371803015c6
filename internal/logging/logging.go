// Package logging builds the gateway's one logger: structured (JSON or
// text), leveled, and unable to print an attribute whose key names a
// secret. The standard library's log package and http.Server's error log
// are routed through it, so nothing prints around it.
//
//	log := logging.New(os.Stderr, "json", slog.LevelInfo)
//	slog.SetDefault(log) // the log package now writes through log
package logging

import (
	"io"
	"log"
	"log/slog"
	"strings"
)

// New returns a logger writing format ("json" or "text") to w at level
// and above.
func New(w io.Writer, format string, level slog.Leveler) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redact}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// secretKeys are the attribute keys whose values are never printed, in
// case a future log call passes one: the gateway's own calls never do.
var secretKeys = []string{"token", "authorization", "password", "secret", "cookie", "gateway-key", "gateway_key"}

func redact(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, "[redacted]")
		}
	}
	return a
}

// ServerErrors returns a *log.Logger for http.Server.ErrorLog that writes
// each line (a TLS handshake error, a superfluous WriteHeader) to l at
// warn.
func ServerErrors(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelWarn)
}
