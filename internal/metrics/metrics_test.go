package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
)

// TestAstroOperationLabels: the upstream series of Astro are labelled by
// the operation table's IDs, so there are at most 75 of them whatever ids
// callers send.
func TestAstroOperationLabels(t *testing.T) {
	t.Parallel()
	m := New()
	for _, op := range astro.Operations() {
		m.Upstream("astro", op.ID, "200", time.Millisecond)
		m.Upstream("astro", op.ID, "200", time.Millisecond)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	series := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "gateway_upstream_requests_total{") {
			series++
			assert.Contains(t, line, "} 2")
		}
	}
	assert.Equal(t, len(astro.Operations()), series)
	assert.Contains(t, string(b), `operation="ListDeployments"`)
}
