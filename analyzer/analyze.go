package analyzer

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/load"
	"github.com/carve-go/carve/analyzer/routes"
	"github.com/carve-go/carve/analyzer/sqlscan"
)

// ErrNothingLoaded is the error kind of an analysis that could not use any package: the
// patterns matched nothing, or every package failed to load. Analyze wraps it; the CLI maps
// it to exit code 3. Other errors (bad directory, a module needing a newer Go, cancellation)
// are returned as they are and also mean the analysis could not run.
var ErrNothingLoaded = load.ErrNothingLoaded

// Stages reported to Options.Progress, in order.
const (
	StageLoad     = "load"     // loading and type-checking packages
	StageGraph    = "graph"    // units and edges
	StageSQL      = "sql"      // SQL statements, transactions, schema files
	StageRoutes   = "routes"   // HTTP routes
	StagePropose  = "propose"  // services proposal (or spec evaluation)
	StageComplete = "complete" // done
)

// proposeHook computes res.Proposal from res.Facts. It is set by the decompose integration
// (analyzer/propose.go) when present; without it Result.Proposal stays nil.
var proposeHook func(ctx context.Context, res *Result, opts Options) error

// Analyze loads the module in opts.Dir and extracts its fact base: packages, units and edges,
// SQL statements with their tables, transactions, schema from migrations, HTTP routes; then
// (when the decompose integration is linked in) the proposal. Every list of the Result is
// sorted, so the same input gives the same output byte for byte.
//
// Packages that do not compile are analysed as far as they type-check and listed in
// Result.Skipped with the reason. The error wraps ErrNothingLoaded when nothing usable
// loaded; ctx cancellation stops loading and returns ctx.Err() wrapped.
func Analyze(ctx context.Context, opts Options) (*Result, error) {
	progress := func(stage string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(stage, done, total)
		}
	}
	if opts.Dialect != "" && opts.Dialect != "postgres" && opts.Dialect != "mysql" {
		return nil, fmt.Errorf("analyze: dialect %q: want postgres or mysql", opts.Dialect)
	}
	const stages = 5
	progress(StageLoad, 0, stages)
	prog, err := load.Load(ctx, load.Config{Dir: opts.Dir, Patterns: opts.Patterns, Tags: opts.Tags, Tests: opts.Tests})
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	res := &Result{SchemaVersion: facts.SchemaVersion}
	res.Module = prog.Module
	res.Skipped = append(res.Skipped, prog.Skipped...)

	progress(StageGraph, 1, stages)
	guard(res, "units and edges", func() { res.Packages, res.Units, res.Edges = prog.Graph() })

	progress(StageSQL, 2, stages)
	res.Dialect = facts.Dialect(opts.Dialect)
	guard(res, "sql", func() {
		sc := sqlscan.Scan(prog, sqlscan.Options{Dialect: facts.Dialect(opts.Dialect)})
		res.Dialect = sc.Dialect
		res.SQL = sc.SQL
		res.Transactions = sc.Transactions
		res.ForeignKeys = sc.ForeignKeys
		res.Routines = sc.Routines
		res.Tables = tablesOf(sc.Tables, sc.SQL)
		res.Skipped = append(res.Skipped, sc.Skipped...)
	})
	if res.Dialect == "" {
		res.Dialect = "postgres"
	}

	progress(StageRoutes, 3, stages)
	guard(res, "routes", func() {
		rs, skipped := routes.Extract(prog)
		res.Routes = rs
		res.Skipped = append(res.Skipped, skipped...)
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}

	normalize(res)
	if proposeHook != nil {
		progress(StagePropose, 4, stages)
		if err := proposeHook(ctx, res, opts); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
	}
	if err := addSignals(ctx, res, prog.Root, opts); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	res.Summary = summarize(res)
	progress(StageComplete, stages, stages)
	return res, nil
}

// guard runs one extractor; a panic (a carve bug on unusual code) is recorded in Skipped with
// the stage and the panic value instead of ending the whole analysis.
func guard(res *Result, stage string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			res.Skipped = append(res.Skipped, facts.Skipped{What: stage, Reason: fmt.Sprintf("internal error, this stage's facts are missing (please report): %v", r)})
		}
	}()
	f()
}

// IsNothingLoaded reports whether err means that no package could be analysed.
func IsNothingLoaded(err error) bool { return errors.Is(err, ErrNothingLoaded) }

// tablesOf adds the tables seen only in statements (Source "sql") to the schema tables.
func tablesOf(schema []facts.Table, sql []facts.SQL) []facts.Table {
	known := map[string]bool{}
	out := append([]facts.Table{}, schema...)
	for _, t := range schema {
		known[t.Name] = true
	}
	for _, s := range sql {
		if s.Status == facts.Unresolved {
			continue
		}
		for _, t := range s.Tables {
			if !known[t.Name] && !facts.IsSystemTable(t.Name) {
				known[t.Name] = true
				out = append(out, facts.Table{Name: t.Name, Pos: s.Pos, Source: "sql"})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// normalize sorts every list and replaces nil slices by empty ones, so the JSON document
// always has arrays.
func normalize(res *Result) {
	f := &res.Facts
	sort.SliceStable(f.SQL, func(i, j int) bool { return f.SQL[i].Pos.Less(f.SQL[j].Pos) })
	sort.SliceStable(f.Routes, func(i, j int) bool {
		if f.Routes[i].Pos != f.Routes[j].Pos {
			return f.Routes[i].Pos.Less(f.Routes[j].Pos)
		}
		return f.Routes[i].Key() < f.Routes[j].Key()
	})
	sort.SliceStable(f.Transactions, func(i, j int) bool { return f.Transactions[i].Pos.Less(f.Transactions[j].Pos) })
	sort.SliceStable(f.Skipped, func(i, j int) bool {
		if f.Skipped[i].What != f.Skipped[j].What {
			return f.Skipped[i].What < f.Skipped[j].What
		}
		return f.Skipped[i].Reason < f.Skipped[j].Reason
	})
	if f.Packages == nil {
		f.Packages = []facts.Package{}
	}
	if f.Units == nil {
		f.Units = []facts.Unit{}
	}
	if f.Edges == nil {
		f.Edges = []facts.Edge{}
	}
	if f.SQL == nil {
		f.SQL = []facts.SQL{}
	}
	for i := range f.SQL {
		if f.SQL[i].Tables == nil {
			f.SQL[i].Tables = []facts.TableAccess{}
		}
	}
	if f.Routes == nil {
		f.Routes = []facts.Route{}
	}
	if f.Transactions == nil {
		f.Transactions = []facts.Transaction{}
	}
	if f.Tables == nil {
		f.Tables = []facts.Table{}
	}
	if f.ForeignKeys == nil {
		f.ForeignKeys = []facts.ForeignKey{}
	}
	if f.Routines == nil {
		f.Routines = []facts.Routine{}
	}
	if f.Skipped == nil {
		f.Skipped = []facts.Skipped{}
	}
}

func summarize(res *Result) Summary {
	s := Summary{
		Packages:      len(res.Packages),
		Units:         len(res.Units),
		Routes:        len(res.Routes),
		SQLStatements: len(res.SQL),
		Tables:        len(res.Tables),
		Transactions:  len(res.Transactions),
		Skipped:       len(res.Skipped),
	}
	for _, q := range res.SQL {
		if q.Attributed() {
			s.SQLAttributed++
		}
		if q.NoData() {
			s.SQLNoData++
		}
	}
	if res.Proposal != nil {
		s.Services = len(res.Proposal.Services)
		s.Findings = len(res.Proposal.Findings)
	}
	return s
}
