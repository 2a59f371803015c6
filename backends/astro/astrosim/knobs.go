package astrosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Config is the run-time configuration of a Sim: what GET /_sim/config
// returns and POST /_sim/config changes.
type Config struct {
	// Latency is "0", a fixed delay such as "50ms" or a range such as
	// "20ms-80ms" (see [ParseLatency]).
	Latency string `json:"latency"`
	// FailRate is the share of API requests answered with a 500, in [0, 1]
	// (see [WithFaults]).
	FailRate float64 `json:"failRate"`
	// RateLimit says whether the per-token rate limiter is on.
	RateLimit bool `json:"rateLimit"`
}

// ConfigUpdate changes some fields of the Config; nil fields keep their
// value. It is the body of POST /_sim/config, for example
// {"latency": "20ms-80ms", "failRate": 0.1, "rateLimit": true}.
type ConfigUpdate struct {
	Latency   *string  `json:"latency,omitempty"`
	FailRate  *float64 `json:"failRate,omitempty"`
	RateLimit *bool    `json:"rateLimit,omitempty"`
}

// Config returns the current run-time configuration.
func (s *Sim) Config() Config {
	s.knobMu.Lock()
	c := Config{Latency: formatLatency(s.latencyMin, s.latencyMax), FailRate: s.failRate}
	s.knobMu.Unlock()
	s.traffic.mu.Lock()
	c.RateLimit = s.traffic.limit
	s.traffic.mu.Unlock()
	return c
}

// Configure applies u to a running Sim, so that a test can inject latency or
// faults between two requests, and returns the new configuration. Nothing
// changes when u is invalid.
func (s *Sim) Configure(u ConfigUpdate) (Config, error) {
	var lo, hi time.Duration
	if u.Latency != nil {
		var err error
		if lo, hi, err = ParseLatency(*u.Latency); err != nil {
			return s.Config(), err
		}
	}
	if u.FailRate != nil && (*u.FailRate < 0 || *u.FailRate > 1) {
		return s.Config(), fmt.Errorf("astrosim: failRate %v: want 0 <= failRate <= 1", *u.FailRate)
	}
	s.knobMu.Lock()
	if u.Latency != nil {
		s.latencyMin, s.latencyMax = lo, hi
	}
	if u.FailRate != nil {
		s.failRate = *u.FailRate
	}
	s.knobMu.Unlock()
	if u.RateLimit != nil {
		s.traffic.mu.Lock()
		s.traffic.limit = *u.RateLimit
		s.traffic.mu.Unlock()
	}
	return s.Config(), nil
}

func formatLatency(lo, hi time.Duration) string {
	switch {
	case hi <= 0:
		return "0"
	case lo == hi:
		return lo.String()
	default:
		return lo.String() + "-" + hi.String()
	}
}

func (s *Sim) serveConfig(w http.ResponseWriter, _ *http.Request) {
	writeSide(w, http.StatusOK, s.Config())
}

func (s *Sim) serveConfigure(w http.ResponseWriter, r *http.Request) {
	var u ConfigUpdate
	data, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(&u)
	}
	var cfg Config
	if err == nil {
		cfg, err = s.Configure(u)
	}
	if err != nil {
		writeSide(w, http.StatusBadRequest, map[string]string{"message": "Invalid side-door config: " + err.Error()})
		return
	}
	writeSide(w, http.StatusOK, cfg)
}

// fault is the outcome of a fault draw.
type fault int

const (
	noFault     fault = iota
	faultBefore       // refuse before acting
	faultAfter        // act, then answer 500
)

// drawFault decides whether a request fails. Reads always fail before they
// are served; writes fail before or after acting with even odds.
func (s *Sim) drawFault(method string) fault {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	if s.failRate <= 0 || s.rng.Float64() >= s.failRate {
		return noFault
	}
	if methodClass(method) == classGet || s.rng.IntN(2) == 0 {
		return faultBefore
	}
	return faultAfter
}

func internalFault() *apiError {
	return errorf(http.StatusInternalServerError, "Internal server error: injected fault (astrosim failRate)")
}

// discard is a ResponseWriter that drops the answer of a request whose
// answer a fault replaces.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
