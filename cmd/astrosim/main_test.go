package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-dataset", "small", "-seed", "3", "-latency", "1ms-2ms", "-fail-rate", "0"}, pw)
		pw.Close()
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "astrosim listening on ")
	require.True(t, ok, "first line: %q", line)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, base)
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	resp, err := http.Get(base + "/_sim/tokens")
	require.NoError(t, err)
	var tokens []astrosim.Token
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tokens))
	resp.Body.Close()
	assert.Equal(t, astrosim.New(astrosim.WithSeed(3)).Tokens(), tokens, "the -seed flag reaches the simulator")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/v1/organizations/"+tokens[0].Scope[0], nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tokens[0].Token)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// The side door changes the knobs of the running simulator: every
	// request fails once the fail rate is 1.
	resp, err = http.Post(base+"/_sim/config", "application/json", strings.NewReader(`{"failRate": 1, "latency": "0"}`))
	require.NoError(t, err)
	var cfg astrosim.Config
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&cfg))
	resp.Body.Close()
	assert.Equal(t, astrosim.Config{Latency: "0", FailRate: 1, RateLimit: true}, cfg)
	resp, err = http.DefaultClient.Do(req.Clone(t.Context()))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)

	cancel()
	require.NoError(t, <-done)
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"dataset", []string{"-dataset", "huge"}, "unknown dataset"},
		{"latency", []string{"-latency", "soon"}, "latency"},
		{"fail rate", []string{"-fail-rate", "1.5"}, "fail rate"},
		{"listen", []string{"-listen", "256.0.0.1:99999"}, "listen"},
		{"flag", []string{"-nope"}, "not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := run(t.Context(), tc.args, &out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, out.String())
		})
	}
}
