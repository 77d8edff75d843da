package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	// A threshold above what is reached exits 1.
	code = run(context.Background(), []string{"score", dir, "--truth", truth, "--min-mojofm", "101"}, &out, &errb)
	if code != exitViolations {
		t.Errorf("carve score --min-mojofm 101: exit %d, want %d", code, exitViolations)
	}
}
