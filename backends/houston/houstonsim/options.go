package houstonsim

import "time"

// Names of the built-in datasets, for [WithDataset].
const (
	// Small is 4 workspaces and 30 deployments on 2 clusters: enough for
	// every role to see something different, small enough to read.
	Small = "small"
	// Bench is 24 workspaces and 2,400 deployments on 3 clusters, for load
	// and batching tests.
	Bench = "bench"
)

// DefaultVersion is the Houston version a [Sim] reports unless
// [WithVersion] says otherwise.
const DefaultVersion = "1.0.1"

// DefaultSeed is the seed of the dataset unless [WithSeed] says otherwise.
const DefaultSeed int64 = 1

// settings are what the options set; the zero value is never used, New
// starts from defaultSettings.
type settings struct {
	dataset    string
	seed       int64
	version    string
	minLatency time.Duration
	maxLatency time.Duration
	now        func() time.Time
}

func defaultSettings() settings {
	return settings{dataset: Small, seed: DefaultSeed, version: DefaultVersion, now: time.Now}
}

// Option configures a [Sim].
type Option func(*settings)

// WithDataset picks the dataset: [Small] (the default) or [Bench]. New
// panics on any other name.
func WithDataset(name string) Option { return func(s *settings) { s.dataset = name } }

// WithSeed sets the seed the dataset is generated from (default
// [DefaultSeed]). The same seed and dataset always give the same ids, names,
// dates and tokens.
func WithSeed(seed int64) Option { return func(s *settings) { s.seed = seed } }

// WithVersion sets the Houston version the simulator reports in
// appConfig.version (default [DefaultVersion]).
func WithVersion(v string) Option { return func(s *settings) { s.version = v } }

// WithLatency delays every API request by a random duration between
// minDelay and maxDelay, inclusive, before serving it (default: no delay). The side door is never delayed.
// The delays are drawn from a generator seeded like the dataset, so a run
// is repeatable as far as the Go scheduler allows.
func WithLatency(minDelay, maxDelay time.Duration) Option {
	return func(s *settings) {
		if maxDelay < minDelay {
			minDelay, maxDelay = maxDelay, minDelay
		}
		s.minLatency, s.maxLatency = max(0, minDelay), max(0, maxDelay)
	}
}

// WithClock sets the clock used to measure Stats.PeakPerSecond (default
// time.Now), so tests can drive the one-second window without sleeping.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }
