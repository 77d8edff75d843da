package analyzer

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/history"
)

// addSignals adds the optional history/team evaluation and the measured traffic to res.
func addSignals(ctx context.Context, res *Result, root string, opts Options) error {
	if res.Proposal == nil || (!opts.History && len(opts.AccessLogs) == 0) {
		return nil
	}
	fileService := FileServices(res)
	if opts.History {
		l, err := history.Read(ctx, root, history.Options{Since: opts.Since, MaxCommits: opts.MaxCommits, Filter: sourceFile})
		switch {
		case errors.Is(err, history.ErrNotGit):
			res.Skipped = append(res.Skipped, facts.Skipped{What: "history", Reason: "not a git repository: no co-change or author signals"})
		case err != nil:
			return err
		default:
			owners, err := history.FindCodeowners(root)
			if err != nil {
				return err
			}
			coupling := map[string]int{}
			for _, f := range res.Findings {
				if f.Pos.File != "" {
					coupling[f.Pos.File]++
				}
			}
			res.History = history.Evaluate(l, history.Compute(l), owners, fileService, coupling)
		}
	}
	if len(opts.AccessLogs) > 0 {
		routeService := map[string]string{}
		for _, s := range res.Services {
			for _, r := range s.Routes {
				routeService[r] = s.Name
			}
		}
		t, err := history.ReadTraffic(opts.AccessLogs, res.Routes, routeService)
		if err != nil {
			return err
		}
		res.Traffic = t
	}
	return nil
}

// coChange reads the module's git history and returns the co-change pairs for the proposal;
// none (and no error) when the module is not in a git repository.
func coChange(ctx context.Context, opts Options) ([]decompose.CoChange, error) {
	root, err := ModuleRoot(orDot(opts.Dir))
	if err != nil {
		return nil, err
	}
	l, err := history.Read(ctx, root, history.Options{Since: opts.Since, MaxCommits: opts.MaxCommits, Filter: sourceFile})
	if errors.Is(err, history.ErrNotGit) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []decompose.CoChange
	for _, p := range history.Compute(l).Pairs() {
		out = append(out, decompose.CoChange{A: p.A, B: p.B, Commits: p.Count})
	}
	return out, nil
}

// sourceFile keeps the files an analysis reads: non-test Go files and SQL files.
func sourceFile(p string) bool {
	return (strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")) || strings.HasSuffix(p, ".sql")
}

// FileServices maps each file holding units of a service to that service; a file whose units
// are split across services goes to the service holding most of its lines (ties: by name).
func FileServices(res *Result) map[string]string {
	if res.Proposal == nil {
		return nil
	}
	lines := map[facts.UnitID]int{}
	file := map[facts.UnitID]string{}
	for _, u := range res.Units {
		lines[u.ID] = u.Lines
		file[u.ID] = u.File()
	}
	weight := map[string]map[string]int{}
	for _, s := range res.Services {
		for _, id := range s.Units {
			f := file[id]
			if f == "" {
				continue
			}
			if weight[f] == nil {
				weight[f] = map[string]int{}
			}
			weight[f][s.Name] += lines[id] + 1
		}
	}
	out := map[string]string{}
	for f, ws := range weight {
		names := make([]string, 0, len(ws))
		for n := range ws {
			names = append(names, n)
		}
		sort.Strings(names)
		best := names[0]
		for _, n := range names[1:] {
			if ws[n] > ws[best] {
				best = n
			}
		}
		out[f] = best
	}
	return out
}
