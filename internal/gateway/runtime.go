package gateway

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector's target the gateway runs with
// when GOGC is not set. A GraphQL gateway allocates per field and per
// upstream object and keeps little alive between requests, so with Go's
// default of 100 the collector takes 12-22 % of the CPU profiles of
// uncached queries (docs/BENCHMARKS.md); 200 cuts the CPU by 8-15 % (28 %
// on a busy machine) for about 30 % more memory. GOGC and GOMEMLIMIT still
// decide when set.
const DefaultGCPercent = 200

// TuneRuntime applies DefaultGCPercent unless GOGC is set.
func TuneRuntime() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
