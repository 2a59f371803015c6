package astrosim

import (
	"encoding/json"
	"net/http"
)

// Stats is a snapshot of the traffic the simulator has served since it
// started or since the last [Sim.Reset]; GET /_sim/stats returns the same
// data as JSON.
type Stats struct {
	// Requests counts every API request served, whatever its status; the
	// side door is not counted.
	Requests int `json:"requests"`
	// Throttled counts the 429 answers.
	Throttled int `json:"throttled"`
	// ByRoute counts requests per served route, keyed by its pattern, e.g.
	// "GET /v1/organizations/{organizationId}/deployments".
	ByRoute map[string]int `json:"byRoute"`
	// PeakPerSecond holds, per token label and method class ("GET", "POST",
	// "DELETE"), the most requests seen in any sliding one-second window,
	// throttled ones included. It is the window the limiter enforces, so a
	// client that respects the limits never shows more than 25, 10 and 5.
	PeakPerSecond map[string]map[string]int `json:"peakPerSecond"`
}

// Stats returns a snapshot of the traffic counters, the same data as
// GET /_sim/stats.
func (s *Sim) Stats() Stats {
	t := &s.traffic
	t.mu.Lock()
	defer t.mu.Unlock()
	st := Stats{
		Requests:      t.requests,
		Throttled:     t.throttled,
		ByRoute:       make(map[string]int, len(t.byRoute)),
		PeakPerSecond: map[string]map[string]int{},
	}
	for k, v := range t.byRoute {
		st.ByRoute[k] = v
	}
	for k, w := range t.windows {
		m := st.PeakPerSecond[w.label]
		if m == nil {
			m = map[string]int{}
			st.PeakPerSecond[w.label] = m
		}
		m[k.class] = w.peak
	}
	return st
}

// Reset zeroes the counters and forgets the rate-limit windows, so the next
// request of every token starts with a full budget. The data stays. It is
// the same as POST /_sim/reset.
func (s *Sim) Reset() {
	t := &s.traffic
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests, t.throttled = 0, 0
	t.byRoute = map[string]int{}
	t.windows = map[windowKey]*window{}
}

// Tokens returns the tokens the simulator accepts now, the same list as
// GET /_sim/tokens: the dataset's tokens first, in a fixed order, then
// those created through the API. A rotated token keeps its place with its
// new secret; a deleted one is gone. The slice is a copy.
func (s *Sim) Tokens() []Token {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Token, len(s.tokenList))
	for i, p := range s.tokenList {
		t := p.Token
		t.Scope = append([]string(nil), t.Scope...)
		out[i] = t
	}
	return out
}

func (s *Sim) serveStats(w http.ResponseWriter, _ *http.Request) {
	writeSide(w, http.StatusOK, s.Stats())
}

func (s *Sim) serveReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	writeSide(w, http.StatusOK, s.Stats())
}

func (s *Sim) serveTokens(w http.ResponseWriter, _ *http.Request) {
	writeSide(w, http.StatusOK, s.Tokens())
}

// writeSide writes a side-door answer; these values always encode.
func writeSide(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeJSON(w, status, b)
}

// TokenOfKind returns the first token of a kind (ORGANIZATION, WORKSPACE,
// DEPLOYMENT or PERSONAL), and whether there is one.
func (s *Sim) TokenOfKind(kind string) (Token, bool) {
	for _, t := range s.Tokens() {
		if t.Kind == kind {
			return t, true
		}
	}
	return Token{}, false
}
