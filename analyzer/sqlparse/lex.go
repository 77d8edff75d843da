package sqlparse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isSpaceRune reports whether s starts with a Unicode space (NBSP, ...),
// which strings.TrimSpace would drop.
func isSpaceRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// tokKind classifies a token of the tolerant lexer.
type tokKind int

const (
	tWord   tokKind = iota // unquoted identifier or keyword
	tQuoted                // "ident" or `ident`
	tString                // '...', E'...', $tag$...$tag$
	tNumber                // 123, 1.5
	tParam                 // $1, ?, :name
	tPunct                 // ( ) , . ; :: and any other operator character
)

// token is one lexical token. Val is the lower-cased word, the unquoted
// identifier (lower-cased), or the raw text for other kinds.
type token struct {
	Kind tokKind
	Val  string
	Off  int // byte offset of the first character
	End  int // byte offset just after the token
	Line int // 1-based line of the first character
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$'
}

// dollarTag returns the length of a dollar-quote opening tag ($$ or $tag$)
// starting at s[i], or 0 when s[i:] does not start one.
func dollarTag(s string, i int) int {
	if i >= len(s) || s[i] != '$' {
		return 0
	}
	j := i + 1
	for j < len(s) && (isIdentStart(s[j]) || (j > i+1 && s[j] >= '0' && s[j] <= '9')) {
		j++
	}
	if j < len(s) && s[j] == '$' {
		return j + 1 - i
	}
	return 0
}

// skipQuoted returns the offset just after a quoted run starting at s[i]
// (s[i] is the quote), handling doubled quotes and, when bs, backslash
// escapes. An unterminated run ends at len(s).
func skipQuoted(s string, i int, q byte, bs bool) int {
	j := i + 1
	for j < len(s) {
		c := s[j]
		if bs && c == '\\' {
			j += 2
			continue
		}
		if c == q {
			if j+1 < len(s) && s[j+1] == q {
				j += 2
				continue
			}
			return j + 1
		}
		j++
	}
	return len(s)
}

// lex splits s into tokens, skipping whitespace and comments. It never fails:
// unterminated strings and comments run to the end of the input.
func lex(s string) []token {
	var toks []token
	line := 1
	last := 0
	lineAt := func(off int) int {
		line += strings.Count(s[last:off], "\n")
		last = off
		return line
	}
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c >= utf8.RuneSelf && isSpaceRune(s[i:]):
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				i = len(s)
			} else {
				i += j + 4
			}
		case c == '\'':
			j := skipQuoted(s, i, '\'', true)
			toks = append(toks, token{tString, s[i:j], i, j, lineAt(i)})
			i = j
		case (c == 'e' || c == 'E' || c == 'x' || c == 'X' || c == 'b' || c == 'B' || c == 'n' || c == 'N') && i+1 < len(s) && s[i+1] == '\'':
			j := skipQuoted(s, i+1, '\'', true)
			toks = append(toks, token{tString, s[i:j], i, j, lineAt(i)})
			i = j
		case c == '"' || c == '`':
			j := skipQuoted(s, i, c, false)
			inner := s[i+1 : j]
			if strings.HasSuffix(inner, string(c)) {
				inner = inner[:len(inner)-1]
			}
			inner = strings.ReplaceAll(inner, string([]byte{c, c}), string(c))
			toks = append(toks, token{tQuoted, strings.ToLower(inner), i, j, lineAt(i)})
			i = j
		case c == '$':
			if n := dollarTag(s, i); n > 0 {
				tag := s[i : i+n]
				k := strings.Index(s[i+n:], tag)
				j := len(s)
				if k >= 0 {
					j = i + n + k + n
				}
				toks = append(toks, token{tString, s[i:j], i, j, lineAt(i)})
				i = j
				continue
			}
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > i+1 {
				toks = append(toks, token{tParam, s[i:j], i, j, lineAt(i)})
			} else {
				toks = append(toks, token{tPunct, "$", i, j, lineAt(i)})
			}
			i = j
		case c == '@' && i+1 < len(s) && isIdentStart(s[i+1]) && (i == 0 || s[i-1] != '@'):
			// sqlc's @name parameter (PostgreSQL) or a MySQL @user_variable
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) && s[j] != '$' {
				j++
			}
			toks = append(toks, token{tParam, s[i:j], i, j, lineAt(i)})
			i = j
		case c == '?':
			toks = append(toks, token{tParam, "?", i, i + 1, lineAt(i)})
			i++
		case c == ':':
			if i+1 < len(s) && s[i+1] == ':' {
				toks = append(toks, token{tPunct, "::", i, i + 2, lineAt(i)})
				i += 2
				continue
			}
			if i+1 < len(s) && isIdentStart(s[i+1]) && (i == 0 || s[i-1] != ':') {
				j := i + 1
				for j < len(s) && isIdentChar(s[j]) && s[j] != '$' {
					j++
				}
				toks = append(toks, token{tParam, s[i:j], i, j, lineAt(i)})
				i = j
				continue
			}
			toks = append(toks, token{tPunct, ":", i, i + 1, lineAt(i)})
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			toks = append(toks, token{tWord, strings.ToLower(s[i:j]), i, j, lineAt(i)})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || isIdentStart(s[j])) {
				j++
			}
			toks = append(toks, token{tNumber, s[i:j], i, j, lineAt(i)})
			i = j
		default:
			toks = append(toks, token{tPunct, s[i : i+1], i, i + 1, lineAt(i)})
			i++
		}
	}
	return toks
}

// rewritePlaceholders rewrites bind parameters to the form the target
// grammar accepts: for Postgres `?`, `:name` and sqlc's `@name` become `$n` (the same name
// gets the same number; `?` is left alone when the statement already uses
// `$n`, since it is then the jsonb operator, and when it is followed by a
// string or glued to | or &, which only the operator is); for MySQL `$n`
// becomes `?`.
// String literals, quoted identifiers, comments and `::` casts are left
// alone.
func rewritePlaceholders(s string, d Dialect) string {
	toks := lex(s)
	var b strings.Builder
	prev := 0
	n := 0
	hasDollar := false
	for _, t := range toks {
		if t.Kind == tParam && t.Val[0] == '$' {
			hasDollar = true
			if k := atoiSafe(t.Val[1:]); k > n {
				n = k
			}
		}
	}
	names := map[string]int{}
	changed := false
	for i, t := range toks {
		if t.Kind != tParam {
			continue
		}
		var repl string
		switch {
		case d == Postgres && t.Val == "?" && !hasDollar && jsonbKeyOperator(s, toks, i):
			continue
		case d == Postgres && t.Val == "?" && !hasDollar:
			// With $n parameters present, ? is the jsonb "key exists" operator.
			n++
			repl = "$" + itoa(n)
		case d == Postgres && (t.Val[0] == ':' || t.Val[0] == '@'):
			k, ok := names[t.Val]
			if !ok {
				n++
				k = n
				names[t.Val] = k
			}
			repl = "$" + itoa(k)
		case d == MySQL && t.Val[0] == '$':
			repl = "?"
		default:
			continue
		}
		b.WriteString(s[prev:t.Off])
		b.WriteString(repl)
		prev = t.End
		changed = true
	}
	if !changed {
		return s
	}
	b.WriteString(s[prev:])
	return b.String()
}

// jsonbKeyOperator reports whether the ? at toks[i] is PostgreSQL's jsonb
// key-exists operator rather than a bind parameter: followed by a string
// literal (v ? 'key'), or glued to | or & (?| and ?&, but not ? || x).
func jsonbKeyOperator(s string, toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	n := toks[i+1]
	if n.Kind == tString {
		return true
	}
	if n.Kind == tPunct && (n.Val == "|" || n.Val == "&") && n.Off == toks[i].End {
		return n.End >= len(s) || s[n.End] != n.Val[0]
	}
	return false
}

// mysqlAssignToEquals rewrites MySQL's := assignment (SELECT @n := @n + 1),
// which xwb1989 does not know, to =; the tables of the statement are the
// same.
func mysqlAssignToEquals(s string) string {
	if !strings.Contains(s, ":=") {
		return s
	}
	toks := lex(s)
	var b strings.Builder
	prev := 0
	for i, t := range toks {
		if t.Kind == tPunct && t.Val == ":" && i+1 < len(toks) && toks[i+1].Val == "=" && toks[i+1].Off == t.End {
			b.WriteString(s[prev:t.Off])
			prev = t.End
		}
	}
	if prev == 0 {
		return s
	}
	b.WriteString(s[prev:])
	return b.String()
}

func atoiSafe(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// mysqlToPostgres rewrites the MySQL lexical forms the PostgreSQL grammar
// rejects, so that MySQL 8 statements xwb1989 cannot read (CTEs, window
// functions) still parse: `ident` becomes "ident", "text" becomes 'text',
// a string with backslash escapes becomes E'...', and LIMIT a, b becomes
// LIMIT b OFFSET a. Used only for the fallback from MySQL to PostgreSQL.
func mysqlToPostgres(s string) string {
	return rewriteMySQLLexical(s, true)
}

// sqliteToPostgres rewrites `ident` to "ident" and a table named user (a
// reserved word in PostgreSQL, a plain name in SQLite and MySQL) after FROM,
// JOIN, INTO or UPDATE to "user", and leaves everything else alone, so that a
// SQLite-flavoured statement in a PostgreSQL-driver project (one store per
// database, one dialect for the project) can still reach the PostgreSQL
// grammar.
func sqliteToPostgres(s string) string {
	return rewriteMySQLLexical(s, false)
}

// rewriteMySQLLexical rewrites backquoted identifiers and the table name
// user and, when all, the other MySQL lexical forms listed at
// mysqlToPostgres.
func rewriteMySQLLexical(s string, all bool) string {
	toks := lex(s)
	var b strings.Builder
	prev := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		raw := s[t.Off:t.End]
		var repl string
		switch {
		case t.Kind == tQuoted && raw[0] == '`':
			inner := strings.TrimSuffix(raw[1:], "`")
			inner = strings.ReplaceAll(inner, "``", "`")
			repl = `"` + strings.ReplaceAll(inner, `"`, `""`) + `"`
		case t.Kind == tWord && t.Val == "user" && i > 0 && toks[i-1].Kind == tWord &&
			(toks[i-1].Val == "from" || toks[i-1].Val == "join" || toks[i-1].Val == "into" || toks[i-1].Val == "update"):
			repl = `"user"`
		case !all:
			continue
		case t.Kind == tQuoted && raw[0] == '"':
			inner := strings.TrimSuffix(raw[1:], `"`)
			inner = strings.ReplaceAll(inner, `""`, `"`)
			repl = "'" + strings.ReplaceAll(inner, "'", "''") + "'"
			if strings.Contains(inner, `\`) {
				repl = "E" + repl
			}
		case t.Kind == tString && raw[0] == '\'' && strings.Contains(raw, `\`):
			repl = "E" + raw
		case t.Kind == tWord && t.Val == "limit" && i+3 < len(toks) &&
			(toks[i+1].Kind == tNumber || toks[i+1].Kind == tParam) && toks[i+2].Val == "," &&
			(toks[i+3].Kind == tNumber || toks[i+3].Kind == tParam):
			b.WriteString(s[prev:t.Off])
			b.WriteString("LIMIT " + s[toks[i+3].Off:toks[i+3].End] + " OFFSET " + s[toks[i+1].Off:toks[i+1].End])
			prev = toks[i+3].End
			i += 3
			continue
		default:
			continue
		}
		b.WriteString(s[prev:t.Off])
		b.WriteString(repl)
		prev = t.End
	}
	if prev == 0 {
		return s
	}
	b.WriteString(s[prev:])
	return b.String()
}
