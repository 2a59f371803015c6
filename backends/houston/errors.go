package houston

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// HTTPError is a non-200 answer from Houston. Body is kept as Houston sent it
// (bounded); Errors holds the GraphQL errors when the body had any.
type HTTPError struct {
	StatusCode int
	Body       []byte
	Errors     Errors
}

func (e *HTTPError) Error() string {
	if len(e.Errors) > 0 {
		return fmt.Sprintf("houston: HTTP %d: %s", e.StatusCode, e.Errors[0].Message)
	}
	b := e.Body
	if len(b) > 200 {
		b = b[:200]
	}
	return fmt.Sprintf("houston: HTTP %d: %s", e.StatusCode, strings.TrimSpace(string(b)))
}

// TransportError is a failure to reach Houston at all.
type TransportError struct{ Err error }

func (e *TransportError) Error() string { return "houston: unreachable: " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// GraphQLError is one entry of a GraphQL response's errors list.
type GraphQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (e *GraphQLError) Error() string { return "houston: " + e.Message }

// Code is extensions.code, or "".
func (e *GraphQLError) Code() string {
	s, _ := e.Extensions["code"].(string)
	return s
}

// Root is the first path element (a root field name or alias), or "".
func (e *GraphQLError) Root() string {
	if len(e.Path) == 0 {
		return ""
	}
	s, _ := e.Path[0].(string)
	return s
}

// Errors is the errors list of a GraphQL response.
type Errors []*GraphQLError

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "houston: no errors"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
}

// Unwrap lets errors.As find each *GraphQLError.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// UnmarshalJSON tolerates a null errors list.
func (es *Errors) UnmarshalJSON(b []byte) error {
	var list []*GraphQLError
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*es = list
	return nil
}

// forRoot returns the errors whose path starts at root; errors with no path
// apply to every root field.
func (es Errors) forRoot(root string) error {
	var out Errors
	for _, e := range es {
		if r := e.Root(); r == "" || r == root {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Unauthenticated and Forbidden messages Houston uses (reference §2.3).
const (
	msgNoPermission  = "You do not have the appropriate permissions for that"
	msgTokenRefresh  = "AUTH_TOKEN_REFRESH_FAILED"
	codeUnauthorized = "UNAUTHENTICATED"
	codeForbidden    = "FORBIDDEN"
)

// IsUnauthenticated reports whether err says the token is missing or invalid.
func IsUnauthenticated(err error) bool {
	var ge *GraphQLError
	if errors.As(err, &ge) {
		return ge.Code() == codeUnauthorized || ge.Message == msgTokenRefresh || ge.Message == "Invalid JWT"
	}
	var he *HTTPError
	return errors.As(err, &he) && he.StatusCode == 401
}

// IsForbidden reports whether err says the token may not see the object.
func IsForbidden(err error) bool {
	var ge *GraphQLError
	if errors.As(err, &ge) {
		return ge.Code() == codeForbidden || (ge.Code() == "" && ge.Message == msgNoPermission)
	}
	var he *HTTPError
	return errors.As(err, &he) && he.StatusCode == 403
}
