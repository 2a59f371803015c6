package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// every records one sample on every instrument, so that each family is
// gathered (a vector without children is not).
func every() *Metrics {
	m := New()
	m.Upstream("astro", "ListDeployments", "200", time.Millisecond)
	m.LimiterWait("astro", "GET", 0)
	m.LimiterReject("astro", "GET")
	m.Cache("astro", "hit")
	m.Batch("AstroDeployment", 3)
	m.Operation("query", "ok", time.Millisecond)
	m.CacheSize("response", func() (int, int64) { return 1, 10 })
	m.BuildInfo("test")
	m.Stream("websocket", 1)
	m.Subscription(1)
	m.Response("/graphql", 200)
	m.Cost("query", 100)
	m.HeavyWaiting(1)
	m.HeavyInFlight(1)
	m.HeavyWait("granted", time.Millisecond)
	return m
}

func gatewayMetrics(t *testing.T) []string {
	t.Helper()
	fams, err := every().reg.Gather()
	require.NoError(t, err)
	var names []string
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "gateway_") {
			names = append(names, f.GetName())
		}
	}
	return names
}

var metricName = regexp.MustCompile(`\bgateway_[a-z_]+`)

// base strips a histogram's series suffix.
func base(name string, known []string) string {
	for _, suffix := range []string{"_bucket", "_count", "_sum"} {
		if b, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(known, b) {
			return b
		}
	}
	return name
}

// TestMetricsTable: docs/metrics.md's table names every gateway metric
// registered, and nothing else.
func TestMetricsTable(t *testing.T) {
	known := gatewayMetrics(t)
	doc, err := os.ReadFile("../../docs/metrics.md")
	require.NoError(t, err)
	var table []string
	for _, line := range strings.Split(string(doc), "\n") {
		if m := regexp.MustCompile("^\\| `(gateway_[a-z_]+)`").FindStringSubmatch(line); m != nil {
			table = append(table, m[1])
		}
	}
	assert.ElementsMatch(t, known, table)
}

// TestGrafanaDashboard: the dashboard is valid JSON whose every query
// names metrics the gateway registers.
func TestGrafanaDashboard(t *testing.T) {
	known := gatewayMetrics(t)
	raw, err := os.ReadFile("../../docs/grafana-dashboard.json")
	require.NoError(t, err)
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	require.NoError(t, json.Unmarshal(raw, &dash))
	require.NotEmpty(t, dash.Panels)
	used := map[string]bool{}
	for _, p := range dash.Panels {
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			names := metricName.FindAllString(tg.Expr, -1)
			require.NotEmpty(t, names, "%s: %s", p.Title, tg.Expr)
			for _, n := range names {
				b := base(n, known)
				assert.Contains(t, known, b, "%s: %s", p.Title, tg.Expr)
				used[b] = true
			}
		}
	}
	for _, n := range []string{"gateway_build_info", "gateway_active_streams", "gateway_active_subscriptions",
		"gateway_http_responses_total", "gateway_graphql_operation_cost"} {
		assert.True(t, used[n], "the dashboard charts %s", n)
	}
}
