package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCORSAllowedHeaders(t *testing.T) {
	c, err := Load(nil, env(map[string]string{}))
	require.NoError(t, err)
	assert.Contains(t, c.CORSAllowedHeaders, "traceparent")
	assert.Contains(t, c.CORSAllowedHeaders, "apollographql-client-name")
	c, err = Load(nil, env(map[string]string{"CORS_ALLOWED_HEADERS": "Content-Type, X-Tenant"}))
	require.NoError(t, err)
	assert.Equal(t, []string{"Content-Type", "X-Tenant"}, c.CORSAllowedHeaders)
}
