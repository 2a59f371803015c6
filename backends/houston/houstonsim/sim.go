package houstonsim

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// Sim is an in-memory Houston API. It implements http.Handler; serve it with
// net/http or wrap it in httptest.NewServer. A Sim is safe for concurrent
// use, and all its state belongs to it: two Sims never share anything.
type Sim struct {
	settings settings
	store    *store
	rec      *recorder
	mux      *http.ServeMux
	gql      *handler.Server

	latencyMu  sync.Mutex
	latencyRNG *rand.Rand
}

// Token is a credential the simulator accepts, as listed by [Sim.Tokens] and
// GET /_sim/tokens.
type Token struct {
	// Token is the value to send in the Authorization header: a JWT for a
	// user, 32 lowercase hex characters for a service account's API key.
	Token string `json:"token"`
	// Label names the token in Stats.PeakPerSecond; see the Label constants.
	Label string `json:"label"`
	// Kind is the Houston role of the token's principal, e.g. SYSTEM_ADMIN.
	Kind string `json:"kind"`
	// Scope lists the ids of the workspace or deployment the role is bound
	// to; it is empty for a system role.
	Scope []string `json:"scope"`
}

// Labels of the tokens every dataset has, one per role the simulator models.
const (
	// LabelSystemAdmin is a SYSTEM_ADMIN user: sees every workspace and
	// deployment.
	LabelSystemAdmin = "sysadmin"
	// LabelWorkspaceAdmin is a user with WORKSPACE_ADMIN on the first
	// workspace only.
	LabelWorkspaceAdmin = "workspace-admin"
	// LabelWorkspaceViewer is a user with WORKSPACE_VIEWER on the second
	// workspace only.
	LabelWorkspaceViewer = "workspace-viewer"
	// LabelDeploymentViewer is a user with DEPLOYMENT_VIEWER on one
	// deployment of the fourth workspace, and no workspace role.
	LabelDeploymentViewer = "deployment-viewer"
	// LabelServiceAccount is a workspace service account (API key) with
	// WORKSPACE_EDITOR on the third workspace.
	LabelServiceAccount = "workspace-service-account"
	// LabelWorkspaceEditor is a user with WORKSPACE_EDITOR on the fourth
	// workspace only.
	LabelWorkspaceEditor = "workspace-editor"
	// LabelDeploymentAdmin is a user with DEPLOYMENT_ADMIN on the second
	// deployment of the third workspace, and no workspace role.
	LabelDeploymentAdmin = "deployment-admin"
	// LabelDeploymentEditor is a user with DEPLOYMENT_EDITOR on the second
	// deployment of the second workspace, and no workspace role.
	LabelDeploymentEditor = "deployment-editor"
)

// New builds a simulator with its dataset. It panics if [WithDataset] names
// an unknown dataset.
func New(opts ...Option) *Sim {
	st := defaultSettings()
	for _, o := range opts {
		o(&st)
	}
	data, err := newDataset(st.dataset, st.seed, st.now)
	if err != nil {
		panic("houstonsim: " + err.Error())
	}
	schema, err := Schema(st.version)
	if err != nil {
		panic(err.Error())
	}
	s := &Sim{
		settings:   st,
		store:      data,
		rec:        newRecorder(st.now),
		latencyRNG: rand.New(rand.NewPCG(uint64(st.seed), 0x1a7e)),
	}
	s.gql = s.newGraphQLServer(schema)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1", s.serveAPI)
	s.mux.HandleFunc("GET /v1", s.serveAPI)
	s.mux.HandleFunc("GET /ws", s.serveWebsocket)
	s.mux.HandleFunc("GET /_sim/stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.Stats()) })
	s.mux.HandleFunc("POST /_sim/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("GET /_sim/tokens", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.Tokens()) })
	return s
}

// newGraphQLServer builds the gqlgen server over the schema of the posed
// version: websocket (for the log subscription), GET and POST transports,
// introspection on, parsed documents cached.
func (s *Sim) newGraphQLServer(schema *ast.Schema) *handler.Server {
	srv := handler.New(NewExecutableSchema(Config{Schema: schema, Resolvers: &Resolver{
		store:   s.store,
		version: s.settings.version,
		logs:    logBook{interval: s.settings.logInterval, now: s.settings.now},
	}}))
	srv.AddTransport(s.websocketTransport())
	srv.AddTransport(transport.GET{})
	srv.AddTransport(post{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.AroundOperations(s.observeOperation)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		slog.ErrorContext(ctx, "houstonsim: resolver panic", "panic", v)
		return gqlError(codeInternal, fmt.Sprint("internal error: ", v))
	})
	return srv
}

// ServeHTTP serves the Houston API at /v1 (POST, and GET with the query in
// the URL), subscriptions over websocket at /ws, and the side door at
// /_sim/stats, /_sim/reset and /_sim/tokens.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns the counters GET /_sim/stats serves.
func (s *Sim) Stats() Stats { return s.rec.stats() }

// Reset zeroes the counters and forgets the recorded selections, as POST
// /_sim/reset does. The data stays as it is.
func (s *Sim) Reset() { s.rec.reset() }

// Tokens lists the credentials the simulator accepts, in a fixed order:
// system admin, workspace admin, workspace viewer, deployment viewer,
// service account, workspace editor, deployment admin, deployment editor. Pick one by Label (e.g. [LabelSystemAdmin]) or by Kind
// (e.g. "SYSTEM_ADMIN").
//
// Credentials made later (createToken, createUser, new service accounts)
// follow in the order they were made; deleted service accounts' keys leave
// the list.
func (s *Sim) Tokens() []Token { return s.store.tokenList() }

// Selections returns, for each operation executed since the simulator started
// or was last reset, one entry per root field (per response key, so aliased
// copies appear once each), in execution order: the field name followed by
// its selection in normal form — field names without aliases or arguments,
// fragments expanded, @skip/@include applied, repeated fields merged, each
// level sorted by name. For example
//
//	paginatedDeployments{id label workspace{id}}
//
// A leaf root field renders as its bare name (e.g. "appConfig" never does,
// but a scalar root field would). Introspection fields are left out.
func (s *Sim) Selections() []string { return s.rec.selectionList() }

// serveAPI authenticates the caller, counts the request, waits the
// configured latency and hands the request to gqlgen.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	c := s.store.callerFor(credential(r.Header.Get("Authorization")))
	s.rec.request(c.label, r.Method)
	if err := s.delay(r.Context()); err != nil {
		return // the client went away
	}
	s.gql.ServeHTTP(&apolloStatus{ResponseWriter: w}, r.WithContext(withCaller(r.Context(), c)))
}

// delay waits a random duration within the configured latency, or until ctx
// is done.
func (s *Sim) delay(ctx context.Context) error {
	lo, hi := s.settings.minLatency, s.settings.maxLatency
	if hi <= 0 {
		return nil
	}
	d := lo
	if hi > lo {
		s.latencyMu.Lock()
		d += time.Duration(s.latencyRNG.Int64N(int64(hi-lo) + 1))
		s.latencyMu.Unlock()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// apolloStatus turns gqlgen's 422 for documents that fail to parse or
// validate into the 400 Apollo Server (and so Houston) answers with.
type apolloStatus struct {
	http.ResponseWriter
}

// WriteHeader maps 422 to 400 and passes every other status through.
func (w *apolloStatus) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity {
		code = http.StatusBadRequest
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *apolloStatus) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// TokenOfKind returns the first token whose principal has the role kind
// (SYSTEM_ADMIN, WORKSPACE_ADMIN, …), and whether there is one.
func (s *Sim) TokenOfKind(kind string) (Token, bool) {
	for _, t := range s.Tokens() {
		if t.Kind == kind {
			return t, true
		}
	}
	return Token{}, false
}
