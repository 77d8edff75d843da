package routes_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/load"
	"github.com/carve-go/carve/analyzer/routes"
)

// marker is one expected route: "file:line METHOD path".
type marker struct {
	Pos    facts.Pos
	Method string
	Path   string
}

func (m marker) String() string { return fmt.Sprintf("%s %s %s", m.Pos, m.Method, m.Path) }

// readMarkers reads every `// want route METHOD /path [METHOD /path ...]` marker of the .go
// files under root.
func readMarkers(t *testing.T, root string) []marker {
	t.Helper()
	var out []marker
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(root, path)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			for {
				i := strings.Index(text, "// want route ")
				if i < 0 {
					break
				}
				text = text[i+len("// want route "):]
				rest := text
				if j := strings.Index(rest, "//"); j >= 0 {
					rest = rest[:j]
				}
				fields := strings.Fields(rest)
				if len(fields) == 0 || len(fields)%2 != 0 {
					t.Errorf("%s:%d: malformed route marker %q", rel, line, rest)
					break
				}
				for k := 0; k < len(fields); k += 2 {
					out = append(out, marker{facts.Pos{File: filepath.ToSlash(rel), Line: line}, fields[k], fields[k+1]})
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatalf("read markers in %s: %v", root, err)
	}
	return out
}

var programs sync.Map // dir → *load.Program, shared by the tests (Extract only reads it)

func loadProgram(t testing.TB, dir string) *load.Program {
	t.Helper()
	if p, ok := programs.Load(dir); ok {
		return p.(*load.Program)
	}
	prog, err := load.Load(context.Background(), load.Config{Dir: dir})
	if err != nil {
		t.Fatalf("load.Load(%s): %v", dir, err)
	}
	programs.Store(dir, prog)
	return prog
}

// compare returns the markers Extract missed and the routes it found that no marker expects.
func compare(want []marker, got []facts.Route) (missing, extra []string) {
	have := map[marker]bool{}
	for _, r := range got {
		have[marker{r.Pos, r.Method, r.Path}] = true
	}
	wanted := map[marker]bool{}
	for _, m := range want {
		wanted[m] = true
		if !have[m] {
			missing = append(missing, m.String())
		}
	}
	for m := range have {
		if !wanted[m] {
			extra = append(extra, m.String())
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// TestExtractFixtures compares Extract with the route markers of each router's fixture
// module, exactly: every marker found, nothing else.
func TestExtractFixtures(t *testing.T) {
	for _, name := range []string{"nethttp", "chi", "chiv4", "gorilla", "gin", "echo", "echov5", "broken"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			skipShortWithDeps(t, dir)
			want := readMarkers(t, dir)
			if len(want) == 0 {
				t.Fatalf("no route markers in %s", dir)
			}
			got, _ := routes.Extract(loadProgram(t, dir))
			missing, extra := compare(want, got)
			for _, m := range missing {
				t.Errorf("missing route %s", m)
			}
			for _, m := range extra {
				t.Errorf("unexpected route %s", m)
			}
		})
	}
}

// TestExtractMonoliths checks Extract against the hand-written route markers of the fixture
// monoliths: at least 98 % must be found with the right method and full path. Every miss
// and every route no marker expects is printed.
func TestExtractMonoliths(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: loads the fixture monoliths; skipped under -short")
	}
	for _, name := range []string{"shop", "ledger", "timesale-service"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", name)
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				t.Skipf("fixture %s not present: %v", dir, err)
			}
			want := readMarkers(t, dir)
			if len(want) == 0 {
				t.Skipf("fixture %s has no route markers yet", dir)
			}
			prog := loadProgram(t, dir)
			start := time.Now()
			got, skipped := routes.Extract(prog)
			t.Logf("Extract(%s): %d routes in %v", name, len(got), time.Since(start).Round(time.Millisecond))
			missing, extra := compare(want, got)
			for _, m := range missing {
				t.Logf("missing route %s", m)
			}
			for _, m := range extra {
				t.Logf("unexpected route %s", m)
			}
			for _, s := range skipped {
				t.Logf("skipped %s: %s", s.What, s.Reason)
			}
			found := len(want) - len(missing)
			ratio := float64(found) / float64(len(want))
			t.Logf("%s: %d/%d route markers matched (%.1f %%), %d unexpected routes", name, found, len(want), 100*ratio, len(extra))
			if ratio < 0.98 {
				t.Errorf("%s: %d/%d route markers matched (%.1f %%), want >= 98 %%", name, found, len(want), 100*ratio)
			}
		})
	}
}

// TestExtractHandlers checks the handler unit, router name and reasons of chosen routes.
func TestExtractHandlers(t *testing.T) {
	type row struct {
		Key     string // "file:line METHOD path"
		Handler facts.UnitID
		Router  string
	}
	tests := []struct {
		fixture string
		want    []row
		skipped []string // "file:line" of registrations that must have a Skipped entry
	}{
		{"chi", []row{
			{"internal/web/web.go:40 GET /healthz", "internal/web.health", "chi"},
			{"internal/orders/orders.go:25 GET /api/orders/", "internal/orders.Handler.List", "chi"},
			{"internal/web/web.go:45 GET /api/reports/daily", "internal/web.makeReport", "chi"},
			{"internal/web/web.go:47 DELETE /api/sessions/{id}", "internal/web.getUser", "chi"},
			{"internal/web/web.go:50 ANY /api/echo", "internal/web.Server.routes", "chi"},
			{"internal/web/web.go:59 GET /api/users/", "internal/web.listUsers", "chi"},
			{"internal/web/web.go:55 ANY /static/{*...}", "", "chi"},
			{"internal/web/web.go:64 GET {?}", "internal/web.health", "chi"},
			{"internal/web/helpers.go:11 GET /h/one", "internal/web.health", "chi"},
			{"internal/web/helpers.go:12 POST /h/two", "internal/web.listUsers", "chi"},
			{"internal/gen/gen.go:49 GET /trainings", "internal/gen.list", "chi"},
		}, []string{"internal/gen/gen.go:58", "internal/gen/gen.go:59", "internal/gen/gen.go:81", "internal/gen/gen.go:88", "internal/web/web.go:64"}},
		{"nethttp", []row{
			{"web/web.go:24 GET /items/{id}", "web.get", "net/http"},
			{"web/web.go:26 ANY /orders/", "web.ordersHandler.ServeHTTP", "net/http"},
			{"web/web.go:31 GET /api/users", "web.list", "net/http"},
			{"web/web.go:37 ANY /default", "web.Mux", "net/http"},
			{"web/web.go:52 GET /t/a", "web.list", "net/http"},
			{"web/web.go:52 POST /t/b", "web.get", "net/http"},
			{"web/web.go:56 ANY /m/y", "web.get", "net/http"},
			{"web/factory.go:29 GET /probe", "web.newProbe", "net/http"},
			{"web/factory.go:31 ANY /wrapped/", "web.newAPI", "net/http"},
			{"web/factory.go:33 POST /api/login", "web.newAPI", "net/http"},
			{"web/factory.go:34 ANY /api/", "web.newAPI", "net/http"},
			{"web/factory.go:35 ANY /direct/", "web.newAPI", "net/http"},
			{"web/factory.go:36 ANY /ready", "web.newProbe", "net/http"},
		}, nil},
		{"gorilla", []row{
			{"api/api.go:27 PUT /api/v1/items", "api.Handler.create", "gorilla/mux"},
			{"api/api.go:31 ANY /files/", "api.fileHandler.ServeHTTP", "gorilla/mux"},
			{"api/api.go:46 POST /api/v1/admin/x", "api.Handler.create", "gorilla/mux"},
		}, nil},
		{"gin", []row{
			{"server/server.go:21 GET /ping", "server.New", "gin"},
			{"server/server.go:25 GET /api/v1/products/{id}", "server.handler.get", "gin"},
			{"server/server.go:44 GET /ext", "server.handler.list", "gin"},
			{"server/attach.go:16 POST /api/accounts", "server.handler.list", "gin"},
			{"server/attach.go:33 GET /v/status", "server.handler.get", "gin"},
		}, []string{"server/server.go:44"}},
		{"echo", []row{
			{"app/app.go:27 GET /api/users/{id}", "app.Handlers.Get", "echo"},
		}, nil},
		{"echov5", []row{
			{"app/app.go:27 GET /configured", "app.Handlers.List", "echo"},
			{"app/app.go:37 GET /v1/events", "app.Handlers.List", "echo"},
			{"app/app.go:42 GET /external", "app.Handlers.Get", "echo"},
		}, []string{"app/app.go:47"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			skipShortWithDeps(t, filepath.Join("testdata", tt.fixture))
			got, skipped := routes.Extract(loadProgram(t, filepath.Join("testdata", tt.fixture)))
			byKey := map[string]facts.Route{}
			for _, r := range got {
				byKey[fmt.Sprintf("%s %s %s", r.Pos, r.Method, r.Path)] = r
			}
			for _, w := range tt.want {
				r, ok := byKey[w.Key]
				if !ok {
					t.Errorf("route %s not found", w.Key)
					continue
				}
				if diff := cmp.Diff(w, row{w.Key, r.Handler, r.Router}); diff != "" {
					t.Errorf("route %s mismatch (-want +got):\n%s", w.Key, diff)
				}
			}
			var gotSkipped []string
			for _, s := range skipped {
				if !strings.HasPrefix(s.Reason, "routes: ") {
					t.Errorf("skipped %s: reason %q does not start with %q", s.What, s.Reason, "routes: ")
				}
				gotSkipped = append(gotSkipped, s.What)
			}
			if diff := cmp.Diff(tt.skipped, gotSkipped); diff != "" {
				t.Errorf("skipped mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// skipShortWithDeps skips, under -short, a fixture module that requires other modules: loading
// it type-checks the router framework from source (seconds) and needs the module cache.
func skipShortWithDeps(t *testing.T, dir string) {
	t.Helper()
	if !testing.Short() {
		return
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mod), "require") {
		t.Skipf("%s requires router modules: loading it is slow; skipped under -short", dir)
	}
}

// TestExtractDeterministic checks that two runs on one program give the same result.
func TestExtractDeterministic(t *testing.T) {
	dir := filepath.Join("testdata", "chi")
	skipShortWithDeps(t, dir)
	prog := loadProgram(t, dir)
	r1, s1 := routes.Extract(prog)
	r2, s2 := routes.Extract(prog)
	if diff := cmp.Diff(r1, r2); diff != "" {
		t.Errorf("routes differ between runs (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(s1, s2); diff != "" {
		t.Errorf("skipped differ between runs (-first +second):\n%s", diff)
	}
	if len(r1) == 0 {
		t.Errorf("Extract(%s) found no routes", dir)
	}
}
