package boundary

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

func proposal(findings ...decompose.Finding) *decompose.Proposal {
	return &decompose.Proposal{Source: "carve.yaml", Findings: findings}
}

func write(file string, line int, table string) decompose.Finding {
	return decompose.Finding{Kind: decompose.ForeignWrite, Pos: facts.Pos{File: file, Line: line}, From: "orders", To: "inventory",
		FromUnit: "internal/store.Store.PlaceOrder", Tables: []string{table}, Detail: "orders writes " + table + " owned by inventory", Remedy: "call the inventory API"}
}

func TestViolationsKeys(t *testing.T) {
	p := proposal(
		write("internal/store/orders.go", 40, "stock"),
		decompose.Finding{Kind: decompose.CrossCall, Pos: facts.Pos{File: "internal/service/orders.go", Line: 12}, From: "orders", To: "catalog", FromUnit: "internal/service.Orders.Place", ToUnit: "internal/store.Store.Product"},
		decompose.Finding{Kind: decompose.CrossFK, Pos: facts.Pos{File: "migrations/001.sql", Line: 9}, From: "orders", To: "identity", Tables: []string{"orders", "users"}},
		decompose.Finding{Kind: decompose.Unowned, Pos: facts.Pos{File: "migrations/002.sql", Line: 3}, Tables: []string{"audit_log"}},
	)
	got := Violations(p)
	var keys []Key
	for _, v := range got {
		keys = append(keys, v.Key())
	}
	want := []Key{
		{Dependency, "internal/service.Orders.Place", "internal/store.Store.Product"},
		{ForeignWrite, "internal/store.Store.PlaceOrder", "stock"},
		{CrossFK, "orders", "users"},
		{Unowned, "", "audit_log"},
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("Violations keys mismatch (-want +got):\n%s", diff)
	}
}

func TestCheckBaselineRatchet(t *testing.T) {
	old := Violations(proposal(write("a.go", 10, "stock")))
	base := NewBaseline(old)

	// Same debt, moved lines: clean.
	moved := Violations(proposal(write("a.go", 25, "stock")))
	if r := Check(moved, base, Options{}); r.Failed(true) || r.Baselined != 1 {
		t.Errorf("moved debt: New=%v Stale=%v Baselined=%d; want clean with 1 baselined", r.New, r.Stale, r.Baselined)
	}
	// One more occurrence of the same key: the later one is new.
	more := Violations(proposal(write("a.go", 10, "stock"), write("a.go", 30, "stock")))
	r := Check(more, base, Options{})
	if len(r.New) != 1 || r.New[0].Pos.Line != 30 {
		t.Errorf("extra occurrence: New = %v, want the one at a.go:30", r.New)
	}
	// A new table: new.
	r = Check(Violations(proposal(write("a.go", 10, "stock"), write("a.go", 11, "reservations"))), base, Options{})
	if len(r.New) != 1 || r.New[0].To != "reservations" {
		t.Errorf("new table: New = %v, want reservations", r.New)
	}
	// Fixed debt: stale, fails only with strict.
	r = Check(nil, base, Options{})
	if len(r.Stale) != 1 || r.Failed(false) || !r.Failed(true) {
		t.Errorf("fixed debt: Stale=%v Failed(false)=%v Failed(true)=%v; want 1 stale, pass, fail strict", r.Stale, r.Failed(false), r.Failed(true))
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	b := NewBaseline(Violations(proposal(write("a.go", 1, "z"), write("a.go", 2, "a"), write("b.go", 1, "a"))))
	path := filepath.Join(t.TempDir(), "carve.baseline.json")
	if err := os.WriteFile(path, b.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, exists, err := LoadBaseline(path)
	if err != nil || !exists {
		t.Fatalf("LoadBaseline: %v, exists %v", err, exists)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if len(got.Entries) != 2 || got.Entries[0].To != "a" || got.Entries[0].Count != 2 {
		t.Errorf("entries = %+v, want sorted with a:2 first", got.Entries)
	}
	if bytes.Contains(b.Marshal(), []byte(`"line"`)) {
		t.Errorf("baseline contains line numbers")
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"entries":[{"kind":"nope","from":"","to":"t","count":1}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBaseline(path); err == nil || !strings.Contains(err.Error(), `unknown kind "nope"`) {
		t.Errorf("LoadBaseline(bad kind) err = %v", err)
	}
	if _, exists, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.json")); err != nil || exists {
		t.Errorf("LoadBaseline(missing) = exists %v, err %v; want empty baseline", exists, err)
	}
}

func TestSuppressions(t *testing.T) {
	root := t.TempDir()
	src := "package a\n\n" +
		"func f() {\n" +
		"\t// carve:allow foreign-write stock is migrated in Q3 (TICKET-12)\n" +
		"\tdb.Exec(q1)\n" + // line 5
		"\tdb.Exec(q2) //carve:allow foreign-write\n" + // line 6: no reason
		"\tdb.Exec(q3) //carve:allow foreign-reed typo\n" + // line 7: unknown kind
		"\tdb.Exec(q4)\n" + // line 8
		"}\n"
	if err := os.WriteFile(filepath.Join(root, "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	vs := Violations(proposal(write("a.go", 5, "stock"), write("a.go", 6, "stock"), write("a.go", 7, "stock"), write("a.go", 8, "stock")))
	r := Check(vs, nil, Options{Root: root})
	if len(r.Suppressed) != 1 || r.Suppressed[0].Pos.Line != 5 || !strings.Contains(r.Suppressed[0].Reason, "TICKET-12") {
		t.Errorf("Suppressed = %+v, want a.go:5 with its reason", r.Suppressed)
	}
	var bad []int
	for _, b := range r.BadSuppressions {
		bad = append(bad, b.Pos.Line)
	}
	if diff := cmp.Diff([]int{6, 7}, bad); diff != "" {
		t.Errorf("bad suppression lines mismatch (-want +got):\n%s", diff)
	}
	if len(r.New) != 3 || !r.Failed(false) {
		t.Errorf("New = %d violations, want 3 (lines 6, 7, 8) and a failed check", len(r.New))
	}
}

func sample() *Result {
	vs := Violations(proposal(write("internal/store/orders.go", 40, "stock"),
		decompose.Finding{Kind: decompose.CrossTx, Pos: facts.Pos{File: "internal/store/checkout.go", Line: 7}, From: "orders", To: "payments", FromUnit: "internal/store.Store.Checkout", Tables: []string{"billing.payments", "orders"}, Detail: "transaction writes orders and billing.payments: a, b", Remedy: "saga"}))
	base := NewBaseline(Violations(proposal(write("x.go", 1, "gone"))))
	return Check(vs, base, Options{})
}

func TestPrintSARIFRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Print(&buf, SARIF, sample(), PrintOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	var log SARIFLog
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("SARIF does not round-trip into the typed structs: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs; want 2.1.0 and 1 run", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Kinds) {
		t.Errorf("%d rules, want one per kind (%d)", len(run.Tool.Driver.Rules), len(Kinds))
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results, want 2", len(run.Results))
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result ruleIndex %d points at %q, want %q", res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI == "" || loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("bad location %+v", loc)
		}
	}
}

var githubLine = regexp.MustCompile(`^::(error|warning|notice)( file=[^,:]+,line=\d+,)?( ?title=[^:]+)?::[^\n]+$`)

func TestPrintGitHubLineShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Print(&buf, GitHub, sample(), PrintOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (2 violations + 1 stale):\n%s", len(lines), buf.String())
	}
	for _, l := range lines {
		if !githubLine.MatchString(l) {
			t.Errorf("line does not have the workflow command shape: %q", l)
		}
	}
	if !strings.Contains(lines[0], "::error file=internal/store/checkout.go,line=7,title=carve cross-tx::transaction writes orders and billing.payments: a%2C b") &&
		!strings.Contains(lines[0], "::error file=internal/store/checkout.go,line=7,title=carve cross-tx::transaction writes orders and billing.payments: a, b") {
		t.Errorf("first line = %q", lines[0])
	}
}

func TestPrintTextAndMarkdown(t *testing.T) {
	r := sample()
	var text, md bytes.Buffer
	if err := Print(&text, Text, r, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"internal/store/orders.go:40: foreign-write:", "remedy: call the inventory API", "1 stale baseline entry", "2 new violations, 0 baselined, 0 suppressed, 1 stale"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
	}
	if err := Print(&md, Markdown, r, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### carve check failed", "| `internal/store/orders.go:40` | foreign-write |", "Stale baseline entries"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown output lacks %q:\n%s", want, md.String())
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestPrintPropagatesWriteErrors(t *testing.T) {
	for _, f := range Formats {
		if err := Print(failWriter{}, f, sample(), PrintOptions{}); err == nil {
			t.Errorf("Print(%s) to a failing writer returned nil", f)
		}
	}
}
