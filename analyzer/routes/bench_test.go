package routes_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer/routes"
)

// writeBigModule writes a module of n chi packages, each mounted by main under its own
// prefix, and returns its dir. It reuses the go.sum of testdata/chi (same chi version).
func writeBigModule(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	sum, err := os.ReadFile(filepath.Join("testdata", "chi", "go.sum"))
	if err != nil {
		tb.Fatal(err)
	}
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("go.mod", "module example.com/big\n\ngo 1.26\n\nrequire github.com/go-chi/chi/v5 v5.2.1\n")
	write("go.sum", string(sum))
	var main strings.Builder
	main.WriteString("package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&main, "\tp%d \"example.com/big/internal/p%d\"\n", i, i)
		write(fmt.Sprintf("internal/p%d/p.go", i), fmt.Sprintf(`package p%d

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

type H struct{ name string }

func (h *H) List(w http.ResponseWriter, r *http.Request) {}
func (h *H) Get(w http.ResponseWriter, r *http.Request)  {}

func Routes(h *H) chi.Router {
	r := chi.NewRouter()
	r.Get("/", h.List)
	r.Route("/items", func(r chi.Router) {
		r.Get("/{id}", h.Get)
		r.Post("/{id}/x", h.Get)
	})
	return r
}
`, i))
	}
	main.WriteString(")\n\nfunc main() {\n\tr := chi.NewRouter()\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&main, "\tr.Mount(\"/p%d\", p%d.Routes(&p%d.H{}))\n", i, i, i)
	}
	main.WriteString("\thttp.ListenAndServe(\":0\", r)\n}\n")
	write("main.go", main.String())
	return dir
}

// BenchmarkExtract measures Extract alone (the module is loaded once) on 300 packages.
func BenchmarkExtract(b *testing.B) {
	const n = 300
	prog := loadProgram(b, writeBigModule(b, n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, _ := routes.Extract(prog)
		if len(got) != 3*n {
			b.Fatalf("Extract: %d routes, want %d", len(got), 3*n)
		}
	}
}
