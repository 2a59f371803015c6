package gateway

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/astro-gateway/gateway/internal/config"
)

// ReloadFleet serves fleet from now on: new clients for its backends,
// the same limiter, caches and metrics (their keys carry the backend
// names, so a backend that stays keeps its rate budget). Requests in
// flight finish on the handler they started with.
func (g *Gateway) ReloadFleet(fleet *config.Fleet) error {
	if g.reload == nil {
		return errors.New("gateway: not serving a fleet configuration file")
	}
	h, err := g.reload(fleet)
	if err != nil {
		return err
	}
	g.setHandler(h)
	return nil
}

// FleetBackends are the names of the fleet's backends now served.
func (g *Gateway) FleetBackends() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.backends...)
}

// WatchFleet checks path every interval until ctx ends; when its content
// or a token file it names (a rotated secret) differs from what the
// running fleet was read from, it reads the
// configuration again with load and, if valid, serves the new fleet. An
// invalid file is logged and the running fleet kept.
func (g *Gateway) WatchFleet(ctx context.Context, path string, interval time.Duration, load func() (*config.Fleet, error), log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var refused [32]byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sum, err := config.FleetDigest(path)
		if err != nil {
			continue
		}
		g.mu.Lock()
		same := sum == g.digest
		g.mu.Unlock()
		if same || sum == refused {
			continue
		}
		f, err := load()
		if err == nil {
			err = g.ReloadFleet(f)
		}
		if err != nil {
			refused = sum
			log.Error("fleet configuration changed but is not valid: still serving the previous one", "file", path, "err", err)
			continue
		}
		log.Info("fleet configuration reloaded", "file", path, "backends", g.FleetBackends())
	}
}
