package dbsplit

import (
	"regexp"
	"sort"

	"context"
	"github.com/google/go-cmp/cmp"
	"github.com/jmoiron/sqlx"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer/facts"
)

// TestPlanAppliesToFixtures builds the plan of each fixture under its truth and applies it,
// with the transition views and without them, to a database holding the fixture's schema;
// then checks with the live catalog that every table is in its service's schema.
func TestPlanAppliesToFixtures(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		dialect facts.Dialect
	}{
		{"shop", "postgres"},
		{"ledger", "mysql"},
	} {
		for _, skip := range []bool{false, true} {
			name := tc.fixture + "/views"
			if skip {
				name = tc.fixture + "/no-views"
			}
			t.Run(name, func(t *testing.T) {
				res := analyzeTruth(t, tc.fixture)
				dsn, live := openFixture(t, tc.dialect, fixtureDir(tc.fixture))
				ctx := context.Background()
				db, _, err := Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				p, err := Build(res, Options{Database: live.Database, RolePrefix: "t" + randomHex(4) + "_", SchemaPrefix: prefixFor(tc.dialect, live.Database)})
				if err != nil {
					t.Fatalf("Build: %v", err)
				}
				defer dropRoles(t, db, p)
				if tc.dialect == "mysql" {
					defer dropDatabases(t, db, p)
				}
				if err := p.Apply(ctx, db, ApplyOptions{SkipViews: skip}); err != nil {
					t.Fatalf("Apply: %v", err)
				}
				for _, sp := range p.Services {
					for _, mv := range sp.Tables {
						if !tableIn(t, db, tc.dialect, sp.Schema, mv.Table) {
							t.Errorf("table %s of %s not found in %s after Apply", mv.Table, sp.Name, sp.Schema)
						}
					}
				}
				// Each role reaches exactly its own tables and outbox (+ its views with SELECT).
				for _, sp := range p.Services {
					want := map[string]bool{}
					for _, mv := range sp.Tables {
						want[plain(mv.To)] = true
					}
					for _, ob := range p.Outboxes {
						if ob.Service == sp.Name {
							want[plain(ob.Table)] = true
						}
					}
					if !skip {
						for _, v := range p.Views {
							if v.Reader == sp.Name {
								want[plain(v.View)] = true
							}
						}
					}
					got := reachable(t, db, tc.dialect, sp.Role)
					if diff := cmp.Diff(sortedKeys(want), got); diff != "" {
						t.Errorf("role %s reaches (-want +got):\n%s", sp.Role, diff)
					}
				}
				if !skip && len(p.Views) == 0 {
					t.Errorf("plan has no transition views; the fixture has foreign reads")
				}
				if len(p.Steps) < len(p.Services)+1 {
					t.Errorf("plan has %d steps for %d services", len(p.Steps), len(p.Services))
				}
				var fkStep bool
				for _, s := range p.Steps {
					if s.Kind == StepDropFKs {
						fkStep = true
						if !strings.Contains(s.SQL, "DESTRUCTIVE") {
							t.Errorf("drop-fks step is not marked destructive")
						}
					}
				}
				if !fkStep {
					t.Errorf("no drop-fks step; the fixture has cross-service foreign keys")
				}
			})
		}
	}
}

// prefixFor returns the schema prefix tests use: MySQL databases are server-wide, so they
// carry the scratch database's name.
func prefixFor(d facts.Dialect, db string) string {
	if d == "mysql" {
		return db + "_"
	}
	return ""
}

func dropRoles(t *testing.T, db interface{}, p *Plan) {
	t.Helper()
	if err := dropPlanRoles(context.Background(), db.(*sqlx.DB), p); err != nil {
		t.Errorf("drop roles: %v", err)
	}
}

func dropDatabases(t *testing.T, db interface{}, p *Plan) {
	t.Helper()
	if err := dropPlanDatabases(context.Background(), db.(*sqlx.DB), p); err != nil {
		t.Errorf("drop databases: %v", err)
	}
}

// tableIn reports whether table (analysis name) exists in schema/database sch.
func tableIn(t *testing.T, db *sqlx.DB, d facts.Dialect, sch, table string) bool {
	t.Helper()
	base := table
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		base = table[i+1:]
	}
	var n int
	q := "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2"
	if d == "mysql" {
		q = "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
	}
	if err := db.GetContext(context.Background(), &n, q, sch, base); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// reachable lists the tables and views role has any privilege on ("schema.name"), from the
// server's own privilege checks (PostgreSQL) or its grants (MySQL).
func reachable(t *testing.T, db *sqlx.DB, d facts.Dialect, role string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if d == "postgres" {
		err := db.SelectContext(ctx, &out, `
SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
ORDER BY 1`, role)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	rows, err := db.QueryxContext(ctx, "SHOW GRANTS FOR "+myIdent(role))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	on := regexp.MustCompile("ON `([^`]+)`\\.`([^`]+)`")
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			t.Fatal(err)
		}
		if m := on.FindStringSubmatch(g); m != nil {
			out = append(out, m[1]+"."+m[2])
		}
	}
	sort.Strings(out)
	return out
}
