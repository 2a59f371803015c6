package astro

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkspacesService_List(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      *ListWorkspacesOptions
		wantQuery string
	}{
		{"no options", nil, ""},
		{
			"every parameter",
			&ListWorkspacesOptions{
				WorkspaceIDs: []string{"w1", "w2"},
				Names:        []string{"prod", "dev"},
				ListOptions:  ListOptions{Offset: 5, Limit: 10, Sorts: []string{"updatedAt:desc"}},
			},
			"limit=10&names=prod&names=dev&offset=5&sorts=updatedAt%3Adesc&workspaceIds=w1&workspaceIds=w2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /organizations/{organizationId}/workspaces", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "o1", r.PathValue("organizationId"))
				assert.Equal(t, tt.wantQuery, r.URL.RawQuery)
				writeJSON(t, w, http.StatusOK, `{"workspaces":[`+fixture(t, "workspace.json")+`],
					"limit":10,"offset":5,"totalCount":6}`)
			})
			got, resp, err := c.Workspaces.List(t.Context(), "o1", tt.opts)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, "My Workspace", got[0].Name)
			assert.Equal(t, &Response{StatusCode: http.StatusOK, TotalCount: 6, Offset: 5, Limit: 10}, resp)
		})
	}
}

func TestWorkspacesService_ListIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/workspaces", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "names=prod", r.URL.RawQuery)
		writeJSON(t, w, http.StatusOK, `{"workspaces":[{"id":"w1"},{"id":"w2"}],"limit":20,"offset":0,"totalCount":2}`)
	})
	var got []string
	for ws, err := range c.Workspaces.ListIter(t.Context(), "o1", &ListWorkspacesOptions{Names: []string{"prod"}}) {
		require.NoError(t, err)
		got = append(got, ws.ID)
	}
	assert.Equal(t, []string{"w1", "w2"}, got)
}

func TestWorkspacesService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	body := fixture(t, "workspace.json")
	mux.HandleFunc("GET /organizations/{organizationId}/workspaces/{workspaceId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "o1", r.PathValue("organizationId"))
		assert.Equal(t, "w1", r.PathValue("workspaceId"))
		writeJSON(t, w, http.StatusOK, body)
	})
	ws, resp, err := c.Workspaces.Get(t.Context(), "o1", "w1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assertRoundTrip(t, body, ws)
	assert.Equal(t, CloudProviderAWS, *ws.DefaultCloudProvider)
	assert.Equal(t, SubjectTypeUser, *ws.CreatedBy.SubjectType)
	assert.True(t, ws.CICDEnforcedDefault)
}

func TestWorkspacesService_Get_forbidden(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}/workspaces/{workspaceId}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusForbidden, `{"message":"Forbidden","requestId":"r","statusCode":403}`)
	})
	ws, _, err := c.Workspaces.Get(t.Context(), "o1", "w1")
	assert.Nil(t, ws)
	assert.True(t, HasStatus(err, http.StatusForbidden))
	_, _, err = c.Workspaces.Get(t.Context(), "o1", "")
	assert.ErrorIs(t, err, ErrInvalidID)
}
