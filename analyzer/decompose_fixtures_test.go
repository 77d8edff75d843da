package analyzer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/spec"
)

// analyzeFixture analyses one fixture module (testdata/<name>). With CARVE_DUMP_FACTS=<dir>
// it also writes the fact base to <dir>/<name>.facts.json (for tuning the decomposition
// without reloading the module).
func analyzeFixture(t *testing.T, name string) *Result {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: analyses a fixture module; skipped with -short")
	}
	dir := filepath.Join("..", "testdata", name)
	res, err := Analyze(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatalf("Analyze(%s): %v", dir, err)
	}
	if p := os.Getenv("CARVE_DUMP_FACTS"); p != "" {
		b, _ := json.Marshal(res.Facts)
		os.WriteFile(filepath.Join(p, name+".facts.json"), b, 0o644)
	}
	return res
}

func TestDecomposeFixtures(t *testing.T) {
	for _, name := range []string{"shop", "ledger"} {
		t.Run(name, func(t *testing.T) {
			res := analyzeFixture(t, name)
			truth, err := spec.Load(filepath.Join("..", "testdata", name, "truth.carve.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			sc := decompose.Score(&res.Facts, res.Proposal, truth)
			t.Logf("%s: MoJoFM %.1f%%, ARI %.3f, owner accuracy %.1f%% (%d units, %d tables, %d services)",
				name, sc.MoJoFM, sc.ARI, sc.OwnerAccuracy, sc.Units, sc.Tables, len(res.Proposal.Services))
			if sc.MoJoFM < 85 {
				t.Errorf("%s: MoJoFM = %.1f%%, want ≥ 85%%", name, sc.MoJoFM)
			}
			if sc.OwnerAccuracy < 90 {
				t.Errorf("%s: owner accuracy = %.1f%%, want ≥ 90%%", name, sc.OwnerAccuracy)
			}
		})
	}
}
