// Command astrosim serves the in-memory Astro API of package astrosim on a
// TCP address, for local development and demos. It prints one line,
// "astrosim listening on http://<addr>", once it accepts connections.
//
//	astrosim -listen 127.0.0.1:0 -dataset bench -seed 7 -latency 20ms-80ms -fail-rate 0.05 -rate-limit=false
//
// Latency, fail rate and rate limiting can also be changed while it runs,
// through its side door: POST /_sim/config {"latency": "50ms", "failRate": 0.1}.
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
	"syscall"
	"time"

	"github.com/astro-gateway/gateway/backends/astro/astrosim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "astrosim:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("astrosim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on; port 0 picks a free one")
	dataset := fs.String("dataset", astrosim.Small, "dataset: small or bench")
	seed := fs.Int64("seed", 1, "seed of the generated data and tokens")
	latency := fs.String("latency", "0", `added latency per request: "50ms" or a range "20ms-80ms"`)
	failRate := fs.Float64("fail-rate", 0, "share of API requests answered with a 500, from 0 to 1")
	rateLimit := fs.Bool("rate-limit", true, "enforce the per-token rate limits (GET 25/s, POST 10/s, DELETE 5/s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lo, hi, err := astrosim.ParseLatency(*latency)
	if err != nil {
		return err
	}
	if *failRate < 0 || *failRate > 1 {
		return fmt.Errorf("fail rate %v: want 0 <= rate <= 1", *failRate)
	}
	if *dataset != astrosim.Small && *dataset != astrosim.Bench {
		return fmt.Errorf("unknown dataset %q (want %s or %s)", *dataset, astrosim.Small, astrosim.Bench)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	sim := astrosim.New(astrosim.WithDataset(*dataset), astrosim.WithSeed(*seed),
		astrosim.WithLatency(lo, hi), astrosim.WithFaults(*failRate), astrosim.WithRateLimit(*rateLimit))
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	fmt.Fprintf(stdout, "astrosim listening on http://%s\n", ln.Addr())

	stopped := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopped <- srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-stopped
}
