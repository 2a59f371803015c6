package gateway

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector's target the gateway runs with
// when GOGC is not set. A GraphQL gateway allocates per field and per
// upstream object and keeps little alive between requests, so Go's default
// of 100 spends a fifth of its CPU collecting (the profiles in
// docs/BENCHMARKS.md); 200 cuts that CPU by a fifth to a quarter for a
// quarter more heap. GOGC and GOMEMLIMIT still decide when set.
const DefaultGCPercent = 200

// TuneRuntime applies DefaultGCPercent unless GOGC is set.
func TuneRuntime() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
