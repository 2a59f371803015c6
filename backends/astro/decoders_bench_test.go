package astro

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	gojson "github.com/goccy/go-json"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/internal/jsonx"
)

type benchPage struct {
	Deployments []*Deployment `json:"deployments"`
	pageInfo
}

// BenchmarkDecoders decodes one page of 100 deployments from the bench
// dataset (as the simulator serves it) with encoding/json's Decoder (what
// the client used before), encoding/json's Unmarshal, internal/jsonx (the
// json/v2 implementation, what the client uses) and goccy/go-json, the
// fastest well-kept alternative measured:
//
//	go test ./backends/astro -run '^$' -bench Decoders -benchmem
func BenchmarkDecoders(b *testing.B) {
	sim := astrosim.New(astrosim.WithRateLimit(false), astrosim.WithDataset("bench"))
	srv := httptest.NewServer(sim)
	defer srv.Close()
	tok := sim.Tokens()[0]
	req, _ := http.NewRequest("GET", srv.URL+"/v1/organizations/"+tok.Scope[0]+"/deployments?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.Logf("body %d bytes", len(body))
	b.Run("std-decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := json.NewDecoder(bytes.NewReader(body)).Decode(&p); err != nil || len(p.Deployments) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("std-unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := jsonx.Unmarshal(body, &p); err != nil || len(p.Deployments) != 100 {
				b.Fatal(err)
			}
		}
	})
	// What a summary list decodes (ListDeploymentsOptions.Summary): the
	// same bytes, only SummaryFields kept.
	b.Run("jsonx-summary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p struct {
				Deployments summaryList `json:"deployments"`
				pageInfo
			}
			if err := jsonx.Unmarshal(body, &p); err != nil || len(p.Deployments) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("goccy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p benchPage
			if err := gojson.Unmarshal(body, &p); err != nil || len(p.Deployments) != 100 {
				b.Fatal(err)
			}
		}
	})
}
