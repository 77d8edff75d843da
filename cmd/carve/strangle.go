package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/spec"
	"github.com/carve-go/carve/strangler"
)

func init() { register(newStrangleCmd) }

type strangleOptions struct {
	url      string
	stage    string
	weight   int
	config   string
	analysis string
	monolith string
	dryRun   bool
	force    bool
	noMerge  bool
}

func newStrangleCmd() *cobra.Command {
	var o strangleOptions
	cmd := &cobra.Command{
		Use:   "strangle SERVICE",
		Short: "Add or update a carved service's routes in strangler.yaml from the analysis",
		Long: `strangle reads the analysis (a JSON file from carve analyze --format json --out FILE, or a
module directory it analyses, with its carve.yaml when present), turns the HTTP routes of
SERVICE into strangler routes (exact paths, RE2 regexes for {params}, PathPrefix for
{rest...} and for prefixes no other service uses) and adds or updates them in strangler.yaml,
keeping the rest of the file and its comments. New routes start in stage shadow unless
--stage says otherwise. The file is created (with --monolith) only when it does not exist.

Routes whose handlers reach tables other services own are listed as warnings; --stage full
or retired is refused while they write such tables, unless --force.

Exit codes: 0 done, 1 refused (foreign writes), 2 usage or config error, 3 analysis failure.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStrangle(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "URL of the service (http://host:port); required when the service is not in the file yet")
	f.StringVar(&o.stage, "stage", "", "stage of the service's routes: shadow, canary, full or retired (default: shadow for new routes, unchanged for existing ones)")
	f.IntVar(&o.weight, "weight", -1, "percentage of requests sent to the service in stage canary (0-100)")
	f.StringVarP(&o.config, "config", "c", "strangler.yaml", "strangler config file to edit")
	f.StringVar(&o.analysis, "analysis", ".", "analysis JSON file, or a module directory to analyse")
	f.StringVar(&o.monolith, "monolith", "", "monolith URL, used only when the config file is created")
	f.BoolVar(&o.dryRun, "dry-run", false, "print a unified diff of the change and write nothing")
	f.BoolVar(&o.force, "force", false, "allow stage full or retired although routes write other services' tables")
	f.BoolVar(&o.noMerge, "no-merge", false, "one route per path pattern; do not merge routes under a common prefix")
	return cmd
}

func runStrangle(cmd *cobra.Command, service string, o strangleOptions) error {
	opts := strangler.ApplyOptions{URL: o.url, Stage: strangler.Stage(o.stage), Monolith: o.monolith, Force: o.force}
	if cmd.Flags().Changed("weight") {
		w := o.weight
		opts.Weight = &w
	}
	res, err := loadAnalysis(cmd, o.analysis)
	if err != nil {
		return err
	}
	plan, err := strangler.PlanService(&res.Facts, res.Proposal, service, strangler.PlanOptions{NoMerge: o.noMerge})
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("strangle: %v", err))
	}
	stderr := cmd.ErrOrStderr()
	for _, a := range plan.Foreign {
		fmt.Fprintf(stderr, "warning: %s\n", a)
	}
	data, err := os.ReadFile(o.config)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return withCode(exitUsage, fmt.Errorf("strangle: %v", err))
	}
	exists := err == nil
	if exists && len(data) == 0 {
		return withCode(exitUsage, fmt.Errorf("strangle: %s is empty; remove it to have it created", o.config))
	}
	edit, err := strangler.Apply(o.config, data, plan, opts)
	if err != nil {
		if errors.Is(err, strangler.ErrForeignWrites) {
			return withCode(exitViolations, fmt.Errorf("strangle: %v", err))
		}
		return withCode(exitUsage, fmt.Errorf("strangle: %v", err))
	}
	for _, n := range edit.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	stdout := cmd.OutOrStdout()
	if o.dryRun {
		before := "/dev/null"
		if exists {
			before = filepath.ToSlash(o.config)
		}
		io.WriteString(stdout, strangler.UnifiedDiff(before, filepath.ToSlash(o.config), edit.Before, edit.After))
		return nil
	}
	if err := writeFileAtomic(o.config, edit.After, exists); err != nil {
		return withCode(exitUsage, fmt.Errorf("strangle: %v", err))
	}
	verb := "updated"
	if !exists {
		verb = "created"
	}
	fmt.Fprintf(stdout, "%s %s: service %s, %d routes added, %d updated, %d unchanged\n", verb, o.config, service, len(edit.Added), len(edit.Updated), len(edit.Unchanged))
	state := map[string]string{}
	for _, n := range edit.Added {
		state[n] = "added"
	}
	for _, n := range edit.Updated {
		state[n] = "updated"
	}
	for _, pr := range plan.Routes {
		if st := state[pr.Route.Name]; st != "" {
			fmt.Fprintf(stdout, "  %-8s %s %s (%d analysed routes)\n", st, pr.Route.Name, describeMatch(pr.Route.Match), len(pr.Keys))
		}
	}
	return nil
}

// describeMatch renders a match on one line, e.g. "path_prefix /api/sale [GET POST]".
func describeMatch(m strangler.Match) string {
	s := "path_prefix " + m.PathPrefix
	switch {
	case m.PathExact != "":
		s = "path_exact " + m.PathExact
	case m.PathRegex != "":
		s = "path_regex " + m.PathRegex
	}
	if len(m.Methods) > 0 {
		s += " " + fmt.Sprint(m.Methods)
	}
	return s
}

// loadAnalysis reads an analysis JSON file, or analyses the module directory path (under its
// carve.yaml when there is one).
func loadAnalysis(cmd *cobra.Command, path string) (*analyzer.Result, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("strangle: --analysis: %v", err))
	}
	if !st.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, withCode(exitUsage, fmt.Errorf("strangle: --analysis: %v", err))
		}
		var res analyzer.Result
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, withCode(exitUsage, fmt.Errorf("strangle: read analysis %s: %v", path, err))
		}
		if res.SchemaVersion == 0 && res.Proposal == nil {
			return nil, withCode(exitUsage, fmt.Errorf("strangle: %s is not an analysis document (want the output of carve analyze --format json)", path))
		}
		return &res, nil
	}
	root, err := analyzer.ModuleRoot(path)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("strangle: %v", err))
	}
	opts := analyzer.Options{Dir: root}
	specPath := filepath.Join(root, "carve.yaml")
	if data, err := os.ReadFile(specPath); err == nil {
		sp, err := spec.Parse(relTo(specPath), data)
		if err != nil {
			return nil, withCode(exitUsage, err)
		}
		opts.Spec, opts.Dialect = sp, sp.Dialect
	}
	res, err := analyzer.Analyze(cmd.Context(), opts)
	if err != nil {
		return nil, withCode(exitAnalysis, fmt.Errorf("strangle: %v", err))
	}
	return res, nil
}

// writeFileAtomic replaces path with data through a temporary file in the same directory,
// keeping the mode of an existing file.
func writeFileAtomic(path string, data []byte, exists bool) error {
	mode := fs.FileMode(0o644)
	if exists {
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
