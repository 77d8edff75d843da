package analyzer

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer/decompose"
)

// TestHistoryMovesProposalTowardTruth builds a copy of the shop fixture with a scripted git
// history in which each business capability changes on its own (a team per capability,
// features touching handler, service and store files together) plus some cross-capability
// noise, and checks that adding the co-change signal to the proposal moves it toward the
// hand-written truth. It runs at resolution 2, finer than the default, where code and data
// alone split one capability in two.
func TestHistoryMovesProposalTowardTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: analyses a copy of the shop fixture with a scripted git history; skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	src := filepath.Join("..", "testdata", "shop")
	dir := filepath.Join(t.TempDir(), "shop")
	copyTree(t, src, dir)

	// Files per truth service: the service holding most of the file's units.
	res := analyzeFixture(t, "shop")
	truth := fixtureTruth(t, "shop")
	votes := map[string]map[string]int{}
	for _, u := range res.Units {
		a, ok, _ := truth.Assign(u)
		if !ok || a.Kernel {
			continue
		}
		if votes[u.File()] == nil {
			votes[u.File()] = map[string]int{}
		}
		votes[u.File()][a.Service]++
	}
	bySvc := map[string][]string{}
	for f, m := range votes {
		best, n := "", -1
		for s, k := range m {
			if k > n || (k == n && s < best) {
				best, n = s, k
			}
		}
		bySvc[best] = append(bySvc[best], f)
	}
	var services []string
	for s := range bySvc {
		sort.Strings(bySvc[s])
		services = append(services, s)
	}
	sort.Strings(services)

	git := func(author string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME="+author, "GIT_AUTHOR_EMAIL="+author+"@shop.example",
			"GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@shop.example")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	touch := func(file string, n int) {
		p := filepath.Join(dir, filepath.FromSlash(file))
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\n// change %d\n", n)
		f.Close()
	}
	git("init", "init", "-q")
	git("init", "add", "-A")
	git("init", "commit", "-q", "-m", "import") // touches every file: over the huge-commit cap
	var codeowners strings.Builder
	change := 0
	for round := 0; round < 4; round++ {
		for _, s := range services {
			for _, f := range bySvc[s] {
				change++
				touch(f, change)
			}
			git("team-"+s, "commit", "-q", "-am", "feature in "+s)
		}
	}
	// Noise: two commits that cross capabilities.
	for i, pair := range [][2]string{{services[0], services[1]}, {services[2], services[3]}} {
		touch(bySvc[pair[0]][0], 1000+i)
		touch(bySvc[pair[1]][0], 2000+i)
		git("someone", "commit", "-q", "-am", "cross-cutting fix")
	}
	for _, s := range services {
		for _, f := range bySvc[s] {
			fmt.Fprintf(&codeowners, "/%s @shop/%s\n", f, s)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "CODEOWNERS"), []byte(codeowners.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	without, err := Analyze(context.Background(), Options{Dir: dir, Resolution: 2, History: true})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Analyze(context.Background(), Options{Dir: dir, Resolution: 2, History: true, HistoryWeight: 6})
	if err != nil {
		t.Fatal(err)
	}
	s0 := decompose.Score(&without.Facts, without.Proposal, truth)
	s1 := decompose.Score(&with.Facts, with.Proposal, truth)
	t.Logf("shop at resolution 2: MoJoFM without history %.1f%% (%d services), with history %.1f%% (%d services); truth has %d",
		s0.MoJoFM, len(without.Services), s1.MoJoFM, len(with.Services), len(truth.Services))
	if s1.MoJoFM <= s0.MoJoFM {
		t.Errorf("MoJoFM with history %.1f%%, without %.1f%%: want the history signal to move the proposal toward the truth", s1.MoJoFM, s0.MoJoFM)
	}

	h := with.History
	if h == nil {
		t.Fatal("Result.History is nil with Options.History")
	}
	if h.Commits != 4*len(services)+2+1 || h.Huge != 1 {
		t.Errorf("history: %d commits (%d huge), want %d (1 huge)", h.Commits, h.Huge, 4*len(services)+3)
	}
	if !(h.ICF > 0 && h.REI < 0.1) {
		t.Errorf("history of capability-aligned changes: ICF %.3f, REI %.3f; want ICF > 0 and REI < 0.1", h.ICF, h.REI)
	}
	if len(h.Teams) == 0 {
		t.Errorf("no teams read from CODEOWNERS")
	}
}

// copyTree copies a directory tree (regular files only).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
