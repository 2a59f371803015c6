package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestProfiler: the profiler answers on its own handler (PPROF_ADDR) and
// the gateway's public port does not serve it.
func TestProfiler(t *testing.T) {
	t.Parallel()
	ps := httptest.NewServer(gateway.Profiler())
	t.Cleanup(ps.Close)
	resp, err := http.Get(ps.URL + "/debug/pprof/goroutine?debug=1")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), "goroutine profile")

	env := testenv.Start(t, testenv.Config{})
	resp, err = http.Get(env.GatewayURL[:len(env.GatewayURL)-len("graphql")] + "debug/pprof/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
