package astrosim_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaging(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	tok := tokenLabeled(t, e.sim, "org:Acme Corp")
	org := tok.Scope[0]

	all := e.list(t, tok.Token, orgPath(org, "/deployments?limit=100"))
	require.Equal(t, 20, all.TotalCount)
	require.Len(t, all.Deployments, 20)

	t.Run("pages cover the list once", func(t *testing.T) {
		t.Parallel()
		var got []string
		for off := 0; off < 20; off += 7 {
			p := e.list(t, tok.Token, orgPath(org, "/deployments?limit=7&offset=", strconv.Itoa(off)))
			assert.Equal(t, 20, p.TotalCount)
			assert.Equal(t, 7, p.Limit)
			assert.Equal(t, off, p.Offset)
			got = append(got, ids(p.Deployments)...)
		}
		assert.Equal(t, ids(all.Deployments), got)
	})

	tests := []struct {
		name   string
		path   string
		limit  int
		offset int
		count  int
		total  int
	}{
		{"default limit and offset", "/deployments", 20, 0, 20, 20},
		{"default limit on a long list", "/deployments?limit=", 20, 0, 20, 20},
		{"offset past the end", "/deployments?offset=50", 20, 50, 0, 20},
		{"limit zero", "/deployments?limit=0", 0, 0, 0, 20},
		{"last partial page", "/deployments?offset=18&limit=5", 5, 18, 2, 20},
		{"workspaces", "/workspaces?limit=3", 3, 0, 3, 4},
		{"clusters", "/clusters?offset=1", 20, 1, 2, 3},
		{"maximum limit", "/workspaces?limit=1000", 1000, 0, 4, 4},
		{"deployments have no maximum", "/deployments?limit=5000", 5000, 0, 20, 20},
		{"huge limit", "/deployments?offset=5&limit=9223372036854775807", 9223372036854775807, 5, 15, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := e.get(t, tok.Token, orgPath(org, tc.path))
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			assert.NotContains(t, string(r.body), "null", "empty arrays encode as []")
			p := e.list(t, tok.Token, orgPath(org, tc.path))
			assert.Equal(t, tc.limit, p.Limit)
			assert.Equal(t, tc.offset, p.Offset)
			assert.Len(t, p.items(), tc.count)
			assert.Equal(t, tc.total, p.TotalCount)
		})
	}
}

func TestQueryValidation(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	tok := tokenLabeled(t, e.sim, "org:Acme Corp")
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	org := tok.Scope[0]
	tests := []struct {
		name  string
		tok   string
		path  string
		param string
	}{
		{"limit above maximum", tok.Token, orgPath(org, "/workspaces?limit=1001"), "limit"},
		{"clusters limit above maximum", tok.Token, orgPath(org, "/clusters?limit=2000"), "limit"},
		{"organizations limit above maximum", pat.Token, "/v1/organizations?limit=1001", "limit"},
		{"negative limit", tok.Token, orgPath(org, "/deployments?limit=-1"), "limit"},
		{"limit not a number", tok.Token, orgPath(org, "/deployments?limit=ten"), "limit"},
		{"negative offset", tok.Token, orgPath(org, "/workspaces?offset=-1"), "offset"},
		{"offset not a number", tok.Token, orgPath(org, "/clusters?offset=1.5"), "offset"},
		{"unknown sort field", tok.Token, orgPath(org, "/deployments?sorts=status:asc"), "sorts"},
		{"bad sort direction", tok.Token, orgPath(org, "/workspaces?sorts=name:up"), "sorts"},
		{"second sort bad", tok.Token, orgPath(org, "/clusters?sorts=name:asc&sorts=name"), "sorts"},
		{"provider not upper case", tok.Token, orgPath(org, "/clusters?provider=aws"), "provider"},
		{"product plan", pat.Token, "/v1/organizations?productPlan=GOLD", "productPlan"},
		{"product", pat.Token, "/v1/organizations?product=CLOUD", "product"},
		{"isLookUpOnly", tok.Token, orgPath(org, "?isLookUpOnly=maybe"), "isLookUpOnly"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := requireError(t, e.get(t, tc.tok, tc.path), http.StatusBadRequest)
			assert.Contains(t, body.Message, "'"+tc.param+"'")
			require.Len(t, body.FieldErrors, 1)
			assert.Equal(t, tc.param, body.FieldErrors[0].Field)
		})
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	tok := tokenLabeled(t, e.sim, "org:Acme Corp")
	org := tok.Scope[0]
	deps := e.list(t, tok.Token, orgPath(org, "/deployments?limit=100")).Deployments
	wss := e.list(t, tok.Token, orgPath(org, "/workspaces")).Workspaces
	globexDep := e.list(t, tokenLabeled(t, e.sim, "org:Globex").Token,
		orgPath(tokenLabeled(t, e.sim, "org:Globex").Scope[0], "/deployments?limit=1")).Deployments[0]

	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return "?" + v.Encode()
	}
	wsID := map[string]string{}
	for _, w := range wss {
		wsID[w.Name] = w.ID
	}
	inWS := func(wsIDs ...string) []string {
		var out []string
		for _, d := range deps {
			if slices.Contains(wsIDs, d.WorkspaceID) {
				out = append(out, d.ID)
			}
		}
		return out
	}

	t.Run("deploymentIds batch lookup", func(t *testing.T) {
		t.Parallel()
		want := []string{deps[3].ID, deps[11].ID, deps[17].ID}
		p := e.list(t, tok.Token, orgPath(org, "/deployments",
			q("deploymentIds", want[2], "deploymentIds", "cunknown00000000000000000", "deploymentIds", want[0],
				"deploymentIds", globexDep.ID, "deploymentIds", want[1], "deploymentIds", want[0])))
		assert.Equal(t, 3, p.TotalCount, "unknown and foreign ids are absent, duplicates count once")
		assert.ElementsMatch(t, want, ids(p.Deployments))
	})

	tests := []struct {
		name string
		path string
		want []string
	}{
		{"workspaceIds", "/deployments" + q("workspaceIds", wss[0].ID, "workspaceIds", wss[2].ID, "limit", "100"), inWS(wss[0].ID, wss[2].ID)},
		{"names", "/deployments" + q("names", deps[0].Name, "names", deps[5].Name), []string{deps[0].ID, deps[5].ID}},
		{"names are exact", "/deployments" + q("names", strings.ToUpper(deps[0].Name)), nil},
		{"filters combine with AND", "/deployments" + q("deploymentIds", inWS(wss[0].ID)[0], "deploymentIds", inWS(wss[1].ID)[0], "workspaceIds", wss[1].ID), []string{inWS(wss[1].ID)[0]}},
		{"workspace workspaceIds", "/workspaces" + q("workspaceIds", wss[1].ID, "workspaceIds", wss[3].ID, "workspaceIds", "cunknown00000000000000000"), []string{wss[1].ID, wss[3].ID}},
		{"workspace names", "/workspaces" + q("names", "Analytics", "names", "Platform", "names", "Nope"), []string{wsID["Analytics"], wsID["Platform"]}},
		{"workspace ids and names", "/workspaces" + q("workspaceIds", wss[0].ID, "names", wss[1].Name), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := e.list(t, tok.Token, orgPath(org, tc.path))
			assert.ElementsMatch(t, tc.want, ids(p.items()))
			assert.Equal(t, len(tc.want), p.TotalCount)
		})
	}

	t.Run("clusters", func(t *testing.T) {
		t.Parallel()
		all := e.list(t, tok.Token, orgPath(org, "/clusters")).Clusters
		require.Len(t, all, 3)
		byName := e.list(t, tok.Token, orgPath(org, "/clusters", q("names", all[0].Name, "names", all[2].Name)))
		assert.ElementsMatch(t, []string{all[0].ID, all[2].ID}, ids(byName.Clusters))
		for _, provider := range []string{"AWS", "GCP", "AZURE"} {
			p := e.list(t, tok.Token, orgPath(org, "/clusters?provider="+provider))
			require.Equal(t, 1, p.TotalCount, provider)
			assert.Equal(t, provider, p.Clusters[0].CloudProvider)
		}
		none := e.list(t, tok.Token, orgPath(org, "/clusters", q("names", all[0].Name, "provider", "AZURE")))
		if all[0].CloudProvider != "AZURE" {
			assert.Zero(t, none.TotalCount)
		}
	})
}

func TestSorts(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	tok := tokenLabeled(t, e.sim, "org:Acme Corp")
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	key := map[string]func(item) string{
		"name":      func(x item) string { return x.Name },
		"createdAt": func(x item) string { return x.CreatedAt },
		"updatedAt": func(x item) string { return x.UpdatedAt },
	}
	routes := map[string]string{
		"organizations": "/v1/organizations?limit=100",
		"workspaces":    orgPath(tok.Scope[0], "/workspaces?limit=100"),
		"deployments":   orgPath(tok.Scope[0], "/deployments?limit=100"),
		"clusters":      orgPath(tok.Scope[0], "/clusters?limit=100"),
	}
	for route, path := range routes {
		for field, get := range key {
			for _, dir := range []string{"asc", "desc"} {
				t.Run(route+"/"+field+":"+dir, func(t *testing.T) {
					t.Parallel()
					who := tok.Token
					if route == "organizations" {
						who = pat.Token
					}
					xs := e.list(t, who, path+"&sorts="+field+":"+dir).items()
					require.NotEmpty(t, xs)
					assert.True(t, slices.IsSortedFunc(xs, func(a, b item) int {
						c := strings.Compare(get(a), get(b))
						if dir == "desc" {
							return -c
						}
						return c
					}), "sorted by %s:%s", field, dir)
				})
			}
		}
	}

	t.Run("several sorts and the default order", func(t *testing.T) {
		t.Parallel()
		path := routes["deployments"]
		xs := e.list(t, tok.Token, path+"&sorts=updatedAt:desc&sorts=name:asc").Deployments
		assert.True(t, slices.IsSortedFunc(xs, func(a, b item) int { return strings.Compare(b.UpdatedAt, a.UpdatedAt) }))
		def := e.list(t, tok.Token, path).Deployments
		assert.True(t, slices.IsSortedFunc(def, func(a, b item) int { return strings.Compare(a.CreatedAt, b.CreatedAt) }),
			"default order is by creation")
		// URL-encoded colons work too.
		enc := e.list(t, tok.Token, path+"&sorts=name%3Adesc").Deployments
		assert.True(t, slices.IsSortedFunc(enc, func(a, b item) int { return strings.Compare(b.Name, a.Name) }))
	})
}
