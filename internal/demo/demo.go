// Package demo runs the simulators in-process, on loopback listeners, for
// the gateway's demo mode: `go run .` with no backend configured. It is a
// small fleet: two Astro organizations (two astrosims with other seeds) and
// two Software installations (houstonsims posing as Houston 1.0 and 0.34).
package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
	"github.com/astro-gateway/gateway/internal/config"
)

// Backends are the running simulators and the tokens the demo applies to
// callers who send none.
type Backends struct {
	AstroURL     string // Astro API base, ending in /v1
	HoustonURL   string // Houston GraphQL endpoint, ending in /v1
	AstroToken   string // a personal token: it may list organizations
	HoustonToken string // a system admin: it sees every workspace
	Astro        *astrosim.Sim
	Houston      *houstonsim.Sim
	// Fleet names the demo's backends (Astro and Houston above are its
	// first ones); Tokens are their demo tokens by name. Sims are every
	// simulator by backend name.
	Fleet  *config.Fleet
	Tokens map[string]string
	Sims   map[string]http.Handler

	servers []*http.Server
}

// The demo fleet's backends.
const (
	AstroFirst    = "acme"
	AstroSecond   = "globex"
	SoftwareFirst = "default"
	// SoftwareLegacy poses as an old Houston (LegacyVersion).
	SoftwareLegacy = "legacy"
	LegacyVersion  = "0.34.0"
)

// Start serves the demo fleet's simulators with the named dataset until
// Close.
func Start(dataset string) (*Backends, error) {
	b := &Backends{
		Astro:   astrosim.New(astrosim.WithDataset(dataset)),
		Houston: houstonsim.New(houstonsim.WithDataset(dataset)),
		Fleet:   &config.Fleet{File: "(demo)"},
		Tokens:  map[string]string{},
		Sims:    map[string]http.Handler{},
	}
	astro2 := astrosim.New(astrosim.WithDataset(dataset), astrosim.WithSeed(2))
	houston2 := houstonsim.New(houstonsim.WithDataset(dataset), houstonsim.WithSeed(2), houstonsim.WithVersion(LegacyVersion))
	at, ok := b.Astro.TokenOfKind("PERSONAL")
	ht, ok2 := b.Houston.TokenOfKind("SYSTEM_ADMIN")
	if !ok || !ok2 {
		return nil, errors.New("demo: the simulators offer no personal Astro token or system-admin Houston token")
	}
	b.AstroToken, b.HoustonToken = at.Token, ht.Token
	at2, ok := astro2.TokenOfKind("PERSONAL")
	ht2, ok2 := houston2.TokenOfKind("SYSTEM_ADMIN")
	if !ok || !ok2 {
		return nil, errors.New("demo: the second simulators offer no personal Astro token or system-admin Houston token")
	}
	for _, s := range []struct {
		platform, name, token string
		sim                   http.Handler
	}{
		{"astro", AstroFirst, at.Token, b.Astro},
		{"astro", AstroSecond, at2.Token, astro2},
		{"software", SoftwareFirst, ht.Token, b.Houston},
		{"software", SoftwareLegacy, ht2.Token, houston2},
	} {
		addr, err := b.serve(s.sim)
		if err != nil {
			b.Close()
			return nil, err
		}
		be := config.Backend{Platform: s.platform, Name: s.name, URL: "http://" + addr + "/v1"}
		if s.platform == "astro" {
			b.Fleet.Astro = append(b.Fleet.Astro, be)
		} else {
			b.Fleet.Software = append(b.Fleet.Software, be)
		}
		b.Tokens[s.name] = s.token
		b.Sims[s.name] = s.sim
	}
	b.AstroURL, b.HoustonURL = b.Fleet.Astro[0].URL, b.Fleet.Software[0].URL
	return b, nil
}

func (b *Backends) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	b.servers = append(b.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), nil
}

// Close stops the simulators.
func (b *Backends) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range b.servers {
		_ = s.Shutdown(ctx)
	}
}
