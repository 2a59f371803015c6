// Package demo runs both simulators in-process, on loopback listeners, for
// the gateway's demo mode: `go run .` with no backend configured.
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

	servers []*http.Server
}

// Start serves both simulators with the named dataset until Close.
func Start(dataset string) (*Backends, error) {
	b := &Backends{
		Astro:   astrosim.New(astrosim.WithDataset(dataset)),
		Houston: houstonsim.New(houstonsim.WithDataset(dataset)),
	}
	at, ok := b.Astro.TokenOfKind("PERSONAL")
	ht, ok2 := b.Houston.TokenOfKind("SYSTEM_ADMIN")
	if !ok || !ok2 {
		return nil, errors.New("demo: the simulators offer no personal Astro token or system-admin Houston token")
	}
	b.AstroToken, b.HoustonToken = at.Token, ht.Token
	astroAddr, err := b.serve(b.Astro)
	if err != nil {
		return nil, err
	}
	houstonAddr, err := b.serve(b.Houston)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.AstroURL = "http://" + astroAddr + "/v1"
	b.HoustonURL = "http://" + houstonAddr + "/v1"
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
