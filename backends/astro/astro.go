// Package astro is a typed client for the Astro API v1 (Platform and IAM,
// served under one prefix, https://api.astronomer.io/v1).
//
// It is shaped like google/go-github: one service per OpenAPI tag of
// shared/specs/astro/platform-v1.yaml, methods that return
// (result, *[Response], error), a single [CheckResponse] that turns failed
// responses into *[Error] or *[RateLimitError], and iter.Seq2 helpers that
// walk paginated lists.
//
// A [Client] built by [NewClient] carries no token. Build one at start-up and
// derive a cheap per-caller copy with [Client.WithToken]:
//
//	base, err := astro.NewClient("https://api.astronomer.io/v1")
//	if err != nil {
//		return err
//	}
//	c := base.WithToken(callerToken)
//	d, _, err := c.Deployments.Get(ctx, orgID, deploymentID)
//	switch {
//	case astro.IsNotFound(err):
//		// ...
//	case err != nil:
//		return err
//	}
//
// Every operation of the v1 spec has a method, and each method's doc comment
// ends with a line that names the operation it calls: method, path and
// operationId. Request
// bodies whose spec schema is a union keyed by a discriminator are sealed
// interfaces over one struct per variant, which marshals the discriminator
// itself, so that a request cannot carry a field its variant lacks:
//
//	d, _, err := c.Deployments.Create(ctx, orgID, astro.MinimalCreateDeploymentRequest{
//		Name: "etl", WorkspaceID: wsID, // the server picks the cluster and type
//	})
//
// Every method names its operation of the spec, and the request it sends
// carries it ([CallOf]): one table ([Operations]) says per operation its
// rate-limit class, whether it creates, its path template and its scope.
//
// The client never retries. A caller that does asks [Retryable], with the
// operation's Create flag: a create that may have reached Astro is never
// sent twice.
//
// Nothing in this package keeps an *http.Request or *http.Response once a call
// has returned, so errors and responses can be logged without leaking the
// bearer token.
package astro

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/fault"
	"github.com/astro-gateway/gateway/internal/jsonx"
)

const (
	// DefaultBaseURL is the production endpoint of the Astro API v1.
	DefaultBaseURL = "https://api.astronomer.io/v1"

	defaultUserAgent = "astro-gateway"

	// defaultTimeout bounds every call of the default *http.Client, so that
	// a stalled upstream cannot hold a caller whose context has no deadline.
	defaultTimeout = 30 * time.Second

	// maxResponseBytes caps a successful response body.
	maxResponseBytes = jsonx.MaxUpstreamBody

	// drainBytes is how much of an unread body Do discards before closing it,
	// so that the connection can go back to the pool.
	drainBytes = 64 << 10
)

// Client talks to the Astro API v1. Its services hold no state of their own,
// and a Client is never modified after NewClient or WithToken has returned
// it, so it is safe for concurrent use.
type Client struct {
	baseURL    *url.URL // always ends in "/"
	httpClient *http.Client
	token      string
	userAgent  string

	common service // reused by every service instead of one allocation each

	Organizations          *OrganizationsService
	Workspaces             *WorkspacesService
	Deployments            *DeploymentsService
	Clusters               *ClustersService
	Options                *OptionsService
	Deploys                *DeploysService
	AgentTokens            *AgentTokensService
	APITokens              *APITokensService
	Users                  *UsersService
	Teams                  *TeamsService
	Invites                *InvitesService
	Roles                  *RolesService
	Authorization          *AuthorizationService
	EnvironmentObjects     *EnvironmentObjectsService
	AllowedIPAddressRanges *AllowedIPAddressRangesService
}

// service is the shared shape of every …Service type.
type service struct {
	client *Client
}

// Option configures a Client built by NewClient.
type Option func(*Client)

// WithHTTPClient makes the Client send its requests through hc. A nil hc
// keeps the default, an *http.Client with a 30-second timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithUserAgent sets the User-Agent header sent with every request. An empty
// ua keeps the default, "astro-gateway".
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// NewClient returns a Client for the API rooted at baseURL, such as
// [DefaultBaseURL] or "http://127.0.0.1:8080/v1" for a simulator. baseURL
// must be an absolute http or https URL without user information, query or
// fragment; a missing trailing slash is added, so that request paths resolve
// below it rather than beside it.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("astro: invalid base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("astro: base URL %q: scheme must be http or https", baseURL)
	case u.Host == "":
		return nil, fmt.Errorf("astro: base URL %q: missing host", baseURL)
	case u.User != nil:
		// Transport errors quote the URL; credentials in it would be logged.
		return nil, errors.New("astro: base URL must not contain user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("astro: base URL %q: must not have a query or fragment", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	c := &Client{
		baseURL:    u,
		httpClient: &http.Client{Timeout: defaultTimeout},
		userAgent:  defaultUserAgent,
	}
	for _, opt := range opts {
		opt(c)
	}
	c.initServices()
	return c, nil
}

func (c *Client) initServices() {
	c.common.client = c
	c.Organizations = (*OrganizationsService)(&c.common)
	c.Workspaces = (*WorkspacesService)(&c.common)
	c.Deployments = (*DeploymentsService)(&c.common)
	c.Clusters = (*ClustersService)(&c.common)
	c.Options = (*OptionsService)(&c.common)
	c.Deploys = (*DeploysService)(&c.common)
	c.AgentTokens = (*AgentTokensService)(&c.common)
	c.APITokens = (*APITokensService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Teams = (*TeamsService)(&c.common)
	c.Invites = (*InvitesService)(&c.common)
	c.Roles = (*RolesService)(&c.common)
	c.Authorization = (*AuthorizationService)(&c.common)
	c.EnvironmentObjects = (*EnvironmentObjectsService)(&c.common)
	c.AllowedIPAddressRanges = (*AllowedIPAddressRangesService)(&c.common)
}

// WithToken returns a shallow copy of c that sends token as its bearer
// token; c itself is left unchanged. The copy shares c's *http.Client, so it
// costs one allocation, and is meant to be made once per caller or request.
// An empty token gives a copy that sends no Authorization header.
func (c *Client) WithToken(token string) *Client {
	clone := *c
	clone.token = token
	clone.initServices()
	return &clone
}

// String describes c without its token, so that a Client printed by
// mistake with %v or %+v leaks nothing.
func (c *Client) String() string {
	auth := "none"
	if c.token != "" {
		auth = "bearer [REDACTED]"
	}
	return fmt.Sprintf("astro.Client{baseURL: %s, auth: %s}", c.baseURL, auth)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// NewRequest builds a request for path, which is relative to the base URL
// ("organizations/x/deployments") and never starts with "/": a leading slash
// would drop the base path, and so would an absolute URL, which is refused
// too. query is encoded with url.Values, so array parameters come out as
// repeated keys (deploymentIds=a&deploymentIds=b) as the API expects. A
// non-nil body is sent as JSON.
func (c *Client) NewRequest(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	if strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("astro: request path %q must be relative to the base URL", path)
	}
	rel, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("astro: invalid request path: %w", err)
	}
	if rel.IsAbs() || rel.Host != "" || rel.User != nil {
		return nil, fmt.Errorf("astro: request path %q must be relative to the base URL", path)
	}
	if rel.RawQuery != "" || rel.ForceQuery || rel.Fragment != "" {
		return nil, fmt.Errorf("astro: request path %q must not carry a query or fragment; pass query instead", path)
	}
	u := c.baseURL.ResolveReference(rel)
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}

	var r io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("astro: encoding request body: %w", err)
		}
		r = bytes.NewReader(buf) // a *bytes.Reader also gives the request a GetBody
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, fmt.Errorf("astro: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// Response holds what a caller may need from an API response besides the
// decoded body. It deliberately keeps no *http.Response: that would carry
// the request, and with it the bearer token, into whatever logs the
// Response.
type Response struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// RequestID is the upstream's X-Request-Id header, or the requestId of an
	// error body, for Astronomer support.
	RequestID string

	// TotalCount, Offset and Limit are copied from paginated list responses
	// and are zero for other calls.
	TotalCount int
	Offset     int
	Limit      int
}

func newResponse(r *http.Response) *Response {
	return &Response{StatusCode: r.StatusCode, RequestID: r.Header.Get("X-Request-Id")}
}

func (r *Response) setPage(p pageInfo) {
	r.TotalCount, r.Offset, r.Limit = p.TotalCount, p.Offset, p.Limit
}

// Do sends req and decodes a JSON response body into v, which may be nil.
// When v is an io.Writer, the body is copied into it as is instead (at most
// 32 MiB), for the one operation that answers with bytes rather than JSON.
// A non-2xx response becomes the error returned by [CheckResponse], with
// Error.Path made relative to the base URL so that it reads like the spec's
// paths; the returned *Response is then still set. A call that fails in the
// transport returns a nil *Response, and one whose context ends returns the
// context's error.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	// A read may be answered by the gateway's tier of decoded answers
	// (internal/cache): objects an identical earlier read decoded, shared
	// by every reader and never modified.
	var dec *decoded.Handle
	if v != nil && req.Method == http.MethodGet {
		if _, isWriter := v.(io.Writer); !isWriter {
			var ctx context.Context
			ctx, dec = decoded.With(req.Context(), reflect.TypeOf(v))
			req = req.WithContext(ctx)
		}
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		// The transport reports a cancelled or expired context as its own
		// error with the URL attached; the context's error says the same
		// and can be matched with errors.Is.
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes))
		_ = resp.Body.Close()
	}()

	response := newResponse(resp)
	if err := CheckResponse(resp); err != nil {
		var apiErr *Error
		if errors.As(err, &apiErr) {
			if response.RequestID == "" {
				response.RequestID = apiErr.RequestID
			}
			apiErr.Path = c.apiPath(req.URL)
			c.redact(apiErr)
		}
		return response, err
	}
	if v == nil || resp.StatusCode == http.StatusNoContent {
		return response, nil
	}
	if w, ok := v.(io.Writer); ok {
		if _, err := io.Copy(w, io.LimitReader(resp.Body, maxResponseBytes)); err != nil {
			return response, fmt.Errorf("astro: %s %s: reading response: %w", req.Method, c.apiPath(req.URL), err)
		}
		return response, nil
	}
	if hit, ok := dec.Hit(); ok {
		reflect.ValueOf(v).Elem().Set(reflect.ValueOf(hit).Elem())
		return response, nil
	}
	if err := jsonx.Read(resp.Body, maxResponseBytes, v); err != nil {
		return response, fmt.Errorf("astro: %s %s: decoding response: %w", req.Method, c.apiPath(req.URL), err)
	}
	if dec != nil {
		dec.Keep(decoded.Share(v))
	}
	return response, nil
}

// apiPath returns u's path relative to the base URL, with a leading "/",
// so that "/api/v1/organizations/x" reads "/organizations/x".
func (c *Client) apiPath(u *url.URL) string {
	p := u.EscapedPath()
	if base := c.baseURL.EscapedPath(); strings.HasPrefix(p, base) {
		return "/" + p[len(base):]
	}
	return p
}

// redact removes the client's token from the text an upstream put in an
// error body. A well-behaved API never echoes it, but a misconfigured proxy
// might, and an error message ends up in logs and GraphQL responses.
func (c *Client) redact(e *Error) {
	if c.token == "" {
		return
	}
	e.Message = fault.Scrub(e.Message, c.token)
	for i := range e.FieldErrors {
		fe := &e.FieldErrors[i]
		fe.Field = fault.Scrub(fe.Field, c.token)
		fe.Code = fault.Scrub(fe.Code, c.token)
		fe.Message = fault.Scrub(fe.Message, c.token)
	}
}

// call sends the operation id, with its path parameters ids, query and an
// optional JSON body (nil for none), and decodes the answer into v, which
// may be nil for 204 answers.
func (c *Client) call(ctx context.Context, id string, query url.Values, body, v any, ids ...string) (*Response, error) {
	req, err := c.newCall(ctx, id, query, body, ids...)
	if err != nil {
		return nil, err
	}
	return c.Do(req, v)
}

// newCall builds the request of the operation id. Its context names the
// operation ([CallOf]), so that the transports under the client need not
// parse its URL.
func (c *Client) newCall(ctx context.Context, id string, query url.Values, body any, ids ...string) (*http.Request, error) {
	op, ok := operationsByID[id]
	if !ok {
		return nil, fmt.Errorf("astro: unknown operation %q", id)
	}
	path, err := expandPath(op.Path, ids...)
	if err != nil {
		return nil, err
	}
	call := Call{Operation: *op}
	if op.Scope == ScopeOrganization && len(ids) > 0 {
		call.OrganizationID = ids[0]
	}
	return c.NewRequest(WithCall(ctx, call), op.Method, path, query, body)
}

// del sends the DELETE operation id; the API answers 204.
func (c *Client) del(ctx context.Context, id string, ids ...string) (*Response, error) {
	return c.call(ctx, id, nil, nil, nil, ids...)
}

// getItem sends the GET operation id and decodes the answer into v.
func (c *Client) getItem(ctx context.Context, v any, query url.Values, id string, ids ...string) (*Response, error) {
	return c.call(ctx, id, query, nil, v, ids...)
}

// ErrInvalidID is returned, wrapped, when a path parameter such as an
// organization or deployment ID is empty, "." or "..": escaped or not, such
// a value would address a different resource (an empty deployment ID turns
// GetDeployment into ListDeployments), so no request is sent.
var ErrInvalidID = errors.New("astro: invalid ID")

// expandPath fills the {placeholders} of an API path template, in order,
// with values escaped as single path segments. Templates are written without
// the leading "/" that the spec's paths have.
func expandPath(tmpl string, values ...string) (string, error) {
	var b strings.Builder
	rest := tmpl
	for i := 0; ; i++ {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if i != len(values) {
				return "", fmt.Errorf("astro: path %q takes %d parameters, got %d", tmpl, i, len(values))
			}
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 || i >= len(values) {
			return "", fmt.Errorf("astro: path %q does not match its %d parameters", tmpl, len(values))
		}
		end += open
		name, v := rest[open+1:end], values[i]
		if v == "" || v == "." || v == ".." {
			return "", fmt.Errorf("%w: %s %q", ErrInvalidID, name, v)
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(v))
		rest = rest[end+1:]
	}
}

// ErrNoBody is returned, wrapped, when a create, update or action call is
// given a nil request: the API requires a body, so no request is sent.
var ErrNoBody = errors.New("astro: request body is required")

// isNil reports whether body is nil or a nil pointer inside an interface.
func isNil(body any) bool {
	if body == nil {
		return true
	}
	v := reflect.ValueOf(body)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// getAs sends the GET operation id and decodes the answer into a new T.
func getAs[T any](ctx context.Context, c *Client, query url.Values, id string, ids ...string) (*T, *Response, error) {
	v := new(T)
	resp, err := c.getItem(ctx, v, query, id, ids...)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// postAs sends the POST operation id with body, which must not be nil, and
// decodes the answer into a new T.
func postAs[T any](ctx context.Context, c *Client, body any, id string, ids ...string) (*T, *Response, error) {
	if isNil(body) {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoBody, id)
	}
	v := new(T)
	resp, err := c.call(ctx, id, nil, body, v, ids...)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// postNoContent sends the POST operation id with body, which must not be
// nil, to an action that answers 204 or an empty 200.
func postNoContent(ctx context.Context, c *Client, body any, id string, ids ...string) (*Response, error) {
	if isNil(body) {
		return nil, fmt.Errorf("%w: %s", ErrNoBody, id)
	}
	return c.call(ctx, id, nil, body, nil, ids...)
}
