package e2e

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// otlpReceiver is a small OTLP/HTTP (protobuf) trace receiver.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "OTLP/HTTP protobuf traces only", http.StatusNotFound)
		return
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			o.spans = append(o.spans, ss.Spans...)
		}
	}
	o.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// trace returns the spans of trace id (hex).
func (o *otlpReceiver) trace(id string) []*tracepb.Span {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*tracepb.Span
	for _, s := range o.spans {
		if hex.EncodeToString(s.TraceId) == id {
			out = append(out, s)
		}
	}
	return out
}

// traceOf returns the trace id of the operation span named name.
func (o *otlpReceiver) traceOf(name string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.spans {
		if s.Name == name {
			return hex.EncodeToString(s.TraceId)
		}
	}
	return ""
}

// recorder records the traceparent headers an upstream receives.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if tp := req.Header.Get("traceparent"); tp != "" {
		r.mu.Lock()
		r.seen = append(r.seen, tp)
		r.mu.Unlock()
	}
	r.next.ServeHTTP(w, req)
}

// parents returns the parent span ids (hex) of the traceparents seen in
// trace id.
func (r *recorder) parents(id string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, tp := range r.seen {
		p := strings.Split(tp, "-")
		if len(p) == 4 && p[1] == id {
			out = append(out, p[2])
		}
	}
	return out
}

func attr(s *tracepb.Span, key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			if v := a.Value.GetStringValue(); v != "" {
				return v
			}
			return a.Value.String()
		}
	}
	return ""
}

// TestTracesReachCollector runs the built gateway over both simulators
// (real HTTP) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an in-test
// OTLP/HTTP receiver. A query with a caller's traceparent continues that
// trace: its operation span is the caller's span's child, and the trace
// holds the upstream attempts whose traceparent each simulator received.
// A query without one starts its own trace: one trace per operation.
func TestTracesReachCollector(t *testing.T) {
	t.Parallel()
	bin := binaries(t)
	as := astrosim.New(astrosim.WithDataset("small"))
	hs := houstonsim.New(houstonsim.WithDataset("small"))
	astroRec, houstonRec := &recorder{next: as}, &recorder{next: hs}
	astroSrv, houstonSrv := httptest.NewServer(astroRec), httptest.NewServer(houstonRec)
	t.Cleanup(astroSrv.Close)
	t.Cleanup(houstonSrv.Close)
	rec := &otlpReceiver{}
	collector := httptest.NewServer(rec)
	t.Cleanup(collector.Close)

	gw := start(t, filepath.Join(bin, "gateway"), []string{
		"ASTRO_API_URL=" + astroSrv.URL + "/v1", "HOUSTON_URL=" + houstonSrv.URL + "/v1", "PORT=",
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.URL, "OTEL_BSP_SCHEDULE_DELAY=50", "OTEL_SERVICE_NAME=gateway-under-test",
	}, "-listen", "127.0.0.1:0")
	_, base := gw.await(t, playground)
	url := base + "graphql"
	at, _ := as.TokenOfKind("PERSONAL")
	ht, _ := hs.TokenOfKind("SYSTEM_ADMIN")
	headers := map[string]string{"X-Astro-Token": at.Token, "X-Houston-Token": ht.Token}

	// A caller's trace continues.
	const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	h := map[string]string{"traceparent": "00-" + callerTrace + "-" + callerSpan + "-01"}
	for k, v := range headers {
		h[k] = v
	}
	r := testenv.Post(t, url, `query Dash { deployments(first: 5) { totalCount nodes { id name ... on AstroDeployment { workspace { name } } } } }`, nil, h)
	require.Empty(t, r.Errors)

	var spans []*tracepb.Span
	require.Eventually(t, func() bool {
		spans = rec.trace(callerTrace)
		return len(spans) >= 4
	}, 10*time.Second, 20*time.Millisecond, "spans of the caller's trace reach the collector")
	<-time.After(200 * time.Millisecond) // the rest of the batch
	spans = rec.trace(callerTrace)

	byID := map[string]*tracepb.Span{}
	var op *tracepb.Span
	upstream := map[string]int{}
	for _, s := range spans {
		byID[hex.EncodeToString(s.SpanId)] = s
		if s.Name == "query Dash" {
			op = s
		}
	}
	require.NotNil(t, op, "an operation span, named by type and name")
	assert.Equal(t, callerSpan, hex.EncodeToString(op.ParentSpanId), "the operation span is the caller's span's child")
	assert.Equal(t, tracepb.Span_SPAN_KIND_SERVER, op.Kind)
	assert.Equal(t, "query", attr(op, "graphql.operation.type"))
	for _, s := range spans {
		if b := attr(s, "gateway.backend"); b != "" && s.Kind == tracepb.Span_SPAN_KIND_CLIENT {
			upstream[b]++
			assert.NotEmpty(t, attr(s, "http.route"), s.Name)
			assert.NotEmpty(t, attr(s, "http.request.method"), s.Name)
		}
	}
	// Resolver spans only where a resolver went to a backend: the list
	// did; each deployment's workspace came with the list (no call).
	names := map[string]int{}
	for _, s := range spans {
		names[s.Name]++
	}
	assert.Positive(t, names["Query.deployments"], "the list's resolver is a span: it called the backends")
	assert.Zero(t, names["AstroDeployment.workspace"], "a field answered from memory is no span")
	for _, s := range spans {
		if s.Kind == tracepb.Span_SPAN_KIND_CLIENT && attr(s, "gateway.backend") != "" {
			p := byID[hex.EncodeToString(s.ParentSpanId)]
			require.NotNil(t, p, "%s has its parent in the trace", s.Name)
			assert.NotEqual(t, "query Dash", p.Name, "%s hangs under the resolver or batch that made it", s.Name)
		}
	}
	assert.Positive(t, upstream["astro"], "Astro requests are spans of the operation's trace")
	assert.Positive(t, upstream["houston"], "Houston requests are spans of the operation's trace")

	// A lookup by ids goes through a dataloader: its batch is a span, with
	// its size.
	var dash struct {
		Deployments struct{ Nodes []struct{ ID string } }
	}
	r.Decode(t, &dash)
	var ids []string
	for _, n := range dash.Deployments.Nodes {
		ids = append(ids, n.ID)
	}
	r = testenv.Post(t, url, `query Batch($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}, headers)
	require.Empty(t, r.Errors)
	var batch *tracepb.Span
	require.Eventually(t, func() bool {
		for _, s := range rec.trace(rec.traceOf("query Batch")) {
			if strings.HasPrefix(s.Name, "dataloader ") {
				batch = s
			}
		}
		return batch != nil
	}, 10*time.Second, 20*time.Millisecond, "a dataloader batch is a span of the operation's trace")
	var size int64
	for _, a := range batch.Attributes {
		if a.Key == "gateway.batch.size" {
			size = a.Value.GetIntValue()
		}
	}
	assert.Positive(t, size, "the batch span says its size")

	// Every upstream received the trace context, naming a span of this
	// trace as its parent.
	for name, rc := range map[string]*recorder{"astrosim": astroRec, "houstonsim": houstonRec} {
		parents := rc.parents(callerTrace)
		require.NotEmpty(t, parents, "%s received traceparent of the caller's trace", name)
		for _, p := range parents {
			assert.Contains(t, byID, p, "%s's traceparent names an exported span", name)
		}
	}

	// Without a caller's trace: each operation its own trace, holding its
	// upstream requests.
	for _, name := range []string{"One", "Two"} {
		r := testenv.Post(t, url, `query `+name+` { deployments(first: 2) { totalCount } }`, nil, headers)
		require.Empty(t, r.Errors)
	}
	var one, two string
	require.Eventually(t, func() bool {
		one, two = rec.traceOf("query One"), rec.traceOf("query Two")
		return one != "" && two != ""
	}, 10*time.Second, 20*time.Millisecond)
	assert.NotEqual(t, one, two, "one trace per operation")
	assert.NotEqual(t, callerTrace, one)
	require.Eventually(t, func() bool { return len(rec.trace(one)) >= 3 }, 5*time.Second, 20*time.Millisecond)
	assert.NotEmpty(t, astroRec.parents(one), "the simulator received the new trace's context")
}
