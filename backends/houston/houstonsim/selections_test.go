package houstonsim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

func TestSelections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  []string
	}{
		{"sorted, nested",
			`{ paginatedDeployments { workspace { id } label id } }`, nil,
			[]string{"paginatedDeployments{id label workspace{id}}"}},
		{"one entry per root field, in document order",
			`{ workspaces { id } appConfig { version } }`, nil,
			[]string{"workspaces{id}", "appConfig{version}"}},
		{"aliases dropped and merged",
			`{ paginatedDeployments { a: id b: id label l2: label } }`, nil,
			[]string{"paginatedDeployments{id label}"}},
		{"aliased root fields are one entry each",
			`query($a: String!, $b: String!) {
				d0: deployment(where: {id: $a}) { id label }
				d1: deployment(where: {id: $b}) { id releaseName }
			}`,
			map[string]any{"a": "x", "b": "y"},
			[]string{"deployment{id label}", "deployment{id releaseName}"}},
		{"fragments expanded",
			`{ workspaces { ...W ... on Workspace { createdAt } } }
			fragment W on Workspace { id roleBindings { role user { username } } }`, nil,
			[]string{"workspaces{createdAt id roleBindings{role user{username}}}"}},
		{"skip and include applied",
			`query($yes: Boolean!) { workspaces { id label @skip(if: $yes) description @include(if: $yes) } }`,
			map[string]any{"yes": true},
			[]string{"workspaces{description id}"}},
		{"sub-selections of repeated fields merged",
			`{ paginatedDeployments { urls { url } urls { type } deployInfo { nextCli } } }`, nil,
			[]string{"paginatedDeployments{deployInfo{nextCli} urls{type url}}"}},
		{"__typename kept, introspection roots dropped",
			`{ deploymentConfig { __typename } __schema { queryType { name } } }`, nil,
			[]string{"deploymentConfig{__typename}"}},
		{"arguments left out",
			`{ paginatedDeployments(take: 2, name: "prod") { id } runtimeReleases(airflowVersion: "2.7.3") { version } }`, nil,
			[]string{"paginatedDeployments{id}", "runtimeReleases{version}"}},
		{"invalid documents record nothing", `{ workspaces { nope } }`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, srv := start(t)
			post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, tt.query, tt.vars)
			assert.Equal(t, tt.want, nilIfEmpty(sim.Selections()))
		})
	}
}

func TestSelectionsAccumulateUntilReset(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token
	post(t, srv, sys, `{ workspaces { id } }`, nil)
	post(t, srv, "", `{ appConfig { version } }`, nil)
	got := sim.Selections()
	assert.Equal(t, []string{"workspaces{id}", "appConfig{version}"}, got)

	got[0] = "changed"
	assert.Equal(t, "workspaces{id}", sim.Selections()[0], "Selections returns a copy")

	sim.Reset()
	assert.Empty(t, sim.Selections())
	post(t, srv, sys, `{ workspaces { label } }`, nil)
	assert.Equal(t, []string{"workspaces{label}"}, sim.Selections())
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
