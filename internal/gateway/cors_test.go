package gateway_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestCORSHeaders: a browser app on an allowed origin may send the
// tracing and Apollo client-awareness headers by default, exactly the
// configured list with CORS_ALLOWED_HEADERS, and may read Retry-After.
func TestCORSHeaders(t *testing.T) {
	t.Parallel()
	const origin = "https://dash.example"
	preflight := func(t *testing.T, env *testenv.Env, headers string) http.Header {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, env.GatewayURL, nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", headers)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Less(t, resp.StatusCode, 300)
		return resp.Header
	}
	t.Run("defaults", func(t *testing.T) {
		testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.CORSAllowedOrigins = []string{origin} }}, func(t *testing.T, env *testenv.Env) {
			// As browsers send it: lower case, sorted.
			sent := "apollographql-client-name,apollographql-client-version,baggage,content-type,traceparent,tracestate,x-astro-token,x-request-id"
			h := preflight(t, env, sent)
			assert.Equal(t, origin, h.Get("Access-Control-Allow-Origin"))
			allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
			for _, name := range strings.Split(sent, ",") {
				assert.Contains(t, allowed, name)
			}
			h = preflight(t, env, "x-secret-header")
			assert.Empty(t, h.Get("Access-Control-Allow-Origin"), "a header off the list fails the preflight")

			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.GatewayURL, strings.NewReader(`{"query":"{ __typename }"}`))
			require.NoError(t, err)
			req.Header.Set("Origin", origin)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, "Retry-After", resp.Header.Get("Access-Control-Expose-Headers"))
		})
	})
	t.Run("CORS_ALLOWED_HEADERS", func(t *testing.T) {
		configure := func(c *config.Config) {
			c.CORSAllowedOrigins = []string{origin}
			c.CORSAllowedHeaders = []string{"Content-Type", "X-Astro-Token", "X-Tenant"}
		}
		testenv.Run(t, testenv.Config{Configure: configure}, func(t *testing.T, env *testenv.Env) {
			h := preflight(t, env, "content-type,x-tenant")
			assert.Equal(t, origin, h.Get("Access-Control-Allow-Origin"))
			h = preflight(t, env, "traceparent")
			assert.Empty(t, h.Get("Access-Control-Allow-Origin"), "the list replaces the default")
		})
	})
}
