package astro

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagedServer serves ListDeployments over total Deployments d0, d1, … and
// records the offset and limit of every request.
type pagedServer struct {
	total     int  // reported totalCount and number of items that exist
	maxLimit  int  // the server caps limit at this, when non-zero
	emptyFrom int  // pages starting at or after this offset come back empty, when non-zero
	failAt    int  // the request at this offset fails with a 500, when non-zero
	claim     int  // totalCount to report instead of total, when non-zero
	noEcho    bool // report limit 0 instead of the page size used

	mu       sync.Mutex
	requests []string // "offset/limit" as received
}

func (p *pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	p.requests = append(p.requests, q.Get("offset")+"/"+q.Get("limit"))
	p.mu.Unlock()

	offset, _ := strconv.Atoi(q.Get("offset"))
	limit := 20
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if p.maxLimit > 0 {
		limit = min(limit, p.maxLimit)
	}
	if p.failAt > 0 && offset == p.failAt {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	items := []map[string]string{}
	for i := offset; i < min(offset+limit, p.total); i++ {
		if p.emptyFrom > 0 && offset >= p.emptyFrom {
			break
		}
		items = append(items, map[string]string{"id": fmt.Sprint("d", i)})
	}
	totalCount := p.total
	if p.claim > 0 {
		totalCount = p.claim
	}
	if p.noEcho {
		limit = 0
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"deployments": items, "offset": offset, "limit": limit, "totalCount": totalCount,
	})
}

// got returns the requests received so far. The lock also orders the read
// after the handler's write for the race detector, which does not see the
// TCP connection in between.
func (p *pagedServer) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

func setupPaged(t *testing.T, p *pagedServer) *Client {
	t.Helper()
	c, mux := setup(t)
	mux.Handle("GET /organizations/{organizationId}/deployments", p)
	return c
}

func ids(n, from int) []string {
	out := []string{}
	for i := from; i < from+n; i++ {
		out = append(out, fmt.Sprint("d", i))
	}
	return out
}

func TestListIter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		server       *pagedServer
		opts         *ListDeploymentsOptions
		wantIDs      []string
		wantRequests []string
	}{
		{
			name:         "several pages, last one short",
			server:       &pagedServer{total: 5},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      ids(5, 0),
			wantRequests: []string{"/2", "2/2", "4/2"},
		},
		{
			name:         "stops at totalCount without asking for an empty page",
			server:       &pagedServer{total: 4},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      ids(4, 0),
			wantRequests: []string{"/2", "2/2"},
		},
		{
			name:         "stops on a short page although totalCount says more",
			server:       &pagedServer{total: 5, claim: 100},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      ids(5, 0),
			wantRequests: []string{"/2", "2/2", "4/2"},
		},
		{
			name:         "short page measured by the requested limit when the server echoes none",
			server:       &pagedServer{total: 5, claim: 100, noEcho: true},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      ids(5, 0),
			wantRequests: []string{"/2", "2/2", "4/2"},
		},
		{
			name:         "stops on an empty page",
			server:       &pagedServer{total: 10, emptyFrom: 4},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      ids(4, 0),
			wantRequests: []string{"/2", "2/2", "4/2"},
		},
		{
			name:         "server default page size",
			server:       &pagedServer{total: 45},
			opts:         nil,
			wantIDs:      ids(45, 0),
			wantRequests: []string{"/", "20/", "40/"},
		},
		{
			name:         "server caps the page size",
			server:       &pagedServer{total: 25, maxLimit: 10},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 50}},
			wantIDs:      ids(25, 0),
			wantRequests: []string{"/50", "10/50", "20/50"},
		},
		{
			name:         "starts at the given offset",
			server:       &pagedServer{total: 7},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Offset: 3, Limit: 2}},
			wantIDs:      ids(4, 3),
			wantRequests: []string{"3/2", "5/2"},
		},
		{
			name:         "empty list",
			server:       &pagedServer{total: 0},
			opts:         &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}},
			wantIDs:      []string{},
			wantRequests: []string{"/2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := setupPaged(t, tt.server)
			var before ListDeploymentsOptions
			if tt.opts != nil {
				before = *tt.opts
			}

			got := []string{}
			for d, err := range c.Deployments.ListIter(t.Context(), "o1", tt.opts) {
				require.NoError(t, err)
				got = append(got, d.ID)
			}
			assert.Equal(t, tt.wantIDs, got)
			assert.Equal(t, tt.wantRequests, tt.server.got())
			if tt.opts != nil {
				assert.Equal(t, before, *tt.opts, "ListIter must not modify opts")
			}
		})
	}
}

func TestListIter_filtersOnEveryPage(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var (
		mu      sync.Mutex
		queries []string
	)
	mux.HandleFunc("GET /organizations/{organizationId}/deployments", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		writeJSON(t, w, http.StatusOK, fmt.Sprintf(`{"deployments":[{"id":"d%d"}],"offset":%d,"limit":1,"totalCount":2}`, offset, offset))
	})
	opts := &ListDeploymentsOptions{WorkspaceIDs: []string{"w1"}, ListOptions: ListOptions{Limit: 1, Sorts: []string{"name:asc"}}}
	n := 0
	for _, err := range c.Deployments.ListIter(t.Context(), "o1", opts) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{
		"limit=1&sorts=name%3Aasc&workspaceIds=w1",
		"limit=1&offset=1&sorts=name%3Aasc&workspaceIds=w1",
	}, queries)
}

func TestListIter_error(t *testing.T) {
	t.Parallel()
	srv := &pagedServer{total: 6, failAt: 2}
	c := setupPaged(t, srv)
	var got []string
	var errs []error
	for d, err := range c.Deployments.ListIter(t.Context(), "o1", &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}}) {
		if err != nil {
			assert.Nil(t, d)
			errs = append(errs, err)
			continue
		}
		got = append(got, d.ID)
	}
	assert.Equal(t, ids(2, 0), got)
	require.Len(t, errs, 1, "the iterator stops after yielding the error")
	var apiErr *Error
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Equal(t, []string{"/2", "2/2"}, srv.got())
}

func TestListIter_earlyBreakAndRestart(t *testing.T) {
	t.Parallel()
	srv := &pagedServer{total: 6}
	c := setupPaged(t, srv)
	seq := c.Deployments.ListIter(t.Context(), "o1", &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 2}})

	for d, err := range seq {
		require.NoError(t, err)
		assert.Equal(t, "d0", d.ID)
		break
	}
	assert.Equal(t, []string{"/2"}, srv.got(), "no page is fetched after the caller stops")

	// A second range starts again from the original offset.
	var got []string
	for d, err := range seq {
		require.NoError(t, err)
		got = append(got, d.ID)
	}
	assert.Equal(t, ids(6, 0), got)
	assert.Equal(t, []string{"/2", "/2", "2/2", "4/2"}, srv.got())
}

func TestListIter_invalidOrganization(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/", failHandler(t))
	n := 0
	for d, err := range c.Deployments.ListIter(t.Context(), "", nil) {
		assert.Nil(t, d)
		assert.ErrorIs(t, err, ErrInvalidID)
		n++
	}
	assert.Equal(t, 1, n)
}

func TestListOptions_query(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts ListOptions
		want string
	}{
		{"zero values are omitted", ListOptions{}, ""},
		{"all", ListOptions{Offset: 40, Limit: 20, Sorts: []string{"name:asc", "createdAt:desc"}}, "limit=20&offset=40&sorts=name%3Aasc&sorts=createdAt%3Adesc"},
		{"negative values are sent for the server to reject", ListOptions{Offset: -1}, "offset=-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			tt.opts.addTo(q)
			assert.Equal(t, tt.want, q.Encode())
		})
	}
}
