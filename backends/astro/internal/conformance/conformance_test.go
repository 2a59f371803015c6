package conformance

import (
	"errors"
	"github.com/astro-gateway/gateway/internal/specs"
	"io/fs"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const specPath = "../../../../../shared/specs/astro/platform-v1.yaml"

func load(t *testing.T) *Checker {
	t.Helper()
	c, err := Load(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		specs.Missing(t, specPath, "the conformance checker needs the Astro API spec")
	}
	require.NoError(t, err)
	return c
}

// TestCheck shows that the checker catches what it must: the cases a
// conformance suite relies on, each with a spec-conforming twin.
func TestCheck(t *testing.T) {
	t.Parallel()
	c := load(t)
	assert.Len(t, c.Operations(), 75)
	json := http.Header{"Content-Type": {"application/json"}}
	errBody := `{"message":"Invalid request","requestId":"r","statusCode":400}`
	tests := []struct {
		name             string
		method, uri      string
		reqBody          string
		status           int
		header           http.Header
		respBody         string
		wantReq, wantRes bool
		exception        string
	}{
		{name: "declared error", method: "GET", uri: "/v1/organizations/o/clusters/c", status: 404, header: json,
			respBody: `{"message":"Not found","requestId":"r","statusCode":404}`},
		{name: "undeclared status", method: "GET", uri: "/v1/organizations/o/deployments", status: 404, header: json,
			respBody: `{"message":"Not found","requestId":"r","statusCode":404}`, wantRes: true},
		{name: "undeclared property", method: "GET", uri: "/v1/organizations/o/clusters/c", status: 404, header: json,
			respBody: `{"message":"Not found","requestId":"r","statusCode":404,"hint":"x"}`, wantRes: true},
		{name: "429 with Retry-After", method: "GET", uri: "/v1/organizations", status: 429,
			header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"1"}}, respBody: `{"message":"Too many","requestId":"r","statusCode":429}`},
		{name: "429 without Retry-After", method: "GET", uri: "/v1/organizations", status: 429, header: json,
			respBody: `{"message":"Too many","requestId":"r","statusCode":429}`, wantRes: true},
		{name: "invalid query", method: "GET", uri: "/v1/organizations?limit=5000", status: 400, header: json, respBody: errBody, wantReq: true},
		{name: "minimal create", method: "POST", uri: "/v1/organizations/o/deployments", reqBody: `{"name":"a","workspaceId":"w"}`,
			status: 400, header: json, respBody: errBody, exception: MinimalCreateDeployment},
		{name: "create without type and a wrong field", method: "POST", uri: "/v1/organizations/o/deployments",
			reqBody: `{"name":5,"workspaceId":"w"}`, status: 400, header: json, respBody: errBody, wantReq: true},
		{name: "typed create", method: "POST", uri: "/v1/organizations/o/deployments", reqBody: `{"type":"HYBRID","name":"a","workspaceId":"w"}`,
			status: 400, header: json, respBody: errBody},
		{name: "hybrid cluster update", method: "POST", uri: "/v1/organizations/o/clusters/c",
			reqBody: `{"clusterType":"HYBRID"}`, status: 400, header: json, respBody: errBody},
		{name: "204 with a body", method: "DELETE", uri: "/v1/organizations/o/teams/t", status: 204, respBody: `{}`, wantRes: true},
		{name: "audit log bytes", method: "GET", uri: "/v1/organizations/o/audit-logs", status: 200,
			header: http.Header{"Content-Type": {"application/octet-stream"}}, respBody: "{\"a\":1}\n"},
		{name: "audit log error as bytes", method: "GET", uri: "/v1/organizations/o/audit-logs", status: 403,
			header: http.Header{"Content-Type": {"application/octet-stream"}}, respBody: `{"message":"Forbidden","requestId":"r","statusCode":403}`},
		{name: "unknown path", method: "GET", uri: "/v1/nothing", status: 404, header: json, respBody: errBody, wantReq: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reqHeader := http.Header{"Authorization": {"Bearer x"}}
			if tc.reqBody != "" {
				reqHeader.Set("Content-Type", "application/json")
			}
			ex := c.Check(t.Context(), tc.method, tc.uri, reqHeader, []byte(tc.reqBody), tc.status, tc.header, []byte(tc.respBody))
			assert.Equal(t, tc.wantReq, ex.RequestErr != nil, "request error: %v", ex.RequestErr)
			if !tc.wantReq || ex.Operation != "" {
				assert.Equal(t, tc.wantRes, ex.ResponseErr != nil, "response error: %v", ex.ResponseErr)
			}
			assert.Equal(t, tc.exception, ex.Exception)
		})
	}
}
