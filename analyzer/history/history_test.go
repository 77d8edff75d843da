package history

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repo builds a git repository with scripted commits: each commit is an author and the files
// it touches (each touch appends a line).
func repo(t *testing.T, commits []struct {
	author string
	files  []string
}) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	run := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(nil, "init", "-q")
	for i, c := range commits {
		for _, f := range c.files {
			p := filepath.Join(dir, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			fh, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			fh.WriteString("change\n")
			fh.Close()
		}
		env := []string{"GIT_AUTHOR_NAME=" + c.author, "GIT_AUTHOR_EMAIL=" + c.author + "@example.com",
			"GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com",
			"GIT_AUTHOR_DATE=2026-01-0" + string(rune('1'+i%9)) + "T10:00:00Z"}
		run(env, "add", "-A")
		run(env, "commit", "-q", "-m", "c")
	}
	return dir
}

type commitSpec = struct {
	author string
	files  []string
}

func script() []commitSpec {
	return []commitSpec{
		{"ann", []string{"orders/a.go", "orders/b.go"}},
		{"ann", []string{"orders/a.go", "orders/b.go", "pay/p.go"}},
		{"bob", []string{"pay/p.go", "pay/q.go"}},
		{"bob", []string{"pay/p.go", "pay/q.go"}},
		{"cat", []string{"orders/a.go"}},
		{"ann", []string{"orders/a.go", "orders/b.go", "orders/c.go", "pay/p.go"}}, // 4 files: over a cap of 3
	}
}

func TestSignalsByHand(t *testing.T) {
	dir := repo(t, script())
	l, err := Read(context.Background(), dir, Options{MaxFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Commits) != 6 || l.Huge != 1 {
		t.Fatalf("Read: %d commits, %d huge; want 6 and 1", len(l.Commits), l.Huge)
	}
	s := Compute(l)
	// By hand: commit 1 gives a-b; commit 2 gives a-b, a-p, b-p; commits 3, 4 give p-q twice;
	// commit 6 is over the cap.
	wantCo := map[Pair]int{
		{"orders/a.go", "orders/b.go"}: 2,
		{"orders/a.go", "pay/p.go"}:    1,
		{"orders/b.go", "pay/p.go"}:    1,
		{"pay/p.go", "pay/q.go"}:       2,
	}
	if diff := cmp.Diff(wantCo, s.CoChange); diff != "" {
		t.Errorf("CoChange mismatch (-want +got):\n%s", diff)
	}
	wantChanges := map[string]int{"orders/a.go": 4, "orders/b.go": 3, "orders/c.go": 1, "pay/p.go": 4, "pay/q.go": 2}
	if diff := cmp.Diff(wantChanges, s.Changes); diff != "" {
		t.Errorf("Changes mismatch (-want +got):\n%s", diff)
	}
	// a: ann, cat; p: ann, bob → 1 shared author. q: bob → p∩q = 1. a∩q = 0.
	for _, tt := range []struct {
		a, b string
		want int
	}{{"orders/a.go", "pay/p.go", 1}, {"pay/p.go", "pay/q.go", 1}, {"orders/a.go", "pay/q.go", 0}, {"orders/a.go", "orders/b.go", 1}} {
		if got := s.ContributorCoupling(tt.a, tt.b); got != tt.want {
			t.Errorf("ContributorCoupling(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}

	owners, err := ParseCodeowners("CODEOWNERS", "* @org/platform\n/orders/ @org/checkout\npay/ @org/payments\norders/c.go @org/payments\n")
	if err != nil {
		t.Fatal(err)
	}
	fs := map[string]string{"orders/a.go": "orders", "orders/b.go": "orders", "orders/c.go": "orders", "pay/p.go": "payments", "pay/q.go": "payments"}
	e := Evaluate(l, s, owners, fs, map[string]int{"pay/p.go": 2})
	// orders: 3 files, within sum a-b 2 → ICF 2/3; payments: 2 files, p-q 2 → ICF 2/1 = 2.
	// cross sum: a-p 1 + b-p 1 = 2; ECF(orders) = 2/(3·2) = 1/3, ECF(payments) = 2/(2·3) = 1/3.
	approx := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	approx("ICF", e.ICF, (2.0/3+2)/2)
	approx("ECF", e.ECF, 1.0/3)
	approx("REI", e.REI, (1.0/3)/((2.0/3+2)/2))
	if got := e.Services[0].Teams; len(got) != 2 || got[0].Team != "@org/checkout" || got[0].Files != 2 {
		t.Errorf("orders teams = %+v, want checkout (2 files) then payments (1)", got)
	}
	if len(e.Conflicts) != 2 || !strings.Contains(e.Conflicts[0], "service orders is split across teams") || !strings.Contains(e.Conflicts[1], "@org/payments owns code in 2 services") {
		t.Errorf("Conflicts = %q", e.Conflicts)
	}
	// Hot spots: p: 4 changes × (1+2) = 12 first; a: 4 × 1 = 4.
	if e.Hotspots[0].File != "pay/p.go" || e.Hotspots[0].Score != 12 || e.Hotspots[1].File != "orders/a.go" {
		t.Errorf("Hotspots = %+v", e.Hotspots[:2])
	}
}

func TestReadBounds(t *testing.T) {
	dir := repo(t, script())
	l, err := Read(context.Background(), dir, Options{MaxCommits: 2, Filter: func(p string) bool { return strings.HasPrefix(p, "pay/") }})
	if err != nil {
		t.Fatal(err)
	}
	// Newest two commits: #6 (pay/p.go after the filter) and #5 (orders only → dropped).
	if len(l.Commits) != 1 || strings.Join(l.Commits[0].Files, ",") != "pay/p.go" {
		t.Errorf("commits = %+v, want one commit with pay/p.go", l.Commits)
	}
}

func TestReadNotGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	_, err := Read(context.Background(), t.TempDir(), Options{})
	if !errors.Is(err, ErrNotGit) {
		t.Errorf("Read(non-repo) err = %v, want ErrNotGit", err)
	}
}

func TestShallowClone(t *testing.T) {
	dir := repo(t, script())
	clone := filepath.Join(t.TempDir(), "c")
	if out, err := exec.Command("git", "clone", "-q", "--depth=2", "file://"+dir, clone).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	l, err := Read(context.Background(), clone, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Shallow || len(l.Commits) != 2 || len(l.Warnings) == 0 || !strings.Contains(l.Warnings[0], "shallow clone") {
		t.Errorf("shallow read: Shallow=%v commits=%d warnings=%q", l.Shallow, len(l.Commits), l.Warnings)
	}
}

func TestCodeowners(t *testing.T) {
	src := `# comment
*.go            @go-team
/docs/          @docs
internal/store/orders.go @checkout   # inline comment
**/payments/**  @payments
[Database][2] @dba
*.sql
^[Optional] @ops
deploy/ @ops @sre
`
	c, err := ParseCodeowners("CODEOWNERS", src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		want []string
	}{
		{"main.go", []string{"@go-team"}},
		{"internal/store/orders.go", []string{"@checkout"}},
		{"internal/store/users.go", []string{"@go-team"}},
		{"a/payments/x.go", []string{"@payments"}},
		{"docs/x.md", []string{"@docs"}},
		{"sub/docs/x.md", nil},
		{"migrations/001.sql", []string{"@dba"}},
		{"deploy/k8s.yaml", []string{"@ops", "@sre"}},
		{"README", nil},
	}
	for _, tt := range tests {
		if got := c.Owners(tt.file); !cmp.Equal(got, tt.want) {
			t.Errorf("Owners(%q) = %v, want %v", tt.file, got, tt.want)
		}
	}
	if _, err := ParseCodeowners("CODEOWNERS", "ok @a\n!neg @b\n"); err == nil || !strings.Contains(err.Error(), "CODEOWNERS:2:") {
		t.Errorf("negation error = %v, want one at CODEOWNERS:2", err)
	}
}
