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

	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/limiter"
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

// testPolicy treats a POST whose path ends in "/deployments" as a create,
// as a backend's operation table would.
type testPolicy struct{}

func (testPolicy) Describe(r *http.Request) Call {
	return Call{Operation: r.Method, Class: r.Method, Kind: cache.Pass}
}

func (testPolicy) Retryable(r *http.Request, status int, err error) bool {
	create := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/deployments")
	return Retryable(!create, status, err)
}

func do(t *testing.T, method, url string) (int, error) {
	t.Helper()
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Millisecond, Max: 5 * time.Millisecond}, testPolicy{}, http.DefaultTransport)}
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
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Millisecond, Max: time.Millisecond}, testPolicy{}, counting)}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/organizations/o/deployments", strings.NewReader(`{}`))
	require.NoError(t, err)
	_, err = c.Do(req)
	require.Error(t, err)
	assert.EqualValues(t, 3, attempts.Load())
}

func TestRetryRespectsDeadline(t *testing.T) {
	t.Parallel()
	calls, base := script(t, 503, 503, 503)
	c := &http.Client{Transport: Retry(RetryPolicy{Base: time.Hour, Max: time.Hour}, testPolicy{}, http.DefaultTransport)}
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

// TestAttemptTimeoutBoundsOneAttempt: UPSTREAM_TIMEOUT bounds one attempt
// on the wire; the wait for a limiter slot does not count against it.
func TestAttemptTimeoutBoundsOneAttempt(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	lim := limiter.New(limiter.Limits{Read: 1, Window: 300 * time.Millisecond})
	c := &http.Client{Transport: Chain(Options{Backend: "test", Policy: testPolicy{}, Limiter: lim, AttemptTimeout: 200 * time.Millisecond})}
	get := func(ctx context.Context, path string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		return c.Do(req)
	}
	for range 2 {
		// The second waits some 300 ms for its slot, longer than the
		// attempt timeout, and still succeeds.
		resp, err := get(t.Context(), "/fast")
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
	}

	// A slow answer fails after the attempt timeout, as a timeout.
	lim2 := limiter.New(limiter.Limits{Read: 10, Window: 300 * time.Millisecond})
	c.Transport = Chain(Options{Backend: "test", Policy: testPolicy{}, Limiter: lim2, AttemptTimeout: 200 * time.Millisecond})
	began := time.Now()
	_, err := get(t.Context(), "/slow")
	var te *TimeoutError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(began), 2*time.Second)

	// No slot before the request's deadline: refused at once, upstream
	// untouched.
	lim3 := limiter.New(limiter.Limits{Read: 1, Window: time.Second})
	release, err := lim3.Acquire(t.Context(), limiter.Key(""), "GET")
	require.NoError(t, err)
	defer release()
	c.Transport = Chain(Options{Backend: "test", Policy: testPolicy{}, Limiter: lim3, AttemptTimeout: 200 * time.Millisecond})
	before := calls.Load()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err = get(ctx, "/fast")
	var we *limiter.WaitError
	require.ErrorAs(t, err, &we)
	assert.Positive(t, we.RetryAfter)
	assert.Equal(t, before, calls.Load())
}
