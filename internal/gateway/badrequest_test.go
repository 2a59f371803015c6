package gateway_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestMalformedRequests: requests the transports refuse before any
// operation exists still get an error with extensions.code, and never a
// panic or a 500.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, tc := range []struct {
			name, method, ctype, body, query string
		}{
			{"not json", http.MethodPost, "application/json", "not json", ""},
			{"too large", http.MethodPost, "application/json", `{"query":"` + strings.Repeat("a", 2<<20) + `"}`, ""},
			{"wrong content type", http.MethodPost, "text/plain", `{"query":"{ __typename }"}`, ""},
			{"unsupported method", http.MethodPatch, "application/json", `{"query":"{ __typename }"}`, ""},
			{"mutation over GET", http.MethodGet, "", "", "?query=" + "mutation%7BdeleteSoftwareDeployment(input%3A%7BdeploymentId%3A%22x%22%7D)%7B__typename%7D%7D"},
			{"GET with bad variables", http.MethodGet, "", "", "?query=%7B__typename%7D&variables=%7Bnope"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, err := http.NewRequestWithContext(t.Context(), tc.method, env.GatewayURL+tc.query, strings.NewReader(tc.body))
				require.NoError(t, err)
				if tc.ctype != "" {
					req.Header.Set("Content-Type", tc.ctype)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				raw, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Less(t, resp.StatusCode, 500, "body: %s", raw)
				var out struct {
					Errors []struct {
						Message    string         `json:"message"`
						Extensions map[string]any `json:"extensions"`
					} `json:"errors"`
				}
				require.NoError(t, json.Unmarshal(raw, &out), "body: %s", raw)
				require.NotEmpty(t, out.Errors)
				for _, e := range out.Errors {
					assert.NotEmpty(t, e.Extensions["code"], "error without a code: %s", e.Message)
					assert.NotEqual(t, "INTERNAL", e.Extensions["code"], e.Message)
				}
			})
		}
	})
}

// TestCORSDefaultsToSameOrigin: with no CORS_ALLOWED_ORIGINS, another
// origin gets no Access-Control-Allow-Origin.
func TestCORSDefaultsToSameOrigin(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, env.GatewayURL, nil)
		require.NoError(t, err)
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	})
}

// TestSlowSSEBodyIsCut: a request that says it wants a stream but sends its
// body slowly is still bound by the server's read timeout.
func TestSlowSSEBodyIsCut(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	testenv.Run(t, testenv.Config{ConfigureServer: func(s *http.Server) { s.ReadTimeout = timeout }}, func(t *testing.T, env *testenv.Env) {
		u, err := url.Parse(env.GatewayURL)
		require.NoError(t, err)
		conn, err := net.Dial("tcp", u.Host)
		require.NoError(t, err)
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: 100\r\n\r\n{", u.Host)
		require.NoError(t, err)
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*timeout)))
		start := time.Now()
		_, err = io.ReadAll(conn) // returns when the server gives up on the body
		require.NoError(t, err, "the server closed the connection before our own deadline")
		assert.Less(t, time.Since(start), 5*timeout)
	})
}
