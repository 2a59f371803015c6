package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// heavyInstruments watch the gate of heavy operations (HEAVY_COST,
// MAX_CONCURRENT_HEAVY): how many run, how many wait, how long they
// waited.
type heavyInstruments struct {
	inFlight prometheus.Gauge
	waiting  prometheus.Gauge
	wait     *prometheus.HistogramVec
}

func newHeavy(reg *prometheus.Registry) heavyInstruments {
	h := heavyInstruments{
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gateway_heavy_operations_in_flight", Help: "Heavy operations (cost at least HEAVY_COST) holding a slot: at most MAX_CONCURRENT_HEAVY.",
		}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gateway_heavy_operations_waiting", Help: "Heavy operations waiting for a slot, in arrival order.",
		}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_heavy_operation_wait_seconds", Help: "How long heavy operations waited for a slot, by outcome: granted, or overloaded (the deadline passed or the client left first).",
			Buckets: []float64{0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"outcome"}),
	}
	// Both outcomes are always present, so dashboards see 0, not nothing.
	h.wait.WithLabelValues("granted")
	h.wait.WithLabelValues("overloaded")
	reg.MustRegister(h.inFlight, h.waiting, h.wait)
	return h
}

// HeavyWaiting adds delta to the heavy operations waiting for a slot.
func (m *Metrics) HeavyWaiting(delta int) {
	if m == nil {
		return
	}
	m.heavy.waiting.Add(float64(delta))
}

// HeavyInFlight adds delta to the heavy operations holding a slot.
func (m *Metrics) HeavyInFlight(delta int) {
	if m == nil {
		return
	}
	m.heavy.inFlight.Add(float64(delta))
}

// HeavyWait records how long a heavy operation waited for a slot, and
// whether it got one ("granted") or was answered OVERLOADED
// ("overloaded").
func (m *Metrics) HeavyWait(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.heavy.wait.WithLabelValues(outcome).Observe(d.Seconds())
}
