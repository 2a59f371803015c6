package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadFleet(t *testing.T) {
	t.Parallel()
	c, err := Load([]string{"-config", "testdata/fleet.yaml"}, env(map[string]string{
		"ACME_US_ASTRO_TOKEN": "us-token", "GATEWAY_KEYS": "k1",
	}))
	require.NoError(t, err)
	require.NotNil(t, c.Fleet)
	assert.False(t, c.Demo(), "a fleet file is not demo mode")
	var names []string
	for _, b := range c.Fleet.Backends() {
		names = append(names, b.Platform+"/"+b.Name)
	}
	assert.Equal(t, []string{"astro/acme-us", "astro/acme-eu", "software/prod", "software/staging"}, names)
	assert.Equal(t, "us-token", c.Fleet.Astro[0].Token)
	assert.Equal(t, "clorgus000000000000000001", c.Fleet.Astro[0].OrganizationID)
	assert.Equal(t, "prod-houston-service-token", c.Fleet.Software[0].Token, "tokenFile is read and trimmed")
	assert.Empty(t, c.Fleet.Astro[1].Token)
}

func TestLoadFleetFromEnv(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, env(map[string]string{"GATEWAY_CONFIG": "testdata/fleet.yaml", "ACME_US_ASTRO_TOKEN": "x", "GATEWAY_KEYS": "k"}))
	require.NoError(t, err)
	assert.Len(t, c.Fleet.Software, 2)
}

// TestLoadFleetErrors: every problem is reported at once, each naming the
// file, the backend and the field; an inline secret is never echoed.
func TestLoadFleetErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
astro:
  - name: Acme US
    url: api.astronomer.io
    token: sk-inline-secret-value
  - name: dup
    url: https://api.astronomer.io/v1
    token: ${UNSET_TOKEN}
software:
  - name: dup
    url: https://houston.example.com/v1
    organizationId: nope
    tokenFile: `+filepath.Join(dir, "missing")+`
  - url: https://h2.example.com/v1
`), 0o600))
	_, err := Load([]string{"-config", path}, env(nil))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		path + `: astro[0] "Acme US": name: "Acme US" is not lower-case letters`,
		path + `: astro[0] "Acme US": url: "api.astronomer.io" is not an absolute http(s) URL`,
		path + `: astro[0] "Acme US": token: must be a reference to an environment variable`,
		path + `: astro[1] "dup": token: environment variable UNSET_TOKEN is empty or unset`,
		path + `: software[0] "dup": name: "dup" is also the name of astro[1]`,
		path + `: software[0] "dup": organizationId: only Astro backends have an organization`,
		path + `: software[0] "dup": tokenFile: cannot read it`,
		path + `: software[1]: name: missing`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "sk-inline-secret-value", "an inline token must never be echoed")
}

func TestLoadFleetRefusals(t *testing.T) {
	t.Parallel()
	_, err := Load([]string{"-config", "testdata/fleet.yaml"}, env(map[string]string{"ACME_US_ASTRO_TOKEN": "x"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GATEWAY_KEYS is empty")
	_, err = Load([]string{"-config", "testdata/fleet.yaml"}, env(map[string]string{"ACME_US_ASTRO_TOKEN": "x", "GATEWAY_KEYS": "k", "HOUSTON_URL": "https://h.example.com/v1"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replaces ASTRO_API_URL, HOUSTON_URL")
	dir := t.TempDir()
	path := filepath.Join(dir, "unknown.yaml")
	require.NoError(t, os.WriteFile(path, []byte("software:\n  - name: a\n    url: https://h/v1\n    password: x\n"), 0o600))
	_, err = Load([]string{"-config", path}, env(nil))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), path+": "), "names the file: %v", err)
	assert.Contains(t, err.Error(), "password")
}
