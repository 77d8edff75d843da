package dbsplit

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

func introspectMySQL(ctx context.Context, db *sqlx.DB) (*Schema, error) {
	s := &Schema{}
	var dbname *string
	if err := db.GetContext(ctx, &dbname, "SELECT DATABASE()"); err != nil {
		return nil, err
	}
	if dbname != nil {
		s.Database = *dbname
	}
	prefix := strings.ToLower(s.Database) + "."
	idx := map[string]int{}
	err := queryRows(ctx, db, "tables", `
SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0), COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
ORDER BY TABLE_NAME`, func(r *sqlx.Rows) error {
		var t Table
		if err := r.Scan(&t.Name, &t.Rows, &t.Bytes); err != nil {
			return err
		}
		t.Name = strings.ToLower(t.Name)
		idx[t.Name] = len(s.Tables)
		s.Tables = append(s.Tables, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "columns", `
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION`, func(r *sqlx.Rows) error {
		var tab, nullable string
		var c Column
		if err := r.Scan(&tab, &c.Name, &c.Type, &nullable); err != nil {
			return err
		}
		c.Nullable = nullable == "YES"
		if i, ok := idx[strings.ToLower(tab)]; ok {
			s.Tables[i].Columns = append(s.Tables[i].Columns, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "keys", `
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, COALESCE(REFERENCED_TABLE_SCHEMA, ''),
  COALESCE(REFERENCED_TABLE_NAME, ''), COALESCE(REFERENCED_COLUMN_NAME, '')
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`, func(r *sqlx.Rows) error {
		var tab, cons, col, rsch, rtab, rcol string
		if err := r.Scan(&tab, &cons, &col, &rsch, &rtab, &rcol); err != nil {
			return err
		}
		i, ok := idx[strings.ToLower(tab)]
		if !ok {
			return nil
		}
		t := &s.Tables[i]
		if cons == "PRIMARY" {
			t.PrimaryKey = append(t.PrimaryKey, col)
			return nil
		}
		ref := strings.ToLower(rtab)
		if !strings.EqualFold(rsch, s.Database) {
			ref = strings.ToLower(rsch) + "." + ref
		}
		if n := len(t.ForeignKeys); n > 0 && t.ForeignKeys[n-1].Name == cons {
			t.ForeignKeys[n-1].Columns = append(t.ForeignKeys[n-1].Columns, col)
			t.ForeignKeys[n-1].RefColumns = append(t.ForeignKeys[n-1].RefColumns, rcol)
			return nil
		}
		t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: cons, Columns: []string{col}, RefTable: ref, RefColumns: []string{rcol}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "views", `
SELECT TABLE_NAME, COALESCE(VIEW_DEFINITION, '') FROM information_schema.VIEWS
WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`, func(r *sqlx.Rows) error {
		var v View
		if err := r.Scan(&v.Name, &v.Definition); err != nil {
			return err
		}
		v.Name = strings.ToLower(v.Name)
		v.Tables = readTables(v.Definition, "mysql", prefix)
		s.Views = append(s.Views, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "routines", `
SELECT ROUTINE_NAME, ROUTINE_TYPE, COALESCE(ROUTINE_DEFINITION, '') FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME, ROUTINE_TYPE`, func(r *sqlx.Rows) error {
		var name, typ, body string
		if err := r.Scan(&name, &typ, &body); err != nil {
			return err
		}
		rt := Routine{Name: strings.ToLower(name), Kind: strings.ToLower(typ)}
		if body == "" {
			rt.Status, rt.Reason = "unresolved", "body not readable (needs SHOW_ROUTINE or SELECT on mysql.proc)"
		} else {
			create := "CREATE " + strings.ToUpper(rt.Kind) + " `" + name + "`() " + body
			if rt.Kind == "function" {
				create = "CREATE FUNCTION `" + name + "`() RETURNS INT " + body
			}
			rt.Tables, rt.Status, rt.Reason = bodyTables(create, "mysql", prefix)
		}
		s.Routines = append(s.Routines, rt)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, db, "triggers", `
SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING, ACTION_STATEMENT
FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME`, func(r *sqlx.Rows) error {
		var tr Trigger
		var stmt string
		if err := r.Scan(&tr.Name, &tr.Events, &tr.Table, &tr.Timing, &stmt); err != nil {
			return err
		}
		tr.Name, tr.Table = strings.ToLower(tr.Name), strings.ToLower(tr.Table)
		create := "CREATE TRIGGER `" + tr.Name + "` " + tr.Timing + " " + tr.Events + " ON `" + tr.Table + "` FOR EACH ROW " + stmt
		tr.Tables, _, _ = bodyTables(create, "mysql", prefix)
		s.Triggers = append(s.Triggers, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
