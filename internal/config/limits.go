package config

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits bound what one request may ask of the gateway, so that no query,
// however it is written, can take it down. Zero turns a limit off.
type Limits struct {
	// MaxCost bounds an operation's estimated cost (see README, "What a
	// query costs"). Env MAX_COST, flag -max-cost. Default 100000.
	MaxCost int
	// MaxDepth bounds the nesting of fields. Env MAX_DEPTH, flag
	// -max-depth. Default 12.
	MaxDepth int
	// MaxFields bounds the fields an operation selects, fragments counted
	// once per use. Env MAX_FIELDS, flag -max-fields. Default 2000.
	MaxFields int
	// MaxAliases bounds the aliased fields. Env MAX_ALIASES, flag
	// -max-aliases. Default 200.
	MaxAliases int
	// MaxTokens bounds the query's lexical tokens, counted before parsing.
	// Env MAX_TOKENS, flag -max-tokens. Default 15000.
	MaxTokens int
	// Introspection allows __schema and __type queries and "Did you mean"
	// suggestions in validation errors. Env INTROSPECTION, flag
	// -introspection. Default true.
	Introspection bool
	// MaxConcurrent bounds the GraphQL requests served at once by this
	// gateway (streams excepted). Env MAX_CONCURRENT, flag
	// -max-concurrent. Default 64.
	MaxConcurrent int
	// MaxConcurrentPerCaller bounds them per caller (its credentials, or
	// its address when it sends none), so that one token cannot starve the
	// rest. Env MAX_CONCURRENT_PER_CALLER, flag -max-concurrent-per-caller.
	// Default 0: half the CPUs (GOMAXPROCS), at least 1 — one caller's
	// requests then never hold every core (measured: with 50 hostile
	// clients on one token beside a dashboard, a bound of 2 on 2 cores
	// multiplies the dashboard's p99 by 50, a bound of 1 by 6). Answers
	// from the response cache do not count. A value at or above
	// MaxConcurrent leaves only the gateway-wide bound.
	MaxConcurrentPerCaller int
	// HeavyCost is the estimated cost (MaxCost's measure) from which an
	// operation is heavy: a query or mutation costing at least this much
	// waits for one of MaxConcurrentHeavy slots, in arrival order, before
	// any resolver runs; lighter ones never wait for it. Env HEAVY_COST,
	// flag -heavy-cost. Default 1000: a dashboard page stays light
	// (deployments(first: 20) costs 240, an organization's first 100
	// deployments with workspace and cluster 402) while the fan-outs that
	// decode thousands of objects are heavy (deploymentReport 1011, 25
	// Astro workspaces × 100 deployments 2627, 100 Software workspaces ×
	// 100 deployments 10201). 0 turns the gate off.
	HeavyCost int
	// MaxConcurrentHeavy bounds the heavy operations (HeavyCost) run at
	// once; the others wait up to their request's deadline
	// (REQUEST_TIMEOUT), not QueueTimeout, then are answered OVERLOADED.
	// Env MAX_CONCURRENT_HEAVY, flag -max-concurrent-heavy. Default 0:
	// the CPUs (GOMAXPROCS), at least 1 — heavy operations are CPU-bound
	// (decoding), so more at once add memory, not throughput.
	MaxConcurrentHeavy int
	// QueueTimeout is how long a request over a concurrency limit waits for
	// a place before it is answered OVERLOADED (503). Env QUEUE_TIMEOUT,
	// flag -queue-timeout. Default 2s.
	QueueTimeout time.Duration
	// MaxBodyBytes bounds a request body (413 beyond). Env MAX_BODY_BYTES,
	// flag -max-body-bytes. Default 1 MiB.
	MaxBodyBytes int64
	// MaxResponseBytes bounds a response body; a larger answer is replaced
	// by a RESPONSE_TOO_LARGE error. Env MAX_RESPONSE_BYTES, flag
	// -max-response-bytes. Default 16 MiB.
	MaxResponseBytes int64
	// MaxBatch bounds the operations of a batched request (a JSON array
	// of operations, as Apollo's BatchHttpLink sends); the batch's
	// operations are measured together against MaxCost. Env MAX_BATCH,
	// flag -max-batch. Default 20; 0 = no bound.
	MaxBatch int
}

// DefaultLimits returns the defaults of [Limits].
func DefaultLimits() Limits {
	return Limits{
		MaxCost: 100000, MaxDepth: 12, MaxFields: 2000, MaxAliases: 200, MaxTokens: 15000, Introspection: true,
		MaxConcurrent: 64, MaxConcurrentPerCaller: 0, HeavyCost: 1000, MaxConcurrentHeavy: 0, QueueTimeout: 2 * time.Second,
		MaxBodyBytes: 1 << 20, MaxResponseBytes: 16 << 20, MaxBatch: 20,
	}
}

// load reads the limits' environment variables.
func (l *Limits) load(getenv func(string) string) []error {
	var errs []error
	ints := map[string]*int{
		"MAX_COST": &l.MaxCost, "MAX_DEPTH": &l.MaxDepth, "MAX_FIELDS": &l.MaxFields, "MAX_ALIASES": &l.MaxAliases,
		"MAX_TOKENS": &l.MaxTokens, "MAX_CONCURRENT": &l.MaxConcurrent, "MAX_CONCURRENT_PER_CALLER": &l.MaxConcurrentPerCaller,
		"MAX_BATCH": &l.MaxBatch, "HEAVY_COST": &l.HeavyCost, "MAX_CONCURRENT_HEAVY": &l.MaxConcurrentHeavy,
	}
	for name, dst := range ints {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a number, 0 or more", name, v))
				continue
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*int64{"MAX_BODY_BYTES": &l.MaxBodyBytes, "MAX_RESPONSE_BYTES": &l.MaxResponseBytes} {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a number of bytes (0 turns the limit off)", name, v))
				continue
			}
			*dst = n
		}
	}
	if v := getenv("INTROSPECTION"); v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("INTROSPECTION: %q is not true or false", v))
		} else {
			l.Introspection = b
		}
	}
	if v := getenv("QUEUE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("QUEUE_TIMEOUT: %q is not a duration such as 2s", v))
		} else {
			l.QueueTimeout = d
		}
	}
	return errs
}

// flags registers the limits' flags; they win over the environment.
func (l *Limits) flags(fs *flag.FlagSet) {
	fs.IntVar(&l.MaxCost, "max-cost", l.MaxCost, "largest estimated cost of an operation, 0 = none (env MAX_COST)")
	fs.IntVar(&l.MaxDepth, "max-depth", l.MaxDepth, "deepest nesting of fields, 0 = none (env MAX_DEPTH)")
	fs.IntVar(&l.MaxFields, "max-fields", l.MaxFields, "most fields in an operation, 0 = none (env MAX_FIELDS)")
	fs.IntVar(&l.MaxAliases, "max-aliases", l.MaxAliases, "most aliased fields in an operation, 0 = none (env MAX_ALIASES)")
	fs.IntVar(&l.MaxTokens, "max-tokens", l.MaxTokens, "most tokens in a query, 0 = none (env MAX_TOKENS)")
	fs.BoolVar(&l.Introspection, "introspection", l.Introspection, "allow introspection and field suggestions (env INTROSPECTION)")
	fs.IntVar(&l.MaxConcurrent, "max-concurrent", l.MaxConcurrent, "requests served at once, 0 = none (env MAX_CONCURRENT)")
	fs.IntVar(&l.MaxConcurrentPerCaller, "max-concurrent-per-caller", l.MaxConcurrentPerCaller, "requests served at once per caller, 0 = half the CPUs, at least 1 (env MAX_CONCURRENT_PER_CALLER)")
	fs.IntVar(&l.HeavyCost, "heavy-cost", l.HeavyCost, "estimated cost from which an operation waits for a heavy slot, 0 = no gate (env HEAVY_COST)")
	fs.IntVar(&l.MaxConcurrentHeavy, "max-concurrent-heavy", l.MaxConcurrentHeavy, "heavy operations run at once, 0 = the CPUs, at least 1 (env MAX_CONCURRENT_HEAVY)")
	fs.DurationVar(&l.QueueTimeout, "queue-timeout", l.QueueTimeout, "wait for a place before OVERLOADED (env QUEUE_TIMEOUT)")
	fs.Int64Var(&l.MaxBodyBytes, "max-body-bytes", l.MaxBodyBytes, "largest request body, 0 = none (env MAX_BODY_BYTES)")
	fs.Int64Var(&l.MaxResponseBytes, "max-response-bytes", l.MaxResponseBytes, "largest response, 0 = none (env MAX_RESPONSE_BYTES)")
	fs.IntVar(&l.MaxBatch, "max-batch", l.MaxBatch, "most operations in a batched request, 0 = none (env MAX_BATCH)")
}

// validate refuses what a flag can set but the environment cannot: a
// negative number, which no limit reads.
func (l *Limits) validate() []error {
	var errs []error
	for _, f := range []struct {
		flag string
		v    int64
	}{
		{"max-cost", int64(l.MaxCost)}, {"max-depth", int64(l.MaxDepth)}, {"max-fields", int64(l.MaxFields)},
		{"max-aliases", int64(l.MaxAliases)}, {"max-tokens", int64(l.MaxTokens)}, {"max-concurrent", int64(l.MaxConcurrent)},
		{"max-concurrent-per-caller", int64(l.MaxConcurrentPerCaller)}, {"heavy-cost", int64(l.HeavyCost)},
		{"max-concurrent-heavy", int64(l.MaxConcurrentHeavy)}, {"queue-timeout", int64(l.QueueTimeout)},
		{"max-body-bytes", l.MaxBodyBytes}, {"max-response-bytes", l.MaxResponseBytes}, {"max-batch", int64(l.MaxBatch)},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("-%s: a negative value is not a limit (0 turns it off or picks its default)", f.flag))
		}
	}
	return errs
}
