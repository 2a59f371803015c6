package graph

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/astro-gateway/gateway/internal/fault"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/graph/model"
)

// Subscription.deploymentLogs: one stream type for both platforms. A
// Software deployment's lines are relayed from Houston's log subscription
// (logs_software.go); an Astro deployment's are polled from the Astro API
// (logs_astro.go). Errors known before the stream starts (a bad id, no
// token, an unknown deployment, a refused first poll) fail the subscription
// at once; an upstream failure later ends the stream with one last response
// carrying the error (see StreamErrors).

// deploymentLogs starts following a deployment's logs.
func (r *Resolver) deploymentLogs(ctx context.Context, id string, sources []model.LogSource, search *string) (<-chan *model.DeploymentLogLine, error) {
	g, err := decodeID(id)
	if err != nil {
		return nil, fault.Input("deploymentId", "pass the deployment's global id (Deployment.id): %v", err)
	}
	f := logFilter{sources: slices.Clone(sources), search: deref(search)}
	// In the schema's order, each once: the same subscription makes the
	// same upstream request.
	slices.SortFunc(f.sources, func(a, b model.LogSource) int {
		return slices.Index(model.AllLogSource, a) - slices.Index(model.AllLogSource, b)
	})
	f.sources = slices.Compact(f.sources)
	switch g.Type {
	case typeSoftwareDeployment:
		// In a fleet, the installation the id names.
		m := loader.For(ctx).SoftwareMember(g.Parts[0])
		if m == nil {
			return nil, &fault.NotFoundError{Backend: fault.Houston, Kind: "installation", ID: g.Parts[0]}
		}
		return softwareLogs(loader.WithLoaders(ctx, m), id, g.Parts[1], f)
	case typeAstroDeployment:
		if m := loader.For(ctx).AstroMember(ctx, g.Parts[0]); m != nil {
			ctx = loader.WithLoaders(ctx, m)
		}
		return r.astroLogs(ctx, id, g.Parts[0], g.Parts[1], f)
	}
	return nil, fault.Input("deploymentId", "is the id of a %s, not of a deployment", g.Type)
}

// logFilter is what a subscriber asked for: lines from these sources (all
// when empty) that contain search ("": all).
type logFilter struct {
	sources []model.LogSource
	search  string
}

// keeps reports whether a line from src passes the source filter.
func (f logFilter) keeps(src *model.LogSource) bool {
	if len(f.sources) == 0 {
		return true
	}
	return src != nil && slices.Contains(f.sources, *src)
}

// logSourceNames are the upstream names of the log sources, the same on
// both platforms (Astro's sources, Houston's components).
var logSourceNames = map[model.LogSource]string{
	model.LogSourceScheduler:    "scheduler",
	model.LogSourceTriggerer:    "triggerer",
	model.LogSourceWorker:       "worker",
	model.LogSourceWebserver:    "webserver",
	model.LogSourceDagProcessor: "dag-processor",
	model.LogSourceAPIServer:    "apiserver",
}

// logSource reads an upstream source name; an unknown one is nil.
func logSource(name string) *model.LogSource {
	for s, n := range logSourceNames {
		if strings.EqualFold(n, name) {
			return &s
		}
	}
	return nil
}

// logLineID makes a line's stable id from its deployment and its own key.
func logLineID(platform model.Platform, deploymentID, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("DeploymentLogLine:" + string(platform) + ":" + deploymentID + ":" + key))
}

// send delivers a line unless the subscriber has gone.
func send(ctx context.Context, out chan<- *model.DeploymentLogLine, l *model.DeploymentLogLine) bool {
	select {
	case out <- l:
		return true
	case <-ctx.Done():
		return false
	}
}

// StreamErrors is a gqlgen handler extension: it ends a subscription whose
// upstream failed after the stream started with one last response holding
// the error (presented like every other error), before the transport
// completes the stream. Without it the stream would just stop, and the
// client could not tell a failure from an end.
type StreamErrors struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = StreamErrors{}

// ExtensionName names the extension.
func (StreamErrors) ExtensionName() string { return "StreamErrors" }

// Validate accepts every schema.
func (StreamErrors) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation gives each subscription a place to leave its error in
// and turns it into the stream's last response.
func (StreamErrors) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	f := &streamFailure{}
	responses := next(context.WithValue(ctx, streamFailureKey{}, f))
	var done bool
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		if r := responses(ctx); r != nil {
			return r
		}
		done = true
		err := f.get()
		if err == nil || ctx.Err() != nil {
			return nil
		}
		gerr := ErrorPresenter(ctx, err)
		if len(oc.Operation.SelectionSet) > 0 {
			if field, ok := oc.Operation.SelectionSet[0].(*ast.Field); ok {
				gerr.Path = ast.Path{ast.PathName(field.Alias)}
			}
		}
		return &graphql.Response{Errors: gqlerror.List{gerr}}
	}
}

type streamFailureKey struct{}

// streamFailure holds the error that ended a stream early.
type streamFailure struct {
	mu  sync.Mutex
	err error
}

func (f *streamFailure) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// failStream records why the stream of ctx's subscription ends early (the
// first reason wins). Without the StreamErrors extension it does nothing.
func failStream(ctx context.Context, err error) {
	if f, ok := ctx.Value(streamFailureKey{}).(*streamFailure); ok {
		f.mu.Lock()
		if f.err == nil {
			f.err = err
		}
		f.mu.Unlock()
	}
}

// lineTime is the timestamp of a line, or now when upstream sent none.
func lineTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}
