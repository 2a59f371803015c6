package testenv

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/graph/loader"
	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
)

// FleetSpec is one simulator of a fleet environment.
type FleetSpec struct {
	Name     string
	Platform string // "astro" or "software"
	Seed     int64  // default 1
	// HoustonVersion is the version a houstonsim poses as (default its own).
	HoustonVersion string
	// URL, if set, points the backend at another spec's simulator (by
	// that spec's Name) instead of starting one: two backends on one
	// upstream.
	SameAs string
}

// FleetSim is a running simulator of a fleet environment.
type FleetSim struct {
	FleetSpec
	URL     string // .../v1
	Token   string // a personal Astro token, a system admin's Houston token
	Astro   *astrosim.Sim
	Houston *houstonsim.Sim
}

// FleetEnv is a fleet of simulators behind one gateway.
type FleetEnv struct {
	Sims       []*FleetSim
	GatewayURL string // .../graphql
	BaseURL    string // .../
	// Headers carry every backend's token in its own header.
	Headers map[string]string
}

// Sim returns the simulator of backend name.
func (e *FleetEnv) Sim(name string) *FleetSim {
	for _, s := range e.Sims {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// StartFleet starts a simulator per spec (with dataset) and a gateway
// whose fleet names them, with no service tokens: callers send Headers.
// configure, if set, adjusts the gateway's configuration.
func StartFleet(t testing.TB, dataset string, specs []FleetSpec, configure func(*config.Config)) *FleetEnv {
	t.Helper()
	env := &FleetEnv{Headers: map[string]string{}}
	fleet := &config.Fleet{File: "(test)"}
	for _, sp := range specs {
		if sp.Seed == 0 {
			sp.Seed = 1
		}
		s := &FleetSim{FleetSpec: sp}
		if sp.SameAs != "" {
			other := env.Sim(sp.SameAs)
			require.NotNil(t, other, sp.SameAs)
			s.URL, s.Token, s.Astro, s.Houston = other.URL, other.Token, other.Astro, other.Houston
		} else if sp.Platform == "astro" {
			s.Astro = astrosim.New(astrosim.WithDataset(dataset), astrosim.WithSeed(sp.Seed))
			srv := httptest.NewServer(s.Astro)
			t.Cleanup(srv.Close)
			tok, ok := s.Astro.TokenOfKind("PERSONAL")
			require.True(t, ok)
			s.URL, s.Token = srv.URL+"/v1", tok.Token
		} else {
			opts := []houstonsim.Option{houstonsim.WithDataset(dataset), houstonsim.WithSeed(sp.Seed)}
			if sp.HoustonVersion != "" {
				opts = append(opts, houstonsim.WithVersion(sp.HoustonVersion))
			}
			s.Houston = houstonsim.New(opts...)
			srv := httptest.NewServer(s.Houston)
			t.Cleanup(srv.Close)
			tok, ok := s.Houston.TokenOfKind("SYSTEM_ADMIN")
			require.True(t, ok)
			s.URL, s.Token = srv.URL+"/v1", tok.Token
		}
		b := config.Backend{Platform: sp.Platform, Name: sp.Name, URL: s.URL}
		if sp.Platform == "astro" {
			fleet.Astro = append(fleet.Astro, b)
			env.Headers["X-Astro-Token-"+sp.Name] = s.Token
		} else {
			fleet.Software = append(fleet.Software, b)
			env.Headers["X-Houston-Token-"+sp.Name] = s.Token
		}
		env.Sims = append(env.Sims, s)
	}
	cfg := config.Default()
	cfg.Fleet = fleet
	if configure != nil {
		configure(&cfg)
	}
	gw, err := gateway.Build(cfg, gateway.Extras{Fallback: &loader.Credentials{}})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(gw.Handler)
	t.Cleanup(srv.Close)
	env.BaseURL, env.GatewayURL = srv.URL+"/", srv.URL+"/graphql"
	return env
}
