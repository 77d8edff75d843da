package sqlparse

// recoverTokens is the tolerant reader used when no grammar accepts a
// statement: it finds table names after FROM, JOIN, INTO, UPDATE,
// DELETE FROM, USING, TABLE and TRUNCATE, skipping CTE names and aliases.
func recoverTokens(sql string) *facts {
	toks := lex(sql)
	f := newFacts()
	f.setKind(firstKind(toks))
	upsert := false
	for i, t := range toks {
		if t.Kind != tWord {
			continue
		}
		if t.Val == "replace" && i == 0 || t.Val == "conflict" || t.Val == "duplicate" && i+1 < len(toks) && toks[i+1].Val == "key" {
			upsert = true
		}
		// WITH name AS ( ... ): remember CTE names.
		if t.Val == "as" && i > 0 && i+1 < len(toks) && toks[i+1].Val == "(" {
			prev := toks[i-1]
			if (prev.Kind == tWord || prev.Kind == tQuoted) && i > 1 && (toks[i-2].Val == "with" || toks[i-2].Val == "," || toks[i-2].Val == "recursive") {
				f.ctes[prev.Val] = true
			}
		}
	}
	if upsert && f.kind == "insert" {
		f.kind = "upsert"
	}
	word := func(i int) string {
		if i >= 0 && i < len(toks) && toks[i].Kind == tWord {
			return toks[i].Val
		}
		return ""
	}
	// name reads a possibly qualified name at i; it returns the name and the
	// index after it.
	name := func(i int) (string, int) {
		var parts []string
		for i < len(toks) {
			t := toks[i]
			if t.Kind != tWord && t.Kind != tQuoted {
				break
			}
			if t.Kind == tWord && len(parts) == 0 && reservedAfterFrom[t.Val] {
				break
			}
			parts = append(parts, t.Val)
			i++
			if i < len(toks) && toks[i].Val == "." && toks[i].Kind == tPunct {
				i++
				continue
			}
			break
		}
		if len(parts) == 0 {
			return "", i
		}
		return normName(parts, MySQL), i
	}
	// list reads "name [AS alias] [, name [AS alias]]..." from i.
	list := func(i int, a Access, multi bool) {
		for i < len(toks) {
			for word(i) == "only" || word(i) == "lateral" || word(i) == "low_priority" || word(i) == "ignore" || word(i) == "quick" {
				i++
			}
			if i < len(toks) && toks[i].Val == "(" {
				return
			}
			n, j := name(i)
			if n == "" {
				return
			}
			if a == Read && j < len(toks) && toks[j].Val == "(" && toks[j].Kind == tPunct {
				// a function call, not a table
				return
			}
			f.add(n, a)
			i = j
			if word(i) == "as" {
				i++
			}
			if i < len(toks) && (toks[i].Kind == tQuoted || toks[i].Kind == tWord && !reservedAfterFrom[toks[i].Val]) {
				i++
			}
			if !multi || i >= len(toks) || toks[i].Val != "," {
				return
			}
			i++
		}
	}
	inFunc := funcParens(toks)
	for i, t := range toks {
		if t.Kind != tWord || inFunc[i] {
			continue
		}
		prev := word(i - 1)
		switch t.Val {
		case "from":
			if prev == "delete" || prev == "quick" || prev == "ignore" && word(i-2) == "delete" {
				list(i+1, Delete, true)
			} else if prev != "distinct" && prev != "is" {
				list(i+1, Read, true)
			}
		case "join", "straight_join":
			list(i+1, Read, false)
		case "using":
			if i+1 < len(toks) && toks[i+1].Val != "(" {
				list(i+1, Read, true)
			}
		case "into":
			if prev == "insert" || prev == "replace" || prev == "merge" || prev == "ignore" || prev == "low_priority" || prev == "delayed" || prev == "high_priority" {
				a := Insert
				if upsert || prev == "merge" {
					a = Upsert
				}
				list(i+1, a, false)
			}
		case "update":
			if prev == "for" || prev == "key" || prev == "do" || prev == "on" || prev == "no" {
				continue
			}
			list(i+1, Update, false)
		case "table":
			if prev == "truncate" {
				list(i+1, Delete, true)
			} else if prev == "" || prev == "union" {
				list(i+1, Read, false)
			}
		case "truncate":
			if word(i+1) != "table" {
				list(i+1, Delete, true)
			}
		case "call", "perform":
			if n, j := name(i + 1); n != "" && j < len(toks) && toks[j].Val == "(" {
				f.calls[n] = true
			}
		}
	}
	return f
}

// reservedAfterFrom are words that end a table list, so they are never
// taken for a table name or alias.
var reservedAfterFrom = map[string]bool{
	"where": true, "join": true, "inner": true, "left": true, "right": true, "full": true, "outer": true,
	"cross": true, "natural": true, "on": true, "using": true, "group": true, "order": true, "limit": true,
	"offset": true, "having": true, "union": true, "intersect": true, "except": true, "set": true,
	"values": true, "select": true, "returning": true, "for": true, "window": true, "straight_join": true,
	"as": true, "from": true, "into": true, "default": true, "lateral": true, "only": true, "partition": true,
	"fetch": true, "lock": true, "with": true, "when": true, "then": true, "and": true, "or": true, "not": true,
	"procedure": true, "force": true, "use": true, "ignore": true, "do": true, "update": true, "delete": true,
	"insert": true, "limit_": true, "tablesample": true, "window_": true, "end": true, "is": true, "in": true,
}

// funcParens reports, for each token, whether its innermost enclosing
// parenthesis is a function call's argument list (EXTRACT(x FROM y),
// SUBSTRING(s FROM 1)), where FROM does not introduce a table.
func funcParens(toks []token) []bool {
	out := make([]bool, len(toks))
	var stack []bool
	for i, t := range toks {
		if len(stack) > 0 {
			out[i] = stack[len(stack)-1]
		}
		if t.Kind != tPunct {
			continue
		}
		switch t.Val {
		case "(":
			fn := false
			if i > 0 && toks[i-1].Kind == tWord {
				switch toks[i-1].Val {
				case "in", "exists", "as", "from", "join", "any", "all", "some", "lateral", "values", "using", "on", "and", "or", "not", "select", "where", "into", "table", "union", "with", "materialized", "then", "else", "when", "return", "query", "is":
				default:
					fn = true
				}
			}
			stack = append(stack, fn)
		case ")":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return out
}
