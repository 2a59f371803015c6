package graph

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/graph/loader"
)

// TestStreamErrorsEndTheStream: a subscription whose upstream fails after
// it started ends with one last response carrying the presented error,
// then completes.
func TestStreamErrorsEndTheStream(t *testing.T) {
	t.Parallel()
	base := time.Now().UTC().Truncate(time.Millisecond)
	fake := &fakeLogs{script: []func() ([]astroLogEntry, error){
		logPage(entry(base.Add(-time.Second), "worker", "the only line")),
		failure(&astro.Error{StatusCode: 404, Message: "gone"}),
	}}
	ticks := make(chan time.Time, 1)
	ticks <- base
	r := &Resolver{
		astroLogFetcher: func(*astro.Client) astroLogFetcher { return fake },
		astroTicks:      func() (<-chan time.Time, func()) { return ticks, func() {} },
	}
	srv := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r}))
	srv.AddTransport(transport.SSE{})
	srv.Use(StreamErrors{})
	srv.SetErrorPresenter(ErrorPresenter)
	c, err := astro.NewClient("http://127.0.0.1:1/v1")
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := loader.New(loader.Config{Astro: c}, loader.Credentials{AstroToken: "tok"})
		srv.ServeHTTP(w, r.WithContext(loader.WithLoaders(r.Context(), l)))
	}))
	t.Cleanup(ts.Close)

	body, err := json.Marshal(map[string]any{"query": `subscription($id: ID!) { logs: deploymentLogs(deploymentId: $id) { message } }`,
		"variables": map[string]any{"id": encodeID(typeAstroDeployment, "org", "dep")}})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL, strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	var events []string
	for _, block := range strings.Split(string(raw), "\n\n") {
		if strings.HasPrefix(block, "event:") {
			events = append(events, block)
		}
	}
	require.Len(t, events, 3, "a line, the error, complete: %s", raw)
	assert.Contains(t, events[0], `{"data":{"logs":{"message":"the only line"}}}`)
	assert.Contains(t, events[1], `"path":["logs"]`)
	assert.Contains(t, events[1], `"code":"NOT_FOUND"`)
	assert.Contains(t, events[1], `"backend":"astro"`)
	assert.Equal(t, "event: complete", strings.TrimSpace(events[2]))
}
