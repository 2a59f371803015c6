package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/internal/cache"
)

// TestAstroPolicyReadsTheOperationTable: the limiter class, the cache kind
// and scopes, the metrics label and the retry rule of every Astro request
// come from the operation table, never from its URL.
func TestAstroPolicyReadsTheOperationTable(t *testing.T) {
	t.Parallel()
	p := astroPolicy{}
	classes := map[astro.MethodClass]string{astro.ClassRead: "GET", astro.ClassWrite: "POST", astro.ClassDelete: "DELETE"}
	for _, op := range astro.Operations() {
		// The URL is nonsense on purpose: nothing may read it.
		r := httptest.NewRequest(op.Method, "/v1/organizations/evil/../x", nil)
		r = r.WithContext(astro.WithCall(context.Background(), astro.Call{Operation: op, OrganizationID: "org1"}))
		c := p.Describe(r)
		assert.Equal(t, op.ID, c.Operation, "metrics label")
		assert.Equal(t, classes[op.Class], c.Class, "%s: limiter class", op.ID)
		if op.Class == astro.ClassRead {
			assert.Equal(t, cache.Read, c.Kind, op.ID)
		} else {
			assert.Equal(t, cache.Write, c.Kind, op.ID)
		}
		if op.Scope == astro.ScopeOrganization {
			assert.Equal(t, []string{"org:org1", "organizations"}, c.Scopes, op.ID)
		} else {
			assert.Equal(t, []string{"organizations"}, c.Scopes, op.ID)
		}
		// A 429 or a refused connection: the server did not act.
		assert.True(t, p.Retryable(r, http.StatusTooManyRequests, nil), op.ID)
		// A 503 or a reset: it may have acted; only a create must not be
		// repeated.
		assert.Equal(t, !op.Create, p.Retryable(r, http.StatusServiceUnavailable, nil), op.ID)
		assert.Equal(t, !op.Create, p.Retryable(r, 0, &netErr{syscall.ECONNRESET}), op.ID)
		assert.False(t, p.Retryable(r, http.StatusBadRequest, nil), op.ID)
		assert.False(t, p.Retryable(r, http.StatusOK, nil), op.ID)
		assert.False(t, p.Retryable(r, 0, context.DeadlineExceeded), op.ID)
	}

	// A request built outside the table is a write that is never cached
	// nor repeated once it may have been sent.
	r := httptest.NewRequest(http.MethodPost, "/v1/organizations/o/new-thing", nil)
	c := p.Describe(r)
	assert.Equal(t, "other", c.Operation)
	assert.Equal(t, "POST", c.Class)
	assert.Equal(t, cache.Pass, c.Kind)
	assert.False(t, p.Retryable(r, http.StatusBadGateway, nil))
}

type netErr struct{ err error }

func (e *netErr) Error() string   { return e.err.Error() }
func (e *netErr) Unwrap() error   { return e.err }
func (e *netErr) Timeout() bool   { return false }
func (e *netErr) Temporary() bool { return false }
