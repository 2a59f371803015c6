package config

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func opsEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadOpsDefaults(t *testing.T) {
	o, err := LoadOps(opsEnv(nil))
	require.NoError(t, err)
	assert.Equal(t, DefaultOps(), o)
	assert.Equal(t, 10*time.Second, o.ShutdownGrace)
	assert.Equal(t, "json", o.LogFormat)
}

func TestLoadOps(t *testing.T) {
	o, err := LoadOps(opsEnv(map[string]string{"LOG_FORMAT": "text", "LOG_LEVEL": "debug", "SHUTDOWN_GRACE": "3s",
		"READY_CACHE": "1s", "DEMO": "1", "DEMO_REQUIRES_OPT_IN": "true"}))
	require.NoError(t, err)
	assert.Equal(t, "text", o.LogFormat)
	assert.Equal(t, slog.LevelDebug, o.LogLevel)
	assert.Equal(t, 3*time.Second, o.ShutdownGrace)
	assert.True(t, o.Demo)
	assert.True(t, o.DemoOptIn)

	_, err = LoadOps(opsEnv(map[string]string{"LOG_FORMAT": "xml", "LOG_LEVEL": "loud", "SHUTDOWN_GRACE": "soon"}))
	require.Error(t, err)
	for _, name := range []string{"LOG_FORMAT", "LOG_LEVEL", "SHUTDOWN_GRACE"} {
		assert.Contains(t, err.Error(), name, "every problem is reported")
	}
}

// TestCheckDemo: where demo mode must be asked for (the image), no backend
// and no DEMO=1 refuses to start; a laptop's `go run .` keeps the demo.
func TestCheckDemo(t *testing.T) {
	noBackend := Default()
	withBackend := Default()
	withBackend.AstroAPIURL = "https://api.astronomer.io/v1"
	assert.NoError(t, Ops{}.CheckDemo(noBackend), "go run . on a laptop: demo by default")
	assert.Error(t, Ops{DemoOptIn: true}.CheckDemo(noBackend), "the image without DEMO=1")
	assert.NoError(t, Ops{DemoOptIn: true, Demo: true}.CheckDemo(noBackend), "the image with DEMO=1")
	assert.NoError(t, Ops{DemoOptIn: true}.CheckDemo(withBackend))
}
