package astro

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeploymentsService_List(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      *ListDeploymentsOptions
		wantQuery string
	}{
		{"no options", nil, ""},
		{"empty options", &ListDeploymentsOptions{}, ""},
		{
			"batch lookup by ID",
			&ListDeploymentsOptions{DeploymentIDs: []string{"d1", "d2"}, ListOptions: ListOptions{Limit: 2}},
			"deploymentIds=d1&deploymentIds=d2&limit=2",
		},
		{
			"every parameter",
			&ListDeploymentsOptions{
				DeploymentIDs: []string{"d1", "d2"},
				WorkspaceIDs:  []string{"w1", "w2"},
				Names:         []string{"my deployment"},
				ListOptions:   ListOptions{Offset: 20, Limit: 1000, Sorts: []string{"name:asc", "createdAt:desc"}},
			},
			"deploymentIds=d1&deploymentIds=d2&limit=1000&names=my+deployment&offset=20" +
				"&sorts=name%3Aasc&sorts=createdAt%3Adesc&workspaceIds=w1&workspaceIds=w2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /organizations/{organizationId}/deployments", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "o1", r.PathValue("organizationId"))
				assert.Equal(t, tt.wantQuery, r.URL.RawQuery)
				assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"))
				writeJSON(t, w, http.StatusOK, `{"deployments":[`+fixture(t, "deployment.json")+`,{"id":"d2"}],
					"limit":2,"offset":20,"totalCount":42}`)
			})
			got, resp, err := c.WithToken("tok").Deployments.List(t.Context(), "o1", tt.opts)
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, "clmh57jtm000008lb58fe2wmv", got[0].ID)
			assert.Equal(t, "d2", got[1].ID)
			assert.Equal(t, &Response{StatusCode: http.StatusOK, TotalCount: 42, Offset: 20, Limit: 2}, resp)
		})
	}
}

func TestDeploymentsService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	body := fixture(t, "deployment.json")
	mux.HandleFunc("GET /organizations/{organizationId}/deployments/{deploymentId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "o1", r.PathValue("organizationId"))
		assert.Equal(t, "d1", r.PathValue("deploymentId"))
		assert.Empty(t, r.URL.RawQuery)
		w.Header().Set("X-Request-Id", "req-d1")
		writeJSON(t, w, http.StatusOK, body)
	})
	d, resp, err := c.Deployments.Get(t.Context(), "o1", "d1")
	require.NoError(t, err)
	assert.Equal(t, &Response{StatusCode: http.StatusOK, RequestID: "req-d1"}, resp)
	assertRoundTrip(t, body, d)

	assert.Equal(t, DeploymentStatusHealthy, d.Status)
	assert.Equal(t, DeploymentExecutorCelery, *d.Executor)
	assert.Equal(t, DeploymentTypeDedicated, *d.Type)
	assert.Equal(t, SchedulerSizeMedium, *d.SchedulerSize)
	assert.Equal(t, CloudProviderAzure, *d.CloudProvider)
	assert.Equal(t, time.Date(2022, 11, 22, 4, 37, 12, 0, time.UTC), d.CreatedAt)
	assert.Equal(t, 1, d.SchedulerReplicas)
	require.Len(t, d.WorkerQueues, 1)
	assert.Equal(t, "default", d.WorkerQueues[0].Name)
	require.NotNil(t, d.ScalingStatus)
	require.NotNil(t, d.ScalingStatus.HibernationStatus)
	assert.Equal(t, HibernationEventHibernate, *d.ScalingStatus.HibernationStatus.NextEventType)
	require.NotNil(t, d.ScalingSpec.HibernationSpec.Override.OverrideUntil)
}

func TestDeploymentsService_Get_minimal(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	// Optional properties absent: pointers stay nil rather than pointing at
	// zero values, so "absent" and "false" stay apart.
	mux.HandleFunc("GET /organizations/{organizationId}/deployments/{deploymentId}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusOK, `{"id":"d1","status":"CREATING","isCicdEnforced":false}`)
	})
	d, _, err := c.Deployments.Get(t.Context(), "o1", "d1")
	require.NoError(t, err)
	assert.Equal(t, DeploymentStatusCreating, d.Status)
	assert.Nil(t, d.IsDevelopmentMode)
	assert.Nil(t, d.Executor)
	assert.Nil(t, d.ScalingSpec)
	assert.Nil(t, d.WorkerQueues)
}

func TestDeploymentsService_Get_notFound(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/deployments/{deploymentId}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusNotFound, `{"message":"Deployment not found","requestId":"req-404","statusCode":404}`)
	})
	d, resp, err := c.Deployments.Get(t.Context(), "o1", "missing")
	assert.Nil(t, d)
	assert.True(t, IsNotFound(err))
	assert.EqualError(t, err, "astro: GET /organizations/o1/deployments/missing: 404 Deployment not found (request id req-404)")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "req-404", resp.RequestID)
}
