package store

import (
	"context"
	"database/sql"
)

// NamedQueries is loaded from queries/reports.sql at start-up.
type NamedQueries map[string]string

// Lookup returns a named query.
func (n NamedQueries) Lookup(name string) (string, error) { return n[name], nil }

func SqlcTx(ctx context.Context, db *sql.DB, q *Queries) error {
	tx, err := db.BeginTx(ctx, nil) // want tx items:delete
	if err != nil {
		return err
	}
	if err := q.WithTx(tx).DeleteItem(ctx, 1); err != nil {
		return err
	}
	qtx := q.WithTx(tx)
	if err := qtx.DeleteItem(ctx, 2); err != nil {
		return err
	}
	return tx.Commit()
}

func Report(ctx context.Context, db *sql.DB, n NamedQueries) error {
	q, err := n.Lookup("top_users")
	if err != nil {
		return err
	}
	_, err = db.QueryContext(ctx, q) // recorded at queries/reports.sql
	return err
}
