package graph

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/astro-gateway/gateway/internal/fault"
)

// check validates a mutation's input before any upstream call, for both
// platforms (Software mutations use it through inputs, which adds the
// request context for decoding ids). It keeps the first violation, as an
// *fault.InputError whose Path is the input path
// ("input.deployment.dedicated.name"); its methods do nothing once one is
// found. The rules are the spec's where GraphQL types cannot say them:
// lengths, ranges, list sizes, fields that go together or exclude each
// other, and @oneOf inputs given through variables (gqlparser checks
// @oneOf literals only).
type check struct{ err error }

func (c *check) fail(path, format string, args ...any) {
	if c.err == nil {
		c.err = &fault.InputError{Path: path, Message: fmt.Sprintf(format, args...)}
	}
}

// result is the first violation, or nil.
func (c *check) result() error { return c.err }

// id requires a non-blank id: an empty one would address another resource.
func (c *check) id(path, v string) {
	if strings.TrimSpace(v) == "" || v == "." || v == ".." {
		c.fail(path, "must be an Astro id, got %q", v)
	}
}

// required requires a non-blank string the spec requires.
func (c *check) required(path, v string) {
	if strings.TrimSpace(v) == "" {
		c.fail(path, "is required and must not be empty")
	}
}

func (c *check) maxLen(path, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		c.fail(path, "must be at most %d characters, got %d", n, utf8.RuneCountInString(v))
	}
}

func (c *check) maxLenPtr(path string, v *string, n int) {
	if v != nil {
		c.maxLen(path, *v, n)
	}
}

func (c *check) between(path string, v, lo, hi int) {
	if v < lo || v > hi {
		c.fail(path, "must be between %d and %d, got %d", lo, hi, v)
	}
}

func (c *check) betweenPtr(path string, v *int, lo, hi int) {
	if v != nil {
		c.between(path, *v, lo, hi)
	}
}

func (c *check) atLeast(path string, v, lo int) {
	if v < lo {
		c.fail(path, "must be at least %d, got %d", lo, v)
	}
}

// items bounds a list's length; hi < 0 means no upper bound.
func (c *check) items(path string, n, lo, hi int) {
	switch {
	case n < lo:
		c.fail(path, "needs at least %d item(s), got %d", lo, n)
	case hi >= 0 && n > hi:
		c.fail(path, "takes at most %d items, got %d", hi, n)
	}
}

// exactlyOne requires exactly one of a @oneOf input's fields.
func (c *check) exactlyOne(path, names string, set ...bool) {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	if n != 1 {
		c.fail(path, "give exactly one of %s, got %d", names, n)
	}
}

// together requires two fields of the input at parent to be given both
// or neither; the error names the one missing.
func (c *check) together(parent, a, b string, hasA, hasB bool) {
	if hasA != hasB {
		missing := a
		if hasA {
			missing = b
		}
		c.fail(join(parent, missing), "%s and %s go together: give both or neither", a, b)
	}
}

// exclusive forbids giving two fields of the input at parent at once; the
// error names the first.
func (c *check) exclusive(parent, a, b string, hasA, hasB bool) {
	if hasA && hasB {
		c.fail(join(parent, a), "%s and %s exclude each other: give one", a, b)
	}
}

// join appends a field to an input path ("" is the field's arguments).
func join(parent, field string) string {
	if parent == "" {
		return field
	}
	return parent + "." + field
}

// forbidden rejects a field that the input's other values rule out.
func (c *check) forbidden(path string, has bool, why string) {
	if has {
		c.fail(path, "is not allowed %s", why)
	}
}

// needs requires a field that the input's other values call for.
func (c *check) needs(path string, has bool, why string) {
	if !has {
		c.fail(path, "is required %s", why)
	}
}

// stringMap reads a JSON input that must be an object of strings
// (headers, labels).
func (c *check) stringMap(path string, v any) map[string]string {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "must be a JSON object of strings")
		return nil
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			c.fail(path+"."+k, "must be a string")
			return nil
		}
		out[k] = s
	}
	return out
}

// object reads a JSON input that must be an object (a connection's extra).
func (c *check) object(path string, v any) map[string]any {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "must be a JSON object")
		return nil
	}
	return m
}

func has[T any](p *T) bool { return p != nil }

func hasStr(p *string) bool { return p != nil && *p != "" }

func itoa(i int) string { return strconv.Itoa(i) }
