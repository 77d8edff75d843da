package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScoreUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"score", "."}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "--truth is required") {
		t.Errorf("score without --truth: exit %d, stderr %q; want %d and a message about --truth", code, errb.String(), exitUsage)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"score", ".", "--truth", "x.yaml", "--format", "xml"}, &out, &errb); code != exitUsage {
		t.Errorf("score --format xml: exit %d, want %d", code, exitUsage)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"score", ".", "--truth", filepath.Join(t.TempDir(), "missing.yaml")}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "truth") {
		t.Errorf("score with a missing truth file: exit %d, stderr %q; want %d", code, errb.String(), exitUsage)
	}
}

func TestScoreLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: analyses testdata/ledger; skipped with -short")
	}
	dir := filepath.Join("..", "..", "testdata", "ledger")
	truth := filepath.Join(dir, "truth.carve.yaml")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"score", dir, "--truth", truth, "--format", "json"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("carve score: exit %d, stderr %s", code, errb.String())
	}
	var got struct {
		MoJoFM        *float64 `json:"mojofm"`
		ARI           *float64 `json:"ari"`
		OwnerAccuracy *float64 `json:"owner_accuracy"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.MoJoFM == nil || got.ARI == nil || got.OwnerAccuracy == nil {
		t.Fatalf("carve score --format json = %s (%v), want mojofm, ari, owner_accuracy", out.String(), err)
	}
	// The truth scored against itself is a perfect match.
	out.Reset()
	code = run(context.Background(), []string{"score", dir, "--truth", truth, "--spec", truth, "--min-mojofm", "100", "--min-owner-accuracy", "100"}, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "MoJoFM") || !strings.Contains(out.String(), "100.0 %") {
		t.Errorf("carve score --spec truth: exit %d, output %q, stderr %q; want 100 %%", code, out.String(), errb.String())
	}
	// A spec that leaves customer_lookup.go in invoicing: --list names its units.
	data, err := os.ReadFile(truth)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(data), "    files: [internal/invoicing/customer_lookup.go]\n", "", 1)
	if moved == string(data) {
		t.Fatal("truth.carve.yaml no longer lists customer_lookup.go under customers; update this test")
	}
	wrong := filepath.Join(t.TempDir(), "carve.yaml")
	if err := os.WriteFile(wrong, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	code = run(context.Background(), []string{"score", dir, "--truth", truth, "--spec", wrong, "--list"}, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "unit  internal/invoicing.billingProfile: in invoicing (≈ invoicing), truth customers") {
		t.Errorf("carve score --list: exit %d, output:\n%s", code, out.String())
	}
	// A threshold above what is reached exits 1.
	code = run(context.Background(), []string{"score", dir, "--truth", truth, "--min-mojofm", "101"}, &out, &errb)
	if code != exitViolations {
		t.Errorf("carve score --min-mojofm 101: exit %d, want %d", code, exitViolations)
	}
}
