package houston_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston"
)

// TestQueryRetriedOnClosedConnection: Houston (or a proxy before it)
// closes a kept-alive connection just as the client reuses it. A query is
// sent again on a new connection and answers; a mutation is not repeated
// (it may have run) and fails.
func TestQueryRetriedOnClosedConnection(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	served := map[string]int{} // requests per connection
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served[r.RemoteAddr]++
		n := served[r.RemoteAddr]
		mu.Unlock()
		if n > 1 { // a reused connection: drop it without an answer
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				_ = conn.Close()
			}
			return
		}
		assert.Empty(t, r.Header.Values("Idempotency-Key"), "the empty key is not sent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"ok":true}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := houston.NewClient(srv.URL+"/v1", houston.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	require.NoError(t, err)
	var out struct{ OK bool }
	for i := range 3 {
		require.NoError(t, c.Do(t.Context(), &houston.Request{Query: "query { ok }"}, &out), "query %d", i)
		assert.True(t, out.OK)
	}
	err = c.Do(t.Context(), &houston.Request{Query: "mutation { ok }"}, &out)
	assert.Error(t, err, "a mutation on a dropped connection is not sent again")
}
