package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// TestUpstreamEchoesCredentials: upstreams that quote the caller's
// Authorization header in their error text, whole or in parts, never get
// it back to the caller: no run of 8 characters of either token is in the
// answer.
func TestUpstreamEchoesCredentials(t *testing.T) {
	t.Parallel()
	astroTok := "eyJhbGciOiJIUzI1NiJ9.eyJwZXJtaXNzaW9ucyI6WyJvcmdhbml6YXRpb25JZDpvMSJdfQ.c2lnbmF0dXJlLWZvci10ZXN0cw"
	houstonTok := "0123456789abcdef0123456789abcdef"
	echo := func(w http.ResponseWriter, r *http.Request, status int, errs func(auth string) any) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(errs(auth))
	}
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo(w, r, http.StatusBadRequest, func(auth string) any {
			return map[string]any{"message": "Invalid request: header " + auth + "; the middle " + auth[20:40], "requestId": "req-1", "statusCode": 400}
		})
	}))
	t.Cleanup(as.Close)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		echo(w, r, http.StatusOK, func(auth string) any {
			part := auth // a request sent without the caller's token (the version probe) has a short one
			if len(auth) >= 16 {
				part = auth[4:16]
			}
			return map[string]any{"data": nil, "errors": []any{map[string]any{"message": "token " + auth + " is not valid (" + part + ")"}}}
		})
	}))
	t.Cleanup(hs.Close)
	cfg := config.Default()
	cfg.AstroAPIURL, cfg.HoustonURL, cfg.CacheTTL = as.URL+"/v1", hs.URL+"/v1", 0
	gw, err := gateway.Build(cfg, gateway.Extras{})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw.Handler)
	t.Cleanup(srv.Close)

	r := testenv.Post(t, srv.URL+"/graphql", `{ deployments(first: 5) { totalCount } astro { organizations { totalCount } } software { workspaces { totalCount } } }`, nil,
		map[string]string{"X-Astro-Token": astroTok, "X-Houston-Token": houstonTok})
	require.NotEmpty(t, r.Errors)
	raw, err := json.Marshal(r)
	require.NoError(t, err)
	body := string(raw)
	assert.Contains(t, body, "[REDACTED]", "the upstream text is kept, the credential is not: %s", body)
	for _, tok := range []string{astroTok, houstonTok} {
		for i := 0; i+8 <= len(tok); i++ {
			if !assert.NotContains(t, body, tok[i:i+8]) {
				break
			}
		}
	}
	assert.False(t, strings.Contains(body, "Bearer ey"), body)
}
