package astro

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestVariantsMarshal checks that each variant of a union request
// sends its discriminator and only its own fields, and that required
// arrays go out as [] rather than null.
func TestRequestVariantsMarshal(t *testing.T) {
	t.Parallel()
	ws := "w1"
	tests := []struct {
		name string
		body json.Marshaler
		want string
	}{
		{"minimal create has no type", MinimalCreateDeploymentRequest{Name: "d", WorkspaceID: ws}, `{"name":"d","workspaceId":"w1"}`},
		{"dedicated", CreateDedicatedDeploymentRequest{Name: "d", WorkspaceID: ws, IsHighAvailability: new(bool)},
			`{"type":"DEDICATED","name":"d","workspaceId":"w1","isHighAvailability":false}`},
		{"hybrid", CreateHybridDeploymentRequest{Name: "d", WorkspaceID: ws}, `{"type":"HYBRID","name":"d","workspaceId":"w1"}`},
		{"standard", CreateStandardDeploymentRequest{Name: "d", WorkspaceID: ws}, `{"type":"STANDARD","name":"d","workspaceId":"w1"}`},
		{"update with nil variables", UpdateStandardDeploymentRequest{Name: "d", WorkspaceID: ws, Executor: DeploymentExecutorCelery, SchedulerSize: SchedulerSizeSmall},
			`{"type":"STANDARD","environmentVariables":[],"executor":"CELERY","isCicdEnforced":false,"isDagDeployEnabled":false,
			  "isHighAvailability":false,"name":"d","schedulerSize":"SMALL","workspaceId":"w1"}`},
		{"aws cluster", CreateAWSClusterRequest{Name: "c", Region: "us-east-1", Type: ClusterTypeDedicated, VPCSubnetRange: "10.0.0.0/16"},
			`{"cloudProvider":"AWS","name":"c","region":"us-east-1","type":"DEDICATED","vpcSubnetRange":"10.0.0.0/16"}`},
		{"dedicated cluster update", UpdateDedicatedClusterRequest{Name: "c"}, `{"clusterType":"DEDICATED","k8sTags":[],"name":"c"}`},
		{"hybrid cluster update keeps workspaces", UpdateHybridClusterRequest{}, `{"clusterType":"HYBRID"}`},
		{"hybrid cluster update clears workspaces", UpdateHybridClusterRequest{WorkspaceIDs: []string{}}, `{"clusterType":"HYBRID","workspaceIds":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tc.body)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(b))
		})
	}
}

// TestNilBodyIsRefusedLocally: a nil request body never reaches the API.
func TestNilBodyIsRefusedLocally(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/", failHandler(t))
	_, _, err := c.Workspaces.Create(t.Context(), "o1", nil)
	assert.True(t, errors.Is(err, ErrNoBody), "%v", err)
	_, _, err = c.Deployments.Create(t.Context(), "o1", nil)
	assert.True(t, errors.Is(err, ErrNoBody), "%v", err)
	_, err = c.Teams.AddMembers(t.Context(), "o1", "t1", nil)
	assert.True(t, errors.Is(err, ErrNoBody), "%v", err)
}

// TestGetAuditLogsReturnsBytes: the audit log is not JSON; Do copies it.
func TestGetAuditLogsReturnsBytes(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/audit-logs", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "startDate=2025-01-02T03%3A04%3A05Z", r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write([]byte("line 1\nline 2\n"))
	})
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	got, resp, err := c.Organizations.GetAuditLogs(t.Context(), "o1", &GetOrganizationAuditLogsOptions{StartDate: &start})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "line 1\nline 2\n", string(got))
}
