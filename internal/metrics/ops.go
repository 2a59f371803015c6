package metrics

import (
	"runtime"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// opsInstruments are what an operator watches across a roll: the build
// running, the streams a replica holds, what it answers, what it is asked.
type opsInstruments struct {
	buildInfo     *prometheus.GaugeVec
	streams       *prometheus.GaugeVec
	subscriptions prometheus.Gauge
	responses     *prometheus.CounterVec
	cost          *prometheus.HistogramVec
}

func newOps(reg *prometheus.Registry) opsInstruments {
	o := opsInstruments{
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gateway_build_info", Help: "Always 1; the labels say which build runs.",
		}, []string{"version", "goversion"}),
		streams: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gateway_active_streams", Help: "Open streams by transport: websocket connections and SSE requests.",
		}, []string{"transport"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gateway_active_subscriptions", Help: "Subscriptions running, over any transport.",
		}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_http_responses_total", Help: "HTTP responses by path and status class (2xx, 3xx, 4xx, 5xx; websocket upgrades are 1xx).",
		}, []string{"path", "class"}),
		cost: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_graphql_operation_cost", Help: "Estimated cost of each operation that was metered (see README: What a query costs).",
			Buckets: []float64{1, 10, 100, 300, 1000, 3000, 10000, 30000, 100000},
		}, []string{"type"}),
	}
	// Both transports are always present, so dashboards see 0, not nothing.
	o.streams.WithLabelValues("websocket")
	o.streams.WithLabelValues("sse")
	reg.MustRegister(o.buildInfo, o.streams, o.subscriptions, o.responses, o.cost)
	return o
}

// BuildInfo records the running build's version.
func (m *Metrics) BuildInfo(version string) {
	if m == nil {
		return
	}
	if version == "" {
		version = "dev"
	}
	m.ops.buildInfo.WithLabelValues(version, runtime.Version()).Set(1)
}

// Stream adds delta to the open streams of transport ("websocket", "sse").
func (m *Metrics) Stream(transport string, delta int) {
	if m == nil {
		return
	}
	m.ops.streams.WithLabelValues(transport).Add(float64(delta))
}

// Subscription adds delta to the running subscriptions.
func (m *Metrics) Subscription(delta int) {
	if m == nil {
		return
	}
	m.ops.subscriptions.Add(float64(delta))
}

// Response records an HTTP response's status on one of the gateway's
// paths (a fixed set: the caller never names a label value).
func (m *Metrics) Response(path string, status int) {
	if m == nil {
		return
	}
	class := "other"
	if status >= 100 && status < 600 {
		class = strconv.Itoa(status/100) + "xx"
	}
	m.ops.responses.WithLabelValues(path, class).Inc()
}

// Cost records an operation's estimated cost.
func (m *Metrics) Cost(typ string, cost float64) {
	if m == nil {
		return
	}
	m.ops.cost.WithLabelValues(typ).Observe(cost)
}
