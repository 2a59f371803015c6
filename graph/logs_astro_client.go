package graph

import (
	"context"

	"github.com/astro-gateway/gateway/backends/astro"
)

// The Astro log poller reads through the Astro client's GetLogs
// (GET /organizations/{organizationId}/deployments/{deploymentId}/logs).

func newAstroLogFetcher(c *astro.Client) astroLogFetcher { return astroLogs{c} }

// astroLogs adapts astro.DeploymentsService.GetLogs to astroLogFetcher.
type astroLogs struct{ c *astro.Client }

func (a astroLogs) FetchLogs(ctx context.Context, organizationID, deploymentID string, q astroLogQuery) ([]astroLogEntry, error) {
	opts := &astro.GetDeploymentLogsOptions{SearchText: q.Search, StartDate: &q.Start, EndDate: &q.End, Limit: q.Limit}
	for _, s := range q.Sources {
		opts.Sources = append(opts.Sources, astro.LogSource(s))
	}
	page, _, err := a.c.Deployments.GetLogs(ctx, organizationID, deploymentID, opts)
	if err != nil {
		return nil, err
	}
	out := make([]astroLogEntry, len(page.Results))
	for i, e := range page.Results {
		out[i] = astroLogEntry{Raw: e.Raw, Source: string(e.Source), Time: e.Time()}
	}
	return out, nil
}
