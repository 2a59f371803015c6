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
	dataset     string
	seed        int64
	version     string
	minLatency  time.Duration
	maxLatency  time.Duration
	now         func() time.Time
	logInterval time.Duration
}

// DefaultLogInterval is how often each component of a deployment writes a
// log line unless [WithLogInterval] says otherwise.
const DefaultLogInterval = time.Second

// minLogInterval keeps log timestamps (printed to the millisecond) apart.
const minLogInterval = 4 * time.Millisecond

func defaultSettings() settings {
	return settings{dataset: Small, seed: DefaultSeed, version: DefaultVersion, now: time.Now, logInterval: DefaultLogInterval}
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

// WithVersion sets the Houston version the simulator poses as (default
// [DefaultVersion]): appConfig.version reports it, and the schema is that
// version's, so fields, arguments and root fields the version lacks are
// rejected as by Houston (see [Schema]). A version reads like the CLI reads
// one: "1.0.5", "v2.1.0", "2.1.0-rc.1"; a string that does not read as a
// version is reported as given and served with the newest schema.
// [SupportedVersions] lists the versions the tests cover.
func WithVersion(v string) Option { return func(s *settings) { s.version = v } }

// WithLogInterval sets how often each component of a deployment writes a log
// line (default [DefaultLogInterval], at least 4ms), and so how often the
// log subscription sends new lines.
func WithLogInterval(d time.Duration) Option {
	return func(s *settings) { s.logInterval = max(d, minLogInterval) }
}

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

// WithClock sets the simulator's clock (default time.Now): it measures
// Stats.PeakPerSecond, stamps objects that mutations create, and decides
// which log lines exist, so tests can drive the one-second window and the
// logs without sleeping.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }
