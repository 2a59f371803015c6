package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestDefaults pins the defaults: a change to one shows up in review as a
// diff of testdata/defaults.json.
func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, env(nil))
	require.NoError(t, err)
	assert.True(t, c.Demo(), "no backend configured means demo mode")
	got, err := json.MarshalIndent(c, "", "  ")
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("testdata", "defaults.json"))
	require.NoError(t, err, "golden file missing: create testdata/defaults.json by hand")
	assert.JSONEq(t, string(want), string(got))
}

func TestLoad(t *testing.T) {
	t.Parallel()
	c, err := Load([]string{"-listen", "127.0.0.1:9999"}, env(map[string]string{
		"PORT": "1234", "ASTRO_API_URL": "https://api.astronomer.io/v1", "HOUSTON_URL": "https://houston.example.com/v1",
		"CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example", "LOADER_WAIT": "2ms",
	}))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9999", c.Listen, "the flag wins over PORT")
	assert.False(t, c.Demo())
	assert.Equal(t, []string{"https://a.example", "https://b.example"}, c.CORSAllowedOrigins)
	assert.Equal(t, "2ms", c.LoaderWait.String())

	c, err = Load(nil, env(map[string]string{"PORT": "1234"}))
	require.NoError(t, err)
	assert.Equal(t, ":1234", c.Listen)
}

// TestValidationReportsEverything shows every problem at once.
func TestValidationReportsEverything(t *testing.T) {
	t.Parallel()
	_, err := Load(nil, env(map[string]string{
		"ASTRO_API_URL": "api.astronomer.io", "ASTRO_API_TOKEN": "svc", "LOADER_WAIT": "soon", "DEMO_DATASET": "huge",
	}))
	require.Error(t, err)
	for _, want := range []string{"ASTRO_API_URL", "GATEWAY_KEYS", "LOADER_WAIT", "DEMO_DATASET"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "svc", "a token never appears in an error")
}

func TestServiceTokensNeedGatewayKeys(t *testing.T) {
	t.Parallel()
	_, err := Load(nil, env(map[string]string{"ASTRO_API_URL": "https://api.astronomer.io/v1", "ASTRO_API_TOKEN": "svc"}))
	require.ErrorContains(t, err, "GATEWAY_KEYS")
	_, err = Load(nil, env(map[string]string{"ASTRO_API_URL": "https://api.astronomer.io/v1", "ASTRO_API_TOKEN": "svc", "GATEWAY_KEYS": "k1"}))
	require.NoError(t, err)
}

// TestLimits: the limits read from the environment and flags, flags
// winning; a bad value is reported by name.
func TestLimits(t *testing.T) {
	t.Parallel()
	c, err := Load([]string{"-max-depth", "8", "-introspection=false"}, env(map[string]string{
		"MAX_DEPTH": "20", "MAX_COST": "5000", "QUEUE_TIMEOUT": "500ms", "MAX_CONCURRENT_PER_CALLER": "3", "INTROSPECTION": "true",
	}))
	require.NoError(t, err)
	assert.Equal(t, 8, c.Limits.MaxDepth)
	assert.Equal(t, 5000, c.Limits.MaxCost)
	assert.Equal(t, "500ms", c.Limits.QueueTimeout.String())
	assert.Equal(t, 3, c.Limits.MaxConcurrentPerCaller)
	assert.False(t, c.Limits.Introspection)
	_, err = Load(nil, env(map[string]string{"MAX_COST": "lots", "INTROSPECTION": "maybe", "MAX_BODY_BYTES": "-1"}))
	for _, want := range []string{"MAX_COST", "INTROSPECTION", "MAX_BODY_BYTES"} {
		assert.ErrorContains(t, err, want)
	}
}

// TestHeavyLimits: the heavy gate's two limits, from the environment and
// flags (flags winning); a negative or unreadable value is refused by name,
// from either.
func TestHeavyLimits(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, env(nil))
	require.NoError(t, err)
	assert.Equal(t, 1000, c.Limits.HeavyCost)
	assert.Equal(t, 0, c.Limits.MaxConcurrentHeavy, "0: the CPUs")

	c, err = Load([]string{"-max-concurrent-heavy", "3"}, env(map[string]string{"HEAVY_COST": "0", "MAX_CONCURRENT_HEAVY": "8"}))
	require.NoError(t, err)
	assert.Equal(t, 0, c.Limits.HeavyCost, "0 turns the gate off")
	assert.Equal(t, 3, c.Limits.MaxConcurrentHeavy, "the flag wins")

	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"negative env", nil, map[string]string{"HEAVY_COST": "-1", "MAX_CONCURRENT_HEAVY": "-2"}, []string{"HEAVY_COST", "MAX_CONCURRENT_HEAVY"}},
		{"not a number", nil, map[string]string{"HEAVY_COST": "big", "MAX_CONCURRENT_HEAVY": "2.5"}, []string{"HEAVY_COST", "MAX_CONCURRENT_HEAVY"}},
		{"negative flags", []string{"-heavy-cost", "-5", "-max-concurrent-heavy", "-1"}, nil, []string{"-heavy-cost", "-max-concurrent-heavy"}},
		{"a negative older limit by flag", []string{"-max-concurrent", "-1"}, nil, []string{"-max-concurrent:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tt.args, env(tt.env))
			require.Error(t, err)
			for _, want := range tt.want {
				assert.ErrorContains(t, err, want)
			}
		})
	}
}
