package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Markdown caps keep the summary under GitHub's 65,536-character comment limit.
const (
	mdMaxServices = 60
	mdTopPerKind  = 5
	mdMaxSteps    = 30
)

// mdEscape escapes text for a Markdown table cell or list item. Underscores stay: GitHub
// does not emphasise inside words, and snake_case names are everywhere in findings.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "*", `\*`, "`", "'")
	return r.Replace(s)
}

// code wraps s in backticks for inline code, without backticks inside.
func code(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "\n", " ") + "`"
}

// Markdown writes the summary for a pull-request comment: headline counts, metrics, the
// services table, findings by kind with the top ones at file:line, the plan and what the
// analysis could not read. The output is deterministic.
func Markdown(w io.Writer, v *View) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	s := v.Summary
	title := v.Module
	if title == "" {
		title = "module"
	}
	p("## carve: %s\n\n", mdEscape(title))
	source := v.Source
	if source == "" {
		source = "none"
	}
	p("**%d services** proposed (source: %s) from %d packages and %d units; %d tables, %d routes, %d transactions.  \n",
		s.Services, mdEscape(source), s.Packages, s.Units, s.Tables, s.Routes, s.Transactions)
	data := s.SQLStatements - s.SQLNoData // DDL and utility statements touch no data
	p("**%d findings** cross the boundaries. SQL: %d of %d statements attributed to tables", s.Findings, s.SQLAttributed, data)
	if s.SQLNoData > 0 {
		p(" (%d more are DDL or utility)", s.SQLNoData)
	}
	if data > 0 {
		p(" (%s%%)", FormatNumber(float64(int(1000*float64(s.SQLAttributed)/float64(data)+0.5))/10))
	}
	p(".")
	if s.Skipped > 0 {
		p(" %d item%s skipped (see below).", s.Skipped, plural(s.Skipped))
	}
	p("\n\n")

	if len(v.Metrics) > 0 {
		p("| metric | value |\n|---|---:|\n")
		for _, m := range v.Metrics {
			p("| %s | %s |\n", code(m.Name), m.Text)
		}
		p("\n")
	}

	if len(v.Services) > 0 {
		p("### Services\n\n| service | units | lines | tables owned | routes | findings out | findings in | plan step |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for i, sv := range v.Services {
			if i == mdMaxServices {
				p("| … %d more services | | | | | | | |\n", len(v.Services)-mdMaxServices)
				break
			}
			step := "–"
			if sv.PlanOrder > 0 {
				step = fmt.Sprint(sv.PlanOrder)
			}
			p("| %s | %d | %d | %d | %d | %d | %d | %s |\n", mdEscape(sv.Name), len(sv.Units), sv.Lines, len(sv.Tables), len(sv.Service.Routes), sv.OutTotal, sv.InTotal, step)
		}
		p("\n")
	}

	if len(v.Groups) > 0 {
		p("### Findings by kind\n\n| kind | count |\n|---|---:|\n")
		for _, kc := range v.KindCounts {
			p("| %s | %d |\n", mdEscape(kc.Title), kc.Count)
		}
		p("\n")
		for _, g := range v.Groups {
			total := len(g.Items) + g.More
			p("<details><summary><b>%s</b> (%d)</summary>\n\n", mdEscape(g.Title), total)
			for i, f := range g.Items {
				if i == mdTopPerKind {
					break
				}
				where := "–"
				if f.Pos.File != "" {
					where = code(f.Pos.String())
				}
				flow := mdEscape(f.From)
				if f.To != "" {
					flow += " → " + mdEscape(f.To)
				}
				if flow == "" {
					flow = "–"
				}
				p("- %s %s: %s", where, flow, mdEscape(f.Detail))
				if f.Remedy != "" {
					p(" — *%s*", mdEscape(f.Remedy))
				}
				p("\n")
			}
			if total > mdTopPerKind {
				p("- … %d more\n", total-mdTopPerKind)
			}
			p("\n</details>\n\n")
		}
	}

	if len(v.Plan) > 0 {
		p("### Extraction plan\n\n| # | service | routes | tables | blockers | score |\n|---:|---|---:|---:|---|---:|\n")
		for i, st := range v.Plan {
			if i == mdMaxSteps {
				p("| | … %d more steps | | | | |\n", len(v.Plan)-mdMaxSteps)
				break
			}
			var bl []string
			for _, b := range st.BlockerList {
				bl = append(bl, fmt.Sprintf("%d %s", b.Count, b.Kind))
			}
			blockers := "none"
			if len(bl) > 0 {
				blockers = strings.Join(bl, ", ")
			}
			p("| %d | %s | %d | %d | %s | %s |\n", st.Order, mdEscape(st.Service), len(st.Routes), len(st.Tables), mdEscape(blockers), FormatNumber(st.Score))
		}
		p("\n")
	}

	if h := v.Result.History; h != nil {
		p("### Change history and teams\n\n%d commits: ICF %s, ECF %s, REI %s (lower is better).\n\n", h.Commits, FormatNumber(h.ICF), FormatNumber(h.ECF), FormatNumber(h.REI))
		if len(h.Teams) > 0 {
			p("| team | services |\n|---|---|\n")
			for _, t := range h.Teams {
				p("| %s | %s |\n", code(t.Team), mdEscape(strings.Join(t.Services, ", ")))
			}
			p("\n")
		}
		for _, c := range h.Conflicts {
			p("- conflict: %s\n", mdEscape(c))
		}
		for _, w := range h.Warnings {
			p("- note: %s\n", mdEscape(w))
		}
		if len(h.Conflicts)+len(h.Warnings) > 0 {
			p("\n")
		}
	}
	if t := v.Result.Traffic; t != nil {
		p("### Traffic (measured from access logs)\n\n%d of %d requests matched a route.\n\n| service | requests | share |\n|---|---:|---:|\n", t.Matched, t.Requests)
		for _, s := range t.Services {
			p("| %s | %d | %s %% |\n", mdEscape(s.Service), s.Requests, FormatNumber(float64(int(1000*s.Share+0.5))/10))
		}
		p("\n")
	}

	if len(v.Unresolved.Items) > 0 || len(v.Skipped.Items) > 0 {
		p("### Not understood\n\n")
		for _, st := range v.Unresolved.Items {
			p("- %s unresolved SQL: %s\n", code(st.Pos.String()), mdEscape(st.Reason))
		}
		if v.Unresolved.More > 0 {
			p("- … %d more unresolved statements\n", v.Unresolved.More)
		}
		for _, sk := range v.Skipped.Items {
			p("- skipped %s: %s\n", code(sk.What), mdEscape(sk.Reason))
		}
		if v.Skipped.More > 0 {
			p("- … %d more skipped\n", v.Skipped.More)
		}
		p("\n")
	}
	p("<sub>Generated by carve from the analysis document (schema %d). Full report: index.html.</sub>\n", v.Result.SchemaVersion)
	return bw.Flush()
}
