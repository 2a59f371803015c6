package gateway_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/testenv"
)

// Backward paging (issue 14): every connection takes last/before as the
// Relay cursor-connections spec has them, and a client walking a list
// backward sees what one walking it forward sees, in reverse.

// pagedConn is the part of a connection these tests read.
type pagedConn struct {
	TotalCount *int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"edges"`
}

func (c pagedConn) ids() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node.ID
	}
	return out
}

// pagingCase is one connection, reached through a query whose connection
// field takes $first, $last, $after and $before; path leads from data to it.
type pagingCase struct {
	name, query, path string
	// count: the connection has totalCount.
	count bool
}

const connSelection = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }`

func pagingCases() []pagingCase {
	args := `first: $first, last: $last, after: $after, before: $before`
	sel := `totalCount ` + connSelection
	q := func(body string) string {
		return `query P($first: Int, $last: Int, $after: String, $before: String) ` + strings.ReplaceAll(body, "ARGS", args+") { "+sel)
	}
	return []pagingCase{
		{"astro organizations", q(`{ astro { organizations(ARGS } } }`), "astro.organizations", true},
		{"astro organization deployments", q(`{ astro { organizations(first: 1) { nodes { deployments(ARGS } } } } }`), "astro.organizations.nodes.0.deployments", true},
		{"astro organization workspaces", q(`{ astro { organizations(first: 1) { nodes { workspaces(ARGS } } } } }`), "astro.organizations.nodes.0.workspaces", true},
		{"astro workspace deployments", q(`{ astro { organizations(first: 1) { nodes { workspaces(first: 1) { nodes { deployments(ARGS } } } } } } }`), "astro.organizations.nodes.0.workspaces.nodes.0.deployments", true},
		{"astro organization users", q(`{ astro { organizations(first: 1) { nodes { users(ARGS } } } } }`), "astro.organizations.nodes.0.users", true},
		{"software workspaces", q(`{ software { workspaces(ARGS } } }`), "software.workspaces", true},
		{"software deployments", q(`{ software { deployments(ARGS } } }`), "software.deployments", true},
		{"software users", q(`{ software { users(ARGS } } }`), "software.users", true},
		{"software teams", q(`{ software { teams(ARGS } } }`), "software.teams", true},
		{"software workspace users", q(`{ software { workspaces(first: 1) { nodes { users(ARGS } } } } }`), "software.workspaces.nodes.0.users", true},
		{"cross-platform deployments", q(`{ deployments(ARGS } }`), "deployments", true},
		{"cross-platform workspaces", q(`{ workspaces(ARGS } }`), "workspaces", true},
	}
}

// at follows a dotted path (numbers index lists) through decoded JSON.
func at(t *testing.T, data json.RawMessage, path string) json.RawMessage {
	t.Helper()
	cur := data
	for _, k := range strings.Split(path, ".") {
		if i, err := strconv.Atoi(k); err == nil {
			var l []json.RawMessage
			require.NoError(t, json.Unmarshal(cur, &l), "at %s in %s", k, path)
			require.Greater(t, len(l), i, "%s: list too short", path)
			cur = l[i]
			continue
		}
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(cur, &m), "at %s in %s", k, path)
		cur = m[k]
	}
	return cur
}

func fetchPage(t *testing.T, env *testenv.Env, c pagingCase, vars map[string]any) pagedConn {
	t.Helper()
	r := env.Query(t, c.query, vars, env.Headers())
	require.Empty(t, r.Errors, "%s %v", c.name, vars)
	var out pagedConn
	require.NoError(t, json.Unmarshal(at(t, r.Data, c.path), &out))
	return out
}

func TestBackwardPaging(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		for _, c := range pagingCases() {
			t.Run(c.name, func(t *testing.T) {
				all := fetchPage(t, env, c, map[string]any{"first": 1000})
				ids := all.ids()
				require.GreaterOrEqual(t, len(ids), 2, "the small dataset has a few %s", c.name)
				step := min(2, len(ids)-1)
				require.Equal(t, len(ids), *all.TotalCount)

				// last alone: the end of the list.
				tail := fetchPage(t, env, c, map[string]any{"last": step})
				assert.Equal(t, ids[len(ids)-step:], tail.ids())
				assert.False(t, tail.PageInfo.HasNextPage)
				assert.True(t, tail.PageInfo.HasPreviousPage)
				assert.Equal(t, len(ids), *tail.TotalCount)
				assert.Equal(t, tail.Edges[0].Cursor, *tail.PageInfo.StartCursor)
				assert.Equal(t, tail.Edges[step-1].Cursor, *tail.PageInfo.EndCursor)
				// Cursors are the list's: the forward walk's cursor of an
				// item is the backward walk's.
				assert.Equal(t, all.Edges[len(ids)-step].Cursor, tail.Edges[0].Cursor)

				// Walking back with last/before from the end meets every
				// item once, in reverse.
				var back []string
				p := tail
				for steps := 0; ; steps++ {
					require.Less(t, steps, len(ids), "the walk ends")
					back = append(slices.Clone(p.ids()), back...)
					if !p.PageInfo.HasPreviousPage {
						break
					}
					p = fetchPage(t, env, c, map[string]any{"last": step, "before": *p.PageInfo.StartCursor})
					assert.True(t, p.PageInfo.HasNextPage, "items follow a page before a cursor")
				}
				assert.Equal(t, ids, back)

				// before an item in the middle, and between after and before.
				k := len(ids) - 1
				mid := fetchPage(t, env, c, map[string]any{"last": 1, "before": all.Edges[k].Cursor})
				assert.Equal(t, ids[k-1:k], mid.ids())
				between := fetchPage(t, env, c, map[string]any{"after": all.Edges[0].Cursor, "before": all.Edges[k].Cursor, "last": 1000})
				assert.Equal(t, ids[1:k], between.ids())
				assert.True(t, between.PageInfo.HasPreviousPage)
				assert.True(t, between.PageInfo.HasNextPage)
				fwd := fetchPage(t, env, c, map[string]any{"first": 1000, "before": all.Edges[k].Cursor})
				assert.Equal(t, ids[:k], fwd.ids(), "first with before stops at before")

				// last larger than the list: all of it, no previous page.
				big := fetchPage(t, env, c, map[string]any{"last": 1000})
				assert.Equal(t, ids, big.ids())
				assert.False(t, big.PageInfo.HasPreviousPage)
				// before the first item: nothing.
				none := fetchPage(t, env, c, map[string]any{"last": 5, "before": all.Edges[0].Cursor})
				assert.Empty(t, none.Edges)
				assert.False(t, none.PageInfo.HasPreviousPage)
				assert.Nil(t, none.PageInfo.StartCursor)
			})
		}
	})
}

// TestBackwardPagingRefusals: what the Relay spec leaves undefined or a
// client gets wrong is BAD_USER_INPUT naming the argument, before any
// upstream call.
func TestBackwardPagingRefusals(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		c := pagingCases()[1] // an organization's deployments
		for _, tc := range []struct {
			want string // the argument the message names
			vars map[string]any
		}{
			{"last", map[string]any{"first": 2, "last": 2}},
			{"last", map[string]any{"last": -1}},
			{"last", map[string]any{"last": 1001}},
			{"before", map[string]any{"last": 2, "before": "not-a-cursor"}},
		} {
			want, vars := tc.want, tc.vars
			env.Astro.Reset()
			r := env.Query(t, c.query, vars, env.Headers())
			require.NotEmpty(t, r.Errors, "%v", vars)
			e := r.Errors[0]
			assert.Equal(t, "BAD_USER_INPUT", e.Extensions["code"], "%v: %v", vars, e)
			assert.Contains(t, e.Message, want, "%v", vars)
			assert.Zero(t, env.Astro.Stats().ByRoute["GET /v1/organizations/{organizationId}/deployments"], "%v", vars)
		}
		// The cross-platform list refuses it too, for both platforms at once.
		r := env.Query(t, `{ deployments(first: 1, last: 1) { totalCount } }`, nil, env.Headers())
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
	})
}

// TestBackwardPagingCalls: an Astro list read from its end costs one
// ListDeployments when it is no longer than last, two when it is (the first
// tells the total); with before it is always one.
func TestBackwardPagingCalls(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		c := pagingCases()[1]
		const route = "GET /v1/organizations/{organizationId}/deployments"
		calls := func(vars map[string]any) int {
			env.Astro.Reset()
			fetchPage(t, env, c, vars)
			return env.Astro.Stats().ByRoute[route]
		}
		all := fetchPage(t, env, c, map[string]any{"first": 1000})
		n := len(all.Edges)
		require.Greater(t, n, 2)
		assert.Equal(t, 2, calls(map[string]any{"last": 2}))
		assert.Equal(t, 1, calls(map[string]any{"last": n + 1}))
		assert.Equal(t, 1, calls(map[string]any{"last": 2, "before": all.Edges[n-1].Cursor}))
		assert.Equal(t, 1, calls(map[string]any{"first": 3}), "forward paging is unchanged")
	})
}

// TestAstroLogsBackward: a deployment's log search pages back with
// last/before inside the same search (its searchId), and last without
// before is refused: a search has no known end.
func TestAstroLogsBackward(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		const q = `query L($first: Int, $last: Int, $after: String, $before: String) { astro { organizations(first: 1) { nodes {
			deployments(first: 1) { nodes { logs(sources: [SCHEDULER, WORKER], range: 86400, first: $first, last: $last, after: $after, before: $before) {
				searchId pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { raw timestamp } } } } } } } } }`
		type logPage struct {
			SearchID string `json:"searchId"`
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			} `json:"pageInfo"`
			Edges []struct {
				Cursor string                          `json:"cursor"`
				Node   struct{ Raw, Timestamp string } `json:"node"`
			} `json:"edges"`
		}
		get := func(vars map[string]any) (logPage, testenv.Response) {
			r := env.Query(t, q, vars, env.Headers())
			var p logPage
			if len(r.Errors) == 0 {
				require.NoError(t, json.Unmarshal(at(t, r.Data, "astro.organizations.nodes.0.deployments.nodes.0.logs"), &p))
			}
			return p, r
		}
		fwd, r := get(map[string]any{"first": 10})
		require.Empty(t, r.Errors)
		require.Len(t, fwd.Edges, 10)
		back, r := get(map[string]any{"last": 3, "before": fwd.Edges[9].Cursor})
		require.Empty(t, r.Errors)
		assert.Equal(t, fwd.SearchID, back.SearchID, "the same search")
		require.Len(t, back.Edges, 3)
		for i, e := range back.Edges {
			assert.Equal(t, fwd.Edges[6+i].Cursor, e.Cursor)
			assert.Equal(t, fwd.Edges[6+i].Node, e.Node)
		}
		assert.True(t, back.PageInfo.HasPreviousPage)
		assert.True(t, back.PageInfo.HasNextPage)
		start, r := get(map[string]any{"last": 3, "before": fwd.Edges[0].Cursor})
		require.Empty(t, r.Errors)
		assert.Empty(t, start.Edges, "nothing before the first line")
		assert.False(t, start.PageInfo.HasPreviousPage)

		_, r = get(map[string]any{"last": 3})
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
		assert.Equal(t, "last", r.Errors[0].Extensions["field"])
	})
}
