package astro

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClustersService_List(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      *ListClustersOptions
		wantQuery string
	}{
		{"no options", nil, ""},
		{
			"every parameter",
			&ListClustersOptions{
				Names:       []string{"a", "b"},
				Provider:    string(CloudProviderGCP),
				ListOptions: ListOptions{Limit: 100, Sorts: []string{"name:desc"}},
			},
			"limit=100&names=a&names=b&provider=GCP&sorts=name%3Adesc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /organizations/{organizationId}/clusters", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "o1", r.PathValue("organizationId"))
				assert.Equal(t, tt.wantQuery, r.URL.RawQuery)
				writeJSON(t, w, http.StatusOK, `{"clusters":[`+fixture(t, "cluster.json")+`],
					"limit":100,"offset":0,"totalCount":1}`)
			})
			got, resp, err := c.Clusters.List(t.Context(), "o1", tt.opts)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, "clm7k8tgw000008jz97i37y81", got[0].ID)
			assert.Equal(t, &Response{StatusCode: http.StatusOK, TotalCount: 1, Limit: 100}, resp)
		})
	}
}

func TestClustersService_ListIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/clusters", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "provider=AWS", r.URL.RawQuery)
		writeJSON(t, w, http.StatusOK, `{"clusters":[{"id":"c1"}],"limit":20,"offset":0,"totalCount":1}`)
	})
	var got []string
	for cl, err := range c.Clusters.ListIter(t.Context(), "o1", &ListClustersOptions{Provider: "AWS"}) {
		require.NoError(t, err)
		got = append(got, cl.ID)
	}
	assert.Equal(t, []string{"c1"}, got)
}

func TestClustersService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	body := fixture(t, "cluster.json")
	mux.HandleFunc("GET /organizations/{organizationId}/clusters/{clusterId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "o1", r.PathValue("organizationId"))
		assert.Equal(t, "c1", r.PathValue("clusterId"))
		writeJSON(t, w, http.StatusOK, body)
	})
	cl, _, err := c.Clusters.Get(t.Context(), "o1", "c1")
	require.NoError(t, err)
	assertRoundTrip(t, body, cl)
	assert.Equal(t, ClusterStatusCreated, cl.Status)
	assert.Equal(t, ClusterTypeDedicated, cl.Type)
	assert.Equal(t, CloudProviderAWS, cl.CloudProvider)
	require.NotNil(t, cl.HealthStatus)
	assert.Equal(t, ClusterHealthHealthy, cl.HealthStatus.Value)
	require.Len(t, cl.NodePools, 1)
	assert.Equal(t, CloudProviderAWS, cl.NodePools[0].CloudProvider)
	require.NotNil(t, cl.IsLimited)
	assert.False(t, *cl.IsLimited, "an optional false must survive as a non-nil pointer")
}

func TestClustersService_Get_unauthorized(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/clusters/{clusterId}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusUnauthorized, `{"message":"Unauthorized","requestId":"r","statusCode":401}`)
	})
	cl, resp, err := c.Clusters.Get(t.Context(), "o1", "c1")
	assert.Nil(t, cl)
	assert.True(t, HasStatus(err, http.StatusUnauthorized))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
