package astro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		want   MethodClass
		str    string
		limit  int
	}{
		{http.MethodGet, ClassRead, "read", 25},
		{http.MethodHead, ClassRead, "read", 25},
		{http.MethodPost, ClassWrite, "write", 10},
		{http.MethodPut, ClassWrite, "write", 10},
		{http.MethodPatch, ClassWrite, "write", 10},
		{"get", ClassWrite, "write", 10}, // methods are case-sensitive
		{http.MethodDelete, ClassDelete, "delete", 5},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			got := ClassOf(tt.method)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
			assert.Equal(t, tt.limit, got.RateLimit())
		})
	}
	assert.Equal(t, "MethodClass(0)", MethodClass(0).String())
	assert.Zero(t, MethodClass(0).RateLimit())
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	status := func(code int) error { return &Error{StatusCode: code} }
	rateLimited := &RateLimitError{RetryAfter: time.Second, Err: &Error{StatusCode: http.StatusTooManyRequests}}
	dialErr := &url.Error{Op: "Post", URL: "https://astro.test/v1/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	dnsErr := &url.Error{Op: "Post", URL: "https://astro.test/v1/x", Err: &net.DNSError{Err: "no such host", Name: "astro.test", IsNotFound: true}}
	readErr := &url.Error{Op: "Post", URL: "https://astro.test/v1/x", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	eof := &url.Error{Op: "Post", URL: "https://astro.test/v1/x", Err: io.ErrUnexpectedEOF}

	tests := []struct {
		name     string
		method   string
		isCreate bool
		err      error
		want     bool
	}{
		{"no error", http.MethodGet, false, nil, false},

		{"read 500", http.MethodGet, false, status(500), true},
		{"read 502", http.MethodGet, false, status(502), true},
		{"read 503", http.MethodGet, false, status(503), true},
		{"read 504", http.MethodGet, false, status(504), true},
		{"read 501", http.MethodGet, false, status(501), false},
		{"read 400", http.MethodGet, false, status(400), false},
		{"read 401", http.MethodGet, false, status(401), false},
		{"read 404", http.MethodGet, false, status(404), false},
		{"read 429", http.MethodGet, false, rateLimited, true},
		{"read reset", http.MethodGet, false, readErr, true},
		{"read wrapped 503", http.MethodGet, false, fmt.Errorf("loader: %w", status(503)), true},

		{"update 503", http.MethodPost, false, status(503), true},
		{"update reset", http.MethodPost, false, readErr, true},
		{"update 409", http.MethodPost, false, status(409), false},

		{"create 500", http.MethodPost, true, status(500), false},
		{"create 504", http.MethodPost, true, status(504), false},
		{"create reset", http.MethodPost, true, readErr, false},
		{"create truncated", http.MethodPost, true, eof, false},
		{"create 429", http.MethodPost, true, rateLimited, true},
		{"create dial refused", http.MethodPost, true, dialErr, true},
		{"create DNS failure", http.MethodPost, true, dnsErr, true},
		{"create 400", http.MethodPost, true, status(400), false},

		{"unknown method 500", http.MethodPut, false, status(500), true},
		{"unknown method create 500", http.MethodPatch, true, status(500), false},

		{"delete 502", http.MethodDelete, false, status(502), true},
		{"delete 404", http.MethodDelete, false, status(404), false},
		{"delete isCreate ignored", http.MethodDelete, true, status(500), true},

		{"cancelled", http.MethodGet, false, context.Canceled, false},
		{"deadline in transport", http.MethodGet, false, &url.Error{Op: "Get", Err: context.DeadlineExceeded}, false},
		{"http.Client timeout", http.MethodGet, false, &url.Error{Op: "Get", Err: fmt.Errorf("%w (Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Retryable(tt.method, tt.isCreate, tt.err))
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"seconds", "120", 2 * time.Minute, true},
		{"zero", "0", 0, true},
		{"spaces", " 7 ", 7 * time.Second, true},
		{"IMF-fixdate", "Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"RFC 850 date", "Sunday, 01-Mar-26 12:01:00 GMT", time.Minute, true},
		{"asctime date", "Sun Mar  1 12:00:05 2026", 5 * time.Second, true},
		{"date in the past", "Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"empty", "", 0, false},
		{"negative", "-1", 0, false},
		{"signed", "+5", 0, false},
		{"fraction", "1.5", 0, false},
		{"words", "soon", 0, false},
		{"overflow", "99999999999999999999", 0, false},
		{"too large for a Duration", "9223372037", 0, false},
		{"largest Duration", "9223372036", 9223372036 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.value, now)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestOperationTableMatchesTheSpec checks the operation table against the
// spec: each of its 75 operations appears exactly once, with its method,
// path and class, and the creates are exactly the operations that are not
// idempotent.
func TestOperationTableMatchesTheSpec(t *testing.T) {
	t.Parallel()
	creates := []string{
		"CreateAllowedIpAddressRange", "BulkCreateAllowedIpAddressRanges", "CreateCluster",
		"CreateDeployment", "CreateAgentToken", "CreateDeploy", "DeployRollback",
		"CreateEnvironmentObject", "CreateUserInvite", "CreateCustomRole", "CreateTeam",
		"CreateApiToken", "RotateApiToken", "CreateWorkspace",
	}
	ops := Operations()
	require.Len(t, ops, 75)
	seen := map[string]bool{}
	for _, op := range ops {
		assert.False(t, seen[op.ID], "%s appears twice", op.ID)
		seen[op.ID] = true
		assert.Equal(t, ClassOf(op.Method), op.Class, op.ID)
		assert.Equal(t, slices.Contains(creates, op.ID), op.Create, op.ID)
		wantScope := ScopeAccount
		if strings.HasPrefix(op.Path, "organizations/{organizationId}") {
			wantScope = ScopeOrganization
		}
		assert.Equal(t, wantScope, op.Scope, op.ID)
		got, ok := OperationByID(op.ID)
		assert.True(t, ok)
		assert.Equal(t, op, got)
	}

	s := loadSpec(t)
	n := 0
	for path, methods := range s.Paths {
		for method := range methods {
			id, _, ok := s.operation(strings.ToUpper(method), path)
			if !ok {
				continue
			}
			n++
			op, ok := OperationByID(id)
			if assert.True(t, ok, "%s (%s %s) is not in the table", id, method, path) {
				assert.Equal(t, strings.ToUpper(method), op.Method, id)
				assert.Equal(t, path, "/"+op.Path, id)
			}
		}
	}
	assert.Equal(t, 75, n)
}

// TestRequestsCarryTheirOperation: a request the client sends names its
// operation and organization in its context, for the transports below.
func TestRequestsCarryTheirOperation(t *testing.T) {
	t.Parallel()
	var got []Call
	c, err := NewClient("http://astro.invalid/v1", WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		call, ok := CallOf(r)
		assert.True(t, ok)
		got = append(got, call)
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})}))
	require.NoError(t, err)
	_, _ = c.Deployments.Delete(context.Background(), "org1", "dep1")
	_, _, _ = c.Users.GetSelf(context.Background(), nil)
	_, _, _ = c.Organizations.GetAuditLogs(context.Background(), "org2", nil)
	require.Len(t, got, 3)
	assert.Equal(t, "DeleteDeployment", got[0].Operation.ID)
	assert.Equal(t, "org1", got[0].OrganizationID)
	assert.Equal(t, "GetSelfUser", got[1].Operation.ID)
	assert.Empty(t, got[1].OrganizationID)
	assert.Equal(t, "GetOrganizationAuditLogs", got[2].Operation.ID)
	assert.Equal(t, "org2", got[2].OrganizationID)

	req, err := c.NewRequest(context.Background(), http.MethodGet, "organizations", nil, nil)
	require.NoError(t, err)
	_, ok := CallOf(req)
	assert.False(t, ok, "a caller's own request names no operation")
}
