package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/cost"
	"github.com/astro-gateway/gateway/internal/metrics"
)

// TestHeavyGateChoosesByCost: only measured queries and mutations of cost
// HEAVY_COST or more are gated; subscriptions never; 0 turns it off.
func TestHeavyGateChoosesByCost(t *testing.T) {
	t.Parallel()
	oc := func(op ast.Operation, c int, measured bool) *graphql.OperationContext {
		o := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: op}}
		if measured {
			o.Stats.SetExtension(cost.ExtensionKey, &cost.Figures{Cost: c})
		}
		return o
	}
	tests := []struct {
		name      string
		heavyCost int
		oc        *graphql.OperationContext
		want      bool
	}{
		{"query at the threshold", 1000, oc(ast.Query, 1000, true), true},
		{"query under it", 1000, oc(ast.Query, 999, true), false},
		{"mutation over it", 1000, oc(ast.Mutation, 5000, true), true},
		{"subscription over it", 1000, oc(ast.Subscription, 5000, true), false},
		{"not measured", 1000, oc(ast.Query, 0, false), false},
		{"no operation", 1000, &graphql.OperationContext{}, false},
		{"gate off", 0, oc(ast.Query, 100000, true), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newHeavyGate(config.Limits{HeavyCost: tt.heavyCost}, &cost.Limit{}, nil)
			assert.Equal(t, tt.want, g.heavy(tt.oc))
		})
	}
}

// TestHeavyGateIsFIFO: slots are granted in the order operations came.
func TestHeavyGateIsFIFO(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	g := newHeavyGate(config.Limits{HeavyCost: 1, MaxConcurrentHeavy: 1}, &cost.Limit{}, m)
	ctx := t.Context()
	require.NoError(t, g.acquire(ctx))
	const n = 5
	granted := make(chan int, n)
	for i := range n {
		go func() {
			if g.acquire(ctx) == nil {
				granted <- i
			}
		}()
		// The next comes only once this one is in line.
		require.Eventually(t, func() bool { return waiting(m) == i+1 }, time.Minute, time.Millisecond)
	}
	for want := range n {
		g.slots.Release(1)
		assert.Equal(t, want, <-granted)
	}
	g.slots.Release(1)
}

// waiting reads gateway_heavy_operations_waiting from m.
func waiting(m *metrics.Metrics) int {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "gateway_heavy_operations_waiting "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return -1
}

// TestHeavyGateRefusesWhenContextEnds: a waiter whose context ends gets its
// error; one that finds a slot free takes it even with its context ended.
func TestHeavyGateRefusesWhenContextEnds(t *testing.T) {
	t.Parallel()
	g := newHeavyGate(config.Limits{HeavyCost: 1, MaxConcurrentHeavy: 1}, &cost.Limit{}, nil)
	done, cancel := context.WithCancel(t.Context())
	cancel()
	require.NoError(t, g.acquire(done), "a free slot is taken")
	assert.ErrorIs(t, g.acquire(done), context.Canceled)
	g.slots.Release(1)
}

// TestHeavySlotIsGivenBack: a slot comes back after the answer, after a
// panic while answering, when the context ends before the answer is asked
// for, and — with @defer — only after the last part.
func TestHeavySlotIsGivenBack(t *testing.T) {
	t.Parallel()
	heavyCtx := func(ctx context.Context) context.Context {
		oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}
		oc.Stats.SetExtension(cost.ExtensionKey, &cost.Figures{Cost: 10})
		return graphql.WithOperationContext(ctx, oc)
	}
	yes, no := true, false
	tests := []struct {
		name string
		run  func(t *testing.T, g *heavyGate, free func() bool)
	}{
		{"after the answer", func(t *testing.T, g *heavyGate, free func() bool) {
			h := g.operations(heavyCtx(t.Context()), func(context.Context) graphql.ResponseHandler {
				return graphql.OneShot(&graphql.Response{})
			})
			assert.False(t, free(), "held until answered")
			h(t.Context())
		}},
		{"after a panic", func(t *testing.T, g *heavyGate, free func() bool) {
			h := g.operations(heavyCtx(t.Context()), func(context.Context) graphql.ResponseHandler {
				return func(context.Context) *graphql.Response { panic("boom") }
			})
			assert.Panics(t, func() { h(t.Context()) })
		}},
		{"context ended before the answer", func(t *testing.T, g *heavyGate, free func() bool) {
			ctx, cancel := context.WithCancel(t.Context())
			g.operations(heavyCtx(ctx), func(context.Context) graphql.ResponseHandler {
				return graphql.OneShot(&graphql.Response{})
			})
			assert.False(t, free())
			cancel()
			require.Eventually(t, free, time.Minute, time.Millisecond) // AfterFunc runs in its own goroutine
		}},
		{"deferred parts", func(t *testing.T, g *heavyGate, free func() bool) {
			parts := []*graphql.Response{{HasNext: &yes}, {HasNext: &yes}, {HasNext: &no}}
			h := g.operations(heavyCtx(t.Context()), func(context.Context) graphql.ResponseHandler {
				return func(context.Context) *graphql.Response {
					r := parts[0]
					parts = parts[1:]
					return r
				}
			})
			h(t.Context())
			h(t.Context())
			assert.False(t, free(), "held while parts follow")
			h(t.Context())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newHeavyGate(config.Limits{HeavyCost: 1, MaxConcurrentHeavy: 1}, &cost.Limit{}, nil)
			free := func() bool {
				if g.slots.TryAcquire(1) {
					g.slots.Release(1)
					return true
				}
				return false
			}
			tt.run(t, g, free)
			assert.True(t, free(), "the slot is back")
		})
	}
}
