package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONAndRedaction(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "json", slog.LevelInfo)
	l.Debug("not at info")
	l.Info("hello", "astro_token", "tok-123456789", "Authorization", "Bearer x", "operation", "Dash")
	out := buf.String()
	require.Equal(t, 1, strings.Count(out, "\n"), "debug is below the level")
	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &line))
	assert.Equal(t, "Dash", line["operation"])
	assert.Equal(t, "[redacted]", line["astro_token"])
	assert.Equal(t, "[redacted]", line["Authorization"])
	assert.NotContains(t, out, "tok-123456789")
}

func TestTextAndServerErrors(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "text", slog.LevelWarn)
	ServerErrors(l).Print("http: superfluous response.WriteHeader call")
	assert.Contains(t, buf.String(), "level=WARN")
	assert.Contains(t, buf.String(), `msg="http: superfluous response.WriteHeader call"`)

}
