package dbsplit

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// scanSQL walks text and calls visit for each byte offset outside string literals, quoted
// identifiers, dollar-quoted bodies and comments.
func scanSQL(text string, visit func(i int) (skip int)) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			for j := i + 1; j < len(text); j++ {
				if text[j] == '\\' && c != '"' {
					j++
					continue
				}
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c { // doubled quote
						j++
						continue
					}
					i = j
					break
				}
				if j == len(text)-1 {
					i = j
				}
			}
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(text)
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			if j := strings.Index(text[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(text)
			}
		case c == '$' && dollarTag.MatchString(text[i:]):
			tag := dollarTag.FindString(text[i:])
			if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
				i += len(tag) + j + len(tag) - 1
			} else {
				i = len(text)
			}
		default:
			if n := visit(i); n > 0 {
				i += n - 1
			}
		}
	}
}

var dollarTag = regexp.MustCompile(`^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$`)

var namedParam = regexp.MustCompile(`^:([A-Za-z_][A-Za-z0-9_.]*)`)

// Positional rewrites sqlx named parameters (:name) into the positional form of the dialect
// ($1, $2, ... for postgres; ? for mysql) and returns the new text and the number of
// parameters it holds (named, $n or ?). Casts (::type), := and text in quotes or comments
// are left alone. A name used twice gets one $n in postgres and two ? in mysql.
func Positional(text, dialect string) (string, int) {
	var sb strings.Builder
	last := 0
	names := map[string]int{}
	maxDollar, questions := 0, 0
	// prevOut is the character the output holds just before offset i of text (a
	// replacement may have ended there).
	prevOut := func(i int) byte {
		if last == i && sb.Len() > 0 {
			return sb.String()[sb.Len()-1]
		}
		return text[i-1]
	}
	scanSQL(text, func(i int) int {
		c := text[i]
		switch {
		case c == ':' && i+1 < len(text) && (text[i+1] == ':' || text[i+1] == '='):
			return 2
		case c == ':' && (i == 0 || !identOrDollar(prevOut(i))):
			m := namedParam.FindStringSubmatch(text[i:])
			if m == nil {
				return 0
			}
			sb.WriteString(text[last:i])
			last = i + len(m[0])
			if dialect == "mysql" {
				questions++
				sb.WriteString("?")
			} else {
				n, ok := names[m[1]]
				if !ok {
					maxDollar++
					n = maxDollar
					names[m[1]] = n
				}
				sb.WriteString("$" + strconv.Itoa(n))
			}
			return len(m[0])
		case c == '$':
			j := i + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j > i+1 {
				if n, err := strconv.Atoi(text[i+1 : j]); err == nil && n > maxDollar {
					maxDollar = n
				}
				return j - i
			}
		case c == '?':
			if dialect != "mysql" && i+1 < len(text) && (text[i+1] == '|' || text[i+1] == '&') { // jsonb operators ?| ?&
				return 2
			}
			questions++
		}
		return 0
	})
	sb.WriteString(text[last:])
	if dialect != "mysql" && maxDollar == 0 && questions > 0 {
		// sqlx.In / Rebind style: ? placeholders in a PostgreSQL statement.
		out, n := questionsToDollars(sb.String())
		return out, n
	}
	if dialect == "mysql" {
		return sb.String(), questions
	}
	if maxDollar == 0 {
		return sb.String(), 0
	}
	return sb.String(), maxDollar
}

// pgDummy returns a value in PostgreSQL text format for a parameter of type oid, or nil
// (NULL) for types it has no dummy for. Numbers are 1 (a valid LIMIT, an id that does not
// exist in a scratch database), strings "x", times 2000-01-01.
func pgDummy(oid uint32) []byte {
	var s string
	switch oid {
	case 16: // bool
		s = "f"
	case 20, 21, 23, 26, 700, 701, 1700: // int8 int2 int4 oid float4 float8 numeric
		s = "1"
	case 25, 1043, 1042, 19, 705: // text varchar bpchar name unknown
		s = "x"
	case 1082:
		s = "2000-01-01"
	case 1114, 1184:
		s = "2000-01-01 00:00:00+00"
	case 1083, 1266:
		s = "00:00:00"
	case 1186:
		s = "1 minute"
	case 114, 3802:
		s = "{}"
	case 2950:
		s = "00000000-0000-0000-0000-000000000000"
	case 17:
		s = `\x`
	case 869, 650:
		s = "127.0.0.1"
	case 1000, 1005, 1007, 1016, 1009, 1015, 1021, 1022, 1231, 2951, 1182, 1185, 199, 3807:
		s = "{}"
	default:
		return nil
	}
	return []byte(s)
}

// mysqlDummy returns a Go value for a MySQL column type ("bigint", "varchar(190)",
// "enum('a','b')", "datetime"), or nil (NULL) when the type is unknown or empty.
func mysqlDummy(colType string) any {
	t := strings.ToLower(strings.TrimSpace(colType))
	switch {
	case t == "":
		return nil
	case strings.HasPrefix(t, "tinyint(1)"), strings.HasPrefix(t, "bool"), strings.HasPrefix(t, "bit"):
		return 0
	case strings.Contains(t, "int"):
		return 1
	case strings.HasPrefix(t, "decimal"), strings.HasPrefix(t, "numeric"), strings.HasPrefix(t, "float"), strings.HasPrefix(t, "double"), strings.HasPrefix(t, "real"):
		return "1"
	case strings.HasPrefix(t, "enum("), strings.HasPrefix(t, "set("):
		if m := regexp.MustCompile(`'((?:[^']|'')*)'`).FindStringSubmatch(t); m != nil {
			return strings.ReplaceAll(m[1], "''", "'")
		}
		return nil
	case strings.HasPrefix(t, "datetime"), strings.HasPrefix(t, "timestamp"), t == "date":
		return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	case strings.HasPrefix(t, "time"):
		return "00:00:00"
	case strings.HasPrefix(t, "year"):
		return 2000
	case strings.HasPrefix(t, "json"):
		return "{}"
	case strings.Contains(t, "char"), strings.Contains(t, "text"):
		return "x"
	case strings.Contains(t, "blob"), strings.Contains(t, "binary"):
		return []byte{}
	}
	return nil
}

var (
	colBefore = regexp.MustCompile(`(?is)([A-Za-z_][A-Za-z0-9_]*)` + "`?" + `\s*(?:=|<>|!=|<=|>=|<|>|\blike|\bin\s*\(|\bbetween)\s*$`)
	colAnd    = regexp.MustCompile(`(?is)([A-Za-z_][A-Za-z0-9_]*)` + "`?" + `\s+between\s+\?\s+and\s*$`)
	limitLike = regexp.MustCompile(`(?is)\b(?:limit|offset)\s*(?:\?\s*,\s*)?$`)
	insertCol = regexp.MustCompile(`(?is)\binsert\s+(?:ignore\s+)?into\s+[^\s(]+\s*\(([^)]*)\)\s*values\s*\(`)
)

// MySQLArgs chooses a dummy value for each ? of a MySQL statement from the context it
// appears in: "col = ?" (also <, >, LIKE, IN (?), BETWEEN ? AND ?) and INSERT column lists
// take the column's type from colType (which returns "" for unknown columns); LIMIT/OFFSET
// get 1; everything else is NULL.
func MySQLArgs(text string, colType func(col string) string) []any {
	var args []any
	var insertCols []string
	insertStart := -1
	if loc := insertCol.FindStringSubmatchIndex(text); loc != nil {
		for _, c := range strings.Split(text[loc[2]:loc[3]], ",") {
			insertCols = append(insertCols, strings.Trim(strings.TrimSpace(c), "`\""))
		}
		insertStart = loc[1]
	}
	scanSQL(text, func(i int) int {
		if text[i] != '?' {
			return 0
		}
		before := text[:i]
		var v any
		switch {
		case limitLike.MatchString(before):
			v = 1
		case insertStart >= 0 && i >= insertStart && tupleElem(text, insertStart, i) >= 0 && tupleElem(text, insertStart, i) < len(insertCols):
			v = mysqlDummy(colType(insertCols[tupleElem(text, insertStart, i)]))
		default:
			if m := colAnd.FindStringSubmatch(before); m != nil {
				v = mysqlDummy(colType(m[1]))
			} else if m := colBefore.FindStringSubmatch(before); m != nil {
				v = mysqlDummy(colType(m[1]))
			}
		}
		args = append(args, v)
		return 1
	})
	return args
}

// tupleElem returns the index of the top-level element of the parenthesised list starting at
// start (just after its "(") that holds offset i, or -1 when i is past the list's end.
func tupleElem(text string, start, i int) int {
	depth, elem := 0, 0
	for j := start; j < i && j < len(text); j++ {
		switch text[j] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return -1
			}
			depth--
		case ',':
			if depth == 0 {
				elem++
			}
		case '\'':
			if k := strings.IndexByte(text[j+1:], '\''); k >= 0 {
				j += k + 1
			}
		}
	}
	return elem
}

// questionsToDollars rewrites each ? outside quotes and comments into $1, $2, ...
func questionsToDollars(text string) (string, int) {
	var sb strings.Builder
	last, n := 0, 0
	scanSQL(text, func(i int) int {
		if text[i] != '?' {
			return 0
		}
		if i+1 < len(text) && (text[i+1] == '|' || text[i+1] == '&') {
			return 2
		}
		n++
		sb.WriteString(text[last:i])
		if i > 0 && identOrDollar(text[i-1]) {
			sb.WriteByte(' ') // "$A?" must not become the dollar-quote tag "$A$"
		}
		sb.WriteString("$" + strconv.Itoa(n))
		if i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			sb.WriteByte(' ') // "?0" must not become "$10"
		}
		last = i + 1
		return 1
	})
	sb.WriteString(text[last:])
	return sb.String(), n
}

// identOrDollar reports whether c may not precede a named parameter: a ':' (cast), '$' or
// an identifier character ("a:b" is not a parameter).
func identOrDollar(c byte) bool {
	return c == ':' || c == '$' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
