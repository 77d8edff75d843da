package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
)

func init() { register(newAnalyzeCmd) }

// analyzeOptions holds the flags of carve analyze. lib is handed to analyzer.Analyze;
// extensions (other command files) bind their flags to it or to their own state.
type analyzeOptions struct {
	format  string
	tags    string
	tests   bool
	dialect string
	out     string
	noCache bool
	lib     analyzer.Options
	// specData is the raw boundaries file evaluated (set by the spec extension), part of the
	// cache key.
	specData []byte
}

// analyzeExtension lets another command file add flags to carve analyze and act before the
// analysis (validate, fill lib options) and after it (write files). Register it from an init
// function with extendAnalyze.
type analyzeExtension struct {
	flags  func(f *pflag.FlagSet, o *analyzeOptions)
	before func(cmd *cobra.Command, o *analyzeOptions) error
	after  func(cmd *cobra.Command, o *analyzeOptions, res *analyzer.Result) error
}

var analyzeExtensions []analyzeExtension

// extendAnalyze registers an extension of carve analyze.
func extendAnalyze(e analyzeExtension) { analyzeExtensions = append(analyzeExtensions, e) }

func newAnalyzeCmd() *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze [dir] [patterns...]",
		Short: "Extract units, calls, SQL, transactions, schema and routes of a Go module",
		Long: `analyze loads the Go module (or go.work workspace) in dir (default ".") and lists what carve
knows about it: packages, units (functions, methods, types) and their calls, every SQL statement
with the tables it reads and writes, transactions, the schema from migrations, and HTTP routes.
Patterns default to ./... . Packages that do not compile are analysed as far as possible and
listed as skipped with the reason.

Output: --format text (a summary) or json (the analysis document, docs/analysis-json.md).
Exit codes: 0 ok, 2 usage error, 3 the analysis could not run (nothing loaded).`,
		Example: `  carve analyze                       # the module in the current directory
  carve analyze ./testdata/shop --format json --out shop.json
  carve analyze . ./internal/... --tags integration --dialect mysql`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd, args, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.tags, "tags", "", "comma-separated build tags")
	f.BoolVar(&o.tests, "tests", false, "include _test.go files")
	f.StringVar(&o.dialect, "dialect", "", "SQL dialect: postgres or mysql (default: from the drivers the code imports)")
	f.StringVarP(&o.out, "out", "o", "", "write the output to FILE instead of stdout")
	f.BoolVar(&o.noCache, "no-cache", false, "always analyse; do not read or write the analysis cache ($CARVE_CACHE)")
	for _, e := range analyzeExtensions {
		if e.flags != nil {
			e.flags(f, o)
		}
	}
	return cmd
}

// analyzeCached runs the analysis through the content-keyed cache (docs/check.md): an
// unchanged tree with the same options and carve binary reuses the stored result. History and
// access logs are not content of the tree, so runs that read them always analyse.
func analyzeCached(cmd *cobra.Command, o *analyzeOptions) (*analyzer.Result, error) {
	compute := func() (*analyzer.Result, error) { return analyzer.Analyze(cmd.Context(), o.lib) }
	if o.noCache || o.lib.History || len(o.lib.AccessLogs) > 0 {
		return compute()
	}
	cache, err := analyzer.DefaultCache()
	if err != nil {
		return compute()
	}
	res, _, err := cache.Analyze(compute, o.lib, o.specData)
	return res, err
}

// looksLikePath reports whether a command-line argument is written as a file system path
// rather than an import path pattern.
func looksLikePath(arg string) bool {
	return arg == "." || arg == ".." || strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../") || strings.HasPrefix(arg, "testdata/")
}

// splitAnalyzeArgs separates the directory from the package patterns: the first argument is
// the directory when it names one and is not a pattern (no "...").
func splitAnalyzeArgs(args []string) (string, []string) {
	if len(args) == 0 {
		return ".", nil
	}
	if !strings.Contains(args[0], "...") {
		if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() {
			return args[0], args[1:]
		}
	}
	return ".", args
}

func runAnalyze(cmd *cobra.Command, args []string, o *analyzeOptions) error {
	if o.format != "text" && o.format != "json" {
		return withCode(exitUsage, fmt.Errorf("analyze: --format %q: want text or json", o.format))
	}
	if o.dialect != "" && o.dialect != "postgres" && o.dialect != "mysql" {
		return withCode(exitUsage, fmt.Errorf("analyze: --dialect %q: want postgres or mysql", o.dialect))
	}
	if len(args) > 0 && !strings.Contains(args[0], "...") && looksLikePath(args[0]) {
		if fi, err := os.Stat(args[0]); err != nil || !fi.IsDir() {
			return withCode(exitUsage, fmt.Errorf("analyze: %q is not a directory", args[0]))
		}
	}
	dir, patterns := splitAnalyzeArgs(args)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return withCode(exitUsage, fmt.Errorf("analyze: %q is not a directory", dir))
	}
	o.lib.Dir = dir
	o.lib.Patterns = patterns
	if o.tags != "" {
		o.lib.Tags = strings.Split(o.tags, ",")
	}
	o.lib.Tests = o.tests
	o.lib.Dialect = o.dialect
	for _, e := range analyzeExtensions {
		if e.before != nil {
			if err := e.before(cmd, o); err != nil {
				return err
			}
		}
	}
	stop := startProgress(cmd.ErrOrStderr(), &o.lib)
	res, err := analyzeCached(cmd, o)
	stop()
	if err != nil {
		return withCode(exitAnalysis, err)
	}
	for _, e := range analyzeExtensions {
		if e.after != nil {
			if err := e.after(cmd, o, res); err != nil {
				return err
			}
		}
	}
	return writeOutput(cmd.OutOrStdout(), o.out, func(w io.Writer) error {
		if o.format == "json" {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		}
		return writeAnalyzeText(w, res)
	})
}

// writeOutput runs write on stdout or on the file out, reporting write and close errors.
func writeOutput(stdout io.Writer, out string, write func(io.Writer) error) error {
	if out == "" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return withCode(exitAnalysis, fmt.Errorf("analyze: write: %v", err))
		}
		if err := bw.Flush(); err != nil {
			return withCode(exitAnalysis, fmt.Errorf("analyze: write: %v", err))
		}
		return nil
	}
	f, err := os.Create(out)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("analyze: --out: %v", err))
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("analyze: write %s: %v", out, err))
	}
	return nil
}

// startProgress shows the current stage on w when w is a terminal and the analysis runs
// longer than a second; it returns a function that stops and clears the display. Nothing is
// written when w is not a terminal (CI logs, pipes).
func startProgress(w io.Writer, opts *analyzer.Options) func() {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	var mu sync.Mutex
	stage, done, total := "load", 0, 0
	prev := opts.Progress
	opts.Progress = func(s string, d, t int) {
		mu.Lock()
		stage, done, total = s, d, t
		mu.Unlock()
		if prev != nil {
			prev(s, d, t)
		}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				mu.Lock()
				fmt.Fprintf(f, "\r\033[Kcarve analyze: %s (%d/%d) %.0fs", stage, done+1, max(total, done+1), time.Since(start).Seconds())
				mu.Unlock()
				shown = true
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

// writeAnalyzeText writes the human summary of an analysis.
func writeAnalyzeText(w io.Writer, res *analyzer.Result) error {
	s := res.Summary
	ew := &errWriter{w: w}
	ew.printf("module %s (dialect %s)\n", res.Module, res.Dialect)
	ew.printf("  packages      %d\n", s.Packages)
	ew.printf("  units         %d\n", s.Units)
	ew.printf("  edges         %d\n", len(res.Edges))
	ew.printf("  routes        %d\n", s.Routes)
	if ddl := s.SQLNoData; ddl > 0 {
		ew.printf("  sql           %d statements (%d DDL or utility); %d of the %d others attributed to tables (%s)\n", s.SQLStatements, ddl, s.SQLAttributed, s.SQLStatements-ddl, percent(s.SQLAttributed, s.SQLStatements-ddl))
	} else {
		ew.printf("  sql           %d statements, %d attributed to tables (%s)\n", s.SQLStatements, s.SQLAttributed, percent(s.SQLAttributed, s.SQLStatements))
	}
	ew.printf("  tables        %d\n", s.Tables)
	ew.printf("  transactions  %d\n", s.Transactions)
	ew.printf("  foreign keys  %d\n", len(res.ForeignKeys))
	if res.Proposal != nil {
		ew.printf("  services      %d\n", s.Services)
		ew.printf("  findings      %d\n", s.Findings)
	}
	if len(res.Skipped) > 0 {
		ew.printf("\nskipped (%d):\n", len(res.Skipped))
		for _, sk := range res.Skipped {
			ew.printf("  %s: %s\n", sk.What, sk.Reason)
		}
	}
	var unresolved []facts.SQL
	for _, q := range res.SQL {
		if q.Status == facts.Unresolved {
			unresolved = append(unresolved, q)
		}
	}
	if len(unresolved) > 0 {
		ew.printf("\nunresolved SQL (%d):\n", len(unresolved))
		for _, q := range unresolved {
			ew.printf("  %s: %s\n", q.Pos, q.Reason)
		}
	}
	type usage struct {
		name          string
		reads, writes int
	}
	use := map[string]*usage{}
	for _, q := range res.SQL {
		for _, t := range q.Tables {
			u := use[t.Name]
			if u == nil {
				u = &usage{name: t.Name}
				use[t.Name] = u
			}
			if t.Access.IsWrite() {
				u.writes++
			} else {
				u.reads++
			}
		}
	}
	var top []*usage
	for _, u := range use {
		top = append(top, u)
	}
	sort.Slice(top, func(i, j int) bool {
		a, b := top[i], top[j]
		if a.reads+a.writes != b.reads+b.writes {
			return a.reads+a.writes > b.reads+b.writes
		}
		return a.name < b.name
	})
	if len(top) > 0 {
		ew.printf("\ntop tables (statements reading / writing):\n")
		for i, u := range top {
			if i == 15 {
				ew.printf("  ... %d more\n", len(top)-15)
				break
			}
			ew.printf("  %-32s %4d / %d\n", u.name, u.reads, u.writes)
		}
	}
	if ew.err != nil {
		return ew.err
	}
	return writeProposalText(w, res)
}

func percent(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
