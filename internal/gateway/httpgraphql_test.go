package gateway_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

type httpAnswer struct {
	status int
	header http.Header
	body   []byte
}

// send makes one HTTP request to the gateway with the environment's tokens.
func send(t *testing.T, env *testenv.Env, method, target, ctype, accept, body string) httpAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	for k, v := range env.Headers() {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return httpAnswer{resp.StatusCode, resp.Header, b}
}

// envelope is a response as a client reads it, telling an absent "data"
// from a null one.
type envelope struct {
	Data   *json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func decodeEnvelope(t *testing.T, b []byte) (envelope, map[string]json.RawMessage) {
	t.Helper()
	var e envelope
	require.NoError(t, json.Unmarshal(b, &e), "body: %s", b)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &keys))
	for _, err := range e.Errors {
		assert.NotEmpty(t, err.Extensions["code"], "error without a code: %s", err.Message)
	}
	return e, keys
}

// TestGraphQLOverHTTP: the status codes, media types and bodies of the
// GraphQL over HTTP spec, for the requests that clients get wrong.
func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{}, func(t *testing.T, env *testenv.Env) {
		post := func(accept, body string) httpAnswer {
			return send(t, env, http.MethodPost, env.GatewayURL, "application/json", accept, body)
		}
		requestErrors := map[string]string{
			"parse":      `{"query":"{"}`,
			"validation": `{"query":"{ nope }"}`,
			"coercion":   `{"query":"query($n: Int!) { deployments(first: $n) { totalCount } }","variables":{"n":"ten"}}`,
			"operation":  `{"query":"query A { __typename }","operationName":"B"}`,
		}
		for name, body := range requestErrors {
			t.Run(name+" error, application/json: 200, errors, no data", func(t *testing.T) {
				a := post("application/json", body)
				assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
				assert.Equal(t, "application/json; charset=utf-8", a.header.Get("Content-Type"))
				e, keys := decodeEnvelope(t, a.body)
				assert.NotEmpty(t, e.Errors)
				assert.NotContains(t, keys, "data")
			})
			t.Run(name+" error, graphql-response+json: 400, errors, no data", func(t *testing.T) {
				a := post("application/graphql-response+json", body)
				assert.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
				assert.Equal(t, "application/graphql-response+json; charset=utf-8", a.header.Get("Content-Type"))
				e, keys := decodeEnvelope(t, a.body)
				assert.NotEmpty(t, e.Errors)
				assert.NotContains(t, keys, "data")
			})
		}

		t.Run("media types", func(t *testing.T) {
			for accept, want := range map[string]string{
				"":                                  "application/json",
				"*/*":                               "application/json",
				"application/*":                     "application/json",
				"application/json":                  "application/json",
				"application/graphql-response+json": "application/graphql-response+json",
				"application/graphql-response+json, application/json;q=0.9": "application/graphql-response+json",
				"application/json;q=0.5, application/graphql-response+json": "application/graphql-response+json",
				"text/html, */*;q=0.1": "application/json",
			} {
				a := post(accept, `{"query":"{ __typename }"}`)
				assert.Equal(t, http.StatusOK, a.status, accept)
				assert.Equal(t, want+"; charset=utf-8", a.header.Get("Content-Type"), accept)
			}
			a := post("text/html", `{"query":"{ __typename }"}`)
			assert.Equal(t, http.StatusNotAcceptable, a.status)
			decodeEnvelope(t, a.body)
		})

		t.Run("a field error keeps data and 200 with graphql-response+json", func(t *testing.T) {
			a := post("application/graphql-response+json", `{"query":"{ node(id: \"bm9wZQ\") { id } }"}`)
			assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
			e, keys := decodeEnvelope(t, a.body)
			assert.Contains(t, keys, "data")
			assert.NotEmpty(t, e.Errors)
		})

		t.Run("mutation over GET: 405, Allow: POST", func(t *testing.T) {
			q := url.Values{"query": {`mutation { deleteSoftwareDeployment(input: {deploymentId: "x"}) { __typename } }`}}
			a := send(t, env, http.MethodGet, env.GatewayURL+"?"+q.Encode(), "", "application/json", "")
			assert.Equal(t, http.StatusMethodNotAllowed, a.status, "%s", a.body)
			assert.Equal(t, "POST", a.header.Get("Allow"))
			decodeEnvelope(t, a.body)
		})

		t.Run("query over GET", func(t *testing.T) {
			q := url.Values{"query": {`query($n: Int) { deployments(first: $n) { totalCount } }`}, "variables": {`{"n": 1}`}}
			a := send(t, env, http.MethodGet, env.GatewayURL+"?"+q.Encode(), "", "", "")
			assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
			e, _ := decodeEnvelope(t, a.body)
			assert.Empty(t, e.Errors)
		})

		t.Run("other methods: 405 with Allow", func(t *testing.T) {
			a := send(t, env, http.MethodDelete, env.GatewayURL, "application/json", "", `{"query":"{ __typename }"}`)
			assert.Equal(t, http.StatusMethodNotAllowed, a.status)
			assert.Contains(t, a.header.Get("Allow"), "POST")
			decodeEnvelope(t, a.body)
		})

		t.Run("a body that is not JSON: 415 or 400, never echoed", func(t *testing.T) {
			const secret = "do-not-echo-7f3a9c"
			for ctype, want := range map[string]int{"text/plain": http.StatusUnsupportedMediaType, "": http.StatusUnsupportedMediaType, "application/json": http.StatusBadRequest} {
				a := send(t, env, http.MethodPost, env.GatewayURL, ctype, "", `{"query": "`+secret)
				assert.Equal(t, want, a.status, "%q: %s", ctype, a.body)
				assert.NotContains(t, string(a.body), secret)
				decodeEnvelope(t, a.body)
			}
		})

		t.Run("parameters of the wrong type: 400", func(t *testing.T) {
			for _, body := range []string{`{"qeury":"{ __typename }"}`, `{"query":1}`, `{"query":"{ __typename }","variables":"x"}`,
				`{"query":"{ __typename }","extensions":[]}`, `{"query":"{ __typename }","operationName":{}}`, `"{ __typename }"`, ``} {
				a := post("", body)
				assert.Equal(t, http.StatusBadRequest, a.status, "%s: %s", body, a.body)
				e, keys := decodeEnvelope(t, a.body)
				assert.NotEmpty(t, e.Errors)
				assert.NotContains(t, keys, "data")
			}
		})

		t.Run("oversized body: 413", func(t *testing.T) {
			a := post("", `{"query":"{ __typename }","extensions":{"pad":"`+strings.Repeat("x", 2<<20)+`"}}`)
			assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
			decodeEnvelope(t, a.body)
		})

		t.Run("persisted queries: unknown hash, wrong hash", func(t *testing.T) {
			q := "{ __typename }"
			sum := sha256.Sum256([]byte(q))
			hash := hex.EncodeToString(sum[:])
			a := post("", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}}`)
			e, _ := decodeEnvelope(t, a.body)
			require.Len(t, e.Errors, 1)
			assert.Equal(t, "PERSISTED_QUERY_NOT_FOUND", e.Errors[0].Extensions["code"])

			a = post("", `{"query":"`+q+`","extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+strings.Repeat("0", 64)+`"}}}`)
			e, keys := decodeEnvelope(t, a.body)
			require.Len(t, e.Errors, 1, "%s", a.body)
			assert.Equal(t, "BAD_USER_INPUT", e.Errors[0].Extensions["code"], "a wrong hash is the caller's error")
			assert.NotContains(t, keys, "data")

			get := url.Values{"query": {q}, "extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("0", 64) + `"}}`}}
			a = send(t, env, http.MethodGet, env.GatewayURL+"?"+get.Encode(), "", "", "")
			e, _ = decodeEnvelope(t, a.body)
			require.Len(t, e.Errors, 1, "%s", a.body)
			assert.Equal(t, "BAD_USER_INPUT", e.Errors[0].Extensions["code"], "over GET too")

			a = post("", `{"query":"`+q+`","extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}}`)
			e, _ = decodeEnvelope(t, a.body)
			assert.Empty(t, e.Errors, "%s", a.body)
			a = post("", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}}`)
			e, _ = decodeEnvelope(t, a.body)
			assert.Empty(t, e.Errors, "the stored query runs by its hash: %s", a.body)
		})
	})
}

// TestBatchedRequests: a JSON array of operations answers an array of
// responses in order; a bad operation spoils only its own entry; the
// batch is bounded in length and its costs are added up.
func TestBatchedRequests(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.Limits.MaxBatch = 5; c.Limits.MaxCost = 500 }}, func(t *testing.T, env *testenv.Env) {
		post := func(body string) httpAnswer {
			return send(t, env, http.MethodPost, env.GatewayURL, "application/json", "", body)
		}
		a := post(`[{"query":"{ __typename }"},{"query":"{ nope }"},{"query":"query Q($n: Int) { deployments(first: $n) { totalCount } }","variables":{"n":2},"operationName":"Q"},{"qeury":"x"}]`)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		var out []json.RawMessage
		require.NoError(t, json.Unmarshal(a.body, &out), "%s", a.body)
		require.Len(t, out, 4)
		e, _ := decodeEnvelope(t, out[0])
		assert.Empty(t, e.Errors)
		assert.JSONEq(t, `{"__typename":"Query"}`, string(*e.Data))
		e, keys := decodeEnvelope(t, out[1])
		assert.NotEmpty(t, e.Errors)
		assert.NotContains(t, keys, "data")
		e, _ = decodeEnvelope(t, out[2])
		assert.Empty(t, e.Errors, "%s", out[2])
		assert.Contains(t, string(*e.Data), "totalCount")
		e, keys = decodeEnvelope(t, out[3])
		assert.NotEmpty(t, e.Errors)
		assert.NotContains(t, keys, "data")

		a = post(`[` + strings.TrimSuffix(strings.Repeat(`{"query":"{ __typename }"},`, 6), ",") + `]`)
		assert.Equal(t, http.StatusBadRequest, a.status, "a batch over MAX_BATCH")
		e, _ = decodeEnvelope(t, a.body)
		require.Len(t, e.Errors, 1)
		assert.EqualValues(t, 5, e.Errors[0].Extensions["maxBatch"])

		a = post(`[]`)
		assert.Equal(t, http.StatusBadRequest, a.status)

		// Each of these fits the cost limit of 500; together they do not.
		one := `{"query":"{ deployments(first: 50) { nodes { name workspace { name } } } }"}`
		a = post(`[` + one + `]`)
		require.NoError(t, json.Unmarshal(a.body, &out))
		e, _ = decodeEnvelope(t, out[0])
		require.Empty(t, e.Errors, "one operation fits: %s", out[0])
		a = post(`[` + strings.TrimSuffix(strings.Repeat(one+",", 5), ",") + `]`)
		require.NoError(t, json.Unmarshal(a.body, &out), "%s", a.body)
		require.Len(t, out, 5)
		for _, o := range out {
			e, keys := decodeEnvelope(t, o)
			require.Len(t, e.Errors, 1, "%s", o)
			assert.Equal(t, "QUERY_TOO_COMPLEX", e.Errors[0].Extensions["code"])
			assert.NotContains(t, keys, "data")
		}
	})
}

// TestBatchResponseBound: answers that each fit MAX_RESPONSE_BYTES but
// not together are replaced by RESPONSE_TOO_LARGE errors.
func TestBatchResponseBound(t *testing.T) {
	t.Parallel()
	testenv.Run(t, testenv.Config{Configure: func(c *config.Config) { c.Limits.MaxResponseBytes = 2000 }}, func(t *testing.T, env *testenv.Env) {
		one := `{"query":"{ deployments(first: 10) { nodes { name } } }"}`
		a := send(t, env, http.MethodPost, env.GatewayURL, "application/json", "", `[`+one+`]`)
		var out []json.RawMessage
		require.NoError(t, json.Unmarshal(a.body, &out), "%s", a.body)
		e, _ := decodeEnvelope(t, out[0])
		require.Empty(t, e.Errors, "one answer fits: %s", out[0])
		a = send(t, env, http.MethodPost, env.GatewayURL, "application/json", "", `[`+strings.TrimSuffix(strings.Repeat(one+",", 8), ",")+`]`)
		require.Equal(t, http.StatusOK, a.status)
		require.NoError(t, json.Unmarshal(a.body, &out), "%s", a.body)
		require.Len(t, out, 8)
		for _, o := range out {
			e, _ := decodeEnvelope(t, o)
			require.Len(t, e.Errors, 1)
			assert.Equal(t, "RESPONSE_TOO_LARGE", e.Errors[0].Extensions["code"])
		}
	})
}

// dashboardQueries are what a dashboard screen asks at once, one query
// per widget.
var dashboardQueries = []string{
	`deployments(first: 20) { totalCount nodes { name platform status } }`,
	`deployments(filter: {statuses: [UNHEALTHY]}, first: 50) { totalCount nodes { name platform workspace { name } } }`,
	`deployments(filter: {platforms: [ASTRO]}, first: 10) { nodes { name runtimeVersion } }`,
	`deployments(filter: {platforms: [SOFTWARE]}, first: 10) { nodes { name runtimeVersion } }`,
	`workspaces(first: 20) { totalCount nodes { name } }`,
	`deploymentReport(groupBy: RUNTIME_VERSION) { total rows { key count astro software } }`,
	`deploymentReport(groupBy: STATUS) { total rows { key count } }`,
	`astro { organizations { nodes { name clusters { nodes { name region } } } } }`,
	`software { houstonVersion appConfig { version baseDomain } }`,
	`software { workspaces { nodes { name deployments { nodes { name status } } } } }`,
}

// TestBatchCostsWhatOneQueryCosts: ten dashboard queries sent as one
// batch make no more upstream calls than the same fields in one query
// (the batch shares the request's dataloaders, coalescing and cache).
// Each is measured on a fresh gateway, without the whole-response cache:
// within the request, a repeated upstream read is coalesced while in
// flight or answered by the short-TTL cache after, so the count does not
// depend on scheduling. The same queries sent one request each, with every
// cache off, are the baseline.
func TestBatchCostsWhatOneQueryCosts(t *testing.T) {
	t.Parallel()
	var batch, merged []string
	for i, q := range dashboardQueries {
		b, err := json.Marshal(map[string]string{"query": "{ " + q + " }"})
		require.NoError(t, err)
		batch = append(batch, string(b))
		merged = append(merged, fmt.Sprintf("w%d: %s", i, q))
	}
	one, err := json.Marshal(map[string]string{"query": "{ " + strings.Join(merged, "\n") + " }"})
	require.NoError(t, err)
	calls := func(configure func(*config.Config), bodies ...string) int {
		env := testenv.Start(t, testenv.Config{Configure: configure})
		for _, body := range bodies {
			a := send(t, env, http.MethodPost, env.GatewayURL, "application/json", "", body)
			require.Equal(t, http.StatusOK, a.status, "%s", a.body)
			require.NotContains(t, string(a.body), `"errors"`, "%s", a.body)
		}
		return env.Astro.Stats().Requests + env.Houston.Stats().Requests
	}
	noResponseCache := func(c *config.Config) { c.ResponseCache = false }
	noCache := func(c *config.Config) { c.CacheTTL = 0; c.ResponseCache = false }
	mergedCalls := calls(noResponseCache, string(one))
	batchCalls := calls(noResponseCache, "["+strings.Join(batch, ",")+"]")
	separate := calls(noCache, batch...)
	t.Logf("upstream calls: one merged query %d, a batch of %d queries %d, the same queries one request each (no cache) %d",
		mergedCalls, len(batch), batchCalls, separate)
	assert.LessOrEqual(t, batchCalls, mergedCalls)
	assert.Less(t, batchCalls, separate, "batching saves calls")
}
