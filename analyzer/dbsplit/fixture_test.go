package dbsplit

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/spec"
	"github.com/carve-go/carve/internal/fixtures"
)

var (
	analysisMu sync.Mutex
	analyses   = map[string]*analyzer.Result{}
)

// fixtureDir returns the directory of a fixture module ("shop", "ledger").
func fixtureDir(name string) string {
	if name == "shop" {
		return fixtures.ShopDir()
	}
	return fixtures.LedgerDir()
}

// analyzeTruth analyses a fixture under its hand-written truth.carve.yaml (a stable
// expectation while the proposal moves), once per test binary.
func analyzeTruth(t *testing.T, name string) *analyzer.Result {
	t.Helper()
	if testing.Short() {
		t.Skip("dbsplit: analyses a fixture module; skipped under -short")
	}
	analysisMu.Lock()
	defer analysisMu.Unlock()
	if r, ok := analyses[name]; ok {
		return r
	}
	dir := fixtureDir(name)
	sp, err := spec.Load(filepath.Join(dir, "truth.carve.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := analyzer.Analyze(context.Background(), analyzer.Options{Dir: dir, Spec: sp, Dialect: sp.Dialect})
	if err != nil {
		t.Fatalf("Analyze(%s): %v", dir, err)
	}
	if res.Proposal == nil {
		t.Fatalf("Analyze(%s): no proposal", dir)
	}
	analyses[name] = res
	return res
}

// analyzeProposal analyses a fixture with carve's own proposal (no carve.yaml), once per test
// binary. The expectations derived from it come from its own findings, so they hold while
// the proposal changes.
func analyzeProposal(t *testing.T, name string) *analyzer.Result {
	t.Helper()
	if testing.Short() {
		t.Skip("dbsplit: analyses a fixture module; skipped under -short")
	}
	analysisMu.Lock()
	defer analysisMu.Unlock()
	key := name + "/proposal"
	if r, ok := analyses[key]; ok {
		return r
	}
	res, err := analyzer.Analyze(context.Background(), analyzer.Options{Dir: fixtureDir(name)})
	if err != nil {
		t.Fatalf("Analyze(%s): %v", name, err)
	}
	if res.Proposal == nil {
		t.Fatalf("Analyze(%s): no proposal", name)
	}
	analyses[key] = res
	return res
}
