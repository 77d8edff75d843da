package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/spec"
)

func init() { register(newScoreCmd) }

type scoreOptions struct {
	truth     string
	specPath  string
	format    string
	minMoJoFM float64
	minOwner  float64
	list      bool
}

func newScoreCmd() *cobra.Command {
	var o scoreOptions
	cmd := &cobra.Command{
		Use:   "score [dir] --truth truth.carve.yaml",
		Short: "Compare carve's proposal (or a carve.yaml) with a known true decomposition",
		Long: `score analyses the module in dir (default ".") and compares its services with a
hand-written true decomposition in carve.yaml form: MoJoFM (percent, 100 = same partition),
adjusted Rand index (1 = same partition) and table-owner accuracy (percent). With --spec the
given carve.yaml is scored instead of carve's own proposal. Formulas: docs/metrics.md.

Exit codes: 0 ok, 1 a --min-* threshold was missed, 2 usage or spec error, 3 analysis failure.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runScore(cmd, dir, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.truth, "truth", "", "the true decomposition, a carve.yaml (required)")
	f.StringVar(&o.specPath, "spec", "", "score this carve.yaml instead of carve's proposal")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.Float64Var(&o.minMoJoFM, "min-mojofm", 0, "exit 1 when MoJoFM (percent) is below this")
	f.Float64Var(&o.minOwner, "min-owner-accuracy", 0, "exit 1 when owner accuracy (percent) is below this")
	f.BoolVar(&o.list, "list", false, "also list the units and tables placed differently from the truth")
	return cmd
}

func runScore(cmd *cobra.Command, dir string, o scoreOptions) error {
	if o.truth == "" {
		return withCode(exitUsage, errors.New("score: --truth is required (a carve.yaml with the true services)"))
	}
	if o.format != "text" && o.format != "json" {
		return withCode(exitUsage, fmt.Errorf("score: --format %q: want text or json", o.format))
	}
	truth, err := spec.Load(o.truth)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("score: truth: %w", err))
	}
	opts := analyzer.Options{Dir: dir}
	if o.specPath != "" {
		sp, err := spec.Load(o.specPath)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("score: spec: %w", err))
		}
		opts.Spec = sp
	}
	res, err := analyzer.Analyze(cmd.Context(), opts)
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("score: %w", err))
	}
	if res.Proposal == nil {
		return withCode(exitAnalysis, errors.New("score: the analysis produced no proposal"))
	}
	sc := decompose.Score(&res.Facts, res.Proposal, truth)
	if !o.list {
		sc.Misplaced, sc.WrongOwners = nil, nil
	}
	w := cmd.OutOrStdout()
	if o.format == "json" {
		b, err := json.MarshalIndent(sc, "", "  ")
		if err != nil {
			return withCode(exitAnalysis, fmt.Errorf("score: %w", err))
		}
		fmt.Fprintf(w, "%s\n", b)
	} else {
		fmt.Fprintf(w, "MoJoFM          %6.1f %%\n", sc.MoJoFM)
		fmt.Fprintf(w, "ARI             %6.3f\n", sc.ARI)
		fmt.Fprintf(w, "owner accuracy  %6.1f %%\n", sc.OwnerAccuracy)
		fmt.Fprintf(w, "(%d units and %d tables compared; %s: %d services)\n", sc.Units, sc.Tables, res.Proposal.Source, len(res.Proposal.Services))
		for _, m := range sc.Misplaced {
			fmt.Fprintf(w, "unit  %s: in %s (≈ %s), truth %s\n", m.Unit, m.Got, m.As, m.Truth)
		}
		for _, m := range sc.WrongOwners {
			fmt.Fprintf(w, "table %s: owned by %s (≈ %s), truth %s\n", m.Table, m.Got, m.As, m.Truth)
		}
	}
	if sc.MoJoFM < o.minMoJoFM || sc.OwnerAccuracy < o.minOwner {
		return withCode(exitViolations, fmt.Errorf("score: below threshold (MoJoFM %.1f %% < %.1f %% or owner accuracy %.1f %% < %.1f %%)",
			sc.MoJoFM, o.minMoJoFM, sc.OwnerAccuracy, o.minOwner))
	}
	return nil
}
