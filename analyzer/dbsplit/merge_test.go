package dbsplit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
)

func TestMerge(t *testing.T) {
	res := &analyzer.Result{}
	res.Tables = []facts.Table{
		{Name: "orders", Source: "migration", Columns: []string{"id", "user_id"}, Pos: facts.Pos{File: "m/1.sql", Line: 1}},
		{Name: "users", Source: "migration"},
	}
	res.ForeignKeys = []facts.ForeignKey{{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", Pos: facts.Pos{File: "m/1.sql", Line: 3}}}
	res.Routines = []facts.Routine{{Name: "settle", Kind: "function"}}
	live := &Schema{
		Tables: []Table{
			{Name: "audit", Rows: 7, Bytes: 8192, Columns: []Column{{Name: "id"}}, ForeignKeys: []ForeignKey{{Name: "audit_user_fk", Columns: []string{"user_id"}, RefTable: "users"}}},
			{Name: "orders", Rows: 1000, Bytes: 65536, Columns: []Column{{Name: "id"}, {Name: "user_id"}, {Name: "extra"}},
				ForeignKeys: []ForeignKey{{Name: "orders_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}}}},
			{Name: "users", Rows: 3, Bytes: 8192, Columns: []Column{{Name: "id"}, {Name: "email"}}},
		},
		Routines: []Routine{{Name: "settle", Kind: "function"}, {Name: "purge", Kind: "procedure", Tables: []facts.TableAccess{{Name: "audit", Access: facts.Delete}}}},
		Triggers: []Trigger{{Name: "audit_orders", Table: "orders", Tables: []facts.TableAccess{{Name: "audit", Access: facts.Insert}}}},
	}
	Merge(res, live)
	wantTables := []facts.Table{
		{Name: "audit", Source: "live", Columns: []string{"id"}, Rows: 7, Bytes: 8192},
		{Name: "orders", Source: "migration", Columns: []string{"id", "user_id"}, Pos: facts.Pos{File: "m/1.sql", Line: 1}, Rows: 1000, Bytes: 65536},
		{Name: "users", Source: "migration", Columns: []string{"id", "email"}, Rows: 3, Bytes: 8192},
	}
	if diff := cmp.Diff(wantTables, res.Tables); diff != "" {
		t.Errorf("tables mismatch (-want +got):\n%s", diff)
	}
	wantFKs := []facts.ForeignKey{
		{Table: "audit", Columns: []string{"user_id"}, RefTable: "users"},
		{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", Pos: facts.Pos{File: "m/1.sql", Line: 3}},
	}
	if diff := cmp.Diff(wantFKs, res.ForeignKeys); diff != "" {
		t.Errorf("foreign keys mismatch (-want +got):\n%s", diff)
	}
	wantRoutines := []facts.Routine{
		{Name: "audit_orders", Kind: "trigger", Tables: []facts.TableAccess{{Name: "audit", Access: facts.Insert}, {Name: "orders", Access: facts.Read}}},
		{Name: "purge", Kind: "procedure", Tables: []facts.TableAccess{{Name: "audit", Access: facts.Delete}}},
		{Name: "settle", Kind: "function"},
	}
	if diff := cmp.Diff(wantRoutines, res.Routines); diff != "" {
		t.Errorf("routines mismatch (-want +got):\n%s", diff)
	}
	if res.Summary.Tables != 3 {
		t.Errorf("Summary.Tables = %d, want 3", res.Summary.Tables)
	}
	Merge(nil, live) // no panic
	Merge(res, nil)
}
