package boundary

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Suppressed is a violation silenced by an inline //carve:allow comment.
type Suppressed struct {
	Violation
	Reason string `json:"reason"`
}

// BadSuppression is a //carve:allow comment carve could not honour (no reason, unknown kind).
type BadSuppression struct {
	Pos     facts.Pos `json:"pos"`
	Problem string    `json:"problem"`
}

// Result is the outcome of a check.
type Result struct {
	New             []Violation      `json:"new"`              // not covered by the baseline: these fail the check
	Baselined       int              `json:"baselined"`        // occurrences covered by the baseline
	Stale           []Entry          `json:"stale"`            // baseline entries (or parts of counts) no longer found: fixed debt
	Suppressed      []Suppressed     `json:"suppressed"`       // silenced inline, with their reasons
	BadSuppressions []BadSuppression `json:"bad_suppressions"` // ignored //carve:allow comments; they fail the check
	Total           int              `json:"total"`            // violations found in the code
}

// Failed reports whether the check fails: new violations or bad suppressions, and with strict
// also stale baseline entries.
func (r *Result) Failed(strict bool) bool {
	return len(r.New) > 0 || len(r.BadSuppressions) > 0 || (strict && len(r.Stale) > 0)
}

// Options controls Check.
type Options struct {
	// Root is the module root; //carve:allow comments are read from the files under it.
	// Empty: no suppressions are read.
	Root string
}

// Check compares violations with a baseline (nil: empty) and inline suppressions. Occurrences of
// a key beyond the baselined count are new; the first occurrences in position order are the
// baselined ones, so adding one more foreign write to a function that already had one reports
// the later position.
func Check(vs []Violation, base *Baseline, opts Options) *Result {
	r := &Result{Total: len(vs), New: []Violation{}, Stale: []Entry{}, Suppressed: []Suppressed{}, BadSuppressions: []BadSuppression{}}
	sup := readSuppressions(opts.Root, vs)
	r.BadSuppressions = append(r.BadSuppressions, sup.bad...)
	var kept []Violation
	for _, v := range vs {
		if reason, ok := sup.allow(v); ok {
			r.Suppressed = append(r.Suppressed, Suppressed{Violation: v, Reason: reason})
			continue
		}
		kept = append(kept, v)
	}
	allowed := map[Key]int{}
	if base != nil {
		for _, e := range base.Entries {
			allowed[e.Key] += e.Count
		}
	}
	seen := map[Key]int{}
	for _, v := range kept {
		k := v.Key()
		seen[k]++
		if seen[k] <= allowed[k] {
			r.Baselined++
			continue
		}
		r.New = append(r.New, v)
	}
	if base != nil {
		for _, e := range base.Entries {
			if left := e.Count - seen[e.Key]; left > 0 {
				r.Stale = append(r.Stale, Entry{Key: e.Key, Count: left})
			}
		}
	}
	sort.Slice(r.Stale, func(i, j int) bool { return r.Stale[i].Key.less(r.Stale[j].Key) })
	sort.Slice(r.BadSuppressions, func(i, j int) bool { return r.BadSuppressions[i].Pos.Less(r.BadSuppressions[j].Pos) })
	return r
}

// allowRE matches "//carve:allow kind reason..." (reason optional in the syntax, required to honour it).
var allowRE = regexp.MustCompile(`//\s*carve:allow(?:\s+(\S+))?(?:\s+(.*))?$`)

type suppressions struct {
	byLine map[facts.Pos][]allowComment
	bad    []BadSuppression
}

type allowComment struct {
	kind   Kind
	reason string
}

// allow reports whether v is suppressed by a comment on its line or the line above.
func (s suppressions) allow(v Violation) (string, bool) {
	for _, line := range []int{v.Pos.Line, v.Pos.Line - 1} {
		for _, c := range s.byLine[facts.Pos{File: v.Pos.File, Line: line}] {
			if c.kind == v.Kind {
				return c.reason, true
			}
		}
	}
	return "", false
}

// readSuppressions reads //carve:allow comments in the files that hold violations.
func readSuppressions(root string, vs []Violation) suppressions {
	s := suppressions{byLine: map[facts.Pos][]allowComment{}}
	if root == "" {
		return s
	}
	files := map[string]bool{}
	for _, v := range vs {
		if v.Pos.File != "" {
			files[v.Pos.File] = true
		}
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			continue // a vanished file cannot hold a suppression
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			if !strings.Contains(text, "carve:allow") {
				continue
			}
			m := allowRE.FindStringSubmatch(text)
			if m == nil {
				continue
			}
			pos := facts.Pos{File: name, Line: line}
			kind, ok := ParseKind(m[1])
			reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "*/"))
			switch {
			case !ok:
				s.bad = append(s.bad, BadSuppression{Pos: pos, Problem: "//carve:allow names unknown kind " + quote(m[1]) + "; want one of " + kindList()})
			case reason == "":
				s.bad = append(s.bad, BadSuppression{Pos: pos, Problem: "//carve:allow " + string(kind) + " has no reason; write why the coupling is accepted"})
			default:
				s.byLine[pos] = append(s.byLine[pos], allowComment{kind: kind, reason: reason})
			}
		}
		f.Close()
	}
	return s
}

func quote(s string) string { return `"` + s + `"` }

func kindList() string {
	var ks []string
	for _, k := range Kinds {
		ks = append(ks, string(k.Kind))
	}
	return strings.Join(ks, ", ")
}
