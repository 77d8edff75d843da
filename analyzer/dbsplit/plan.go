package dbsplit

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// Options controls Build.
type Options struct {
	// Dialect is the target server: postgres (schema per service) or mysql (database per
	// service). Default: the analysis' dialect, else postgres.
	Dialect facts.Dialect
	// Database is the monolith's database. Required for mysql (tables move from it with
	// RENAME TABLE and transition views read from it); unused for postgres.
	Database string
	// RolePrefix prefixes every role name. Default "svc_" (role svc_orders for service orders).
	RolePrefix string
	// SchemaPrefix prefixes every new schema (PostgreSQL) or database (MySQL) name. Default "".
	SchemaPrefix string
	// Live is the live schema (Introspect), optional: when given, foreign keys are dropped by
	// their constraint names instead of being looked up in the catalog at apply time.
	Live *Schema
}

// StepKind says what a step does.
type StepKind string

// Step kinds, in the order they appear in a plan.
const (
	StepSetup   StepKind = "setup"    // schemas/databases and roles for every service
	StepDropFKs StepKind = "drop-fks" // drop foreign keys between services (destructive)
	StepMove    StepKind = "move"     // move one service's tables, grant its role, create its outbox
	StepViews   StepKind = "views"    // transition views one service reads through (debt)
)

// Plan is the database side of a split: where every service's tables go, the role each
// service connects with, and the ordered SQL steps to get there. Nothing in it has been
// executed; Write puts it on disk and Apply runs it.
type Plan struct {
	Dialect  facts.Dialect    `json:"dialect"`
	Database string           `json:"database,omitempty"` // MySQL: the monolith's database
	Source   string           `json:"source"`             // proposal source: proposed | carve.yaml
	Services []ServicePlan    `json:"services"`           // in extraction order
	Steps    []Step           `json:"steps"`
	Views    []TransitionView `json:"views"` // debt: cross-service reads kept working during the transition
	Outboxes []Outbox         `json:"outboxes"`
	Blockers []Blocker        `json:"blockers"`
	Unowned  []string         `json:"unowned,omitempty"` // tables no service owns: they stay where they are
}

// ServicePlan is one service's target in the database.
type ServicePlan struct {
	Name   string      `json:"name"`
	Order  int         `json:"order"`  // extraction order (1 = first)
	Schema string      `json:"schema"` // PostgreSQL schema or MySQL database
	Role   string      `json:"role"`
	Tables []TableMove `json:"tables"`
	Reads  []string    `json:"reads,omitempty"`  // other services' tables it reads (through transition views)
	Writes []string    `json:"writes,omitempty"` // other services' tables it writes (must become API calls)
	Rows   int64       `json:"rows"`
	Bytes  int64       `json:"bytes"`
}

// TableMove is one table's move.
type TableMove struct {
	Table string `json:"table"` // name as in the analysis
	From  string `json:"from"`  // qualified current location
	To    string `json:"to"`    // qualified target location
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}

// Step is one numbered SQL file of the plan.
type Step struct {
	Order   int      `json:"order"`
	File    string   `json:"file"` // "003_move_orders.sql"
	Kind    StepKind `json:"kind"`
	Service string   `json:"service,omitempty"`
	Title   string   `json:"title"`
	SQL     string   `json:"sql"`
}

// TransitionView lets a reader keep reading another service's table during the transition.
// Each one is debt: the reader must switch to the owner's API (or a replicated read model)
// and the view be dropped.
type TransitionView struct {
	Reader string `json:"reader"`
	Owner  string `json:"owner"`
	Table  string `json:"table"`
	View   string `json:"view"` // qualified view name in the reader's schema
}

// Outbox is the table a service writes change events to, because other services read its
// tables and will need its changes once they lose direct access.
type Outbox struct {
	Service string   `json:"service"`
	Table   string   `json:"table"` // qualified
	ReadBy  []string `json:"read_by"`
}

// Blocker is something that must be resolved before (or while) a service's tables move:
// stored routines and triggers (they stay behind and touch tables that move) and foreign keys
// between services (dropped in the drop-fks step).
type Blocker struct {
	Kind     string    `json:"kind"` // function | procedure | trigger | foreign-key
	Name     string    `json:"name"`
	Pos      facts.Pos `json:"pos,omitempty"`
	Tables   []string  `json:"tables"`
	Services []string  `json:"services"` // owners of Tables ("(unowned)" for tables nobody owns)
	Detail   string    `json:"detail"`
}

// Build turns an analysis with a proposal (or an evaluated carve.yaml) into a plan.
// Services follow the proposal's extraction order (services missing from it come last, by
// name); every list is sorted, so the same input gives the same plan.
func Build(res *analyzer.Result, opts Options) (*Plan, error) {
	if res == nil || res.Proposal == nil {
		return nil, fmt.Errorf("plan: the analysis has no proposal (run carve analyze with the decomposition, or give a carve.yaml)")
	}
	if opts.Dialect == "" {
		opts.Dialect = res.Dialect
	}
	if opts.Dialect == "" {
		opts.Dialect = "postgres"
	}
	if opts.Dialect != "postgres" && opts.Dialect != "mysql" {
		return nil, fmt.Errorf("plan: dialect %q: want postgres or mysql", opts.Dialect)
	}
	if opts.Dialect == "mysql" && opts.Database == "" {
		return nil, fmt.Errorf("plan: mysql needs the monolith's database name (--database, or a --dsn naming it)")
	}
	if opts.RolePrefix == "" {
		opts.RolePrefix = "svc_"
	}
	b := &builder{res: res, opts: opts, p: &Plan{Dialect: opts.Dialect, Source: res.Proposal.Source}}
	if opts.Dialect == "mysql" {
		b.p.Database = opts.Database
	}
	b.services()
	b.blockers()
	b.steps()
	return b.p, nil
}

type builder struct {
	res   *analyzer.Result
	opts  Options
	p     *Plan
	owner map[string]string       // table -> service
	svc   map[string]*ServicePlan // by name
	order map[string]int
	table map[string]facts.Table
	// readers[table] = services (not the owner) reading it; writers likewise.
	readers, writers map[string]map[string]bool
	fks              []facts.ForeignKey         // between services
	views            map[[2]string]string       // (reader, table) -> qualified view name
	viewBases        map[string]map[string]bool // reader -> base names taken in its schema
}

var identRe = regexp.MustCompile(`[^a-z0-9_]+`)

// ident turns a service name into a lower-case identifier.
func ident(s string) string {
	s = identRe.ReplaceAllString(strings.ToLower(s), "_")
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "s_" + s
	}
	return s
}

// splitName splits an analysis table name into schema (or database) and base name.
func (b *builder) splitName(t string) (string, string) {
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return t[:i], t[i+1:]
	}
	if b.opts.Dialect == "mysql" {
		return b.opts.Database, t
	}
	return "public", t
}

// q quotes a qualified name for the plan's dialect.
func (b *builder) q(schema, name string) string {
	if b.opts.Dialect == "mysql" {
		return myIdent(schema) + "." + myIdent(name)
	}
	return pgIdent(schema) + "." + pgIdent(name)
}

func (b *builder) id(name string) string {
	if b.opts.Dialect == "mysql" {
		return myIdent(name)
	}
	return pgIdent(name)
}

// myIdent quotes a MySQL identifier.
func myIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// sqlString quotes a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (b *builder) services() {
	pr := b.res.Proposal
	b.owner = map[string]string{}
	b.svc = map[string]*ServicePlan{}
	b.order = map[string]int{}
	b.table = map[string]facts.Table{}
	for _, t := range b.res.Tables {
		b.table[t.Name] = t
	}
	for _, o := range pr.Ownership {
		if o.Owner != "" {
			b.owner[o.Table] = o.Owner
		}
	}
	for _, s := range pr.Services {
		for _, t := range s.Tables {
			if _, ok := b.owner[t]; !ok {
				b.owner[t] = s.Name
			}
		}
	}
	var names []string
	seen := map[string]bool{}
	steps := append([]decompose.Step(nil), pr.Plan...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Order < steps[j].Order })
	for _, st := range steps {
		if !seen[st.Service] {
			seen[st.Service] = true
			names = append(names, st.Service)
		}
	}
	var rest []string
	for _, s := range pr.Services {
		if !seen[s.Name] {
			seen[s.Name] = true
			rest = append(rest, s.Name)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)

	b.readers, b.writers = map[string]map[string]bool{}, map[string]map[string]bool{}
	mark := func(m map[string]map[string]bool, table, svc string) {
		if o := b.owner[table]; o == "" || o == svc || svc == "" {
			return
		}
		if m[table] == nil {
			m[table] = map[string]bool{}
		}
		m[table][svc] = true
	}
	for _, o := range pr.Ownership {
		for _, r := range o.Readers {
			mark(b.readers, o.Table, r)
		}
		for _, w := range o.Writers {
			mark(b.writers, o.Table, w)
		}
	}
	for _, s := range pr.Services {
		for _, t := range s.Reads {
			mark(b.readers, t, s.Name)
		}
		for _, t := range s.Writes {
			mark(b.writers, t, s.Name)
		}
	}
	// The statements themselves: a read accepted by carve.yaml (allow) has no finding but
	// still needs a transition view.
	svcOf := map[facts.UnitID]string{}
	for _, s := range pr.Services {
		for _, u := range s.Units {
			svcOf[u] = s.Name
		}
	}
	for _, s := range b.res.SQL {
		if s.Status == facts.Unresolved || svcOf[s.Unit] == "" {
			continue
		}
		for _, t := range s.Tables {
			if t.Access.IsWrite() {
				mark(b.writers, t.Name, svcOf[s.Unit])
			} else {
				mark(b.readers, t.Name, svcOf[s.Unit])
			}
		}
	}
	for _, f := range pr.Findings {
		for _, t := range f.Tables {
			switch f.Kind {
			case decompose.ForeignRead, decompose.CrossJoin:
				mark(b.readers, t, f.From)
			case decompose.ForeignWrite:
				mark(b.writers, t, f.From)
			}
		}
	}

	// Schema per service: a PostgreSQL service whose tables all live in one non-public
	// schema that holds no other service's table keeps that schema.
	schemaUsers := map[string]map[string]bool{}
	for t, o := range b.owner {
		sch, _ := b.splitName(t)
		if schemaUsers[sch] == nil {
			schemaUsers[sch] = map[string]bool{}
		}
		schemaUsers[sch][o] = true
	}
	for i, name := range names {
		sp := &ServicePlan{Name: name, Order: i + 1, Role: b.opts.RolePrefix + ident(name)}
		var own []string
		for t, o := range b.owner {
			if o == name {
				own = append(own, t)
			}
		}
		sort.Strings(own)
		sp.Schema = b.opts.SchemaPrefix + ident(name)
		if b.opts.Dialect == "postgres" && len(own) > 0 {
			first, _ := b.splitName(own[0])
			same := first != "public"
			for _, t := range own {
				if s, _ := b.splitName(t); s != first {
					same = false
				}
			}
			if same && len(schemaUsers[first]) == 1 {
				sp.Schema = first
			}
		}
		for _, t := range own {
			sch, base := b.splitName(t)
			tb := b.table[t]
			mv := TableMove{Table: t, From: b.q(sch, base), To: b.q(sp.Schema, base), Rows: tb.Rows, Bytes: tb.Bytes}
			if b.opts.Live != nil && mv.Rows == 0 && mv.Bytes == 0 {
				if lt := b.opts.Live.Table(t); lt != nil {
					mv.Rows, mv.Bytes = lt.Rows, lt.Bytes
				}
			}
			sp.Rows += mv.Rows
			sp.Bytes += mv.Bytes
			sp.Tables = append(sp.Tables, mv)
		}
		b.svc[name] = sp
		b.order[name] = sp.Order
	}
	for t, rs := range b.readers {
		for r := range rs {
			if sp := b.svc[r]; sp != nil {
				sp.Reads = append(sp.Reads, t)
			}
		}
	}
	for t, ws := range b.writers {
		for w := range ws {
			if sp := b.svc[w]; sp != nil {
				sp.Writes = append(sp.Writes, t)
			}
		}
	}
	for _, name := range names {
		sp := b.svc[name]
		sort.Strings(sp.Reads)
		sort.Strings(sp.Writes)
		b.p.Services = append(b.p.Services, *sp)
	}
	for _, t := range b.res.Tables {
		if b.owner[t.Name] == "" {
			b.p.Unowned = append(b.p.Unowned, t.Name)
		}
	}
	for _, fk := range b.res.ForeignKeys {
		a, r := b.owner[fk.Table], b.owner[fk.RefTable]
		if a != "" && r != "" && a != r {
			b.fks = append(b.fks, fk)
		}
	}
}

// ownersOf returns the sorted owners of tables ("(unowned)" for none).
func (b *builder) ownersOf(tables []string) []string {
	set := map[string]bool{}
	for _, t := range tables {
		o := b.owner[t]
		if o == "" {
			o = "(unowned)"
		}
		set[o] = true
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *builder) blockers() {
	routines := append([]facts.Routine(nil), b.res.Routines...)
	if b.opts.Live != nil { // live routines and triggers the analysis does not know (not merged)
		known := map[string]bool{}
		for _, r := range routines {
			known[r.Name] = true
		}
		for _, r := range b.opts.Live.Routines {
			if !known[r.Name] {
				known[r.Name] = true
				routines = append(routines, facts.Routine{Name: r.Name, Kind: r.Kind, Tables: r.Tables})
			}
		}
		for _, tr := range b.opts.Live.Triggers {
			if !known[tr.Name] {
				known[tr.Name] = true
				ts := append([]facts.TableAccess{{Name: tr.Table, Access: facts.Read}}, tr.Tables...)
				routines = append(routines, facts.Routine{Name: tr.Name, Kind: "trigger", Tables: ts})
			}
		}
	}
	for _, r := range routines {
		set := map[string]bool{}
		for _, t := range r.Tables {
			set[t.Name] = true
		}
		tables := sortedKeys(set)
		bl := Blocker{Kind: r.Kind, Name: r.Name, Pos: r.Pos, Tables: tables, Services: b.ownersOf(tables)}
		var parts []string
		for _, t := range tables {
			o := b.owner[t]
			if o == "" {
				o = "unowned"
			}
			parts = append(parts, t+" ("+o+")")
		}
		where := "stays in the monolith's schema"
		if b.opts.Dialect == "mysql" {
			where = "stays in database " + b.opts.Database
		}
		if len(bl.Services) > 1 {
			bl.Detail = fmt.Sprintf("%s %s touches %s: it spans %d services and %s; move its logic into the owning services (or one service's API) before the split",
				r.Kind, r.Name, strings.Join(parts, ", "), len(bl.Services), where)
		} else {
			switch {
			case r.Kind == "trigger" && b.opts.Dialect == "mysql":
				bl.Detail = fmt.Sprintf("trigger %s touches %s; MySQL will not move a table with triggers: drop it before the move of %s and recreate it in database %s",
					r.Name, strings.Join(parts, ", "), bl.Services[0], b.schemaOf(bl.Services[0]))
			case r.Kind == "trigger":
				bl.Detail = fmt.Sprintf("trigger %s touches %s; it moves with its table, but its function stays in the monolith's schema: recreate the function in schema %s",
					r.Name, strings.Join(parts, ", "), b.schemaOf(bl.Services[0]))
			default:
				bl.Detail = fmt.Sprintf("%s %s touches %s; it %s: recreate it in the schema of %s when that service moves, and point callers at it",
					r.Kind, r.Name, strings.Join(parts, ", "), where, bl.Services[0])
			}
		}
		b.p.Blockers = append(b.p.Blockers, bl)
	}
	for _, fk := range b.fks {
		a, r := b.owner[fk.Table], b.owner[fk.RefTable]
		name := fk.Table + "(" + strings.Join(fk.Columns, ", ") + ") -> " + fk.RefTable
		if len(fk.RefColumns) > 0 {
			name += "(" + strings.Join(fk.RefColumns, ", ") + ")"
		}
		b.p.Blockers = append(b.p.Blockers, Blocker{
			Kind: "foreign-key", Name: name, Pos: fk.Pos, Tables: []string{fk.Table, fk.RefTable},
			Services: []string{a, r},
			Detail: fmt.Sprintf("foreign key from %s (%s) to %s (%s): dropped in the drop-fks step; keep the id column, check existence through the API of %s and reconcile orphans",
				fk.Table, a, fk.RefTable, r, r),
		})
	}
	sort.SliceStable(b.p.Blockers, func(i, j int) bool {
		x, y := b.p.Blockers[i], b.p.Blockers[j]
		if kindRank[x.Kind] != kindRank[y.Kind] {
			return kindRank[x.Kind] < kindRank[y.Kind]
		}
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.Name < y.Name
	})
}

// kindRank orders blockers: logic in the database first, then triggers, then keys.
var kindRank = map[string]int{"procedure": 0, "function": 0, "trigger": 1, "foreign-key": 2}

// location returns the qualified location of table just after service step k has run.
func (b *builder) location(table string, k int) string {
	sch, base := b.splitName(table)
	if o := b.owner[table]; o != "" && b.order[o] <= k {
		return b.q(b.svc[o].Schema, base)
	}
	return b.q(sch, base)
}

func (b *builder) addStep(kind StepKind, service, slug, title, sql string) {
	n := len(b.p.Steps) + 1
	b.p.Steps = append(b.p.Steps, Step{Order: n, File: fmt.Sprintf("%03d_%s.sql", n, slug), Kind: kind, Service: service, Title: title, SQL: sql})
}

// header is the comment block every step file starts with.
func header(n int, title string, lines ...string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "-- carve db plan, step %d: %s\n", n, title)
	for _, l := range lines {
		sb.WriteString("-- " + l + "\n")
	}
	sb.WriteString("\n")
	return sb.String()
}

func (b *builder) steps() {
	pg := b.opts.Dialect == "postgres"
	// 1. setup
	var sb strings.Builder
	sb.WriteString(header(len(b.p.Steps)+1, "schemas and roles", "One schema (PostgreSQL) or database (MySQL) and one role per service. Roles have no login:",
		"grant each to the login user of its service (GRANT svc_x TO app_x). No table moves yet."))
	for _, sp := range b.p.Services {
		fmt.Fprintf(&sb, "-- service %s\n", sp.Name)
		if pg {
			fmt.Fprintf(&sb, "CREATE SCHEMA IF NOT EXISTS %s;\n", pgIdent(sp.Schema))
			fmt.Fprintf(&sb, "DO $carve$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN\n    CREATE ROLE %s NOLOGIN;\n  END IF;\nEND $carve$;\n", sqlString(sp.Role), pgIdent(sp.Role))
			fmt.Fprintf(&sb, "ALTER ROLE %s SET search_path = %s, public;\n", pgIdent(sp.Role), pgIdent(sp.Schema))
			fmt.Fprintf(&sb, "GRANT USAGE ON SCHEMA %s TO %s;\n\n", pgIdent(sp.Schema), pgIdent(sp.Role))
		} else {
			fmt.Fprintf(&sb, "CREATE DATABASE IF NOT EXISTS %s;\n", myIdent(sp.Schema))
			fmt.Fprintf(&sb, "CREATE ROLE IF NOT EXISTS %s;\n\n", myIdent(sp.Role))
		}
	}
	b.addStep(StepSetup, "", "setup", "schemas and roles", sb.String())

	// 2. cross-service foreign keys
	if len(b.fks) > 0 {
		sb.Reset()
		sb.WriteString(header(len(b.p.Steps)+1, "DROP foreign keys between services (DESTRUCTIVE)",
			"!!! This step removes referential integrity between services. Each service keeps the id",
			"!!! column; existence checks move into code (the owner's API) and orphans are reconciled.",
			"!!! Review every line; take a backup first."))
		for _, fk := range b.fks {
			fmt.Fprintf(&sb, "-- %s.%s -> %s (%s -> %s)\n", fk.Table, strings.Join(fk.Columns, ","), fk.RefTable, b.owner[fk.Table], b.owner[fk.RefTable])
			sb.WriteString(b.dropFK(fk))
			sb.WriteString("\n")
		}
		b.addStep(StepDropFKs, "", "drop_cross_service_fks", "drop foreign keys between services (destructive)", sb.String())
	}

	// 3. per service: move, then views
	for _, sp := range b.p.Services {
		sb.Reset()
		sb.WriteString(header(len(b.p.Steps)+1, "move service "+sp.Name,
			fmt.Sprintf("%s, %s rows, %s (catalog estimates).", plural(len(sp.Tables), "table"), human(sp.Rows), humanBytes(sp.Bytes)),
			"Moving is a catalog change (no data is copied) but takes an exclusive lock on each table:",
			"it waits for running queries on them. Deploy the service's code (connecting as "+sp.Role+") right after."))
		if pg {
			sb.WriteString("BEGIN;\n")
		}
		var moves []string
		for _, mv := range sp.Tables {
			if mv.From == mv.To {
				fmt.Fprintf(&sb, "-- %s already lives in %s\n", mv.Table, sp.Schema)
				continue
			}
			if pg {
				fmt.Fprintf(&sb, "ALTER TABLE %s SET SCHEMA %s;\n", mv.From, pgIdent(sp.Schema))
			} else {
				moves = append(moves, mv.From+" TO "+mv.To)
			}
		}
		if len(moves) > 0 {
			for _, mv := range sp.Tables {
				for _, tr := range b.triggersOn(mv.Table) {
					fmt.Fprintf(&sb, "-- BLOCKER: MySQL refuses to RENAME a table with triggers to another database: drop trigger %s on %s\n-- first (it is listed in PLAN.md) and recreate it in %s afterwards.\n", tr, mv.Table, sp.Schema)
				}
			}
			fmt.Fprintf(&sb, "RENAME TABLE\n  %s;\n", strings.Join(moves, ",\n  "))
		}
		for _, mv := range sp.Tables {
			fmt.Fprintf(&sb, "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s;\n", mv.To, b.id(sp.Role))
		}
		if pg && len(sp.Tables) > 0 {
			fmt.Fprintf(&sb, "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s;\n", pgIdent(sp.Schema), pgIdent(sp.Role))
		}
		if ob := b.outbox(sp); ob != nil {
			fmt.Fprintf(&sb, "\n-- outbox: %s read %s's tables; %s publishes its changes here (write the event in the\n-- same transaction as the change, relay it to a broker, mark published_at).\n",
				strings.Join(ob.ReadBy, ", "), sp.Name, sp.Name)
			if pg {
				fmt.Fprintf(&sb, "CREATE TABLE IF NOT EXISTS %s (\n  id BIGSERIAL PRIMARY KEY,\n  aggregate_type TEXT NOT NULL,\n  aggregate_id TEXT NOT NULL,\n  event_type TEXT NOT NULL,\n  payload JSONB NOT NULL DEFAULT '{}',\n  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n  published_at TIMESTAMPTZ\n);\n", ob.Table)
				fmt.Fprintf(&sb, "CREATE INDEX IF NOT EXISTS %s ON %s (created_at) WHERE published_at IS NULL;\n", pgIdent(strings.TrimPrefix(ob.Table, pgIdent(sp.Schema)+".")+"_unpublished"), ob.Table)
				fmt.Fprintf(&sb, "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s;\n", ob.Table, pgIdent(sp.Role))
				fmt.Fprintf(&sb, "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s;\n", pgIdent(sp.Schema), pgIdent(sp.Role))
			} else {
				fmt.Fprintf(&sb, "CREATE TABLE IF NOT EXISTS %s (\n  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  aggregate_type VARCHAR(100) NOT NULL,\n  aggregate_id VARCHAR(100) NOT NULL,\n  event_type VARCHAR(100) NOT NULL,\n  payload JSON NOT NULL,\n  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n  published_at DATETIME(6) NULL,\n  KEY idx_unpublished (published_at, created_at)\n) ENGINE=InnoDB;\n", ob.Table)
				fmt.Fprintf(&sb, "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s;\n", ob.Table, myIdent(sp.Role))
			}
		}
		if pg {
			sb.WriteString("COMMIT;\n")
		}
		if len(sp.Tables) > 0 { // a service owning no table only gets its schema and role
			b.addStep(StepMove, sp.Name, "move_"+ident(sp.Name), "move service "+sp.Name, sb.String())
		}

		if v := b.viewsSQL(sp); v != "" {
			b.addStep(StepViews, sp.Name, "views_"+ident(sp.Name), "transition views for "+sp.Name+" (debt)", v)
		}
	}
}

// viewName returns the qualified name of reader's transition view over table: the table's
// base name, or owner_base when that name is taken in the reader's schema (its own tables, its
// outbox, another view). The same pair always gets the same name.
func (b *builder) viewName(reader, table string) string {
	key := [2]string{reader, table}
	if v, ok := b.views[key]; ok {
		return v
	}
	if b.views == nil {
		b.views, b.viewBases = map[[2]string]string{}, map[string]map[string]bool{}
	}
	taken := b.viewBases[reader]
	if taken == nil {
		taken = map[string]bool{"outbox": true, "carve_outbox": true}
		for _, mv := range b.svc[reader].Tables {
			_, base := b.splitName(mv.Table)
			taken[base] = true
		}
		b.viewBases[reader] = taken
	}
	_, base := b.splitName(table)
	name := base
	for i := 2; taken[name]; i++ {
		name = ident(b.owner[table]) + "_" + base
		if i > 2 {
			name = fmt.Sprintf("%s_%s_%d", ident(b.owner[table]), base, i)
		}
	}
	taken[name] = true
	v := b.q(b.svc[reader].Schema, name)
	b.views[key] = v
	return v
}

// schemaOf returns the target schema (database) of a service, or its name.
func (b *builder) schemaOf(service string) string {
	if sp := b.svc[service]; sp != nil {
		return sp.Schema
	}
	return service
}

// triggersOn returns the live triggers on table (names, sorted).
func (b *builder) triggersOn(table string) []string {
	if b.opts.Live == nil {
		return nil
	}
	var out []string
	for _, tr := range b.opts.Live.Triggers {
		if tr.Table == table {
			out = append(out, tr.Name)
		}
	}
	sort.Strings(out)
	return out
}

// outbox returns (and records) the outbox of a service whose tables others read.
func (b *builder) outbox(sp ServicePlan) *Outbox {
	set := map[string]bool{}
	own := map[string]bool{}
	for _, mv := range sp.Tables {
		own[mv.Table] = true
		for r := range b.readers[mv.Table] {
			set[r] = true
		}
	}
	if len(set) == 0 {
		return nil
	}
	name := "outbox"
	for t := range own {
		if _, base := b.splitName(t); base == name {
			name = "carve_outbox"
		}
	}
	ob := Outbox{Service: sp.Name, Table: b.q(sp.Schema, name), ReadBy: sortedKeys(set)}
	b.p.Outboxes = append(b.p.Outboxes, ob)
	return &ob
}

// viewsSQL returns the transition views step of sp: views over the tables sp reads from
// other services, and (MySQL, where views bind by name) views of earlier readers re-pointed
// at sp's tables after they moved.
func (b *builder) viewsSQL(sp ServicePlan) string {
	pg := b.opts.Dialect == "postgres"
	k := sp.Order
	var body strings.Builder
	viewName := b.viewName
	create := func(view, src string) string {
		if pg {
			return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM %s;\n", view, src)
		}
		return fmt.Sprintf("CREATE OR REPLACE SQL SECURITY DEFINER VIEW %s AS SELECT * FROM %s;\n", view, src)
	}
	for _, t := range sp.Reads {
		o := b.owner[t]
		v := viewName(sp.Name, t)
		fmt.Fprintf(&body, "-- debt: %s reads table %s of service %s; switch to the API of %s (or a read model fed by its outbox), then DROP VIEW %s.\n", sp.Name, t, o, o, v)
		body.WriteString(create(v, b.location(t, k)))
		fmt.Fprintf(&body, "GRANT SELECT ON %s TO %s;\n", v, b.id(sp.Role))
		b.p.Views = append(b.p.Views, TransitionView{Reader: sp.Name, Owner: o, Table: t, View: v})
	}
	if !pg {
		for _, other := range b.p.Services {
			if other.Order >= k {
				continue
			}
			for _, t := range other.Reads {
				if b.owner[t] != sp.Name {
					continue
				}
				v := viewName(other.Name, t)
				fmt.Fprintf(&body, "-- re-point %s's transition view at %s's new location\n", other.Name, t)
				body.WriteString(create(v, b.location(t, k)))
			}
		}
	}
	if body.Len() == 0 {
		return ""
	}
	return header(len(b.p.Steps)+1, "transition views for "+sp.Name+" (debt)",
		"Each view keeps one cross-service read working while the code still reads another service's",
		"table. They are listed as debt in PLAN.md; carve db verify checks the code without them.") + body.String()
}

// dropFK returns the SQL dropping one foreign key (by name when the live schema knows it).
func (b *builder) dropFK(fk facts.ForeignKey) string {
	sch, base := b.splitName(fk.Table)
	rsch, rbase := b.splitName(fk.RefTable)
	name := ""
	if b.opts.Live != nil {
		if lt := b.opts.Live.Table(fk.Table); lt != nil {
			for _, lfk := range lt.ForeignKeys {
				if lfk.RefTable == fk.RefTable && strings.Join(lfk.Columns, ",") == strings.Join(fk.Columns, ",") {
					name = lfk.Name
				}
			}
		}
	}
	if b.opts.Dialect == "postgres" {
		if name != "" {
			return fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;\n", b.q(sch, base), pgIdent(name))
		}
		cols := make([]string, len(fk.Columns))
		for i, c := range fk.Columns {
			cols[i] = sqlString(c)
		}
		return fmt.Sprintf(`DO $carve$
DECLARE c text;
BEGIN
  SELECT con.conname INTO c FROM pg_constraint con
   WHERE con.contype = 'f' AND con.conrelid = %s::regclass AND con.confrelid = %s::regclass
     AND ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) = ARRAY[%s]::text[];
  IF c IS NOT NULL THEN
    EXECUTE format('ALTER TABLE %%s DROP CONSTRAINT %%I', %s::regclass, c);
  END IF;
END $carve$;
`, sqlString(b.q(sch, base)), sqlString(b.q(rsch, rbase)), strings.Join(cols, ", "), sqlString(b.q(sch, base)))
	}
	if name != "" {
		return fmt.Sprintf("ALTER TABLE %s DROP FOREIGN KEY %s;\n", b.q(sch, base), myIdent(name))
	}
	first := ""
	if len(fk.Columns) > 0 {
		first = fk.Columns[0]
	}
	return fmt.Sprintf(`SET @carve_fk = (SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE
  WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND COLUMN_NAME = %s AND ORDINAL_POSITION = 1
    AND REFERENCED_TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME = %s LIMIT 1);
SET @carve_sql = IF(@carve_fk IS NULL, 'DO 0', CONCAT('ALTER TABLE %s DROP FOREIGN KEY `+"`"+`', @carve_fk, '`+"`"+`'));
PREPARE carve_stmt FROM @carve_sql;
EXECUTE carve_stmt;
DEALLOCATE PREPARE carve_stmt;
`, sqlString(sch), sqlString(base), sqlString(first), sqlString(rsch), sqlString(rbase), strings.ReplaceAll(b.q(sch, base), "'", "''"))
}

// plural returns "1 table", "2 tables".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// human formats a count with thousands separators.
func human(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// humanBytes formats a size (kB, MB, GB: powers of 1024).
func humanBytes(n int64) string {
	const k = 1024
	switch {
	case n >= k*k*k:
		return fmt.Sprintf("%.1f GB", float64(n)/(k*k*k))
	case n >= k*k:
		return fmt.Sprintf("%.1f MB", float64(n)/(k*k))
	case n >= k:
		return fmt.Sprintf("%.0f kB", float64(n)/k)
	}
	return fmt.Sprintf("%d B", n)
}
