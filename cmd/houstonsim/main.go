// Command houstonsim serves the in-memory Houston (Astronomer Software)
// GraphQL API of package houstonsim. Once listening it prints one line,
// "houstonsim listening on http://<addr>"; the GraphQL endpoint is that URL
// plus /v1, the log subscription's websocket /ws, the side door
// /_sim/stats, /_sim/reset and /_sim/tokens.
//
// -houston-version picks the Houston the simulator poses as (its schema
// and appConfig.version); 0.34.x, 1.0.x and 2.1.x are tested.
//
//	houstonsim -listen 127.0.0.1:8082 -dataset small -seed 1 -houston-version 1.0.1 -latency 5ms-20ms -log-interval 1s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/astro-gateway/gateway/backends/houston/houstonsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "houstonsim:", err)
		os.Exit(1)
	}
}

// run parses args, listens, prints the address to out and serves until ctx
// is done, then shuts down gracefully.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("houstonsim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8082", "address to listen on")
	dataset := fs.String("dataset", houstonsim.Small, "dataset: small or bench")
	seed := fs.Int64("seed", houstonsim.DefaultSeed, "seed of the dataset")
	version := fs.String("houston-version", houstonsim.DefaultVersion,
		"Houston version to pose as, e.g. 0.34.0, 1.0.1 or 2.1.0 (tested: "+strings.Join(houstonsim.SupportedVersions(), ", ")+")")
	logInterval := fs.Duration("log-interval", houstonsim.DefaultLogInterval, "how often each deployment component writes a log line")
	var lat latency
	fs.Var(&lat, "latency", "delay per request: a duration (10ms) or a range (5ms-20ms)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataset != houstonsim.Small && *dataset != houstonsim.Bench {
		return fmt.Errorf("-dataset must be %s or %s, not %q", houstonsim.Small, houstonsim.Bench, *dataset)
	}
	if !houstonsim.ValidVersion(*version) {
		return fmt.Errorf("-houston-version %q is not a version like 1.0.1", *version)
	}
	if *logInterval <= 0 {
		return fmt.Errorf("-log-interval must be positive, not %s", *logInterval)
	}
	sim := houstonsim.New(houstonsim.WithDataset(*dataset), houstonsim.WithSeed(*seed),
		houstonsim.WithVersion(*version), houstonsim.WithLatency(lat.min, lat.max),
		houstonsim.WithLogInterval(*logInterval))

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	fmt.Fprintf(out, "houstonsim listening on http://%s\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// latency is the -latency flag: "D" for a fixed delay, "MIN-MAX" for a range.
type latency struct{ min, max time.Duration }

func (l *latency) String() string {
	if l.min == l.max {
		return l.min.String()
	}
	return l.min.String() + "-" + l.max.String()
}

func (l *latency) Set(s string) error {
	lo, hi, isRange := strings.Cut(s, "-")
	minD, err := time.ParseDuration(lo)
	if err != nil {
		return err
	}
	maxD := minD
	if isRange {
		if maxD, err = time.ParseDuration(hi); err != nil {
			return err
		}
	}
	if minD < 0 || maxD < minD {
		return fmt.Errorf("latency %q: want 0 ≤ min ≤ max", s)
	}
	l.min, l.max = minD, maxD
	return nil
}
