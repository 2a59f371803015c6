package astrosim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// census lists everything an organization token sees in its organization.
type census struct {
	workspaces, deployments, clusters []item
}

func takeCensus(t *testing.T, e *env, tok astrosim.Token) census {
	t.Helper()
	org := tok.Scope[0]
	return census{
		workspaces:  e.list(t, tok.Token, orgPath(org, "/workspaces?limit=1000")).Workspaces,
		deployments: e.list(t, tok.Token, orgPath(org, "/deployments?limit=100000")).Deployments,
		clusters:    e.list(t, tok.Token, orgPath(org, "/clusters?limit=1000")).Clusters,
	}
}

func TestDatasets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dataset                  string
		orgs                     []string
		workspaces, clustersPer  [2]int // inclusive range per organization
		deployments              int    // total
		minWorkspaces, nClusters int    // totals
	}{
		{astrosim.Small, []string{"Acme Corp", "Globex"}, [2]int{3, 4}, [2]int{2, 3}, 33, 7, 5},
		{astrosim.Bench, []string{"Initech"}, [2]int{20, 1000}, [2]int{4, 4}, 2000, 25, 4},
	}
	for _, tc := range tests {
		t.Run(tc.dataset, func(t *testing.T) {
			t.Parallel()
			e := setup(t, astrosim.WithDataset(tc.dataset), astrosim.WithRateLimit(false))
			var all census
			var names []string
			for i := range tc.orgs {
				tok := tokenOf(t, e.sim, astrosim.KindOrganization, i)
				names = append(names, strings.TrimPrefix(tok.Label, "org:"))
				c := takeCensus(t, e, tok)
				assert.GreaterOrEqual(t, len(c.workspaces), tc.workspaces[0])
				assert.LessOrEqual(t, len(c.workspaces), tc.workspaces[1])
				assert.GreaterOrEqual(t, len(c.clusters), tc.clustersPer[0])
				assert.LessOrEqual(t, len(c.clusters), tc.clustersPer[1])
				all.workspaces = append(all.workspaces, c.workspaces...)
				all.deployments = append(all.deployments, c.deployments...)
				all.clusters = append(all.clusters, c.clusters...)
			}
			assert.Equal(t, tc.orgs, names)
			assert.Len(t, all.workspaces, tc.minWorkspaces)
			assert.Len(t, all.deployments, tc.deployments)
			assert.Len(t, all.clusters, tc.nClusters)

			// Ids are unique 25-character cuids; times are RFC 3339 UTC.
			seen := map[string]bool{}
			for _, xs := range [][]item{all.workspaces, all.deployments, all.clusters} {
				for _, x := range xs {
					assert.Regexp(t, `^c[0-9a-z]{24}$`, x.ID)
					assert.False(t, seen[x.ID], "duplicate id %s", x.ID)
					seen[x.ID] = true
					for _, ts := range []string{x.CreatedAt, x.UpdatedAt} {
						parsed, err := time.Parse(time.RFC3339, ts)
						require.NoError(t, err)
						assert.True(t, strings.HasSuffix(ts, "Z"), ts)
						assert.Equal(t, time.UTC, parsed.Location())
					}
					assert.LessOrEqual(t, x.CreatedAt, x.UpdatedAt)
				}
			}

			// Deployments: every one in a listed workspace, named, with the
			// placement fields of its type.
			wsName := map[string]string{}
			for _, w := range all.workspaces {
				wsName[w.ID] = w.Name
			}
			clusterByID := map[string]item{}
			for _, c := range all.clusters {
				clusterByID[c.ID] = c
			}
			types, statuses, executors := map[string]int{}, map[string]int{}, map[string]int{}
			for _, d := range all.deployments {
				types[d.Type]++
				statuses[d.Status]++
				executors[d.Executor]++
				assert.Equal(t, wsName[d.WorkspaceID], d.WorkspaceName)
				assert.NotEmpty(t, d.Region)
				if d.Type == "STANDARD" {
					assert.NotEmpty(t, d.CloudProvider)
					assert.Empty(t, d.ClusterID)
					continue
				}
				cl, ok := clusterByID[d.ClusterID]
				require.True(t, ok, "deployment %s on an unlisted cluster", d.ID)
				assert.Equal(t, cl.Name, d.ClusterName)
				assert.Equal(t, cl.Region, d.Region)
				assert.Equal(t, cl.Type, d.Type)
				assert.Empty(t, d.CloudProvider)
			}
			assert.GreaterOrEqual(t, len(statuses), 4, "a mix of statuses: %v", statuses)
			assert.GreaterOrEqual(t, len(executors), 2, "a mix of executors: %v", executors)
			if tc.dataset == astrosim.Small {
				assert.Len(t, types, 3, "DEDICATED, HYBRID and STANDARD: %v", types)
				providers := map[string]bool{}
				for _, c := range all.clusters {
					providers[c.CloudProvider] = true
				}
				assert.Len(t, providers, 3)
			}
		})
	}
}

func TestDatasetIsDeterministic(t *testing.T) {
	t.Parallel()
	body := func(opts ...astrosim.Option) (string, string) {
		e := setup(t, append(opts, astrosim.WithRateLimit(false))...)
		tok := tokenOf(t, e.sim, astrosim.KindOrganization, 0)
		deps := e.get(t, tok.Token, orgPath(tok.Scope[0], "/deployments?limit=100"))
		cls := e.get(t, tok.Token, orgPath(tok.Scope[0], "/clusters"))
		require.Equal(t, http.StatusOK, deps.status)
		return string(deps.body), string(cls.body)
	}
	d1, c1 := body()
	d2, c2 := body(astrosim.WithSeed(1), astrosim.WithClock(newFakeClock().Now))
	d3, _ := body(astrosim.WithSeed(7))
	assert.Equal(t, d1, d2, "same seed, same data, whatever the clock")
	assert.Equal(t, c1, c2)
	assert.NotEqual(t, d1, d3)
}

func TestObjectsCarryTheSpecFields(t *testing.T) {
	t.Parallel()
	e := setup(t, astrosim.WithRateLimit(false))
	pat := tokenOf(t, e.sim, astrosim.KindPersonal, 0)
	for _, org := range pat.Scope {
		var objs []map[string]any
		decode := func(path, field string) {
			r := e.get(t, pat.Token, path)
			require.Equal(t, http.StatusOK, r.status)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(r.body, &m))
			var xs []map[string]any
			require.NoError(t, json.Unmarshal(m[field], &xs))
			objs = append(objs, xs...)
		}
		decode(orgPath(org, "/workspaces"), "workspaces")
		decode(orgPath(org, "/clusters"), "clusters")
		decode(orgPath(org, "/deployments?limit=100"), "deployments")
		for _, o := range objs {
			for k, v := range o {
				assert.NotNil(t, v, "%s is null in %v", k, o["id"])
			}
		}
	}

	// A close look at one cluster and one deployment.
	acme := tokenLabeled(t, e.sim, "org:Acme Corp")
	r := e.get(t, acme.Token, orgPath(acme.Scope[0], "/clusters?names=aws-prod-use1"))
	var cl struct {
		Clusters []struct {
			Name, Region, CloudProvider, Type, Status, DBInstanceType, VpcSubnetRange, DrRegion string
			IsDrEnabled                                                                         bool
			NodePools                                                                           []struct {
				ID, Name, ClusterID string
				IsDefault           bool
			}
		}
	}
	require.NoError(t, json.Unmarshal(r.body, &cl))
	require.Len(t, cl.Clusters, 1)
	c := cl.Clusters[0]
	assert.Equal(t, "us-east-1", c.Region)
	assert.Equal(t, "AWS", c.CloudProvider)
	assert.Equal(t, "DEDICATED", c.Type)
	assert.Equal(t, "us-west-2", c.DrRegion)
	assert.True(t, c.IsDrEnabled)
	assert.NotEmpty(t, c.DBInstanceType)
	assert.NotEmpty(t, c.VpcSubnetRange)
	require.NotEmpty(t, c.NodePools)
	assert.True(t, c.NodePools[0].IsDefault)
}
