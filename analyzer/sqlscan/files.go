package sqlscan

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
)

// maxSQLFile is the largest .sql file read, in bytes.
const maxSQLFile = 16 << 20

// schemaDirs are directory names whose .sql files are migrations or schema.
var schemaDirs = map[string]bool{"migrations": true, "migration": true, "migrate": true, "schema": true, "schemas": true, "db_migrations": true}

// files reads the module's .sql files: named-query files give statements; migration and
// schema files give tables, foreign keys and routines. sqlc's query sources (listed in
// sqlc.yaml/sqlc.json) are skipped: their generated Go code is scanned instead; sqlc's
// schema entries are read as schema.
func (s *scanner) files(res *Result) {
	root := s.prog.Root
	sqlcQueries, sqlcSchema := map[string]bool{}, map[string]bool{}
	var sqlFiles []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && !s.isModuleDir(path) {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".sql"):
			sqlFiles = append(sqlFiles, path)
		case name == "sqlc.yaml" || name == "sqlc.yml" || name == "sqlc.json":
			q, sc := readSqlcConfig(path)
			for _, p := range q {
				sqlcQueries[p] = true
			}
			for _, p := range sc {
				sqlcSchema[p] = true
			}
		}
		return nil
	})
	sort.Strings(sqlFiles)
	under := func(path string, set map[string]bool) bool {
		for p := range set {
			if path == p || strings.HasPrefix(path, p+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	for _, path := range sqlFiles {
		rel := s.prog.Rel(path)
		if under(path, sqlcQueries) && !under(path, sqlcSchema) {
			continue
		}
		fi, err := os.Stat(path)
		if err != nil {
			res.Skipped = append(res.Skipped, facts.Skipped{What: rel, Reason: err.Error()})
			continue
		}
		if fi.Size() > maxSQLFile {
			res.Skipped = append(res.Skipped, facts.Skipped{What: rel, Reason: "file larger than 16 MiB"})
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			res.Skipped = append(res.Skipped, facts.Skipped{What: rel, Reason: err.Error()})
			continue
		}
		src := string(data)
		upper := strings.ToUpper(src)
		schemaDir := false
		for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/") {
			if schemaDirs[strings.ToLower(part)] {
				schemaDir = true
			}
		}
		named := sqlparse.SplitNamed(src)
		switch {
		case schemaDir || under(path, sqlcSchema) || (len(named) == 0 && strings.Contains(upper, "CREATE TABLE")):
			s.schemaFile(res, rel, src)
		case len(named) > 0:
			for _, q := range named {
				if s.named == nil {
					s.named = map[string]bool{}
				}
				s.named[q.Name] = true
				s.addNamedSQL(q.Name, q.SQL, facts.Pos{File: rel, Line: q.Line})
				st := sqlparse.Parse(q.SQL, sqlparse.Dialect(s.main))
				res.SQL = append(res.SQL, facts.SQL{
					Pos: facts.Pos{File: rel, Line: q.Line}, Via: "sqlfile", Dialect: s.main, Text: q.SQL,
					Kind: st.Kind, Status: facts.Status(st.Status), Reason: st.Reason,
					Tables: convertTables(st.Tables), Joins: st.Joins, Calls: st.Calls,
				})
			}
		}
	}
	sortSchema(res)
}

func (s *scanner) isModuleDir(path string) bool {
	for _, m := range s.prog.Modules {
		if filepath.Join(s.prog.Root, filepath.FromSlash(m.Dir)) == path {
			return true
		}
	}
	return false
}

func (s *scanner) schemaFile(res *Result, rel, src string) {
	sc, errs := sqlparse.ParseSchema(src, sqlparse.Dialect(s.main))
	for _, err := range errs {
		res.Skipped = append(res.Skipped, facts.Skipped{What: rel, Reason: "schema: " + err.Error()})
	}
	for _, t := range append(sc.Tables, sc.Views...) {
		ft := facts.Table{Name: t.Name, Pos: facts.Pos{File: rel, Line: t.Line}, Source: "migration"}
		for _, c := range t.Columns {
			ft.Columns = append(ft.Columns, c.Name)
		}
		res.Tables = append(res.Tables, ft)
	}
	for _, fk := range sc.ForeignKeys {
		res.ForeignKeys = append(res.ForeignKeys, facts.ForeignKey{
			Table: fk.Table, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns,
			Pos: facts.Pos{File: rel, Line: fk.Line},
		})
	}
	for _, r := range sc.Routines {
		res.Routines = append(res.Routines, facts.Routine{Name: r.Name, Kind: r.Kind, Tables: convertTables(r.Tables), Pos: facts.Pos{File: rel, Line: r.Line}})
	}
}

// schemaFromCode reads DDL sent from Go code (migrations kept as Go strings) as schema: its
// tables, foreign keys and routines are positioned at the statement.
func (s *scanner) schemaFromCode(res *Result) {
	found := false
	for _, st := range s.stmts {
		if st.sql.Kind != "ddl" || st.sql.Text == "" || strings.Contains(st.sql.Text, sqlparse.Hole) {
			continue
		}
		sc, _ := sqlparse.ParseSchema(st.sql.Text, sqlparse.Dialect(st.sql.Dialect))
		for _, t := range append(sc.Tables, sc.Views...) {
			ft := facts.Table{Name: t.Name, Pos: st.sql.Pos, Source: "migration"}
			for _, c := range t.Columns {
				ft.Columns = append(ft.Columns, c.Name)
			}
			res.Tables = append(res.Tables, ft)
			found = true
		}
		for _, fk := range sc.ForeignKeys {
			res.ForeignKeys = append(res.ForeignKeys, facts.ForeignKey{Table: fk.Table, Columns: fk.Columns, RefTable: fk.RefTable, RefColumns: fk.RefColumns, Pos: st.sql.Pos})
			found = true
		}
		for _, r := range sc.Routines {
			res.Routines = append(res.Routines, facts.Routine{Name: r.Name, Kind: r.Kind, Tables: convertTables(r.Tables), Pos: st.sql.Pos})
			found = true
		}
	}
	if found {
		sortSchema(res)
	}
}

// sortSchema orders the schema facts and merges tables declared more than once (a later
// migration adding columns): the first declaration keeps its position.
func sortSchema(res *Result) {
	byName := map[string]int{}
	var tables []facts.Table
	for _, t := range res.Tables {
		if i, ok := byName[t.Name]; ok {
			seen := map[string]bool{}
			for _, c := range tables[i].Columns {
				seen[c] = true
			}
			for _, c := range t.Columns {
				if !seen[c] {
					tables[i].Columns = append(tables[i].Columns, c)
				}
			}
			continue
		}
		byName[t.Name] = len(tables)
		tables = append(tables, t)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })
	res.Tables = tables
	sort.SliceStable(res.ForeignKeys, func(i, j int) bool { return res.ForeignKeys[i].Pos.Less(res.ForeignKeys[j].Pos) })
	sort.SliceStable(res.Routines, func(i, j int) bool { return res.Routines[i].Pos.Less(res.Routines[j].Pos) })
}

// readSqlcConfig returns the absolute query and schema paths of an sqlc config (v1 and v2).
func readSqlcConfig(path string) (queries, schema []string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil { // YAML is a superset of JSON
		return nil, nil
	}
	dir := filepath.Dir(path)
	var entries []any
	for _, key := range []string{"sql", "packages"} {
		if l, ok := doc[key].([]any); ok {
			entries = append(entries, l...)
		}
	}
	for _, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		queries = append(queries, paths(dir, m["queries"])...)
		schema = append(schema, paths(dir, m["schema"])...)
	}
	return queries, schema
}

func paths(dir string, v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = append(out, filepath.Clean(filepath.Join(dir, v)))
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, filepath.Clean(filepath.Join(dir, s)))
			}
		}
	}
	return out
}
