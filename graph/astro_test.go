package graph

import (
	"testing"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/graph/model"
)

func TestAstroSorts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"fullName:desc", "id:asc", "createdById:asc", "tokenStartAt:desc", "ipAddress:asc"},
		astroSorts([]string{"FULL_NAME_DESC", "ID_ASC", "CREATED_BY_ID_ASC", "TOKEN_START_AT_DESC", "IP_ADDRESS_ASC"}))
	assert.Nil(t, astroSorts[model.AstroSort](nil), "no sorts: the server's order")
}

func TestLogCursor(t *testing.T) {
	t.Parallel()
	c := encodeLogCursor("s1a2b-3c4d", 41)
	id, next, ok := decodeLogCursor(c)
	require.True(t, ok)
	assert.Equal(t, "s1a2b-3c4d", id, "search ids may hold dashes and colons")
	assert.Equal(t, 42, next, "the next page starts after the cursor's entry")
	for _, bad := range []string{"", "bm9wZQ", encodeCursor(3), "log:"} {
		_, _, ok := decodeLogCursor(bad)
		assert.False(t, ok, bad)
	}
}

func TestLogSources(t *testing.T) {
	t.Parallel()
	for _, s := range model.AllAstroLogSource {
		up := astroLogSource(s)
		assert.Equal(t, s, *convertAstroLogEntry(astro.DeploymentLogEntry{Source: up}).Source, "%s round-trips through %s", s, up)
	}
	assert.Equal(t, astro.LogSourceDagProcessor, astroLogSource(model.AstroLogSourceDagProcessor))
	assert.Nil(t, convertAstroLogEntry(astro.DeploymentLogEntry{Source: "kernel"}).Source, "a source the schema does not know is null")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	var c check
	require.NoError(t, c.result(), "no violation is a nil error, not a typed nil")
	c.maxLen("input.name", "héllo", 5)
	require.NoError(t, c.result(), "lengths count characters, not bytes")
	c.exactlyOne("input.deployment", "a or b", true, true)
	c.maxLen("input.name", "toolong", 3)
	err := c.result()
	var in *fault.InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "input.deployment", in.Path, "the first violation is kept")
	assert.Contains(t, in.Message, "exactly one of a or b")

	var m check
	assert.Equal(t, map[string]string{"a": "b"}, m.stringMap("h", map[string]any{"a": "b"}))
	assert.Nil(t, m.stringMap("h", []any{"a"}))
	require.ErrorAs(t, m.result(), &in)
	assert.Equal(t, "h", in.Path)
}

func TestPatchRequestKeepsWhatItDoesNotChange(t *testing.T) {
	t.Parallel()
	secret, plain := "s3cret", "v"
	hybrid, size := astro.DeploymentTypeHybrid, astro.SchedulerSizeLarge
	au := 10
	cur := &astro.Deployment{
		Name: "etl", WorkspaceID: "ws", Type: &hybrid, SchedulerAU: &au, SchedulerReplicas: 2, SchedulerSize: &size,
		EnvironmentVariables: []astro.DeploymentEnvironmentVariable{{Key: "A", Value: &plain}, {Key: "B", IsSecret: true, Value: &secret}},
	}
	name := "etl-2"
	req, err := patchRequest(cur, &model.AstroDeploymentPatchInput{Name: &name})
	require.NoError(t, err)
	h, ok := req.(astro.UpdateHybridDeploymentRequest)
	require.True(t, ok, "the update of the deployment's own type: %T", req)
	assert.Equal(t, "etl-2", h.Name)
	assert.Equal(t, astro.UpdateDeploymentInstanceSpecRequest{AU: 10, Replicas: 2}, h.Scheduler)
	require.Len(t, h.EnvironmentVariables, 2)
	assert.Equal(t, &plain, h.EnvironmentVariables[0].Value)
	assert.Nil(t, h.EnvironmentVariables[1].Value, "a secret is sent without its value, which keeps it")
	assert.Nil(t, h.WorkerQueues, "no queues: Astro keeps them")

	_, err = patchRequest(cur, &model.AstroDeploymentPatchInput{SchedulerSize: &[]model.AstroSchedulerSize{model.AstroSchedulerSizeSmall}[0]})
	var in *fault.InputError
	require.ErrorAs(t, err, &in)
	assert.Equal(t, "input.deployment.patch.schedulerSize", in.Path)

	std := astro.DeploymentTypeStandard
	cur.Type = &std
	req, err = patchRequest(cur, &model.AstroDeploymentPatchInput{})
	require.NoError(t, err)
	s, ok := req.(astro.UpdateStandardDeploymentRequest)
	require.True(t, ok, "%T", req)
	assert.Equal(t, astro.SchedulerSizeLarge, s.SchedulerSize)
}
