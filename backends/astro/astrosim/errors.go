package astrosim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
)

// RequestIDHeader is the response header that carries the request id, the
// same value as the requestId of an Error body.
const RequestIDHeader = "X-Request-Id"

// errorBody is the spec's Error schema, the body of every non-2xx answer.
type errorBody struct {
	Message     string       `json:"message"`
	RequestID   string       `json:"requestId"`
	StatusCode  int          `json:"statusCode"`
	FieldErrors []fieldError `json:"fieldErrors,omitempty"`
}

// fieldError is the spec's FieldValidationError: one failed constraint of a
// 400 caused by request validation.
type fieldError struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiError is a failure a handler returns; call.fail turns it into a body.
type apiError struct {
	status      int
	message     string
	fieldErrors []fieldError
}

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// invalidParam is the 400 for a query parameter that breaks its schema. The
// message names the parameter, and fieldErrors repeats it for clients that
// read structured errors.
func invalidParam(name, code, format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	return &apiError{
		status:      http.StatusBadRequest,
		message:     fmt.Sprintf("Invalid request: query parameter '%s' %s", name, msg),
		fieldErrors: []fieldError{{Code: code, Field: name, Message: msg}},
	}
}

func forbidden(format string, args ...any) *apiError {
	return errorf(http.StatusForbidden, "Forbidden: "+format, args...)
}

func notFound(kind, id string) *apiError {
	return errorf(http.StatusNotFound, "Not found: %s '%s' does not exist", kind, id)
}

func tooManyRequests(class string, retryAfter int) *apiError {
	return errorf(http.StatusTooManyRequests,
		"Too many requests: the API token exceeded %d %s requests per second; retry after %d s",
		classLimit(class), class, retryAfter)
}

func newRequestID() string { return uuid.NewString() }

// fail writes e as an Error body.
func (c *call) fail(e *apiError) {
	b, _ := json.Marshal(errorBody{
		Message:     e.message,
		RequestID:   c.reqID,
		StatusCode:  e.status,
		FieldErrors: e.fieldErrors,
	})
	ct := c.errorType
	if ct == "" {
		ct = "application/json"
	}
	c.w.Header().Set("Content-Type", ct)
	c.w.WriteHeader(e.status)
	_, _ = c.w.Write(append(b, '\n'))
}

// json writes v with the given status.
func (c *call) json(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Message: "Internal error: " + err.Error(), RequestID: c.reqID, StatusCode: status})
	}
	writeJSON(c.w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
