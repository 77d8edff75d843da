// Package store exercises every SQL style sqlscan understands. Markers are checked by
// sqlscan's tests.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

const cols = "id, name"

const qUser = "SELECT " + cols + " FROM users WHERE id = $1"

var qOrders = `SELECT id FROM orders WHERE user_id = $1`

type Store struct {
	db   *sqlx.DB
	pool *pgxpool.Pool
}

func (s *Store) User(ctx context.Context, id int64) error {
	var u struct{}
	return s.db.GetContext(ctx, &u, qUser, id) // want sql users:read
}

func (s *Store) Orders(ctx context.Context, id int64) error {
	_, err := s.db.QueryContext(ctx, qOrders, id) // want sql orders:read
	return err
}

func (s *Store) Sprintf(ctx context.Context, schema string) error {
	_, err := s.db.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE id = %d", "carts", 3)) // want sql carts:delete
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s.carts", schema)) // want sql unresolved
	return err
}

func (s *Store) Straight(ctx context.Context) error {
	q := "SELECT id FROM items"
	q += " WHERE id > 0"
	q = s.db.Rebind(q)
	_, err := s.db.QueryxContext(ctx, q) // want sql items:read
	return err
}

func (s *Store) Conditional(ctx context.Context, all bool) error {
	q := "SELECT id FROM items"
	if !all {
		q = "SELECT id FROM other_items"
	}
	_, err := s.db.QueryxContext(ctx, q) // want sql unresolved
	return err
}

func (s *Store) Join(ctx context.Context) error {
	q := strings.Join([]string{"UPDATE items", "SET n = n + 1"}, " ")
	s.db.MustExecContext(ctx, q) // want sql items:update
	return nil
}

func (s *Store) In(ctx context.Context, ids []int64) error {
	q, args, err := sqlx.In("SELECT id FROM items WHERE id IN (?)", ids)
	if err != nil {
		return err
	}
	var out []int64
	return s.db.SelectContext(ctx, &out, s.db.Rebind(q), args...) // want sql items:read
}

func (s *Store) Prepare(ctx context.Context) error {
	st, err := s.db.PrepareContext(ctx, "INSERT INTO items (n) VALUES ($1)") // want sql items:insert
	if err != nil {
		return err
	}
	_, err = st.Exec(1)
	return err
}

// exec is a wrapper: its callers' constants are the statements.
func (s *Store) exec(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// execWhere is a wrapper of a wrapper that adds text.
func (s *Store) execWhere(ctx context.Context, q string) error {
	return s.exec(ctx, q+" WHERE id = $1", 1)
}

func (s *Store) UseWrappers(ctx context.Context) error {
	if err := s.exec(ctx, "DELETE FROM items"); err != nil { // want sql items:delete
		return err
	}
	return s.execWhere(ctx, "UPDATE users SET n = 0") // want sql users:update
}

// orphan is a wrapper nobody calls: its driver call is listed as unresolved.
func orphan(ctx context.Context, db *sql.DB, q string) error {
	_, err := db.ExecContext(ctx, q) // want sql unresolved
	return err
}

func (s *Store) Pgx(ctx context.Context) error {
	b := &pgx.Batch{}
	b.Queue("INSERT INTO events (k) VALUES ($1) ON CONFLICT (k) DO NOTHING", 1)                              // want sql events:upsert
	_, err := s.pool.CopyFrom(ctx, pgx.Identifier{"public", "events"}, []string{"k"}, pgx.CopyFromRows(nil)) // want sql events:insert
	return err
}

func (s *Store) Tx(ctx context.Context) error {
	tx, err := s.db.BeginTxx(ctx, nil) // want tx items:update users:read events:insert
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, "SELECT count(*) FROM users"); err != nil { // want sql users:read
		return err
	}
	if err := bump(ctx, tx.Tx); err != nil {
		return err
	}
	if err := execTx(ctx, tx, "INSERT INTO events (k) VALUES (1)"); err != nil { // want sql events:insert
		return err
	}
	return tx.Commit()
}

func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE items SET n = n + 1") // want sql items:update
	return err
}

func execTx(ctx context.Context, tx *sqlx.Tx, q string) error {
	_, err := tx.ExecContext(ctx, q)
	return err
}

func (s *Store) PgxTx(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx) // want tx events:delete
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "DELETE FROM events"); err != nil { // want sql events:delete
		return err
	}
	return tx.Commit(ctx)
}

func (s *Store) Squirrel(ctx context.Context, name string) error {
	q, args, err := sq.Select("o.id").From("orders o"). // want sql orders:read users:read
								Join("users u ON u.id = o.user_id").
								Where(sq.Eq{"u.name": name}).
								ToSql()
	if err != nil {
		return err
	}
	if _, err := s.db.QueryContext(ctx, q, args...); err != nil {
		return err
	}
	upd := sq.Update("users").Set("name", name)
	if name == "" {
		upd = upd.Set("n", 0)
	}
	_, err = upd.RunWith(s.db).ExecContext(ctx) // want sql users:update
	if err != nil {
		return err
	}
	_, err = sq.Insert("events").Columns("k").Values(1).Suffix("ON CONFLICT DO NOTHING").RunWith(s.db).ExecContext(ctx) // want sql events:upsert
	return err
}
