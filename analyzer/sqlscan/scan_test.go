package sqlscan

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/load"
)

var (
	miniOnce sync.Once
	miniRes  *Result
	miniErr  error
)

// scanMini loads and scans testdata/mini once per test binary.
func scanMini(t *testing.T) *Result {
	t.Helper()
	miniOnce.Do(func() {
		var prog *load.Program
		prog, miniErr = load.Load(context.Background(), load.Config{Dir: "testdata/mini"})
		if miniErr == nil {
			miniRes = Scan(prog, Options{})
		}
	})
	if miniErr != nil {
		t.Fatalf("load testdata/mini: %v", miniErr)
	}
	return miniRes
}

var wantRe = regexp.MustCompile(`(?://|--) want (sql|tx|fk) (.*)$`)

// markers returns "kind file:line" → sorted expectation of testdata/mini.
func markers(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		pending := ""
		for line := 1; sc.Scan(); line++ {
			if pending != "" {
				out["sql "+filepath.ToSlash(rel)+":"+itoa(line)] = pending
				pending = ""
			}
			m := wantRe.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			f := strings.Fields(m[2])
			if m[1] != "fk" {
				sort.Strings(f)
			}
			if strings.HasSuffix(path, ".sql") && m[1] == "sql" {
				pending = strings.Join(f, " ")
				continue
			}
			out[m[1]+" "+filepath.ToSlash(rel)+":"+itoa(line)] = strings.Join(f, " ")
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(n int) string { return facts.Pos{File: "x", Line: n}.String()[2:] }

func accessSet(ts []facts.TableAccess, calls []string, unresolved bool) string {
	if unresolved {
		return "unresolved"
	}
	var out []string
	for _, t := range ts {
		out = append(out, t.Name+":"+string(t.Access))
	}
	for _, c := range calls {
		out = append(out, "call:"+c)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestScanMini checks every marker of testdata/mini, and that nothing else is reported.
func TestScanMini(t *testing.T) { checkModule(t, "testdata/mini", scanMini(t)) }

// TestScanGorm checks the gorm module's markers.
func TestScanGorm(t *testing.T) {
	prog, err := load.Load(context.Background(), load.Config{Dir: "testdata/gormmod"})
	if err != nil {
		t.Fatalf("load testdata/gormmod: %v", err)
	}
	checkModule(t, "testdata/gormmod", Scan(prog, Options{}))
}

func checkModule(t *testing.T, root string, res *Result) {
	t.Helper()
	got := map[string]string{}
	for _, s := range res.SQL {
		if s.Kind == "ddl" {
			continue // DDL has no tables; checked in TestScanDetails
		}
		got["sql "+s.Pos.String()] = accessSet(s.Tables, s.Calls, s.Status == facts.Unresolved)
	}
	for _, tx := range res.Transactions {
		if len(tx.SQL) == 0 {
			continue // Migrate's transaction runs closures carve does not follow
		}
		got["tx "+tx.Pos.String()] = accessSet(tx.Tables, tx.Calls, false)
	}
	for _, fk := range res.ForeignKeys {
		got["fk "+fk.Pos.String()] = fk.Table + "." + strings.Join(fk.Columns, ",") + " -> " + fk.RefTable + "." + strings.Join(fk.RefColumns, ",")
	}
	if diff := cmp.Diff(markers(t, root), got); diff != "" {
		for _, s := range res.SQL {
			t.Logf("%s %s %s %q", s.Pos, s.Status, s.Reason, s.Text)
		}
		t.Errorf("Scan(%s) mismatch with markers (-want +got):\n%s", root, diff)
	}
}

// TestScanDetails checks the fields the markers do not cover.
func TestScanDetails(t *testing.T) {
	res := scanMini(t)
	byPos := map[string]facts.SQL{}
	for _, s := range res.SQL {
		byPos[s.Pos.String()] = s
	}
	tests := []struct {
		pos, via, unit, tx string
		status             facts.Status
		reason             string // substring
	}{
		{pos: "store/store.go:30", via: "sqlx", unit: "store.Store.User", status: facts.Parsed},
		{pos: "store/store.go:43", via: "sqlx", status: facts.Unresolved, reason: "fmt.Sprintf argument not constant"},
		{pos: "store/store.go:60", via: "sqlx", status: facts.Unresolved, reason: "assigned conditionally"},
		{pos: "store/store.go:103", via: "sqlx", unit: "store.Store.UseWrappers", status: facts.Parsed},
		{pos: "store/store.go:108", via: "database/sql", status: facts.Unresolved, reason: "no caller"},
		{pos: "store/store.go:115", via: "pgx", status: facts.Parsed},
		{pos: "store/store.go:126", via: "sqlx", tx: "tx3", status: facts.Parsed},
		{pos: "store/store.go:139", via: "database/sql", unit: "store.bump", tx: "tx3", status: facts.Parsed},
		{pos: "store/store.go:161", via: "squirrel", status: facts.Parsed},
		{pos: "store/dbtx.go:23", via: "sqlc", unit: "store.Queries.DeleteItem", tx: "tx2", status: facts.Parsed},
		{pos: "queries/reports.sql:4", via: "sqlfile", status: facts.Parsed},
		{pos: "store/migrate.go:9", via: "database/sql", unit: "store.migrations", status: facts.Parsed},
	}
	for _, tt := range tests {
		s, ok := byPos[tt.pos]
		if !ok {
			t.Errorf("no statement at %s", tt.pos)
			continue
		}
		if s.Via != tt.via || s.Status != tt.status || (tt.unit != "" && string(s.Unit) != tt.unit) || s.Tx != tt.tx || !strings.Contains(s.Reason, tt.reason) {
			t.Errorf("statement at %s = via %s unit %s tx %q status %s reason %q; want via %s unit %s tx %q status %s reason containing %q",
				tt.pos, s.Via, s.Unit, s.Tx, s.Status, s.Reason, tt.via, tt.unit, tt.tx, tt.status, tt.reason)
		}
	}
	if res.Dialect != "postgres" {
		t.Errorf("Dialect = %q, want postgres (pgx imported)", res.Dialect)
	}
	var tables []string
	for _, tb := range res.Tables {
		tables = append(tables, tb.Name)
	}
	if diff := cmp.Diff([]string{"audit", "carts", "events", "items", "orders", "users"}, tables); diff != "" {
		t.Errorf("schema tables mismatch (-want +got):\n%s", diff)
	}
}

// TestScanBun checks the bun module's markers.
func TestScanBun(t *testing.T) {
	prog, err := load.Load(context.Background(), load.Config{Dir: "testdata/bunmod"})
	if err != nil {
		t.Fatalf("load testdata/bunmod: %v", err)
	}
	checkModule(t, "testdata/bunmod", Scan(prog, Options{}))
}

// TestScanXorm checks the xorm module's markers.
func TestScanXorm(t *testing.T) {
	prog, err := load.Load(context.Background(), load.Config{Dir: "testdata/xormmod"})
	if err != nil {
		t.Fatalf("load testdata/xormmod: %v", err)
	}
	checkModule(t, "testdata/xormmod", Scan(prog, Options{}))
}

// TestScanTagged checks prepared statements filled from named queries by struct tag.
func TestScanTagged(t *testing.T) {
	prog, err := load.Load(context.Background(), load.Config{Dir: "testdata/tagmod"})
	if err != nil {
		t.Fatalf("load testdata/tagmod: %v", err)
	}
	res := Scan(prog, Options{})
	checkModule(t, "testdata/tagmod", res)
	for _, s := range res.SQL {
		if s.Pos.String() == "store/store.go:60" && !strings.Contains(s.Reason, "strings.ReplaceAll replacement not constant") {
			t.Errorf("statement at %s: reason %q, want the ReplaceAll replacement named", s.Pos, s.Reason)
		}
	}
}
