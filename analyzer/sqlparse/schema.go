package sqlparse

import (
	"fmt"
	"sort"
	"strings"
)

// Column is one column of a table.
type Column struct {
	Name string
	// Type is the declared type as written, lower case ("bigserial",
	// "varchar(255)").
	Type string
}

// ForeignKey is a foreign key from Table(Columns) to RefTable(RefColumns).
type ForeignKey struct {
	Table      string
	Columns    []string
	RefTable   string
	RefColumns []string // the referenced table's primary key when the DDL omits them and it is known
	Line       int      // line of the REFERENCES keyword
}

// Table is a table or view declared in a schema file. ALTER TABLE ... ADD
// COLUMN on a table the file does not create gives a Table holding only the
// added columns, at the ALTER line; callers merge declarations of one table.
type Table struct {
	Name       string
	Columns    []Column
	PrimaryKey []string
	Line       int // line of the CREATE (or ALTER) keyword
}

// Routine is a stored function, procedure or trigger and the tables its
// body statements touch.
type Routine struct {
	Name   string
	Kind   string // procedure, function or trigger
	Tables []TableAccess
	Line   int
}

// Schema is what a schema or migration file declares, in file order.
type Schema struct {
	Tables      []Table
	ForeignKeys []ForeignKey
	Routines    []Routine
	Views       []Table
}

// ParseSchema reads a migration or schema file holding many statements in
// either dialect: CREATE TABLE (columns, inline and table-level primary and
// foreign keys), ALTER TABLE ... ADD [CONSTRAINT] FOREIGN KEY / PRIMARY KEY /
// COLUMN, CREATE VIEW, CREATE FUNCTION / PROCEDURE (plpgsql, SQL and MySQL
// bodies: the tables their statements touch), CREATE TRIGGER. Other
// statements (CREATE SCHEMA, CREATE INDEX, INSERT seed rows, ...) are
// skipped. It uses its own token reader, not a grammar, so that every
// foreign key gets its line. Errors read "line N: ..."; reading continues
// with the next statement.
func ParseSchema(src string, d Dialect) (Schema, []error) {
	var s Schema
	var errs []error
	for _, c := range SplitStatements(src) {
		func() {
			defer func() {
				if r := recover(); r != nil {
					errs = append(errs, fmt.Errorf("line %d: internal error reading statement: %v", c.Line, r))
				}
			}()
			if err := schemaStmt(&s, c, d); err != nil {
				errs = append(errs, fmt.Errorf("line %d: %v", c.Line, err))
			}
		}()
	}
	pk := map[string][]string{}
	for _, t := range s.Tables {
		pk[t.Name] = t.PrimaryKey
	}
	for i, fk := range s.ForeignKeys {
		if len(fk.RefColumns) == 0 && len(pk[fk.RefTable]) > 0 {
			s.ForeignKeys[i].RefColumns = append([]string(nil), pk[fk.RefTable]...)
		}
	}
	return s, errs
}

// ddlReader walks the tokens of one statement.
type ddlReader struct {
	toks []token
	i    int
	src  string
}

func (r *ddlReader) peek() string {
	if r.i < len(r.toks) {
		return r.toks[r.i].Val
	}
	return ""
}

func (r *ddlReader) accept(words ...string) bool {
	for _, w := range words {
		if r.peek() == w && r.i < len(r.toks) && r.toks[r.i].Kind != tQuoted {
			r.i++
			return true
		}
	}
	return false
}

// name reads a possibly qualified identifier.
func (r *ddlReader) name(d Dialect) string {
	var parts []string
	for r.i < len(r.toks) {
		t := r.toks[r.i]
		if t.Kind != tWord && t.Kind != tQuoted {
			break
		}
		parts = append(parts, t.Val)
		r.i++
		if r.i < len(r.toks) && r.toks[r.i].Kind == tPunct && r.toks[r.i].Val == "." {
			r.i++
			continue
		}
		break
	}
	return normName(parts, d)
}

// parenList reads "(a, b, ...)" of plain names.
func (r *ddlReader) parenList() []string {
	if !r.accept("(") {
		return nil
	}
	var out []string
	depth := 1
	for r.i < len(r.toks) && depth > 0 {
		t := r.toks[r.i]
		r.i++
		switch {
		case t.Kind == tPunct && t.Val == "(":
			depth++
		case t.Kind == tPunct && t.Val == ")":
			depth--
		case depth == 1 && (t.Kind == tWord || t.Kind == tQuoted):
			if r.i-2 >= 0 && (r.toks[r.i-2].Val == "(" || r.toks[r.i-2].Val == ",") {
				out = append(out, t.Val)
			}
		}
	}
	return out
}

// skipParens skips a balanced parenthesised group if one starts here.
func (r *ddlReader) skipParens() {
	if r.peek() != "(" {
		return
	}
	depth := 0
	for r.i < len(r.toks) {
		t := r.toks[r.i]
		r.i++
		if t.Kind == tPunct && t.Val == "(" {
			depth++
		} else if t.Kind == tPunct && t.Val == ")" {
			depth--
			if depth == 0 {
				return
			}
		}
	}
}

func schemaStmt(s *Schema, c Chunk, d Dialect) error {
	toks := lex(c.SQL)
	for i := range toks {
		toks[i].Line += c.Line - 1
	}
	r := &ddlReader{toks: toks, src: c.SQL}
	if len(toks) == 0 {
		return nil
	}
	startLine := toks[0].Line
	switch {
	case r.accept("create"):
		r.accept("or")
		r.accept("replace")
		for r.accept("temp", "temporary", "unlogged", "global", "local", "definer", "algorithm", "sql", "security", "=", "invoker", "merge", "undefined", "temptable", "materialized", "recursive", "constraint") {
			if r.i > 0 && r.toks[r.i-1].Val == "definer" {
				r.accept("=")
				r.name(d)
				if r.peek() == "@" {
					r.i++
					r.name(d)
				}
			}
		}
		switch {
		case r.accept("table"):
			return createTable(s, r, d, startLine)
		case r.accept("view"):
			r.accept("if")
			r.accept("not")
			r.accept("exists")
			n := r.name(d)
			if n == "" {
				return fmt.Errorf("create view: missing name")
			}
			s.Views = append(s.Views, Table{Name: n, Line: startLine})
		case r.accept("function", "procedure", "trigger"):
			kind := r.toks[r.i-1].Val
			return createRoutine(s, r, d, kind, startLine)
		}
	case r.accept("alter"):
		if !r.accept("table") {
			return nil
		}
		r.accept("only")
		if r.accept("if") {
			r.accept("exists")
		}
		r.accept("only")
		n := r.name(d)
		if n == "" {
			return fmt.Errorf("alter table: missing table name")
		}
		return alterTable(s, r, d, n, startLine)
	}
	return nil
}

var columnStop = map[string]bool{
	"not": true, "null": true, "default": true, "primary": true, "references": true, "unique": true, "check": true,
	"constraint": true, "auto_increment": true, "generated": true, "collate": true, "comment": true, "on": true,
	"character": true, "charset": true, "autoincrement": true, "identity": true, "as": true, "key": true,
}

func createTable(s *Schema, r *ddlReader, d Dialect, line int) error {
	if r.accept("if") {
		r.accept("not")
		r.accept("exists")
	}
	n := r.name(d)
	if n == "" {
		return fmt.Errorf("create table: missing table name")
	}
	t := Table{Name: n, Line: line}
	if !r.accept("(") {
		if r.accept("as") || r.accept("like") || r.accept("partition") {
			s.Tables = append(s.Tables, t)
			return nil
		}
		return fmt.Errorf("create table %q: expected '(' after the table name", n)
	}
	for r.i < len(r.toks) && r.peek() != ")" {
		if err := tableElement(s, r, d, &t); err != nil {
			s.Tables = append(s.Tables, t)
			return fmt.Errorf("create table %q: %v", n, err)
		}
		// skip to the next top-level ',' or the closing ')'
		depth := 0
		for r.i < len(r.toks) {
			tk := r.toks[r.i]
			if tk.Kind == tPunct {
				if tk.Val == "(" {
					depth++
				} else if tk.Val == ")" {
					if depth == 0 {
						break
					}
					depth--
				} else if tk.Val == "," && depth == 0 {
					r.i++
					break
				}
			}
			r.i++
		}
	}
	if !r.accept(")") {
		s.Tables = append(s.Tables, t)
		return fmt.Errorf("create table %q: missing ')' at the end of the column list", n)
	}
	s.Tables = append(s.Tables, t)
	return nil
}

// tableElement reads one column definition or table constraint, leaving the
// reader somewhere inside it (the caller skips to the next ',').
func tableElement(s *Schema, r *ddlReader, d Dialect, t *Table) error {
	if r.accept("constraint") {
		r.name(d)
	}
	switch {
	case r.accept("primary"):
		r.accept("key")
		t.PrimaryKey = r.parenList()
		return nil
	case r.accept("foreign"):
		r.accept("key")
		if r.peek() != "(" {
			r.name(d) // MySQL index name
		}
		cols := r.parenList()
		if !r.accept("references") {
			return fmt.Errorf("foreign key without REFERENCES")
		}
		line := r.toks[r.i-1].Line
		ref := r.name(d)
		s.ForeignKeys = append(s.ForeignKeys, ForeignKey{Table: t.Name, Columns: cols, RefTable: ref, RefColumns: r.parenList(), Line: line})
		return nil
	case r.accept("unique", "key", "index", "check", "exclude", "fulltext", "spatial", "like", "period"):
		return nil
	}
	if r.i >= len(r.toks) {
		return fmt.Errorf("unexpected end of statement")
	}
	tk := r.toks[r.i]
	if tk.Kind != tWord && tk.Kind != tQuoted {
		return fmt.Errorf("unexpected %q in the column list", tk.Val)
	}
	col := tk.Val
	r.i++
	typStart, typEnd := -1, -1
	depth := 0
	for r.i < len(r.toks) {
		tk := r.toks[r.i]
		if depth == 0 && (tk.Kind == tPunct && (tk.Val == "," || tk.Val == ")") || tk.Kind == tWord && columnStop[tk.Val]) {
			break
		}
		if tk.Kind == tPunct && tk.Val == "(" {
			depth++
		} else if tk.Kind == tPunct && tk.Val == ")" {
			depth--
		}
		if typStart < 0 {
			typStart = tk.Off
		}
		typEnd = tk.End
		r.i++
	}
	typ := ""
	if typStart >= 0 {
		typ = strings.ToLower(strings.Join(strings.Fields(r.src[typStart:typEnd]), " "))
	}
	t.Columns = append(t.Columns, Column{Name: col, Type: typ})
	// column constraints
	depth = 0
	for r.i < len(r.toks) {
		tk := r.toks[r.i]
		if tk.Kind == tPunct {
			if tk.Val == "(" {
				depth++
			} else if tk.Val == ")" {
				if depth == 0 {
					return nil
				}
				depth--
			} else if tk.Val == "," && depth == 0 {
				return nil
			}
			r.i++
			continue
		}
		if depth == 0 && tk.Kind == tWord {
			switch tk.Val {
			case "primary":
				if r.i+1 < len(r.toks) && r.toks[r.i+1].Val == "key" {
					t.PrimaryKey = []string{col}
				}
			case "references":
				line := tk.Line
				r.i++
				ref := r.name(d)
				s.ForeignKeys = append(s.ForeignKeys, ForeignKey{Table: t.Name, Columns: []string{col}, RefTable: ref, RefColumns: r.parenList(), Line: line})
				continue
			}
		}
		r.i++
	}
	return nil
}

// skipAction moves past the rest of one ALTER TABLE action: to just after the next comma
// outside parentheses, or to the end.
func (r *ddlReader) skipAction() {
	depth := 0
	for r.i < len(r.toks) {
		tk := r.toks[r.i]
		r.i++
		if tk.Kind == tPunct && tk.Val == "(" {
			depth++
		} else if tk.Kind == tPunct && tk.Val == ")" {
			depth--
		} else if tk.Kind == tPunct && tk.Val == "," && depth == 0 {
			return
		}
	}
}

// alterTable reads the ADD actions of ALTER TABLE. Columns added to a table
// this file does not create are reported as a Table entry at the ALTER line
// (callers merge declarations of the same table across files).
func alterTable(s *Schema, r *ddlReader, d Dialect, table string, line int) error {
	for r.i < len(r.toks) {
		if !r.accept("add") {
			r.skipAction()
			continue
		}
		r.accept("column")
		if r.accept("if") {
			r.accept("not")
			r.accept("exists")
		}
		t := Table{Name: table}
		idx := -1
		for k := range s.Tables {
			if s.Tables[k].Name == table {
				idx = k
			}
		}
		if idx >= 0 {
			t = s.Tables[idx]
		}
		before := len(t.Columns)
		err := tableElement(s, r, d, &t)
		switch {
		case idx >= 0:
			s.Tables[idx] = t
		case len(t.Columns) > before || len(t.PrimaryKey) > 0:
			t.Line = line
			s.Tables = append(s.Tables, t)
		}
		if err != nil {
			return fmt.Errorf("alter table %q: %v", table, err)
		}
		r.skipAction()
	}
	return nil
}

// stmtStarters are the words after which a routine body may begin a new
// statement.
var stmtStarters = map[string]bool{
	";": true, "begin": true, "then": true, "else": true, "loop": true, "do": true, "query": true, "as": true,
	"atomic": true, "declare": true, "row": true, "return": true, "elsif": true, "elseif": true, "repeat": true,
}

var dmlWords = map[string]bool{"select": true, "insert": true, "update": true, "delete": true, "with": true, "replace": true, "truncate": true, "merge": true}

func createRoutine(s *Schema, r *ddlReader, d Dialect, kind string, line int) error {
	if r.accept("if") {
		r.accept("not")
		r.accept("exists")
	}
	name := r.name(d)
	if name == "" {
		return fmt.Errorf("create %s: missing name", kind)
	}
	rt := Routine{Name: name, Kind: kind, Line: line}
	body := ""
	if kind != "trigger" {
		r.skipParens()
	}
	// Prefer a dollar- or single-quoted body (PostgreSQL); otherwise the
	// rest of the statement is the body (MySQL, SQL-standard BEGIN ATOMIC).
	rest := r.i
	for k := r.i; k < len(r.toks); k++ {
		t := r.toks[k]
		if t.Kind == tString && k > 0 && r.toks[k-1].Val == "as" && r.toks[k-1].Kind == tWord {
			body = unquoteBody(t.Val)
			break
		}
	}
	if body == "" && rest < len(r.toks) {
		body = r.src[r.toks[rest].Off:]
	}
	acc := map[TableAccess]bool{}
	for _, stmt := range bodyStatements(body) {
		st := Parse(stmt, d)
		for _, ta := range st.Tables {
			acc[ta] = true
		}
	}
	for ta := range acc {
		rt.Tables = append(rt.Tables, ta)
	}
	sortAccess(rt.Tables)
	s.Routines = append(s.Routines, rt)
	return nil
}

func sortAccess(ts []TableAccess) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Table != ts[j].Table {
			return ts[i].Table < ts[j].Table
		}
		return ts[i].Access < ts[j].Access
	})
}

// unquoteBody strips the quotes of a dollar- or single-quoted routine body.
func unquoteBody(s string) string {
	if strings.HasPrefix(s, "$") {
		if n := dollarTag(s, 0); n > 0 && len(s) >= 2*n {
			return s[n : len(s)-n]
		}
		return s
	}
	if strings.HasPrefix(s, "'") && len(s) >= 2 {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// bodyStatements finds the SQL statements inside a procedural body: each
// starts with a DML word at a statement start and runs to the next ';' at
// the same parenthesis depth.
func bodyStatements(body string) []string {
	toks := lex(body)
	var out []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != tWord || !dmlWords[t.Val] {
			continue
		}
		if i > 0 {
			p := toks[i-1]
			if !(p.Kind == tPunct && (p.Val == ";" || p.Val == "(") || p.Kind == tWord && stmtStarters[p.Val]) {
				continue
			}
		}
		depth := 0
		if i > 0 && toks[i-1].Val == "(" {
			depth = 1
		}
		j := i
		end := len(body)
		for ; j < len(toks); j++ {
			tk := toks[j]
			if tk.Kind != tPunct {
				continue
			}
			if tk.Val == "(" {
				depth++
			} else if tk.Val == ")" {
				depth--
				if depth < 0 || depth == 0 && i > 0 && toks[i-1].Val == "(" {
					end = tk.Off
					break
				}
			} else if tk.Val == ";" && depth <= 0 {
				end = tk.Off
				break
			}
		}
		out = append(out, stripInto(body[t.Off:end]))
		i = j
	}
	return out
}

// stripInto removes a PL/pgSQL or MySQL "INTO var[, var]" target list from a
// SELECT or from a RETURNING clause, which neither grammar accepts.
func stripInto(stmt string) string {
	toks := lex(stmt)
	if len(toks) == 0 {
		return stmt
	}
	if toks[0].Val == "insert" || toks[0].Val == "update" || toks[0].Val == "delete" {
		// RETURNING ... INTO var[, var]: the targets run to the end.
		depth, returning := 0, false
		for _, t := range toks {
			if t.Kind == tPunct && t.Val == "(" {
				depth++
			} else if t.Kind == tPunct && t.Val == ")" {
				depth--
			}
			if depth == 0 && t.Kind == tWord && t.Val == "returning" {
				returning = true
			}
			if returning && depth == 0 && t.Kind == tWord && t.Val == "into" {
				return stmt[:t.Off]
			}
		}
		return stmt
	}
	if toks[0].Val != "select" && toks[0].Val != "with" {
		return stmt
	}
	depth := 0
	for i, t := range toks {
		if t.Kind == tPunct && t.Val == "(" {
			depth++
		} else if t.Kind == tPunct && t.Val == ")" {
			depth--
		}
		if depth == 0 && t.Kind == tWord && t.Val == "into" {
			j := i + 1
			for j < len(toks) && (toks[j].Kind != tWord || toks[j].Val != "from" && toks[j].Val != "where" && toks[j].Val != "limit") {
				j++
			}
			endOff := len(stmt)
			if j < len(toks) {
				endOff = toks[j].Off
			}
			return stmt[:t.Off] + " " + stmt[endOff:]
		}
	}
	return stmt
}

// parseDDLStatement gives Parse's answer for DDL: Kind ddl, Status Parsed
// when the schema reader understood it. DDL declares tables (ParseSchema
// has them) and reports no table access, except CREATE VIEW ... AS query
// and CREATE TABLE ... AS query (MySQL also CREATE TABLE ... SELECT), whose
// query's tables are read.
func parseDDLStatement(sql string, d Dialect) Statement {
	_, errs := ParseSchema(sql, d)
	f := newFacts()
	f.setKind("ddl")
	var qreason string
	var qstatus Status
	for _, c := range SplitStatements(sql) {
		q := ddlQuery(c.SQL)
		if q == "" {
			continue
		}
		qs := Parse(q, d)
		for _, ta := range qs.Tables {
			f.add(ta.Table, Read)
		}
		for _, call := range qs.Calls {
			f.calls[call] = true
		}
		if qs.Reason != "" && qreason == "" {
			qstatus, qreason = qs.Status, "query of the view or table: "+qs.Reason
		}
	}
	st := f.finish(d)
	switch {
	case len(errs) > 0:
		st.Status = Recovered
		st.Reason = errs[0].Error()
	case qstatus == Parsed:
		st.Reason = qreason // parsed, with a part built at run time
	case qreason != "":
		st.Status = Recovered
		st.Reason = qreason
	}
	return st
}

// ddlQuery returns the query of CREATE [...] VIEW name [(...)] AS query or
// CREATE [...] TABLE name [(...)] [AS] query, without a trailing WITH [NO]
// DATA or WITH [CASCADED | LOCAL] CHECK OPTION; "" for any other statement.
func ddlQuery(stmt string) string {
	toks := lex(stmt)
	if len(toks) < 4 || toks[0].Kind != tWord || toks[0].Val != "create" {
		return ""
	}
	i := 1
	// skip modifiers: OR REPLACE, TEMP, MATERIALIZED, ALGORITHM=..., DEFINER=`u`@`h`
	for i < len(toks) && !(toks[i].Kind == tWord && (toks[i].Val == "view" || toks[i].Val == "table")) {
		t := toks[i]
		if t.Kind == tPunct && (t.Val == "(" || t.Val == ";") || t.Kind == tWord && (t.Val == "as" || t.Val == "function" || t.Val == "procedure" || t.Val == "trigger" || t.Val == "index") {
			return ""
		}
		i++
	}
	if i >= len(toks) || toks[i].Kind != tWord {
		return ""
	}
	depth := 0
	start := -1
	for j := i + 1; j < len(toks) && start < 0; j++ {
		t := toks[j]
		if t.Kind == tPunct {
			switch t.Val {
			case "(":
				depth++
			case ")":
				depth--
			case ";":
				return ""
			}
			continue
		}
		if depth != 0 || t.Kind != tWord {
			continue
		}
		switch t.Val {
		case "as":
			if j+1 < len(toks) && (toks[j+1].Val == "(" && toks[j+1].Kind == tPunct || toks[j+1].Kind == tWord && queryWords[toks[j+1].Val]) {
				start = j + 1
			}
		case "select":
			start = j // MySQL: CREATE TABLE t [(...)] SELECT ...
		}
	}
	if start < 0 {
		return ""
	}
	end := len(toks)
	for end > start && toks[end-1].Kind == tPunct && toks[end-1].Val == ";" {
		end--
	}
	// WITH [NO] DATA, WITH [CASCADED | LOCAL] CHECK OPTION
	if end-start > 2 && toks[end-1].Kind == tWord {
		last := toks[end-1].Val
		switch {
		case last == "data" && toks[end-2].Val == "with":
			end -= 2
		case last == "data" && toks[end-2].Val == "no" && end-start > 3 && toks[end-3].Val == "with":
			end -= 3
		case last == "option" && toks[end-2].Val == "check":
			end -= 2
			if toks[end-1].Val == "cascaded" || toks[end-1].Val == "local" {
				end--
			}
			if end > start && toks[end-1].Val == "with" {
				end--
			}
		}
	}
	if end <= start {
		return ""
	}
	return stmt[toks[start].Off:toks[end-1].End]
}

// queryWords start a query.
var queryWords = map[string]bool{"select": true, "with": true, "values": true, "table": true}
