package graph

import (
	"time"

	"github.com/astro-gateway/gateway/backends/astro"
)

// Resolver holds the gateway's dependencies; one per server, shared by every
// request. Per-request state lives in the loaders (see graph/loader).
type Resolver struct {
	// LogPollInterval is how often Subscription.deploymentLogs polls an
	// Astro deployment's logs (default DefaultLogPollInterval). Every poll
	// is one GET through the caller's rate-limited client.
	LogPollInterval time.Duration

	// astroLogFetcher reads Astro logs through a client; nil: the Astro
	// client's GetLogs (logs_astro_client.go). Tests put a fake here.
	astroLogFetcher func(*astro.Client) astroLogFetcher
	// astroTicks, if set, replaces the poll ticker (tests).
	astroTicks func() (<-chan time.Time, func())
	// clock, if set, replaces time.Now for the Astro poller (tests).
	clock func() time.Time
}

func (r *Resolver) now() time.Time {
	if r.clock != nil {
		return r.clock()
	}
	return time.Now()
}

// DefaultLogPollInterval is Resolver.LogPollInterval's default.
const DefaultLogPollInterval = 5 * time.Second
