// Command gen writes a large layered Go monolith for benchmarks: per domain a store package
// (SQL in several styles: constants, concatenation, fmt.Sprintf, sqlx.In + Rebind, a query
// wrapper, pgx, a transaction passed to a helper), a service package (calling its store and
// the previous domain's service) and a handler package (chi routes), plus one main package and
// one migration file per domain. The output is deterministic for given flags.
//
//	go run ./bench/gen -packages 2000 -out /tmp/mono
//	cd /tmp/mono && GOFLAGS=-mod=mod go mod tidy -e   # resolve go.sum from the module cache
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

func main() {
	packages := flag.Int("packages", 250, "number of packages to generate (3 per domain, plus main)")
	out := flag.String("out", "", "output directory (created; must be empty or absent)")
	module := flag.String("module", "example.com/bigmono", "module path")
	flag.Parse()
	if *out == "" || *packages < 4 {
		fmt.Fprintln(os.Stderr, "gen: want -out DIR and -packages >= 4")
		os.Exit(2)
	}
	if err := generate(*out, *module, *packages); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type domain struct {
	Module string
	N      int
	Name   string // d0001
	Prev   string // previous domain name, "" for the first
	Table  string
	Other  string // table of the previous domain (cross-domain join)
}

func generate(out, module string, packages int) error {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", out)
	}
	domains := (packages - 1) / 3
	files := map[string]string{}
	files["go.mod"] = fmt.Sprintf(goMod, module)
	var ds []domain
	for i := 1; i <= domains; i++ {
		d := domain{Module: module, N: i, Name: fmt.Sprintf("d%04d", i), Table: fmt.Sprintf("t%04d", i)}
		if i > 1 {
			d.Prev = fmt.Sprintf("d%04d", i-1)
			d.Other = fmt.Sprintf("t%04d", i-1)
		} else {
			d.Other = d.Table
		}
		ds = append(ds, d)
		for name, tmpl := range map[string]*template.Template{
			"internal/" + d.Name + "/store/store.go":         storeTmpl,
			"internal/" + d.Name + "/service/service.go":     serviceTmpl,
			"internal/" + d.Name + "/handler/handler.go":     handlerTmpl,
			fmt.Sprintf("migrations/%04d_%s.sql", i, d.Name): migrationTmpl,
		} {
			var b bytes.Buffer
			if err := tmpl.Execute(&b, d); err != nil {
				return err
			}
			files[name] = b.String()
		}
	}
	var b bytes.Buffer
	if err := mainTmpl.Execute(&b, struct {
		Module  string
		Domains []domain
	}{module, ds}); err != nil {
		return err
	}
	files["cmd/app/main.go"] = b.String()
	for name, content := range files {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("gen: %d domains, %d packages, %d files in %s\n", domains, 3*domains+1, len(files), out)
	return nil
}

const goMod = `module %s

go 1.26

require (
	github.com/go-chi/chi/v5 v5.2.1
	github.com/jackc/pgx/v5 v5.12.0
	github.com/jmoiron/sqlx v1.4.0
)
`

var storeTmpl = template.Must(template.New("store").Parse(`// Package store holds the SQL of domain {{.Name}}.
package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

const cols = "id, name, qty, created_at"

const qByID = "SELECT " + cols + " FROM {{.Table}} WHERE id = $1"

// Item is a row of {{.Table}}.
type Item struct {
	ID   int64  ` + "`db:\"id\"`" + `
	Name string ` + "`db:\"name\"`" + `
	Qty  int    ` + "`db:\"qty\"`" + `
}

// Store is the data access of {{.Name}}.
type Store struct {
	db   *sqlx.DB
	pool *pgxpool.Pool
}

// New returns a Store.
func New(db *sqlx.DB, pool *pgxpool.Pool) *Store { return &Store{db: db, pool: pool} }

func (s *Store) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Get returns one item.
func (s *Store) Get(ctx context.Context, id int64) (Item, error) {
	var it Item
	err := s.db.GetContext(ctx, &it, qByID, id)
	return it, err
}

// List returns a page of items.
func (s *Store) List(ctx context.Context, limit int) ([]Item, error) {
	var out []Item
	err := s.db.SelectContext(ctx, &out, fmt.Sprintf("SELECT %s FROM {{.Table}} ORDER BY id LIMIT $1", cols), limit)
	return out, err
}

// ByIDs returns the given items.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]Item, error) {
	q, args, err := sqlx.In("SELECT "+cols+" FROM {{.Table}} WHERE id IN (?)", ids)
	if err != nil {
		return nil, err
	}
	var out []Item
	err = s.db.SelectContext(ctx, &out, s.db.Rebind(q), args...)
	return out, err
}

// Rename renames an item.
func (s *Store) Rename(ctx context.Context, id int64, name string) error {
	_, err := s.exec(ctx, "UPDATE {{.Table}} SET name = $2 WHERE id = $1", id, name)
	return err
}

// Delete deletes an item.
func (s *Store) Delete(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, "DELETE FROM {{.Table}} WHERE id = $1", id)
	return err
}

// Count counts items with pgx.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM {{.Table}}").Scan(&n)
	return n, err
}

// Touch updates the timestamp with pgx.
func (s *Store) Touch(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, "UPDATE {{.Table}} SET created_at = now() WHERE id = $1", id)
	return err
}

// WithOther joins with the previous domain's table.
func (s *Store) WithOther(ctx context.Context, id int64) ([]Item, error) {
	var out []Item
	q := "SELECT a.id, a.name, a.qty FROM {{.Table}} a"
	q += " JOIN {{.Other}} b ON b.id = a.id"
	q += " WHERE a.id = $1"
	err := s.db.SelectContext(ctx, &out, q, id)
	return out, err
}

// Move moves quantity between two items in one transaction.
func (s *Store) Move(ctx context.Context, from, to int64, qty int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := adjust(ctx, tx, from, -qty); err != nil {
		return err
	}
	if err := adjust(ctx, tx, to, qty); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO {{.Table}}_log (item_id, delta) VALUES ($1, $2)", from, -qty); err != nil {
		return err
	}
	return tx.Commit()
}

func adjust(ctx context.Context, tx *sql.Tx, id int64, delta int) error {
	_, err := tx.ExecContext(ctx, "UPDATE {{.Table}} SET qty = qty + $2 WHERE id = $1", id, delta)
	return err
}

// Upsert inserts or updates an item.
func (s *Store) Upsert(ctx context.Context, it Item) error {
	_, err := s.db.NamedExecContext(ctx, ` + "`" + `INSERT INTO {{.Table}} (id, name, qty) VALUES (:id, :name, :qty) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name` + "`" + `, it)
	return err
}
`))

var serviceTmpl = template.Must(template.New("service").Parse(`// Package service holds the logic of domain {{.Name}}.
package service

import (
	"context"
	"errors"

	"{{.Module}}/internal/{{.Name}}/store"
{{- if .Prev}}
	prev "{{.Module}}/internal/{{.Prev}}/service"
{{- end}}
)

// Service is the business logic of {{.Name}}.
type Service struct {
	st *store.Store
{{- if .Prev}}
	prev *prev.Service
{{- end}}
}

// New returns a Service.
func New(st *store.Store{{if .Prev}}, p *prev.Service{{end}}) *Service {
	return &Service{st: st{{if .Prev}}, prev: p{{end}}}
}

// Get returns an item, checking the previous domain first.
func (s *Service) Get(ctx context.Context, id int64) (store.Item, error) {
	if id <= 0 {
		return store.Item{}, errors.New("bad id")
	}
{{- if .Prev}}
	if _, err := s.prev.Count(ctx); err != nil {
		return store.Item{}, err
	}
{{- end}}
	return s.st.Get(ctx, id)
}

// List returns items.
func (s *Service) List(ctx context.Context) ([]store.Item, error) { return s.st.List(ctx, 50) }

// Count counts items.
func (s *Service) Count(ctx context.Context) (int, error) { return s.st.Count(ctx) }

// Move moves stock.
func (s *Service) Move(ctx context.Context, from, to int64, qty int) error {
	if qty <= 0 {
		return errors.New("bad qty")
	}
	return s.st.Move(ctx, from, to, qty)
}

// Rename renames an item.
func (s *Service) Rename(ctx context.Context, id int64, name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	if err := s.st.Rename(ctx, id, name); err != nil {
		return err
	}
	return s.st.Touch(ctx, id)
}
`))

var handlerTmpl = template.Must(template.New("handler").Parse(`// Package handler serves domain {{.Name}} over HTTP.
package handler

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"{{.Module}}/internal/{{.Name}}/service"
)

// Handler serves {{.Name}}.
type Handler struct{ svc *service.Service }

// New returns a Handler.
func New(svc *service.Service) *Handler { return &Handler{svc: svc} }

// Routes mounts the routes of {{.Name}}.
func (h *Handler) Routes(r chi.Router) {
	r.Route("/api/{{.Name}}", func(r chi.Router) {
		r.Get("/", h.list)
		r.Get("/{id}", h.get)
		r.Post("/move", h.move)
		r.Put("/{id}/name", h.rename)
	})
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	items, err := h.svc.List(r.Context())
	write(w, items, err)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	it, err := h.svc.Get(r.Context(), id)
	write(w, it, err)
}

func (h *Handler) move(w http.ResponseWriter, r *http.Request) {
	var in struct{ From, To int64; Qty int }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		write(w, nil, err)
		return
	}
	write(w, nil, h.svc.Move(r.Context(), in.From, in.To, in.Qty))
}

func (h *Handler) rename(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	write(w, nil, h.svc.Rename(r.Context(), id, r.URL.Query().Get("name")))
}

func write(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}
`))

var migrationTmpl = template.Must(template.New("migration").Parse(`CREATE TABLE {{.Table}} (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    qty int NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {{.Table}}_log (
    id bigserial PRIMARY KEY,
    item_id bigint NOT NULL REFERENCES {{.Table}} (id),
    delta int NOT NULL
);
`))

var mainTmpl = template.Must(template.New("main").Parse(`// Command app wires every domain of the generated monolith.
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
{{range .Domains}}
	{{.Name}}h "{{.Module}}/internal/{{.Name}}/handler"
	{{.Name}}s "{{.Module}}/internal/{{.Name}}/service"
	{{.Name}}st "{{.Module}}/internal/{{.Name}}/store"
{{- end}}
)

func main() {
	db, err := sqlx.Open("pgx", os.Getenv("DSN"))
	if err != nil {
		log.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), os.Getenv("DSN"))
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
{{- range $i, $d := .Domains}}
	svc{{$d.Name}} := {{$d.Name}}s.New({{$d.Name}}st.New(db, pool){{if $d.Prev}}, svc{{$d.Prev}}{{end}})
	{{$d.Name}}h.New(svc{{$d.Name}}).Routes(r)
{{- end}}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", r))
}
`))
