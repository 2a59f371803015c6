package astro

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   error
	}{
		{
			name:   "200",
			status: http.StatusOK,
			body:   `{"id":"x"}`,
		},
		{
			name:   "204",
			status: http.StatusNoContent,
		},
		{
			name:   "JSON error body with field errors",
			status: http.StatusBadRequest,
			header: http.Header{"X-Request-Id": {"from-header"}},
			body: `{"message":"Invalid request","requestId":"from-body","statusCode":400,
				"fieldErrors":[{"field":"name","code":"required","message":"name is required"},
				               {"field":"limit","code":"max","message":"limit must be at most 1000"}]}`,
			want: &Error{
				StatusCode: http.StatusBadRequest,
				Message:    "Invalid request",
				RequestID:  "from-body", // the body wins over the header
				FieldErrors: []FieldError{
					{Field: "name", Code: "required", Message: "name is required"},
					{Field: "limit", Code: "max", Message: "limit must be at most 1000"},
				},
				Method: http.MethodGet,
				Path:   "/v1/organizations/o1",
			},
		},
		{
			name:   "request id from header",
			status: http.StatusForbidden,
			header: http.Header{"X-Request-Id": {"from-header"}},
			body:   `{"message":"Forbidden: missing deployment.get","statusCode":403}`,
			want: &Error{
				StatusCode: http.StatusForbidden,
				Message:    "Forbidden: missing deployment.get",
				RequestID:  "from-header",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			},
		},
		{
			name:   "non-JSON body",
			status: http.StatusBadGateway,
			header: http.Header{"Content-Type": {"text/html"}},
			body:   "<html><body>502 Bad Gateway</body></html>",
			want: &Error{
				StatusCode: http.StatusBadGateway,
				Message:    "Bad Gateway",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			},
		},
		{
			name:   "JSON of another shape",
			status: http.StatusInternalServerError,
			body:   `["not", "an", "error"]`,
			want: &Error{
				StatusCode: http.StatusInternalServerError,
				Message:    "Internal Server Error",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			},
		},
		{
			name:   "empty body, unknown status",
			status: 599,
			want: &Error{
				StatusCode: 599,
				Message:    "unexpected status",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			},
		},
		{
			name:   "429 with delta-seconds",
			status: http.StatusTooManyRequests,
			header: http.Header{"Retry-After": {"30"}},
			body:   `{"message":"rate limit exceeded","requestId":"r","statusCode":429}`,
			want: &RateLimitError{RetryAfter: 30 * time.Second, Err: &Error{
				StatusCode: http.StatusTooManyRequests,
				Message:    "rate limit exceeded",
				RequestID:  "r",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			}},
		},
		{
			name:   "429 with HTTP-date, measured from the Date header",
			status: http.StatusTooManyRequests,
			header: http.Header{
				"Date":        {date.Format(http.TimeFormat)},
				"Retry-After": {date.Add(90 * time.Second).Format(http.TimeFormat)},
			},
			want: &RateLimitError{RetryAfter: 90 * time.Second, Err: &Error{
				StatusCode: http.StatusTooManyRequests,
				Message:    "Too Many Requests",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			}},
		},
		{
			name:   "429 with unreadable Retry-After",
			status: http.StatusTooManyRequests,
			header: http.Header{"Retry-After": {"soon"}},
			want: &RateLimitError{Err: &Error{
				StatusCode: http.StatusTooManyRequests,
				Message:    "Too Many Requests",
				Method:     http.MethodGet,
				Path:       "/v1/organizations/o1",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := tt.header
			if header == nil {
				header = http.Header{}
			}
			resp := &http.Response{
				StatusCode: tt.status,
				Header:     header,
				Body:       io.NopCloser(strings.NewReader(tt.body)),
				Request: &http.Request{
					Method: http.MethodGet,
					URL:    &url.URL{Scheme: "https", Host: "astro.test", Path: "/v1/organizations/o1", RawQuery: "secret=query"},
				},
			}
			err := CheckResponse(resp)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tt.want, err)
			assert.NotContains(t, err.Error(), "secret=query", "Path must not include the query")
		})
	}
}

func TestCheckResponse_429FromRealTime(t *testing.T) {
	t.Parallel()
	// Without a Date header, an HTTP-date is measured from the local clock.
	resp := &http.Response{
		StatusCode: http.StatusTooManyRequests,
		Header:     http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}},
		Body:       http.NoBody,
	}
	var rl *RateLimitError
	require.ErrorAs(t, CheckResponse(resp), &rl)
	assert.InDelta(t, time.Hour, rl.RetryAfter, float64(5*time.Second))
	assert.Equal(t, "astro: 429 Too Many Requests; retry after "+rl.RetryAfter.String(), rl.Error())
}

func TestCheckResponse_oversizedBody(t *testing.T) {
	t.Parallel()
	// A well-formed error body whose message alone is larger than the cap:
	// the cut-off JSON must not be half-decoded, and reading must stop at
	// the cap.
	big := `{"message":"` + strings.Repeat("x", 1<<20) + `","requestId":"r","statusCode":500}`
	body := &countingReader{r: strings.NewReader(big)}
	resp := &http.Response{
		StatusCode: http.StatusInternalServerError,
		Header:     http.Header{},
		Body:       io.NopCloser(body),
	}
	var apiErr *Error
	require.ErrorAs(t, CheckResponse(resp), &apiErr)
	assert.Equal(t, "Internal Server Error", apiErr.Message)
	assert.LessOrEqual(t, body.n, maxErrorBodyBytes)
	assert.Equal(t, 64<<10, maxErrorBodyBytes)
}

func TestError_Error(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			"full",
			&Error{StatusCode: 404, Message: "Deployment not found", RequestID: "r-1", Method: "GET", Path: "/organizations/x"},
			"astro: GET /organizations/x: 404 Deployment not found (request id r-1)",
		},
		{
			"without request",
			&Error{StatusCode: 500, Message: "Internal Server Error"},
			"astro: 500 Internal Server Error",
		},
		{
			"field errors",
			&Error{StatusCode: 400, Message: "Invalid request", Method: "POST", Path: "/organizations/x/deployments",
				FieldErrors: []FieldError{{Field: "name", Message: "required"}, {Field: "workspaceId", Message: "required"}}},
			"astro: POST /organizations/x/deployments: 400 Invalid request [name: required; workspaceId: required]",
		},
		{
			"path without method",
			&Error{StatusCode: 404, Message: "Not Found", Path: "/organizations/x"},
			"astro: /organizations/x: 404 Not Found",
		},
		{
			"rate limit",
			&RateLimitError{RetryAfter: 2 * time.Second, Err: &Error{StatusCode: 429, Message: "slow down", Method: "GET", Path: "/organizations"}},
			"astro: GET /organizations: 429 slow down; retry after 2s",
		},
		{
			"rate limit without wait or body",
			&RateLimitError{},
			"astro: rate limit exceeded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	notFound := &Error{StatusCode: http.StatusNotFound}
	unauthorized := &Error{StatusCode: http.StatusUnauthorized}
	forbidden := &Error{StatusCode: http.StatusForbidden}
	limited := &RateLimitError{Err: &Error{StatusCode: http.StatusTooManyRequests}}

	tests := []struct {
		name                    string
		err                     error
		notFound, unauth, forbd bool
	}{
		{"nil", nil, false, false, false},
		{"plain error", errors.New("404"), false, false, false},
		{"not found", notFound, true, false, false},
		{"wrapped not found", fmt.Errorf("loading: %w", notFound), true, false, false},
		{"joined not found", errors.Join(errors.New("other"), notFound), true, false, false},
		{"unauthorized", unauthorized, false, true, false},
		{"forbidden", fmt.Errorf("x: %w", forbidden), false, false, true},
		{"rate limited", limited, false, false, false},
		{"rate limit without body", &RateLimitError{}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.notFound, IsNotFound(tt.err), "IsNotFound")
			assert.Equal(t, tt.unauth, HasStatus(tt.err, http.StatusUnauthorized), "401")
			assert.Equal(t, tt.forbd, HasStatus(tt.err, http.StatusForbidden), "403")
		})
	}

	var apiErr *Error
	require.ErrorAs(t, fmt.Errorf("w: %w", limited), &apiErr, "errors.As must find the *Error inside a *RateLimitError")
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
}

func TestClient_rateLimited(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/workspaces", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		writeJSON(t, w, http.StatusTooManyRequests, `{"message":"Too many requests","requestId":"rl-1","statusCode":429}`)
	})
	ws, resp, err := c.Workspaces.List(t.Context(), "o1", nil)
	assert.Nil(t, ws)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 3*time.Second, rl.RetryAfter)
	assert.Equal(t, "/organizations/o1/workspaces", rl.Err.Path)
	assert.Equal(t, &Response{StatusCode: http.StatusTooManyRequests, RequestID: "rl-1"}, resp)
	assert.True(t, Retryable(http.MethodPost, true, err), "a 429 was not acted on")
}
