package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/fault"
	"github.com/astro-gateway/gateway/internal/limiter"
)

// TestUnknownOutcomes: only what proves a create was not made is certain.
func TestUnknownOutcomes(t *testing.T) {
	t.Parallel()
	post := func(err error) error {
		return &url.Error{Op: "Post", URL: "http://astro/v1/organizations/o/deployments", Err: err}
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name    string
		err     error
		astro   bool
		houston bool
	}{
		{"timeout", post(context.DeadlineExceeded), true, true},
		{"reset after sending", post(syscall.ECONNRESET), true, true},
		{"cut-off answer", post(io.ErrUnexpectedEOF), true, true},
		{"an error nobody classified", fmt.Errorf("upstream: attempt timed out"), true, true},
		{"500", &astro.Error{StatusCode: 500}, true, false},
		{"Houston 502", &houston.HTTPError{StatusCode: 502}, false, true},
		{"400", &astro.Error{StatusCode: 400, Message: "Invalid request"}, false, false},
		{"429", &astro.RateLimitError{RetryAfter: time.Second, Err: &astro.Error{StatusCode: 429}}, false, false},
		{"no limiter slot", post(&limiter.WaitError{RetryAfter: time.Second, Class: "write"}), false, false},
		{"connection refused", post(refused), false, false},
		{"no token", &fault.BackendError{Backend: "astro", Err: fault.ErrNoToken}, false, false},
		{"Houston GraphQL error", houston.Errors{&houston.GraphQLError{Message: "Workspace exists"}}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ae *astro.Error
			var he *houston.HTTPError
			var hs houston.Errors
			if !errors.As(tc.err, &he) && !errors.As(tc.err, &hs) {
				assert.Equal(t, tc.astro, astroUnknown(tc.err), "astro")
			}
			if !errors.As(tc.err, &ae) {
				assert.Equal(t, tc.houston, houstonUnknown(tc.err), "houston")
			}
		})
	}
	assert.False(t, lookupAgain(&astro.Error{StatusCode: 403}))
	assert.True(t, lookupAgain(&astro.RateLimitError{Err: &astro.Error{StatusCode: 429}}))
	assert.True(t, lookupAgain(post(context.DeadlineExceeded)))
	assert.True(t, errors.Is(post(context.DeadlineExceeded), context.DeadlineExceeded))
}

func TestFingerprintIsCanonical(t *testing.T) {
	t.Parallel()
	key := [32]byte{1}
	a, err := fingerprint(key, "op", map[string]any{"a": 1, "b": map[string]any{"y": 2, "x": 1}, "clientMutationId": "k1"})
	assert.NoError(t, err)
	b, err := fingerprint(key, "op", map[string]any{"b": map[string]any{"x": 1, "y": 2}, "a": 1, "clientMutationId": "k2"})
	assert.NoError(t, err)
	assert.Equal(t, a, b, "field order and the key itself do not matter")
	c, err := fingerprint(key, "op", map[string]any{"a": 2, "b": map[string]any{"x": 1, "y": 2}})
	assert.NoError(t, err)
	assert.NotEqual(t, a, c)
	d, err := fingerprint([32]byte{2}, "op", map[string]any{"a": 1, "b": map[string]any{"y": 2, "x": 1}})
	assert.NoError(t, err)
	assert.NotEqual(t, a, d, "keyed per credential")
}

func TestOutcomeUnknownNamesNoAddress(t *testing.T) {
	t.Parallel()
	err := &OutcomeUnknownError{Backend: "astro", Kind: "workspace", Why: "lost",
		Err: &url.Error{Op: "Post", URL: "http://10.0.0.7:8080/v1/organizations/o/workspaces", Err: context.DeadlineExceeded}}
	assert.Equal(t, "the workspace may or may not have been created: lost (no answer in time)", err.Error())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
