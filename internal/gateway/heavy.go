package gateway

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/fault"
	"github.com/astro-gateway/gateway/internal/metrics"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// heavyGate bounds the heavy operations run at once: the queries and
// mutations whose estimated cost (measured by cost.Limit before anything
// runs) is at least HEAVY_COST. Each takes one of MAX_CONCURRENT_HEAVY
// slots before its first resolver and gives it back with its answer.
//
// Why: a heavy operation decodes thousands of upstream objects, and that
// work is CPU-bound; thirty of them at once on two cores finish no sooner
// than two at a time, but hold thirty times the memory, and every one of
// them is late. In line, in arrival order, they keep the throughput, bound
// the memory and tighten the tail.
//
// Unlike admission, which runs before the request is read and so cannot
// know its cost, a heavy operation waits up to its request's deadline
// (REQUEST_TIMEOUT, or its client leaving), not QUEUE_TIMEOUT: a report a
// few seconds late is worth more than a 503. Light operations, and
// subscriptions, never pass through it; answers from the response cache
// never reach it.
type heavyGate struct {
	cost    int                 // from this estimated cost on; 0: no gate
	slots   *semaphore.Weighted // FIFO: granted in arrival order
	retry   int                 // Retry-After of a refusal, in seconds
	limit   *cost.Limit         // extensions.cost of a refusal
	metrics *metrics.Metrics
}

// newHeavyGate returns the gate of l; MaxConcurrentHeavy 0 means the CPUs
// (GOMAXPROCS), at least 1.
func newHeavyGate(l config.Limits, limit *cost.Limit, m *metrics.Metrics) *heavyGate {
	n := l.MaxConcurrentHeavy
	if n <= 0 {
		n = max(1, runtime.GOMAXPROCS(0))
	}
	return &heavyGate{
		cost: l.HeavyCost, slots: semaphore.NewWeighted(int64(n)),
		retry: retryAfter(l.QueueTimeout), // as admission's OVERLOADED says
		limit: limit, metrics: m,
	}
}

// operations is the gate, as an operation middleware: inside perOperation,
// which gives a websocket's operation its deadline; before the response
// middlewares, which run the resolvers.
func (g *heavyGate) operations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if !g.heavy(oc) {
		return next(ctx)
	}
	start := time.Now()
	err := g.acquire(ctx)
	waited := time.Since(start)
	telemetry.StatsFrom(ctx).SetHeavyWait(waited)
	if err != nil {
		g.metrics.HeavyWait("overloaded", waited)
		g.metrics.Operation(string(oc.Operation.Operation), "failed", waited)
		return graphql.OneShot(g.refusal(oc, err))
	}
	g.metrics.HeavyWait("granted", waited)
	g.metrics.HeavyInFlight(1)
	s := &heldSlot{free: func() {
		g.metrics.HeavyInFlight(-1)
		g.slots.Release(1)
	}}
	s.watch(ctx)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		s.enter()
		last := true // also if responses panics: the slot must not leak
		defer func() { s.leave(last) }()
		r := responses(ctx)
		// A query or mutation answers once; with @defer, until the
		// response that has no next.
		last = r == nil || r.HasNext == nil || !*r.HasNext
		return r
	}
}

// heavy says whether oc is gated: a measured query or mutation of cost
// HEAVY_COST or more.
func (g *heavyGate) heavy(oc *graphql.OperationContext) bool {
	if g.cost <= 0 || oc == nil || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return false
	}
	f, ok := cost.FiguresOf(oc)
	return ok && f.Cost >= g.cost
}

// acquire takes a slot, waiting behind those who came first until ctx
// ends. A free slot is taken even if ctx has ended: the operation then
// stops at its first resolver (TIMEOUT), as any other would.
func (g *heavyGate) acquire(ctx context.Context) error {
	if g.slots.TryAcquire(1) {
		return nil
	}
	g.metrics.HeavyWaiting(1)
	defer g.metrics.HeavyWaiting(-1)
	return g.slots.Acquire(ctx, 1)
}

// refusal is the answer of a heavy operation that found no slot before
// its deadline or before its client left: one OVERLOADED error, no data.
// The HTTP transport answers it 503 with Retry-After (see overloaded).
func (g *heavyGate) refusal(oc *graphql.OperationContext, err error) *graphql.Response {
	why := "before the request's deadline"
	if !errors.Is(err, context.DeadlineExceeded) {
		why = "before the client left"
	}
	resp := &graphql.Response{Errors: gqlerror.List{{
		Message: fmt.Sprintf("the gateway is busy: no slot for a heavy operation (estimated cost %d or more) was free %s; retry later, or ask for fewer objects", g.cost, why),
		Extensions: map[string]any{
			"code": fault.CodeOverloaded, "retryAfter": g.retry, "heavyCost": g.cost,
		},
	}}}
	if m, ok := g.limit.Extension(oc); ok {
		resp.Extensions = map[string]any{cost.ExtensionKey: m}
	}
	return resp
}

// overloaded says whether resp is a heavy operation's refusal, and the
// seconds its client should wait before it retries.
func overloaded(resp *wireResponse) (retry int, ok bool) {
	if resp == nil || len(resp.Data) > 0 || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != fault.CodeOverloaded {
		return 0, false
	}
	retry, ok = resp.Errors[0].Extensions["retryAfter"].(int)
	return retry, ok
}

// heldSlot gives a granted slot back once: after the operation's last
// response, or when its context ends while no response is being made (a
// transport that stopped asking). While a resolver runs the slot is kept,
// even past the deadline, so that the bound holds for the work really
// being done; the resolvers then stop at once (stopWhenDone).
type heldSlot struct {
	mu      sync.Mutex
	calling bool
	ended   bool // the context ended
	freed   bool
	free    func()
	stop    func() bool
}

func (s *heldSlot) watch(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ended = true
		if !s.calling {
			s.releaseLocked()
		}
	})
	s.mu.Lock()
	s.stop = stop
	s.mu.Unlock()
}

func (s *heldSlot) enter() {
	s.mu.Lock()
	s.calling = true
	s.mu.Unlock()
}

func (s *heldSlot) leave(last bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calling = false
	if last || s.ended {
		s.releaseLocked()
	}
}

func (s *heldSlot) releaseLocked() {
	if s.freed {
		return
	}
	s.freed = true
	if s.stop != nil {
		s.stop()
	}
	s.free()
}
