package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/strangler"
	"github.com/carve-go/carve/strangler/export"
)

func runCarve(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// smallAnalysis writes an analysis document with two services: sale (writes stock, owned by
// inventory, from its reserve handler) and inventory.
func smallAnalysis(t *testing.T) string {
	t.Helper()
	res := analyzer.Result{
		SchemaVersion: facts.SchemaVersion,
		Facts: facts.Facts{
			Routes: []facts.Route{
				{Method: "GET", Path: "/api/sale/{id}", Handler: "h.Sale.get", Router: "chi"},
				{Method: "POST", Path: "/api/sale/{id}/reserve", Handler: "h.Sale.reserve", Router: "chi"},
				{Method: "GET", Path: "/api/stock/{id}", Handler: "h.Stock.get", Router: "chi"},
			},
			Edges: []facts.Edge{{From: "h.Sale.reserve", To: "store.Reserve", Kind: facts.Call}},
			SQL: []facts.SQL{{Unit: "store.Reserve", Pos: facts.Pos{File: "store/sale.go", Line: 12},
				Tables: []facts.TableAccess{{Name: "stock", Access: facts.Update}}}},
		},
		Proposal: &decompose.Proposal{
			Services: []decompose.Service{
				{Name: "inventory", Tables: []string{"stock"}, Routes: []string{"GET /api/stock/{id}"}},
				{Name: "sale", Tables: []string{"sales"}, Writes: []string{"stock"}, Routes: []string{"GET /api/sale/{id}", "POST /api/sale/{id}/reserve"}},
			},
			Ownership: []decompose.Ownership{{Table: "sales", Owner: "sale"}, {Table: "stock", Owner: "inventory"}},
		},
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "analysis.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStrangleCommand(t *testing.T) {
	analysis := smallAnalysis(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "strangler.yaml")

	code, _, stderr := runCarve(t, "strangle", "sale", "--url", "http://127.0.0.1:8082", "--analysis", analysis, "--config", cfgPath)
	if code != exitUsage || !strings.Contains(stderr, "--monolith") {
		t.Fatalf("strangle without an existing file and --monolith: exit %d, stderr %q; want 2 and a hint", code, stderr)
	}
	if _, err := os.Stat(cfgPath); err == nil {
		t.Fatalf("the file was created although the command failed")
	}

	code, stdout, stderr := runCarve(t, "strangle", "sale", "--url", "http://127.0.0.1:8082", "--analysis", analysis, "--config", cfgPath, "--monolith", "http://127.0.0.1:8081")
	if code != exitOK {
		t.Fatalf("strangle: exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stdout, "created") || !strings.Contains(stderr, "POST /api/sale/{id}/reserve (route sale-api-sale) writes table stock, owned by inventory, at store/sale.go:12") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	cfg, err := strangler.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Routes) != 1 || cfg.Routes[0].Match.PathPrefix != "/api/sale" || cfg.Routes[0].Stage != strangler.StageShadow {
		t.Errorf("routes = %+v, want one shadow PathPrefix /api/sale", cfg.Routes)
	}
	before, _ := os.ReadFile(cfgPath)

	// Full is refused while a route writes another service's table.
	code, _, stderr = runCarve(t, "strangle", "sale", "--analysis", analysis, "--config", cfgPath, "--stage", "full")
	if code != exitViolations || !strings.Contains(stderr, "refused") {
		t.Errorf("strangle --stage full: exit %d, stderr %q; want 1 and refused", code, stderr)
	}
	// Dry run prints a diff and writes nothing.
	code, stdout, _ = runCarve(t, "strangle", "sale", "--analysis", analysis, "--config", cfgPath, "--stage", "canary", "--weight", "20", "--dry-run")
	if code != exitOK || !strings.Contains(stdout, "-    stage: shadow\n+    stage: canary\n+    weight: 20\n") {
		t.Errorf("dry run: exit %d, diff:\n%s", code, stdout)
	}
	if after, _ := os.ReadFile(cfgPath); !bytes.Equal(before, after) {
		t.Errorf("the file changed during a refused command or a dry run")
	}
	code, _, stderr = runCarve(t, "strangle", "sale", "--analysis", analysis, "--config", cfgPath, "--stage", "full", "--force")
	if code != exitOK {
		t.Fatalf("strangle --force: exit %d, %s", code, stderr)
	}
	if cfg, err = strangler.Load(cfgPath); err != nil || cfg.Routes[0].Stage != strangler.StageFull {
		t.Errorf("after --force: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"strangle", "nope", "--analysis", analysis, "--config", cfgPath},
		{"strangle", "sale", "--analysis", analysis, "--config", cfgPath, "--stage", "later"},
		{"strangle", "sale", "--analysis", analysis, "--config", cfgPath, "--weight", "5"},
		{"strangle", "sale", "--analysis", filepath.Join(dir, "missing.json"), "--config", cfgPath},
		{"strangle", "sale", "--analysis", cfgPath, "--config", cfgPath},
	} {
		if code, _, stderr := runCarve(t, bad...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", bad, code, stderr)
		}
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "strangler.yaml")
	if err := os.WriteFile(cfgPath, []byte("version: 1\nmonolith: {url: 'http://127.0.0.1:8081'}\nservices: {sale: {url: 'http://127.0.0.1:8082'}}\nroutes:\n  - {name: sale, match: {path_prefix: /api/sale}, service: sale, stage: canary, weight: 10, sticky: {cookie: sid}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range export.Formats {
		wj := filepath.Join(dir, string(f)+".json")
		code, stdout, stderr := runCarve(t, "export", "--format", string(f), "--config", cfgPath, "--warnings-json", wj)
		if code != exitOK || stdout == "" {
			t.Fatalf("export %s: exit %d, stderr %s", f, code, stderr)
		}
		var ws []export.Warning
		data, _ := os.ReadFile(wj)
		if err := json.Unmarshal(data, &ws); err != nil || len(ws) == 0 {
			t.Errorf("export %s --warnings-json: %v, %d warnings", f, err, len(ws))
		}
		if n := strings.Count(stderr, "warning: "); n != len(ws) {
			t.Errorf("export %s: %d warnings on stderr, %d in JSON", f, n, len(ws))
		}
		out := filepath.Join(dir, "out."+string(f))
		if code, stdout, _ := runCarve(t, "export", "--format", string(f), "--config", cfgPath, "--out", out); code != exitOK || stdout != "" {
			t.Errorf("export --out: exit %d, stdout %q", code, stdout)
		}
		if b, _ := os.ReadFile(out); len(b) == 0 {
			t.Errorf("export %s --out wrote nothing", f)
		}
	}
	if code, _, stderr := runCarve(t, "export", "--format", "haproxy", "--config", cfgPath); code != exitUsage || !strings.Contains(stderr, "gateway-api, nginx, envoy") {
		t.Errorf("export --format haproxy: exit %d, %q", code, stderr)
	}
	os.WriteFile(cfgPath, []byte("version: 1\nmonolith: {url: 'http://127.0.0.1:8081'}\nroutes: 3\n"), 0o644)
	if code, _, stderr := runCarve(t, "export", "--format", "nginx", "--config", cfgPath); code != exitUsage || !strings.Contains(stderr, "strangler.yaml:3") {
		t.Errorf("export of a bad config: exit %d, %q; want 2 with the position", code, stderr)
	}
}

// TestStrangleShopPipeline is the documented example end to end: analyse testdata/shop, move
// timesale behind the proxy, export the result.
func TestStrangleShopPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: analyses testdata/shop (skipped with -short)")
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "strangler.yaml")
	code, _, stderr := runCarve(t, "strangle", "timesale", "--url", "http://127.0.0.1:8082", "--analysis", "../../testdata/shop",
		"--config", cfgPath, "--monolith", "http://127.0.0.1:8081")
	if code != exitOK {
		t.Fatalf("strangle timesale: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "owned by inventory") {
		t.Errorf("no warning about timesale's writes to inventory:\n%s", stderr)
	}
	cfg, err := strangler.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Routes) == 0 {
		t.Fatal("no routes")
	}
	// The documented path: an analysis JSON from carve analyze, then a second service.
	analysis := filepath.Join(dir, "shop.json")
	if code, _, stderr := runCarve(t, "analyze", "--format", "json", "--out", analysis, "../../testdata/shop"); code != exitOK {
		t.Fatalf("analyze: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCarve(t, "strangle", "orders", "--url", "http://127.0.0.1:8083", "--analysis", analysis, "--config", cfgPath, "--stage", "canary", "--weight", "5")
	if code != exitOK {
		t.Fatalf("strangle orders: exit %d\n%s", code, stderr)
	}
	if cfg, err = strangler.Load(cfgPath); err != nil || cfg.Services["orders"].URL != "http://127.0.0.1:8083" || cfg.Services["timesale"].URL == "" {
		t.Fatalf("after strangle orders: %+v, %v", cfg, err)
	}
	for _, f := range export.Formats {
		if code, out, stderr := runCarve(t, "export", "--format", string(f), "--config", cfgPath); code != exitOK || !strings.Contains(out, "/api/sale") || !strings.Contains(out, "/api/orders") {
			t.Errorf("export %s: exit %d, stderr %s", f, code, stderr)
		}
	}
}
