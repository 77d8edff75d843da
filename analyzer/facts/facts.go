// Package facts defines the fact base carve extracts from a Go monolith: packages, units
// (functions, methods, types), call and reference edges, SQL statements with the tables they
// touch, transactions, HTTP routes, and the database schema found in migrations. These types
// are the analysis JSON schema (docs/analysis-json.md); every other part of carve reads them and
// none re-derives them. Values are plain data, safe to share read-only between goroutines.
package facts

import (
	"fmt"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the analysis JSON document. It changes when a field changes
// meaning or disappears; adding fields does not change it.
const SchemaVersion = 1

// UnitID names a unit: "<package dir>.<Name>" for package-level functions, types, vars and
// consts, "<package dir>.<Type>.<Method>" for methods (any receiver kind). The package dir is
// relative to the module root, slash separated, "." for the root package
// (e.g. "internal/store.Store.CreateOrder").
type UnitID string

// Package returns the package dir part of the unit ID.
func (id UnitID) Package() string {
	s := string(id)
	if strings.HasPrefix(s, "..") { // a unit of the root package, whose dir is "."
		return "."
	}
	slash := strings.LastIndex(s, "/")
	dot := strings.Index(s[slash+1:], ".")
	if dot < 0 {
		return s
	}
	return s[:slash+1+dot]
}

// Pos is a source position relative to the analysed module root. It marshals as "file:line".
type Pos struct {
	File string
	Line int
}

// String returns "file:line", or "" for the zero Pos.
func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// MarshalText implements encoding.TextMarshaler.
func (p Pos) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Pos) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*p = Pos{}
		return nil
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return fmt.Errorf("position %q: want file:line", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return fmt.Errorf("position %q: want file:line", s)
	}
	*p = Pos{File: s[:i], Line: n}
	return nil
}

// Less orders positions by file then line.
func (p Pos) Less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	return p.Line < q.Line
}

// Dialect is a SQL dialect: "postgres" or "mysql".
type Dialect string

// Access is how a statement touches a table: read, insert, update, delete or upsert.
type Access string

// Access kinds. Everything but Read is a write.
const (
	Read   Access = "read"
	Insert Access = "insert"
	Update Access = "update"
	Delete Access = "delete"
	Upsert Access = "upsert"
)

// IsWrite reports whether a changes data.
func (a Access) IsWrite() bool { return a != Read }

// TableAccess is one table touched by a statement, and how.
type TableAccess struct {
	Name   string `json:"name"`
	Access Access `json:"access"`
}

// Status says how well a statement was understood.
type Status string

// Statement statuses.
const (
	Parsed     Status = "parsed"     // a real grammar parsed it
	Recovered  Status = "recovered"  // the grammars failed; tables found by token-level recovery
	Unresolved Status = "unresolved" // the tables are not known (dynamic SQL); Reason says why
)

// Package is one loaded Go package.
type Package struct {
	Path    string   `json:"path"`              // import path
	Dir     string   `json:"dir"`               // dir relative to the module root, "." for the root
	Name    string   `json:"name"`              // package name
	Files   []string `json:"files"`             // Go files relative to the module root, sorted
	Imports []string `json:"imports,omitempty"` // import paths of packages of the same module, sorted
	Lines   int      `json:"lines"`             // non-blank lines in Files
}

// UnitKind is the kind of a unit.
type UnitKind string

// Unit kinds.
const (
	Func   UnitKind = "func"
	Method UnitKind = "method"
	Type   UnitKind = "type"
	Var    UnitKind = "var" // package-level vars and consts
)

// Unit is a function, method, type or package-level var/const: the smallest piece carve
// assigns to a service. Files group units; packages group files.
type Unit struct {
	ID      UnitID   `json:"id"`
	Kind    UnitKind `json:"kind"`
	Package string   `json:"package"` // package dir relative to the module root
	Pos     Pos      `json:"pos"`     // declaration
	Lines   int      `json:"lines"`   // lines of the declaration
}

// File returns the file holding the unit.
func (u Unit) File() string { return u.Pos.File }

// EdgeKind is the kind of a dependency between units.
type EdgeKind string

// Edge kinds.
const (
	Call EdgeKind = "call" // From calls To (static call, method value, or interface call resolved to To)
	Ref  EdgeKind = "ref"  // From mentions To (type use, value use, embedding) without calling it
)

// Edge is a dependency from one unit to another, aggregated over all occurrences.
type Edge struct {
	From  UnitID   `json:"from"`
	To    UnitID   `json:"to"`
	Kind  EdgeKind `json:"kind"`
	Count int      `json:"count"` // occurrences
	Pos   Pos      `json:"pos"`   // first occurrence
	// Dynamic is true when the edge comes from resolving an interface call to one of its
	// implementations (approach: class-hierarchy analysis over the loaded packages).
	Dynamic bool `json:"dynamic,omitempty"`
}

// SQL is one statement that reaches the database: a call site in Go code, a named query in a
// .sql file, or a statement built by a query builder/ORM.
type SQL struct {
	Pos     Pos           `json:"pos"`
	Unit    UnitID        `json:"unit,omitempty"` // issuing unit; empty for .sql files
	Via     string        `json:"via"`            // database/sql | sqlx | pgx | sqlc | squirrel | gorm | sqlfile
	Dialect Dialect       `json:"dialect"`
	Text    string        `json:"text,omitempty"` // reconstructed text; unknown parts are "__carve_hole__"
	Kind    string        `json:"kind"`           // select | insert | update | delete | upsert | call | ddl | other
	Status  Status        `json:"status"`
	Reason  string        `json:"reason,omitempty"`
	Tables  []TableAccess `json:"tables"`
	Joins   [][2]string   `json:"joins,omitempty"`
	Calls   []string      `json:"calls,omitempty"` // stored procedures/functions called
	Tx      string        `json:"tx,omitempty"`    // Transaction.ID when run on a transaction
}

// Attributed reports whether the statement counts as attributed: at least one table and not
// unresolved.
func (s SQL) Attributed() bool { return len(s.Tables) > 0 && s.Status != Unresolved }

// NoData reports whether the statement touches no data: DDL (whose schema is read into
// Tables/ForeignKeys) or a utility statement (SET, BEGIN, VACUUM, …) that is understood and
// names no table. Such statements are never "attributed" and are left out of attribution rates.
func (s SQL) NoData() bool {
	return s.Kind == "ddl" || (s.Kind == "other" && s.Status != Unresolved && len(s.Tables) == 0)
}

// Transaction is a set of statements run on one transaction value (also across functions the
// transaction is passed to).
type Transaction struct {
	ID     string        `json:"id"`   // "tx<N>", numbered in Pos order
	Pos    Pos           `json:"pos"`  // the call that begins the transaction
	Unit   UnitID        `json:"unit"` // unit that begins it
	Tables []TableAccess `json:"tables"`
	Calls  []string      `json:"calls,omitempty"` // stored procedures/functions called by its statements, sorted
	SQL    []Pos         `json:"sql"`             // statements run on it, sorted
}

// Route is one HTTP route registration.
type Route struct {
	Method  string `json:"method"` // upper case, or "ANY"
	Path    string `json:"path"`   // full path with every prefix; params as {name}, wildcards {name...}
	Handler UnitID `json:"handler,omitempty"`
	Pos     Pos    `json:"pos"`
	Router  string `json:"router"` // net/http | chi | gorilla/mux | gin | echo
}

// Key returns "METHOD /path", the route's identity in specs and plans.
func (r Route) Key() string { return r.Method + " " + r.Path }

// Table is a table known from migrations/schema files or a live database.
type Table struct {
	Name    string   `json:"name"` // normalised as sqlparse does
	Pos     Pos      `json:"pos"`
	Columns []string `json:"columns,omitempty"`
	Source  string   `json:"source"` // migration | live | sql (seen only in statements)
	Rows    int64    `json:"rows,omitempty"`
	Bytes   int64    `json:"bytes,omitempty"`
}

// ForeignKey is a foreign key between two tables.
type ForeignKey struct {
	Table      string   `json:"table"`
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns,omitempty"`
	Pos        Pos      `json:"pos"`
}

// Routine is a stored procedure, function or trigger defined in the schema.
type Routine struct {
	Name   string        `json:"name"`
	Kind   string        `json:"kind"` // procedure | function | trigger
	Tables []TableAccess `json:"tables"`
	Pos    Pos           `json:"pos"`
}

// Skipped records something the analysis could not use, and why.
type Skipped struct {
	What   string `json:"what"` // package path or file
	Reason string `json:"reason"`
}

// Facts is the whole fact base of one module. All slices are sorted (units by ID, edges by
// from/to/kind, SQL/routes/transactions by position) so output is deterministic.
type Facts struct {
	Module       string        `json:"module"`
	Dialect      Dialect       `json:"dialect"`
	Packages     []Package     `json:"packages"`
	Units        []Unit        `json:"units"`
	Edges        []Edge        `json:"edges"`
	SQL          []SQL         `json:"sql"`
	Routes       []Route       `json:"routes"`
	Transactions []Transaction `json:"transactions"`
	Tables       []Table       `json:"tables"`
	ForeignKeys  []ForeignKey  `json:"foreign_keys"`
	Routines     []Routine     `json:"routines"`
	Skipped      []Skipped     `json:"skipped"`
}

// IsSystemTable reports whether a (normalised) table name belongs to the database's own
// catalog — PostgreSQL's pg_catalog and pg_* relations, information_schema, MySQL's mysql,
// performance_schema and sys schemas. Such tables are read by tooling and health checks; they
// are not application data, so no service owns them and no finding is reported on them.
func IsSystemTable(name string) bool {
	name = strings.ToLower(name)
	schema, table, ok := strings.Cut(name, ".")
	if !ok {
		table, schema = name, ""
	}
	switch schema {
	case "pg_catalog", "information_schema", "mysql", "performance_schema", "sys", "pg_toast":
		return true
	case "":
		return strings.HasPrefix(table, "pg_")
	}
	return false
}
