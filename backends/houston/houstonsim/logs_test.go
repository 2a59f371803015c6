package houstonsim_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

type logLine struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
	Log       string `json:"log"`
	Component string `json:"component"`
	Level     string `json:"level"`
	Release   string `json:"release"`
}

const logsQuery = `query GetLogs($deploymentId: Uuid!, $component: String, $timestamp: DateTime, $search: String) {
	logs(deploymentUuid: $deploymentId, component: $component, timestamp: $timestamp, search: $search) {
		id createdAt: timestamp log: message component level release
	}
}`

func TestLogs(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	sim, srv := start(t, houstonsim.WithClock(clock.Now))
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	dep := token(t, sim, houstonsim.LabelDeploymentViewer).Scope[0]
	get := func(vars map[string]any) []logLine {
		t.Helper()
		vars["deploymentId"] = dep
		r := post(t, srv, sys, logsQuery, vars)
		mustOK(t, r)
		return field[[]logLine](t, r, "logs")
	}
	ascending := func(lines []logLine) bool {
		return slices.IsSortedFunc(lines, func(a, b logLine) int { return strings.Compare(a.CreatedAt, b.CreatedAt) })
	}
	now := clock.Now()

	all := get(map[string]any{})
	assert.Len(t, all, 800, "the newest 800 lines")
	assert.True(t, ascending(all), "oldest first")
	assert.Equal(t, now.Format("2006-01-02T15:04:05.000Z"), all[len(all)-1].CreatedAt, "up to now")

	minute := get(map[string]any{"timestamp": now.Add(-time.Minute).Format(time.RFC3339Nano), "component": "scheduler", "search": ""})
	require.Len(t, minute, 60, "one scheduler line a second, after the timestamp (exclusive)")
	for _, l := range minute {
		assert.Equal(t, "scheduler", l.Component)
		assert.Contains(t, []string{"INFO", "WARNING"}, l.Level)
		assert.Greater(t, l.CreatedAt, now.Add(-time.Minute).Format("2006-01-02T15:04:05.000Z"))
		assert.True(t, strings.HasPrefix(l.Log, "["), l.Log)
	}
	assert.True(t, ascending(minute))

	found := get(map[string]any{"search": "TASKS UP FOR EXECUTION", "timestamp": now.Add(-time.Hour).Format(time.RFC3339)})
	require.NotEmpty(t, found)
	for _, l := range found {
		assert.Contains(t, l.Log, "tasks up for execution")
	}

	// The same clock gives the same lines; a later clock gives the new ones.
	assert.Equal(t, minute, get(map[string]any{"timestamp": now.Add(-time.Minute).Format(time.RFC3339Nano), "component": "scheduler"}))
	clock.Advance(3 * time.Second)
	later := get(map[string]any{"timestamp": now.Format(time.RFC3339Nano), "component": "scheduler"})
	assert.Len(t, later, 3)

	// Unknown deployments and components.
	assert.Empty(t, get(map[string]any{"component": "flower"}))
	r := post(t, srv, sys, logsQuery, map[string]any{"deploymentId": "cnope"})
	assert.Equal(t, "RESOURCE_NOT_FOUND", code(t, r))
}

func TestLogsAreDeterministic(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var got []string
	for range 2 {
		sim, srv := start(t, houstonsim.WithClock(clock.Now))
		tok := token(t, sim, houstonsim.LabelDeploymentViewer)
		r := post(t, srv, tok.Token, logsQuery, map[string]any{"deploymentId": tok.Scope[0]})
		mustOK(t, r)
		b, err := json.Marshal(r.Data["logs"])
		require.NoError(t, err)
		got = append(got, string(b))
	}
	assert.Equal(t, got[0], got[1])
}
