package houstonsim

import (
	"maps"
	"sync"
	"time"
)

// Stats counts what the simulator served since it started or was last
// [Sim.Reset]. GET /_sim/stats serves the same data as JSON.
type Stats struct {
	// Requests is the number of API requests (POST and GET /v1); the side
	// door is not counted.
	Requests int `json:"requests"`
	// Throttled is always 0: Houston has no rate limit. It is here so that
	// both simulators answer with the same shape.
	Throttled int `json:"throttled"`
	// ByRoute counts executed root fields by field name (not alias): a
	// document with three aliased deployment fields adds 3 to "deployment".
	// Introspection fields (__schema, __type) are not counted.
	ByRoute map[string]int `json:"byRoute"`
	// PeakPerSecond is, per token label and HTTP method, the most requests
	// seen in any sliding one-second window. Requests without a token count
	// under "anonymous", those with an unknown token under "invalid".
	PeakPerSecond map[string]map[string]int `json:"peakPerSecond"`
}

// recorder keeps the counters behind Stats and the selections behind
// Sim.Selections. It is safe for concurrent use.
type recorder struct {
	now func() time.Time

	mu         sync.Mutex
	requests   int
	byRoute    map[string]int
	windows    map[string]map[string]*window // label → method → window
	selections []string
}

// window holds the request times of the last second, oldest first, and the
// largest number it ever held.
type window struct {
	times []time.Time
	peak  int
}

func newRecorder(now func() time.Time) *recorder {
	r := &recorder{now: now}
	r.reset()
	return r
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = 0
	r.byRoute = map[string]int{}
	r.windows = map[string]map[string]*window{}
	r.selections = nil
}

// request records one API request by the caller with that label.
func (r *recorder) request(label, method string) {
	t := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	byMethod := r.windows[label]
	if byMethod == nil {
		byMethod = map[string]*window{}
		r.windows[label] = byMethod
	}
	w := byMethod[method]
	if w == nil {
		w = &window{}
		byMethod[method] = w
	}
	drop := 0
	for drop < len(w.times) && t.Sub(w.times[drop]) >= time.Second {
		drop++
	}
	w.times = append(w.times[drop:], t)
	w.peak = max(w.peak, len(w.times))
}

// operation records the root fields of one executed operation and their
// rendered selections.
func (r *recorder) operation(fields, selections []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range fields {
		r.byRoute[f]++
	}
	r.selections = append(r.selections, selections...)
}

func (r *recorder) stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	peaks := make(map[string]map[string]int, len(r.windows))
	for label, byMethod := range r.windows {
		m := make(map[string]int, len(byMethod))
		for method, w := range byMethod {
			m[method] = w.peak
		}
		peaks[label] = m
	}
	return Stats{Requests: r.requests, ByRoute: maps.Clone(r.byRoute), PeakPerSecond: peaks}
}

func (r *recorder) selectionList() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.selections...)
}
