// Package sqlparse turns SQL text into table facts: which tables a statement
// reads or writes, which tables it combines, which stored routines it calls,
// and, for schema files, tables, columns, keys, foreign keys and routines.
//
// PostgreSQL is parsed with github.com/cockroachdb/cockroachdb-parser and the
// MySQL family with github.com/xwb1989/sqlparser, both pure Go. When the
// chosen dialect's grammar rejects a statement the other grammar is tried,
// and when both reject it a tolerant token-level reader recovers the tables
// (Status Recovered, with the parser error as Reason). Every result says how
// it was understood; nothing is dropped silently.
//
// All functions are safe for concurrent use and never panic: a panic inside
// a third-party parser is recovered and treated as a parse error.
package sqlparse

import (
	"fmt"
	"sort"
	"strings"
)

// Dialect names the SQL grammar a statement is written in.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql"
)

// Access is what a statement does to a table.
type Access string

// The kinds of table access.
const (
	Read   Access = "read"
	Insert Access = "insert"
	Update Access = "update"
	Delete Access = "delete"
	Upsert Access = "upsert"
)

// Status says how a statement was understood.
type Status string

// The statuses: Parsed by a real grammar, Recovered by the tolerant
// token-level reader (tables known, less certain), Unresolved (tables not
// known statically).
const (
	Parsed     Status = "parsed"
	Recovered  Status = "recovered"
	Unresolved Status = "unresolved"
)

// Hole is the text the Go extractor puts where part of a statement is not
// known statically (for example the value of fmt.Sprintf("%s", userInput)).
// Before parsing, Parse replaces each Hole by a stand-in the grammars accept
// in its context (an assignment after SET, a list after IN, nothing after a
// complete condition...). A Hole inside a table name makes the statement
// Unresolved; a Hole elsewhere leaves it Parsed when a grammar accepts the
// rest, with a Reason naming the parts built at run time. Template markers
// left in query files are holes too: %name% (filled by strings.ReplaceAll)
// and the fmt verbs %s, %d, %v, %q outside strings.
const Hole = "__carve_hole__"

// MaxStatementSize is the largest statement Parse reads, in bytes. Larger
// input is Unresolved with reason "statement too large".
const MaxStatementSize = 1 << 20

// TableAccess is one table touched by a statement and how.
type TableAccess struct {
	Table  string `json:"name"`
	Access Access `json:"access"`
}

// Statement holds the table facts of one SQL statement (or of several
// statements sent together, as their union).
type Statement struct {
	// Kind is select, insert, update, delete, upsert, call, ddl or other;
	// for several statements, the kind of the first one that is not other.
	Kind string
	// Tables lists the tables touched, sorted by Table then Access, without
	// duplicates. Table names are lower case without quotes; Postgres'
	// default schema "public." is dropped, other schemas are kept. CTE names,
	// aliases and MySQL's DUAL are not tables. Empty for DDL (see
	// ParseSchema), except that CREATE VIEW ... AS query and CREATE TABLE
	// ... AS query list their query's tables as read. Empty for utility
	// statements (BEGIN, SET, VACUUM, PRAGMA, LISTEN...), except LOCK, which
	// lists the tables it locks as read.
	Tables []TableAccess
	// Joins lists each pair of distinct tables used together in the
	// statement (joins, subqueries, UPDATE ... FROM, DELETE ... USING,
	// INSERT ... SELECT), each pair sorted, the list sorted, no duplicates.
	Joins [][2]string
	// Calls lists the stored procedures and user functions called (CALL p(),
	// SELECT f()), lower case, sorted; built-in functions are not listed.
	Calls []string
	// Status says how the statement was understood.
	Status Status
	// Reason says why a statement is Recovered or Unresolved. For a Parsed
	// statement it is empty, except when part of the text is built at run
	// time (Hole): it then names those parts, for example "part of the
	// statement built at run time (IN list, SET list); tables of the known
	// part read by the grammar".
	Reason string
}

// Parse reads one SQL statement (or a few separated by ';') written for
// dialect d and returns its table facts. Bind parameters in any common form
// (?, $1, :name) are accepted in both dialects. A dialect other than MySQL
// is treated as Postgres. Parse never panics.
func Parse(sql string, d Dialect) Statement {
	if len(sql) > MaxStatementSize {
		return Statement{Kind: "other", Status: Unresolved, Reason: fmt.Sprintf("statement too large (%d bytes, limit %d)", len(sql), MaxStatementSize)}
	}
	if strings.TrimSpace(stripComments(sql)) == "" {
		return Statement{Kind: "other", Status: Unresolved, Reason: "empty statement"}
	}
	if d != MySQL {
		d = Postgres
	}
	toks := lex(sql)
	kind := firstKind(toks)
	if kind == "ddl" {
		return parseDDLStatement(sql, d)
	}
	if len(toks) > 1 && toks[0].Kind == tWord && toks[0].Val == "do" {
		return parseDoBlock(toks, d)
	}
	if st, ok := parseUtility(toks, d); ok {
		return st
	}
	sql = markTemplates(sql)
	text := sql
	var holes filled
	if hasHole(sql) {
		holes = fillHoles(sql)
		if holes.whole {
			return Statement{Kind: kind, Status: Unresolved, Reason: "statement built at run time (its text is not known statically)"}
		}
		text = holes.text
	}
	var errs []string
	for _, dd := range []Dialect{d, other(d)} {
		t := text
		if d == MySQL && dd == Postgres {
			t = mysqlToPostgres(text)
		}
		f, err := parseWith(t, dd)
		if err == nil {
			return withHoles(f.finish(d), sql, holes.parts)
		}
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if len(msg) > 200 {
			msg = strings.ToValidUTF8(msg[:200], "") + "..."
		}
		errs = append(errs, fmt.Sprintf("%s: %s", dd, msg))
	}
	if d == Postgres {
		// SQLite-style identifiers in a PostgreSQL-driver project
		// (RETURNING rules the MySQL grammar out). Its error would repeat
		// the first one, so it is not reported.
		if t := sqliteToPostgres(text); t != text {
			if f, err := parseWith(t, Postgres); err == nil {
				return withHoles(f.finish(d), sql, holes.parts)
			}
		}
	}
	f := recoverTokens(sql)
	st := f.finish(d)
	reason := "no grammar accepted it (" + strings.Join(errs, "; ") + ")"
	if len(st.Tables) == 0 && len(st.Calls) == 0 {
		st.Status = Unresolved
		st.Reason = "no table found; " + reason
		if hasHole(sql) {
			st.Reason = "statement built at run time; " + st.Reason
		}
		return st
	}
	st.Status = Recovered
	st.Reason = reason
	return withHoles(st, sql, nil)
}

func other(d Dialect) Dialect {
	if d == MySQL {
		return Postgres
	}
	return MySQL
}

// parseWith runs the grammar of dialect d, recovering from panics.
func parseWith(sql string, d Dialect) (f *facts, err error) {
	defer func() {
		if r := recover(); r != nil {
			f = nil
			err = fmt.Errorf("parser panic: %v", r)
		}
	}()
	if d == MySQL {
		return parseMySQL(mysqlAssignToEquals(rewritePlaceholders(sql, MySQL)))
	}
	return parsePostgres(rewritePlaceholders(sql, Postgres))
}

// withHoles marks statements that contain Hole: Unresolved when a table name
// holds it; otherwise a statement a grammar accepted stays Parsed, and its
// Reason names the parts built at run time (parts, from fillHoles).
func withHoles(st Statement, sql string, parts []string) Statement {
	if !hasHole(sql) {
		return st
	}
	var kept []TableAccess
	inTable := false
	for _, t := range st.Tables {
		if strings.Contains(t.Table, Hole) {
			inTable = true
			continue
		}
		kept = append(kept, t)
	}
	if inTable {
		st.Status = Unresolved
		st.Reason = "table name built at run time"
		st.Tables = kept
		var joins [][2]string
		for _, j := range st.Joins {
			if !strings.Contains(j[0], Hole) && !strings.Contains(j[1], Hole) {
				joins = append(joins, j)
			}
		}
		st.Joins = joins
		return st
	}
	if st.Status == Parsed {
		what := "part of the statement built at run time"
		if len(parts) > 0 {
			what += " (" + strings.Join(parts, ", ") + ")"
		}
		st.Reason = what + "; tables of the known part read by the grammar"
	} else {
		st.Reason = "part of the statement built at run time; " + st.Reason
	}
	return st
}

// facts accumulates what a walker finds in one statement.
type facts struct {
	kind   string
	access map[TableAccess]bool
	calls  map[string]bool
	ctes   map[string]bool
}

func newFacts() *facts {
	return &facts{access: map[TableAccess]bool{}, calls: map[string]bool{}, ctes: map[string]bool{}}
}

func (f *facts) setKind(k string) {
	if f.kind == "" || f.kind == "other" {
		f.kind = k
	}
}

func (f *facts) add(name string, a Access) {
	if name == "" {
		return
	}
	if f.ctes[name] || name == "dual" {
		return
	}
	f.access[TableAccess{name, a}] = true
}

func (f *facts) call(name string) {
	name = strings.ToLower(name)
	if name == "" || isBuiltin(name) {
		return
	}
	f.calls[name] = true
}

func (f *facts) finish(d Dialect) Statement {
	st := Statement{Kind: f.kind, Status: Parsed}
	if st.Kind == "" {
		st.Kind = "other"
	}
	names := map[string]bool{}
	acc := map[TableAccess]bool{}
	for ta := range f.access {
		if d == Postgres {
			ta.Table = strings.TrimPrefix(ta.Table, "public.")
		}
		acc[ta] = true
	}
	for ta := range acc {
		st.Tables = append(st.Tables, ta)
		names[ta.Table] = true
	}
	sort.Slice(st.Tables, func(i, j int) bool {
		if st.Tables[i].Table != st.Tables[j].Table {
			return st.Tables[i].Table < st.Tables[j].Table
		}
		return st.Tables[i].Access < st.Tables[j].Access
	})
	var list []string
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	for i := range list {
		for j := i + 1; j < len(list); j++ {
			st.Joins = append(st.Joins, [2]string{list[i], list[j]})
		}
	}
	for c := range f.calls {
		if d == Postgres {
			c = strings.TrimPrefix(c, "public.")
		}
		st.Calls = append(st.Calls, c)
	}
	sort.Strings(st.Calls)
	st.Calls = dedupStrings(st.Calls)
	if st.Kind == "select" && len(st.Tables) == 0 && len(st.Calls) > 0 {
		st.Kind = "call"
	}
	return st
}

// normName lower-cases a possibly qualified table name and drops Postgres'
// default schema.
func normName(parts []string, d Dialect) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, strings.ToLower(p))
		}
	}
	if d == Postgres {
		if len(keep) == 3 {
			keep = keep[1:]
		}
		if len(keep) == 2 && keep[0] == "public" {
			keep = keep[1:]
		}
	}
	return strings.Join(keep, ".")
}

// stripComments removes -- and /* */ comments (outside strings).
func stripComments(s string) string {
	toks := lex(s)
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(s[t.Off:t.End])
		b.WriteByte(' ')
	}
	return b.String()
}

var ddlWords = map[string]bool{"create": true, "alter": true, "drop": true, "rename": true, "comment": true, "grant": true, "revoke": true}

// firstKind infers the statement kind from its first keyword.
func firstKind(toks []token) string {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == tPunct && (t.Val == "(" || t.Val == ";") {
			continue
		}
		if t.Kind != tWord {
			return "other"
		}
		switch t.Val {
		case "select", "table", "values", "explain":
			return "select"
		case "insert":
			return "insert"
		case "replace", "merge", "upsert":
			return "upsert"
		case "update":
			return "update"
		case "delete", "truncate":
			return "delete"
		case "call", "exec", "execute":
			return "call"
		case "with":
			return mainKindAfterWith(toks[i+1:])
		}
		if ddlWords[t.Val] {
			return "ddl"
		}
		return "other"
	}
	return "other"
}

// mainKindAfterWith skips a CTE list and returns the kind of the main
// statement.
func mainKindAfterWith(toks []token) string {
	depth := 0
	for i, t := range toks {
		if t.Kind == tPunct {
			switch t.Val {
			case "(":
				depth++
			case ")":
				depth--
			}
			continue
		}
		if depth == 0 && t.Kind == tWord {
			switch t.Val {
			case "select", "insert", "update", "delete", "values", "table", "merge", "replace":
				return firstKind(toks[i:])
			}
		}
	}
	return "select"
}

// dedupStrings removes adjacent duplicates from a sorted slice.
func dedupStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// parseDoBlock reads a PostgreSQL anonymous block (DO $$ ... $$): its body
// statements give the tables.
func parseDoBlock(toks []token, d Dialect) Statement {
	f := newFacts()
	f.setKind("other")
	found := false
	for _, t := range toks {
		if t.Kind != tString {
			continue
		}
		found = true
		for _, stmt := range bodyStatements(unquoteBody(t.Val)) {
			st := Parse(stmt, d)
			for _, ta := range st.Tables {
				f.add(ta.Table, ta.Access)
			}
			for _, c := range st.Calls {
				f.calls[c] = true
			}
		}
	}
	st := f.finish(d)
	if !found {
		st.Status, st.Reason = Unresolved, "DO block without a quoted body"
		return st
	}
	st.Status, st.Reason = Recovered, "tables of the statements inside the DO block body"
	return st
}
