package graph

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
	"github.com/astro-gateway/gateway/internal/limiter"
)

// fakeLogs answers FetchLogs from a script: one page or error per call.
type fakeLogs struct {
	mu      sync.Mutex
	script  []func() ([]astroLogEntry, error)
	queries []astroLogQuery
}

func (f *fakeLogs) FetchLogs(_ context.Context, org, dep string, q astroLogQuery) ([]astroLogEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if org != "org" || dep != "dep" {
		return nil, errors.New("wrong deployment")
	}
	f.queries = append(f.queries, q)
	if len(f.script) == 0 {
		return nil, nil
	}
	next := f.script[0]
	f.script = f.script[1:]
	return next()
}

func (f *fakeLogs) query(i int) astroLogQuery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries[i]
}

func logPage(es ...astroLogEntry) func() ([]astroLogEntry, error) {
	return func() ([]astroLogEntry, error) { return es, nil }
}

func failure(err error) func() ([]astroLogEntry, error) {
	return func() ([]astroLogEntry, error) { return nil, err }
}

// pollEnv is a Resolver wired to a fake fetcher, a hand-driven ticker and
// clock, and a request context with an Astro token.
type pollEnv struct {
	r       *Resolver
	fake    *fakeLogs
	ticks   chan time.Time
	now     time.Time
	mu      sync.Mutex
	stopped bool
	ctx     context.Context
	failure *streamFailure
}

func newPollEnv(t *testing.T, script ...func() ([]astroLogEntry, error)) *pollEnv {
	t.Helper()
	c, err := astro.NewClient("http://127.0.0.1:1/v1")
	require.NoError(t, err)
	e := &pollEnv{fake: &fakeLogs{script: script}, ticks: make(chan time.Time), now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), failure: &streamFailure{}}
	e.r = &Resolver{
		LogPollInterval: 5 * time.Second,
		astroLogFetcher: func(*astro.Client) astroLogFetcher { return e.fake },
		astroTicks: func() (<-chan time.Time, func()) {
			return e.ticks, func() { e.mu.Lock(); e.stopped = true; e.mu.Unlock() }
		},
		clock: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now },
	}
	l := loader.New(loader.Config{Astro: c}, loader.Credentials{AstroToken: "tok"})
	e.ctx = context.WithValue(loader.WithLoaders(t.Context(), l), streamFailureKey{}, e.failure)
	return e
}

// tick moves the clock on by d and fires the ticker.
func (e *pollEnv) tick(t *testing.T, d time.Duration) {
	t.Helper()
	e.mu.Lock()
	e.now = e.now.Add(d)
	now := e.now
	e.mu.Unlock()
	select {
	case e.ticks <- now:
	case <-time.After(5 * time.Second):
		t.Fatal("the poller is not waiting for a tick")
	}
}

func recv(t *testing.T, ch <-chan *model.DeploymentLogLine) *model.DeploymentLogLine {
	t.Helper()
	select {
	case l, ok := <-ch:
		require.True(t, ok, "the stream ended")
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no line")
		return nil
	}
}

func requireClosed(t *testing.T, ch <-chan *model.DeploymentLogLine) {
	t.Helper()
	select {
	case l, ok := <-ch:
		require.False(t, ok, "unexpected line %+v", l)
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end")
	}
}

func entry(at time.Time, src, raw string) astroLogEntry {
	return astroLogEntry{Raw: raw, Source: src, Time: at}
}

func TestAstroLogPoller(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	l1 := entry(base.Add(-20*time.Second), "scheduler", "one")
	l2 := entry(base.Add(-10*time.Second), "worker", "two")
	l3 := entry(base.Add(2*time.Second), "worker", "three")
	l4 := entry(base.Add(7*time.Second), "dag-processor", "four")
	e := newPollEnv(t,
		logPage(l2, l1), // out of order: sent sorted
		logPage(l2, l3), // l2 again (the windows overlap): sent once
		failure(&limiter.WaitError{RetryAfter: time.Second, Class: "read"}), // rate limited: try again next tick
		logPage(l4),
		failure(&astro.Error{StatusCode: 403, Message: "forbidden"}), // the stream ends with it
	)
	id := encodeID(typeAstroDeployment, "org", "dep")
	search := "e"
	ch, err := e.r.deploymentLogs(e.ctx, id, []model.LogSource{model.LogSourceWorker, model.LogSourceScheduler, model.LogSourceDagProcessor, model.LogSourceWorker}, &search)
	require.NoError(t, err)

	q := e.fake.query(0)
	assert.Equal(t, []string{"scheduler", "worker", "dag-processor"}, q.Sources, "sources in enum order, each once")
	assert.Equal(t, "e", q.Search)
	assert.Equal(t, base.Add(-time.Minute), q.Start, "the first poll reads the last minute")
	assert.Equal(t, base, q.End)
	assert.Equal(t, astroLogLimit, q.Limit)

	got := []*model.DeploymentLogLine{recv(t, ch), recv(t, ch)}
	assert.Equal(t, "one", got[0].Message)
	assert.Equal(t, "two", got[1].Message)
	assert.Equal(t, model.LogSourceScheduler, *got[0].Source)
	assert.Equal(t, id, got[0].DeploymentID)
	assert.Equal(t, model.PlatformAstro, got[0].Platform)
	assert.Equal(t, l1.Time, got[0].Timestamp)

	e.tick(t, 5*time.Second)
	assert.Equal(t, "three", recv(t, ch).Message)
	q = e.fake.query(1)
	assert.Equal(t, l2.Time.Add(-10*time.Second), q.Start, "from two intervals before the newest line")
	assert.Equal(t, base.Add(5*time.Second), q.End)

	e.tick(t, 5*time.Second) // rate limited
	e.tick(t, 5*time.Second)
	four := recv(t, ch)
	assert.Equal(t, "four", four.Message)
	assert.Equal(t, model.LogSourceDagProcessor, *four.Source)

	e.tick(t, 5*time.Second)
	requireClosed(t, ch)
	err = e.failure.get()
	require.Error(t, err)
	assert.Equal(t, fault.CodeForbidden, ErrorPresenter(e.ctx, err).Extensions["code"])
	e.mu.Lock()
	assert.True(t, e.stopped, "the ticker is stopped")
	e.mu.Unlock()
}

func TestAstroLogPollerStopsWithTheSubscriber(t *testing.T) {
	t.Parallel()
	e := newPollEnv(t, logPage(entry(time.Date(2026, 11, 1, 11, 59, 59, 0, time.UTC), "scheduler", "only")))
	ctx, cancel := context.WithCancel(e.ctx)
	ch, err := e.r.deploymentLogs(ctx, encodeID(typeAstroDeployment, "org", "dep"), nil, nil)
	require.NoError(t, err)
	assert.Len(t, e.fake.query(0).Sources, len(model.AllLogSource), "no sources: every source")
	assert.Equal(t, "only", recv(t, ch).Message)
	cancel()
	requireClosed(t, ch)
	assert.NoError(t, e.failure.get(), "a stop is not a failure")
}

func TestAstroLogPollerFirstPollFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		code string
	}{
		{&astro.Error{StatusCode: 404}, fault.CodeNotFound},
		{&astro.Error{StatusCode: 401}, fault.CodeUnauthenticated},
	} {
		e := newPollEnv(t, failure(tc.err))
		_, err := e.r.deploymentLogs(e.ctx, encodeID(typeAstroDeployment, "org", "dep"), nil, nil)
		require.Error(t, err)
		assert.Equal(t, tc.code, ErrorPresenter(e.ctx, err).Extensions["code"])
	}
}

func TestAstroLogPollerFullPages(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	full := make([]astroLogEntry, astroLogLimit)
	for i := range full {
		full[i] = entry(base.Add(-50*time.Second+time.Duration(i)*time.Millisecond), "worker", "burst")
	}
	e := newPollEnv(t, logPage(full...), logPage(entry(base.Add(time.Second), "worker", "after")))
	ch, err := e.r.deploymentLogs(e.ctx, encodeID(typeAstroDeployment, "org", "dep"), nil, nil)
	require.NoError(t, err)
	for range astroLogLimit {
		recv(t, ch)
	}
	e.tick(t, 5*time.Second)
	assert.Equal(t, "after", recv(t, ch).Message)
	assert.Equal(t, full[len(full)-1].Time, e.fake.query(1).Start, "after a full page, the next starts at its last line")
}

func TestDeploymentLogsBadIDs(t *testing.T) {
	t.Parallel()
	e := newPollEnv(t)
	for _, id := range []string{"garbage", encodeID(typeAstroCluster, "org", "c")} {
		_, err := e.r.deploymentLogs(e.ctx, id, nil, nil)
		var in *fault.InputError
		require.ErrorAs(t, err, &in, id)
		assert.Equal(t, "deploymentId", in.Path)
	}
}
