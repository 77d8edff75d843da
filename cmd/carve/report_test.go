package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyAnalysis is a hand-written analysis document: two services, one table each, a foreign
// read at store/orders.go:3.
const tinyAnalysis = `{
  "schema_version": 1,
  "summary": {"packages": 1, "units": 2, "routes": 1, "sql_statements": 1, "sql_attributed": 1, "tables": 2,
              "transactions": 0, "services": 2, "findings": 1, "skipped": 0},
  "module": "example.com/tiny",
  "dialect": "postgres",
  "packages": [{"path": "example.com/tiny/store", "dir": "store", "name": "store", "files": ["store/orders.go", "store/users.go"], "lines": 20}],
  "units": [
    {"id": "store.Orders", "kind": "func", "package": "store", "pos": "store/orders.go:2", "lines": 4},
    {"id": "store.Users", "kind": "func", "package": "store", "pos": "store/users.go:2", "lines": 4}
  ],
  "edges": [{"from": "store.Orders", "to": "store.Users", "kind": "call", "count": 1, "pos": "store/orders.go:3"}],
  "sql": [{"pos": "store/orders.go:3", "unit": "store.Orders", "via": "database/sql", "dialect": "postgres",
           "text": "SELECT * FROM orders JOIN users ON users.id = orders.user_id", "kind": "select", "status": "parsed",
           "tables": [{"name": "orders", "access": "read"}, {"name": "users", "access": "read"}]}],
  "routes": [{"method": "GET", "path": "/orders", "handler": "store.Orders", "pos": "main.go:9", "router": "net/http"}],
  "transactions": [], "tables": [], "foreign_keys": [], "routines": [], "skipped": [],
  "source": "proposed",
  "services": [
    {"name": "identity", "units": ["store.Users"], "files": ["store/users.go"], "packages": [], "tables": ["users"], "reads": [], "writes": [], "routes": [], "lines": 4},
    {"name": "orders", "units": ["store.Orders"], "files": ["store/orders.go"], "packages": [], "tables": ["orders"], "reads": ["users"], "writes": [], "routes": ["GET /orders"], "lines": 4}
  ],
  "kernel": {"units": [], "packages": []},
  "outliers": [],
  "ownership": [
    {"table": "orders", "owner": "orders", "class": "owned"},
    {"table": "users", "owner": "identity", "class": "shared-read", "readers": ["orders"]}
  ],
  "findings": [{"kind": "foreign-read", "pos": "store/orders.go:3", "from": "orders", "to": "identity", "from_unit": "store.Orders",
                "tables": ["users"], "detail": "store.Orders reads users, owned by identity", "remedy": "read through identity's API"}],
  "metrics": {"modularity": 0.25},
  "plan": [{"order": 1, "service": "identity", "routes": [], "tables": ["users"], "blockers": {}, "score": 0, "why": "nothing to untangle"}]
}
`

func runReportCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// tinyDir writes the analysis as analysis.json next to the module's source.
func tinyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"in.json":         tinyAnalysis,
		"store/orders.go": "package store\nfunc Orders() {\n\tdb.Query(\"SELECT * FROM orders JOIN users\")\n}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReportCommand(t *testing.T) {
	dir := tinyDir(t)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runReportCmd(t, "report", "--in", filepath.Join(dir, "in.json"), "--out", out, "--formats", "html,md,json,dot")
	if code != exitOK {
		t.Fatalf("carve report = exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if want := "report written to " + filepath.Join(out, "index.html"); !strings.Contains(stdout, want) {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	for _, f := range []string{"index.html", "report.md", "analysis.json", "services.dot", "packages.dot", "tables.dot"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	// The source defaults to the directory of --in, so the finding has its excerpt.
	if !bytes.Contains(page, []byte(`db.Query(&#34;SELECT * FROM orders JOIN users&#34;)`)) {
		t.Errorf("index.html has no excerpt of store/orders.go:3")
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !bytes.Contains(md, []byte("`store/orders.go:3` orders → identity")) {
		t.Errorf("report.md lacks the finding at file:line:\n%s", md)
	}
}

func TestReportCommandErrors(t *testing.T) {
	dir := tinyDir(t)
	in := filepath.Join(dir, "in.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"schema_version\": 1,\n  oops\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "store", "orders.go")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no flags", []string{"report"}, exitUsage, "--in and --out are required"},
		{"positional", []string{"report", "x"}, exitUsage, "unknown command"},
		{"bad format", []string{"report", "--in", in, "--out", dir, "--formats", "pdf"}, exitUsage, `unknown format "pdf"`},
		{"missing input", []string{"report", "--in", filepath.Join(dir, "none.json"), "--out", dir}, exitUsage, "carve analyze --format json"},
		{"bad json", []string{"report", "--in", bad, "--out", dir}, exitUsage, "bad.json: 3:"},
		{"bad source", []string{"report", "--in", in, "--out", dir, "--source", file}, exitUsage, "is not a directory"},
		{"bad timeout", []string{"report", "--in", in, "--out", dir, "--graph-timeout", "0s"}, exitUsage, "positive duration"},
		{"out is a file", []string{"report", "--in", in, "--out", file, "--formats", "md"}, exitAnalysis, "write report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runReportCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("carve %v = exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestReportCommandStdin(t *testing.T) {
	dir := tinyDir(t)
	stdin := func(body string) {
		t.Helper()
		p := filepath.Join(t.TempDir(), "stdin")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = f
		t.Cleanup(func() { os.Stdin = old; f.Close() })
	}
	stdin(tinyAnalysis)
	out := filepath.Join(dir, "from-stdin")
	if code, _, stderr := runReportCmd(t, "report", "--in", "-", "--out", out, "--formats", "md"); code != exitOK {
		t.Fatalf("carve report --in - = exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "report.md")); err != nil {
		t.Errorf("report.md not written from stdin: %v", err)
	}
	stdin("{\n oops")
	if code, _, stderr := runReportCmd(t, "report", "--in", "-", "--out", out); code != exitUsage || !strings.Contains(stderr, "read analysis: stdin: 2:") {
		t.Errorf("carve report --in - with bad JSON = exit %d, %q; want exit 2 naming stdin and the line", code, stderr)
	}
}
