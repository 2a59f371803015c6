package astro

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// baseURLPath is where setup mounts the API. A client that resolves a path
// against the host root instead of the base URL misses it and fails the
// test, as go-github's tests do with "/api-v3".
const baseURLPath = "/api-prefix/v1"

// setup starts a test server whose API lives under baseURLPath and returns a
// client for it, without a token, and the mux that tests register their
// handlers on, with paths as the spec writes them ("/organizations/...").
func setup(t *testing.T) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request for %q is outside the base path %q", r.URL.Path, baseURLPath)
		http.Error(w, "outside the base path", http.StatusBadGateway)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)

	c, err := NewClient(srv.URL + baseURLPath)
	require.NoError(t, err)
	return c, mux
}

// writeJSON writes body, which must be valid JSON, with status.
func writeJSON(t *testing.T, w http.ResponseWriter, status int, body string) {
	t.Helper()
	require.True(t, json.Valid([]byte(body)), "test body is not JSON: %s", body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// fixture returns testdata/name. The fixtures hold every property of their
// spec schema, with the spec's example values.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// assertRoundTrip checks that got, decoded from want, encodes back to want:
// no property was dropped, renamed or reformatted.
func assertRoundTrip(t *testing.T, want string, got any) {
	t.Helper()
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(b))
}

// failHandler fails the test if a request arrives: for calls that must be
// refused locally.
func failHandler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		baseURL string
		want    string // base URL after NewClient; empty when an error is expected
	}{
		{"production", DefaultBaseURL, "https://api.astronomer.io/v1/"},
		{"trailing slash kept", "https://api.astronomer.io/v1/", "https://api.astronomer.io/v1/"},
		{"simulator", "http://127.0.0.1:1234/v1", "http://127.0.0.1:1234/v1/"},
		{"host root", "http://localhost:8080", "http://localhost:8080/"},
		{"relative", "api.astronomer.io/v1", ""},
		{"path only", "/v1", ""},
		{"other scheme", "ftp://api.astronomer.io/v1", ""},
		{"no host", "http:///v1", ""},
		{"user info", "https://user:secret@api.astronomer.io/v1", ""},
		{"query", "https://api.astronomer.io/v1?x=1", ""},
		{"fragment", "https://api.astronomer.io/v1#top", ""},
		{"unparsable", "http://[::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.baseURL)
			if tt.want == "" {
				require.Error(t, err)
				assert.Nil(t, c)
				assert.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.baseURL.String())
			assert.Same(t, c, c.Deployments.client)
			assert.NotNil(t, c.Organizations)
			assert.NotNil(t, c.Workspaces)
			assert.NotNil(t, c.Clusters)
		})
	}
}

func TestNewClient_options(t *testing.T) {
	t.Parallel()
	var gotUA string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		gotUA = r.Header.Get("User-Agent")
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{},
			Body:       io.NopCloser(strings.NewReader(`{"id":"o1"}`)),
			Request:    r,
		}, nil
	})}
	c, err := NewClient("https://astro.test/v1", WithHTTPClient(hc), WithUserAgent("gateway/1.2"))
	require.NoError(t, err)
	org, _, err := c.Organizations.Get(t.Context(), "o1")
	require.NoError(t, err)
	assert.Equal(t, "o1", org.ID)
	assert.Equal(t, "gateway/1.2", gotUA)

	// Zero values keep the defaults.
	c, err = NewClient("https://astro.test/v1", WithHTTPClient(nil), WithUserAgent(""))
	require.NoError(t, err)
	assert.NotNil(t, c.httpClient)
	assert.Equal(t, defaultUserAgent, c.userAgent)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://astro.test/api/v1")
	require.NoError(t, err)

	q := url.Values{"names": {"b", "a"}, "limit": {"5"}}
	req, err := c.WithToken("tok").NewRequest(t.Context(), http.MethodPost, "organizations/o1/deployments", q, map[string]string{"name": "d"})
	require.NoError(t, err)
	assert.Equal(t, "https://astro.test/api/v1/organizations/o1/deployments?limit=5&names=b&names=a", req.URL.String())
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", req.Header.Get("Accept"))
	assert.Equal(t, defaultUserAgent, req.Header.Get("User-Agent"))
	assert.Equal(t, "Bearer tok", req.Header.Get("Authorization"))
	require.NotNil(t, req.GetBody, "a JSON body must be replayable")
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"d"}`, string(body))

	req, err = c.NewRequest(t.Context(), http.MethodGet, "organizations", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://astro.test/api/v1/organizations", req.URL.String())
	assert.Empty(t, req.Header.Get("Content-Type"))
	assert.Empty(t, req.Header.Values("Authorization"), "a client without a token sends no Authorization")

	for _, bad := range []string{
		"/organizations",                  // would drop the base path
		"//evil.test/organizations",       // network-path reference
		"https://evil.test/organizations", // absolute URL
		"organizations?limit=5",           // query belongs in the query argument
		"organizations#frag",
		"%zz",
	} {
		_, err := c.NewRequest(t.Context(), http.MethodGet, bad, nil, nil)
		assert.Error(t, err, "path %q", bad)
	}

	_, err = c.NewRequest(t.Context(), http.MethodPost, "organizations", nil, make(chan int))
	assert.ErrorContains(t, err, "encoding request body")
}

func TestDo(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-ok")
		writeJSON(t, w, http.StatusOK, `{"id":"x"}`)
	})
	mux.HandleFunc("DELETE /gone", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /garbage", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<html>")
	})
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusNotFound, `{"message":"Deployment not found","requestId":"req-404","statusCode":404}`)
	})

	do := func(method, path string, v any) (*Response, error) {
		t.Helper()
		req, err := c.NewRequest(t.Context(), method, path, nil, nil)
		require.NoError(t, err)
		return c.Do(req, v)
	}

	t.Run("decodes", func(t *testing.T) {
		var v struct{ ID string }
		resp, err := do(http.MethodGet, "ok", &v)
		require.NoError(t, err)
		assert.Equal(t, "x", v.ID)
		assert.Equal(t, &Response{StatusCode: http.StatusOK, RequestID: "req-ok"}, resp)
	})
	t.Run("nil v", func(t *testing.T) {
		_, err := do(http.MethodGet, "ok", nil)
		require.NoError(t, err)
	})
	t.Run("no content", func(t *testing.T) {
		var v struct{ ID string }
		resp, err := do(http.MethodDelete, "gone", &v)
		require.NoError(t, err)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	})
	t.Run("empty body", func(t *testing.T) {
		var v struct{ ID string }
		_, err := do(http.MethodGet, "empty", &v)
		require.NoError(t, err)
	})
	t.Run("undecodable body", func(t *testing.T) {
		var v struct{ ID string }
		resp, err := do(http.MethodGet, "garbage", &v)
		require.ErrorContains(t, err, "astro: GET /garbage: decoding response")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("error response", func(t *testing.T) {
		resp, err := do(http.MethodGet, "fail", nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, &Error{
			StatusCode: http.StatusNotFound,
			Message:    "Deployment not found",
			RequestID:  "req-404",
			Method:     http.MethodGet,
			Path:       "/fail", // relative to the base URL, not "/api-prefix/v1/fail"
		}, apiErr)
		assert.Equal(t, &Response{StatusCode: http.StatusNotFound, RequestID: "req-404"}, resp)
	})
}

func TestDo_contextEnds(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		cancel() // the caller gives up while the request is in flight
		<-r.Context().Done()
	})
	req, err := c.NewRequest(ctx, http.MethodGet, "slow", nil, nil)
	require.NoError(t, err)
	resp, err := c.Do(req, nil)
	assert.Nil(t, resp)
	assert.Equal(t, context.Canceled, err, "the context's own error, for errors.Is")
}

func TestDo_transportError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens any more

	c, err := NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	c = c.WithToken("secret-token-transport")
	d, resp, err := c.Deployments.Get(t.Context(), "o1", "d1")
	require.Error(t, err)
	assert.Nil(t, d)
	assert.Nil(t, resp)
	assert.NotContains(t, err.Error(), "secret-token-transport")
	assert.True(t, Retryable(http.MethodPost, true, err), "a refused connection never reached the server: %v", err)
}

func TestWithToken(t *testing.T) {
	t.Parallel()
	base, mux := setup(t)
	var mu sync.Mutex
	seen := map[string][]string{} // deployment ID -> Authorization headers
	mux.HandleFunc("GET /organizations/{organizationId}/deployments/{deploymentId}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.PathValue("deploymentId")] = r.Header.Values("Authorization")
		mu.Unlock()
		writeJSON(t, w, http.StatusOK, `{"id":"`+r.PathValue("deploymentId")+`"}`)
	})

	c1 := base.WithToken("token-one")
	c2 := base.WithToken("token-two")
	assert.Same(t, c1, c1.Deployments.client, "services must be re-wired to the copy")
	assert.Same(t, c2, c2.Organizations.client)
	assert.Same(t, base, base.Deployments.client)
	assert.Empty(t, base.token, "WithToken must not change the original")

	var wg sync.WaitGroup
	for i, c := range []*Client{base, c1, c2, c1.WithToken("")} {
		wg.Go(func() {
			_, _, err := c.Deployments.Get(t.Context(), "o1", fmt.Sprint("d", i))
			assert.NoError(t, err)
		})
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string][]string{
		"d0": nil,
		"d1": {"Bearer token-one"},
		"d2": {"Bearer token-two"},
		"d3": nil,
	}, seen)
}

func TestClient_String(t *testing.T) {
	t.Parallel()
	base, err := NewClient(DefaultBaseURL)
	require.NoError(t, err)
	c := base.WithToken("secret-token-string")
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, c)
		assert.NotContains(t, out, "secret-token-string", format)
		assert.Contains(t, out, "REDACTED", format)
	}
	assert.Contains(t, base.String(), "auth: none")
}

func TestPathParameters(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/deployments/{deploymentId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/organizations/org%2F1/deployments/d%3Fx=1%23y%2F..", r.URL.EscapedPath())
		assert.Equal(t, "org/1", r.PathValue("organizationId"))
		assert.Equal(t, "d?x=1#y/..", r.PathValue("deploymentId"))
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(t, w, http.StatusOK, `{"id":"d"}`)
	})
	_, _, err := c.Deployments.Get(t.Context(), "org/1", "d?x=1#y/..")
	require.NoError(t, err)

	// IDs that would address another resource are refused before sending.
	mux.HandleFunc("/", failHandler(t))
	for _, id := range []string{"", ".", ".."} {
		d, resp, err := c.Deployments.Get(t.Context(), "o1", id)
		require.ErrorIs(t, err, ErrInvalidID, "id %q", id)
		assert.Nil(t, d)
		assert.Nil(t, resp)

		_, _, err = c.Deployments.List(t.Context(), id, nil)
		require.ErrorIs(t, err, ErrInvalidID, "id %q", id)
	}
}

func TestExpandPath(t *testing.T) {
	t.Parallel()
	got, err := expandPath("organizations/{organizationId}/clusters/{clusterId}", "o 1", "c1")
	require.NoError(t, err)
	assert.Equal(t, "organizations/o%201/clusters/c1", got)

	_, err = expandPath("organizations/{organizationId}", "o1", "extra")
	assert.Error(t, err)
	_, err = expandPath("organizations/{organizationId}/x/{xId}", "o1")
	assert.Error(t, err)
	_, err = expandPath("organizations/{organizationId", "o1")
	assert.Error(t, err)
}

// TestErrorsNeverLeakToken sends an upstream error that echoes the token,
// as a broken proxy might, and checks every rendering of the error.
func TestErrorsNeverLeakToken(t *testing.T) {
	t.Parallel()
	const token = "secret-token-abc123"
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"))
		writeJSON(t, w, http.StatusUnauthorized, `{
			"message": "invalid token `+token+`",
			"requestId": "req-1",
			"statusCode": 401,
			"fieldErrors": [{"field": "Authorization", "code": "`+token+`", "message": "Bearer `+token+`"}]
		}`)
	})
	_, resp, err := c.WithToken(token).Organizations.Get(t.Context(), "o1")
	require.True(t, HasStatus(err, http.StatusUnauthorized), "%v", err)
	for _, s := range []string{
		err.Error(),
		fmt.Sprintf("%+v", err),
		fmt.Sprintf("%#v", err),
		fmt.Sprintf("%+v", resp),
		fmt.Sprintf("%+v", errors.Unwrap(fmt.Errorf("wrapped: %w", err))),
	} {
		assert.NotContains(t, s, token)
	}
	assert.Equal(t, "astro: GET /organizations/o1: 401 invalid token [REDACTED] [Authorization: Bearer [REDACTED]] (request id req-1)", err.Error())
}
