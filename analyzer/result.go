// Package analyzer runs carve's analysis of a Go module: it loads the code, extracts the fact
// base (units, edges, SQL, transactions, routes, schema) and turns it into a proposal of
// services, or evaluates a carve.yaml. Its one Result feeds report, check and strangler; none
// of them re-derives anything. Analyze is safe to call concurrently on different options.
package analyzer

import (
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/history"
	"github.com/carve-go/carve/analyzer/spec"
)

// Options controls one analysis.
type Options struct {
	Dir        string                              // module root or a directory inside it; default "."
	Patterns   []string                            // package patterns; default ["./..."]
	Tags       []string                            // build tags
	Tests      bool                                // include _test.go files
	Dialect    string                              // force postgres or mysql; default: from the drivers the code imports
	Spec       *spec.Spec                          // evaluate this boundaries file instead of proposing services
	Services   int                                 // target service count for the proposal; 0 = chosen by modularity
	Resolution float64                             // modularity resolution; 0 = default 1.0
	Sweep      []int                               // service counts to compute the metric panel for (granularity sweep)
	Progress   func(stage string, done, total int) // optional progress callback (terminal display)

	// History reads git history and CODEOWNERS and evaluates the services against them
	// (Result.History). HistoryWeight > 0 also feeds co-change into the proposal.
	History       bool
	Since         string   // git log --since bound (e.g. "2 years ago"); empty = all
	MaxCommits    int      // newest commits to read; 0 = 5000
	HistoryWeight float64  // weight of co-change in the proposal (0 = evaluation only)
	AccessLogs    []string // access logs giving requests per route (Result.Traffic)
}

// Summary holds the headline counts of a Result.
type Summary struct {
	Packages      int `json:"packages"`
	Units         int `json:"units"`
	Routes        int `json:"routes"`
	SQLStatements int `json:"sql_statements"`
	SQLAttributed int `json:"sql_attributed"` // statements with ≥ 1 table and status ≠ unresolved
	SQLNoData     int `json:"sql_no_data"`    // of SQLStatements, those that touch no data: DDL (its schema goes to tables/foreign_keys) and utility statements (SET, BEGIN, VACUUM…)
	Tables        int `json:"tables"`
	Transactions  int `json:"transactions"`
	Services      int `json:"services"`
	Findings      int `json:"findings"`
	Skipped       int `json:"skipped"`
}

// Result is the analysis document (docs/analysis-json.md): schema version, summary, the fact
// base and the proposal, flattened into one JSON object.
type Result struct {
	SchemaVersion int     `json:"schema_version"`
	Summary       Summary `json:"summary"`
	facts.Facts
	*decompose.Proposal
	History *history.Evaluation `json:"history,omitempty"` // change history and team signals
	Traffic *history.Traffic    `json:"traffic,omitempty"` // requests per route, measured from logs
}
