package dbsplit

import (
	"context"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/carve-go/carve/analyzer/facts"
)

// pgUserSchemas restricts a catalog query to user schemas (alias n for pg_namespace).
const pgUserSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`

// exactCountMax is the size up to which a table whose row estimate is unknown (never
// analysed) is counted exactly.
const exactCountMax = 64 << 20

func introspectPostgres(ctx context.Context, db *sqlx.DB) (*Schema, error) {
	s := &Schema{}
	if err := db.GetContext(ctx, &s.Database, "SELECT current_database()"); err != nil {
		return nil, err
	}
	idx := map[string]int{}
	type rawTable struct{ schema, name string }
	var raws []rawTable
	err := queryRows(ctx, db, "tables", `
SELECT n.nspname, c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND `+pgUserSchemas+`
ORDER BY 1, 2`, func(r *sqlx.Rows) error {
		var sch, name string
		var rows, size int64
		if err := r.Scan(&sch, &name, &rows, &size); err != nil {
			return err
		}
		idx[normTable(sch, name)] = len(s.Tables)
		raws = append(raws, rawTable{sch, name})
		s.Tables = append(s.Tables, Table{Name: normTable(sch, name), Rows: rows, Bytes: size})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		if t.Rows < 0 {
			t.Rows = 0
			if t.Bytes <= exactCountMax {
				q := "SELECT count(*) FROM " + pgIdent(raws[i].schema) + "." + pgIdent(raws[i].name)
				if err := db.GetContext(ctx, &t.Rows, q); err != nil {
					return nil, err
				}
			}
		}
	}
	err = queryRows(ctx, db, "columns", `
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND `+pgUserSchemas+`
ORDER BY n.nspname, c.relname, a.attnum`, func(r *sqlx.Rows) error {
		var sch, tab string
		var c Column
		if err := r.Scan(&sch, &tab, &c.Name, &c.Type, &c.Nullable); err != nil {
			return err
		}
		if i, ok := idx[normTable(sch, tab)]; ok {
			s.Tables[i].Columns = append(s.Tables[i].Columns, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "constraints", `
SELECT n.nspname, c.relname, con.conname, con.contype::text,
  array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), ','),
  coalesce(fn.nspname, ''), coalesce(fc.relname, ''),
  array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord), ',')
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND `+pgUserSchemas+`
ORDER BY 1, 2, 3`, func(r *sqlx.Rows) error {
		var sch, tab, name, typ, cols, fsch, ftab, fcols string
		if err := r.Scan(&sch, &tab, &name, &typ, &cols, &fsch, &ftab, &fcols); err != nil {
			return err
		}
		i, ok := idx[normTable(sch, tab)]
		if !ok {
			return nil
		}
		if typ == "p" {
			s.Tables[i].PrimaryKey = splitList(cols)
			return nil
		}
		s.Tables[i].ForeignKeys = append(s.Tables[i].ForeignKeys, ForeignKey{
			Name: name, Columns: splitList(cols), RefTable: normTable(fsch, ftab), RefColumns: splitList(fcols)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "views", `
SELECT n.nspname, c.relname, pg_get_viewdef(c.oid, true)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND `+pgUserSchemas+`
ORDER BY 1, 2`, func(r *sqlx.Rows) error {
		var sch, name, def string
		if err := r.Scan(&sch, &name, &def); err != nil {
			return err
		}
		s.Views = append(s.Views, View{Name: normTable(sch, name), Definition: strings.TrimSpace(def), Tables: readTables(def, "postgres", "")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	fnTables := map[string][]facts.TableAccess{}
	err = queryRows(ctx, db, "routines", `
SELECT n.nspname, p.proname, p.prokind::text, pg_get_functiondef(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p') AND l.lanname IN ('sql', 'plpgsql') AND `+pgUserSchemas+`
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2, p.oid`, func(r *sqlx.Rows) error {
		var sch, name, kind, def string
		if err := r.Scan(&sch, &name, &kind, &def); err != nil {
			return err
		}
		rt := Routine{Name: normTable(sch, name), Kind: "function"}
		if kind == "p" {
			rt.Kind = "procedure"
		}
		rt.Tables, rt.Status, rt.Reason = bodyTables(def, "postgres", "")
		if prev, ok := fnTables[rt.Name]; ok { // overloads: one entry, union of tables
			fnTables[rt.Name] = sortAccess(append(prev, rt.Tables...))
			for i := range s.Routines {
				if s.Routines[i].Name == rt.Name {
					s.Routines[i].Tables = fnTables[rt.Name]
				}
			}
			return nil
		}
		fnTables[rt.Name] = rt.Tables
		s.Routines = append(s.Routines, rt)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "triggers", `
SELECT t.tgname, n.nspname, c.relname, pg_get_triggerdef(t.oid), fn.nspname, p.proname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND `+pgUserSchemas+`
ORDER BY 2, 3, 1`, func(r *sqlx.Rows) error {
		var name, sch, tab, def, fsch, fname string
		if err := r.Scan(&name, &sch, &tab, &def, &fsch, &fname); err != nil {
			return err
		}
		tr := Trigger{Name: strings.ToLower(name), Table: normTable(sch, tab), Function: normTable(fsch, fname)}
		if m := pgTriggerDef.FindStringSubmatch(def); m != nil {
			tr.Timing = m[1]
			tr.Events = strings.ReplaceAll(m[2], " OR ", ", ")
		}
		tr.Tables = append([]facts.TableAccess{}, fnTables[tr.Function]...)
		s.Triggers = append(s.Triggers, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

var pgTriggerDef = regexp.MustCompile(`(?i)TRIGGER \S+ (BEFORE|AFTER|INSTEAD OF) (.+?) ON `)

// pgIdent quotes a PostgreSQL identifier when it needs quotes.
func pgIdent(s string) string {
	if regexp.MustCompile(`^[a-z_][a-z0-9_]*$`).MatchString(s) && !pgReserved[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// pgReserved holds reserved words that cannot be bare identifiers (the common ones).
var pgReserved = map[string]bool{
	"all": true, "and": true, "any": true, "as": true, "asc": true, "both": true, "case": true, "check": true,
	"column": true, "constraint": true, "create": true, "default": true, "desc": true, "distinct": true,
	"do": true, "else": true, "end": true, "for": true, "foreign": true, "from": true, "grant": true,
	"group": true, "having": true, "in": true, "into": true, "limit": true, "not": true, "null": true,
	"offset": true, "on": true, "or": true, "order": true, "primary": true, "references": true,
	"select": true, "table": true, "then": true, "to": true, "union": true, "unique": true, "user": true,
	"using": true, "when": true, "where": true, "with": true, "position": true,
}
