// Package metrics holds the gateway's Prometheus instruments, on a registry
// of their own (no global state), served at /metrics.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the gateway's instruments. A nil *Metrics records nothing, so
// code paths need no checks.
type Metrics struct {
	reg              *prometheus.Registry
	upstreamRequests *prometheus.CounterVec
	upstreamLatency  *prometheus.HistogramVec
	limiterWaits     *prometheus.HistogramVec
	limiterRejects   *prometheus.CounterVec
	cacheResults     *prometheus.CounterVec
	batchSizes       *prometheus.HistogramVec
	operations       *prometheus.HistogramVec
	ops              opsInstruments
	heavy            heavyInstruments
}

// New registers the instruments on a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		upstreamRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_upstream_requests_total", Help: "Upstream HTTP requests by backend, operation and status (\"error\" when no response).",
		}, []string{"backend", "operation", "status"}),
		upstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_upstream_request_duration_seconds", Help: "Upstream request latency.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"backend", "operation"}),
		limiterWaits: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_limiter_wait_seconds", Help: "Time requests waited for a rate-limit slot.",
			Buckets: []float64{0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5},
		}, []string{"backend", "class"}),
		limiterRejects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_limiter_rejections_total", Help: "Requests refused because no slot was free before their deadline.",
		}, []string{"backend", "class"}),
		cacheResults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gateway_cache_requests_total", Help: "Cacheable upstream reads by result: decoded_hit (served decoded, from the in-process tier), hit (bytes from the store), miss, coalesced (shared a concurrent call), bypass (Cache-Control: no-cache).",
		}, []string{"backend", "result"}),
		batchSizes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_dataloader_batch_size", Help: "Keys per dataloader batch.",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000},
		}, []string{"loader"}),
		operations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gateway_graphql_operation_duration_seconds", Help: "GraphQL operation duration by type and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"type", "outcome"}),
	}
	m.reg.MustRegister(m.upstreamRequests, m.upstreamLatency, m.limiterWaits, m.limiterRejects,
		m.cacheResults, m.batchSizes, m.operations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.ops = newOps(m.reg)
	m.heavy = newHeavy(m.reg)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Upstream records one upstream request.
func (m *Metrics) Upstream(backend, operation, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.upstreamRequests.WithLabelValues(backend, operation, status).Inc()
	m.upstreamLatency.WithLabelValues(backend, operation).Observe(d.Seconds())
}

// LimiterWait records a wait for a slot (zero when one was free).
func (m *Metrics) LimiterWait(backend, class string, d time.Duration) {
	if m == nil {
		return
	}
	m.limiterWaits.WithLabelValues(backend, class).Observe(d.Seconds())
}

// LimiterReject records a request refused for want of a slot.
func (m *Metrics) LimiterReject(backend, class string) {
	if m == nil {
		return
	}
	m.limiterRejects.WithLabelValues(backend, class).Inc()
}

// Cache records a cacheable read's result.
func (m *Metrics) Cache(backend, result string) {
	if m == nil {
		return
	}
	m.cacheResults.WithLabelValues(backend, result).Inc()
}

// Batch records a dataloader batch of n keys.
func (m *Metrics) Batch(loader string, n int) {
	if m == nil {
		return
	}
	m.batchSizes.WithLabelValues(loader).Observe(float64(n))
}

// Operation records a GraphQL operation.
func (m *Metrics) Operation(typ, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.operations.WithLabelValues(typ, outcome).Observe(d.Seconds())
}

// CacheSize reports a cache's entries and bytes at every scrape, through
// size (called then).
func (m *Metrics) CacheSize(tier string, size func() (entries int, bytes int64)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gateway_cache_entries", Help: "Entries held by a cache tier.",
			ConstLabels: prometheus.Labels{"tier": tier}}, func() float64 { n, _ := size(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gateway_cache_bytes", Help: "Bytes held by a cache tier (for the decoded tier: the size of the bodies its objects came from).",
			ConstLabels: prometheus.Labels{"tier": tier}}, func() float64 { _, b := size(); return float64(b) }),
	)
}
