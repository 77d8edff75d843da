package sqlparse

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParse(f *testing.F) {
	for _, tc := range allParseCases() {
		f.Add(tc.sql, tc.d == MySQL)
	}
	f.Add("SELECT * FROM \"unterminated", false)
	f.Add("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t) SELECT * FROM t", false)
	f.Add("$$ $a$ ' \" ` /* -- ", true)
	f.Add(pgMigration, false)
	f.Fuzz(func(t *testing.T, sql string, mysql bool) {
		d := Postgres
		if mysql {
			d = MySQL
		}
		got := Parse(sql, d)
		if !sort.SliceIsSorted(got.Tables, func(i, j int) bool {
			if got.Tables[i].Table != got.Tables[j].Table {
				return got.Tables[i].Table < got.Tables[j].Table
			}
			return got.Tables[i].Access < got.Tables[j].Access
		}) {
			t.Errorf("Parse(%q).Tables not sorted: %v", sql, got.Tables)
		}
		for i := 1; i < len(got.Tables); i++ {
			if got.Tables[i] == got.Tables[i-1] {
				t.Errorf("Parse(%q).Tables has duplicate %v", sql, got.Tables[i])
			}
		}
		for _, j := range got.Joins {
			if j[0] >= j[1] {
				t.Errorf("Parse(%q).Joins has unsorted pair %v", sql, j)
			}
		}
		if !sort.StringsAreSorted(got.Calls) {
			t.Errorf("Parse(%q).Calls not sorted: %v", sql, got.Calls)
		}
		switch got.Status {
		case Parsed, Recovered, Unresolved:
		default:
			t.Errorf("Parse(%q).Status = %q", sql, got.Status)
		}
		if got.Status != Parsed && got.Reason == "" {
			t.Errorf("Parse(%q): status %q without a reason", sql, got.Status)
		}
		if got.Status == Parsed && got.Reason != "" && !hasHole(markTemplates(sql)) {
			t.Errorf("Parse(%q): parsed with reason %q but no part built at run time", sql, got.Reason)
		}
		if again := Parse(sql, d); !cmp.Equal(got, again) {
			t.Errorf("Parse(%q) not deterministic:\n%s", sql, cmp.Diff(got, again))
		}
		ParseSchema(sql, d)
	})
}

func FuzzSplitStatements(f *testing.F) {
	f.Add(pgMigration)
	f.Add(myMigration)
	f.Add("SELECT 1; SELECT 2")
	f.Add("CREATE PROCEDURE p() BEGIN SELECT 1; END; BEGIN; END;")
	f.Add("SELECT '; ' ; $x$ ; $x$ ; /* ; */ -- ;\n")
	f.Fuzz(func(t *testing.T, src string) {
		chunks := SplitStatements(src)
		SplitNamed(src)
		if strings.Contains(strings.ToLower(src), "delimiter") {
			return // DELIMITER lines are rewritten; the coverage property below does not hold
		}
		covered := make([]bool, len(src))
		last := -1
		for _, c := range chunks {
			if c.Offset < last || c.Offset+len(c.SQL) > len(src) || src[c.Offset:c.Offset+len(c.SQL)] != c.SQL {
				t.Fatalf("SplitStatements(%q): chunk %+v is not an in-order slice of the input", src, c)
			}
			if c.SQL == "" {
				t.Fatalf("SplitStatements(%q): empty chunk at line %d", src, c.Line)
			}
			for k := c.Offset; k < c.Offset+len(c.SQL); k++ {
				covered[k] = true
			}
			last = c.Offset + len(c.SQL)
		}
		// Every token of the input is inside a chunk, except the ';'
		// separators between statements.
		for _, tk := range lex(src) {
			if !covered[tk.Off] && !(tk.Kind == tPunct && tk.Val == ";") {
				t.Fatalf("SplitStatements(%q): token %q at offset %d is in no chunk", src, tk.Val, tk.Off)
			}
		}
	})
}
