package bench

import (
	"fmt"
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// BenchmarkDashboard measures one dashboard query through the gateway, with
// the cache warm (the gateway's own cost: parsing, validation, resolvers,
// loaders, serialisation) and with it off (every query goes to the
// in-process simulators over loopback).
//
//	go test ./internal/bench -run '^$' -bench Dashboard -benchmem
func BenchmarkDashboard(b *testing.B) {
	for _, tc := range []struct {
		name  string
		query string
	}{
		{"cross-platform first 20", `{ deployments(first: 20) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`},
		{"astro org first 100", `query($org: String!) { astro { organization(id: $org) { deployments(first: 100) { totalCount nodes { name status workspace { name description } cluster { name region } } } } } }`},
	} {
		for _, warm := range []bool{true, false} {
			name := fmt.Sprintf("%s/cache=%v", tc.name, warm)
			b.Run(name, func(b *testing.B) {
				benchQuery(b, tc.query, warm)
			})
		}
	}
}

func benchQuery(b *testing.B, query string, warm bool) {
	cfg := testenv.Config{Dataset: "bench"}
	if !warm {
		cfg.Configure = func(c *config.Config) { c.CacheTTL = 0; c.AstroLimits = [3]int{1 << 20, 1 << 20, 1 << 20} }
		cfg.AstroOptions = []astrosim.Option{astrosim.WithRateLimit(false)}
	}
	env := testenv.Start(b, cfg)
	vars := map[string]any{"org": env.Astro.Tokens()[0].Scope[0]}
	if r := env.Query(b, query, vars, env.Headers()); len(r.Errors) > 0 {
		b.Fatalf("errors: %v", r.Errors)
	}
	env.Astro.Reset()
	env.Houston.Reset()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		env.Query(b, query, vars, env.Headers())
	}
	b.StopTimer()
	b.ReportMetric(float64(env.Astro.Stats().Requests+env.Houston.Stats().Requests)/float64(b.N), "upstream/op")
}
