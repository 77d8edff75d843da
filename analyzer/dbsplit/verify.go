package dbsplit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
)

// VerifyOptions controls Verify.
type VerifyOptions struct {
	// DSN is the server to verify on. Verify creates its scratch database there (the user
	// needs CREATE DATABASE and CREATE ROLE / CREATE USER rights) and never touches the
	// database the DSN names.
	DSN string
	// Root is the analysed module's root: migration paths in the analysis are relative to it.
	Root string
	// Files, when set, are the schema files to recreate the database from, in order, instead
	// of the analysis' migration files.
	Files []string
	// Live, when set, recreates the tables from this introspected schema instead of files
	// (columns, primary keys and foreign keys only).
	Live *Schema
	// WithViews applies the plan's transition views too: the report then shows what still
	// breaks during the transition (foreign writes, reads no view covers) instead of the end
	// state. Default false (the end state).
	WithViews bool
	// Progress, when set, receives one line per phase.
	Progress func(msg string)
}

// Report is what Verify found: the statements that break once every service may only touch
// its own tables, and those it could not check.
type Report struct {
	Dialect    facts.Dialect `json:"dialect"`
	Scratch    string        `json:"scratch"`    // name of the scratch database (dropped)
	Statements int           `json:"statements"` // statements run
	OK         int           `json:"ok"`         // statements that passed
	Breaks     []Break       `json:"breaks"`     // the code to change before the split, sorted by position
	// Accepted are statements that break too but whose crossing the boundaries accept
	// (carve.yaml allow: no finding in the analysis); transition views keep them working.
	Accepted   []Break      `json:"accepted,omitempty"`
	Unverified []Unverified `json:"unverified"` // could not be checked (never counted as breaks)
	Skipped    []Unverified `json:"skipped"`    // no service issues them (kernel, unassigned, .sql files) or unresolved
}

// Break is one statement that fails under its service's role.
type Break struct {
	Pos     facts.Pos    `json:"pos"`
	Unit    facts.UnitID `json:"unit"`
	Service string       `json:"service"`
	Tables  []string     `json:"tables"`            // other services' tables involved, "table (owner)"
	Error   string       `json:"error"`             // the database error, with the owner added
	Code    string       `json:"code"`              // SQLSTATE (postgres) or error number (mysql)
	Bridged bool         `json:"bridged,omitempty"` // a transition view of the plan keeps it working meanwhile (reads only)
	Text    string       `json:"text"`
}

// Unverified is a statement Verify did not check, and why.
type Unverified struct {
	Pos     facts.Pos    `json:"pos"`
	Unit    facts.UnitID `json:"unit,omitempty"`
	Service string       `json:"service,omitempty"`
	Reason  string       `json:"reason"`
}

// Verify checks the split on a scratch copy: it creates database carve_verify_<random> on the
// server of opts.DSN, recreates the schema (the analysis' migration files, opts.Files or
// opts.Live), applies the plan without its transition views, then runs every statement the
// analysis found (status ≠ unresolved) under the role of the service that issues it, inside a
// transaction that is rolled back, with dummy parameter values (PostgreSQL: typed from the
// server's own parameter types; MySQL: from the column each placeholder is compared with).
// Errors that come from the split (permission denied, table not in the service's schema,
// routine left behind) are Breaks; other failures are Unverified with the reason. The
// scratch database and every role and user Verify created are dropped before it returns,
// also on error and when ctx is cancelled.
func Verify(ctx context.Context, res *analyzer.Result, opts VerifyOptions) (rep *Report, err error) {
	if res == nil || res.Proposal == nil {
		return nil, fmt.Errorf("verify: the analysis has no proposal")
	}
	progress := func(format string, args ...any) {
		if opts.Progress != nil {
			opts.Progress(fmt.Sprintf(format, args...))
		}
	}
	d, err := DialectOf(opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", err)
	}
	if res.Dialect != "" && res.Dialect != d {
		progress("note: the analysis is for %s, the server is %s", res.Dialect, d)
	}
	admin, _, err := Open(ctx, opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", err)
	}
	defer admin.Close()

	tag := randomHex(5)
	name := "carve_verify_" + tag
	rep = &Report{Dialect: d, Scratch: name}
	// cleanup runs on a fresh context: the caller's may be cancelled (Ctrl-C).
	var cleanups []func(context.Context) error
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var errs []error
		for i := len(cleanups) - 1; i >= 0; i-- {
			if e := cleanups[i](cctx); e != nil {
				errs = append(errs, e)
			}
		}
		if len(errs) > 0 {
			cerr := fmt.Errorf("verify: cleanup of %s: %v", name, maskErr(errors.Join(errs...), opts.DSN))
			if err == nil {
				err = cerr
			} else {
				err = fmt.Errorf("%w; %v", err, cerr)
			}
		}
		progress("dropped scratch database %s", name)
	}()

	progress("creating scratch database %s", name)
	if d == "postgres" {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pgIdent(name)); err != nil {
			return nil, fmt.Errorf("verify: create database %s: %v", name, maskErr(err, opts.DSN))
		}
		cleanups = append(cleanups, func(c context.Context) error {
			if _, err := admin.ExecContext(c, "DROP DATABASE IF EXISTS "+pgIdent(name)+" WITH (FORCE)"); err == nil {
				return nil
			}
			// Before PostgreSQL 13 there is no FORCE: end the sessions, then drop.
			admin.ExecContext(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
			if _, err := admin.ExecContext(c, "DROP DATABASE IF EXISTS "+pgIdent(name)); err != nil {
				return fmt.Errorf("drop database %s: %v", name, err)
			}
			return nil
		})
	} else {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+myIdent(name)+" CHARACTER SET utf8mb4"); err != nil {
			return nil, fmt.Errorf("verify: create database %s: %v", name, maskErr(err, opts.DSN))
		}
		cleanups = append(cleanups, func(c context.Context) error {
			if _, err := admin.ExecContext(c, "DROP DATABASE IF EXISTS "+myIdent(name)); err != nil {
				return fmt.Errorf("drop database %s: %v", name, err)
			}
			return nil
		})
	}
	scratchDSN, err := withDatabase(opts.DSN, d, name)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", err)
	}
	db, _, err := Open(ctx, scratchDSN)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", err)
	}
	cleanups = append(cleanups, func(context.Context) error { return db.Close() })

	progress("recreating the schema")
	if err := recreate(ctx, db, d, res, opts); err != nil {
		return nil, fmt.Errorf("verify: recreate schema: %v", maskErr(err, opts.DSN))
	}
	cols, err := Introspect(ctx, db, d)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", maskErr(err, opts.DSN))
	}

	popts := Options{Dialect: d, RolePrefix: "cv" + tag + "_", Live: cols}
	if d == "mysql" {
		popts.Database, popts.SchemaPrefix = name, name+"_"
	}
	plan, err := Build(res, popts)
	if err != nil {
		return nil, fmt.Errorf("verify: %v", err)
	}
	// Roles (and MySQL databases) are server-wide: drop them too, after the statements ran
	// and before the scratch database goes.
	cleanups = append(cleanups, func(c context.Context) error {
		return errors.Join(dropPlanRoles(c, db, plan), dropPlanDatabases(c, admin, plan))
	})
	if opts.WithViews {
		progress("applying the plan (%d steps, with transition views)", len(plan.Steps))
	} else {
		progress("applying the plan (%d steps, without transition views)", len(plan.Steps))
	}
	if err := plan.Apply(ctx, db, ApplyOptions{SkipViews: !opts.WithViews}); err != nil {
		return nil, fmt.Errorf("verify: %v", maskErr(err, opts.DSN))
	}

	v := &verifier{res: res, plan: plan, d: d, db: db, cols: cols, svcOf: map[facts.UnitID]string{}, owner: map[string]string{}, rep: rep, tag: tag}
	for _, s := range res.Proposal.Services {
		for _, u := range s.Units {
			v.svcOf[u] = s.Name
		}
	}
	for _, sp := range plan.Services {
		for _, mv := range sp.Tables {
			v.owner[mv.Table] = sp.Name
		}
	}
	if d == "postgres" {
		err = v.setupPostgres(ctx)
	} else {
		err = v.setupMySQL(ctx, opts.DSN, admin, &cleanups)
	}
	if err != nil {
		return nil, fmt.Errorf("verify: %v", maskErr(err, opts.DSN))
	}
	progress("running %d statements under their services' roles", len(res.SQL))
	for _, s := range res.SQL {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		v.check(ctx, s)
	}
	sort.SliceStable(rep.Breaks, func(i, j int) bool { return rep.Breaks[i].Pos.Less(rep.Breaks[j].Pos) })
	sort.SliceStable(rep.Accepted, func(i, j int) bool { return rep.Accepted[i].Pos.Less(rep.Accepted[j].Pos) })
	return rep, nil
}

// recreate builds the monolith's schema in the scratch database.
func recreate(ctx context.Context, db *sqlx.DB, d facts.Dialect, res *analyzer.Result, opts VerifyOptions) error {
	if opts.Live != nil {
		return ApplyScript(ctx, db, d, "live schema", CreateScript(opts.Live, d))
	}
	files := opts.Files
	if len(files) == 0 {
		var err error
		if files, err = MigrationFiles(res, opts.Root); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("the analysis names no migration file; pass schema files or a --dsn to copy the structure from")
	}
	return ApplyFiles(ctx, db, d, files)
}

type verifier struct {
	res   *analyzer.Result
	plan  *Plan
	d     facts.Dialect
	db    *sqlx.DB
	cols  *Schema
	svcOf map[facts.UnitID]string
	owner map[string]string // table -> service
	rep   *Report
	// postgres
	tag        string            // random part of every name Verify creates
	searchPath map[string]string // service -> search_path value
	// mysql
	myDB map[string]*sqlx.DB // service -> connection as its user
}

func (v *verifier) setupPostgres(ctx context.Context) error {
	// Every role may look names up in every service schema (USAGE, no table rights), so a
	// foreign table gives "permission denied for table X" rather than "does not exist".
	var sb strings.Builder
	schemas := map[string]bool{"public": true}
	for _, t := range v.res.Tables {
		if i := strings.IndexByte(t.Name, '.'); i >= 0 {
			schemas[t.Name[:i]] = true
		}
	}
	for _, sp := range v.plan.Services {
		schemas[sp.Schema] = true
	}
	for _, sp := range v.plan.Services {
		for sch := range schemas {
			fmt.Fprintf(&sb, "GRANT USAGE ON SCHEMA %s TO %s;\n", pgIdent(sch), pgIdent(sp.Role))
		}
	}
	if _, err := v.db.ExecContext(ctx, "DO $carve$ BEGIN "+existingSchemas(sb.String())+" END $carve$"); err != nil {
		return err
	}
	// SET ROLE needs membership unless the user is a superuser; a CREATEROLE user may grant
	// it to itself. Failures are left to SET ROLE to report.
	for _, sp := range v.plan.Services {
		v.db.ExecContext(ctx, "GRANT "+pgIdent(sp.Role)+" TO CURRENT_USER")
	}
	v.searchPath = map[string]string{}
	for _, sp := range v.plan.Services {
		path := []string{pgIdent(sp.Schema)}
		for _, o := range v.plan.Services {
			if o.Schema != sp.Schema {
				path = append(path, pgIdent(o.Schema))
			}
		}
		path = append(path, "public")
		v.searchPath[sp.Name] = strings.Join(path, ", ")
	}
	return nil
}

// existingSchemas wraps GRANT USAGE lines so schemas that do not exist are skipped.
func existingSchemas(grants string) string {
	var sb strings.Builder
	re := regexp.MustCompile(`GRANT USAGE ON SCHEMA (\S+) TO (\S+);`)
	for _, m := range re.FindAllStringSubmatch(grants, -1) {
		fmt.Fprintf(&sb, "IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s) THEN GRANT USAGE ON SCHEMA %s TO %s; END IF; ",
			sqlString(strings.Trim(m[1], `"`)), m[1], m[2])
	}
	return sb.String()
}

func (v *verifier) setupMySQL(ctx context.Context, dsn string, admin *sqlx.DB, cleanups *[]func(context.Context) error) error {
	v.myDB = map[string]*sqlx.DB{}
	for i, sp := range v.plan.Services {
		user := fmt.Sprintf("cv%su%d", v.tag, i)
		pw := randomHex(12)
		for _, host := range []string{"%", "localhost"} {
			acct := myIdent(user) + "@" + sqlString(host)
			if _, err := admin.ExecContext(ctx, "CREATE USER "+acct+" IDENTIFIED BY "+sqlString(pw)); err != nil {
				return fmt.Errorf("create user %s: %v", user, err)
			}
			*cleanups = append(*cleanups, func(c context.Context) error {
				_, err := admin.ExecContext(c, "DROP USER IF EXISTS "+acct)
				return err
			})
			if _, err := admin.ExecContext(ctx, "GRANT "+myIdent(sp.Role)+" TO "+acct); err != nil {
				return fmt.Errorf("grant role %s: %v", sp.Role, err)
			}
			// MariaDB spells it FOR, MySQL 8 TO.
			if _, err := admin.ExecContext(ctx, "SET DEFAULT ROLE "+myIdent(sp.Role)+" FOR "+acct); err != nil {
				if _, err2 := admin.ExecContext(ctx, "SET DEFAULT ROLE "+myIdent(sp.Role)+" TO "+acct); err2 != nil {
					return fmt.Errorf("set default role %s: %v", sp.Role, err)
				}
			}
		}
		udsn, err := withDatabase(dsn, "mysql", sp.Schema)
		if err == nil {
			udsn, err = withUser(udsn, user, pw)
		}
		if err != nil {
			return err
		}
		db, _, err := Open(ctx, udsn)
		if err != nil {
			return fmt.Errorf("connect as %s: %v", user, maskErr(err, udsn))
		}
		db.SetMaxOpenConns(1)
		*cleanups = append(*cleanups, func(context.Context) error { return db.Close() })
		if _, err := db.ExecContext(ctx, "SET ROLE "+myIdent(sp.Role)); err != nil {
			return fmt.Errorf("set role %s: %v", sp.Role, err)
		}
		// A statement may not run away on the scratch copy: MariaDB and MySQL spell the
		// limit differently; whichever the server does not know fails harmlessly.
		db.ExecContext(ctx, "SET SESSION max_statement_time = 10")
		db.ExecContext(ctx, "SET SESSION max_execution_time = 10000")
		db.ExecContext(ctx, "SET SESSION innodb_lock_wait_timeout = 5")
		v.myDB[sp.Name] = db
	}
	return nil
}

// check runs one statement and records the outcome.
func (v *verifier) check(ctx context.Context, s facts.SQL) {
	skip := func(svc, reason string) {
		v.rep.Skipped = append(v.rep.Skipped, Unverified{Pos: s.Pos, Unit: s.Unit, Service: svc, Reason: reason})
	}
	if s.Status == facts.Unresolved {
		skip("", "unresolved by the analyzer: "+s.Reason)
		return
	}
	svc := v.svcOf[s.Unit]
	if s.Unit == "" {
		skip("", "no issuing unit (a .sql file); assign its callers to a service to check it")
		return
	}
	if svc == "" {
		skip("", fmt.Sprintf("unit %s belongs to no service (shared kernel or unassigned)", s.Unit))
		return
	}
	unverified := func(reason string) {
		v.rep.Unverified = append(v.rep.Unverified, Unverified{Pos: s.Pos, Unit: s.Unit, Service: svc, Reason: reason})
	}
	if strings.Contains(strings.ToLower(s.Text), sqlparse.Hole) {
		unverified("part of the statement is built at run time")
		return
	}
	if s.Kind == "ddl" {
		unverified("DDL is not executed")
		return
	}
	v.rep.Statements++
	var code, msg string
	var err error
	texts := []string{s.Text}
	if builders[s.Via] {
		// Query builders: the analysis knows the tables and how each is used, not the full
		// text; probe exactly those privileges.
		texts = v.probes(s)
	}
	for _, text := range texts {
		if v.d == "postgres" {
			code, msg, err = v.runPostgres(ctx, svc, text)
		} else {
			code, msg, err = v.runMySQL(ctx, svc, s, text)
		}
		if err != nil || code != "" {
			break
		}
	}
	if err != nil {
		unverified(err.Error())
		return
	}
	kind := v.classify(code, msg)
	if kind == "ok" && v.d == "postgres" && len(s.Calls) > 0 {
		if c, m := v.routinePrivileges(ctx, svc, s); c != "" {
			code, msg, kind = c, m, "break"
		}
	}
	switch kind {
	case "ok":
		v.rep.OK++
	case "break":
		b := v.newBreak(svc, s, code, msg)
		if len(b.Tables) > 0 && !strings.Contains(strings.Join(b.Tables, " "), "(no service)") && v.accepted(svc, s) {
			v.rep.Accepted = append(v.rep.Accepted, b)
		} else {
			v.rep.Breaks = append(v.rep.Breaks, b)
		}
	default:
		unverified(fmt.Sprintf("%s (%s)", v.tidy(msg, svc), code))
	}
}

// classify sorts a database outcome: "ok", "break" (the split causes it) or "unverified".
func (v *verifier) classify(code, msg string) string {
	if code == "" {
		return "ok"
	}
	if v.d == "postgres" {
		switch {
		case code == "42501":
			return "break"
		case code == "42P01" && v.knownTableIn(msg):
			return "break"
		case code == "42883" && v.knownRoutineIn(msg):
			return "break"
		case strings.HasPrefix(code, "23"):
			return "ok" // privileges are checked before any row: the dummy values broke a constraint
		}
		return "unverified"
	}
	switch code {
	case "1142", "1143", "1044", "1370", "1227":
		return "break"
	case "1146":
		if v.knownTableIn(msg) {
			return "break"
		}
	case "1305":
		if v.knownRoutineIn(msg) {
			return "break"
		}
	case "1048", "1062", "1364", "1451", "1452", "1366", "1292", "1264", "1406", "1265", "3819", "4025":
		return "ok"
	}
	return "unverified"
}

var quotedName = regexp.MustCompile("[\"'`]([^\"'`]+)[\"'`]")

// knownTableIn reports whether an error message names a table of the analysis.
func (v *verifier) knownTableIn(msg string) bool {
	for _, m := range quotedName.FindAllStringSubmatch(msg, -1) {
		n := strings.ToLower(m[1])
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			n = n[i+1:]
		}
		for _, t := range v.res.Tables {
			base := t.Name
			if i := strings.LastIndexByte(base, '.'); i >= 0 {
				base = base[i+1:]
			}
			if base == n {
				return true
			}
		}
	}
	return false
}

// knownRoutineIn reports whether an error message names a routine of the analysis.
func (v *verifier) knownRoutineIn(msg string) bool {
	low := strings.ToLower(msg)
	for _, r := range v.res.Routines {
		if strings.Contains(low, strings.ToLower(r.Name)) {
			return true
		}
	}
	return false
}

// newBreak builds a Break, naming the owners of the foreign tables involved.
func (v *verifier) newBreak(svc string, s facts.SQL, code, msg string) Break {
	b := Break{Pos: s.Pos, Unit: s.Unit, Service: svc, Code: code, Text: s.Text}
	foreign := map[string]bool{}
	readsOnly := true
	for _, t := range s.Tables {
		if o := v.owner[t.Name]; o != svc {
			if o == "" {
				o = "no service"
			}
			foreign[t.Name+" ("+o+")"] = true
			if t.Access.IsWrite() {
				readsOnly = false
			}
		}
	}
	for _, c := range s.Calls {
		for _, r := range v.res.Routines {
			if r.Name != c {
				continue
			}
			for _, t := range r.Tables {
				if o := v.owner[t.Name]; o != svc {
					if o == "" {
						o = "no service"
					}
					foreign[t.Name+" ("+o+")"] = true
					readsOnly = false
				}
			}
		}
	}
	b.Tables = sortedKeys(foreign)
	msg = v.tidy(msg, svc)
	// Name the owner in the message: "permission denied for table products (owned by catalog)".
	b.Error = msg
	for _, m := range quotedOrBare.FindAllStringSubmatch(msg, -1) {
		if strings.Contains(msg, "owned by") {
			break
		}
		n := strings.ToLower(m[1])
		for t, o := range v.owner {
			base := t
			if i := strings.LastIndexByte(t, '.'); i >= 0 {
				base = t[i+1:]
			}
			if base == n || t == n || strings.HasSuffix(n, "."+base) {
				if o != svc {
					b.Error = msg + " (owned by " + o + ")"
				}
				break
			}
		}
		if b.Error != msg {
			break
		}
	}
	if code == "1305" || code == "1370" || code == "42883" {
		for _, c := range s.Calls {
			b.Error += fmt.Sprintf(" (routine %s stays behind in the monolith's schema: a migration blocker in PLAN.md)", c)
			break
		}
	}
	if readsOnly && len(foreign) > 0 {
		for _, tv := range v.plan.Views {
			if tv.Reader == svc {
				b.Bridged = true
			}
		}
		for _, t := range s.Tables {
			if o := v.owner[t.Name]; o != svc && !v.hasView(svc, t.Name) {
				b.Bridged = false
			}
		}
	}
	return b
}

var quotedOrBare = regexp.MustCompile("(?:table|relation|Table|view|function|PROCEDURE|FUNCTION)\\s+[\"'`]?([A-Za-z0-9_.]+)[\"'`]?")

func (v *verifier) hasView(reader, table string) bool {
	for _, tv := range v.plan.Views {
		if tv.Reader == reader && tv.Table == table {
			return true
		}
	}
	return false
}

// runPostgres runs s as svc's role in a transaction that is rolled back. It returns the
// SQLSTATE and message of the database error ("" when it ran), or err when the statement
// could not be run at all for reasons outside the database (connection).
func (v *verifier) runPostgres(ctx context.Context, svc string, stmt string) (code, msg string, err error) {
	var role string
	for _, sp := range v.plan.Services {
		if sp.Name == svc {
			role = sp.Role
		}
	}
	text, _ := Positional(stmt, "postgres")
	conn, err := v.db.Conn(ctx)
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn().PgConn()
		setup := "BEGIN; SET LOCAL ROLE " + pgIdent(role) + "; SET LOCAL search_path = " + v.searchPath[svc] +
			"; SET LOCAL statement_timeout = '10s'; SET LOCAL lock_timeout = '5s'"
		if _, err := pc.Exec(ctx, setup).ReadAll(); err != nil {
			return fmt.Errorf("set role %s: %v", role, err)
		}
		defer func() { pc.Exec(context.Background(), "ROLLBACK").ReadAll() }()
		sd, err := pc.Prepare(ctx, "", text, nil)
		if err != nil {
			code, msg = pgErr(err)
			if code == "" {
				return fmt.Errorf("prepare: %v", err)
			}
			return nil
		}
		args := make([][]byte, len(sd.ParamOIDs))
		formats := make([]int16, len(sd.ParamOIDs))
		for i, oid := range sd.ParamOIDs {
			args[i] = pgDummy(oid)
		}
		rr := pc.ExecPrepared(ctx, "", args, formats, nil)
		for rr.NextRow() {
		}
		if _, err := rr.Close(); err != nil {
			code, msg = pgErr(err)
			if code == "" {
				return err
			}
		}
		return nil
	})
	return code, msg, err
}

func pgErr(err error) (string, string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.Message
	}
	return "", ""
}

// routinePrivileges checks, for a statement calling SECURITY INVOKER functions, that the
// service's role has the rights their bodies need (dummy arguments rarely reach every
// statement of a body). It returns a permission error when one is missing.
func (v *verifier) routinePrivileges(ctx context.Context, svc string, s facts.SQL) (string, string) {
	var role string
	for _, sp := range v.plan.Services {
		if sp.Name == svc {
			role = sp.Role
		}
	}
	loc := map[string]string{}
	for _, sp := range v.plan.Services {
		for _, mv := range sp.Tables {
			loc[mv.Table] = mv.To
		}
	}
	for _, c := range s.Calls {
		var definer bool
		err := v.db.GetContext(ctx, &definer, "SELECT coalesce(bool_or(prosecdef), false) FROM pg_proc WHERE proname = $1", c)
		if err != nil || definer {
			continue
		}
		for _, r := range v.res.Routines {
			if r.Name != c {
				continue
			}
			for _, t := range r.Tables {
				where, ok := loc[t.Name]
				if !ok {
					continue
				}
				priv := map[facts.Access]string{facts.Read: "SELECT", facts.Insert: "INSERT", facts.Update: "UPDATE", facts.Delete: "DELETE", facts.Upsert: "INSERT"}[t.Access]
				var has bool
				if err := v.db.GetContext(ctx, &has, "SELECT has_table_privilege($1, $2, $3)", role, where, priv); err != nil {
					continue
				}
				if !has {
					owner := v.owner[t.Name]
					return "42501", fmt.Sprintf("permission denied for table %s (owned by %s): function %s %ss it with the caller's rights (checked with has_table_privilege)",
						t.Name, owner, c, strings.ToLower(priv))
				}
			}
		}
	}
	return "", ""
}

// runMySQL runs s as svc's user (with its role) in a transaction that is rolled back.
func (v *verifier) runMySQL(ctx context.Context, svc string, s facts.SQL, stmt string) (code, msg string, err error) {
	db := v.myDB[svc]
	if db == nil {
		return "", "", fmt.Errorf("no connection for service %s", svc)
	}
	text, _ := Positional(stmt, "mysql")
	args := MySQLArgs(text, v.columnType(s))
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return "", "", err
	}
	defer tx.Rollback()
	rows, qerr := tx.QueryContext(ctx, text, args...)
	if qerr == nil {
		for rows.Next() {
		}
		qerr = rows.Err()
		rows.Close()
	}
	if qerr != nil {
		var me *mysql.MySQLError
		if errors.As(qerr, &me) {
			return fmt.Sprint(me.Number), me.Message, nil
		}
		return "", "", qerr
	}
	return "", "", nil
}

// columnType returns a lookup of column types over the tables a statement touches (first
// match wins), from the scratch database's catalog.
func (v *verifier) columnType(s facts.SQL) func(string) string {
	return func(col string) string {
		col = strings.ToLower(col)
		for _, t := range s.Tables {
			if lt := v.cols.Table(t.Name); lt != nil {
				for _, c := range lt.Columns {
					if strings.ToLower(c.Name) == col {
						return c.Type
					}
				}
			}
		}
		for _, lt := range v.cols.Tables {
			for _, c := range lt.Columns {
				if strings.ToLower(c.Name) == col {
					return c.Type
				}
			}
		}
		return ""
	}
}

// builders are the Via values whose statement text is a summary made by the analyzer, not
// the SQL sent to the database.
var builders = map[string]bool{"squirrel": true, "gorm": true, "bun": true, "xorm": true, "goqu": true, "ent": true}

// probes returns one statement per table access of s that needs exactly that privilege and
// touches no row.
func (v *verifier) probes(s facts.SQL) []string {
	var out []string
	for _, t := range s.Tables {
		name := t.Name
		switch t.Access {
		case facts.Read:
			out = append(out, "SELECT 1 FROM "+name+" WHERE 1 = 0")
		case facts.Delete:
			out = append(out, "DELETE FROM "+name+" WHERE 1 = 0")
		case facts.Update:
			col := "id"
			if lt := v.cols.Table(name); lt != nil && len(lt.Columns) > 0 {
				col = lt.Columns[0].Name
			}
			out = append(out, "UPDATE "+name+" SET "+col+" = "+col+" WHERE 1 = 0")
		default: // insert, upsert
			out = append(out, "INSERT INTO "+name+" SELECT * FROM "+name+" WHERE 1 = 0")
		}
	}
	return out
}

// accepted reports whether the analysis has no foreign-read/foreign-write finding for s: its
// crossing is accepted by the boundaries file.
func (v *verifier) accepted(svc string, s facts.SQL) bool {
	for _, f := range v.res.Proposal.Findings {
		if (f.Kind == "foreign-read" || f.Kind == "foreign-write") && f.Pos == s.Pos {
			return false
		}
	}
	return true
}

var scratchUser = regexp.MustCompile(`'cv[0-9a-f]+u[0-9]+'@'[^']*'`)

// tidy rewrites the scratch names in a database message into the plan's names: service
// databases lose the carve_verify_<random>_ prefix, the scratch monolith database reads
// "monolith", the temporary user reads as the service's role.
func (v *verifier) tidy(msg, svc string) string {
	scratch := v.rep.Scratch
	msg = strings.ReplaceAll(msg, scratch+"_", "")
	msg = strings.ReplaceAll(msg, scratch, "monolith")
	role := "svc_" + ident(svc)
	msg = strings.ReplaceAll(msg, "`.`", ".")
	return scratchUser.ReplaceAllString(msg, "role "+role)
}
