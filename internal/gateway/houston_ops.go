package gateway

import (
	"io"
	"net/http"

	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/cache"
)

// houstonBody reads a Houston request's body again (the cache transport
// leaves GetBody set).
func houstonBody(r *http.Request) []byte {
	if r.GetBody == nil {
		return nil
	}
	rc, err := r.GetBody()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	return b
}

// houstonRead reports a query (safe to repeat), as opposed to a mutation.
func houstonRead(rules cache.Rules, r *http.Request) bool {
	kind, _ := rules.Classify(r, houstonBody(r))
	return kind == cache.Read
}

// houstonOperation labels a Houston request with its operation name, which
// the client put on the request.
func houstonOperation(r *http.Request) string {
	if name := houston.OperationName(r); name != "" {
		return name
	}
	return "anonymous"
}
