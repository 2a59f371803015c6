package gateway_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

const dashboardQuery = `{ deployments(first: 10) { totalCount edges { node { id name platform workspace { name } } } } }`

type deploymentsData struct {
	Deployments struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID        string `json:"id"`
				Name      string `json:"name"`
				Platform  string `json:"platform"`
				Status    string `json:"status"`
				Workspace *struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"workspace"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"deployments"`
}

// requireCodes checks that every error carries extensions.code and that no
// error text holds a token.
func requireCodes(t *testing.T, r testenv.Response, tokens ...string) {
	t.Helper()
	for _, e := range r.Errors {
		require.NotEmpty(t, e.Extensions["code"], "error without extensions.code: %+v", e)
		for _, tok := range tokens {
			require.NotContains(t, e.Message, tok, "a token leaked into an error")
		}
	}
}

func TestDeploymentsOfBothPlatforms(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, dashboardQuery, nil, env.Headers())
		require.Empty(t, r.Errors)
		var d deploymentsData
		r.Decode(t, &d)
		require.Len(t, d.Deployments.Edges, 10)
		all := collectAll(t, env, env.Headers(), `{platforms: [ASTRO, SOFTWARE]}`)
		assert.Len(t, all, d.Deployments.TotalCount, "paging through every page yields totalCount deployments")
		platforms := map[string]int{}
		seen := map[string]bool{}
		for _, n := range all {
			platforms[n.Platform]++
			assert.False(t, seen[n.ID], "deployment %s listed twice", n.ID)
			seen[n.ID] = true
			require.NotNil(t, n.Workspace)
			assert.NotEmpty(t, n.Workspace.Name)
		}
		assert.Positive(t, platforms["ASTRO"])
		assert.Positive(t, platforms["SOFTWARE"])
		for i := 1; i < len(all); i++ {
			assert.LessOrEqual(t, all[i-1].Name, all[i].Name, "ordered by name")
		}
	})
}

type node struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Platform  string `json:"platform"`
	Status    string `json:"status"`
	Workspace *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"workspace"`
}

// collectAll pages through Query.deployments with filter, 7 at a time.
func collectAll(t *testing.T, env *testenv.Env, headers map[string]string, filter string) []node {
	t.Helper()
	var out []node
	after := ""
	for range 100 {
		q := fmt.Sprintf(`query($after: String) { deployments(first: 7, after: $after, filter: %s) {
			totalCount pageInfo { hasNextPage endCursor } nodes { id name platform status workspace { id name } } } }`, filter)
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		r := env.Query(t, q, vars, headers)
		require.Empty(t, r.Errors)
		var d struct {
			Deployments struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Nodes []node `json:"nodes"`
			} `json:"deployments"`
		}
		r.Decode(t, &d)
		out = append(out, d.Deployments.Nodes...)
		if !d.Deployments.PageInfo.HasNextPage {
			return out
		}
		after = d.Deployments.PageInfo.EndCursor
	}
	t.Fatal("paging did not end")
	return nil
}

func TestFilters(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		all := collectAll(t, env, env.Headers(), `{}`)
		for _, tc := range []struct {
			name   string
			filter string
			keep   func(node) bool
		}{
			{"astro only", `{platforms: [ASTRO]}`, func(n node) bool { return n.Platform == "ASTRO" }},
			{"software only", `{platforms: [SOFTWARE]}`, func(n node) bool { return n.Platform == "SOFTWARE" }},
			{"healthy", `{statuses: [HEALTHY]}`, func(n node) bool { return n.Status == "HEALTHY" }},
			{"search prod", `{search: "PROD"}`, func(n node) bool { return strings.Contains(strings.ToLower(n.Name), "prod") }},
			{"one workspace of each platform", fmt.Sprintf(`{workspaceIds: [%q, %q]}`, firstOf(all, "ASTRO").Workspace.ID, firstOf(all, "SOFTWARE").Workspace.ID),
				func(n node) bool {
					return n.Workspace.ID == firstOf(all, "ASTRO").Workspace.ID || n.Workspace.ID == firstOf(all, "SOFTWARE").Workspace.ID
				}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := collectAll(t, env, env.Headers(), tc.filter)
				var want []string
				for _, n := range all {
					if tc.keep(n) {
						want = append(want, n.ID)
					}
				}
				require.NotEmpty(t, want, "the dataset should exercise this filter")
				var gotIDs []string
				for _, n := range got {
					gotIDs = append(gotIDs, n.ID)
				}
				assert.ElementsMatch(t, want, gotIDs)
			})
		}
	})
}

func firstOf(all []node, platform string) node {
	for _, n := range all {
		if n.Platform == platform {
			return n
		}
	}
	return node{}
}

func TestWrongTokenKeepsTheOtherPlatform(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, tc := range []struct {
			name, header, backend, survivor string
		}{
			{"astro", "X-Astro-Token", "astro", "SOFTWARE"},
			{"houston", "X-Houston-Token", "houston", "ASTRO"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				h := env.Headers()
				h[tc.header] = "not-a-valid-token"
				r := env.Query(t, dashboardQuery, nil, h)
				requireCodes(t, r, env.AstroToken, env.HoustonToken)
				require.Len(t, r.Errors, 1)
				assert.Equal(t, "UNAUTHENTICATED", r.Errors[0].Extensions["code"])
				assert.Equal(t, tc.backend, r.Errors[0].Extensions["backend"])
				var d deploymentsData
				r.Decode(t, &d)
				require.NotEmpty(t, d.Deployments.Edges, "the other platform's data still comes back")
				for _, e := range d.Deployments.Edges {
					assert.Equal(t, tc.survivor, e.Node.Platform)
				}
			})
		}
	})
}

func TestAstroBatching(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Dataset: "bench"}, func(t *testing.T, env *testenv.Env) {
		org := env.Astro.Tokens()[0].Scope[0]
		for _, tc := range []struct {
			name     string
			sel      string
			maxCalls int
		}{
			{"workspace and cluster details", `workspace { name description } cluster { name region }`, 2},
			{"cluster details beyond what a deployment carries", `workspace { name description } cluster { name region dbInstanceType }`, 3},
			{"workspace name only", `workspace { name }`, 1},
			{"cluster name and region only", `workspace { name } cluster { name region }`, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.Astro.Reset()
				q := fmt.Sprintf(`query($org: String!) { astro { organization(id: $org) { deployments(first: 100) {
					totalCount nodes { name status %s } } } } }`, tc.sel)
				r := env.Query(t, q, map[string]any{"org": org}, env.Headers())
				require.Empty(t, r.Errors)
				var d struct {
					Astro struct {
						Organization struct {
							Deployments struct {
								TotalCount int               `json:"totalCount"`
								Nodes      []json.RawMessage `json:"nodes"`
							} `json:"deployments"`
						} `json:"organization"`
					} `json:"astro"`
				}
				r.Decode(t, &d)
				assert.GreaterOrEqual(t, d.Astro.Organization.Deployments.TotalCount, 2000)
				assert.Len(t, d.Astro.Organization.Deployments.Nodes, 100)
				st := env.Astro.Stats()
				assert.LessOrEqual(t, st.Requests, tc.maxCalls, "upstream calls by route: %v", st.ByRoute)
			})
		}
	})
}

func TestNodeRoundTrip(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		all := collectAll(t, env, env.Headers(), `{}`)
		a, s := firstOf(all, "ASTRO"), firstOf(all, "SOFTWARE")
		for _, id := range []string{a.ID, s.ID, a.Workspace.ID, s.Workspace.ID} {
			r := env.Query(t, `query($id: ID!) { node(id: $id) { id __typename ... on Deployment { name } ... on Workspace { name } } }`,
				map[string]any{"id": id}, env.Headers())
			require.Empty(t, r.Errors)
			var d struct {
				Node struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"node"`
			}
			r.Decode(t, &d)
			assert.Equal(t, id, d.Node.ID)
			assert.NotEmpty(t, d.Node.Name)
		}
	})
}

func TestSoftwareLookupsShareOneDocument(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		all := collectAll(t, env, env.Headers(), `{platforms: [SOFTWARE]}`)
		require.GreaterOrEqual(t, len(all), 10)
		ids := make([]string, 10)
		for i := range ids {
			ids[i] = all[i].ID
		}
		env.Houston.Reset()
		r := env.Query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on SoftwareDeployment { name releaseName workspace { name } } } }`,
			map[string]any{"ids": ids}, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Nodes []struct {
				ID        string `json:"id"`
				Name      string `json:"name"`
				Workspace struct {
					Name string `json:"name"`
				} `json:"workspace"`
			} `json:"nodes"`
		}
		r.Decode(t, &d)
		require.Len(t, d.Nodes, 10)
		for i, n := range d.Nodes {
			assert.Equal(t, ids[i], n.ID, "nodes come back in the order asked")
			assert.NotEmpty(t, n.Workspace.Name, "the workspace came inline, in the same document")
		}
		st := env.Houston.Stats()
		assert.Equal(t, 1, st.Requests, "ten deployments with their workspaces cost one Houston request: %v", st.ByRoute)
		assert.Equal(t, 10, st.ByRoute["deployment"])
	})
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, tc := range []struct {
			name, query, code string
		}{
			{"negative first", `{ deployments(first: -1) { totalCount } }`, "BAD_USER_INPUT"},
			{"first too large", `{ deployments(first: 5000) { totalCount } }`, "BAD_USER_INPUT"},
			{"foreign cursor", `{ deployments(after: "bm90LWEtY3Vyc29y") { totalCount } }`, "BAD_USER_INPUT"},
			{"garbage node id", `{ node(id: "garbage") { id } }`, "BAD_USER_INPUT"},
			{"unknown astro deployment", `{ astro { organization(id: "nope") { deployment(id: "nope") { name } } } }`, ""},
			{"unknown field", `{ deployments { nope } }`, "GRAPHQL_VALIDATION_FAILED"},
			{"syntax error", `{ deployments(`, "GRAPHQL_PARSE_FAILED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env.Astro.Reset()
				r := env.Query(t, tc.query, nil, env.Headers())
				require.NotEmpty(t, r.Errors)
				requireCodes(t, r, env.AstroToken, env.HoustonToken)
				if tc.code != "" {
					assert.Equal(t, tc.code, r.Errors[0].Extensions["code"])
				}
				if tc.code == "BAD_USER_INPUT" {
					assert.Zero(t, env.Astro.Stats().Requests, "rejected before any upstream call")
				}
			})
		}
	})
}

func TestNoTokens(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, dashboardQuery, nil, nil)
		requireCodes(t, r)
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "UNAUTHENTICATED", r.Errors[0].Extensions["code"])
		assert.Zero(t, env.Astro.Stats().Requests+env.Houston.Stats().Requests)
	})
}

func TestOrganizationTokenWithHeader(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		var org, tok string
		for _, k := range env.Astro.Tokens() {
			if k.Kind == "ORGANIZATION" {
				org, tok = k.Scope[0], k.Token
				break
			}
		}
		h := map[string]string{"Authorization": "Bearer " + tok, "X-Astro-Organization-Id": org}
		r := env.Query(t, `{ deployments(first: 100) { totalCount nodes { platform } } astro { organizations { nodes { organizationId name } } } }`, nil, h)
		requireCodes(t, r, tok)
		require.Empty(t, r.Errors)
		var d struct {
			Deployments struct {
				TotalCount int `json:"totalCount"`
			} `json:"deployments"`
			Astro struct {
				Organizations struct {
					Nodes []struct {
						OrganizationID string `json:"organizationId"`
						Name           string `json:"name"`
					} `json:"nodes"`
				} `json:"organizations"`
			} `json:"astro"`
		}
		r.Decode(t, &d)
		assert.Positive(t, d.Deployments.TotalCount)
		require.Len(t, d.Astro.Organizations.Nodes, 1)
		assert.Equal(t, org, d.Astro.Organizations.Nodes[0].OrganizationID)
		assert.NotEmpty(t, d.Astro.Organizations.Nodes[0].Name)

		// Without the header, the token itself says its organization.
		r2 := env.Query(t, `{ deployments { totalCount } }`, nil, map[string]string{"X-Astro-Token": tok})
		require.Empty(t, r2.Errors)
		var d2 struct{ Deployments struct{ TotalCount int } }
		r2.Decode(t, &d2)
		assert.Equal(t, d.Deployments.TotalCount, d2.Deployments.TotalCount)
	})
}

// TestTwoOrganizationsNeverCross queries one gateway, cache on, with the
// tokens of two organizations, in turns and at once: each sees only its own
// organization's deployments, and asking for the other's is refused.
func TestTwoOrganizationsNeverCross(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{NoHouston: true}, func(t *testing.T, env *testenv.Env) {
		type org struct{ id, token string }
		var orgs []org
		for _, k := range env.Astro.Tokens() {
			if k.Kind == "ORGANIZATION" {
				orgs = append(orgs, org{k.Scope[0], k.Token})
			}
		}
		require.Len(t, orgs, 2)
		q := `query($org: String!) { astro { organization(id: $org) { deployments(first: 100) { nodes { organizationId name } } } } }`
		ask := func(caller, target org) testenv.Response {
			return env.Query(t, q, map[string]any{"org": target.id}, map[string]string{"X-Astro-Token": caller.token, "X-Astro-Organization-Id": caller.id})
		}
		for range 3 { // repeats are cache hits: they must stay apart too
			for _, o := range orgs {
				r := ask(o, o)
				require.Empty(t, r.Errors)
				var d struct {
					Astro struct {
						Organization struct {
							Deployments struct {
								Nodes []struct{ OrganizationID string } `json:"nodes"`
							} `json:"deployments"`
						} `json:"organization"`
					} `json:"astro"`
				}
				r.Decode(t, &d)
				require.NotEmpty(t, d.Astro.Organization.Deployments.Nodes)
				for _, n := range d.Astro.Organization.Deployments.Nodes {
					assert.Equal(t, o.id, n.OrganizationID)
				}
			}
		}
		// The other organization's token gets 403 for the same, cached, URL.
		r := ask(orgs[1], orgs[0])
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "FORBIDDEN", r.Errors[0].Extensions["code"])
		assert.NotContains(t, string(r.Data), orgs[0].id+`","name`)
	})
}

// TestPagingMatchesOneBigPage pages two deployments at a time and compares
// with one page of everything: the same deployments in the same order, also
// where names tie (the small dataset has deployments sharing a name).
func TestPagingMatchesOneBigPage(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, order := range []string{`{field: NAME, direction: ASC}`, `{field: NAME, direction: DESC}`, `{field: CREATED_AT, direction: ASC}`} {
			q := `query($first: Int!, $after: String) { deployments(first: $first, after: $after, orderBy: ` + order + `) {
				pageInfo { hasNextPage endCursor } nodes { id } } }`
			type page struct {
				Deployments struct {
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
					Nodes []struct{ ID string } `json:"nodes"`
				} `json:"deployments"`
			}
			var whole page
			r := env.Query(t, q, map[string]any{"first": 1000}, env.Headers())
			require.Empty(t, r.Errors)
			r.Decode(t, &whole)
			var one []string
			var after any
			for range 200 {
				var p page
				r := env.Query(t, q, map[string]any{"first": 2, "after": after}, env.Headers())
				require.Empty(t, r.Errors)
				r.Decode(t, &p)
				for _, n := range p.Deployments.Nodes {
					one = append(one, n.ID)
				}
				if !p.Deployments.PageInfo.HasNextPage {
					break
				}
				after = p.Deployments.PageInfo.EndCursor
			}
			var all []string
			for _, n := range whole.Deployments.Nodes {
				all = append(all, n.ID)
			}
			assert.Equal(t, all, one, order)
		}
	})
}

// TestAPITokensAlone: an Organization API token (a JWT) with no other
// header answers a first query with data, its organization read from the
// token (no ListOrganizations); a Workspace token lists its workspace's
// deployments, a Deployment token its deployment.
func TestAPITokensAlone(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, testenv.Config{NoHouston: true, Configure: func(c *config.Config) { c.CacheTTL = 0 }})
	q := `{ deployments(first: 50) { totalCount nodes { name ... on AstroDeployment { workspaceId } } } }`
	type result struct {
		Deployments struct {
			TotalCount int
			Nodes      []struct{ Name, WorkspaceID string }
		}
	}
	for _, kind := range []string{astrosim.KindOrganization, astrosim.KindWorkspace, astrosim.KindDeployment} {
		tok, ok := env.Astro.TokenOfKind(kind)
		require.True(t, ok)
		env.Astro.Reset()
		r := env.Query(t, q, nil, map[string]string{"X-Astro-Token": tok.Token})
		require.Empty(t, r.Errors, kind)
		var d result
		r.Decode(t, &d)
		require.NotEmpty(t, d.Deployments.Nodes, kind)
		assert.NotContains(t, env.Astro.Stats().ByRoute, "GET /v1/organizations", "%s: the organization comes from the token", kind)
		switch kind {
		case astrosim.KindWorkspace:
			for _, n := range d.Deployments.Nodes {
				assert.Equal(t, tok.Scope[1], n.WorkspaceID, "a workspace token sees its workspace's deployments")
			}
		case astrosim.KindDeployment:
			assert.Equal(t, 1, d.Deployments.TotalCount, "a deployment token sees its deployment")
		}
	}
}
