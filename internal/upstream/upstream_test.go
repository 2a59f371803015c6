package upstream

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script answers with the given statuses in turn, then 200.
func script(t *testing.T, statuses ...int) (*atomic.Int64, string) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		if n <= len(statuses) {
			if statuses[n-1] == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			w.WriteHeader(statuses[n-1])
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	return &calls, srv.URL
}

func do(t *testing.T, method, url string) (int, error) {
	t.Helper()
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Millisecond, Max: 5 * time.Millisecond, Idempotent: AstroIdempotent}, http.DefaultTransport)}
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(`{"name":"x"}`))
	require.NoError(t, err)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	const item = "/v1/organizations/o/deployments/clm8t5u4q000008jq4qoc3036"
	const collection = "/v1/organizations/o/deployments"
	for _, tc := range []struct {
		name      string
		method    string
		path      string
		statuses  []int
		wantCalls int64
		wantCode  int
	}{
		{"read retried on 5xx", http.MethodGet, collection, []int{503, 502}, 3, 200},
		{"read gives up after 3 tries", http.MethodGet, collection, []int{500, 500, 500, 500}, 3, 500},
		{"update retried on 5xx", http.MethodPost, item, []int{503}, 2, 200},
		{"delete retried on 5xx", http.MethodDelete, item, []int{504}, 2, 200},
		{"create not retried on 5xx: it may have been made", http.MethodPost, collection, []int{500}, 1, 500},
		{"create retried on 429: it was not made", http.MethodPost, collection, []int{429}, 2, 200},
		{"4xx not retried", http.MethodGet, collection, []int{400}, 1, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls, base := script(t, tc.statuses...)
			code, err := do(t, tc.method, base+tc.path)
			require.NoError(t, err)
			assert.Equal(t, tc.wantCode, code)
			assert.Equal(t, tc.wantCalls, calls.Load())
		})
	}
}

func TestRefusedConnectionIsRetriedEvenForCreates(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens: connections are refused
	var attempts atomic.Int64
	counting := rt(func(r *http.Request) (*http.Response, error) {
		attempts.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Millisecond, Max: time.Millisecond, Idempotent: AstroIdempotent}, counting)}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/organizations/o/deployments", strings.NewReader(`{}`))
	require.NoError(t, err)
	_, err = c.Do(req)
	require.Error(t, err)
	assert.EqualValues(t, 3, attempts.Load())
}

func TestRetryRespectsDeadline(t *testing.T) {
	t.Parallel()
	calls, base := script(t, 503, 503, 503)
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Hour, Max: time.Hour}, http.DefaultTransport)}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/organizations", nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode, "a wait past the deadline returns the last answer at once")
	assert.EqualValues(t, 1, calls.Load())
}

func TestAstroIdempotent(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/v1/organizations/o/deployments":                                 false,
		"/v1/organizations/o/deployments/clm8t5u4q000008jq4qoc3036":       true,
		"/v1/organizations/o/api-tokens/clm8t5u4q000008jq4qoc3036/rotate": false,
	} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		assert.Equal(t, want, AstroIdempotent(req), path)
	}
}

// TestRepeatedDeleteAnswered404IsSuccess: the first DELETE's answer was a
// 502 after the object was gone; the retry's 404 means the delete worked.
func TestRepeatedDeleteAnswered404IsSuccess(t *testing.T) {
	t.Parallel()
	calls, base := script(t, 502, 404)
	code, err := do(t, http.MethodDelete, base+"/v1/organizations/o/deployments/clm8t5u4q000008jq4qoc3036")
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, code)
	assert.EqualValues(t, 2, calls.Load())
}
