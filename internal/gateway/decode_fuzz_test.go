package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/astro-gateway/gateway/internal/gateway"
)

// FuzzRequestDecoder posts arbitrary bodies to the gateway's handler (no
// backends: nothing leaves the process). Whatever the body, the answer is
// JSON (an array for a batch), never a 5xx, every error has a code and none is INTERNAL, and a
// body that is not JSON is never quoted back.
func FuzzRequestDecoder(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"{ deployments { nodes { id } } }","variables":{"x":1}}`,
		`{"query":"query($f: Int) { deployments(first: $f) { totalCount } }","variables":{"f":"many"}}`,
		`{"query":"{ __typename }","extensions":{"persistedQuery":"not an object"}}`,
		`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":"one","sha256Hash":5}}}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":2}}}`,
		`{"query":5}`,
		`{"query":"{","operationName":[]}`,
		`{"query":"subscription { deploymentStatus(deploymentIds: []) { status } }"}`,
		`not json at all, with a secret`,
		`{"query":"{ a: __typename b: __typename }"}`,
		``,
		`[]`,
		`null`,
		`[{"query":"{ __typename }"},{"query":"{"},{"qeury":1},5]`,
		`[[{"query":"{ __typename }"}]]`,
	} {
		f.Add([]byte(seed))
	}
	h := gateway.New(gateway.Options{})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		type response struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		// A batch (a JSON array of operations) answers an array.
		var resps []response
		if err := json.Unmarshal(rec.Body.Bytes(), &resps); err != nil {
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("answer is not JSON for %q: %s", body, rec.Body)
			}
			resps = []response{resp}
		}
		var errs []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		}
		for _, r := range resps {
			errs = append(errs, r.Errors...)
		}
		for _, e := range errs {
			code, _ := e.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				t.Fatalf("error %q has code %q for body %q", e.Message, code, body)
			}
			if len(body) >= 16 && !json.Valid(body) && strings.Contains(e.Message, string(body)) {
				t.Fatalf("the body is quoted back: %s", rec.Body)
			}
		}
	})
}
