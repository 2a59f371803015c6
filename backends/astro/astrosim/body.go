package astrosim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// maxBodyBytes caps a request body; the largest the API takes (a bulk
// create of 1000 ranges, a Deployment with many variables) is far smaller.
const maxBodyBytes = 1 << 20

// decode reads the JSON request body into v. Like the API, it ignores
// fields it does not know; a missing, oversized or malformed body, or a
// field of the wrong JSON type, is a 400 that names the problem.
func (c *call) decode(v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		return badRequest("the request body could not be read: %v", err)
	case len(data) > maxBodyBytes:
		return badRequest("the request body is larger than %d bytes", maxBodyBytes)
	case len(bytes.TrimSpace(data)) == 0:
		return badRequest("the request body is required")
	}
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalidField(te.Field, "type", "must be %s, not a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
		}
		return badRequest("the request body is not valid JSON: %v", err)
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int64", "float64":
		return "a number"
	case "slice":
		return "an array"
	default:
		return "an object"
	}
}

// badRequest is a 400 for a request the API refuses as a whole.
func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Invalid request: "+format, args...)
}

// invalidField is a 400 for one field of the body; the message names it
// and fieldErrors repeats it.
func invalidField(field, code, format string, args ...any) *apiError {
	var k checker
	k.fail(field, code, format, args...)
	return k.err()
}

// checker collects the failed constraints of a request body. Its err is a
// 400 whose message names the first failed field, with every failure in
// fieldErrors.
type checker struct {
	errs []fieldError
}

func (k *checker) fail(field, code, format string, args ...any) {
	k.errs = append(k.errs, fieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// required records a missing required field and reports whether it is
// present.
func (k *checker) required(field string, present bool) bool {
	if !present {
		k.fail(field, "required", "is required")
	}
	return present
}

// text checks an optional string: at most maxLen characters (0: no limit),
// not empty when nonEmpty.
func (k *checker) text(field string, v *string, maxLen int, nonEmpty bool) {
	switch {
	case v == nil:
	case nonEmpty && strings.TrimSpace(*v) == "":
		k.fail(field, "required", "must not be empty")
	case maxLen > 0 && len([]rune(*v)) > maxLen:
		k.fail(field, "max", "must be at most %d characters long", maxLen)
	}
}

// requiredText checks a required string.
func (k *checker) requiredText(field string, v *string, maxLen int) {
	if k.required(field, v != nil) {
		k.text(field, v, maxLen, true)
	}
}

// oneOf checks an optional enum value.
func (k *checker) oneOf(field string, v *string, allowed ...string) {
	if v != nil && !slices.Contains(allowed, *v) {
		k.fail(field, "oneof", "must be one of %s, not '%s'", strings.Join(allowed, ", "), *v)
	}
}

// intRange checks an optional integer against [lo, hi]; hi < lo means no
// maximum.
func (k *checker) intRange(field string, v *int, lo, hi int) {
	switch {
	case v == nil:
	case *v < lo:
		k.fail(field, "min", "must be at least %d", lo)
	case hi >= lo && *v > hi:
		k.fail(field, "max", "must be at most %d", hi)
	}
}

// items checks the length of an array against [lo, hi]; hi < lo means no
// maximum.
func (k *checker) items(field string, n, lo, hi int) {
	switch {
	case n < lo:
		k.fail(field, "min", "must have at least %d item(s)", lo)
	case hi >= lo && n > hi:
		k.fail(field, "max", "must have at most %d items", hi)
	}
}

func (k *checker) ok() bool { return len(k.errs) == 0 }

func (k *checker) err() *apiError {
	if len(k.errs) == 0 {
		return nil
	}
	first := k.errs[0]
	return &apiError{
		status:      http.StatusBadRequest,
		message:     fmt.Sprintf("Invalid request: field '%s' %s", first.Field, first.Message),
		fieldErrors: k.errs,
	}
}

// The spec's enum vocabularies that request bodies use (functions, so
// that no package-level slice can be changed).
func cloudProviders() []string { return []string{"AWS", "AZURE", "GCP"} }

func organizationRoles() []string {
	return []string{"ORGANIZATION_OWNER", "ORGANIZATION_OBSERVE_ADMIN", "ORGANIZATION_OBSERVE_MEMBER", "ORGANIZATION_BILLING_ADMIN", "ORGANIZATION_MEMBER"}
}

func workspaceRoleNames() []string {
	return []string{"WORKSPACE_OWNER", "WORKSPACE_OPERATOR", "WORKSPACE_AUTHOR", "WORKSPACE_MEMBER", "WORKSPACE_ACCESSOR"}
}

func astroMachines() []string { return []string{"A5", "A10", "A20", "A40", "A60", "A120", "A160"} }

func schedulerSizes() []string { return []string{"SMALL", "MEDIUM", "LARGE", "EXTRA_LARGE"} }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
