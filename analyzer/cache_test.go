package analyzer

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCacheKey: the key changes with every input that changes the result, and only with them.
func TestCacheKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("a/a.go", "package a\n")
	write("README.md", "not read\n")
	write("testdata/x.go", "package ignored\n")
	key := func(opts Options, spec string) string {
		t.Helper()
		opts.Dir = dir
		k, err := cacheKey(opts, []byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(Options{}, "")
	if k := key(Options{Progress: func(string, int, int) {}}, ""); k != base {
		t.Errorf("a progress callback changed the key")
	}
	write("README.md", "still not read\n")
	write("testdata/x.go", "package ignored // edited\n")
	if k := key(Options{}, ""); k != base {
		t.Errorf("editing files the analysis does not read changed the key")
	}
	for name, k := range map[string]string{
		"services":   key(Options{Services: 5}, ""),
		"resolution": key(Options{Resolution: 2}, ""),
		"dialect":    key(Options{Dialect: "mysql"}, ""),
		"tags":       key(Options{Tags: []string{"x"}}, ""),
		"tests":      key(Options{Tests: true}, ""),
		"sweep":      key(Options{Sweep: []int{4}}, ""),
		"spec":       key(Options{}, "version: 1\n"),
	} {
		if k == base {
			t.Errorf("changing %s did not change the key", name)
		}
	}
	write("a/a.go", "package a // edited\n")
	if k := key(Options{}, ""); k == base {
		t.Errorf("editing a Go file did not change the key")
	}
	write("a/q.sql", "SELECT 1;\n")
	before := key(Options{}, "")
	write("a/q.sql", "SELECT 2;\n")
	if key(Options{}, "") == before {
		t.Errorf("editing a SQL file did not change the key")
	}
}
