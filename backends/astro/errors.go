package astro

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxErrorBodyBytes caps how much of an error body CheckResponse reads. The
// API's error bodies are a few hundred bytes; anything longer is a proxy's
// HTML page or worse, and is not worth holding in memory.
const maxErrorBodyBytes = 64 << 10

// Error is a non-2xx response from the Astro API, decoded from the spec's
// Error schema {message, requestId, statusCode, fieldErrors}.
//
// It holds copied scalars only, never the *http.Request or *http.Response:
// those carry the Authorization header, and errors end up in logs.
type Error struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Message is the body's message, or the status text when the body is
	// missing, is not the API's JSON, or is too long to read.
	Message string
	// RequestID is the body's requestId or, failing that, the X-Request-Id
	// header; Astronomer support asks for it.
	RequestID string
	// FieldErrors lists the failed constraints of a 400 caused by request
	// validation.
	FieldErrors []FieldError

	// Method and Path identify the request. Path has no query string (IDs in
	// a query would make errors hard to group) and, when the error comes
	// from Client.Do, is relative to the base URL: "/organizations/x".
	Method, Path string
}

// FieldError is one failed validation constraint of a request: the spec's
// FieldValidationError.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error formats e as
// "astro: GET /organizations/x: 404 Deployment not found (request id …)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("astro: ")
	if req := strings.TrimSpace(e.Method + " " + e.Path); req != "" {
		b.WriteString(req)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, e.Message)
	for i, fe := range e.FieldErrors {
		if i == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", fe.Field, fe.Message)
		if i == len(e.FieldErrors)-1 {
			b.WriteString("]")
		}
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// RateLimitError is a 429 response. Astro meters each token per method
// class (see [MethodClass]); RetryAfter says how long to wait before the
// next request of the same class.
type RateLimitError struct {
	// RetryAfter is the parsed Retry-After header, or zero when the header is
	// missing or unreadable. Zero means "unknown", not "now".
	RetryAfter time.Duration
	// Err is the decoded response, with StatusCode 429.
	Err *Error
}

// Error formats r as its Err, followed by the wait when it is known.
func (r *RateLimitError) Error() string {
	msg := "astro: rate limit exceeded"
	if r.Err != nil {
		msg = r.Err.Error()
	}
	if r.RetryAfter > 0 {
		msg += fmt.Sprintf("; retry after %s", r.RetryAfter)
	}
	return msg
}

// Unwrap returns r.Err, so that errors.As finds the *Error inside.
func (r *RateLimitError) Unwrap() error {
	if r.Err == nil {
		return nil
	}
	return r.Err
}

// CheckResponse returns nil for a 2xx response and otherwise the error it
// stands for: *[RateLimitError] for 429 and *[Error] for every other status.
// It is the only place that maps a status to an error type.
//
// It reads at most 64 KiB of the body and does not close it. A body that is
// not the API's JSON error still gives an *Error, with the status text as its
// Message. An HTTP-date Retry-After is measured from the response's Date
// header when there is one, which cancels any skew between the two clocks.
func CheckResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode <= 299 {
		return nil
	}
	e := &Error{StatusCode: r.StatusCode}
	if req := r.Request; req != nil {
		e.Method = req.Method
		if req.URL != nil {
			e.Path = req.URL.EscapedPath()
		}
	}
	if r.Body != nil {
		data, err := io.ReadAll(io.LimitReader(r.Body, maxErrorBodyBytes))
		var body struct {
			Message     string       `json:"message"`
			RequestID   string       `json:"requestId"`
			FieldErrors []FieldError `json:"fieldErrors"`
		}
		// A body cut off at the limit is not valid JSON, so a partial message
		// never passes for the whole one.
		if err == nil && json.Unmarshal(data, &body) == nil {
			e.Message = body.Message
			e.RequestID = body.RequestID
			e.FieldErrors = body.FieldErrors
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(r.StatusCode)
		if e.Message == "" {
			e.Message = "unexpected status"
		}
	}
	if e.RequestID == "" {
		e.RequestID = r.Header.Get("X-Request-Id")
	}
	if r.StatusCode == http.StatusTooManyRequests {
		now := time.Now()
		if d, err := http.ParseTime(r.Header.Get("Date")); err == nil {
			now = d
		}
		wait, _ := ParseRetryAfter(r.Header.Get("Retry-After"), now)
		return &RateLimitError{RetryAfter: wait, Err: e}
	}
	return e
}

// IsNotFound reports whether err is, or wraps, an *Error with status 404.
// A repeated DELETE also gets a 404 from Astro.
func IsNotFound(err error) bool { return HasStatus(err, http.StatusNotFound) }

// IsAlreadyExists reports whether err is Astro refusing a create because
// the object's unique key is taken: a 409 Conflict, or the 400 that
// CreateDeployment answers for a name already used in the workspace
// ("Invalid request: Deployment name 'x' already exists in this
// workspace", the Astro API best-practices guide).
func IsAlreadyExists(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.StatusCode == http.StatusConflict ||
		(e.StatusCode == http.StatusBadRequest && strings.Contains(e.Message, "already exists"))
}

// HasStatus reports whether err is, or wraps, an *Error with status code.
func HasStatus(err error, code int) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == code
}
