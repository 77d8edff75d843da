package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/carve-go/carve/report/internal/sample"
)

// artifactDir returns where tests keep files for people to look at: $CARVE_ARTIFACTS or
// report/testdata/artifacts (ignored by git).
func artifactDir(t *testing.T, name string) string {
	t.Helper()
	root := os.Getenv("CARVE_ARTIFACTS")
	if root == "" {
		root = filepath.Join("testdata", "artifacts")
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestWriteShopArtifacts(t *testing.T) {
	dir := artifactDir(t, "shop")
	start := time.Now()
	err := Write(context.Background(), sample.Shop(), dir, Options{Formats: AllFormats, SourceRoot: "../testdata/shop", Progress: func(s string, d, n int) { t.Logf("%v %s", time.Since(start), s) }})
	if err != nil {
		t.Fatal(err)
	}
}
