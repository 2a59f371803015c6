package astro

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
)

// A summary list carries exactly the SummaryFields of what a full list
// decodes from the same answer, and nothing else; the request is the same.
func TestDeploymentsService_ListSummary(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var queries []string
	mux.HandleFunc("GET /organizations/{organizationId}/deployments", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		writeJSON(t, w, http.StatusOK, `{"deployments":[`+fixture(t, "deployment.json")+`,{"id":"d2","clusterId":null}],
			"limit":2,"offset":0,"totalCount":2}`)
	})
	opts := &ListDeploymentsOptions{WorkspaceIDs: []string{"w1"}, ListOptions: ListOptions{Limit: 2}}
	full, _, err := c.WithToken("tok").Deployments.List(t.Context(), "o1", opts)
	require.NoError(t, err)
	opts.Summary = true
	sum, resp, err := c.WithToken("tok").Deployments.List(t.Context(), "o1", opts)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.TotalCount)
	require.Equal(t, []string{"limit=2&workspaceIds=w1", "limit=2&workspaceIds=w1"}, queries)
	require.Len(t, sum, len(full))
	for i := range full {
		assertSummaryOf(t, full[i], sum[i])
	}
	assert.NotEmpty(t, full[0].WorkerQueues, "the fixture has what a summary leaves out")
}

// The summary of every deployment the simulator serves on its bench
// dataset (every field of the spec set somewhere) agrees with the full one.
func TestDeploymentsService_ListSummaryOnSimulator(t *testing.T) {
	t.Parallel()
	sim := astrosim.New(astrosim.WithRateLimit(false), astrosim.WithDataset("bench"))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	base, err := NewClient(srv.URL + "/v1")
	require.NoError(t, err)
	c := base.WithToken(sim.Tokens()[0].Token)
	org := sim.Tokens()[0].Scope[0]
	full, _, err := c.Deployments.List(t.Context(), org, &ListDeploymentsOptions{ListOptions: ListOptions{Limit: 300}})
	require.NoError(t, err)
	sum, _, err := c.Deployments.List(t.Context(), org, &ListDeploymentsOptions{Summary: true, ListOptions: ListOptions{Limit: 300}})
	require.NoError(t, err)
	require.Len(t, sum, 300)
	for i := range full {
		assertSummaryOf(t, full[i], sum[i])
	}
}

// assertSummaryOf checks that s holds full's SummaryFields and zero for the
// rest, field by field through the JSON names.
func assertSummaryOf(t *testing.T, full, s *Deployment) {
	t.Helper()
	fv, sv := reflect.ValueOf(full).Elem(), reflect.ValueOf(s).Elem()
	for i := range fv.NumField() {
		name, _, _ := strings.Cut(fv.Type().Field(i).Tag.Get("json"), ",")
		if slices.Contains(SummaryFields, name) {
			assert.Equal(t, fv.Field(i).Interface(), sv.Field(i).Interface(), "%s of %s", name, full.ID)
		} else {
			assert.True(t, sv.Field(i).IsZero(), "%s of %s is not left zero", name, full.ID)
		}
	}
}

// SummaryFields names exactly the fields deploymentSummary decodes.
func TestSummaryFieldsAreDecoded(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[deploymentSummary]()
	var names []string
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Tag.Get("json"))
	}
	assert.ElementsMatch(t, SummaryFields, names)
}
