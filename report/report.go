// Package report renders an analysis result for people: a self-contained HTML page for
// architects (service map, per-service canvases, table ownership matrix, filterable findings
// with code excerpts, plan, granularity sweep), a Markdown summary for pull-request comments,
// the analysis JSON itself, and the graphs as DOT, SVG and PNG. It only reads the result,
// never re-analyses.
//
// The documents are built by report/render (pure Go); graphs are laid out by report/graph
// (go-graphviz) in worker processes, in parallel, each within its time budget. Write may be
// called concurrently on different directories. Output is deterministic for a given result
// and options, except the SVG/PNG produced by Graphviz (stable for one go-graphviz version).
package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/report/graph"
	"github.com/carve-go/carve/report/render"
)

// Format is one output format of Write.
type Format string

// Formats.
const (
	HTML     Format = "html" // index.html
	Markdown Format = "md"   // report.md
	JSON     Format = "json" // analysis.json
	DOT      Format = "dot"  // services.dot, packages.dot, tables.dot
	SVG      Format = "svg"  // services.svg, … (graphs that could be laid out)
	PNG      Format = "png"  // services.png, … (rasterized from the SVG)
)

// AllFormats lists every format in the order Write produces them.
var AllFormats = []Format{HTML, Markdown, JSON, DOT, SVG, PNG}

// DefaultFormats is what Write produces when Options.Formats is empty: everything but PNG,
// which costs a rasterization per graph.
var DefaultFormats = []Format{HTML, Markdown, JSON, DOT, SVG}

// ParseFormats parses a comma-separated list such as "html,md"; "all" means AllFormats.
// Duplicates are ignored; an unknown name is an error that lists the known ones.
func ParseFormats(s string) ([]Format, error) {
	seen := map[Format]bool{}
	var out []Format
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if f == "all" {
			return AllFormats, nil
		}
		if f == "markdown" {
			f = "md"
		}
		ok := false
		for _, k := range AllFormats {
			ok = ok || string(k) == f
		}
		if !ok {
			return nil, fmt.Errorf("parse formats: unknown format %q (want html, md, json, dot, svg, png or all)", f)
		}
		if !seen[Format(f)] {
			seen[Format(f)] = true
			out = append(out, Format(f))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("parse formats: no format given")
	}
	return out, nil
}

// Options controls Write. The zero value is usable.
type Options struct {
	// Formats to write; default DefaultFormats.
	Formats []Format
	// SourceRoot is the analysed module root, read for code excerpts; "" means no excerpts.
	// Missing or unreadable files give no excerpt, never an error.
	SourceRoot string
	// GraphTimeout is the time budget of each graph layout; default 20 s. A graph that
	// does not finish in time is shown as "graph too large to lay out" with its DOT file.
	GraphTimeout time.Duration
	// MaxGraphNodes and MaxGraphEdges cap the graphs that are laid out at all; defaults
	// 1000 nodes and 3000 edges. Bigger graphs are written as DOT only.
	MaxGraphNodes int
	MaxGraphEdges int
	// Render tunes the documents (list caps, excerpt context); zero values take defaults.
	Render render.Options
	// Progress, when set, is called as each stage starts (done of total stages). The CLI
	// prints it on a terminal only.
	Progress func(stage string, done, total int)
}

func (o Options) withDefaults() Options {
	if len(o.Formats) == 0 {
		o.Formats = DefaultFormats
	}
	if o.GraphTimeout <= 0 {
		o.GraphTimeout = 20 * time.Second
	}
	if o.MaxGraphNodes <= 0 {
		o.MaxGraphNodes = 1000
	}
	if o.MaxGraphEdges <= 0 {
		o.MaxGraphEdges = 3000
	}
	if o.Render.SourceRoot == "" {
		o.Render.SourceRoot = o.SourceRoot
	}
	return o
}

// Write renders res into dir (created if missing) in the requested formats: index.html,
// report.md, analysis.json, and <graph>.dot/.svg/.png for the graphs services, packages and
// tables. A graph that is too large or too slow to lay out is not an error: it is written
// as DOT (also when DOT is not among the formats, so the page can point at it) and the page
// says so. Errors: res is nil, dir cannot be created, a file cannot be written, or ctx is
// cancelled.
func Write(ctx context.Context, res *analyzer.Result, dir string, opts Options) error {
	if res == nil {
		return errors.New("write report: no analysis result")
	}
	opts = opts.withDefaults()
	want := map[Format]bool{}
	for _, f := range opts.Formats {
		want[f] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	w := &writer{ctx: ctx, dir: dir, opts: opts, want: want}
	w.total = 2 // build, graphs (DOT)
	if want[HTML] || want[SVG] || want[PNG] {
		w.total++
	}
	for _, f := range []Format{HTML, Markdown, JSON} {
		if want[f] {
			w.total++
		}
	}
	return w.run(res)
}

type writer struct {
	ctx         context.Context
	dir         string
	opts        Options
	want        map[Format]bool
	done, total int
}

func (w *writer) stage(name string) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if w.opts.Progress != nil {
		w.opts.Progress(name, w.done, w.total)
	}
	w.done++
	return nil
}

func (w *writer) file(name string, b []byte) error {
	if err := os.WriteFile(filepath.Join(w.dir, name), b, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func (w *writer) run(res *analyzer.Result) error {
	if err := w.stage("build view"); err != nil {
		return err
	}
	v := render.Build(res, w.opts.Render)
	if err := w.stage("write graphs"); err != nil {
		return err
	}
	v.Graphs = render.Graphs(v)
	if w.want[HTML] || w.want[SVG] || w.want[PNG] {
		// Layouts run in worker processes (report/graph), so the graphs are laid out in
		// parallel: the wall time is that of the slowest, within its budget.
		if err := w.stage("lay out graphs"); err != nil {
			return err
		}
		errs := make([]error, len(v.Graphs))
		var wg sync.WaitGroup
		for i, g := range v.Graphs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = w.layout(g)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for _, g := range v.Graphs {
		// The DOT file is written when asked for, and whenever the page falls back to it.
		if w.want[DOT] || (w.want[HTML] && g.Fallback != "") {
			if err := w.file(g.Name+".dot", g.DOT); err != nil {
				return err
			}
			g.Files = append(g.Files, g.Name+".dot")
		}
		sort.Strings(g.Files)
	}
	if w.want[HTML] {
		if err := w.stage("write index.html"); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := render.HTML(&buf, v); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		if err := w.file("index.html", buf.Bytes()); err != nil {
			return err
		}
	}
	if w.want[Markdown] {
		if err := w.stage("write report.md"); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := render.Markdown(&buf, v); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		if err := w.file("report.md", buf.Bytes()); err != nil {
			return err
		}
	}
	if w.want[JSON] {
		if err := w.stage("write analysis.json"); err != nil {
			return err
		}
		b, err := MarshalJSON(res)
		if err != nil {
			return err
		}
		if err := w.file("analysis.json", b); err != nil {
			return err
		}
	}
	if w.opts.Progress != nil {
		w.opts.Progress("done", w.total, w.total)
	}
	return nil
}

// layout lays out g as SVG (within the size caps and time budget) and writes the SVG and
// PNG files asked for. Failing to lay out is not an error: g.Fallback says why.
func (w *writer) layout(g *render.Graph) error {
	if g.Nodes > w.opts.MaxGraphNodes || g.Edges > w.opts.MaxGraphEdges {
		g.Fallback = fmt.Sprintf("graph too large to lay out: %d nodes, %d edges; see %s.dot", g.Nodes, g.Edges, g.Name)
		return nil
	}
	ctx, cancel := context.WithTimeout(w.ctx, w.opts.GraphTimeout)
	defer cancel()
	svg, err := graph.SVG(ctx, g.DOT, g.Layout)
	switch {
	case err != nil && w.ctx.Err() != nil:
		return fmt.Errorf("write report: %w", w.ctx.Err())
	case errors.Is(err, graph.ErrTimeout):
		g.Fallback = fmt.Sprintf("graph too large to lay out: %d nodes (no layout within %s); see %s.dot", g.Nodes, w.opts.GraphTimeout, g.Name)
		return nil
	case err != nil:
		g.Fallback = fmt.Sprintf("graph could not be laid out (%v); see %s.dot", err, g.Name)
		return nil
	}
	g.SVG = render.InlineSVG(svg)
	if w.want[SVG] {
		if err := w.file(g.Name+".svg", svg); err != nil {
			return err
		}
		g.Files = append(g.Files, g.Name+".svg")
	}
	if w.want[PNG] {
		b, err := graph.PNG(svg, 0)
		if err != nil {
			// A drawing the rasterizer cannot read is not worth failing the report for.
			g.Files = append(g.Files, "("+g.Name+".png: "+err.Error()+")")
			return nil
		}
		if err := w.file(g.Name+".png", b); err != nil {
			return err
		}
		g.Files = append(g.Files, g.Name+".png")
	}
	return nil
}

// MarshalJSON returns the analysis document as Write stores it in analysis.json: indented
// with two spaces, newline-terminated, byte-stable for a given result.
func MarshalJSON(res *analyzer.Result) ([]byte, error) {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write report: encode analysis.json: %w", err)
	}
	return append(b, '\n'), nil
}

// ReadResult reads an analysis document (analysis.json) from path. Errors name the path and,
// for malformed JSON, the line and column; a document of another schema version is refused.
func ReadResult(path string) (*analyzer.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read analysis: %w", err)
	}
	return ParseResult(path, b)
}

// ParseResult decodes an analysis document; name (a path, or "stdin") prefixes the errors,
// which give line:col for malformed JSON. Documents of another schema version are refused.
func ParseResult(name string, b []byte) (*analyzer.Result, error) {
	path := name
	var res analyzer.Result
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("read analysis: %s: %s", path, jsonError(b, err))
	}
	if res.SchemaVersion == 0 {
		return nil, fmt.Errorf("read analysis: %s: no schema_version: not a carve analysis document", path)
	}
	if res.SchemaVersion != analyzerSchemaVersion {
		return nil, fmt.Errorf("read analysis: %s: schema_version %d, this carve reads %d: re-run carve analyze", path, res.SchemaVersion, analyzerSchemaVersion)
	}
	return &res, nil
}

// jsonError adds line:col to JSON syntax and type errors.
func jsonError(b []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err.Error()
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Sprintf("%d:%d: %v", line, col, err)
}

// analyzerSchemaVersion is the analysis document version this package reads.
const analyzerSchemaVersion = facts.SchemaVersion
