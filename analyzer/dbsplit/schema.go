package dbsplit

import (
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
)

// Schema is what a live database's catalog holds, as Introspect read it. Table names are
// normalised as carve does everywhere (lower case; PostgreSQL's "public." dropped, other
// schemas kept as "schema.table"; MySQL tables of the connected database unqualified). All
// slices are sorted by name.
type Schema struct {
	Dialect  facts.Dialect `json:"dialect"`
	Database string        `json:"database"`
	Tables   []Table       `json:"tables"`
	Views    []View        `json:"views"`
	Routines []Routine     `json:"routines"` // functions and procedures
	Triggers []Trigger     `json:"triggers"`
}

// Table is one base table of a live database.
type Table struct {
	Name        string       `json:"name"`
	Columns     []Column     `json:"columns"` // in ordinal order
	PrimaryKey  []string     `json:"primary_key,omitempty"`
	ForeignKeys []ForeignKey `json:"foreign_keys,omitempty"` // sorted by constraint name
	Rows        int64        `json:"rows"`                   // estimate from the catalog (pg_class.reltuples, TABLES.TABLE_ROWS)
	Bytes       int64        `json:"bytes"`                  // table + indexes + toast, from the catalog
}

// Column is one column of a live table.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // as the catalog formats it: "bigint", "character varying(20)", "varchar(190)"
	Nullable bool   `json:"nullable"`
}

// ForeignKey is one foreign key constraint of a live table.
type ForeignKey struct {
	Name       string   `json:"name"` // constraint name
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
}

// View is a view (or materialized view) and the tables its definition reads.
type View struct {
	Name       string   `json:"name"`
	Definition string   `json:"definition"`
	Tables     []string `json:"tables"`
}

// Routine is a stored function or procedure and the tables its body touches (found with
// analyzer/sqlparse; Status says how well the body was understood).
type Routine struct {
	Name   string              `json:"name"`
	Kind   string              `json:"kind"` // function | procedure
	Tables []facts.TableAccess `json:"tables"`
	Status string              `json:"status"` // parsed | recovered | unresolved
	Reason string              `json:"reason,omitempty"`
}

// Trigger is a trigger on a table, and what its action touches.
type Trigger struct {
	Name     string              `json:"name"`
	Table    string              `json:"table"`
	Timing   string              `json:"timing"`             // BEFORE | AFTER | INSTEAD OF
	Events   string              `json:"events"`             // INSERT, UPDATE, DELETE (comma separated)
	Function string              `json:"function,omitempty"` // PostgreSQL: the trigger function
	Tables   []facts.TableAccess `json:"tables"`             // tables the action touches (the function's, for PostgreSQL)
}

// Table returns the table named name, or nil.
func (s *Schema) Table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

// Merge folds a live schema into an analysis: tables the analysis knows get Rows and Bytes
// (and their columns when the analysis has none); tables only the live database has are
// added with Source "live"; live foreign keys join those from migration files (one per
// table, columns and referenced table); routines and triggers the migrations do not declare
// are added. Added entries have no position. res.Summary.Tables is updated. The proposal is
// not recomputed: ownership of live-only tables stays unknown until the next analysis.
func Merge(res *analyzer.Result, live *Schema) {
	if res == nil || live == nil {
		return
	}
	idx := map[string]int{}
	for i, t := range res.Tables {
		idx[t.Name] = i
	}
	for _, lt := range live.Tables {
		cols := make([]string, len(lt.Columns))
		for i, c := range lt.Columns {
			cols[i] = c.Name
		}
		if i, ok := idx[lt.Name]; ok {
			t := &res.Tables[i]
			t.Rows, t.Bytes = lt.Rows, lt.Bytes
			if len(t.Columns) == 0 {
				t.Columns = cols
			}
			continue
		}
		res.Tables = append(res.Tables, facts.Table{Name: lt.Name, Columns: cols, Source: "live", Rows: lt.Rows, Bytes: lt.Bytes})
	}
	sort.Slice(res.Tables, func(i, j int) bool { return res.Tables[i].Name < res.Tables[j].Name })

	fkKey := func(table string, cols []string, ref string) string {
		return table + "(" + strings.Join(cols, ",") + ")>" + ref
	}
	have := map[string]bool{}
	for _, fk := range res.ForeignKeys {
		have[fkKey(fk.Table, fk.Columns, fk.RefTable)] = true
	}
	for _, lt := range live.Tables {
		for _, fk := range lt.ForeignKeys {
			k := fkKey(lt.Name, fk.Columns, fk.RefTable)
			if have[k] {
				continue
			}
			have[k] = true
			res.ForeignKeys = append(res.ForeignKeys, facts.ForeignKey{Table: lt.Name, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns})
		}
	}
	sort.SliceStable(res.ForeignKeys, func(i, j int) bool {
		a, b := res.ForeignKeys[i], res.ForeignKeys[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return strings.Join(a.Columns, ",") < strings.Join(b.Columns, ",")
	})

	known := map[string]bool{}
	for _, r := range res.Routines {
		known[r.Kind+" "+r.Name] = true
	}
	for _, r := range live.Routines {
		if !known[r.Kind+" "+r.Name] && !known["function "+r.Name] && !known["procedure "+r.Name] {
			res.Routines = append(res.Routines, facts.Routine{Name: r.Name, Kind: r.Kind, Tables: r.Tables})
		}
	}
	for _, tr := range live.Triggers {
		if !known["trigger "+tr.Name] {
			tables := append([]facts.TableAccess{{Name: tr.Table, Access: facts.Read}}, tr.Tables...)
			res.Routines = append(res.Routines, facts.Routine{Name: tr.Name, Kind: "trigger", Tables: sortAccess(tables)})
		}
	}
	sort.SliceStable(res.Routines, func(i, j int) bool {
		if res.Routines[i].Name != res.Routines[j].Name {
			return res.Routines[i].Name < res.Routines[j].Name
		}
		return res.Routines[i].Kind < res.Routines[j].Kind
	})
	res.Summary.Tables = len(res.Tables)
}

// sortAccess sorts and dedupes table accesses by name then access.
func sortAccess(ts []facts.TableAccess) []facts.TableAccess {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Name != ts[j].Name {
			return ts[i].Name < ts[j].Name
		}
		return ts[i].Access < ts[j].Access
	})
	out := ts[:0]
	for i, t := range ts {
		if i > 0 && t == ts[i-1] {
			continue
		}
		out = append(out, t)
	}
	return out
}

// normTable normalises a catalog table name: lower case, "public." dropped.
func normTable(schema, name string) string {
	schema, name = strings.ToLower(schema), strings.ToLower(name)
	if schema == "" || schema == "public" {
		return name
	}
	return schema + "." + name
}
