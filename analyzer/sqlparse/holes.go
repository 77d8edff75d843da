package sqlparse

import (
	"sort"
	"strings"
)

// hasHole reports whether s contains Hole in any letter case.
func hasHole(s string) bool {
	if !strings.Contains(s, "__") {
		return false
	}
	return strings.Contains(strings.ToLower(s), Hole)
}

// markTemplates replaces the template markers a query file can hold in
// place of a run-time part by Hole: named markers filled with
// strings.ReplaceAll (listmonk's %query%, %order%) and fmt verbs filled with
// fmt.Sprintf at the use site (%s, %d, %v, %q). Strings, quoted identifiers
// and comments are left alone, and so is the modulo operator (a%b, a % b):
// a marker must not touch a name or value on its left.
func markTemplates(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	toks := lex(s)
	var b strings.Builder
	prev := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != tPunct || t.Val != "%" || i+1 >= len(toks) {
			continue
		}
		if t.Off > 0 && (isIdentChar(s[t.Off-1]) || strings.IndexByte(")\"`'%", s[t.Off-1]) >= 0) {
			continue
		}
		w := toks[i+1]
		if w.Kind != tWord || w.Off != t.End {
			continue
		}
		end, next := w.End, i+1
		if i+2 < len(toks) && toks[i+2].Kind == tPunct && toks[i+2].Val == "%" && toks[i+2].Off == w.End {
			end, next = toks[i+2].End, i+2 // %name%
		} else if len(w.Val) != 1 || !strings.Contains("sdvq", w.Val) {
			continue
		}
		if end < len(s) && (isIdentChar(s[end]) || strings.IndexByte("(\"`'%", s[end]) >= 0) {
			continue
		}
		b.WriteString(s[prev:t.Off])
		b.WriteString(Hole)
		prev = end
		i = next
	}
	if prev == 0 {
		return s
	}
	b.WriteString(s[prev:])
	return b.String()
}

// The contexts a hole can stand in, as named in Statement.Reason.
const (
	holeAssign    = "SET list"
	holeIn        = "IN list"
	holeCondition = "condition"
	holeOrder     = "ORDER BY or GROUP BY"
	holeSelect    = "select list"
	holeValues    = "VALUES list"
	holeStatement = "a further statement"
	holeLimit     = "LIMIT or OFFSET"
	holeSubquery  = "subquery"
	holeSuffix    = "clause"
	holeList      = "list or argument"
	holeExpr      = "expression"
	holeLiteral   = "string literal"
	holeName      = "identifier"
)

// filled is the result of fillHoles.
type filled struct {
	text  string   // the statement with each hole replaced by a stand-in
	parts []string // the contexts of the holes, sorted, no duplicates
	whole bool     // a hole stands where the whole statement goes
}

// fillHoles rewrites each Hole outside strings, quoted identifiers and
// comments into a stand-in both grammars accept in its context, so that the
// grammar still gives the tables, kinds and joins of the known part:
//
//   - adjacent holes are one hole, and a hole glued to a bind parameter
//     (?__carve_hole__, an expanded IN list) is dropped;
//   - a hole where a table name goes (after FROM, JOIN, INTO, UPDATE, TABLE)
//     is left as it is, so that Parse reports the table as unknown;
//   - after SET (a SET list built at run time) → "__carve_hole__ = 0";
//   - after IN or VALUES without a parenthesis → "(0)";
//   - after the target of INSERT INTO t [(a, b)] (the rows built at run
//     time) → "VALUES (0)";
//   - alone in parentheses after AS, EXISTS, FROM, JOIN (a query built at
//     run time) → "SELECT 1";
//   - after LIMIT or OFFSET → "1";
//   - after a complete operand, before the end or a clause keyword (a
//     WHERE, ORDER BY or LIMIT suffix built at run time) → removed;
//   - anywhere else (a condition, a column, an ORDER BY item, a value) → the
//     identifier __carve_hole__ itself, which both grammars read as a column.
//
// A hole at the very start of the statement (or right after EXPLAIN and its
// options) is reported as whole: the statement itself is not known. A hole
// after a ';' (a further statement built at run time) is removed.
func fillHoles(s string) filled {
	toks := lex(s)
	var f filled
	parts := map[string]bool{}
	isHole := func(i int) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == tWord && pureHole(toks[i].Val)
	}
	for _, t := range toks {
		switch {
		case t.Kind == tString && hasHole(t.Val):
			parts[holeLiteral] = true
		case (t.Kind == tWord && !pureHole(t.Val) || t.Kind == tQuoted) && hasHole(t.Val):
			parts[holeName] = true
		}
	}
	// drop marks tokens removed from the text; repl holds stand-ins.
	drop := make([]bool, len(toks))
	repl := map[int]string{}
	// prevTok returns the index of the last kept token before i, or -1.
	prevTok := func(i int) int {
		for j := i - 1; j >= 0; j-- {
			if !drop[j] {
				return j
			}
		}
		return -1
	}
	for i := range toks {
		if !isHole(i) {
			continue
		}
		if isHole(i - 1) {
			drop[i] = true // adjacent holes are one
			continue
		}
		if i > 0 && toks[i-1].Kind == tParam && toks[i-1].End == toks[i].Off {
			drop[i] = true // ?__carve_hole__: a parameter list expanded at run time
			parts[holeList] = true
			continue
		}
		p := prevTok(i)
		n := i + 1
		for isHole(n) {
			n++
		}
		pv, pw := "", ""
		if p >= 0 {
			pv = toks[p].Val
			if toks[p].Kind == tWord {
				pw = pv
			}
		}
		ppw := ""
		if p > 0 && toks[p-1].Kind == tWord {
			ppw = toks[p-1].Val
		}
		nv := ""
		if n < len(toks) {
			nv = toks[n].Val
			if toks[n].Kind == tQuoted || toks[n].Kind == tString {
				nv = "x" // a quoted name or value, never a keyword
			}
		}
		nameFollows := nv == "=" || nv == "."
		switch {
		case p < 0 || explainHead(toks[:i]):
			f.whole = true
		case pv == ";" && toks[p].Kind == tPunct:
			drop[i] = true // a further statement built at run time
			parts[holeStatement] = true
		case tableWords[pw] && !(pw == "update" && (ppw == "for" || ppw == "key" || ppw == "no")):
			// a table name built at run time: left for the grammar to report
		case (pw == "set" || pw == "update" && ppw == "key") && !nameFollows,
			pv == "," && toks[p].Kind == tPunct && inSetList(toks, p) && !nameFollows:
			repl[i] = Hole + " = 0"
			parts[holeAssign] = true
		case pw == "select" && n < len(toks) && startsOperand(toks[n]):
			// SELECT __carve_hole__ e.id: a column or modifier with its comma
			drop[i] = true
			parts[holeSelect] = true
		case pw == "in" && nv != "(":
			repl[i] = "(0)"
			parts[holeIn] = true
		case pw == "values" && nv != "(":
			repl[i] = "(0)"
			parts[holeValues] = true
		case afterInsertTarget(toks, p) && (n >= len(toks) || nv == ";" || suffixWords[nv] && toks[n].Kind == tWord):
			// INSERT INTO t [(a, b)] __carve_hole__: the rows built at run time
			repl[i] = "VALUES (0)"
			parts[holeValues] = true
		case pw == "update" && ppw == "for":
			drop[i] = true // FOR UPDATE __carve_hole__: NOWAIT, SKIP LOCKED...
			parts[holeSuffix] = true
		case pv == "(" && toks[p].Kind == tPunct && nv == ")" && p > 0 && subqueryWords[ppw]:
			repl[i] = "SELECT 1"
			parts[holeSubquery] = true
		case pw == "limit" || pw == "offset":
			repl[i] = "1"
			parts[holeLimit] = true
		case endsOperand(toks[p]) && (n >= len(toks) || nv == ";" || nv == ")" || suffixWords[nv] && toks[n].Kind == tWord):
			drop[i] = true
			parts[holeSuffix] = true
		case conditionWords[pw]:
			parts[holeCondition] = true
		case pw == "by":
			parts[holeOrder] = true
		case pw == "in" || pv == "(" || pv == "," || pw == "values":
			parts[holeList] = true
		default:
			parts[holeExpr] = true
		}
	}
	var b strings.Builder
	prev := 0
	for i, t := range toks {
		r, ok := repl[i]
		if !drop[i] && !ok {
			continue
		}
		b.WriteString(s[prev:t.Off])
		if ok {
			b.WriteString(r)
		} else {
			b.WriteByte(' ')
		}
		prev = t.End
	}
	b.WriteString(s[prev:])
	f.text = b.String()
	for p := range parts {
		f.parts = append(f.parts, p)
	}
	sort.Strings(f.parts)
	return f
}

// afterInsertTarget reports whether token p ends the target of INSERT INTO:
// the table name, or the closing parenthesis of its column list.
func afterInsertTarget(toks []token, p int) bool {
	if p < 0 {
		return false
	}
	if toks[p].Kind == tPunct && toks[p].Val == ")" {
		depth := 0
		for j := p; j >= 0; j-- {
			if toks[j].Kind != tPunct {
				continue
			}
			if toks[j].Val == ")" {
				depth++
			} else if toks[j].Val == "(" {
				depth--
				if depth == 0 {
					p = j - 1
					break
				}
			}
		}
		if depth != 0 || p < 0 {
			return false
		}
	}
	// a possibly qualified name, then INTO
	j := p
	for j >= 0 && (toks[j].Kind == tWord || toks[j].Kind == tQuoted) {
		if j >= 2 && toks[j-1].Kind == tPunct && toks[j-1].Val == "." {
			j -= 2
			continue
		}
		break
	}
	if j < 1 || toks[j].Kind != tWord && toks[j].Kind != tQuoted {
		return false
	}
	return toks[j-1].Kind == tWord && toks[j-1].Val == "into" && j-2 >= 0 && toks[j-2].Kind == tWord &&
		(toks[j-2].Val == "insert" || toks[j-2].Val == "ignore" || toks[j-2].Val == "replace")
}

// pureHole reports whether a word is one Hole or several glued together.
func pureHole(w string) bool {
	return w != "" && strings.ReplaceAll(w, Hole, "") == ""
}

// explainHead reports whether toks is EXPLAIN with only options after it, so
// that what follows is the explained statement.
func explainHead(toks []token) bool {
	if len(toks) == 0 || toks[0].Kind != tWord || toks[0].Val != "explain" {
		return false
	}
	for _, t := range toks[1:] {
		if t.Kind == tWord && (dmlWords[t.Val] || t.Val == "with" || t.Val == "values" || t.Val == "table") {
			return false
		}
	}
	return true
}

// inSetList reports whether token i is in an assignment list: the nearest
// clause word before it at the same parenthesis depth is SET, or the UPDATE
// of ON DUPLICATE KEY UPDATE.
func inSetList(toks []token, i int) bool {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		t := toks[j]
		if t.Kind == tPunct {
			switch t.Val {
			case ")":
				depth++
			case "(":
				if depth == 0 {
					return false
				}
				depth--
			}
			continue
		}
		if depth == 0 && t.Kind == tWord && clauseWords[t.Val] {
			return t.Val == "set" || t.Val == "update" && j > 0 && toks[j-1].Val == "key"
		}
	}
	return false
}

// endsOperand reports whether t can end a complete operand, item or table
// reference (a name, a value, a closing parenthesis, ASC, NULL...), so that a
// hole right after it adds a clause or an alias rather than an operand.
func endsOperand(t token) bool {
	switch t.Kind {
	case tNumber, tString, tParam, tQuoted:
		return true
	case tPunct:
		return t.Val == ")"
	case tWord:
		return !expectsOperand[t.Val]
	}
	return false
}

// startsOperand reports whether t can start an operand or a select item.
func startsOperand(t token) bool {
	switch t.Kind {
	case tNumber, tString, tParam, tQuoted:
		return true
	case tPunct:
		return t.Val == "(" || t.Val == "*"
	case tWord:
		return !expectsOperand[t.Val] && !suffixWords[t.Val]
	}
	return false
}

var tableWords = map[string]bool{
	"from": true, "join": true, "into": true, "update": true, "table": true, "truncate": true,
	"straight_join": true, "only": true, "copy": true,
}

var subqueryWords = map[string]bool{
	"as": true, "exists": true, "from": true, "join": true, "lateral": true, "union": true,
	"all": true, "intersect": true, "except": true, "materialized": true,
}

var conditionWords = map[string]bool{
	"where": true, "and": true, "or": true, "on": true, "having": true, "not": true, "when": true,
}

// suffixWords start a clause that can follow a complete operand.
var suffixWords = map[string]bool{
	"where": true, "order": true, "group": true, "limit": true, "offset": true, "having": true,
	"returning": true, "union": true, "intersect": true, "except": true, "for": true, "and": true,
	"or": true, "window": true, "from": true, "join": true, "inner": true, "left": true,
	"right": true, "full": true, "cross": true, "natural": true, "on": true, "then": true,
	"else": true, "end": true, "lock": true, "fetch": true, "into": true, "set": true,
	"values": true, "as": true,
}

var clauseWords = map[string]bool{
	"select": true, "from": true, "where": true, "set": true, "values": true, "by": true,
	"returning": true, "on": true, "having": true, "limit": true, "offset": true, "update": true,
	"into": true, "using": true, "join": true, "with": true,
}

// expectsOperand are the keywords after which an operand, a name or a list
// must come.
var expectsOperand = map[string]bool{
	"select": true, "distinct": true, "all": true, "from": true, "where": true, "and": true,
	"or": true, "not": true, "set": true, "by": true, "on": true, "in": true, "join": true,
	"as": true, "values": true, "having": true, "limit": true, "offset": true, "union": true,
	"intersect": true, "except": true, "when": true, "then": true, "else": true, "case": true,
	"like": true, "ilike": true, "is": true, "between": true, "exists": true, "returning": true,
	"into": true, "update": true, "delete": true, "insert": true, "table": true, "with": true,
	"recursive": true, "using": true, "interval": true, "any": true, "some": true, "escape": true,
	"similar": true, "lateral": true, "only": true, "over": true, "partition": true, "window": true,
	"order": true, "group": true, "replace": true, "truncate": true, "straight_join": true,
	"inner": true, "left": true, "right": true, "full": true, "outer": true, "cross": true,
	"natural": true, "explain": true, "regexp": true, "rlike": true, "div": true, "mod": true,
	"xor": true, "to": true, "key": true, "do": true, "conflict": true, "filter": true,
}
