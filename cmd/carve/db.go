package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/dbsplit"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

func init() {
	register(newDBCmd)
	// carve analyze --dsn: merge the live catalog (rows, sizes, live-only tables and foreign
	// keys, routines, triggers) into the analysis document.
	var dsn string
	extendAnalyze(analyzeExtension{
		flags: func(f *pflag.FlagSet, _ *analyzeOptions) {
			f.StringVar(&dsn, "dsn", "", "live database to merge into the analysis: row estimates, sizes, live-only tables, foreign keys, routines, triggers")
		},
		after: func(cmd *cobra.Command, _ *analyzeOptions, res *analyzer.Result) error {
			if dsn == "" {
				return nil
			}
			live, err := dbIntrospect(cmd, dsn)
			if err != nil {
				return err
			}
			dbsplit.Merge(res, live)
			return nil
		},
	})
}

// dsnEnv is the environment variable --dsn defaults to, so passwords stay off command lines.
const dsnEnv = "CARVE_DSN"

func newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Split the database along the service boundaries: introspect, plan, verify",
		Long: `db carries the boundaries into the database: each service gets its own schema (PostgreSQL) or
database (MySQL/MariaDB) and a role that reaches only its own tables.

  introspect  read a live catalog: tables, keys, views, routines, triggers, rows and sizes
  plan        write the split as numbered SQL files and PLAN.md (nothing runs without --apply)
  verify      on a scratch copy, run every statement of the code under its service's role and
              list those that would break

--dsn defaults to $CARVE_DSN. Passwords are never printed.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newDBIntrospectCmd(), newDBPlanCmd(), newDBVerifyCmd())
	return cmd
}

// dbDSN returns --dsn or $CARVE_DSN.
func dbDSN(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(dsnEnv)
}

type dbIntrospectOptions struct {
	dsn    string
	format string
	out    string
}

func newDBIntrospectCmd() *cobra.Command {
	o := &dbIntrospectOptions{}
	cmd := &cobra.Command{
		Use:   "introspect --dsn DSN",
		Short: "List tables, keys, views, routines, triggers, rows and sizes of a live database",
		Example: `  carve db introspect --dsn 'postgres://postgres@127.0.0.1:5432/shop?sslmode=disable'
  CARVE_DSN='root@tcp(127.0.0.1:3306)/ledger' carve db introspect --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return withCode(exitUsage, fmt.Errorf("db introspect: --format %q: want text or json", o.format))
			}
			dsn := dbDSN(o.dsn)
			if dsn == "" {
				return withCode(exitUsage, fmt.Errorf("db introspect: --dsn (or $%s) is required", dsnEnv))
			}
			live, err := dbIntrospect(cmd, dsn)
			if err != nil {
				return err
			}
			return dbWrite(cmd.OutOrStdout(), o.out, "db introspect", func(w io.Writer) error {
				if o.format == "json" {
					return writeJSON(w, live)
				}
				return writeSchemaText(w, live)
			})
		},
	}
	cmd.Flags().StringVar(&o.dsn, "dsn", "", "database to read (default $"+dsnEnv+")")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "write the output to FILE instead of stdout")
	return cmd
}

// dbIntrospect connects and reads the catalog; errors are masked and carry exit code 3.
func dbIntrospect(cmd *cobra.Command, dsn string) (*dbsplit.Schema, error) {
	db, d, err := dbsplit.Open(cmd.Context(), dsn)
	if err != nil {
		return nil, withCode(exitAnalysis, fmt.Errorf("db: %v", err))
	}
	defer db.Close()
	live, err := dbsplit.Introspect(cmd.Context(), db, d)
	if err != nil {
		return nil, withCode(exitAnalysis, fmt.Errorf("db: %s", dbsplit.MaskDSN(err.Error())))
	}
	return live, nil
}

type dbPlanOptions struct {
	analysis   string
	dsn        string
	database   string
	rolePrefix string
	out        string
	apply      bool
}

func newDBPlanCmd() *cobra.Command {
	o := &dbPlanOptions{}
	cmd := &cobra.Command{
		Use:   "plan [dir] --out DIR",
		Short: "Write the database split as numbered SQL steps and PLAN.md",
		Long: `plan turns the proposal (or dir's carve.yaml) into a schema-per-service (PostgreSQL) or
database-per-service (MySQL) plan: roles with grants on their own tables only, the moves, transition
views for cross-service reads (debt), outbox tables for services whose data others read, and the
blockers (stored routines, triggers, cross-service foreign keys, dropped in a marked step). Steps
follow the proposal's extraction order. With --dsn the live sizes and constraint names are used;
nothing is executed unless --apply is given.

Exit codes: 0 ok, 2 usage error, 3 the analysis or the database could not be read.`,
		Example: `  carve db plan ./testdata/shop --out plan/
  carve db plan --analysis shop.json --dsn "$CARVE_DSN" --out plan/
  carve db plan . --dsn "$CARVE_DSN" --out plan/ --apply`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDBPlan(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.analysis, "analysis", "", "analysis JSON (carve analyze --format json) instead of analysing dir")
	f.StringVar(&o.dsn, "dsn", "", "live database for sizes and constraint names; required with --apply (default $"+dsnEnv+")")
	f.StringVar(&o.database, "database", "", "MySQL: the monolith's database (default: the one --dsn names)")
	f.StringVar(&o.rolePrefix, "role-prefix", "svc_", "prefix of the role created for each service")
	f.StringVar(&o.out, "out", "", "directory to write the steps and PLAN.md to (required)")
	f.BoolVar(&o.apply, "apply", false, "run the steps on --dsn after writing them")
	return cmd
}

func runDBPlan(cmd *cobra.Command, args []string, o *dbPlanOptions) error {
	if o.out == "" {
		return withCode(exitUsage, fmt.Errorf("db plan: --out DIR is required"))
	}
	dsn := dbDSN(o.dsn)
	if o.apply && dsn == "" {
		return withCode(exitUsage, fmt.Errorf("db plan: --apply needs --dsn (or $%s)", dsnEnv))
	}
	res, _, err := dbLoadAnalysis(cmd, args, o.analysis)
	if err != nil {
		return err
	}
	opts := dbsplit.Options{Database: o.database, RolePrefix: o.rolePrefix}
	if dsn != "" {
		live, err := dbIntrospect(cmd, dsn)
		if err != nil {
			return err
		}
		dbsplit.Merge(res, live)
		opts.Live, opts.Dialect = live, live.Dialect
		if opts.Database == "" && live.Dialect == "mysql" {
			opts.Database = live.Database
		}
	}
	plan, err := dbsplit.Build(res, opts)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("db %v", err))
	}
	if err := plan.Write(o.out); err != nil {
		return withCode(exitAnalysis, fmt.Errorf("db %v", err))
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "wrote %d steps and PLAN.md to %s: %d services, %d transition views (debt), %d outboxes, %d blockers\n",
		len(plan.Steps), o.out, len(plan.Services), len(plan.Views), len(plan.Outboxes), len(plan.Blockers))
	if !o.apply {
		return nil
	}
	db, _, err := dbsplit.Open(cmd.Context(), dsn)
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("db plan: %v", err))
	}
	defer db.Close()
	err = plan.Apply(cmd.Context(), db, dbsplit.ApplyOptions{Progress: func(s dbsplit.Step) {
		fmt.Fprintf(cmd.ErrOrStderr(), "applying %s (%s)\n", s.File, s.Title)
	}})
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("db plan: %s", dbsplit.MaskDSN(err.Error())))
	}
	fmt.Fprintf(w, "applied %d steps to %s\n", len(plan.Steps), dbsplit.MaskDSN(dsn))
	return nil
}

type dbVerifyOptions struct {
	analysis string
	root     string
	dsn      string
	format   string
	out      string
	fromLive bool
	views    bool
}

func newDBVerifyCmd() *cobra.Command {
	o := &dbVerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --dsn DSN [dir]",
		Short: "List the statements that would break once each service reaches only its own tables",
		Long: `verify creates a scratch database carve_verify_<random> on the server of --dsn (the database the
DSN names is never touched), recreates the schema from the module's migrations (or, with
--from-live, from the structure of the --dsn database), applies the plan without its transition
views, and runs every statement the analysis found under the role of the service that issues it,
in a transaction that is rolled back, with dummy parameter values. It lists the statements that
break (file:line, service, database error with the table's owner): the code to change before the
split. Statements that fail for other reasons are listed as "could not verify", never as breaks.
The scratch database, roles and users are always dropped, also on error and on Ctrl-C.

Exit codes: 0 nothing breaks, 1 breaks found, 2 usage error, 3 the analysis or the database
could not be used.`,
		Example: `  carve db verify --dsn 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' ./testdata/shop
  carve db verify --dsn "$CARVE_DSN" --analysis shop.json --root ./testdata/shop --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDBVerify(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.analysis, "analysis", "", "analysis JSON instead of analysing dir")
	f.StringVar(&o.root, "root", "", "module root the analysis' migration paths are relative to (default: dir, or .)")
	f.StringVar(&o.dsn, "dsn", "", "server to verify on (default $"+dsnEnv+")")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "write the report to FILE instead of stdout")
	f.BoolVar(&o.fromLive, "from-live", false, "copy the table structure from the --dsn database instead of applying migrations")
	f.BoolVar(&o.views, "with-views", false, "apply the transition views too: what still breaks during the transition (default: the end state)")
	return cmd
}

func runDBVerify(cmd *cobra.Command, args []string, o *dbVerifyOptions) error {
	if o.format != "text" && o.format != "json" {
		return withCode(exitUsage, fmt.Errorf("db verify: --format %q: want text or json", o.format))
	}
	dsn := dbDSN(o.dsn)
	if dsn == "" {
		return withCode(exitUsage, fmt.Errorf("db verify: --dsn (or $%s) is required", dsnEnv))
	}
	res, root, err := dbLoadAnalysis(cmd, args, o.analysis)
	if err != nil {
		return err
	}
	if o.root != "" {
		root = o.root
	}
	vopts := dbsplit.VerifyOptions{DSN: dsn, Root: root, WithViews: o.views, Progress: func(m string) {
		fmt.Fprintln(cmd.ErrOrStderr(), "carve db verify:", dbsplit.MaskDSN(m))
	}}
	if o.fromLive {
		live, err := dbIntrospect(cmd, dsn)
		if err != nil {
			return err
		}
		vopts.Live = live
	}
	rep, err := dbsplit.Verify(cmd.Context(), res, vopts)
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("db %s", dbsplit.MaskDSN(err.Error())))
	}
	if err := dbWrite(cmd.OutOrStdout(), o.out, "db verify", func(w io.Writer) error {
		if o.format == "json" {
			return writeJSON(w, rep)
		}
		return writeVerifyText(w, rep)
	}); err != nil {
		return err
	}
	if len(rep.Breaks) > 0 {
		return silentExit(exitViolations)
	}
	return nil
}

// dbLoadAnalysis reads --analysis, or analyses dir (args[0], default ".") under its
// carve.yaml when there is one. It returns the module root for migration paths.
func dbLoadAnalysis(cmd *cobra.Command, args []string, analysisFile string) (*analyzer.Result, string, error) {
	if analysisFile != "" {
		if len(args) > 0 {
			return nil, "", withCode(exitUsage, fmt.Errorf("db: give either a directory or --analysis, not both"))
		}
		data, err := os.ReadFile(analysisFile)
		if err != nil {
			return nil, "", withCode(exitUsage, fmt.Errorf("db: --analysis: %v", err))
		}
		var res analyzer.Result
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, "", withCode(exitUsage, fmt.Errorf("db: read analysis %s: %v", analysisFile, err))
		}
		if res.Proposal == nil {
			return nil, "", withCode(exitUsage, fmt.Errorf("db: %s has no proposal (want the output of carve analyze --format json)", analysisFile))
		}
		return &res, ".", nil
	}
	dir := "."
	if len(args) > 0 {
		dir = args[0]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, "", withCode(exitUsage, fmt.Errorf("db: %q is not a directory", dir))
	}
	root, err := analyzer.ModuleRoot(dir)
	if err != nil {
		return nil, "", withCode(exitUsage, fmt.Errorf("db: %v", err))
	}
	opts := analyzer.Options{Dir: root}
	specPath := filepath.Join(root, "carve.yaml")
	if data, err := os.ReadFile(specPath); err == nil {
		sp, err := spec.Parse(specPath, data)
		if err != nil {
			return nil, "", withCode(exitUsage, err)
		}
		opts.Spec, opts.Dialect = sp, sp.Dialect
	}
	stop := startProgress(cmd.ErrOrStderr(), &opts)
	res, err := analyzer.Analyze(cmd.Context(), opts)
	stop()
	if err != nil {
		return nil, "", withCode(exitAnalysis, fmt.Errorf("db: %v", err))
	}
	if res.Proposal == nil {
		return nil, "", withCode(exitAnalysis, fmt.Errorf("db: the analysis of %s produced no proposal", dir))
	}
	return res, root, nil
}

// dbWrite runs write on stdout or on the file out.
func dbWrite(stdout io.Writer, out, op string, write func(io.Writer) error) error {
	if out == "" {
		if err := write(stdout); err != nil {
			return withCode(exitAnalysis, fmt.Errorf("%s: write: %v", op, err))
		}
		return nil
	}
	f, err := os.Create(out)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("%s: --out: %v", op, err))
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return withCode(exitAnalysis, fmt.Errorf("%s: write %s: %v", op, out, err))
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeSchemaText writes the human listing of an introspected schema.
func writeSchemaText(w io.Writer, s *dbsplit.Schema) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "database %s (%s): %d tables, %d views, %d routines, %d triggers\n\n", s.Database, s.Dialect, len(s.Tables), len(s.Views), len(s.Routines), len(s.Triggers))
	tw := tabwriter.NewWriter(&sb, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tBYTES\tCOLUMNS\tPRIMARY KEY\tFOREIGN KEYS")
	for _, t := range s.Tables {
		var fks []string
		for _, fk := range t.ForeignKeys {
			fks = append(fks, fmt.Sprintf("(%s)->%s(%s)", strings.Join(fk.Columns, ","), fk.RefTable, strings.Join(fk.RefColumns, ",")))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", t.Name, t.Rows, t.Bytes, len(t.Columns), strings.Join(t.PrimaryKey, ","), strings.Join(fks, " "))
	}
	tw.Flush()
	if len(s.Views) > 0 {
		sb.WriteString("\nviews:\n")
		for _, v := range s.Views {
			fmt.Fprintf(&sb, "  %s reads %s\n", v.Name, strings.Join(v.Tables, ", "))
		}
	}
	if len(s.Routines) > 0 {
		sb.WriteString("\nroutines:\n")
		for _, r := range s.Routines {
			fmt.Fprintf(&sb, "  %s %s touches %s\n", r.Kind, r.Name, accessList(r.Tables))
		}
	}
	if len(s.Triggers) > 0 {
		sb.WriteString("\ntriggers:\n")
		for _, t := range s.Triggers {
			fmt.Fprintf(&sb, "  %s %s %s on %s touches %s\n", t.Name, t.Timing, t.Events, t.Table, accessList(t.Tables))
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func accessList(ts []facts.TableAccess) string {
	if len(ts) == 0 {
		return "no table"
	}
	var out []string
	for _, t := range ts {
		out = append(out, t.Name+":"+string(t.Access))
	}
	return strings.Join(out, ", ")
}

// writeVerifyText writes the human verify report.
func writeVerifyText(w io.Writer, r *dbsplit.Report) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "verified on scratch database %s (dropped): %d statements run, %d ok, %d break, %d accepted by carve.yaml, %d could not be verified, %d skipped\n",
		r.Scratch, r.Statements, r.OK, len(r.Breaks), len(r.Accepted), len(r.Unverified), len(r.Skipped))
	section := func(title string, bs []dbsplit.Break) {
		if len(bs) == 0 {
			return
		}
		fmt.Fprintf(&sb, "\n%s:\n", title)
		for _, b := range bs {
			note := ""
			if b.Bridged {
				note = " [a transition view keeps it working meanwhile]"
			}
			fmt.Fprintf(&sb, "%s: %s: %s%s\n    tables: %s\n", b.Pos, b.Service, b.Error, note, strings.Join(b.Tables, ", "))
		}
	}
	section("Breaks (change this code before the split)", r.Breaks)
	section("Accepted by carve.yaml (break without their transition views)", r.Accepted)
	if len(r.Unverified) > 0 {
		sb.WriteString("\nCould not verify (not counted as breaks):\n")
		for _, u := range r.Unverified {
			fmt.Fprintf(&sb, "%s: %s: %s\n", u.Pos, u.Service, u.Reason)
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&sb, "\nSkipped %d statements issued by no service or unresolved (--format json lists them).\n", len(r.Skipped))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
