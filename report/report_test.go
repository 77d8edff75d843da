package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/report/internal/sample"
	"github.com/carve-go/carve/report/render"
)

// artifactDir returns where tests keep files for people to look at: $CARVE_ARTIFACTS/name or
// report/testdata/artifacts/name (ignored by git).
func artifactDir(t testing.TB, name string) string {
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

func TestParseFormats(t *testing.T) {
	tests := []struct {
		in      string
		want    []Format
		wantErr string
	}{
		{"html", []Format{HTML}, ""},
		{" md , html,md", []Format{Markdown, HTML}, ""},
		{"markdown,PNG", []Format{Markdown, PNG}, ""},
		{"all", AllFormats, ""},
		{"html,pdf", nil, `unknown format "pdf"`},
		{"", nil, "no format given"},
		{" , ", nil, "no format given"},
	}
	for _, tt := range tests {
		got, err := ParseFormats(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFormats(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFormats(%q) error = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseFormats(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestReadResult(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := MarshalJSON(sample.Shop())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, wantErr string
	}{
		{"good", write("good.json", string(good)), ""},
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"syntax", write("syntax.json", "{\n  \"schema_version\": 1,\n  \"summary\": {,\n}"), "syntax.json: 3:"},
		{"type", write("type.json", "{\"schema_version\": \"one\"}"), "type.json: 1:"},
		{"not carve", write("other.json", `{"name": "x"}`), "not a carve analysis document"},
		{"future", write("future.json", `{"schema_version": 99}`), "schema_version 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadResult(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ReadResult(%s) error = %v, want one containing %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			again, err := MarshalJSON(res)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(good, again) {
				t.Errorf("ReadResult then MarshalJSON is not byte-identical to the input")
			}
		})
	}
}

func TestWriteAllFormats(t *testing.T) {
	dir := t.TempDir()
	res := sample.Shop()
	var stages []string
	err := Write(context.Background(), res, dir, Options{Formats: AllFormats, Progress: func(s string, done, total int) {
		if done > total {
			t.Errorf("progress %s: done %d > total %d", s, done, total)
		}
		stages = append(stages, s)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "report.md", "analysis.json",
		"services.dot", "services.svg", "services.png", "packages.dot", "packages.svg", "packages.png", "tables.dot", "tables.svg", "tables.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written (%v)", f, err)
		}
	}
	if stages[len(stages)-1] != "done" {
		t.Errorf("last progress stage = %q, want done", stages[len(stages)-1])
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !bytes.Contains(page, []byte(`<div class="graph" id="service-map"`)) || bytes.Contains(page, []byte("graph too large")) {
		t.Errorf("index.html has no laid-out service map")
	}
	// analysis.json is the document as is.
	back, err := ReadResult(filepath.Join(dir, "analysis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res, back); diff != "" {
		t.Errorf("analysis.json round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteOnlyMarkdown(t *testing.T) {
	dir := t.TempDir()
	if err := Write(context.Background(), sample.Shop(), dir, Options{Formats: []Format{Markdown}}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "report.md" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("Write(md) wrote %v, want only report.md", names)
	}
}

func TestWriteFallbacks(t *testing.T) {
	// The shop sample's service map: 11 services, and one edge per coupled pair.
	g := render.ServiceMapGraph(render.Build(sample.Shop(), render.Options{}))
	if g.Nodes != 11 || g.Edges < 4 {
		t.Fatalf("service map of the sample = %d nodes, %d edges; want 11 nodes and more than 3 edges", g.Nodes, g.Edges)
	}
	size := fmt.Sprintf("%d nodes, %d edges", g.Nodes, g.Edges)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"too many nodes", Options{MaxGraphNodes: 10}, "graph too large to lay out: " + size + "; see services.dot"},
		{"too many edges", Options{MaxGraphEdges: 3}, "graph too large to lay out: " + size + "; see services.dot"},
		{"no time", Options{GraphTimeout: time.Nanosecond}, "graph too large to lay out: 11 nodes (no layout within 1ns); see services.dot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.opts.Formats = []Format{HTML, SVG}
			if err := Write(context.Background(), sample.Shop(), dir, tt.opts); err != nil {
				t.Fatal(err)
			}
			page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
			if !bytes.Contains(page, []byte(tt.want)) {
				t.Errorf("index.html lacks the fallback %q", tt.want)
			}
			// The page points at services.dot, so it is written although DOT was not asked for.
			if _, err := os.Stat(filepath.Join(dir, "services.dot")); err != nil {
				t.Errorf("fallback graph's DOT not written: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "services.svg")); err == nil {
				t.Errorf("services.svg written for a graph that was not laid out")
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), nil, t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "no analysis result") {
		t.Errorf("Write(nil) error = %v", err)
	}
	if err := Write(context.Background(), sample.Shop(), file, Options{Formats: []Format{Markdown}}); err == nil || !strings.HasPrefix(err.Error(), "write report: ") {
		t.Errorf("Write(into a file) error = %v, want a write report error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, sample.Shop(), t.TempDir(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Write(cancelled) error = %v, want context.Canceled", err)
	}
}

var (
	shopOnce sync.Once
	shopRes  *analyzer.Result
	shopErr  error
)

// shopFixture analyses testdata/shop once for the integration tests.
func shopFixture(t *testing.T) *analyzer.Result {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: analyses testdata/shop; skipped under -short")
	}
	shopOnce.Do(func() {
		shopRes, shopErr = analyzer.Analyze(context.Background(), analyzer.Options{Dir: filepath.Join("..", "testdata", "shop")})
	})
	if shopErr != nil {
		t.Fatalf("analyze testdata/shop: %v", shopErr)
	}
	if shopRes.Proposal == nil || len(shopRes.Proposal.Services) == 0 {
		t.Fatalf("analyze testdata/shop: no proposal")
	}
	return shopRes
}

func TestWriteShopFixture(t *testing.T) {
	res := shopFixture(t)
	dir := artifactDir(t, "shop")
	if err := Write(context.Background(), res, dir, Options{Formats: AllFormats, SourceRoot: filepath.Join("..", "testdata", "shop")}); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, s := range res.Proposal.Services {
		if !bytes.Contains(md, []byte("| "+s.Name+" |")) {
			t.Errorf("report.md has no row for service %s", s.Name)
		}
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !bytes.Contains(page, []byte(`class="excerpt"`)) {
		t.Errorf("index.html of the shop fixture has no code excerpt (source root given)")
	}
}

// TestChromium opens the report of the shop fixture in headless Chromium and checks the DOM
// after scripts ran: the service map SVG, the ownership matrix and the findings list are
// present and not empty. The screenshot is kept as an artifact.
func TestChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: headless Chromium; skipped under -short")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium); skipping the browser check")
	}
	res := shopFixture(t)
	dir := artifactDir(t, "chromium")
	if err := Write(context.Background(), res, dir, Options{Formats: []Format{HTML, SVG}, SourceRoot: filepath.Join("..", "testdata", "shop")}); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(abs)
	chrome := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--window-size=1400,1000"}
		cmd := exec.CommandContext(ctx, bin, append(append(base, args...), url)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
		}
		return stdout.Bytes()
	}
	shot := filepath.Join(dir, "screenshot.png")
	chrome("--screenshot=" + shot)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s missing or nearly empty (%v)", shot, err)
	} else {
		t.Logf("screenshot: %s", shot)
	}
	dom, err := html.Parse(bytes.NewReader(chrome("--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	mapDiv := find(dom, func(n *html.Node) bool { return attr(n, "id") == "service-map" })
	if mapDiv == nil {
		t.Fatal("no #service-map in the DOM")
	}
	nodes := findAll(mapDiv, func(n *html.Node) bool { return n.Data == "g" && attr(n, "class") == "node" })
	if len(nodes) != len(res.Proposal.Services) {
		t.Errorf("service map SVG has %d nodes, want one per service (%d)", len(nodes), len(res.Proposal.Services))
	}
	matrix := find(dom, func(n *html.Node) bool { return attr(n, "id") == "ownership-matrix" })
	if matrix == nil {
		t.Fatal("no #ownership-matrix in the DOM")
	}
	rows := findAll(matrix, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" })
	if len(rows) < len(res.Proposal.Ownership) || len(rows) == 0 {
		t.Errorf("ownership matrix has %d rows, want at least one per owned table (%d)", len(rows), len(res.Proposal.Ownership))
	}
	findings := findAll(dom, func(n *html.Node) bool { return n.Data == "li" && strings.Contains(attr(n, "class"), "finding") })
	if len(findings) == 0 || len(findings) > len(res.Proposal.Findings) {
		t.Errorf("findings list has %d items, want 1..%d", len(findings), len(res.Proposal.Findings))
	}
	// The filter script ran and counted the list.
	count := find(dom, func(n *html.Node) bool { return attr(n, "id") == "filter-count" })
	if want := "of " + strconv.Itoa(len(findings)) + " listed findings shown"; !strings.Contains(text(count), want) {
		t.Errorf("#filter-count = %q, want the script's count (did the JavaScript run?)", text(count))
	}

	// Filtering: ?kind=K&service=S shows exactly the listed findings of kind K with S at
	// either end, counted here from the result itself.
	kind, svc := res.Proposal.Findings[0].Kind, res.Proposal.Findings[0].From
	want := 0
	for _, f := range res.Proposal.Findings {
		if f.Kind == kind && (f.From == svc || f.To == svc) {
			want++
		}
	}
	url = "file://" + filepath.ToSlash(abs) + "?kind=" + string(kind) + "&service=" + svc
	dom, err = html.Parse(bytes.NewReader(chrome("--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	visible := findAll(dom, func(n *html.Node) bool {
		return n.Data == "li" && strings.Contains(attr(n, "class"), "finding") && !strings.Contains(attr(n, "class"), "hidden")
	})
	if len(visible) != want {
		t.Errorf("?kind=%s&service=%s shows %d findings, want %d", kind, svc, len(visible), want)
	}
	for _, li := range visible {
		if attr(li, "data-kind") != string(kind) || (attr(li, "data-from") != svc && attr(li, "data-to") != svc) {
			t.Errorf("filtered list shows %s %s → %s", attr(li, "data-kind"), attr(li, "data-from"), attr(li, "data-to"))
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if all := findAll(n, ok); len(all) > 0 {
		return all[0]
	}
	return nil
}

func findAll(n *html.Node, ok func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && ok(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// BenchmarkWriteLarge renders the report of a generated monolith of 2,000 packages and
// 20,000 units (50 services, 500 tables, 2,000 findings) in the default formats.
func BenchmarkWriteLarge(b *testing.B) {
	res := sample.Large(2000, 20000)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(context.Background(), res, dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	page, _ := os.Stat(filepath.Join(dir, "index.html"))
	js, _ := os.Stat(filepath.Join(dir, "analysis.json"))
	b.ReportMetric(float64(page.Size())/1e6, "html-MB")
	b.ReportMetric(float64(js.Size())/1e6, "json-MB")
}

// BenchmarkWriteShopSample renders the hand-made shop result in every format.
func BenchmarkWriteShopSample(b *testing.B) {
	res := sample.Shop()
	dir := b.TempDir()
	for b.Loop() {
		if err := Write(context.Background(), res, dir, Options{Formats: AllFormats}); err != nil {
			b.Fatal(err)
		}
	}
}
