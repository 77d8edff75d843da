package dbsplit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// randomHex returns 2n random hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("dbsplit: crypto/rand: " + err.Error()) // never happens on supported platforms
	}
	return hex.EncodeToString(b)
}

// dropPlanRoles drops the roles a plan created. db must be connected to the database the
// plan was applied to (PostgreSQL: DROP OWNED BY revokes the roles' privileges there first).
func dropPlanRoles(ctx context.Context, db *sqlx.DB, p *Plan) error {
	var errs []error
	for _, s := range p.Services {
		if p.Dialect == "postgres" {
			var exists bool
			if err := db.GetContext(ctx, &exists, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", s.Role); err != nil {
				errs = append(errs, err)
				continue
			}
			if !exists {
				continue
			}
			if _, err := db.ExecContext(ctx, "DROP OWNED BY "+pgIdent(s.Role)); err != nil {
				errs = append(errs, err)
			}
			if _, err := db.ExecContext(ctx, "DROP ROLE IF EXISTS "+pgIdent(s.Role)); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if _, err := db.ExecContext(ctx, "DROP ROLE IF EXISTS "+myIdent(s.Role)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// dropPlanDatabases drops the per-service databases of a MySQL plan.
func dropPlanDatabases(ctx context.Context, db *sqlx.DB, p *Plan) error {
	if p.Dialect != "mysql" {
		return nil
	}
	var errs []error
	for _, s := range p.Services {
		if s.Schema == p.Database {
			continue
		}
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+myIdent(s.Schema)); err != nil {
			errs = append(errs, fmt.Errorf("drop database %s: %v", s.Schema, err))
		}
	}
	return errors.Join(errs...)
}
