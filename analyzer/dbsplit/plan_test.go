package dbsplit

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is a small analysis: three services, one table in its own PostgreSQL schema, a
// cross-service foreign key and one inside a service, a function spanning two services, a
// foreign read, a foreign write and an unowned table.
func sample(d facts.Dialect) *analyzer.Result {
	pay := "billing.payments"
	if d == "mysql" {
		pay = "payments"
	}
	res := &analyzer.Result{SchemaVersion: facts.SchemaVersion}
	res.Dialect = d
	res.Tables = []facts.Table{
		{Name: pay, Source: "migration", Rows: 2_000_000, Bytes: 3 << 30},
		{Name: "audit_log", Source: "migration"},
		{Name: "order_items", Source: "migration", Rows: 40, Bytes: 16384},
		{Name: "orders", Source: "migration", Rows: 10, Bytes: 8192},
		{Name: "users", Source: "migration", Rows: 3, Bytes: 8192},
	}
	res.ForeignKeys = []facts.ForeignKey{
		{Table: "order_items", Columns: []string{"order_id"}, RefTable: "orders", RefColumns: []string{"id"}, Pos: facts.Pos{File: "migrations/002.sql", Line: 9}},
		{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, Pos: facts.Pos{File: "migrations/002.sql", Line: 3}},
		{Table: pay, Columns: []string{"order_id"}, RefTable: "orders", RefColumns: []string{"id"}, Pos: facts.Pos{File: "migrations/003.sql", Line: 4}},
	}
	res.Routines = []facts.Routine{{Name: "settle", Kind: "function", Pos: facts.Pos{File: "migrations/004.sql", Line: 1},
		Tables: []facts.TableAccess{{Name: "orders", Access: facts.Update}, {Name: pay, Access: facts.Update}}}}
	res.SQL = []facts.SQL{
		{Pos: facts.Pos{File: "store/orders.go", Line: 10}, Unit: "store.Orders", Text: "SELECT o.id, u.name FROM orders o JOIN users u ON u.id = o.user_id", Kind: "select", Status: facts.Parsed,
			Tables: []facts.TableAccess{{Name: "orders", Access: facts.Read}, {Name: "users", Access: facts.Read}}},
		{Pos: facts.Pos{File: "store/payments.go", Line: 20}, Unit: "store.Pay", Text: "UPDATE orders SET status = 'paid' WHERE id = $1", Kind: "update", Status: facts.Parsed,
			Tables: []facts.TableAccess{{Name: "orders", Access: facts.Update}}},
	}
	res.Proposal = &decompose.Proposal{
		Source: "carve.yaml",
		Services: []decompose.Service{
			{Name: "identity", Units: []facts.UnitID{"store.Users"}, Tables: []string{"users"}},
			{Name: "orders", Units: []facts.UnitID{"store.Orders"}, Tables: []string{"order_items", "orders"}, Reads: []string{"users"}},
			{Name: "payments", Units: []facts.UnitID{"store.Pay"}, Tables: []string{pay}, Writes: []string{"orders"}},
			{Name: "search", Units: []facts.UnitID{"search.Index"}},
		},
		Ownership: []decompose.Ownership{
			{Table: "audit_log"},
			{Table: pay, Owner: "payments", Class: decompose.Owned},
			{Table: "order_items", Owner: "orders", Class: decompose.Owned},
			{Table: "orders", Owner: "orders", Class: decompose.SharedWrite, Writers: []string{"payments"}},
			{Table: "users", Owner: "identity", Class: decompose.SharedRead, Readers: []string{"orders"}},
		},
		Plan: []decompose.Step{{Order: 1, Service: "identity"}, {Order: 2, Service: "payments"}, {Order: 3, Service: "orders"}},
	}
	return res
}

// render flattens a plan into one text: every step file, then PLAN.md.
func render(t *testing.T, p *Plan) string {
	t.Helper()
	var sb strings.Builder
	for _, s := range p.Steps {
		fmt.Fprintf(&sb, "==> %s [%s %s]\n%s\n", s.File, s.Kind, s.Service, s.SQL)
	}
	var md bytes.Buffer
	if err := p.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	sb.WriteString("==> PLAN.md\n" + md.String())
	return sb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestBuildGolden(t *testing.T) {
	live := &Schema{
		Tables:   []Table{{Name: "orders", ForeignKeys: []ForeignKey{{Name: "orders_user_fk", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}}}}},
		Triggers: []Trigger{{Name: "orders_audit", Table: "orders", Timing: "AFTER", Events: "INSERT"}},
	}
	for _, tc := range []struct {
		golden string
		d      facts.Dialect
		opts   Options
	}{
		{"plan_postgres.golden", "postgres", Options{}},
		{"plan_mysql.golden", "mysql", Options{Database: "shop"}},
		{"plan_postgres_live.golden", "postgres", Options{Live: live, RolePrefix: "app_"}},
		{"plan_mysql_live.golden", "mysql", Options{Database: "shop", Live: live, SchemaPrefix: "shop_"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			p, err := Build(sample(tc.d), tc.opts)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := render(t, p)
			golden(t, tc.golden, got)
			again, _ := Build(sample(tc.d), tc.opts)
			if render(t, again) != got {
				t.Errorf("Build is not deterministic")
			}
		})
	}
}

// TestBuildContents checks the plan's structure independently of the goldens.
func TestBuildContents(t *testing.T) {
	p, err := Build(sample("postgres"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range p.Services {
		order = append(order, s.Name+"@"+s.Schema)
	}
	if diff := cmp.Diff([]string{"identity@identity", "payments@billing", "orders@orders", "search@search"}, order); diff != "" {
		t.Errorf("services (order@schema) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]TransitionView{{Reader: "orders", Owner: "identity", Table: "users", View: "orders.users"}}, p.Views); diff != "" {
		t.Errorf("views mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Outbox{{Service: "identity", Table: "identity.outbox", ReadBy: []string{"orders"}}}, p.Outboxes); diff != "" {
		t.Errorf("outboxes mismatch (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, b := range p.Blockers {
		kinds = append(kinds, b.Kind+":"+b.Name)
	}
	want := []string{"function:settle", "foreign-key:billing.payments(order_id) -> orders(id)", "foreign-key:orders(user_id) -> users(id)"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("blockers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"audit_log"}, p.Unowned); diff != "" {
		t.Errorf("unowned mismatch (-want +got):\n%s", diff)
	}
	for _, s := range p.Steps {
		if s.Kind == StepDropFKs && strings.Contains(s.SQL, "order_items") {
			t.Errorf("drop-fks step drops a foreign key inside one service:\n%s", s.SQL)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := Build(&analyzer.Result{}, Options{}); err == nil || !strings.Contains(err.Error(), "no proposal") {
		t.Errorf("Build(no proposal) error = %v, want one saying there is no proposal", err)
	}
	if _, err := Build(sample("mysql"), Options{}); err == nil || !strings.Contains(err.Error(), "database") {
		t.Errorf("Build(mysql, no database) error = %v, want one asking for the database", err)
	}
	if _, err := Build(sample("postgres"), Options{Dialect: "oracle"}); err == nil {
		t.Errorf("Build(dialect oracle) succeeded, want an error")
	}
}

func TestPlanWrite(t *testing.T) {
	p, err := Build(sample("postgres"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "099_stale.sql"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Write(dir); err != nil {
		t.Fatalf("Write: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var want []string
	for _, s := range p.Steps {
		want = append(want, s.File)
	}
	want = append(want, "PLAN.md")
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
}

// TestBuildViewNamesUnique: a reader of two tables with the same base name, and of a table
// named like one of its own, gets distinct view names.
func TestBuildViewNamesUnique(t *testing.T) {
	res := &analyzer.Result{}
	res.Dialect = "postgres"
	res.Tables = []facts.Table{{Name: "items"}, {Name: "x.items"}, {Name: "notes"}, {Name: "c.notes"}}
	res.Proposal = &decompose.Proposal{
		Services: []decompose.Service{
			{Name: "a", Tables: []string{"x.items"}},
			{Name: "b", Tables: []string{"items", "notes"}},
			{Name: "c", Tables: []string{"c.notes"}, Reads: []string{"items", "x.items", "notes"}},
		},
	}
	p, err := Build(res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range p.Views {
		got = append(got, v.Table+"="+v.View)
	}
	want := []string{"items=c.items", "notes=c.b_notes", "x.items=c.a_items"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("views mismatch (-want +got):\n%s", diff)
	}
}
