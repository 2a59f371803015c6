// Command gateway is the Astro GraphQL gateway: one GraphQL endpoint in front
// of the Astro API and Houston. With no backend configured it starts in demo
// mode, on the embedded simulators.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/astro-gateway/gateway/internal/config"
	"github.com/astro-gateway/gateway/internal/gateway"
	"github.com/astro-gateway/gateway/internal/logging"
	"github.com/astro-gateway/gateway/internal/telemetry"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ops, err := config.LoadOps(os.Getenv)
	log := logging.New(os.Stderr, ops.LogFormat, ops.LogLevel)
	// The log package (and what uses it: gqlgen's transports) writes
	// through the same handler.
	slog.SetDefault(log)
	if err == nil {
		err = run(log, ops)
	}
	if err != nil {
		log.Error("gateway stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, ops config.Ops) error {
	gateway.TuneRuntime()
	cfg, err := config.Load(os.Args[1:], os.Getenv)
	if err != nil {
		return err
	}
	if err := ops.CheckDemo(cfg); err != nil {
		return err
	}
	tracing, stopTracing, err := telemetry.Setup(context.Background(), os.Getenv, version)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = stopTracing(ctx) // flush the spans of the last requests
	}()
	gw, err := gateway.Build(cfg, gateway.Extras{Logger: log, Version: version, Ops: ops, Tracing: tracing})
	if err != nil {
		return err
	}
	defer gw.Close()
	if gw.Demo != nil {
		log.Info("demo mode: no ASTRO_API_URL or HOUSTON_URL set, serving the embedded simulators with demo tokens",
			"dataset", cfg.DemoDataset, "backends", gw.FleetBackends(), "astro", gw.AstroURL, "houston", gw.HoustonURL)
	}
	if cfg.RedisURL != "" {
		log.Info("limiter and cache shared through Redis, in process while it is unreachable")
	}
	if tracing.Enabled() {
		log.Info("tracing: spans exported over OTLP/HTTP")
	}

	if cfg.PprofAddr != "" {
		pl, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			return err
		}
		log.Info("profiler listening", "addr", pl.Addr().String())
		go func() { _ = http.Serve(pl, gateway.Profiler()) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Fleet != nil {
		log.Info("serving a fleet", "file", cfg.Fleet.File, "backends", gw.FleetBackends())
		go gw.WatchFleet(ctx, cfg.Fleet.File, 2*time.Second, func() (*config.Fleet, error) {
			c, err := config.Load(os.Args[1:], os.Getenv)
			return c.Fleet, err
		}, log)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           gw.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          logging.ServerErrors(log),
	}
	log.Info("gateway listening", "playground", playgroundURL(ln.Addr()), "graphql", playgroundURL(ln.Addr())+"graphql",
		"astro", gw.AstroURL != "", "software", gw.HoustonURL != "", "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal kills at once
	log.Info("shutting down", "grace", ops.ShutdownGrace.String())
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), ops.ShutdownGrace)
	defer cancel()
	if err := gw.Shutdown(sctx, srv); err != nil && !errors.Is(err, http.ErrServerClosed) {
		// What did not finish in time was closed: the shutdown is still
		// the one asked for.
		log.Warn("grace period over: closed what was still open", "grace", ops.ShutdownGrace.String(), "err", err)
	}
	log.Info("gateway stopped", "after", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// playgroundURL is the URL a person opens, with localhost for a wildcard
// listen address.
func playgroundURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, port))
}
