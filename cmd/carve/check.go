package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/boundary"
	"github.com/carve-go/carve/analyzer/spec"
)

func init() { register(newCheckCmd) }

type checkOptions struct {
	specPath       string
	baselinePath   string
	updateBaseline bool
	strict         bool
	format         string
	newFromRev     string
	noCache        bool
	out            string
}

func newCheckCmd() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [dir]",
		Short: "Fail on new cross-service coupling against carve.yaml and the baseline",
		Long: `check analyses the module in dir (default ".") under its carve.yaml and fails only on
coupling that is new: not in the baseline (carve.baseline.json), not suppressed inline with
//carve:allow <kind> <reason>. Fixed debt shows as stale baseline entries (an error with --strict).

Exit codes: 0 clean, 1 violations, 2 usage or config error, 3 analysis failure.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runCheck(cmd, dir, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.specPath, "spec", "", "boundaries file (default DIR/carve.yaml at the module root)")
	f.StringVar(&o.baselinePath, "baseline", "", "accepted debt (default carve.baseline.json next to the spec)")
	f.BoolVar(&o.updateBaseline, "update-baseline", false, "write every current violation to the baseline and exit 0")
	f.BoolVar(&o.strict, "strict", false, "fail on stale baseline entries too")
	f.StringVar(&o.format, "format", "text", "output format: text, json, sarif, github, markdown")
	f.StringVar(&o.newFromRev, "new-from-rev", "", "instead of a baseline, accept what already existed at git revision REV")
	f.BoolVar(&o.noCache, "no-cache", false, "always analyse; do not read or write the analysis cache")
	f.StringVarP(&o.out, "out", "o", "", "write the report to FILE instead of stdout")
	return cmd
}

func runCheck(cmd *cobra.Command, dir string, o checkOptions) error {
	format, err := boundary.ParseFormat(o.format)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("check: --format: %v", err))
	}
	if o.updateBaseline && o.newFromRev != "" {
		return withCode(exitUsage, errors.New("check: --update-baseline and --new-from-rev do not go together"))
	}
	root, err := analyzer.ModuleRoot(dir)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("check: %v", err))
	}
	specPath := o.specPath
	if specPath == "" {
		specPath = filepath.Join(root, "carve.yaml")
	}
	specData, err := os.ReadFile(specPath)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("check: %v; write one with carve analyze --write-spec, or pass --spec", err))
	}
	sp, err := spec.Parse(relTo(specPath), specData)
	if err != nil {
		return withCode(exitUsage, err)
	}
	baselinePath := o.baselinePath
	if baselinePath == "" {
		baselinePath = filepath.Join(filepath.Dir(specPath), "carve.baseline.json")
	}

	vs, err := checkViolations(cmd, root, sp, specData, o.noCache)
	if err != nil {
		return err
	}
	stdout := cmd.OutOrStdout()
	if o.updateBaseline {
		b := boundary.NewBaseline(vs)
		if err := os.WriteFile(baselinePath, b.Marshal(), 0o644); err != nil {
			return withCode(exitUsage, fmt.Errorf("check: write baseline: %v", err))
		}
		fmt.Fprintf(stdout, "wrote %s: %d entries covering %d violations\n", relTo(baselinePath), len(b.Entries), len(vs))
		return nil
	}

	var base *boundary.Baseline
	if o.newFromRev != "" {
		base, err = baselineFromRev(cmd, root, o.newFromRev, sp, specData)
		if err != nil {
			return err
		}
	} else {
		base, _, err = boundary.LoadBaseline(baselinePath)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("check: %v", err))
		}
	}
	res := boundary.Check(vs, base, boundary.Options{Root: root})

	w := stdout
	var file *os.File
	if o.out != "" {
		if file, err = os.Create(o.out); err != nil {
			return withCode(exitUsage, fmt.Errorf("check: %v", err))
		}
		defer file.Close()
		w = file
	}
	if err := boundary.Print(w, format, res, boundary.PrintOptions{Strict: o.strict, Version: version}); err != nil {
		return withCode(exitAnalysis, fmt.Errorf("check: write report: %v", err))
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return withCode(exitAnalysis, fmt.Errorf("check: write report: %v", err))
		}
	}
	if res.Failed(o.strict) {
		return silentExit(exitViolations)
	}
	return nil
}

// checkViolations analyses root under the spec (through the cache unless disabled).
func checkViolations(cmd *cobra.Command, root string, sp *spec.Spec, specData []byte, noCache bool) ([]boundary.Violation, error) {
	opts := analyzer.Options{Dir: root, Spec: sp, Dialect: sp.Dialect}
	compute := func() (*analyzer.Result, error) { return analyzer.Analyze(cmd.Context(), opts) }
	var res *analyzer.Result
	var err error
	cache, cerr := analyzer.DefaultCache()
	if noCache || cerr != nil {
		res, err = compute()
	} else {
		res, _, err = cache.Analyze(compute, opts, specData)
	}
	if err != nil {
		return nil, withCode(exitAnalysis, fmt.Errorf("check: %v", err))
	}
	return boundary.Violations(res.Proposal), nil
}

// baselineFromRev analyses the tree at git revision rev with the current spec and returns its
// violations as the baseline: only what the change adds fails.
func baselineFromRev(cmd *cobra.Command, root, rev string, sp *spec.Spec, specData []byte) (*boundary.Baseline, error) {
	git := func(args ...string) ([]byte, error) {
		c := exec.CommandContext(cmd.Context(), "git", append([]string{"-C", root}, args...)...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	if _, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		shallow, _ := git("rev-parse", "--is-shallow-repository")
		hint := ""
		if strings.TrimSpace(string(shallow)) == "true" {
			hint = " This is a shallow clone: fetch the revision first (git fetch --depth=1 origin " + rev + "), or check out with fetch-depth: 0."
		}
		return nil, withCode(exitUsage, fmt.Errorf("check: --new-from-rev: revision %q not found in this clone.%s", rev, hint))
	}
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("check: --new-from-rev: %v", err))
	}
	sub, err := filepath.Rel(strings.TrimSpace(string(top)), root)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("check: --new-from-rev: %v", err))
	}
	tmp, err := os.MkdirTemp("", "carve-rev-")
	if err != nil {
		return nil, withCode(exitAnalysis, err)
	}
	defer os.RemoveAll(tmp)
	archive := exec.CommandContext(cmd.Context(), "sh", "-c", `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, "sh", strings.TrimSpace(string(top)), rev, tmp)
	if out, err := archive.CombinedOutput(); err != nil {
		return nil, withCode(exitAnalysis, fmt.Errorf("check: --new-from-rev: extract %s: %v: %s", rev, err, strings.TrimSpace(string(out))))
	}
	vs, err := checkViolations(cmd, filepath.Join(tmp, sub), sp, specData, true)
	if err != nil {
		return nil, err
	}
	return boundary.NewBaseline(vs), nil
}

// relTo shortens path relative to the working directory when it is below it.
func relTo(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
