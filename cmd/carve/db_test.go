package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carve-go/carve/internal/fixtures"
)

// dbRun runs carve in-process and returns the exit code, stdout and stderr.
func dbRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDBUsageErrors(t *testing.T) {
	t.Setenv("CARVE_DSN", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"db", "introspect"}, "--dsn"},
		{[]string{"db", "introspect", "--dsn", "postgres://u@h/db", "--format", "xml"}, "--format"},
		{[]string{"db", "plan", "."}, "--out"},
		{[]string{"db", "plan", ".", "--out", t.TempDir(), "--apply"}, "--apply needs --dsn"},
		{[]string{"db", "verify", "."}, "--dsn"},
		{[]string{"db", "verify", "--dsn", "postgres://u@h/db", "--analysis", "x.json", "somedir"}, "either"},
	} {
		code, _, stderr := dbRun(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("carve %s = exit %d, stderr %q; want exit %d mentioning %q", strings.Join(tc.args, " "), code, stderr, exitUsage, tc.want)
		}
	}
}

// TestDBNeverPrintsPasswords connects with DSNs holding a password to servers that refuse
// them: the command fails with exit 3 and neither stdout nor stderr holds the password.
func TestDBNeverPrintsPasswords(t *testing.T) {
	const secret = "hunter2-Secret"
	for _, dsn := range []string{
		"postgres://carve:" + secret + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=2",
		"host=127.0.0.1 port=1 user=carve password=" + secret + " dbname=x connect_timeout=2",
		"carve:" + secret + "@tcp(127.0.0.1:1)/x?timeout=2s",
	} {
		for _, args := range [][]string{
			{"db", "introspect", "--dsn", dsn},
			{"db", "verify", "--dsn", dsn, "--analysis", writeMinimalAnalysis(t)},
		} {
			code, stdout, stderr := dbRun(t, args...)
			if code != exitAnalysis {
				t.Errorf("carve %s: exit %d, want %d (stderr %q)", args[1], code, exitAnalysis, stderr)
			}
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("carve %s printed the password: %q", args[1], stdout+stderr)
			}
		}
	}
	// From the environment too.
	t.Setenv("CARVE_DSN", "postgres://carve:"+secret+"@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if _, stdout, stderr := dbRun(t, "db", "introspect"); strings.Contains(stdout+stderr, secret) {
		t.Errorf("carve db introspect ($CARVE_DSN) printed the password: %q", stdout+stderr)
	}
}

// writeMinimalAnalysis writes an analysis document with an empty proposal.
func writeMinimalAnalysis(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "analysis.json")
	doc := `{"schema_version":1,"dialect":"postgres","source":"proposed","services":[],"ownership":[],"findings":[],"plan":[]}`
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDBCommandsOnShop runs introspect, plan and verify on the shop fixture's schema in a
// scratch PostgreSQL database.
func TestDBCommandsOnShop(t *testing.T) {
	dsn := fixtures.Postgres(t)
	files, _ := filepath.Glob(filepath.Join(fixtures.ShopDir(), "migrations", "*.sql"))
	sort.Strings(files)
	fixtures.PostgresApply(t, dsn, files...)

	code, stdout, stderr := dbRun(t, "db", "introspect", "--dsn", dsn, "--format", "json")
	if code != exitOK {
		t.Fatalf("db introspect: exit %d, stderr %q", code, stderr)
	}
	var schema struct {
		Tables []struct{ Name string } `json:"tables"`
	}
	if err := json.Unmarshal([]byte(stdout), &schema); err != nil {
		t.Fatalf("db introspect --format json: %v", err)
	}
	if len(schema.Tables) != 23 {
		t.Errorf("db introspect: %d tables, want the 23 of the shop migrations", len(schema.Tables))
	}

	out := t.TempDir()
	code, stdout, stderr = dbRun(t, "db", "plan", fixtures.ShopDir(), "--dsn", dsn, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "wrote") {
		t.Fatalf("db plan: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "PLAN.md"))
	if err != nil || !bytes.Contains(md, []byte("## Migration blockers")) {
		t.Errorf("db plan: PLAN.md missing or without blockers (%v)", err)
	}
	if steps, _ := filepath.Glob(filepath.Join(out, "0*.sql")); len(steps) < 3 {
		t.Errorf("db plan wrote %d step files, want several", len(steps))
	}

	code, stdout, stderr = dbRun(t, "db", "verify", "--dsn", dsn, fixtures.ShopDir())
	if code != exitViolations || !strings.Contains(stdout, "permission denied for table") {
		t.Errorf("db verify: exit %d, stdout %q, stderr %q; want exit %d listing permission errors", code, stdout, stderr, exitViolations)
	}
	if !strings.Contains(stderr, "dropped scratch database") {
		t.Errorf("db verify did not report dropping its scratch database: %q", stderr)
	}
}
