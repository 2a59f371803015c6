package graph

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"slices"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/limiter"
)

// Astro has no log stream: the gateway polls GetDeploymentLogs, one GET per
// interval through the caller's client (so within the caller's rate budget:
// the limiter queues a poll rather than exceed it), and sends the lines it
// has not sent before, oldest first.
//
// Windows. The first poll reads the last astroLogLookback (Astro's logs
// arrive through a pipeline, with a lag; it is also Astro's smallest
// range). Each later poll reads from astroLogOverlap before the newest line
// seen (lines that arrive late are still caught; the ones already sent are
// dropped by key), or from that line itself when the previous page was full
// (so a burst larger than a page is read page by page). Lines older than
// the window are forgotten, so memory stays bounded.

const (
	astroLogLookback = time.Minute
	astroLogLimit    = 1000
	// astroLogFailures is how many polls in a row may fail transiently
	// (rate limited, unreachable, 5xx) before the stream gives up.
	astroLogFailures = 3
)

// astroLogFetcher reads one page of an Astro deployment's logs. It is the
// seam between the poller and the Astro client: the real one is
// logs_astro_client.go (GetLogs), tests use a fake.
type astroLogFetcher interface {
	FetchLogs(ctx context.Context, organizationID, deploymentID string, q astroLogQuery) ([]astroLogEntry, error)
}

// astroLogQuery asks for the lines of Sources (upstream names, never empty)
// written in [Start, End) that contain Search, oldest first, at most Limit.
type astroLogQuery struct {
	Sources    []string
	Search     string
	Start, End time.Time
	Limit      int
}

// astroLogEntry is one line as Astro sent it.
type astroLogEntry struct {
	Raw    string
	Source string
	Time   time.Time
}

func (e astroLogEntry) key() string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s", e.Time.UnixNano(), e.Source, e.Raw)
	return fmt.Sprintf("%016x", h.Sum64())
}

// astroLogs starts polling an Astro deployment's logs. The first poll runs
// before it returns, so a refusal (no token, no such deployment) fails the
// subscription itself.
func (r *Resolver) astroLogs(ctx context.Context, globalID, org, dep string, f logFilter) (<-chan *model.DeploymentLogLine, error) {
	c, err := loader.For(ctx).AstroClient()
	if err != nil {
		return nil, err
	}
	fetcher := newAstroLogFetcher
	if r.astroLogFetcher != nil {
		fetcher = r.astroLogFetcher
	}
	p := &astroPoller{fetch: fetcher(c), org: org, dep: dep, globalID: globalID, search: f.search,
		overlap: 2 * r.pollInterval(), seen: map[string]time.Time{}, now: r.now}
	for _, s := range f.sources {
		p.sources = append(p.sources, logSourceNames[s])
	}
	if len(p.sources) == 0 {
		for _, s := range model.AllLogSource {
			p.sources = append(p.sources, logSourceNames[s])
		}
	}
	p.start = r.now().Add(-astroLogLookback)
	first, err := p.poll(ctx)
	if err != nil {
		return nil, astroLogErr(err, dep)
	}
	ticks, stop := r.ticker()
	out := make(chan *model.DeploymentLogLine)
	go func() {
		defer close(out)
		defer stop()
		if !p.emit(ctx, out, first) {
			return
		}
		failures := 0
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
			}
			lines, err := p.poll(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil && transient(err) && failures+1 < astroLogFailures:
				failures++
				continue
			case err != nil:
				failStream(ctx, astroLogErr(err, dep))
				return
			}
			failures = 0
			if !p.emit(ctx, out, lines) {
				return
			}
		}
	}()
	return out, nil
}

func (r *Resolver) pollInterval() time.Duration {
	if r.LogPollInterval > 0 {
		return r.LogPollInterval
	}
	return DefaultLogPollInterval
}

// ticker returns the poll clock and the func that stops it.
func (r *Resolver) ticker() (<-chan time.Time, func()) {
	if r.astroTicks != nil {
		return r.astroTicks()
	}
	t := time.NewTicker(r.pollInterval())
	return t.C, t.Stop
}

// astroPoller is the state of one deployment's polling.
type astroPoller struct {
	fetch              astroLogFetcher
	org, dep, globalID string
	sources            []string
	search             string
	overlap            time.Duration
	start              time.Time            // the next window's start
	seen               map[string]time.Time // keys of the lines sent, with their times
	now                func() time.Time
}

// poll reads the next window and returns its new lines, oldest first, and
// moves the window on.
func (p *astroPoller) poll(ctx context.Context) ([]astroLogEntry, error) {
	now := p.now()
	page, err := p.fetch.FetchLogs(ctx, p.org, p.dep, astroLogQuery{Sources: p.sources, Search: p.search, Start: p.start, End: now, Limit: astroLogLimit})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(page, func(a, b astroLogEntry) int { return a.Time.Compare(b.Time) })
	var fresh []astroLogEntry
	for _, e := range page {
		k := e.key()
		if _, ok := p.seen[k]; ok {
			continue
		}
		p.seen[k] = e.Time
		fresh = append(fresh, e)
	}
	floor := now.Add(-astroLogLookback)
	next := p.start
	if len(page) > 0 {
		newest := page[len(page)-1].Time
		next = newest.Add(-p.overlap)
		if len(page) >= astroLogLimit {
			next = newest
		}
	}
	p.start = next
	if p.start.Before(floor) && len(page) < astroLogLimit {
		p.start = floor
	}
	for k, t := range p.seen {
		if t.Before(p.start.Add(-time.Second)) {
			delete(p.seen, k)
		}
	}
	return fresh, nil
}

func (p *astroPoller) emit(ctx context.Context, out chan<- *model.DeploymentLogLine, lines []astroLogEntry) bool {
	for _, e := range lines {
		line := &model.DeploymentLogLine{
			ID: logLineID(model.PlatformAstro, p.dep, e.key()), DeploymentID: p.globalID, Platform: model.PlatformAstro,
			Timestamp: lineTime(e.Time), Source: logSource(e.Source), Message: e.Raw,
		}
		if !send(ctx, out, line) {
			return false
		}
	}
	return true
}

// transient reports a failure worth another poll: rate limited, upstream
// unreachable or failing (5xx).
func transient(err error) bool {
	var (
		we  *limiter.WaitError
		rle *astro.RateLimitError
		ae  *astro.Error
		ne  net.Error
	)
	switch {
	case errors.As(err, &we), errors.As(err, &rle), errors.As(err, &ne):
		return true
	case errors.As(err, &ae):
		return ae.StatusCode >= 500
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func astroLogErr(err error, dep string) error {
	if astro.IsNotFound(err) {
		return &fault.NotFoundError{Backend: fault.Astro, Kind: "deployment", ID: dep}
	}
	return fault.Upstream(fault.Astro, err)
}
