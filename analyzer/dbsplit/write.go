package dbsplit

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Write puts the plan in dir (created if needed): one numbered SQL file per step and
// PLAN.md, the readable summary. Existing step files of an earlier plan (NNN_*.sql) are
// removed first so the directory holds exactly this plan.
func (p *Plan) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write plan: %v", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9]_*.sql"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("write plan: %v", err)
		}
	}
	for _, s := range p.Steps {
		if err := os.WriteFile(filepath.Join(dir, s.File), []byte(s.SQL), 0o644); err != nil {
			return fmt.Errorf("write plan: %v", err)
		}
	}
	f, err := os.Create(filepath.Join(dir, "PLAN.md"))
	if err != nil {
		return fmt.Errorf("write plan: %v", err)
	}
	if err := p.Markdown(f); err != nil {
		f.Close()
		return fmt.Errorf("write plan: %v", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write plan: %v", err)
	}
	return nil
}

// Markdown writes the readable summary of the plan (PLAN.md).
func (p *Plan) Markdown(w io.Writer) error {
	var sb strings.Builder
	unit := "schema"
	if p.Dialect == "mysql" {
		unit = "database"
	}
	fmt.Fprintf(&sb, "# Database split plan\n\n")
	fmt.Fprintf(&sb, "Dialect: %s", p.Dialect)
	if p.Database != "" {
		fmt.Fprintf(&sb, " (monolith database `%s`)", p.Database)
	}
	fmt.Fprintf(&sb, ". Boundaries: %s. Nothing has been executed: review the numbered files, then apply them in order\n", p.Source)
	if p.Dialect == "mysql" {
		sb.WriteString("(`mysql " + p.Database + " < 001_setup.sql`, ...) or with `carve db plan --apply --dsn DSN`.\n\n")
	} else {
		sb.WriteString("(`psql -v ON_ERROR_STOP=1 -f 001_setup.sql`, ...) or with `carve db plan --apply --dsn DSN`.\n\n")
	}
	fmt.Fprintf(&sb, "Each service gets its own %s and a role with rights on its own tables only; other services reach\nits data through its API. Check what the code would break with `carve db verify`.\n\n", unit)

	var sized bool
	for _, s := range p.Services {
		sized = sized || s.Rows > 0 || s.Bytes > 0
	}
	fmt.Fprintf(&sb, "## Services (in extraction order)\n\n")
	if !sized {
		sb.WriteString("Sizes unknown: run with --dsn to weigh the tables by the live catalog's rows and bytes.\n\n")
	}
	fmt.Fprintf(&sb, "| # | service | %s | role | tables | rows | size | reads (via views) | writes (must become API calls) |\n|---|---|---|---|---|---|---|---|---|\n", unit)
	for _, s := range p.Services {
		var ts []string
		for _, t := range s.Tables {
			ts = append(ts, t.Table)
		}
		fmt.Fprintf(&sb, "| %d | %s | `%s` | `%s` | %s | %s | %s | %s | %s |\n", s.Order, s.Name, plain(s.Schema), plain(s.Role),
			orDash(strings.Join(ts, ", ")), human(s.Rows), humanBytes(s.Bytes), orDash(strings.Join(s.Reads, ", ")), orDash(strings.Join(s.Writes, ", ")))
	}

	sb.WriteString("\n## Steps\n\n")
	for _, st := range p.Steps {
		title := st.Title
		if st.Kind == StepDropFKs {
			title = "**" + title + "**: removes referential integrity between services"
		}
		fmt.Fprintf(&sb, "%d. `%s` — %s\n", st.Order, st.File, title)
	}

	var big []string
	for _, s := range p.Services {
		for _, t := range s.Tables {
			if t.Bytes >= 1<<30 || t.Rows >= 10_000_000 {
				big = append(big, fmt.Sprintf("- `%s` (%s): %s rows, %s", t.Table, s.Name, human(t.Rows), humanBytes(t.Bytes)))
			}
		}
	}
	if len(big) > 0 {
		sb.WriteString("\n## Large tables\n\nMoving them is still a catalog change, but the exclusive lock waits for every running query on them and\nblocks new ones meanwhile: move them in a quiet window, with a lock timeout.\n\n")
		sb.WriteString(strings.Join(big, "\n") + "\n")
	}

	fmt.Fprintf(&sb, "\n## Transition views (debt: %d)\n\n", len(p.Views))
	if len(p.Views) == 0 {
		sb.WriteString("None: no service reads another service's tables.\n")
	} else {
		sb.WriteString("| reader | reads | owner | view |\n|---|---|---|---|\n")
		for _, v := range p.Views {
			fmt.Fprintf(&sb, "| %s | %s | %s | `%s` |\n", v.Reader, v.Table, v.Owner, plain(v.View))
		}
	}

	fmt.Fprintf(&sb, "\n## Outbox tables (%d)\n\n", len(p.Outboxes))
	if len(p.Outboxes) == 0 {
		sb.WriteString("None: no service's tables are read by another service.\n")
	} else {
		sb.WriteString("| service | table | its data is read by |\n|---|---|---|\n")
		for _, o := range p.Outboxes {
			fmt.Fprintf(&sb, "| %s | `%s` | %s |\n", o.Service, plain(o.Table), strings.Join(o.ReadBy, ", "))
		}
	}

	fmt.Fprintf(&sb, "\n## Migration blockers (%d)\n\n", len(p.Blockers))
	if len(p.Blockers) == 0 {
		sb.WriteString("None.\n")
	} else {
		sb.WriteString("| kind | name | where | services | what to do |\n|---|---|---|---|---|\n")
		for _, b := range p.Blockers {
			fmt.Fprintf(&sb, "| %s | `%s` | %s | %s | %s |\n", b.Kind, b.Name, orDash(b.Pos.String()), strings.Join(b.Services, ", "), b.Detail)
		}
	}
	if len(p.Unowned) > 0 {
		fmt.Fprintf(&sb, "\n## Unowned tables (%d)\n\nNo service owns them; they stay where they are and no service role can reach them. Assign an owner in carve.yaml.\n\n", len(p.Unowned))
		for _, t := range p.Unowned {
			fmt.Fprintf(&sb, "- `%s`\n", t)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// plain drops identifier quotes for display in Markdown code spans.
func plain(s string) string { return strings.NewReplacer("`", "", `"`, "").Replace(s) }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// ApplyOptions controls Plan.Apply.
type ApplyOptions struct {
	// SkipViews leaves out the transition-view steps (the end state, as Verify checks it).
	SkipViews bool
	// Progress, when set, is called before each step.
	Progress func(s Step)
}

// Apply runs the plan's steps in order on db (connected to the monolith's database). It stops
// at the first error, naming the step file and line. PostgreSQL move steps run in a
// transaction each; MySQL DDL commits as it goes, so a failed MySQL step may be half done.
func (p *Plan) Apply(ctx context.Context, db *sqlx.DB, opts ApplyOptions) error {
	for _, s := range p.Steps {
		if opts.SkipViews && s.Kind == StepViews {
			continue
		}
		if opts.Progress != nil {
			opts.Progress(s)
		}
		if err := ApplyScript(ctx, db, p.Dialect, s.File, s.SQL); err != nil {
			return fmt.Errorf("apply plan: %v", err)
		}
	}
	return nil
}
