package gateway

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneRuntime(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })

	t.Setenv("GOGC", "50") // restored after the test
	TuneRuntime()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set the gateway changed the GC target to %d", got)
	}
	os.Unsetenv("GOGC")
	TuneRuntime()
	if got := debug.SetGCPercent(100); got != DefaultGCPercent {
		t.Fatalf("GC target %d, want %d", got, DefaultGCPercent)
	}
}
