// Package houston is a client for the Houston GraphQL API of Astronomer
// Software. Documents are built from the caller's selection (see [Field]), so
// Houston returns only what was asked, and lookups by id are batched into one
// document with aliases.
//
//	c, _ := houston.NewClient("https://houston.example.com/v1")
//	ws, err := c.WithToken(tok).WorkspacesByID(ctx, ids, houston.Fields("id", "label"))
//
// Houston versions differ (0.2x to 2.1). The client learns the installed
// version from appConfig.version ([Client.Version]; once per client and its
// WithToken copies) whenever a document depends on it, and sends the shape
// that version accepts: createDeployment or upsertDeployment,
// updateDeploymentImage or upsertDeployment(image), no clusterId before
// 1.0, and so on. [Supports] and [PruneSelection] answer from the version
// table (versions.go) what a version has, so that the gateway can tell its
// callers about fields their Houston lacks; operations a version lacks fail
// with an *[UnsupportedError] before any request.
//
// Every method names the Houston root field it calls and the Astro CLI
// document it mirrors (shared/specs/houston/operations). Writes take typed
// requests; SubscribeLogs follows a deployment's logs over websocket with
// the legacy subscriptions-transport-ws protocol Houston speaks.
package houston

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/astro-gateway/gateway/internal/decoded"
	"github.com/astro-gateway/gateway/internal/jsonx"
)

// DefaultInstallation names the single Software installation configured with
// HOUSTON_URL. Ids and cache keys carry it so that several installations can
// later live behind one gateway.
const DefaultInstallation = "default"

// maxResponseBytes bounds what the client reads from Houston.
const maxResponseBytes = jsonx.MaxUpstreamBody

// Client talks to one Houston endpoint. It is safe for concurrent use; use
// [Client.WithToken] for a copy that authenticates as a caller.
type Client struct {
	endpoint     string
	wsEndpoint   string
	httpClient   *http.Client
	token        string
	installation string
	userAgent    string
	// versions caches the installation's version; copies made by WithToken
	// share it (see Client.Version).
	versions *versionCache
}

// Option configures a [Client].
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default http.DefaultClient).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithInstallation names the installation the client talks to (default
// DefaultInstallation); a fleet gives each installation its own name.
func WithInstallation(name string) Option { return func(c *Client) { c.installation = name } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// NewClient returns a client for the GraphQL endpoint, such as
// "https://houston.example.com/v1".
func NewClient(endpoint string, opts ...Option) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("houston: endpoint %q is not an absolute http(s) URL", endpoint)
	}
	c := &Client{endpoint: u.String(), httpClient: http.DefaultClient, installation: DefaultInstallation,
		userAgent: "astro-graphql-gateway", versions: newVersionCache()}
	ws := *u
	ws.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	ws.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v1") + "/ws"
	c.wsEndpoint = ws.String()
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// WithToken returns a copy of c that sends token in the Authorization header,
// raw, as Houston expects.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// Installation is the name of the installation this client talks to.
func (c *Client) Installation() string { return c.installation }

// Endpoint is the GraphQL endpoint URL.
func (c *Client) Endpoint() string { return c.endpoint }

// SubscriptionEndpoint is the websocket URL of subscriptions.
func (c *Client) SubscriptionEndpoint() string { return c.wsEndpoint }

// Request is one GraphQL operation.
type Request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName,omitempty"`
}

// Do posts req and decodes the response's data into out. A non-200 answer is
// an *[HTTPError]; GraphQL errors come back as [Errors] after data has been
// decoded, so the caller has partial data and the errors.
func (c *Client) Do(ctx context.Context, req *Request, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("houston: encode request: %w", err)
	}
	tag := operationTag{name: req.OperationName, mutation: strings.HasPrefix(strings.TrimSpace(req.Query), "mutation")}
	// A query may be answered by the gateway's tier of decoded answers
	// (internal/decoded): objects an identical earlier query decoded,
	// shared by every reader and never modified.
	var dec *decoded.Handle
	if out != nil && !tag.mutation {
		ctx, dec = decoded.With(ctx, reflect.TypeOf(out))
	}
	hr, err := http.NewRequestWithContext(context.WithValue(ctx, operationKey{}, tag), http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("houston: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", c.userAgent)
	if c.token != "" {
		hr.Header.Set("Authorization", c.token)
	}
	if !tag.mutation {
		// A query may be sent again: net/http then retries it once on a new
		// connection when a kept-alive one turns out closed by Houston (an
		// empty key is not sent on the wire).
		hr.Header["Idempotency-Key"] = []string{}
	}
	resp, err := c.httpClient.Do(hr)
	if err != nil {
		return &TransportError{Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	raw, err := jsonx.ReadAll(resp.Body, maxResponseBytes)
	if errors.Is(err, jsonx.ErrTooLarge) {
		return fmt.Errorf("houston: response larger than %d bytes", maxResponseBytes)
	}
	if err != nil {
		return &TransportError{Err: err}
	}
	if hit, ok := dec.Hit(); ok && resp.StatusCode == http.StatusOK {
		reflect.ValueOf(out).Elem().Set(reflect.ValueOf(hit).Elem())
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		herr := &HTTPError{StatusCode: resp.StatusCode, Body: raw}
		// Houston answers validation failures with 400 and a GraphQL body;
		// keep its errors too.
		var env struct {
			Errors Errors `json:"errors"`
		}
		if jsonx.Unmarshal(raw, &env) == nil {
			herr.Errors = env.Errors
		}
		return herr
	}
	// data is decoded straight into out, in the one pass over the body:
	// documents with hundreds of aliases make large bodies.
	var sink json.RawMessage
	env := struct {
		Data   any    `json:"data"`
		Errors Errors `json:"errors"`
	}{Data: out}
	if out == nil {
		env.Data = &sink
	}
	if err := jsonx.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("houston: decode response: %w", err)
	}
	if len(env.Errors) > 0 {
		return env.Errors
	}
	if dec != nil {
		dec.Keep(decoded.Share(out))
	}
	return nil
}

// scrubURLError drops the URL from a transport error: it never carries a
// token, but it is noise in a client-facing message.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

type operationKey struct{}

// operationTag is what the client tells transports about a request it
// sends: its operation name and whether it is a mutation.
type operationTag struct {
	name     string
	mutation bool
}

// OperationName is the GraphQL operation name of an HTTP request this
// client sent, for transports that label requests (metrics), so that they
// need not decode the body again; "" when there is none.
func OperationName(r *http.Request) string {
	tag, _ := r.Context().Value(operationKey{}).(operationTag)
	return tag.name
}

// IsMutation reports whether an HTTP request this client sent carries a
// mutation (which must not be repeated blindly, and retires cached reads)
// rather than a query. ok is false for a request the client did not send.
func IsMutation(r *http.Request) (mutation, ok bool) {
	tag, ok := r.Context().Value(operationKey{}).(operationTag)
	return tag.mutation, ok
}
