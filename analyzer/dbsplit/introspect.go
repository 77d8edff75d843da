package dbsplit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
)

// Introspect reads the catalog of the database db is connected to: tables with columns,
// primary and foreign keys, row estimates and sizes; views and the tables they read; stored
// functions and procedures and the tables their bodies touch; triggers. Dialect d is
// "postgres" (every schema but the system ones) or "mysql" (the connected database).
func Introspect(ctx context.Context, db *sqlx.DB, d facts.Dialect) (*Schema, error) {
	var (
		s   *Schema
		err error
	)
	switch d {
	case "postgres":
		s, err = introspectPostgres(ctx, db)
	case "mysql":
		s, err = introspectMySQL(ctx, db)
	default:
		return nil, fmt.Errorf("introspect: dialect %q: want postgres or mysql", d)
	}
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	s.Dialect = d
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	for i := range s.Tables {
		fks := s.Tables[i].ForeignKeys
		sort.Slice(fks, func(a, b int) bool { return fks[a].Name < fks[b].Name })
	}
	sort.Slice(s.Views, func(i, j int) bool { return s.Views[i].Name < s.Views[j].Name })
	sort.Slice(s.Routines, func(i, j int) bool {
		if s.Routines[i].Name != s.Routines[j].Name {
			return s.Routines[i].Name < s.Routines[j].Name
		}
		return s.Routines[i].Kind < s.Routines[j].Kind
	})
	sort.Slice(s.Triggers, func(i, j int) bool {
		if s.Triggers[i].Table != s.Triggers[j].Table {
			return s.Triggers[i].Table < s.Triggers[j].Table
		}
		return s.Triggers[i].Name < s.Triggers[j].Name
	})
	return s, nil
}

// queryRows runs q and calls scan for each row.
func queryRows(ctx context.Context, db *sqlx.DB, what, q string, scan func(*sqlx.Rows) error, args ...any) error {
	rows, err := db.QueryxContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %v", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

// splitList splits a comma-joined catalog list ("" gives nil).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// readTables returns the tables a statement reads (a view definition).
func readTables(def string, d facts.Dialect, stripPrefix string) []string {
	st := sqlparse.Parse(def, sqlparse.Dialect(d))
	seen := map[string]bool{}
	var out []string
	for _, t := range st.Tables {
		n := strings.TrimPrefix(t.Table, stripPrefix)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// bodyTables parses a CREATE FUNCTION/PROCEDURE/TRIGGER text and returns the tables its body
// touches, with the status of the reading.
func bodyTables(create string, d facts.Dialect, stripPrefix string) ([]facts.TableAccess, string, string) {
	sch, errs := sqlparse.ParseSchema(create, sqlparse.Dialect(d))
	if len(sch.Routines) == 0 {
		reason := "body not understood"
		if len(errs) > 0 {
			reason = errs[0].Error()
		}
		return nil, string(facts.Unresolved), reason
	}
	var out []facts.TableAccess
	for _, r := range sch.Routines {
		for _, t := range r.Tables {
			out = append(out, facts.TableAccess{Name: strings.TrimPrefix(t.Table, stripPrefix), Access: facts.Access(t.Access)})
		}
	}
	status, reason := string(facts.Parsed), ""
	if len(errs) > 0 {
		status, reason = string(facts.Recovered), errs[0].Error()
	}
	return sortAccess(out), status, reason
}
