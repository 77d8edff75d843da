package boundary

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Format is an output format of the check.
type Format string

// Formats.
const (
	Text     Format = "text"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	GitHub   Format = "github"
	Markdown Format = "markdown"
)

// Formats lists the formats, for help texts.
var Formats = []Format{Text, JSON, SARIF, GitHub, Markdown}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	var names []string
	for _, f := range Formats {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// PrintOptions adds context to printed results.
type PrintOptions struct {
	Strict  bool   // stale entries fail the check
	Version string // carve version, for SARIF's tool.driver.version
}

// Print writes r to w in format f. Write errors are returned.
func Print(w io.Writer, f Format, r *Result, opts PrintOptions) error {
	switch f {
	case JSON:
		return printJSON(w, r, opts)
	case SARIF:
		return printSARIF(w, r, opts)
	case GitHub:
		return printGitHub(w, r, opts)
	case Markdown:
		return printMarkdown(w, r, opts)
	default:
		return printText(w, r, opts)
	}
}

// errWriter keeps the first write error so printers can write freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func printText(w io.Writer, r *Result, opts PrintOptions) error {
	ew := &errWriter{w: w}
	for _, v := range r.New {
		ew.printf("%s: %s: %s\n", v.Pos, v.Kind, v.Message)
		if v.Remedy != "" {
			ew.printf("\tremedy: %s\n", v.Remedy)
		}
	}
	for _, b := range r.BadSuppressions {
		ew.printf("%s: bad suppression: %s\n", b.Pos, b.Problem)
	}
	if len(r.Stale) > 0 {
		word := "note"
		if opts.Strict {
			word = "error"
		}
		ew.printf("%s: %d stale baseline entr%s (fixed debt; run carve check --update-baseline to drop them):\n", word, len(r.Stale), plural(len(r.Stale), "y", "ies"))
		for _, e := range r.Stale {
			ew.printf("\t%s %s -> %s (%d)\n", e.Kind, orDash(e.From), e.To, e.Count)
		}
	}
	if len(r.Suppressed) > 0 {
		ew.printf("%d suppressed inline:\n", len(r.Suppressed))
		for _, s := range r.Suppressed {
			ew.printf("\t%s: %s: %s\n", s.Pos, s.Kind, s.Reason)
		}
	}
	ew.printf("%d new violation%s, %d baselined, %d suppressed, %d stale\n", len(r.New), plural(len(r.New), "", "s"), r.Baselined, len(r.Suppressed), len(r.Stale))
	return ew.err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// githubEscape escapes workflow command data (% \r \n) and, for properties, also : and ,.
func githubEscape(s string, property bool) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	if property {
		s = strings.NewReplacer(":", "%3A", ",", "%2C").Replace(s)
	}
	return s
}

func printGitHub(w io.Writer, r *Result, opts PrintOptions) error {
	ew := &errWriter{w: w}
	for _, v := range r.New {
		msg := v.Message
		if v.Remedy != "" {
			msg += " Remedy: " + v.Remedy
		}
		ew.printf("::error file=%s,line=%d,title=%s::%s\n", githubEscape(v.Pos.File, true), v.Pos.Line, githubEscape("carve "+string(v.Kind), true), githubEscape(msg, false))
	}
	for _, b := range r.BadSuppressions {
		ew.printf("::error file=%s,line=%d,title=%s::%s\n", githubEscape(b.Pos.File, true), b.Pos.Line, githubEscape("carve bad suppression", true), githubEscape(b.Problem, false))
	}
	level := "notice"
	if opts.Strict {
		level = "error"
	}
	for _, e := range r.Stale {
		ew.printf("::%s title=%s::%s\n", level, githubEscape("carve stale baseline entry", true), githubEscape(fmt.Sprintf("%s %s -> %s no longer found (%d); run carve check --update-baseline", e.Kind, orDash(e.From), e.To, e.Count), false))
	}
	return ew.err
}

func printMarkdown(w io.Writer, r *Result, opts PrintOptions) error {
	ew := &errWriter{w: w}
	status := "passed"
	if r.Failed(opts.Strict) {
		status = "failed"
	}
	ew.printf("### carve check %s\n\n", status)
	ew.printf("%d new violation%s, %d baselined, %d suppressed, %d stale baseline entr%s.\n\n", len(r.New), plural(len(r.New), "", "s"), r.Baselined, len(r.Suppressed), len(r.Stale), plural(len(r.Stale), "y", "ies"))
	if len(r.New) > 0 {
		byKind := map[Kind]int{}
		for _, v := range r.New {
			byKind[v.Kind]++
		}
		var kinds []string
		for k := range byKind {
			kinds = append(kinds, string(k))
		}
		sort.Strings(kinds)
		ew.printf("| kind | new |\n|---|---|\n")
		for _, k := range kinds {
			ew.printf("| %s | %d |\n", k, byKind[Kind(k)])
		}
		ew.printf("\n| where | kind | what | remedy |\n|---|---|---|---|\n")
		for _, v := range r.New {
			ew.printf("| `%s` | %s | %s | %s |\n", v.Pos, v.Kind, mdEscape(v.Message), mdEscape(v.Remedy))
		}
		ew.printf("\n")
	}
	for _, b := range r.BadSuppressions {
		ew.printf("- `%s`: bad suppression: %s\n", b.Pos, mdEscape(b.Problem))
	}
	if len(r.Stale) > 0 {
		ew.printf("\n<details><summary>Stale baseline entries (fixed debt)</summary>\n\n")
		for _, e := range r.Stale {
			ew.printf("- %s `%s` → `%s` (%d)\n", e.Kind, orDash(e.From), e.To, e.Count)
		}
		ew.printf("\n</details>\n")
	}
	if len(r.Suppressed) > 0 {
		ew.printf("\n<details><summary>Suppressed inline</summary>\n\n")
		for _, s := range r.Suppressed {
			ew.printf("- `%s` %s: %s\n", s.Pos, s.Kind, mdEscape(s.Reason))
		}
		ew.printf("\n</details>\n")
	}
	return ew.err
}

func mdEscape(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
