package houstonsim_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

// fixture is a small simulator and what its system admin sees.
type fixture struct {
	sys         string
	workspaces  []workspace
	deployments []deployment
	clusters    []string
}

func newFixture(t *testing.T, opts ...houstonsim.Option) (*houstonsim.Sim, func(auth, q string, vars map[string]any) response, fixture) {
	t.Helper()
	sim, srv := start(t, opts...)
	f := fixture{sys: token(t, sim, houstonsim.LabelSystemAdmin).Token}
	do := func(auth, q string, vars map[string]any) response { return post(t, srv, auth, q, vars) }
	r := do(f.sys, `{ workspaces { id label deploymentCount }
		paginatedDeployments(take: -1) { id label releaseName clusterId runtimeVersion runtimeAirflowVersion workspace { id } } }`, nil)
	mustOK(t, r)
	f.workspaces = field[[]workspace](t, r, "workspaces")
	f.deployments = field[[]deployment](t, r, "paginatedDeployments")
	for _, d := range f.deployments {
		if !slices.Contains(f.clusters, d.ClusterID) {
			f.clusters = append(f.clusters, d.ClusterID)
		}
	}
	slices.Sort(f.clusters)
	return sim, do, f
}

func TestAppConfig(t *testing.T) {
	t.Parallel()
	// Houston 2.0 and later take workspace and deployment scopes and no
	// longer have the legacy flags as fields (triggererEnabled is read from
	// featureFlags); 1.0 has the fields and a cluster scope.
	_, do, f := newFixture(t, houstonsim.WithVersion("2.1.0"))
	_, do10, _ := newFixture(t)
	type appConfig struct {
		Version               string          `json:"version"`
		BaseDomain            string          `json:"baseDomain"`
		SMTPConfigured        bool            `json:"smtpConfigured"`
		ByoUpdateRegistryHost string          `json:"byoUpdateRegistryHost"`
		TriggererEnabled      *bool           `json:"triggererEnabled"`
		FeatureFlags          map[string]bool `json:"featureFlags"`
	}
	const q = `query($c: Uuid, $w: Uuid, $d: Uuid) {
		appConfig(clusterId: $c, workspaceUuid: $w, deploymentUuid: $d) {
			version baseDomain smtpConfigured byoUpdateRegistryHost featureFlags
		}
	}`
	get := func(vars map[string]any) appConfig {
		r := do("", q, vars)
		mustOK(t, r)
		return field[appConfig](t, r, "appConfig")
	}

	plain := get(nil)
	assert.Equal(t, "2.1.0", plain.Version)
	assert.Equal(t, "astro.example.com", plain.BaseDomain)
	assert.Equal(t, "registry.astro.example.com", plain.ByoUpdateRegistryHost)
	assert.True(t, plain.SMTPConfigured)
	assert.True(t, plain.FeatureFlags["astroRuntimeEnabled"])

	// Exactly one of the two clusters turns triggerers off.
	require.Len(t, f.clusters, 2)
	var off []string
	for _, c := range f.clusters {
		cfg := get(map[string]any{"c": c, "w": "", "d": ""})
		if !cfg.FeatureFlags["triggererEnabled"] {
			off = append(off, c)
		}
		// 1.0 answers the same through its field.
		r := do10("", `query($c: Uuid) { appConfig(clusterId: $c) { triggererEnabled featureFlags } }`, map[string]any{"c": c})
		mustOK(t, r)
		old := field[appConfig](t, r, "appConfig")
		require.NotNil(t, old.TriggererEnabled)
		assert.Equal(t, cfg.FeatureFlags["triggererEnabled"], *old.TriggererEnabled)
	}
	require.Len(t, off, 1)

	// A deployment's config is its cluster's.
	for _, d := range f.deployments[:6] {
		cfg := get(map[string]any{"w": d.Workspace.ID, "d": d.ID})
		assert.Equal(t, d.ClusterID != off[0], cfg.FeatureFlags["triggererEnabled"], d.ID)
	}

	// Unknown ids merge nothing.
	assert.Equal(t, plain, get(map[string]any{"c": "cnope", "d": "cnope"}))
}

func TestAppConfigVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts []houstonsim.Option
		want string
	}{
		{nil, "1.0.1"},
		{[]houstonsim.Option{houstonsim.WithVersion("2.1.0")}, "2.1.0"},
		{[]houstonsim.Option{houstonsim.WithVersion("0.37.3")}, "0.37.3"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			_, srv := start(t, tt.opts...)
			r := post(t, srv, "", `query AppConfig { appConfig { version } }`, nil)
			mustOK(t, r)
			assert.JSONEq(t, `{"version":"`+tt.want+`"}`, string(r.Data["appConfig"]))
		})
	}
}

func TestDeploymentConfig(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	r := do(f.sys, `{ deploymentConfig { __typename airflowImages { version tag } airflowVersions defaultAirflowImageTag } }`, nil)
	mustOK(t, r)
	var cfg struct {
		Typename      string `json:"__typename"`
		AirflowImages []struct {
			Version, Tag string
		} `json:"airflowImages"`
		AirflowVersions        []string `json:"airflowVersions"`
		DefaultAirflowImageTag string   `json:"defaultAirflowImageTag"`
	}
	require.NoError(t, json.Unmarshal(r.Data["deploymentConfig"], &cfg))
	assert.Equal(t, "DeploymentConfig", cfg.Typename)
	assert.NotEmpty(t, cfg.AirflowVersions)
	assert.Len(t, cfg.AirflowImages, len(cfg.AirflowVersions))
	assert.NotEmpty(t, cfg.DefaultAirflowImageTag)
}

func TestRuntimeReleases(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	type release struct {
		Version                   string `json:"version"`
		AirflowVersion            string `json:"airflowVersion"`
		AirflowDatabaseMigrations bool   `json:"airflowDatabaseMigrations"`
	}
	const q = `query($a: String, $c: Uuid) { runtimeReleases(airflowVersion: $a, clusterId: $c) {
		version airflowVersion airflowDatabaseMigrations } }`
	get := func(vars map[string]any) []release {
		r := do(f.sys, q, vars)
		mustOK(t, r)
		return field[[]release](t, r, "runtimeReleases")
	}
	all := get(nil)
	require.GreaterOrEqual(t, len(all), 5)
	// Every runtime version a deployment runs is a release, with the same Airflow.
	for _, d := range f.deployments {
		if d.RuntimeVersion == nil {
			continue
		}
		i := slices.IndexFunc(all, func(r release) bool { return r.Version == *d.RuntimeVersion })
		require.GreaterOrEqual(t, i, 0, *d.RuntimeVersion)
		assert.Equal(t, all[i].AirflowVersion, *d.RuntimeAirflowVersion)
	}

	tests := []struct {
		name string
		vars map[string]any
		want func(release) bool
	}{
		{"no filter", map[string]any{}, func(release) bool { return true }},
		{"empty strings", map[string]any{"a": "", "c": ""}, func(release) bool { return true }},
		{"known cluster", map[string]any{"c": f.clusters[0]}, func(release) bool { return true }},
		{"airflow version", map[string]any{"a": "2.7.3", "c": ""}, func(r release) bool { return r.AirflowVersion == "2.7.3" }},
		{"unknown airflow version", map[string]any{"a": "1.10.15"}, func(release) bool { return false }},
		{"unknown cluster", map[string]any{"c": "cnope"}, func(release) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := []release{}
			for _, r := range all {
				if tt.want(r) {
					want = append(want, r)
				}
			}
			assert.Equal(t, want, get(tt.vars))
		})
	}
}

func TestWorkspace(t *testing.T) {
	t.Parallel()
	sim, do, f := newFixture(t)
	wsAdmin := token(t, sim, houstonsim.LabelWorkspaceAdmin)
	const q = `query GetWorkspace($workspaceUuid: Uuid!) { workspace(workspaceUuid: $workspaceUuid) {
		id label description createdAt updatedAt deploymentCount
		users { username }
		roleBindings { role user { id username } serviceAccount { id label } } } }`

	t.Run("known", func(t *testing.T) {
		t.Parallel()
		r := do(wsAdmin.Token, q, map[string]any{"workspaceUuid": wsAdmin.Scope[0]})
		mustOK(t, r)
		var w struct {
			ID              string `json:"id"`
			Label           string `json:"label"`
			DeploymentCount int    `json:"deploymentCount"`
			Users           []struct{ Username string }
			RoleBindings    []struct {
				Role string
				User *struct{ ID, Username string }
			} `json:"roleBindings"`
		}
		require.NoError(t, json.Unmarshal(r.Data["workspace"], &w))
		assert.Equal(t, wsAdmin.Scope[0], w.ID)
		assert.Equal(t, f.workspaces[0].Label, w.Label)
		assert.Equal(t, 8, w.DeploymentCount)
		assert.Contains(t, w.Users, struct{ Username string }{"workspace.admin@example.com"})
		i := slices.IndexFunc(w.RoleBindings, func(b struct {
			Role string
			User *struct{ ID, Username string }
		}) bool {
			return b.User != nil && b.User.Username == "workspace.admin@example.com"
		})
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, "WORKSPACE_ADMIN", w.RoleBindings[i].Role)
	})
	t.Run("service account binding", func(t *testing.T) {
		t.Parallel()
		sa := token(t, sim, houstonsim.LabelServiceAccount)
		r := do(f.sys, `query($w: Uuid!) { workspace(workspaceUuid: $w) { roleBindings { role serviceAccount { label apiKey entityType workspaceUuid deploymentUuid } } } }`,
			map[string]any{"w": sa.Scope[0]})
		mustOK(t, r)
		assert.Contains(t, string(r.Data["workspace"]),
			`{"role":"WORKSPACE_EDITOR","serviceAccount":{"label":"ci-deployer","apiKey":"`+sa.Token+`","entityType":"WORKSPACE","workspaceUuid":"`+sa.Scope[0]+`","deploymentUuid":null}}`)
	})
	for _, id := range []string{"cnotaworkspace000000000000", ""} {
		t.Run("unknown "+id, func(t *testing.T) {
			t.Parallel()
			r := do(wsAdmin.Token, q, map[string]any{"workspaceUuid": id})
			mustOK(t, r)
			assert.JSONEq(t, `{"workspace":null}`, string(r.Raw["data"]))
		})
	}
}

func TestWorkspaceDeployments(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	const q = `query GetDeployment($workspaceId: Uuid!, $releaseName: String) {
		workspaceDeployments(workspaceUuid: $workspaceId, releaseName: $releaseName) { id releaseName workspace { id } } }`
	total := 0
	for _, w := range f.workspaces {
		r := do(f.sys, q, map[string]any{"workspaceId": w.ID})
		mustOK(t, r)
		got := field[[]deployment](t, r, "workspaceDeployments")
		assert.Len(t, got, w.DeploymentCount)
		for _, d := range got {
			assert.Equal(t, w.ID, d.Workspace.ID)
		}
		total += len(got)
	}
	assert.Equal(t, len(f.deployments), total)

	d := f.deployments[5]
	r := do(f.sys, q, map[string]any{"workspaceId": d.Workspace.ID, "releaseName": d.ReleaseName})
	mustOK(t, r)
	assert.Equal(t, []string{d.ID}, deploymentIDs(field[[]deployment](t, r, "workspaceDeployments")))

	r = do(f.sys, q, map[string]any{"workspaceId": f.workspaces[0].ID, "releaseName": d.ReleaseName + "x"})
	mustOK(t, r)
	assert.JSONEq(t, `[]`, string(r.Data["workspaceDeployments"]))

	r = do(f.sys, q, map[string]any{"workspaceId": "cunknown"})
	mustOK(t, r)
	assert.JSONEq(t, `[]`, string(r.Data["workspaceDeployments"]), "system admins see an unknown workspace as empty")
}

func TestDeployment(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	d := f.deployments[3]
	const full = `{ id type label description releaseName namespace clusterId version airflowVersion
		desiredAirflowVersion runtimeVersion desiredRuntimeVersion runtimeAirflowVersion
		urls { type url } deployInfo { current nextCli } dagDeployment { type } status config
		createdAt updatedAt workspace { id label description } }`
	tests := []struct {
		name     string
		where    string
		vars     map[string]any
		wantID   string // "" means null
		wantCode string
	}{
		{"by id", `{id: $v}`, map[string]any{"v": d.ID}, d.ID, ""},
		{"by release name", `{releaseName: $v}`, map[string]any{"v": d.ReleaseName}, d.ID, ""},
		{"unknown id", `{id: $v}`, map[string]any{"v": "cnotadeployment0000000000"}, "", ""},
		{"unknown release name", `{releaseName: $v}`, map[string]any{"v": "nope-nope-1"}, "", ""},
		{"empty where", `{id: $v}`, map[string]any{"v": ""}, "", "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(f.sys, `query($v: String!) { deployment(where: `+tt.where+`) `+full+` }`, tt.vars)
			require.Equal(t, http.StatusOK, r.Status)
			if tt.wantCode != "" {
				require.Len(t, r.Errors, 1)
				assert.Equal(t, tt.wantCode, r.Errors[0].Extensions["code"])
				return
			}
			mustOK(t, r)
			if tt.wantID == "" {
				assert.Equal(t, "null", string(r.Data["deployment"]))
				return
			}
			var got map[string]any
			require.NoError(t, json.Unmarshal(r.Data["deployment"], &got))
			assert.Equal(t, tt.wantID, got["id"])
			assert.Equal(t, "airflow", got["type"])
			assert.Equal(t, "astronomer-"+d.ReleaseName, got["namespace"])
			assert.Equal(t, d.Workspace.ID, got["workspace"].(map[string]any)["id"])
			assert.NotEmpty(t, got["workspace"].(map[string]any)["label"])
			assert.NotEmpty(t, got["urls"])
			assert.Contains(t, got["config"], "executor")
		})
	}
}

func TestPaginatedDeployments(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	all := deploymentIDs(f.deployments)
	require.Len(t, all, 30)
	const q = `query paginatedDeployments($take: Int, $name: String, $cursor: Uuid, $pageNumber: Int, $clusterId: Uuid) {
		paginatedDeployments(take: $take, name: $name, cursor: $cursor, pageNumber: $pageNumber, clusterId: $clusterId) {
			id label releaseName clusterId } }`
	inCluster := func(c string) []string {
		var out []string
		for _, d := range f.deployments {
			if d.ClusterID == c {
				out = append(out, d.ID)
			}
		}
		return out
	}
	named := func(s string) []string {
		var out []string
		for _, d := range f.deployments {
			if strings.Contains(d.Label, s) || strings.Contains(d.ReleaseName, s) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	tests := []struct {
		name string
		vars map[string]any
		want []string
	}{
		{"CLI: take -1 is all", map[string]any{"take": -1}, all},
		{"default take is 20", nil, all[:20]},
		{"take", map[string]any{"take": 7}, all[:7]},
		{"take 0", map[string]any{"take": 0}, []string{}},
		{"page 1", map[string]any{"take": 7, "pageNumber": 1}, all[7:14]},
		{"last page is short", map[string]any{"take": 7, "pageNumber": 4}, all[28:]},
		{"past the end", map[string]any{"take": 7, "pageNumber": 5}, []string{}},
		{"cursor is exclusive", map[string]any{"take": 5, "cursor": all[9]}, all[10:15]},
		{"empty cursor is none", map[string]any{"take": 5, "cursor": ""}, all[:5]},
		{"negative take before cursor", map[string]any{"take": -3, "cursor": all[9]}, all[6:9]},
		{"unknown cursor", map[string]any{"take": 5, "cursor": "cnope"}, []string{}},
		{"CLI: cluster filter", map[string]any{"take": -1, "clusterId": f.clusters[1]}, inCluster(f.clusters[1])},
		{"name matches label", map[string]any{"take": -1, "name": "PROD"}, named("prod")},
		{"name matches release name", map[string]any{"take": -1, "name": f.deployments[4].ReleaseName}, []string{all[4]}},
		{"name matches nothing", map[string]any{"take": -1, "name": "zzz"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(f.sys, q, tt.vars)
			mustOK(t, r)
			assert.Equal(t, tt.want, deploymentIDs(field[[]deployment](t, r, "paginatedDeployments")))
		})
	}

	t.Run("negative page number", func(t *testing.T) {
		t.Parallel()
		r := do(f.sys, q, map[string]any{"take": 5, "pageNumber": -1})
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
	})
}

func TestPaginatedWorkspaces(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t, houstonsim.WithDataset(houstonsim.Bench))
	all := workspaceIDs(f.workspaces)
	require.Len(t, all, 24)
	// The CLI's document maps its pageSize variable to take.
	const q = `query paginatedWorkspaces($pageSize: Int, $pageNumber: Int) {
		paginatedWorkspaces(take: $pageSize, pageNumber: $pageNumber) { id label } }`
	tests := []struct {
		name string
		vars map[string]any
		want []string
	}{
		{"defaults", nil, all[:20]},
		{"CLI first page", map[string]any{"pageSize": 20, "pageNumber": 0}, all[:20]},
		{"CLI second page", map[string]any{"pageSize": 20, "pageNumber": 1}, all[20:]},
		{"CLI login probe", map[string]any{"pageSize": 2, "pageNumber": 0}, all[:2]},
		{"all", map[string]any{"pageSize": -1}, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(f.sys, q, tt.vars)
			mustOK(t, r)
			assert.Equal(t, tt.want, workspaceIDs(field[[]workspace](t, r, "paginatedWorkspaces")))
		})
	}
}

// TestNestedWorkspace checks that Deployment.workspace resolves with any
// fields, as the gateway asks for them inline.
func TestNestedWorkspace(t *testing.T) {
	t.Parallel()
	_, do, f := newFixture(t)
	r := do(f.sys, `{ paginatedDeployments(take: 3) { id workspace { id label description createdAt deploymentCount } } }`, nil)
	mustOK(t, r)
	var got []struct {
		Workspace struct {
			ID, Label, Description, CreatedAt string
			DeploymentCount                   int
		}
	}
	require.NoError(t, json.Unmarshal(r.Data["paginatedDeployments"], &got))
	require.Len(t, got, 3)
	for i, d := range got {
		assert.Equal(t, f.deployments[i].Workspace.ID, d.Workspace.ID)
		assert.NotEmpty(t, d.Workspace.Label)
		assert.NotEmpty(t, d.Workspace.Description)
		assert.NotEmpty(t, d.Workspace.CreatedAt)
		assert.Positive(t, d.Workspace.DeploymentCount)
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	sim, srv := start(t)
	sys := token(t, sim, houstonsim.LabelSystemAdmin).Token

	t.Run("GET", func(t *testing.T) {
		t.Parallel()
		u := srv.URL + "/v1?" + url.Values{
			"query":     {`query($t: Int) { paginatedWorkspaces(take: $t) { id } }`},
			"variables": {`{"t": 2}`},
		}.Encode()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", sys)
		r := send(t, req)
		mustOK(t, r)
		assert.Len(t, field[[]workspace](t, r, "paginatedWorkspaces"), 2)
	})
	t.Run("variables null and undeclared variables", func(t *testing.T) {
		t.Parallel()
		r := post(t, srv, sys, `query GetWorkspaces { workspaces { id } }`, nil)
		mustOK(t, r)
		r = post(t, srv, sys, `query($workspaceId: Uuid!) { workspaceDeployments(workspaceUuid: $workspaceId) { id } }`,
			map[string]any{"workspaceId": token(t, sim, houstonsim.LabelWorkspaceAdmin).Scope[0], "payload": map[string]any{"label": "x"}, "sync": true})
		mustOK(t, r)
	})
	t.Run("validation errors are 400, like Apollo", func(t *testing.T) {
		t.Parallel()
		r := post(t, srv, sys, `{ appConfig { nope } }`, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		require.Len(t, r.Errors, 1)
		assert.Contains(t, r.Errors[0].Message, `Cannot query field "nope" on type "AppConfig".`)
		assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.Errors[0].Extensions["code"])
	})
	t.Run("parse errors are 400", func(t *testing.T) {
		t.Parallel()
		r := post(t, srv, sys, `{ appConfig {`, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "GRAPHQL_PARSE_FAILED", r.Errors[0].Extensions["code"])
	})
	t.Run("introspection is on", func(t *testing.T) {
		t.Parallel()
		r := post(t, srv, "", `{ __schema { queryType { name } } __type(name: "Uuid") { kind } }`, nil)
		mustOK(t, r)
		assert.JSONEq(t, `{"queryType":{"name":"Query"}}`, string(r.Data["__schema"]))
		assert.JSONEq(t, `{"kind":"SCALAR"}`, string(r.Data["__type"]))
	})
	t.Run("other methods", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, srv.URL+"/v1", nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}
