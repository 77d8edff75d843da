package sqlparse

// utilityWords are the first words of statements that read or write no
// table data: transaction control, session settings, notifications,
// maintenance and introspection. LOCK is among them; it reports the tables
// it locks as read.
var utilityWords = map[string]bool{
	"begin": true, "start": true, "commit": true, "end": true, "rollback": true, "abort": true,
	"savepoint": true, "release": true, "set": true, "reset": true, "show": true, "use": true,
	"discard": true, "listen": true, "unlisten": true, "notify": true, "vacuum": true,
	"analyze": true, "analyse": true, "pragma": true, "checkpoint": true, "cluster": true,
	"reindex": true, "refresh": true, "lock": true, "unlock": true, "optimize": true,
	"flush": true, "deallocate": true, "describe": true, "desc": true,
}

// parseUtility answers for a single utility statement (see utilityWords):
// Kind other, Status Parsed, no tables except the tables of LOCK [TABLE |
// TABLES], which are read. It reports false for anything else, and for a
// utility statement that holds a query (SET x = (SELECT ...)) or is followed
// by other statements, which the grammars read.
func parseUtility(toks []token, d Dialect) (Statement, bool) {
	start := 0
	for start < len(toks) && toks[start].Kind == tPunct && toks[start].Val == ";" {
		start++
	}
	toks = toks[start:]
	for len(toks) > 0 && toks[len(toks)-1].Kind == tPunct && toks[len(toks)-1].Val == ";" {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 || toks[0].Kind != tWord || !utilityWords[toks[0].Val] {
		return Statement{}, false
	}
	for _, t := range toks[1:] {
		if t.Kind == tPunct && t.Val == ";" {
			return Statement{}, false
		}
		if t.Kind == tWord && dmlWords[t.Val] && t.Val != "with" {
			return Statement{}, false
		}
	}
	f := newFacts()
	f.setKind("other")
	hole := false
	if toks[0].Val == "lock" {
		i := 1
		if i < len(toks) && toks[i].Kind == tWord && (toks[i].Val == "table" || toks[i].Val == "tables") {
			i++
		}
		for _, n := range lockedTables(toks[i:], d) {
			if hasHole(n) {
				hole = true
				continue
			}
			f.add(n, Read)
		}
	}
	for _, t := range toks {
		if t.Kind != tString && hasHole(t.Val) {
			hole = true
		}
	}
	st := f.finish(d)
	if hole && toks[0].Val == "lock" {
		st.Status, st.Reason = Unresolved, "table name built at run time"
	} else if hole {
		st.Reason = "part of the statement built at run time (" + holeExpr + "); it reads or writes no table"
	}
	return st, true
}

// lockedTables reads the table list of LOCK [TABLE]: "[ONLY] name [*] [[AS]
// alias] [READ [LOCAL] | [LOW_PRIORITY] WRITE], ..." up to IN ... MODE or
// NOWAIT.
func lockedTables(toks []token, d Dialect) []string {
	var out []string
	expectName := true
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == tPunct && t.Val == "," {
			expectName = true
			continue
		}
		if t.Kind == tWord && (t.Val == "in" || t.Val == "nowait") {
			break
		}
		if !expectName || t.Kind == tWord && t.Val == "only" {
			continue
		}
		if t.Kind != tWord && t.Kind != tQuoted {
			continue
		}
		parts := []string{t.Val}
		for i+2 < len(toks) && toks[i+1].Kind == tPunct && toks[i+1].Val == "." && (toks[i+2].Kind == tWord || toks[i+2].Kind == tQuoted) {
			parts = append(parts, toks[i+2].Val)
			i += 2
		}
		out = append(out, normName(parts, d))
		expectName = false
	}
	return out
}
