// Package specs decides what a test does when the reference contracts in
// ../shared/specs (beside the repository, never inside it) are absent: it
// skips with a message on a developer's machine, and fails when the
// environment sets REQUIRE_SPECS=1, as CI does, so that a conformance test
// never passes by not running.
package specs

import (
	"os"
	"testing"
)

// Missing ends the test because the reference file at path is absent; what
// says what could not be checked without it.
func Missing(t testing.TB, path, what string) {
	t.Helper()
	if os.Getenv("REQUIRE_SPECS") == "1" {
		t.Fatalf("REQUIRE_SPECS=1 but %s is missing (../shared/specs beside the repository): %s", path, what)
	}
	t.Skipf("skipping: %s is missing (../shared/specs beside the repository): %s", path, what)
}
