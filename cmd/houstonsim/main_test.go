package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-houston-version", "2.1.0", "-latency", "1ms-2ms"}, pw)
		_ = pw.Close()
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "houstonsim listening on ")
	require.True(t, ok, "first line: %q", line)
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), base)
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/v1",
		strings.NewReader(`{"query":"{ appConfig { version } }","variables":null}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	assert.JSONEq(t, `{"data":{"appConfig":{"version":"2.1.0"}}}`, string(body))

	// Posing as 2.1: the legacy mutation is gone.
	req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/v1",
		strings.NewReader(`{"query":"mutation { updateDeploymentImage(releaseName: \"x\", image: \"y\") { id } }"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	resp, err = http.Get(base + "/_sim/stats")
	require.NoError(t, err)
	var stats map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&stats))
	require.NoError(t, resp.Body.Close())
	assert.EqualValues(t, 2, stats["requests"])

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"unknown dataset", []string{"-dataset", "huge"}},
		{"bad latency", []string{"-latency", "fast"}},
		{"inverted latency", []string{"-latency", "20ms-5ms"}},
		{"unknown flag", []string{"-nope"}},
		{"bad address", []string{"-listen", "not an address"}},
		{"bad version", []string{"-houston-version", "latest"}},
		{"bad log interval", []string{"-log-interval", "0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), tt.args, io.Discard)
			require.Error(t, err)
		})
	}
}

func TestLatencyFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		min, max time.Duration
	}{
		{"10ms", 10 * time.Millisecond, 10 * time.Millisecond},
		{"5ms-20ms", 5 * time.Millisecond, 20 * time.Millisecond},
		{"0s", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var l latency
			require.NoError(t, l.Set(tt.in))
			assert.Equal(t, tt.min, l.min)
			assert.Equal(t, tt.max, l.max)
			assert.NotEmpty(t, l.String())
		})
	}
}
