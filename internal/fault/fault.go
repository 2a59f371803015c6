// Package fault is the gateway's error vocabulary: the codes a client reads
// in extensions.code and the error types that carry them from a loader, a
// resolver, a transport or a stream to the one presenter (graph.ErrorPresenter).
// Everything that decides or writes a code takes it from here.
package fault

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Codes in extensions.code. Stable: clients switch on them.
const (
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeNotFound            = "NOT_FOUND"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUpstreamError       = "UPSTREAM_ERROR"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeNotConfigured       = "BACKEND_NOT_CONFIGURED"
	CodeInternal            = "INTERNAL"
	// CodeUnsupportedByBackendVersion: the installed backend version lacks
	// the field or operation (extensions.backendVersion, .feature).
	CodeUnsupportedByBackendVersion = "UNSUPPORTED_BY_BACKEND_VERSION"
	// CodeQueryTooComplex: the document exceeds a static limit (depth,
	// fields, cost) and nothing of it ran.
	CodeQueryTooComplex = "QUERY_TOO_COMPLEX"
	// CodeTimeout: the request's deadline passed; data holds what was done.
	CodeTimeout = "TIMEOUT"
	// CodeOverloaded: too many operations run at once (HTTP 503,
	// Retry-After).
	CodeOverloaded = "OVERLOADED"
	// CodeResponseTooLarge: the answer is larger than MAX_RESPONSE_BYTES.
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
	// CodeOutcomeUnknown: a write may or may not have happened upstream,
	// and the gateway could not find out which.
	CodeOutcomeUnknown = "OUTCOME_UNKNOWN"
)

// Backends, as extensions.backend names them.
const (
	Astro   = "astro"
	Houston = "houston"
)

// BackendError ties an error to the backend it came from
// (extensions.backend).
type BackendError struct {
	Backend string // Astro or Houston
	Err     error
}

func (e *BackendError) Error() string { return e.Err.Error() }
func (e *BackendError) Unwrap() error { return e.Err }

// Upstream wraps err, a failure of a call to backend, once: an error that
// already names its backend is returned as it is, and nil stays nil.
func Upstream(backend string, err error) error {
	if err == nil {
		return nil
	}
	var be *BackendError
	if errors.As(err, &be) {
		return err
	}
	return &BackendError{Backend: backend, Err: err}
}

// NotFoundError says an object does not exist or the caller may not see it.
type NotFoundError struct {
	Backend string
	Kind    string
	ID      string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %s not found", e.Kind, e.ID) }

// ErrNoToken is returned for a backend the caller has no token for.
var ErrNoToken = errors.New("no token for this backend: pass X-Astro-Token (or Authorization: Bearer) for Astro and X-Houston-Token for Houston")

// ErrNotConfigured is returned for a backend the gateway was not given.
var ErrNotConfigured = errors.New("backend not configured on this gateway")

// InputError is invalid input that the gateway rejects before any upstream
// call. Path names the argument ("first", "filter.workspaceIds[1]").
type InputError struct {
	Path    string
	Message string
}

func (e *InputError) Error() string { return e.Path + ": " + e.Message }

// Input returns an *InputError for path with a formatted message.
func Input(path, format string, args ...any) error {
	return &InputError{Path: path, Message: fmt.Sprintf(format, args...)}
}

// WriteHTTP answers a request the GraphQL server never saw (a body that
// cannot be read, an overload) with one GraphQL error carrying code, as
// application/json with status. extra, if given, joins the extensions.
func WriteHTTP(w http.ResponseWriter, status int, code, message string, extra map[string]any) {
	ext := map[string]any{"code": code}
	for k, v := range extra {
		ext[k] = v
	}
	body, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": message, "extensions": ext}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// NamedError ties an error to a fleet backend by its configured name (an
// Astro organization's or a Software installation's): extensions.backendName,
// and a message that starts with the name, so a partial answer says which
// backend is missing.
type NamedError struct {
	Name string
	Err  error
}

func (e *NamedError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *NamedError) Unwrap() error { return e.Err }

// Named wraps err with the backend name once; nil stays nil.
func Named(name string, err error) error {
	if err == nil {
		return nil
	}
	var ne *NamedError
	if errors.As(err, &ne) {
		return err
	}
	return &NamedError{Name: name, Err: err}
}
