// Package gateway assembles the gateway's HTTP handler: the GraphQL server
// with its transports, the per-request loaders, CORS, GraphiQL and the
// health endpoints. server.go and the tests build the same handler.
package gateway

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/backends/astro"
	"github.com/astro-gateway/gateway/backends/houston"
	"github.com/astro-gateway/gateway/graph"
	"github.com/astro-gateway/gateway/graph/exec"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/cache"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/idempotency"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// Options are what the handler is built from.
type Options struct {
	Astro   *astro.Client   // nil: no Astro backend
	Houston *houston.Client // nil: no Software backend
	// Fleet, when set, is every backend of a fleet by name (Astro and
	// Houston are then its first Astro and Software backends).
	Fleet []loader.Member
	// Fallback supplies the credentials a caller did not send: demo tokens,
	// or service tokens for a caller with a valid gateway key.
	Fallback loader.Credentials
	// GatewayKeys, when set, are required (X-Gateway-Key) to use Fallback.
	// Empty with a non-empty Fallback means everyone gets it (demo mode).
	GatewayKeys        []string
	CORSAllowedOrigins []string
	// CORSAllowedHeaders are the request headers allowed across origins
	// (nil: config.DefaultCORSAllowedHeaders).
	CORSAllowedHeaders []string
	LoaderWait         time.Duration
	// DisableLoaders turns batching off, for measuring what it saves.
	DisableLoaders bool
	RequestTimeout time.Duration
	// LogPollInterval is how often deploymentLogs polls an Astro
	// deployment's logs (default graph.DefaultLogPollInterval).
	LogPollInterval time.Duration
	Logger          *slog.Logger
	// Responses, if set, keeps whole query responses (see responseCache).
	Responses *cache.Responses
	// Metrics, if set, is served at /metrics and hears operations and
	// dataloader batches (pass the same value to NewBackends).
	Metrics *metrics.Metrics
	// Idempotency keeps creates' clientMutationIds (Shared builds it:
	// in Redis with REDIS_URL); nil: a new in-process store.
	Idempotency idempotency.Store
	// Health, if set, says what is degraded (BackendOptions.Health);
	// /readyz still answers 200 — a degraded replica serves — but says so.
	Health func() string
	// Limits bound each request: its cost, its size, how many run at
	// once (nil: config.DefaultLimits).
	Limits *config.Limits
	// Ops: readiness, shutdown, traces (see ops.go).
	Ops OpsOptions
}

// New returns the gateway's handler.
func New(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.opsDefaults()
	lim := config.DefaultLimits()
	if o.Limits != nil {
		lim = *o.Limits
	}
	es := exec.NewExecutableSchema(exec.Config{Resolvers: &graph.Resolver{LogPollInterval: o.LogPollInterval}, Complexity: graph.Complexity()})
	srv := handler.New(es)
	if o.Idempotency == nil {
		o.Idempotency = idempotency.NewMemory(idempotency.DefaultTTL)
	}
	lcfg := loader.Config{Astro: o.Astro, Houston: o.Houston, Fleet: o.Fleet, Wait: o.LoaderWait, Disabled: o.DisableLoaders, Idempotency: o.Idempotency}
	if o.Metrics != nil {
		lcfg.ObserveBatch = o.Metrics.Batch
	}
	// Order matters: the first transport that supports a request serves it,
	// and an SSE request is also a POST.
	srv.AddTransport(websocketTransport(o))
	srv.AddTransport(transport.Options{AllowedMethods: []string{"OPTIONS", "GET", "POST", "PUT", "DELETE"}})
	srv.AddTransport(newSSESingle(o.RequestTimeout, o.Ops.Drain.Draining()))
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: keepAlive})
	srv.AddTransport(deferTransport{})
	srv.AddTransport(&httpTransport{maxBatch: lim.MaxBatch, maxCost: lim.MaxCost, maxResponse: lim.MaxResponseBytes})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if lim.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetDisableSuggestion(true)
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After APQ, which fills the query in; before any resolver.
	costs := &cost.Limit{Schema: graph.Costed(es), Limits: cost.Limits{
		MaxCost: lim.MaxCost, MaxDepth: lim.MaxDepth, MaxFields: lim.MaxFields, MaxAliases: lim.MaxAliases,
		MaxTokens: lim.MaxTokens, Introspection: lim.Introspection,
	}}
	srv.Use(costs)
	srv.AroundFields(stopWhenDone)
	if len(o.Fleet) > 0 {
		srv.AroundFields(graph.RouteFleet)
	}
	srv.AroundResponses(boundResponse(lim.MaxResponseBytes, o.RequestTimeout))
	srv.Use(graph.StreamErrors{})
	installOps(srv, o, &lcfg)
	srv.AroundOperations(perOperation(lcfg, o.RequestTimeout))
	// Inside perOperation (a websocket operation's deadline) and the access
	// line; the cost is known (measured with the operation context); no
	// resolver has run (they run in the response middlewares).
	srv.AroundOperations(newHeavyGate(lim, costs, o.Metrics).operations)
	if o.Responses != nil {
		srv.AroundResponses(markCacheable)
	}
	srv.SetErrorPresenter(graph.ErrorPresenter)
	srv.SetRecoverFunc(graph.Recover(o.Logger))
	if o.Metrics != nil {
		srv.AroundResponses(observeOperations(o.Metrics))
	}

	// Last, so the innermost: the middlewares above see cached answers too.
	srv.AroundResponses(introspectionCache(16))

	api := withCredentials(lcfg, o, srv)
	// A whole response kept for the same request from the same caller is
	// served before admission: it costs next to nothing, and must not wait
	// behind expensive requests for a place.
	api = limitBody(lim.MaxBodyBytes, cacheControl(responseCache(o.Responses, o, o.Metrics,
		admit(newAdmission(lim), withTimeout(api, o.RequestTimeout)))))

	mux := http.NewServeMux()
	mux.Handle("/graphql", errorCodes(api))
	mux.Handle("GET /export/{file}", errorCodes(exportHandler(errorCodes(api), o.RequestTimeout)))
	mountGraphiQL(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}
	mux.Handle("GET /readyz", readiness(o))

	if o.CORSAllowedHeaders == nil {
		o.CORSAllowedHeaders = config.DefaultCORSAllowedHeaders()
	}
	headers := append([]string(nil), o.CORSAllowedHeaders...)
	for _, m := range o.Fleet {
		// A fleet's per-backend credential headers (fleet.go).
		if m.Astro != nil {
			headers = append(headers, "X-Astro-Token-"+m.Name, "X-Astro-Organization-Id-"+m.Name)
		} else {
			headers = append(headers, "X-Houston-Token-"+m.Name)
		}
	}
	co := cors.Options{
		AllowedOrigins: o.CORSAllowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: headers,
		// What a browser app may read of an answer besides the safelisted
		// headers: when to come back after OVERLOADED or RATE_LIMITED.
		ExposedHeaders:   []string{"Retry-After"},
		AllowCredentials: false,
		MaxAge:           600,
	}
	if len(o.CORSAllowedOrigins) == 0 {
		// rs/cors reads an empty list as "*"; ours means same origin only.
		co.AllowOriginFunc = func(string) bool { return false }
	}
	return cors.New(co).Handler(mux)
}

// sockets names the page's own websocket origins for its CSP: 'self'
// covers them only in CSP level 3. A Host that is not a plain host[:port]
// adds nothing.
func sockets(host string) string {
	if host == "" || strings.ContainsFunc(host, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r))
	}) {
		return ""
	}
	return " ws://" + host + " wss://" + host
}

// credentials reads the caller's upstream credentials with get, which
// reads a request header (or a key of a websocket's connection_init
// payload). Fallback credentials fill what the caller did not send when the
// caller holds a gateway key, or when no keys are configured (demo mode).
func credentials(get func(string) string, o Options) (c loader.Credentials) {
	if len(o.Fleet) > 0 {
		return fleetCredentials(get, o)
	}
	c = loader.Credentials{
		AstroToken:          get("X-Astro-Token"),
		AstroOrganizationID: get("X-Astro-Organization-Id"),
		HoustonToken:        get("X-Houston-Token"),
	}
	if c.AstroToken == "" {
		if tok, ok := strings.CutPrefix(get("Authorization"), "Bearer "); ok {
			c.AstroToken = strings.TrimSpace(tok)
		}
	}
	defer func() {
		// An Astro API token names its organization: route by it, saving
		// a ListOrganizations (Astro itself checks the token).
		if c.AstroOrganizationID == "" {
			if cl, ok := astro.ParseClaims(c.AstroToken); ok {
				c.AstroOrganizationID = cl.OrganizationID
			}
		}
	}()
	if !fallbackAllowed(get("X-Gateway-Key"), o.GatewayKeys) {
		return c
	}
	if c.AstroToken == "" {
		c.AstroToken = o.Fallback.AstroToken
		if c.AstroOrganizationID == "" {
			c.AstroOrganizationID = o.Fallback.AstroOrganizationID
		}
	}
	if c.HoustonToken == "" {
		c.HoustonToken = o.Fallback.HoustonToken
	}
	return c
}

func fallbackAllowed(key string, keys []string) bool {
	if len(keys) == 0 {
		return true
	}
	for _, k := range keys {
		if subtle.ConstantTimeCompare([]byte(key), []byte(k)) == 1 {
			return true
		}
	}
	return false
}

// cacheControl honours a caller's Cache-Control: no-cache: its reads skip
// the gateway's cache (and refresh it).
func cacheControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cc := strings.ToLower(r.Header.Get("Cache-Control"))
		if strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store") || r.Header.Get("Pragma") == "no-cache" {
			r = r.WithContext(cache.WithBypass(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds a request by d. Streams (websocket, SSE) are not
// bounded: their operations are, one by one (see perOperation).
func withTimeout(next http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streaming(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// observeOperations records every operation's type, outcome and duration.
func observeOperations(m *metrics.Metrics) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		start := time.Now()
		resp := next(ctx)
		if resp == nil {
			return nil // the end of a stream: each of its responses was counted
		}
		typ := "unknown"
		// A request that could not be read has no operation context.
		if graphql.HasOperationContext(ctx) {
			if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
				typ = string(oc.Operation.Operation)
			}
		}
		outcome := "ok"
		if len(resp.Errors) > 0 {
			outcome = "error"
			if resp.Data == nil || string(resp.Data) == "null" {
				outcome = "failed"
			}
		}
		m.Operation(typ, outcome, time.Since(start))
		return resp
	}
}
