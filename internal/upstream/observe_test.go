package upstream

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/limiter"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

type readPolicy struct{}

func (readPolicy) Describe(*http.Request) Call {
	return Call{Operation: "ListDeployments", Class: "GET", Kind: cache.Pass, Route: "organizations/{organizationId}/deployments"}
}
func (readPolicy) Retryable(*http.Request, int, error) bool { return false }

// TestObserveLogsFailuresAndSendsRequestID: an attempt carries the
// request's id upstream and counts in its Stats; a 503 and a limiter that
// has no slot are logged at warn, naming backend and operation and never
// the token or the URL's query.
func TestObserveLogsFailuresAndSendsRequestID(t *testing.T) {
	const token = "secret-token-abcdef123456"
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	var sawID string
	network := rt(func(r *http.Request) (*http.Response, error) {
		sawID = r.Header.Get(telemetry.RequestIDHeader)
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	c := &http.Client{Transport: Chain(Options{Backend: "astro", Policy: readPolicy{}, Network: network, Logger: log})}
	ctx, stats := telemetry.WithStats(telemetry.WithRequestID(context.Background(), "req-42"))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://upstream.invalid/v1/x?search=caller-text", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "req-42", sawID, "the request id goes upstream")
	assert.Equal(t, "Bearer "+token, req.Header.Get("Authorization"), "the caller's request is not modified")
	assert.EqualValues(t, 1, stats.Upstream())
	out := buf.String()
	assert.Contains(t, out, `"level":"WARN"`)
	assert.Contains(t, out, `"msg":"upstream request failed"`)
	assert.Contains(t, out, `"operation":"ListDeployments"`)
	assert.Contains(t, out, `"status":503`)
	assert.Contains(t, out, `"request_id":"req-42"`)
	assert.NotContains(t, out, token)
	assert.NotContains(t, out, "caller-text")

	// A limiter with no slot before the deadline: saturation, at warn.
	buf.Reset()
	lim := limiter.New(limiter.Limits{Read: 1, Write: 1, Delete: 1, Window: time.Hour})
	ok := rt(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	c = &http.Client{Transport: Chain(Options{Backend: "astro", Policy: readPolicy{}, Network: ok, Limiter: lim, Logger: log})}
	for i := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://upstream.invalid/v1/x", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if i == 0 {
			require.NoError(t, err)
			resp.Body.Close()
		} else {
			var we *limiter.WaitError
			assert.True(t, errors.As(err, &we), "the second read finds no slot: %v", err)
		}
		cancel()
	}
	assert.Contains(t, buf.String(), "rate limit saturated")
	assert.NotContains(t, buf.String(), token)
	assert.Equal(t, 1, strings.Count(buf.String(), "\n"), "one line: the saturation")
}
