package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/report"
)

func init() { register(newReportCmd) }

// reportOptions holds the flags of carve report.
type reportOptions struct {
	in           string
	out          string
	formats      string
	source       string
	graphTimeout time.Duration
}

func newReportCmd() *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report --in analysis.json --out DIR",
		Short: "Render an analysis as HTML, Markdown, JSON and graphs (DOT, SVG, PNG)",
		Long: `report renders an analysis document (carve analyze --format json) for people, without
re-analysing: DIR/index.html (one self-contained page: summary and metrics, service map,
per-service canvases, table ownership matrix, filterable findings with code excerpts, plan,
granularity sweep), DIR/report.md (a pull-request comment), DIR/analysis.json, and the graphs
services, packages and tables as .dot, .svg and .png.

Code excerpts are read from --source (default: the directory holding --in); missing files
just give no excerpt. Graphs too large or too slow to lay out are written as DOT only and the
page says so.

Exit codes: 0 ok, 2 usage error or unreadable analysis, 3 the report could not be written.`,
		Example: `  carve analyze ./testdata/shop --format json --out shop.json
  carve report --in shop.json --out report --source ./testdata/shop
  carve report --in shop.json --out pr --formats md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.in, "in", "i", "", "analysis document to render (required; \"-\" reads stdin)")
	f.StringVarP(&o.out, "out", "o", "", "directory to write the report into (required; created if missing)")
	f.StringVar(&o.formats, "formats", "html,md,json,dot,svg", "comma-separated formats: html, md, json, dot, svg, png, or all")
	f.StringVar(&o.source, "source", "", "module root to read code excerpts from (default: the directory of --in)")
	f.DurationVar(&o.graphTimeout, "graph-timeout", 20*time.Second, "time budget to lay out each graph")
	return cmd
}

func runReport(cmd *cobra.Command, o *reportOptions) error {
	if o.in == "" || o.out == "" {
		return withCode(exitUsage, errors.New("report: --in and --out are required"))
	}
	formats, err := report.ParseFormats(o.formats)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("report: --formats: %w", err))
	}
	if o.graphTimeout <= 0 {
		return withCode(exitUsage, fmt.Errorf("report: --graph-timeout %s: want a positive duration", o.graphTimeout))
	}
	doc, err := readAnalysis(cmd.InOrStdin(), o.in)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("report: %w (create it with carve analyze --format json --out FILE)", err))
	}
	source := o.source
	if source == "" && o.in == "-" {
		source = "."
	}
	if source == "" {
		source = filepath.Dir(o.in)
	}
	if fi, err := os.Stat(source); err != nil || !fi.IsDir() {
		if o.source != "" {
			return withCode(exitUsage, fmt.Errorf("report: --source %q is not a directory", o.source))
		}
		source = ""
	}
	opts := report.Options{Formats: formats, SourceRoot: source, GraphTimeout: o.graphTimeout}
	stop := reportProgress(cmd.ErrOrStderr(), &opts)
	err = report.Write(cmd.Context(), doc, o.out, opts)
	stop()
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return withCode(exitAnalysis, fmt.Errorf("report: %w (check that --out is a writable directory)", err))
		}
		return withCode(exitAnalysis, fmt.Errorf("report: %w", err))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "report written to %s\n", filepath.Join(o.out, firstFile(formats)))
	return nil
}

// firstFile names the main file of the first format, for the closing message.
func firstFile(formats []report.Format) string {
	switch formats[0] {
	case report.HTML:
		return "index.html"
	case report.Markdown:
		return "report.md"
	case report.JSON:
		return "analysis.json"
	}
	return ""
}

// readAnalysis reads the analysis document from the file in, or from stdin when in is "-".
func readAnalysis(stdin io.Reader, in string) (*analyzer.Result, error) {
	if in != "-" {
		return report.ReadResult(in)
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("read analysis: stdin: %w", err)
	}
	return report.ParseResult("stdin", b)
}

// reportProgress prints the report's stages on w when w is a terminal (never in CI logs or
// pipes) and returns a function that clears the line.
func reportProgress(w io.Writer, opts *report.Options) func() {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	opts.Progress = func(stage string, done, total int) {
		fmt.Fprintf(f, "\r\033[Kcarve report: %s (%d/%d)", stage, done, total)
	}
	return func() { fmt.Fprint(f, "\r\033[K") }
}
