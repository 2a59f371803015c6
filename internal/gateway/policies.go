package gateway

import (
	"net/http"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/upstream"
)

// astroPolicy tells the transport chain what an Astro request is, from the
// operation the client named ([astro.CallOf]) and the client's operation
// table: nothing here parses a URL.
type astroPolicy struct{}

// accountScope is the cache scope of the operations above any one
// organization; a write to any organization retires it too, since the
// list of organizations shows them.
const accountScope = "organizations"

// Describe implements upstream.Policy.
func (astroPolicy) Describe(r *http.Request) upstream.Call {
	call, ok := astro.CallOf(r)
	if !ok {
		// A request built outside the table (a caller's own NewRequest):
		// limited by its method, retried as a create would be, never
		// cached, and counted under one label.
		return upstream.Call{Operation: "other", Class: astroClass(astro.ClassOf(r.Method)), Kind: cache.Pass}
	}
	op := call.Operation
	c := upstream.Call{Operation: op.ID, Class: astroClass(op.Class), Scopes: []string{accountScope}, Route: op.Path}
	if op.Scope == astro.ScopeOrganization {
		c.Scopes = []string{"org:" + call.OrganizationID, accountScope}
	}
	if op.Class == astro.ClassRead {
		c.Kind = cache.Read
	} else {
		c.Kind = cache.Write
	}
	return c
}

// Retryable implements upstream.Policy with [astro.Retryable], the one
// place that decides Astro retries.
func (astroPolicy) Retryable(r *http.Request, status int, err error) bool {
	create := true // a request outside the table is treated as a create
	if call, ok := astro.CallOf(r); ok {
		create = call.Operation.Create
	}
	if err == nil {
		switch {
		case status == http.StatusTooManyRequests:
			err = &astro.RateLimitError{}
		case status >= 400:
			err = &astro.Error{StatusCode: status}
		default:
			return false
		}
	}
	return astro.Retryable(r.Method, create, err)
}

// astroClass is the limiter class of an Astro method class.
func astroClass(c astro.MethodClass) string {
	switch c {
	case astro.ClassRead:
		return "GET"
	case astro.ClassDelete:
		return "DELETE"
	}
	return "POST"
}

// houstonPolicy tells the transport chain what a Houston request is, from
// the operation name and kind the client tagged it with.
type houstonPolicy struct{ installation string }

// Describe implements upstream.Policy. Every Houston request is a POST of
// one GraphQL document; it is limited in the class of its kind (queries
// as reads, mutations as writes) when HOUSTON_RATE_LIMITS is set.
func (p houstonPolicy) Describe(r *http.Request) upstream.Call {
	name := houston.OperationName(r)
	if name == "" {
		name = "anonymous"
	}
	scopes := []string{"houston:" + p.installation}
	mutation, ok := houston.IsMutation(r)
	switch {
	case !ok:
		return upstream.Call{Operation: name, Class: "POST", Kind: cache.Pass}
	case mutation:
		return upstream.Call{Operation: name, Class: "POST", Kind: cache.Write, Scopes: scopes}
	}
	return upstream.Call{Operation: name, Class: "GET", Kind: cache.Read, Scopes: scopes}
}

// Retryable implements upstream.Policy: a query may be repeated, a
// mutation only when it certainly did not reach Houston.
func (houstonPolicy) Retryable(r *http.Request, status int, err error) bool {
	mutation, ok := houston.IsMutation(r)
	return upstream.Retryable(ok && !mutation, status, err)
}
