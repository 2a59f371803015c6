package houstonsim

import (
	"context"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// msgNoPermission is the message Houston gives for every refusal, whether
// the token is missing, unknown or lacks a permission. The Astro CLI matches
// it verbatim.
const msgNoPermission = "You do not have the appropriate permissions for that"

// msgNotFound is Houston's message for an unknown id in a write.
const msgNotFound = "The requested resource was not found"

// Error codes put in extensions.code, as Apollo Server and Houston spell them.
const (
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
	codeBadUserInput    = "BAD_USER_INPUT"
	codeNotFound        = "RESOURCE_NOT_FOUND"
	codeInternal        = "INTERNAL_SERVER_ERROR"
	codeAlreadyInvited  = "USER_ALREADY_INVITED"
	codeDuplicateEmail  = "DUPLICATE_EMAIL"
)

// Labels of callers that hold no known token, as they appear in
// Stats.PeakPerSecond.
const (
	labelAnonymous = "anonymous" // no Authorization header
	labelInvalid   = "invalid"   // a token the simulator does not know
)

// principal is an authenticated user or service account.
type principal struct {
	label            string
	userID           string
	serviceAccountID string
}

// caller is whoever sent a request: a principal, or nobody (p == nil).
type caller struct {
	label string
	p     *principal
}

type callerKey struct{}

func withCaller(ctx context.Context, c caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// authenticated returns the request's principal, or the UNAUTHENTICATED
// error Houston gives for a missing or unknown token.
func authenticated(ctx context.Context) (*principal, error) {
	c, _ := ctx.Value(callerKey{}).(caller)
	if c.p == nil {
		return nil, gqlError(codeUnauthenticated, msgNoPermission)
	}
	return c.p, nil
}

// credential extracts the token from an Authorization header value. Houston
// takes the raw token and strips an optional "Bearer " prefix.
func credential(header string) string {
	h := strings.TrimSpace(header)
	if len(h) > len("bearer ") && strings.EqualFold(h[:len("bearer ")], "bearer ") {
		h = strings.TrimSpace(h[len("bearer "):])
	}
	return h
}

func gqlError(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

func errForbidden() error { return gqlError(codeForbidden, msgNoPermission) }

func errNotFound() error { return gqlError(codeNotFound, msgNotFound) }

func errBadInput(message string) error { return gqlError(codeBadUserInput, message) }

func errRequired(arg string) error {
	return errBadInput("A required argument was not sent: " + arg)
}
