package decompose

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestWriteSpecGolden pins the carve.yaml text WriteSpec produces for the synthetic layered
// monolith (reviewed by hand: services split by file, kernel, tables, comments).
func TestWriteSpecGolden(t *testing.T) {
	f := layered().facts()
	p := mustPropose(t, f, Options{})
	got := WriteSpec(p, f)
	path := filepath.Join("testdata", "layered.carve.yaml")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("WriteSpec output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}
