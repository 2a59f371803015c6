// Package conformance checks HTTP exchanges with the Astro API against its
// OpenAPI document, shared/specs/astro/platform-v1.yaml, with kin-openapi.
// The tests of the client and of the simulator use it: a [Checker] wraps
// the simulator (or any Astro API) as middleware, records every exchange,
// and says for each whether the request and the response conform.
//
// A response conforms when its status is declared for the operation (429,
// which the spec does not declare, is the one status allowed beyond it, with
// an Error body and a Retry-After header), its body matches the schema of
// that status and content type, and it carries no property the schema does
// not declare.
//
// Exactly one departure from the spec is accepted, and recorded by name:
// [MinimalCreateDeployment].
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// MinimalCreateDeployment names the one recorded exception: a
// CreateDeployment body without "type". The v1 changelog (seed 004) says
// that only name and workspaceId are required, and the server infers the
// type; the spec's copy still puts a discriminator on type, which
// kin-openapi enforces. Such a body is accepted when, apart from the
// missing discriminator, it validates against one of the three variants.
const MinimalCreateDeployment = "CreateDeployment without type: the v1 changelog requires only name and workspaceId; the spec's oneOf discriminator still wants type"

// baseURL is where the Checker pretends the API lives; requests are
// matched by path below /v1.
const baseURL = "http://astro.invalid/v1"

// Checker validates exchanges against the spec. It is safe for concurrent
// use.
type Checker struct {
	doc    *openapi3.T
	router routers.Router

	mu        sync.Mutex
	exchanges []Exchange
}

// Exchange is one checked request and response.
type Exchange struct {
	Operation string // the spec's operationId; empty if no operation matched
	Method    string
	Path      string // below /v1, with the query
	Status    int

	// RequestErr says how the request breaks the spec; ResponseErr how the
	// response does. Both nil means the exchange conforms.
	RequestErr  error
	ResponseErr error
	// Exception is the name of the recorded exception the request needed,
	// or "".
	Exception string
}

// Load reads the spec at path. A missing file gives an error that
// errors.Is(err, fs.ErrNotExist) reports, so that tests can skip.
func Load(path string) (*Checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	mergeRolePaths(doc)
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("conformance: the spec does not validate: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	return &Checker{doc: doc, router: router}, nil
}

// mergeRolePaths works around a quirk of the spec: GetCustomRole names its
// path parameter {roleId} while UpdateCustomRole and DeleteCustomRole use
// {customRoleId} for the same segment, and kin-openapi rejects the two as
// conflicting paths. The GET moves to the {customRoleId} path with its
// parameter renamed; the URLs it matches do not change.
func mergeRolePaths(doc *openapi3.T) {
	const from, to = "/organizations/{organizationId}/roles/{roleId}", "/organizations/{organizationId}/roles/{customRoleId}"
	src, dst := doc.Paths.Value(from), doc.Paths.Value(to)
	if src == nil || dst == nil || src.Get == nil || dst.Get != nil {
		return // the quirk is gone
	}
	get := src.Get
	params := make(openapi3.Parameters, 0, len(get.Parameters))
	for _, p := range get.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInPath && p.Value.Name == "roleId" {
			renamed := *p.Value
			renamed.Name = "customRoleId"
			p = &openapi3.ParameterRef{Value: &renamed}
		}
		params = append(params, p)
	}
	get.Parameters = params
	dst.Get = get
	doc.Paths.Delete(from)
}

// Doc returns the loaded spec, with the role paths merged.
func (c *Checker) Doc() *openapi3.T { return c.doc }

// Operations returns the operationIds of the spec.
func (c *Checker) Operations() []string {
	var out []string
	for _, item := range c.doc.Paths.Map() {
		for _, op := range item.Operations() {
			out = append(out, op.OperationID)
		}
	}
	slices.Sort(out)
	return out
}

// Middleware returns a handler that serves through next and records each
// API exchange (paths below /v1) as checked by Check. The side door and
// other paths pass through unchecked.
func (c *Checker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		ex := c.Check(r.Context(), r.Method, r.URL.RequestURI(), r.Header, body, rec.Code, rec.Header(), rec.Body.Bytes())
		c.mu.Lock()
		c.exchanges = append(c.exchanges, ex)
		c.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// Exchanges returns the exchanges recorded so far, in order.
func (c *Checker) Exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.exchanges)
}

// Check validates one exchange. uri is the request's path and query as
// served, starting with /v1.
func (c *Checker) Check(ctx context.Context, method, uri string, reqHeader http.Header, reqBody []byte, status int, respHeader http.Header, respBody []byte) Exchange {
	rel := strings.TrimPrefix(uri, "/v1")
	ex := Exchange{Method: method, Path: rel, Status: status}
	req, err := http.NewRequestWithContext(ctx, method, baseURL+rel, bytes.NewReader(reqBody))
	if err != nil {
		ex.RequestErr = err
		return ex
	}
	req.Header = reqHeader.Clone()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		ex.RequestErr = fmt.Errorf("no operation of the spec matches %s %s: %w", method, rel, err)
		return ex
	}
	ex.Operation = route.Operation.OperationID
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		if c.minimalCreate(ctx, in, reqBody) {
			ex.Exception = MinimalCreateDeployment
		} else {
			ex.RequestErr = err
		}
	}
	ex.ResponseErr = c.checkResponse(ctx, in, status, respHeader, respBody)
	return ex
}

// minimalCreate reports whether a request that failed validation is a
// CreateDeployment whose only fault is the missing type discriminator.
func (c *Checker) minimalCreate(ctx context.Context, in *openapi3filter.RequestValidationInput, body []byte) bool {
	if in.Route.Operation.OperationID != "CreateDeployment" {
		return false
	}
	var v map[string]any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	if _, ok := v["type"]; ok {
		return false
	}
	again := *in
	again.Request = in.Request.Clone(ctx)
	again.Request.Body = io.NopCloser(bytes.NewReader(body))
	again.Options = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}
	if openapi3filter.ValidateRequest(ctx, &again) != nil {
		return false
	}
	for _, variant := range []string{"CreateDedicatedDeploymentRequest", "CreateHybridDeploymentRequest", "CreateStandardDeploymentRequest"} {
		if s := c.doc.Components.Schemas[variant]; s != nil && s.Value.VisitJSON(v) == nil {
			return true
		}
	}
	return false
}

// checkResponse validates the status, body and declared properties of a
// response.
func (c *Checker) checkResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	op := in.Route.Operation
	if status == http.StatusTooManyRequests {
		// Not declared by the spec: an Error body and a Retry-After.
		if header.Get("Retry-After") == "" {
			return errors.New("429 without Retry-After")
		}
		return c.checkJSON(c.doc.Components.Schemas["Error"].Value, body)
	}
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("status %d is not declared for %s", status, op.OperationID)
	}
	ct := header.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); mt == "application/octet-stream" {
		return c.checkBinary(ref.Value, status, body)
	}
	err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		return err
	}
	if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return c.checkJSON(mt.Schema.Value, body)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		return fmt.Errorf("status %d of %s declares no body, got %q", status, op.OperationID, truncate(body))
	}
	return nil
}

// checkBinary validates an application/octet-stream response, which only
// GetOrganizationAuditLogs declares: for 200 the spec models the bytes as
// an array of integers, and validates them as such; its error bodies are
// the Error schema, sent as bytes.
func (c *Checker) checkBinary(resp *openapi3.Response, status int, body []byte) error {
	mt := resp.Content.Get("application/octet-stream")
	if mt == nil || mt.Schema == nil {
		return fmt.Errorf("status %d declares no application/octet-stream body", status)
	}
	schema := mt.Schema.Value
	if schema.Type.Is("array") {
		values := make([]any, len(body))
		for i, b := range body {
			values[i] = float64(b)
		}
		return schema.VisitJSON(values, openapi3.VisitAsResponse())
	}
	return c.checkJSON(schema, body)
}

// checkJSON validates a JSON body against schema and fails on any property
// the schema does not declare.
func (c *Checker) checkJSON(schema *openapi3.Schema, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("body is not JSON: %w: %q", err, truncate(body))
	}
	if err := schema.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
		return err
	}
	return undeclared(schema, v, "$")
}

// undeclared finds object keys that the schema does not declare, so that
// the simulator cannot drift into fields the real API does not have.
// Free-form objects (no properties) may hold anything.
func undeclared(schema *openapi3.Schema, v any, at string) error {
	var errs []error
	switch x := v.(type) {
	case map[string]any:
		if len(schema.Properties) == 0 {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			prop, ok := schema.Properties[k]
			if !ok {
				errs = append(errs, fmt.Errorf("%s.%s is not declared by the spec", at, k))
				continue
			}
			errs = append(errs, undeclared(prop.Value, x[k], at+"."+k))
		}
	case []any:
		if schema.Items != nil {
			for i, el := range x {
				errs = append(errs, undeclared(schema.Items.Value, el, fmt.Sprintf("%s[%d]", at, i)))
			}
		}
	}
	return errors.Join(errs...)
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
