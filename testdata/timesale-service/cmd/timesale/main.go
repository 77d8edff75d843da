// Command timesale runs the time-sale service carved out of the shop monolith.
//
//	timesale -dsn postgres://postgres@127.0.0.1:5432/timesale -addr 127.0.0.1:8082 -identity-url http://127.0.0.1:8081
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/timesale/internal/sale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("timesale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", os.Getenv("TIMESALE_DSN"), "PostgreSQL connection string (default $TIMESALE_DSN)")
	addr := fs.String("addr", "127.0.0.1:8082", "listen address")
	identity := fs.String("identity-url", os.Getenv("TIMESALE_IDENTITY_URL"), "base URL answering GET /api/me for bearer tokens (empty: trust X-User-ID)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dsn == "" {
		fmt.Fprintln(stderr, "timesale: -dsn or TIMESALE_DSN is required")
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil)).With("service", "timesale-service")
	st, err := sale.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(stderr, "timesale: open database: %v\n", err)
		return 1
	}
	defer st.Close()
	srv := &http.Server{Addr: *addr, Handler: sale.NewServer(st, *identity, log).Handler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", *addr)
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "timesale: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "timesale: %v\n", err)
		return 1
	}
	return 0
}
