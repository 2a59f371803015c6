package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/limiter"
)

// ErrorPresenter turns every error a resolver returns into a GraphQL error
// with extensions.code, and, for upstream failures, the backend, the upstream
// status and request id, and retryAfter (seconds) when known.
func ErrorPresenter(ctx context.Context, err error) *gqlerror.Error {
	gerr := scrubbed(ctx, present(ctx, err))
	// The holder of a taken key is named after scrubbing: its ids are the
	// gateway's own values, not upstream text, and a global id (base64 of
	// the organization id …) may share a run with a JWT of that
	// organization.
	var ex *ExistsError
	if errors.As(err, &ex) {
		gerr.Extensions["existingId"] = ex.ExistingID
		gerr.Extensions["existingUpstreamId"] = ex.ExistingUpstreamID
	}
	return gerr
}

// scrubbed removes the caller's credentials — whole, or any run of 8 or
// more of their characters — from the error's message and its string
// extensions: an upstream may echo a token in its error text.
func scrubbed(ctx context.Context, gerr *gqlerror.Error) *gqlerror.Error {
	c, ok := loader.CredentialsOf(ctx)
	if !ok {
		return gerr
	}
	secrets := c.Secrets()
	gerr.Message = fault.Scrub(gerr.Message, secrets...)
	for k, v := range gerr.Extensions {
		if s, ok := v.(string); ok {
			gerr.Extensions[k] = fault.Scrub(s, secrets...)
		}
	}
	return gerr
}

// present is ErrorPresenter before scrubbing.
func present(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	if !requestFault(ctx, err, gerr.Extensions) {
		classify(ctx, err, gerr.Extensions)
	}
	return gerr
}

// requestFault codes the errors about the request itself — gqlgen's parse
// and validation errors, an unreadable body, arguments that do not fit
// their types — and reports whether err was one.
func requestFault(ctx context.Context, err error, ext map[string]any) bool {
	var own *gqlerror.Error
	if errors.As(err, &own) && own.Extensions["code"] != nil && errors.Unwrap(err) == nil {
		// gqlgen's own parse and validation errors already carry a code. A
		// variable that does not fit its type (a missing required input
		// field, an unknown enum value) is the caller's input, though, and
		// its path ("variable.input.name") names the field.
		if len(own.Path) > 1 && own.Path[0] == ast.PathName("variable") && own.Extensions["code"] == errcode.ValidationFailed {
			ext["code"] = fault.CodeBadUserInput
			ext["field"] = own.Path[1:].String()
		}
		return true
	}
	if own != nil && own == err && len(own.Path) == 0 && !graphql.HasOperationContext(ctx) {
		// The request itself could not be read (a body that is not JSON, or
		// too large): gqlgen reports it before any operation exists.
		ext["code"] = fault.CodeBadUserInput
		return true
	}
	if own != nil && own == err && len(own.Path) == 0 && graphql.GetFieldContext(ctx) == nil {
		// An error about the request that gqlgen or an extension raises
		// before any field runs (malformed APQ extensions, say): the
		// caller's request is at fault.
		ext["code"] = fault.CodeBadUserInput
		return true
	}
	if field, ok := argumentError(ctx, own); ok {
		// A value that does not fit its scalar (a malformed Time) fails
		// while the field's arguments are read, before its resolver runs.
		ext["code"] = fault.CodeBadUserInput
		ext["field"] = field
		return true
	}
	return false
}

// classify codes an error a resolver, loader or backend returned.
func classify(ctx context.Context, err error, ext map[string]any) {
	var be *fault.BackendError
	if errors.As(err, &be) {
		ext["backend"] = be.Backend
	}
	var ne *fault.NamedError
	if errors.As(err, &ne) {
		ext["backendName"] = ne.Name
	}
	var (
		nf    *fault.NotFoundError
		in    *fault.InputError
		ae    *astro.Error
		rle   *astro.RateLimitError
		we    *limiter.WaitError
		he    *houston.HTTPError
		te    *houston.TransportError
		gqe   *houston.GraphQLError
		ue    *houston.UnsupportedError
		nerr  net.Error
		ctxEr = errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
	)
	var (
		ou *OutcomeUnknownError
		se *idempotency.StoreError
	)
	switch {
	case errors.As(err, &ou):
		// Before the request's own deadline: a create cut short by it is
		// still one whose outcome is unknown.
		ext["code"] = fault.CodeOutcomeUnknown
		ext["backend"] = ou.Backend
		if errors.As(err, &ae) {
			ext["status"] = ae.StatusCode
			if ae.RequestID != "" {
				ext["requestId"] = ae.RequestID
			}
		}
	case errors.As(err, &se):
		ext["code"] = fault.CodeUpstreamUnavailable
	case ctxEr && ctx.Err() != nil:
		// The request itself ran out of time (or its client left): not
		// the upstream's fault.
		ext["code"] = fault.CodeTimeout
	case errors.As(err, &in):
		ext["code"] = fault.CodeBadUserInput
		ext["field"] = in.Path
	case errors.As(err, &ue):
		ext["code"] = fault.CodeUnsupportedByBackendVersion
		ext["backend"] = fault.Houston
		ext["backendVersion"] = ue.Version
		ext["feature"] = ue.Feature
	case errors.As(err, &nf):
		ext["code"] = fault.CodeNotFound
		ext["backend"] = nf.Backend
	case errors.Is(err, fault.ErrNoToken):
		ext["code"] = fault.CodeUnauthenticated
	case errors.Is(err, fault.ErrNotConfigured):
		ext["code"] = fault.CodeNotConfigured
	case errors.As(err, &we):
		ext["code"] = fault.CodeRateLimited
		ext["retryAfter"] = int(math.Ceil(we.RetryAfter.Seconds()))
	case errors.As(err, &rle):
		ext["code"] = fault.CodeRateLimited
		ext["status"] = http.StatusTooManyRequests
		if rle.RetryAfter > 0 {
			ext["retryAfter"] = int(math.Ceil(rle.RetryAfter.Seconds()))
		}
		if rle.Err != nil && rle.Err.RequestID != "" {
			ext["requestId"] = rle.Err.RequestID
		}
	case errors.As(err, &ae):
		astroExtensions(ext, ae)
	case houston.IsUnauthenticated(err):
		ext["code"] = fault.CodeUnauthenticated
	case houston.IsForbidden(err):
		ext["code"] = fault.CodeForbidden
	case errors.As(err, &he):
		ext["code"] = codeForStatus(he.StatusCode)
		ext["status"] = he.StatusCode
	case errors.As(err, &te), ctxEr, errors.As(err, &nerr):
		ext["code"] = fault.CodeUpstreamUnavailable
	case errors.As(err, &gqe):
		ext["code"] = fault.CodeUpstreamError
		if c := gqe.Code(); c != "" {
			ext["upstreamCode"] = c
		}
	case be != nil:
		ext["code"] = fault.CodeUpstreamError
	default:
		ext["code"] = fault.CodeInternal
	}
}

// astroExtensions are what an Astro error answer says: the status, its
// code, the request id and the field errors of a validation failure.
func astroExtensions(ext map[string]any, ae *astro.Error) {
	ext["code"] = codeForStatus(ae.StatusCode)
	ext["status"] = ae.StatusCode
	if ae.RequestID != "" {
		ext["requestId"] = ae.RequestID
	}
	if len(ae.FieldErrors) > 0 {
		fes := make([]map[string]any, len(ae.FieldErrors))
		for i, fe := range ae.FieldErrors {
			fes[i] = map[string]any{"field": fe.Field, "code": fe.Code, "message": fe.Message}
		}
		ext["fieldErrors"] = fes
	}
}

// argumentError reports whether err arose while gqlgen read the current
// field's arguments: the field has arguments but none were set, and the
// error's path runs past the field into them. field is that rest of the
// path ("startDate", "input.deployment.name").
func argumentError(ctx context.Context, err *gqlerror.Error) (field string, ok bool) {
	fc := graphql.GetFieldContext(ctx)
	if err == nil || fc == nil || fc.Args != nil || fc.Field.Field == nil || len(fc.Field.Arguments) == 0 {
		return "", false
	}
	base := fc.Path()
	if len(err.Path) <= len(base) {
		return "", false
	}
	return err.Path[len(base):].String(), true
}

func codeForStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return fault.CodeUnauthenticated
	case status == http.StatusForbidden:
		return fault.CodeForbidden
	case status == http.StatusNotFound:
		return fault.CodeNotFound
	case status == http.StatusTooManyRequests:
		return fault.CodeRateLimited
	case status >= 400 && status < 500:
		return fault.CodeBadUserInput
	}
	return fault.CodeUpstreamError
}

// Recover turns a panic in a resolver into an INTERNAL error for the client
// and a log line for us; the panic value never reaches the client.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		path := ""
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			path = fc.Path().String()
		}
		log.ErrorContext(ctx, "resolver panic", "path", path, "panic", fmt.Sprint(p))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": fault.CodeInternal}}
	}
}
