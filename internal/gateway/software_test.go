package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// warmVersion makes the gateway learn Houston's version (once per process),
// so that request counts after it are the query's own.
func warmVersion(t *testing.T, env *testenv.Env) {
	t.Helper()
	r := env.Query(t, `{ software { houstonVersion } }`, nil, env.Headers())
	require.Empty(t, r.Errors)
	env.Houston.Reset()
}

type member struct {
	Role string `json:"role"`
	Node struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Email    string `json:"email"`
		Name     string `json:"name"`
	} `json:"node"`
}

type workspaceMembers struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Users struct {
		TotalCount int      `json:"totalCount"`
		Edges      []member `json:"edges"`
	} `json:"users"`
	Teams struct {
		TotalCount int      `json:"totalCount"`
		Edges      []member `json:"edges"`
	} `json:"teams"`
	ServiceAccounts struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Label string `json:"label"`
			Role  string `json:"role"`
		} `json:"nodes"`
	} `json:"serviceAccounts"`
	Invites struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"nodes"`
	} `json:"invites"`
}

const membersSelection = `id name
	users(first: 100) { totalCount edges { role node { id username email } } }
	teams(first: 100) { totalCount edges { role node { id name } } }
	serviceAccounts(first: 100) { totalCount nodes { label role } }
	invites(first: 100) { totalCount nodes { email role } }`

// TestSoftwareWorkspaceMembers lists every workspace with its users, teams,
// service accounts and invites: all of it in the one Houston request that
// lists the workspaces, asking only for what the query selects.
func TestSoftwareWorkspaceMembers(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		warmVersion(t, env)
		r := env.Query(t, `{ software { workspaces(first: 100) { nodes { `+membersSelection+` } } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Software struct {
				Workspaces struct {
					Nodes []workspaceMembers `json:"nodes"`
				} `json:"workspaces"`
			} `json:"software"`
		}
		r.Decode(t, &d)
		ws := d.Software.Workspaces.Nodes
		require.NotEmpty(t, ws)
		var users, teams, accounts int
		for _, w := range ws {
			assert.Len(t, w.Users.Edges, w.Users.TotalCount)
			for _, u := range w.Users.Edges {
				assert.True(t, strings.HasPrefix(u.Role, "WORKSPACE_"), "workspace role on the edge: %q", u.Role)
				assert.Contains(t, u.Node.Email, "@")
			}
			for _, tm := range w.Teams.Edges {
				assert.NotEmpty(t, tm.Node.Name)
				assert.NotEmpty(t, tm.Role)
			}
			users += w.Users.TotalCount
			teams += w.Teams.TotalCount
			accounts += w.ServiceAccounts.TotalCount
		}
		assert.Positive(t, users)
		assert.Positive(t, accounts+teams, "the dataset binds teams or service accounts to workspaces")

		st := env.Houston.Stats()
		assert.Equal(t, 1, st.Requests, "members come inline with the workspaces: %v", st.ByRoute)
		sels := env.Houston.Selections()
		require.Len(t, sels, 1)
		assert.Equal(t, "workspaces{id invites{email id role} label roleBindings{role serviceAccount{id label} team{id name} user{emails{address primary} id username}}}", sels[0])
	})
}

// TestSoftwareLookupsWithMembersShareOneDocument: ten deployments by id,
// each with its users, teams, service accounts and workspace, cost one
// Houston request.
func TestSoftwareLookupsWithMembersShareOneDocument(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		all := collectAll(t, env, env.Headers(), `{platforms: [SOFTWARE]}`)
		require.GreaterOrEqual(t, len(all), 10)
		ids := make([]string, 10)
		for i := range ids {
			ids[i] = all[i].ID
		}
		warmVersion(t, env)
		r := env.Query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on SoftwareDeployment {
			name clusterId config deployInfo { nextCli } urls { type url }
			users { totalCount edges { role node { username } } }
			teams { totalCount } serviceAccounts { totalCount nodes { label role } }
			workspace { name users { totalCount } } } } }`, map[string]any{"ids": ids}, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Nodes []struct {
				ID    string `json:"id"`
				Users struct {
					TotalCount int `json:"totalCount"`
				} `json:"users"`
				Workspace struct {
					Users struct {
						TotalCount int `json:"totalCount"`
					} `json:"users"`
				} `json:"workspace"`
				URLs []struct {
					Type string `json:"type"`
				} `json:"urls"`
			} `json:"nodes"`
		}
		r.Decode(t, &d)
		require.Len(t, d.Nodes, 10)
		for i, n := range d.Nodes {
			assert.Equal(t, ids[i], n.ID)
			assert.Positive(t, n.Workspace.Users.TotalCount)
			assert.NotEmpty(t, n.URLs)
		}
		st := env.Houston.Stats()
		assert.Equal(t, 1, st.Requests, "one Houston request: %v", st.ByRoute)
		assert.Equal(t, 10, st.ByRoute["deployment"])
	})
}

// TestSoftwarePlatformQueries covers the installation-wide entry points.
func TestSoftwarePlatformQueries(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		r := env.Query(t, `{ software { houstonVersion
			appConfig { version baseDomain smtpConfigured }
			deploymentConfig { defaultAirflowImageTag airflowImages { tag } executors }
			runtimeReleases { version airflowVersion }
			users(first: 5) { totalCount nodes { id userId username email } }
			teams(first: 2) { totalCount pageInfo { hasNextPage } nodes { id teamId name users { username } } } } }`, nil, env.Headers())
		require.Empty(t, r.Errors)
		var d struct {
			Software struct {
				HoustonVersion string `json:"houstonVersion"`
				AppConfig      struct {
					Version string `json:"version"`
				} `json:"appConfig"`
				DeploymentConfig struct {
					DefaultAirflowImageTag string `json:"defaultAirflowImageTag"`
				} `json:"deploymentConfig"`
				RuntimeReleases []struct {
					Version string `json:"version"`
				} `json:"runtimeReleases"`
				Users struct {
					TotalCount int `json:"totalCount"`
					Nodes      []struct {
						ID     string `json:"id"`
						UserID string `json:"userId"`
						Email  string `json:"email"`
					} `json:"nodes"`
				} `json:"users"`
				Teams struct {
					TotalCount int `json:"totalCount"`
					Nodes      []struct {
						ID    string            `json:"id"`
						Users []json.RawMessage `json:"users"`
					} `json:"nodes"`
				} `json:"teams"`
			} `json:"software"`
		}
		r.Decode(t, &d)
		s := d.Software
		assert.Equal(t, s.AppConfig.Version, s.HoustonVersion)
		assert.NotEmpty(t, s.DeploymentConfig.DefaultAirflowImageTag)
		assert.NotEmpty(t, s.RuntimeReleases)
		require.Len(t, s.Users.Nodes, 5)
		assert.Greater(t, s.Users.TotalCount, 5)
		assert.Positive(t, s.Teams.TotalCount)
		require.NotEmpty(t, s.Teams.Nodes)

		// Users and teams round-trip through node(id).
		for _, id := range []string{s.Users.Nodes[0].ID, s.Teams.Nodes[0].ID} {
			r := env.Query(t, `query($id: ID!) { node(id: $id) { id ... on SoftwareUser { email } ... on SoftwareTeam { name } } }`, map[string]any{"id": id}, env.Headers())
			require.Empty(t, r.Errors)
			assert.Contains(t, string(r.Data), id)
		}
		// Search matches e-mail addresses.
		r = env.Query(t, `query($q: String) { software { users(search: $q) { nodes { email } } } }`, map[string]any{"q": s.Users.Nodes[0].Email}, env.Headers())
		require.Empty(t, r.Errors)
		assert.Contains(t, string(r.Data), s.Users.Nodes[0].Email)
	})
}

// TestSoftwareAuthNamespacesAndPastLogs: authConfig (asked without the
// caller's token), availableNamespaces (a cluster required on 1.0 and
// later, refused before) and a deployment's past log lines.
func TestSoftwareAuthNamespacesAndPastLogs(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0.34.0", "2.1.0"} {
		t.Run(v, func(t *testing.T) {
			env := testenv.Start(t, testenv.Config{NoAstro: true, HoustonLogInterval: 20 * time.Millisecond,
				HoustonOptions: []houstonsim.Option{houstonsim.WithVersion(v)}})
			cluster := ""
			if v == "2.1.0" {
				cluster = "clusterId"
			}
			r := env.Query(t, `{ software { authConfig { localEnabled publicSignup providers { name url } }
				deployments(first: 1) { nodes { id deploymentId `+cluster+` } } } }`, nil, env.Headers())
			require.Empty(t, r.Errors)
			var d struct {
				Software struct {
					AuthConfig struct {
						LocalEnabled *bool
						Providers    []struct{ Name string }
					}
					Deployments struct {
						Nodes []struct {
							ID, DeploymentID string
							ClusterID        *string
						}
					}
				}
			}
			r.Decode(t, &d)
			require.NotNil(t, d.Software.AuthConfig.LocalEnabled)
			require.NotEmpty(t, d.Software.Deployments.Nodes)
			dep := d.Software.Deployments.Nodes[0]

			// Namespaces: 1.0 and later want the cluster.
			r = env.Query(t, `{ software { availableNamespaces } }`, nil, env.Headers())
			if v == "2.1.0" {
				require.Len(t, r.Errors, 1)
				assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
				assert.Equal(t, "clusterId", r.Errors[0].Extensions["field"])
				if dep.ClusterID != nil {
					r = env.Query(t, `query($c: String) { software { availableNamespaces(clusterId: $c) } }`, map[string]any{"c": *dep.ClusterID}, env.Headers())
					require.Empty(t, r.Errors)
				}
			} else {
				require.Empty(t, r.Errors)
			}

			// Past logs: the simulator writes lines; wait for some.
			q := `query($id: String!) { software { deployment(id: $id) { logs(sources: [SCHEDULER, WEBSERVER]) { id platform source message timestamp } } } }`
			var lines []map[string]any
			require.Eventually(t, func() bool {
				r := env.Query(t, q, map[string]any{"id": dep.DeploymentID}, env.Headers())
				if len(r.Errors) > 0 {
					t.Logf("errors: %v", r.Errors)
					return false
				}
				var ld struct {
					Software struct {
						Deployment struct{ Logs []map[string]any }
					}
				}
				r.Decode(t, &ld)
				lines = ld.Software.Deployment.Logs
				return len(lines) > 0
			}, 10*time.Second, 100*time.Millisecond)
			for _, l := range lines {
				assert.Equal(t, "SOFTWARE", l["platform"])
				assert.Contains(t, []any{"SCHEDULER", "WEBSERVER"}, l["source"])
				assert.NotEmpty(t, l["message"])
			}
		})
	}
}
