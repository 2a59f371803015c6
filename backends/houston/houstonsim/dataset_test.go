package houstonsim_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

const everyDeploymentField = `{ paginatedDeployments(take: -1) {
	id type label description releaseName namespace clusterId version airflowVersion desiredAirflowVersion
	runtimeVersion desiredRuntimeVersion runtimeAirflowVersion urls { type url } deployInfo { current nextCli }
	dagDeployment { type } status config createdAt updatedAt workspace { id }
} workspaces { id label description createdAt updatedAt deploymentCount } }`

type fullDeployment struct {
	ID                    string  `json:"id"`
	Type                  string  `json:"type"`
	Label                 string  `json:"label"`
	ReleaseName           string  `json:"releaseName"`
	Namespace             string  `json:"namespace"`
	ClusterID             string  `json:"clusterId"`
	Version               string  `json:"version"`
	AirflowVersion        *string `json:"airflowVersion"`
	RuntimeVersion        *string `json:"runtimeVersion"`
	DesiredRuntimeVersion *string `json:"desiredRuntimeVersion"`
	RuntimeAirflowVersion *string `json:"runtimeAirflowVersion"`
	Urls                  []struct{ Type, URL string }
	DeployInfo            struct {
		Current *string
		NextCli string
	}
	DagDeployment struct{ Type string }
	Status        string         `json:"status"`
	Config        map[string]any `json:"config"`
	CreatedAt     string         `json:"createdAt"`
	UpdatedAt     string         `json:"updatedAt"`
	Workspace     struct{ ID string }
}

func TestDatasets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dataset                    string
		workspaces, deployments    int
		minClusters, minPerCluster int
	}{
		{houstonsim.Small, 4, 30, 2, 1},
		{houstonsim.Bench, 24, 2400, 3, 100},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			t.Parallel()
			sim, srv := start(t, houstonsim.WithDataset(tt.dataset))
			r := post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, everyDeploymentField, nil)
			mustOK(t, r)
			workspaces := field[[]struct {
				ID, CreatedAt   string
				DeploymentCount int
			}](t, r, "workspaces")
			deployments := field[[]fullDeployment](t, r, "paginatedDeployments")
			require.Len(t, workspaces, tt.workspaces)
			require.Len(t, deployments, tt.deployments)

			perWorkspace := map[string]int{}
			for _, w := range workspaces {
				assert.Regexp(t, `^c[0-9a-z]{24}$`, w.ID)
				perWorkspace[w.ID] = w.DeploymentCount
			}
			labels := map[string]bool{}
			releases := map[string]bool{}
			perCluster := map[string]int{}
			statuses := map[string]bool{}
			for _, d := range deployments {
				assert.Regexp(t, `^c[0-9a-z]{24}$`, d.ID)
				assert.Equal(t, "airflow", d.Type)
				assert.Regexp(t, `^[a-z]+-[a-z]+-\d{3,4}$`, d.ReleaseName)
				assert.False(t, releases[d.ReleaseName], "release names are unique: %s", d.ReleaseName)
				releases[d.ReleaseName] = true
				assert.False(t, labels[d.Workspace.ID+"/"+d.Label], "labels are unique per workspace: %s", d.Label)
				labels[d.Workspace.ID+"/"+d.Label] = true
				assert.Equal(t, "astronomer-"+d.ReleaseName, d.Namespace)
				assert.Contains(t, perWorkspace, d.Workspace.ID)
				perCluster[d.ClusterID]++
				statuses[d.Status] = true
				assert.NotEmpty(t, d.Version)

				created, err := time.Parse(time.RFC3339, d.CreatedAt)
				require.NoError(t, err)
				updated, err := time.Parse(time.RFC3339, d.UpdatedAt)
				require.NoError(t, err)
				assert.False(t, updated.Before(created))

				if d.RuntimeVersion != nil {
					assert.Nil(t, d.AirflowVersion)
					assert.Regexp(t, `^\d+\.\d+\.\d+$`, *d.RuntimeVersion)
					assert.Regexp(t, `^2\.\d+\.\d+$`, *d.RuntimeAirflowVersion)
					assert.NotNil(t, d.DesiredRuntimeVersion)
				} else {
					assert.NotNil(t, d.AirflowVersion, "a deployment runs Runtime or Astronomer Certified")
				}
				urlTypes := ids(d.Urls, func(u struct{ Type, URL string }) string { return u.Type })
				assert.Contains(t, urlTypes, "airflow")
				assert.Equal(t, d.Config["executor"] == "CeleryExecutor", slices.Contains(urlTypes, "flower"))
				assert.Equal(t, d.DagDeployment.Type == "dag_deploy", slices.Contains(urlTypes, "dagserver"))
				assert.Regexp(t, `^cli-\d+$`, d.DeployInfo.NextCli)
			}
			for w, n := range perWorkspace {
				assert.Positive(t, n, w)
			}
			assert.GreaterOrEqual(t, len(perCluster), tt.minClusters)
			for c, n := range perCluster {
				assert.GreaterOrEqual(t, n, tt.minPerCluster, c)
			}
			assert.True(t, statuses["HEALTHY"])
			assert.Greater(t, len(statuses), 1, "statuses vary")
		})
	}
}

func TestDatasetIsDeterministic(t *testing.T) {
	t.Parallel()
	dump := func(opts ...houstonsim.Option) (string, []houstonsim.Token) {
		sim, srv := start(t, opts...)
		r := post(t, srv, token(t, sim, houstonsim.LabelSystemAdmin).Token, everyDeploymentField, nil)
		mustOK(t, r)
		b, err := json.Marshal(r.Raw)
		require.NoError(t, err)
		return string(b), sim.Tokens()
	}
	a, aTokens := dump()
	b, bTokens := dump(houstonsim.WithSeed(houstonsim.DefaultSeed))
	c, cTokens := dump(houstonsim.WithSeed(42))
	assert.Equal(t, a, b)
	assert.Equal(t, aTokens, bTokens)
	assert.NotEqual(t, a, c)
	assert.NotEqual(t, aTokens[0].Token, cTokens[0].Token)
}

func TestUnknownDatasetPanics(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, `houstonsim: unknown dataset "huge" (want "small" or "bench")`, func() {
		houstonsim.New(houstonsim.WithDataset("huge"))
	})
}

// TestServeHTTPInProcess uses the Sim as a plain http.Handler, without a
// server.
func TestServeHTTPInProcess(t *testing.T) {
	t.Parallel()
	sim := houstonsim.New()
	tests := []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPost, "/v1", `{"query":"{ appConfig { version } }"}`, http.StatusOK},
		{http.MethodGet, "/v1?query=%7BappConfig%7Bversion%7D%7D", "", http.StatusOK},
		{http.MethodGet, "/_sim/stats", "", http.StatusOK},
		{http.MethodGet, "/v2", "", http.StatusNotFound},
		{http.MethodGet, "/_sim/reset", "", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		assert.Equal(t, tt.want, rec.Code, "%s %s: %s", tt.method, tt.path, rec.Body)
	}
	assert.Equal(t, 2, sim.Stats().Requests)
}
