package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImageRequiresDemoOptIn runs the binary as the Docker image starts it
// (DEMO_REQUIRES_OPT_IN=true): with no backend it refuses to start, saying
// why; with DEMO=1 it serves the demo.
func TestImageRequiresDemoOptIn(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(binaries(t), "gateway")
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ASTRO_API_URL=", "HOUSTON_URL=", "PORT=", "DEMO=", "DEMO_REQUIRES_OPT_IN=true")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the gateway started without backends and without DEMO=1")
	}
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 1, ee.ExitCode())
	assert.Contains(t, string(out), "DEMO=1")
	assert.NotContains(t, string(out), "gateway listening")

	gw := start(t, bin, []string{"ASTRO_API_URL=", "HOUSTON_URL=", "PORT=", "DEMO=1", "DEMO_REQUIRES_OPT_IN=true"}, "-listen", "127.0.0.1:0")
	gw.await(t, playground)
	assert.Contains(t, gw.output(), "demo mode")
}
