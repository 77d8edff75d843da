// Command ledger is the accounting/billing monolith: accounts, journal, customers, invoicing,
// payments, tax and auth on gorilla/mux under /api/v1, reporting on gin under /api/v2.
//
//	ledger -dsn 'root@tcp(127.0.0.1:3306)/ledger?parseTime=true' -addr 127.0.0.1:8083
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

	"example.com/ledger/internal/accounts"
	"example.com/ledger/internal/auth"
	"example.com/ledger/internal/customers"
	"example.com/ledger/internal/invoicing"
	"example.com/ledger/internal/journal"
	"example.com/ledger/internal/payments"
	"example.com/ledger/internal/platform"
	"example.com/ledger/internal/reporting"
	"example.com/ledger/internal/tax"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("ledger", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", "root@tcp(127.0.0.1:3306)/ledger?parseTime=true", "go-sql-driver/mysql DSN (parseTime=true is required)")
	addr := fs.String("addr", "127.0.0.1:8083", "listen address")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	db, err := platform.OpenDB(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "ledger:", err)
		return 1
	}
	defer db.Close()
	h, err := newRouter(db)
	if err != nil {
		fmt.Fprintln(stderr, "ledger:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "ledger:", err)
		return 1
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	platform.Logger.Info("ledger listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "ledger:", err)
		return 1
	}
	return 0
}

// newRouter wires every feature into one handler.
func newRouter(db *sqlx.DB) (http.Handler, error) {
	r := mux.NewRouter()
	r.HandleFunc("/healthz", func(w http.ResponseWriter, req *http.Request) { // want route GET /healthz
		if err := db.PingContext(req.Context()); err != nil {
			platform.WriteError(w, http.StatusServiceUnavailable, err)
			return
		}
		platform.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}).Methods(http.MethodGet)

	api := r.PathPrefix("/api/v1").Subrouter()
	auth.New(db).Register(api)
	customers.New(db).Register(api)
	accounts.New(db).Register(api)
	journal.New(db).Register(api)
	tax.New(db).Register(api)
	invoicing.New(db).Register(api)
	payments.New(db).Register(api)

	rep, err := reporting.New(db)
	if err != nil {
		return nil, err
	}
	// API v2 (reporting) was rewritten on gin; it keeps its full paths, so mount without strip.
	r.PathPrefix("/api/v2/").Handler(rep.Engine())
	return platform.ServedBy("ledger", r), nil
}
