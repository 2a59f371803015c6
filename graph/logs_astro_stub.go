//go:build !astrologs

package graph

import (
	"context"
	"errors"

	"github.com/astro-gateway/gateway/backends/astro"
)

// This build's Astro client has no GetLogs yet: Astro deployments' logs
// cannot be followed. logs_astro_client.go (build tag astrologs) is the
// real adapter; once backends/astro has GetLogs, delete this file and that
// file's build tag.

// AstroLogsAvailable reports whether this build can follow Astro logs.
const AstroLogsAvailable = false

// errNoAstroLogs says this build cannot read Astro logs.
var errNoAstroLogs = errors.New("this build of the gateway cannot read Astro deployment logs (its Astro client has no GetLogs)")

func newAstroLogFetcher(*astro.Client) astroLogFetcher { return noAstroLogs{} }

type noAstroLogs struct{}

func (noAstroLogs) FetchLogs(context.Context, string, string, astroLogQuery) ([]astroLogEntry, error) {
	return nil, errNoAstroLogs
}
