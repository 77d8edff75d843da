package dbsplit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
)

// ApplyScript runs a SQL script on db. PostgreSQL gets the whole script at once (the simple
// protocol accepts several statements and dollar-quoted bodies); MySQL gets it statement by
// statement, split with sqlparse.SplitStatements (BEGIN ... END bodies and DELIMITER lines
// respected). name is used in errors ("name:line: error").
func ApplyScript(ctx context.Context, db *sqlx.DB, d facts.Dialect, name, src string) error {
	if d == "postgres" {
		if _, err := db.ExecContext(ctx, src); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		return nil
	}
	for _, c := range sqlparse.SplitStatements(src) {
		if strings.TrimSpace(c.SQL) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, c.SQL); err != nil {
			return fmt.Errorf("%s:%d: %v", name, c.Line, err)
		}
	}
	return nil
}

// MigrationFiles returns the schema files an analysis learnt the tables, foreign keys and
// routines from (Tables with Source "migration", ForeignKeys, Routines), as paths under root
// (the analysed module's root), sorted by base name then path so numbered migrations apply
// in order. Other .sql files in the same directories are included; golang-migrate's
// *.down.sql files are not.
func MigrationFiles(res *analyzer.Result, root string) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	add := func(p facts.Pos) {
		if p.File == "" || seen[p.File] {
			return
		}
		seen[p.File] = true
		files = append(files, p.File)
	}
	for _, t := range res.Tables {
		if t.Source == "migration" {
			add(t.Pos)
		}
	}
	for _, fk := range res.ForeignKeys {
		add(fk.Pos)
	}
	for _, r := range res.Routines {
		add(r.Pos)
	}
	// Migration directories often hold files that declare no table (seed-free ALTERs,
	// indexes): take every .sql file next to the ones found.
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f)] = true
	}
	for d := range dirs {
		more, err := filepath.Glob(filepath.Join(root, d, "*.sql"))
		if err != nil {
			return nil, err
		}
		for _, m := range more {
			if strings.HasSuffix(m, ".down.sql") { // golang-migrate: the reverse migration
				continue
			}
			rel, err := filepath.Rel(root, m)
			if err == nil && !seen[filepath.ToSlash(rel)] {
				seen[filepath.ToSlash(rel)] = true
				files = append(files, filepath.ToSlash(rel))
			}
		}
	}
	sort.Slice(files, func(i, j int) bool {
		bi, bj := filepath.Base(files[i]), filepath.Base(files[j])
		if bi != bj {
			return bi < bj
		}
		return files[i] < files[j]
	})
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Join(root, filepath.FromSlash(f))
		if _, err := os.Stat(out[i]); err != nil {
			return nil, fmt.Errorf("migration file %s (from the analysis): %v; pass the module root the analysis was made in", f, err)
		}
	}
	return out, nil
}

// downMarker starts the "down" half of a migration file (goose, sql-migrate, dbmate).
var downMarker = regexp.MustCompile(`(?im)^[ \t]*--[ \t]*(?:\+goose[ \t]+down|\+migrate[ \t]+down|migrate:down)\b`)

// UpPart returns the part of a migration file that migrates up: everything before a goose
// ("-- +goose Down"), sql-migrate ("-- +migrate Down") or dbmate ("-- migrate:down") marker,
// or the whole file.
func UpPart(src string) string {
	if loc := downMarker.FindStringIndex(src); loc != nil {
		return src[:loc[0]]
	}
	return src
}

// ApplyFiles runs the up part (UpPart) of each SQL file on db in the order given
// (ApplyScript).
func ApplyFiles(ctx context.Context, db *sqlx.DB, d facts.Dialect, files []string) error {
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := ApplyScript(ctx, db, d, f, UpPart(string(src))); err != nil {
			return err
		}
	}
	return nil
}
