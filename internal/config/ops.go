package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Ops is how the gateway runs as a process: logs, readiness probes,
// shutdown and the demo guard. It is read apart from [Config] because
// server.go needs it before the gateway is built (the logger) and after it
// stops (the grace period).
type Ops struct {
	// LogFormat is "json" (default) or "text". Env LOG_FORMAT.
	LogFormat string
	// LogLevel is debug, info (default), warn or error. Env LOG_LEVEL.
	LogLevel slog.Level
	// ShutdownGrace bounds a shutdown after SIGTERM: in-flight requests
	// finish within it, then what is left is closed. Env SHUTDOWN_GRACE.
	// Default 10s.
	ShutdownGrace time.Duration
	// ReadyCache is how long /readyz reuses its last probe of the
	// backends. Env READY_CACHE. Default 5s.
	ReadyCache time.Duration
	// ProbeTimeout bounds one readiness probe of a backend. Env
	// PROBE_TIMEOUT. Default 2s.
	ProbeTimeout time.Duration
	// DemoOptIn requires DEMO=1 for demo mode: with it set (the Docker
	// image sets it) and no backend configured the gateway refuses to
	// start instead of serving demo data. Env DEMO_REQUIRES_OPT_IN.
	DemoOptIn bool
	// Demo is DEMO=1: demo mode asked for explicitly.
	Demo bool
}

// DefaultOps returns the process settings with every default applied.
func DefaultOps() Ops {
	return Ops{LogFormat: "json", LogLevel: slog.LevelInfo, ShutdownGrace: 10 * time.Second,
		ReadyCache: 5 * time.Second, ProbeTimeout: 2 * time.Second}
}

// LoadOps reads the process settings from getenv; all problems are
// reported together.
func LoadOps(getenv func(string) string) (Ops, error) {
	o := DefaultOps()
	var errs []error
	switch f := strings.ToLower(strings.TrimSpace(getenv("LOG_FORMAT"))); f {
	case "":
	case "json", "text":
		o.LogFormat = f
	default:
		errs = append(errs, fmt.Errorf("LOG_FORMAT: %q is neither json nor text", f))
	}
	if v := strings.TrimSpace(getenv("LOG_LEVEL")); v != "" {
		if err := o.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not debug, info, warn or error", v))
		}
	}
	dur := func(name string, into *time.Duration, min time.Duration) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < min {
			errs = append(errs, fmt.Errorf("%s: %q is not a duration of at least %s", name, v, min))
			return
		}
		*into = d
	}
	dur("SHUTDOWN_GRACE", &o.ShutdownGrace, 0)
	dur("READY_CACHE", &o.ReadyCache, 0)
	dur("PROBE_TIMEOUT", &o.ProbeTimeout, 10*time.Millisecond)
	boolean := func(name string, into *bool) {
		switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
		case "":
		case "1", "true", "yes":
			*into = true
		case "0", "false", "no":
			*into = false
		default:
			errs = append(errs, fmt.Errorf("%s: %q is not a boolean", name, v))
		}
	}
	boolean("DEMO_REQUIRES_OPT_IN", &o.DemoOptIn)
	boolean("DEMO", &o.Demo)
	return o, errors.Join(errs...)
}

// CheckDemo refuses demo mode where it must be asked for (DemoOptIn) and
// was not: an image started with no environment must not serve demo data
// with demo tokens to everyone.
func (o Ops) CheckDemo(c Config) error {
	if c.Demo() && o.DemoOptIn && !o.Demo {
		return errors.New("no backend configured: set ASTRO_API_URL and/or HOUSTON_URL, or DEMO=1 to serve the embedded simulators with demo data")
	}
	return nil
}
