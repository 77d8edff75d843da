// Package store holds every domain's SQL: one file per domain, all on one Store. It talks to
// PostgreSQL through database/sql (with sqlx on top), through a pgx pool for the hot paths, and
// through the sqlc-generated package sqlcdb for identity.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/store/sqlcdb"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
)

// Store is the shop's single data-access object.
type Store struct {
	db   *sqlx.DB
	pool *pgxpool.Pool
	q    *sqlcdb.Queries
}

// Open connects to the PostgreSQL database at dsn.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open pool: %w", err)
	}
	return &Store{db: db, pool: pool, q: sqlcdb.New(db)}, nil
}

// DB returns the database/sql handle, for services that run transactions.
func (s *Store) DB() *sql.DB { return s.db.DB }

// DBx returns the sqlx handle, for services that run sqlx transactions.
func (s *Store) DBx() *sqlx.DB { return s.db }

// Ping checks the connection.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes both connection pools.
func (s *Store) Close() {
	s.pool.Close()
	s.db.Close()
}

// exec runs one statement and returns the number of rows it touched. The statement is
// attributed to the caller that supplies q.
func (s *Store) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// execTx is exec on a transaction.
func execTx(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// notFound turns sql.ErrNoRows into httpx.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return httpx.ErrNotFound
	}
	return err
}
