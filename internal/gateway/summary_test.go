package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestAstroSummaryLists: a list whose selection a deployment summary
// answers (astro.ListDeploymentsOptions.Summary) gives the same data as
// the same list read whole, at the organization and under workspaces; a
// whole deployment looked up in the same operation is not answered from a
// summary; and the upstream calls are the same either way.
func TestAstroSummaryLists(t *testing.T) {
	t.Parallel()
	const lists = `query($org: String!) { astro { organization(id: $org) {
		deployments(first: 40) { totalCount nodes { id deploymentId name status statusReason type executor runtimeVersion airflowVersion
			workspaceName clusterId clusterName region cloudProvider isHighAvailability isDevelopmentMode schedulerSize createdAt updatedAt
			EXTRA workspace { name description } cluster { name region } } }
		workspaces(first: 10) { nodes { name deployments(first: 3) { totalCount nodes { __typename name status workspace { name } EXTRA } } } } } } }`
	env := testenv.Start(t, testenv.Config{Configure: func(c *config.Config) { c.CacheTTL = 0 }})
	vars := map[string]any{"org": env.Astro.Tokens()[0].Scope[0]}

	env.Astro.Reset()
	summary := env.Query(t, strings.ReplaceAll(lists, "EXTRA", ""), vars, env.Headers())
	require.Empty(t, summary.Errors)
	summaryCalls := env.Astro.Stats().Requests
	env.Astro.Reset()
	whole := env.Query(t, strings.ReplaceAll(lists, "EXTRA", "schedulerCpu"), vars, env.Headers())
	require.Empty(t, whole.Errors)
	assert.Equal(t, summaryCalls, env.Astro.Stats().Requests, "the same calls: %v", env.Astro.Stats().ByRoute)

	var got, want any
	require.NoError(t, json.Unmarshal(summary.Data, &got))
	require.NoError(t, json.Unmarshal(whole.Data, &want))
	cpus := dropKey(want, "schedulerCpu")
	assert.Equal(t, strings.Count(string(whole.Data), `"status":`), cpus, "every listed deployment had the extra field")
	assert.Equal(t, want, got)
	assert.Contains(t, string(summary.Data), `"clusterName":"`, "the summaries carry their fields")

	// A listing read by summaries, and a whole deployment in the same
	// operation: the lookup is not answered from the summary.
	var first struct {
		Astro struct {
			Organization struct {
				Deployments struct{ Nodes []struct{ ID string } }
			}
		}
	}
	require.NoError(t, json.Unmarshal(summary.Data, &first))
	id := first.Astro.Organization.Deployments.Nodes[0].ID
	const node = `node(id: $id) { ... on AstroDeployment { name schedulerCpu schedulerMemory webServerUrl workerQueues { name } createdBy { id } } }`
	alone := env.Query(t, `query($id: ID!) { `+node+` }`, map[string]any{"id": id}, env.Headers())
	require.Empty(t, alone.Errors)
	mixed := env.Query(t, `query($org: String!, $id: ID!) { astro { organization(id: $org) { deployments(first: 40) { nodes { id name } } } } `+node+` }`,
		map[string]any{"org": vars["org"], "id": id}, env.Headers())
	require.Empty(t, mixed.Errors)
	var a, m map[string]any
	require.NoError(t, json.Unmarshal(alone.Data, &a))
	require.NoError(t, json.Unmarshal(mixed.Data, &m))
	assert.Equal(t, a["node"], m["node"])
	assert.Contains(t, string(alone.Data), `"createdBy":{"id":"`, "fields no summary has")
}

// dropKey removes key from every object in v and says how many it removed.
func dropKey(v any, key string) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x[key]; ok {
			delete(x, key)
			n++
		}
		for _, c := range x {
			n += dropKey(c, key)
		}
	case []any:
		for _, c := range x {
			n += dropKey(c, key)
		}
	}
	return n
}
