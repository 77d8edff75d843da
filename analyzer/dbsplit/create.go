package dbsplit

import (
	"fmt"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// CreateScript returns DDL that recreates the structure of s: schemas, tables with their
// columns (types and NOT NULL as the catalog gives them), primary keys, then foreign keys.
// Defaults, indexes, views, routines and triggers are not copied; it is meant for a scratch
// copy that Verify runs statements against.
func CreateScript(s *Schema, d facts.Dialect) string {
	var sb strings.Builder
	q := func(name string) string {
		sch, base := "", name
		if i := strings.IndexByte(name, '.'); i >= 0 {
			sch, base = name[:i], name[i+1:]
		}
		if d == "mysql" {
			if sch != "" {
				return myIdent(sch) + "." + myIdent(base)
			}
			return myIdent(base)
		}
		if sch == "" {
			sch = "public"
		}
		return pgIdent(sch) + "." + pgIdent(base)
	}
	id := func(n string) string {
		if d == "mysql" {
			return myIdent(n)
		}
		return pgIdent(n)
	}
	if d == "postgres" {
		seen := map[string]bool{}
		for _, t := range s.Tables {
			if i := strings.IndexByte(t.Name, '.'); i >= 0 && !seen[t.Name[:i]] {
				seen[t.Name[:i]] = true
				fmt.Fprintf(&sb, "CREATE SCHEMA IF NOT EXISTS %s;\n", pgIdent(t.Name[:i]))
			}
		}
	}
	for _, t := range s.Tables {
		var parts []string
		for _, c := range t.Columns {
			p := id(c.Name) + " " + c.Type
			if !c.Nullable {
				p += " NOT NULL"
			}
			parts = append(parts, p)
		}
		if len(t.PrimaryKey) > 0 {
			ks := make([]string, len(t.PrimaryKey))
			for i, k := range t.PrimaryKey {
				ks[i] = id(k)
			}
			parts = append(parts, "PRIMARY KEY ("+strings.Join(ks, ", ")+")")
		}
		fmt.Fprintf(&sb, "CREATE TABLE %s (\n  %s\n);\n", q(t.Name), strings.Join(parts, ",\n  "))
	}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			cs := make([]string, len(fk.Columns))
			for i, c := range fk.Columns {
				cs[i] = id(c)
			}
			rs := make([]string, len(fk.RefColumns))
			for i, c := range fk.RefColumns {
				rs[i] = id(c)
			}
			fmt.Fprintf(&sb, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s);\n",
				q(t.Name), id(fk.Name), strings.Join(cs, ", "), q(fk.RefTable), strings.Join(rs, ", "))
		}
	}
	return sb.String()
}
