package dbsplit

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
	"github.com/carve-go/carve/internal/fixtures"
)

// migrationsOf returns dir/migrations/*.sql sorted.
func migrationsOf(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations in %s: %v", dir, err)
	}
	sort.Strings(files)
	return files
}

// declared parses migration files with sqlparse: table names and foreign keys
// ("table(cols)->ref").
func declared(t *testing.T, files []string, d facts.Dialect) (tables, fks []string) {
	t.Helper()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := sqlparse.ParseSchema(string(src), sqlparse.Dialect(d))
		for _, tb := range s.Tables {
			if len(tb.PrimaryKey) > 0 || len(tb.Columns) > 1 { // a CREATE, not a partial ALTER
				tables = append(tables, tb.Name)
			}
		}
		for _, fk := range s.ForeignKeys {
			fks = append(fks, fk.Table+"("+strings.Join(fk.Columns, ",")+")->"+fk.RefTable)
		}
	}
	sort.Strings(tables)
	sort.Strings(fks)
	return tables, fks
}

func liveLists(s *Schema) (tables, fks []string) {
	for _, tb := range s.Tables {
		tables = append(tables, tb.Name)
		for _, fk := range tb.ForeignKeys {
			fks = append(fks, tb.Name+"("+strings.Join(fk.Columns, ",")+")->"+fk.RefTable)
		}
	}
	sort.Strings(tables)
	sort.Strings(fks)
	return tables, fks
}

// openFixture creates a scratch database on the test server, applies the fixture's
// migrations and returns an open handle.
func openFixture(t *testing.T, dialect facts.Dialect, dir string) (string, *Schema) {
	t.Helper()
	var dsn string
	if dialect == "postgres" {
		dsn = fixtures.Postgres(t)
	} else {
		dsn = fixtures.MySQL(t)
	}
	ctx := context.Background()
	db, d, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if d != dialect {
		t.Fatalf("Open dialect = %s, want %s", d, dialect)
	}
	if err := ApplyFiles(ctx, db, d, migrationsOf(t, dir)); err != nil {
		t.Fatalf("ApplyFiles: %v", err)
	}
	s, err := Introspect(ctx, db, d)
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	return dsn, s
}

func TestIntrospectMatchesMigrations(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dialect facts.Dialect
		dir     string
		routine string
		touches string
	}{
		{"shop-postgres", "postgres", fixtures.ShopDir(), "reserve_sale_item", "inventory"},
		{"ledger-mysql", "mysql", fixtures.LedgerDir(), "close_period", "report_runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, live := openFixture(t, tc.dialect, tc.dir)
			wantT, wantFK := declared(t, migrationsOf(t, tc.dir), tc.dialect)
			gotT, gotFK := liveLists(live)
			if diff := cmp.Diff(wantT, gotT); diff != "" {
				t.Errorf("tables mismatch (-migrations +live):\n%s", diff)
			}
			if diff := cmp.Diff(wantFK, gotFK); diff != "" {
				t.Errorf("foreign keys mismatch (-migrations +live):\n%s", diff)
			}
			var found bool
			for _, r := range live.Routines {
				if r.Name == tc.routine {
					found = true
					var names []string
					for _, ta := range r.Tables {
						names = append(names, ta.Name)
					}
					if !strings.Contains(strings.Join(names, " "), tc.touches) {
						t.Errorf("routine %s touches %v, want %s among them", r.Name, names, tc.touches)
					}
				}
			}
			if !found {
				t.Errorf("routine %s not introspected (got %+v)", tc.routine, live.Routines)
			}
			for _, tb := range live.Tables {
				if len(tb.Columns) == 0 || len(tb.PrimaryKey) == 0 {
					t.Errorf("table %s: columns %v, primary key %v: want both", tb.Name, tb.Columns, tb.PrimaryKey)
				}
				if tb.Bytes <= 0 {
					t.Errorf("table %s: bytes = %d, want > 0", tb.Name, tb.Bytes)
				}
			}
		})
	}
}
