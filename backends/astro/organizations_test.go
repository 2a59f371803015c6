package astro

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrganizationsService_List(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      *ListOrganizationsOptions
		wantQuery string
	}{
		{"no options", nil, ""},
		{
			"every parameter",
			&ListOrganizationsOptions{
				ProductPlan:       "TRIAL",
				AstronomerProduct: "ASTRO",
				Product:           "HOSTED",
				ListOptions:       ListOptions{Offset: 1, Limit: 100, Sorts: []string{"name:asc"}},
			},
			"astronomerProduct=ASTRO&limit=100&offset=1&product=HOSTED&productPlan=TRIAL&sorts=name%3Aasc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("GET /organizations", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, tt.wantQuery, r.URL.RawQuery)
				writeJSON(t, w, http.StatusOK, `{"organizations":[`+fixture(t, "organization.json")+`],
					"limit":100,"offset":1,"totalCount":2}`)
			})
			got, resp, err := c.Organizations.List(t.Context(), tt.opts)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, "clmaxoarx000008l2c5ayb9pt", got[0].ID)
			assert.Equal(t, &Response{StatusCode: http.StatusOK, TotalCount: 2, Offset: 1, Limit: 100}, resp)
		})
	}
}

func TestOrganizationsService_ListIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.RawQuery {
		case "limit=1":
			writeJSON(t, w, http.StatusOK, `{"organizations":[{"id":"o1"}],"limit":1,"offset":0,"totalCount":2}`)
		case "limit=1&offset=1":
			writeJSON(t, w, http.StatusOK, `{"organizations":[{"id":"o2"}],"limit":1,"offset":1,"totalCount":2}`)
		default:
			t.Errorf("unexpected query %q", r.URL.RawQuery)
		}
	})
	var got []string
	for org, err := range c.Organizations.ListIter(t.Context(), &ListOrganizationsOptions{ListOptions: ListOptions{Limit: 1}}) {
		require.NoError(t, err)
		got = append(got, org.ID)
	}
	assert.Equal(t, []string{"o1", "o2"}, got)
}

func TestOrganizationsService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	body := fixture(t, "organization.json")
	mux.HandleFunc("GET /organizations/{organizationId}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "o1", r.PathValue("organizationId"))
		writeJSON(t, w, http.StatusOK, body)
	})
	org, resp, err := c.Organizations.Get(t.Context(), "o1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assertRoundTrip(t, body, org)
	assert.Equal(t, OrganizationStatusActive, *org.Status)
	assert.Equal(t, PaymentMethodCreditCard, *org.PaymentMethod)
	assert.Equal(t, OrganizationProductHosted, *org.Product)
	require.Len(t, org.ProductPlans, 1)
	assert.Equal(t, AstronomerProductAstro, org.ProductPlans[0].AstronomerProduct)
	require.Len(t, org.ManagedDomains, 1)
	assert.Equal(t, ManagedDomainStatusPending, org.ManagedDomains[0].Status)
}

func TestOrganizationsService_Get_serverError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /organizations/{organizationId}", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", http.StatusInternalServerError)
	})
	org, resp, err := c.Organizations.Get(t.Context(), "o1")
	assert.Nil(t, org)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Internal Server Error", apiErr.Message)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.True(t, Retryable(http.MethodGet, false, err))
}
