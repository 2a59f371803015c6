package bench

import (
	"testing"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/testenv"
)

// BenchmarkDashboard measures one dashboard query through the gateway, over
// loopback HTTP (the client's own cost included): warm with every cache
// tier (a repeat is answered whole by the response cache), warm with the
// decoded tier in front of the byte tier (the gateway's own cost: parsing,
// validation, resolvers, loaders, serialisation), warm with the byte tier
// only (the same, plus decoding cached answers again), and with no cache
// (every query goes to the in-process simulators).
//
//	go test ./internal/bench -run '^$' -bench Dashboard -benchmem
func BenchmarkDashboard(b *testing.B) {
	for _, tc := range []struct {
		name  string
		query string
	}{
		{"cross-platform first 20", `{ deployments(first: 20) { totalCount nodes { name platform status runtimeVersion workspace { name } } } }`},
		{"astro org first 100", `query($org: String!) { astro { organization(id: $org) { deployments(first: 100) { totalCount nodes { name status workspace { name description } cluster { name region } } } } } }`},
		{"software workspaces with deployments", `{ software { workspaces(first: 100) { nodes { name deployments(first: 100) { nodes { name: releaseName status } } } } } }`},
		{"astro workspaces with deployments", `query($org: String!) { astro { organization(id: $org) { workspaces(first: 25) { nodes { name deployments(first: 100) { nodes { name status } } } } } } }`},
	} {
		for _, c := range []struct{ name, tiers string }{{"cache=responses", "all"}, {"cache=decoded", "decoded"}, {"cache=bytes", "bytes"}, {"cache=false", ""}} {
			b.Run(tc.name+"/"+c.name, func(b *testing.B) {
				benchQuery(b, tc.query, c.tiers)
			})
		}
	}
}

// benchQuery runs query with every cache tier ("all"), the upstream tiers
// only ("decoded": every query runs, on decoded cached answers), the byte
// tier only ("bytes": every query runs and decodes cached answers again), or
// none ("").
func benchQuery(b *testing.B, query string, tiers string) {
	cfg := testenv.Config{Dataset: "bench"}
	if tiers == "decoded" {
		cfg.Configure = func(c *config.Config) { c.ResponseCache = false }
	}
	if tiers == "bytes" {
		cfg.Configure = func(c *config.Config) { c.ResponseCache, c.DecodedCache = false, false }
	}
	if tiers == "" {
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
