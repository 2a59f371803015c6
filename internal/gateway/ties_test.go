package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestPagingThroughTiedNames: two deployments with one name in two
// workspaces of an organization, paged one at a time through
// Query.deployments, come out once each, in the order of one big page.
func TestPagingThroughTiedNames(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		h := env.Headers()
		r := env.Query(t, `{ astro { organizations { nodes { organizationId name } } } }`, nil, h)
		require.Empty(t, r.Errors)
		var d struct {
			Astro struct {
				Organizations struct {
					Nodes []struct {
						OrganizationID, Name string
					} `json:"nodes"`
				} `json:"organizations"`
			} `json:"astro"`
		}
		r.Decode(t, &d)
		org := d.Astro.Organizations.Nodes[0]
		var wsIDs []string
		for _, name := range []string{"Tie A", "Tie B"} {
			r := env.Query(t, `mutation($org: String!, $name: String!) { createAstroWorkspace(input: {organizationId: $org, name: $name, defaultCloudProvider: AWS, defaultRegion: "us-east-1"}) { workspace { id workspaceId } } }`,
				map[string]any{"org": org.OrganizationID, "name": name}, h)
			require.Empty(t, r.Errors)
			var w struct {
				CreateAstroWorkspace struct {
					Workspace struct{ ID, WorkspaceID string } `json:"workspace"`
				} `json:"createAstroWorkspace"`
			}
			r.Decode(t, &w)
			wsIDs = append(wsIDs, w.CreateAstroWorkspace.Workspace.ID)
			r = env.Query(t, `mutation($org: String!, $ws: String!) { createAstroDeployment(input: {organizationId: $org, deployment: {minimal: {workspaceId: $ws, name: "aaa-tied"}}}) { deployment { id } } }`,
				map[string]any{"org": org.OrganizationID, "ws": w.CreateAstroWorkspace.Workspace.WorkspaceID}, h)
			require.Empty(t, r.Errors)
		}
		q := `query($ws: [ID!], $first: Int!, $after: String) { deployments(first: $first, after: $after, filter: {workspaceIds: $ws}) {
			pageInfo { hasNextPage endCursor } nodes { id name } } }`
		type page struct {
			Deployments struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Nodes []struct{ ID, Name string } `json:"nodes"`
			} `json:"deployments"`
		}
		var whole page
		r = env.Query(t, q, map[string]any{"ws": wsIDs, "first": 1000}, h)
		require.Empty(t, r.Errors)
		r.Decode(t, &whole)
		require.GreaterOrEqual(t, len(whole.Deployments.Nodes), 2)
		require.Equal(t, "aaa-tied", whole.Deployments.Nodes[0].Name)
		require.Equal(t, "aaa-tied", whole.Deployments.Nodes[1].Name)
		var one []string
		var after any
		for range 2 {
			var p page
			r := env.Query(t, q, map[string]any{"ws": wsIDs, "first": 1, "after": after}, h)
			require.Empty(t, r.Errors)
			r.Decode(t, &p)
			for _, n := range p.Deployments.Nodes {
				one = append(one, n.ID)
			}
			after = p.Deployments.PageInfo.EndCursor
		}
		var want []string
		for _, n := range whole.Deployments.Nodes {
			want = append(want, n.ID)
		}
		assert.Equal(t, want, one)
	})
}
