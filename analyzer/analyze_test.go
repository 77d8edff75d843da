package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
)

const miniDir = "sqlscan/testdata/mini"

func TestAnalyzeDeterministic(t *testing.T) {
	var docs [2][]byte
	var stages []string
	for i := range docs {
		opts := Options{Dir: miniDir}
		if i == 0 {
			opts.Progress = func(stage string, done, total int) { stages = append(stages, stage) }
		}
		res, err := Analyze(context.Background(), opts)
		if err != nil {
			t.Fatalf("Analyze(%s): %v", miniDir, err)
		}
		docs[i], err = json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if res.SchemaVersion != facts.SchemaVersion {
			t.Errorf("SchemaVersion = %d, want %d", res.SchemaVersion, facts.SchemaVersion)
		}
		attributed, ddl := 0, 0
		for _, q := range res.SQL {
			if q.Attributed() {
				attributed++
			}
			if q.Kind == "ddl" || (q.Kind == "other" && q.Status != facts.Unresolved && len(q.Tables) == 0) {
				ddl++
			}
		}
		want := Summary{Packages: len(res.Packages), Units: len(res.Units), Routes: len(res.Routes), SQLStatements: len(res.SQL),
			SQLAttributed: attributed, SQLNoData: ddl, Tables: len(res.Tables), Transactions: len(res.Transactions), Skipped: len(res.Skipped)}
		if res.Proposal != nil {
			want.Services, want.Findings = len(res.Proposal.Services), len(res.Proposal.Findings)
		}
		if diff := cmp.Diff(want, res.Summary); diff != "" {
			t.Errorf("Summary does not count the result (-want +got):\n%s", diff)
		}
	}
	if !bytes.Equal(docs[0], docs[1]) {
		t.Errorf("two analyses of %s differ", miniDir)
	}
	if len(stages) < 4 || stages[0] != StageLoad || stages[len(stages)-1] != StageComplete {
		t.Errorf("progress stages = %v, want load ... complete", stages)
	}
	// Every list is an array in JSON, never null.
	if bytes.Contains(docs[0], []byte(`":null`)) {
		t.Errorf("JSON document has null lists: %s", firstNull(docs[0]))
	}
}

func firstNull(doc []byte) string {
	i := bytes.Index(doc, []byte(`":null`))
	lo := max(0, i-60)
	return string(doc[lo : i+6])
}

func TestAnalyzeTables(t *testing.T) {
	res, err := Analyze(context.Background(), Options{Dir: miniDir})
	if err != nil {
		t.Fatalf("Analyze(%s): %v", miniDir, err)
	}
	sources := map[string]string{}
	for _, tb := range res.Tables {
		sources[tb.Name] = tb.Source
	}
	// Every table of the migrations is there, from the migration.
	for _, name := range []string{"users", "orders", "items", "events", "carts"} {
		if sources[name] != "migration" {
			t.Errorf("table %s source = %q, want migration", name, sources[name])
		}
	}
	if res.Dialect != "postgres" {
		t.Errorf("Dialect = %q, want postgres", res.Dialect)
	}
	res, err = Analyze(context.Background(), Options{Dir: miniDir, Dialect: "mysql"})
	if err != nil {
		t.Fatalf("Analyze(%s, mysql): %v", miniDir, err)
	}
	if res.Dialect != "mysql" {
		t.Errorf("Dialect with override = %q, want mysql", res.Dialect)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	_, err := Analyze(context.Background(), Options{Dir: "load/testdata/empty"})
	if !errors.Is(err, ErrNothingLoaded) || !IsNothingLoaded(err) {
		t.Errorf("Analyze(empty module) = %v, want ErrNothingLoaded", err)
	}
	_, err = Analyze(context.Background(), Options{Dir: miniDir, Dialect: "oracle"})
	if err == nil || errors.Is(err, ErrNothingLoaded) || !strings.Contains(err.Error(), `dialect "oracle"`) {
		t.Errorf("Analyze(dialect oracle) = %v, want a dialect error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, Options{Dir: miniDir}); !errors.Is(err, context.Canceled) {
		t.Errorf("Analyze(cancelled) = %v, want context.Canceled", err)
	}
	res, err := Analyze(context.Background(), Options{Dir: "load/testdata/broken"})
	if err != nil {
		t.Fatalf("Analyze(broken): %v", err)
	}
	var what []string
	for _, s := range res.Skipped {
		what = append(what, s.What)
	}
	if diff := cmp.Diff([]string{"example.com/broken/bad", "example.com/broken/missing", "example.com/broken/syntax"}, what); diff != "" {
		t.Errorf("Skipped mismatch (-want +got):\n%s", diff)
	}
}
