package gateway

import (
	"net/http"
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/internal/limiter"
)

// BackendOptions configure the upstream clients.
type BackendOptions struct {
	AstroURL   string // empty: no Astro backend
	HoustonURL string // empty: no Software backend
	Timeout    time.Duration
	UserAgent  string
	// AstroLimits are the per-token limits the gateway keeps to; zero value:
	// limiter.AstroLimits.
	AstroLimits limiter.Limits
}

// NewBackends builds the upstream clients. The Astro client's requests pass
// through a per-token limiter, so the gateway stays inside Astro's limits
// whatever its callers do.
func NewBackends(o BackendOptions) (*astro.Client, *houston.Client, error) {
	if o.AstroLimits == (limiter.Limits{}) {
		o.AstroLimits = limiter.AstroLimits
	}
	if o.UserAgent == "" {
		o.UserAgent = "astro-graphql-gateway"
	}
	var (
		a   *astro.Client
		h   *houston.Client
		err error
	)
	if o.AstroURL != "" {
		hc := &http.Client{Timeout: o.Timeout, Transport: limiter.New(o.AstroLimits).Transport(http.DefaultTransport)}
		if a, err = astro.NewClient(o.AstroURL, astro.WithHTTPClient(hc), astro.WithUserAgent(o.UserAgent)); err != nil {
			return nil, nil, err
		}
	}
	if o.HoustonURL != "" {
		hc := &http.Client{Timeout: o.Timeout}
		if h, err = houston.NewClient(o.HoustonURL, houston.WithHTTPClient(hc), houston.WithUserAgent(o.UserAgent)); err != nil {
			return nil, nil, err
		}
	}
	return a, h, nil
}
