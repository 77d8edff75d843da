package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/spec"
	"github.com/carve-go/carve/report"
)

// Flags of carve analyze that drive the proposal, the boundaries file, the history signals
// and the report shortcut.
type proposalFlags struct {
	specPath  string
	propose   bool
	writeSpec string
	force     bool
	sweep     string
	reportDir string
	accessLog []string
	specRoot  string // module root of the analysed dir (set in before)
}

func init() {
	pf := &proposalFlags{}
	extendAnalyze(analyzeExtension{
		flags: func(f *pflag.FlagSet, o *analyzeOptions) {
			f.StringVar(&pf.specPath, "spec", "", "boundaries file to evaluate (default: carve.yaml at the module root, when present)")
			f.BoolVar(&pf.propose, "propose", false, "propose services even when a carve.yaml exists")
			f.StringVar(&pf.writeSpec, "write-spec", "", "write the proposal as a boundaries file (default carve.yaml at the module root); never overwrites without --force")
			f.Lookup("write-spec").NoOptDefVal = "carve.yaml"
			f.BoolVar(&pf.force, "force", false, "let --write-spec overwrite an existing file")
			f.IntVar(&o.lib.Services, "services", 0, "target number of services (0: chosen by modularity)")
			f.Float64Var(&o.lib.Resolution, "resolution", 0, "modularity resolution: higher gives more, smaller services (default 1.0)")
			f.StringVar(&pf.sweep, "sweep", "", "comma-separated service counts to compute the metric panel for, e.g. 4,6,8,10,12")
			f.BoolVar(&o.lib.History, "history", false, "read git history and CODEOWNERS: co-change, authors, teams per service, hot spots")
			f.StringVar(&o.lib.Since, "since", "", "with --history: only commits since this date (git log --since)")
			f.IntVar(&o.lib.MaxCommits, "max-commits", 0, "with --history: newest commits to read (default 5000)")
			f.Float64Var(&o.lib.HistoryWeight, "history-weight", 0, "with --history: weight of co-change in the proposal (0: evaluate only)")
			f.StringArrayVar(&pf.accessLog, "access-log", nil, "access log (carve proxy JSON or NGINX/CLF) giving requests per route; repeatable")
			f.StringVar(&pf.reportDir, "report", "", "also write the report (HTML, Markdown, JSON, graphs) to DIR")
		},
		before: func(cmd *cobra.Command, o *analyzeOptions) error {
			return pf.before(o)
		},
		after: func(cmd *cobra.Command, o *analyzeOptions, res *analyzer.Result) error {
			return pf.after(cmd, o, res)
		},
	})
}

func (pf *proposalFlags) before(o *analyzeOptions) error {
	root, err := analyzer.ModuleRoot(o.lib.Dir)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("analyze: %v", err))
	}
	pf.specRoot = root
	if pf.sweep != "" {
		for _, s := range strings.Split(pf.sweep, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				return withCode(exitUsage, fmt.Errorf("analyze: --sweep %q: want comma-separated service counts", pf.sweep))
			}
			o.lib.Sweep = append(o.lib.Sweep, n)
		}
	}
	if o.lib.HistoryWeight < 0 {
		return withCode(exitUsage, fmt.Errorf("analyze: --history-weight %g: want 0 or more", o.lib.HistoryWeight))
	}
	if o.lib.HistoryWeight > 0 {
		o.lib.History = true
	}
	o.lib.AccessLogs = pf.accessLog
	if pf.writeSpec != "" {
		if pf.specPath != "" {
			return withCode(exitUsage, errors.New("analyze: --write-spec writes a proposal; it does not go with --spec"))
		}
		out := pf.writeSpecPath()
		if _, err := os.Stat(out); err == nil && !pf.force {
			return withCode(exitUsage, fmt.Errorf("analyze: %s exists; pass --force to overwrite it, or --write-spec=OTHER.yaml", out))
		}
		pf.propose = true
	}
	path := pf.specPath
	if path == "" && !pf.propose {
		if p := filepath.Join(root, "carve.yaml"); fileExists(p) {
			path = p
		}
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("analyze: %v", err))
		}
		sp, err := spec.Parse(path, data)
		if err != nil {
			return withCode(exitUsage, err)
		}
		o.specData = data
		o.lib.Spec = sp
		if o.lib.Dialect == "" {
			o.lib.Dialect = sp.Dialect
		}
	}
	return nil
}

func (pf *proposalFlags) writeSpecPath() string {
	if filepath.IsAbs(pf.writeSpec) {
		return pf.writeSpec
	}
	if pf.writeSpec == "carve.yaml" {
		return filepath.Join(pf.specRoot, "carve.yaml")
	}
	return pf.writeSpec
}

func (pf *proposalFlags) after(cmd *cobra.Command, o *analyzeOptions, res *analyzer.Result) error {
	if pf.writeSpec != "" && res.Proposal != nil {
		out := pf.writeSpecPath()
		flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if pf.force {
			flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(out, flag, 0o644)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("analyze: write spec: %v", err))
		}
		_, werr := f.Write(decompose.WriteSpec(res.Proposal, &res.Facts))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return withCode(exitAnalysis, fmt.Errorf("analyze: write spec: %v", werr))
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d services); edit it, then carve analyze evaluates it and carve check enforces it\n", relTo(out), len(res.Services))
	}
	if pf.reportDir != "" {
		opts := report.Options{SourceRoot: pf.specRoot}
		if err := report.Write(cmd.Context(), res, pf.reportDir, opts); err != nil {
			return withCode(exitAnalysis, fmt.Errorf("analyze: report: %v", err))
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote report to %s (open %s)\n", pf.reportDir, filepath.Join(pf.reportDir, "index.html"))
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// writeProposalText writes the proposal part of the analyze summary: services with their
// tables and routes, the shared kernel, findings by kind, the extraction order.
func writeProposalText(w io.Writer, res *analyzer.Result) error {
	p := res.Proposal
	if p == nil {
		return nil
	}
	ew := &errWriter{w: w}
	source := "proposed services"
	if p.Source == "carve.yaml" {
		source = "services of carve.yaml"
	}
	ew.printf("\n%s (%d):\n", source, len(p.Services))
	for _, s := range p.Services {
		ew.printf("  %-16s %3d units %5d lines  tables: %s\n", s.Name, len(s.Units), s.Lines, listOrDash(s.Tables, 6))
		if len(s.Routes) > 0 {
			ew.printf("  %-16s routes: %s\n", "", listOrDash(s.Routes, 4))
		}
		for _, sp := range s.Splits {
			ew.printf("  %-16s from %s: %s\n", "", sp.Package, listOrDash(sp.Files, 6))
		}
	}
	if len(p.Kernel.Packages) > 0 || len(p.Kernel.Units) > 0 {
		ew.printf("  %-16s %3d units  packages: %s\n", "(shared kernel)", len(p.Kernel.Units), listOrDash(p.Kernel.Packages, 6))
	}
	byKind := map[string]int{}
	for _, f := range p.Findings {
		byKind[string(f.Kind)]++
	}
	if len(byKind) > 0 {
		var kinds []string
		for k := range byKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		ew.printf("\nfindings (%d):", len(p.Findings))
		for _, k := range kinds {
			ew.printf(" %s %d", k, byKind[k])
		}
		ew.printf("\n")
	}
	if len(p.Plan) > 0 {
		ew.printf("\nextraction order (least entangled first):\n")
		for _, st := range p.Plan {
			ew.printf("  %2d. %-16s %s\n", st.Order, st.Service, st.Why)
		}
	}
	keys := make([]string, 0, len(p.Metrics))
	for k := range p.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		ew.printf("\nmetrics:")
		for i, k := range keys {
			if i%4 == 0 {
				ew.printf("\n ")
			}
			ew.printf(" %s=%.3f", k, p.Metrics[k])
		}
		ew.printf("\n")
	}
	if h := res.History; h != nil {
		ew.printf("\nhistory (%d commits): ICF %.3f, ECF %.3f, REI %.3f\n", h.Commits, h.ICF, h.ECF, h.REI)
		for _, c := range h.Conflicts {
			ew.printf("  conflict: %s\n", c)
		}
		for _, warn := range h.Warnings {
			ew.printf("  note: %s\n", warn)
		}
	}
	if t := res.Traffic; t != nil {
		ew.printf("\ntraffic (%s, %d of %d requests matched):\n", t.Source, t.Matched, t.Requests)
		for _, s := range t.Services {
			ew.printf("  %-16s %8d requests %5.1f%%\n", s.Service, s.Requests, 100*s.Share)
		}
	}
	return ew.err
}

func listOrDash(xs []string, max int) string {
	if len(xs) == 0 {
		return "-"
	}
	if len(xs) > max {
		return strings.Join(xs[:max], ", ") + fmt.Sprintf(", … %d more", len(xs)-max)
	}
	return strings.Join(xs, ", ")
}
