package sqlparse

import (
	"regexp"
	"strings"
)

// Chunk is one statement of a SQL script.
type Chunk struct {
	// SQL is the statement text without its terminator, trimmed.
	SQL string
	// Line is the 1-based line of the statement's first token.
	Line int
	// Offset is the byte offset of SQL in the script.
	Offset int
}

// SplitStatements splits a SQL script into statements with their starting
// lines. It respects string literals, quoted identifiers, comments,
// dollar-quoted bodies ($$...$$, $fn$...$fn$), BEGIN ... END blocks of
// MySQL routines and triggers, and mysql-client DELIMITER lines. Chunks
// holding only comments are dropped.
func SplitStatements(src string) []Chunk {
	work := applyDelimiters(src)
	toks := lex(work)
	var out []Chunk
	start, line, depth := -1, 0, 0
	emit := func(end int) {
		if start >= 0 {
			out = append(out, Chunk{SQL: strings.TrimSpace(src[start:end]), Line: line, Offset: start})
		}
		start, depth = -1, 0
	}
	prevEnd := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == tPunct && t.Val == ";" && depth <= 0 {
			emit(prevEnd)
			continue
		}
		if start < 0 {
			start, line = t.Off, t.Line
		}
		prevEnd = t.End
		if t.Kind != tWord {
			continue
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].Val
		}
		switch t.Val {
		case "begin":
			switch next {
			case "", ";", "transaction", "work", "isolation", "read", "deferred", "immediate", "exclusive":
			default:
				depth++
			}
		case "case":
			if depth > 0 {
				depth++
			}
		case "end":
			switch next {
			case "if", "loop", "while", "repeat", "for":
			case "case":
				depth--
				i++
				prevEnd = toks[i].End
			default:
				if depth > 0 {
					depth--
				}
			}
		}
	}
	emit(prevEnd)
	return out
}

var delimiterLine = regexp.MustCompile(`(?im)^[ \t]*delimiter[ \t]+(\S+)[ \t]*\r?$`)

// applyDelimiters handles mysql-client "DELIMITER x" lines: it blanks them
// and turns each later occurrence of x (outside strings and comments is not
// checked; x is normally // or $$) into ';' padded with spaces, so byte
// offsets stay the same.
func applyDelimiters(src string) string {
	locs := delimiterLine.FindAllStringSubmatchIndex(src, -1)
	if locs == nil {
		return src
	}
	b := []byte(src)
	for k, loc := range locs {
		delim := src[loc[2]:loc[3]]
		for j := loc[0]; j < loc[1]; j++ {
			b[j] = ' '
		}
		end := len(src)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		if delim == ";" {
			continue
		}
		seg := src[loc[1]:end]
		off := loc[1]
		for {
			j := strings.Index(seg, delim)
			if j < 0 {
				break
			}
			b[off+j] = ';'
			for x := 1; x < len(delim); x++ {
				b[off+j+x] = ' '
			}
			seg = seg[j+len(delim):]
			off += j + len(delim)
		}
	}
	return string(b)
}

// NamedQuery is one query of a named-query file.
type NamedQuery struct {
	// Name is the name given in the "-- name: X" header.
	Name string
	// Line is the 1-based line of the "-- name:" header.
	Line int
	// SQL is the query text up to the next header, trimmed, without a
	// trailing ';'.
	SQL string
}

var nameHeader = regexp.MustCompile(`^\s*--\s*name\s*:\s*(\S+)`)

// SplitNamed splits a named-query file (dotsql, goyesql and sqlc style
// "-- name: X" headers; sqlc's "-- name: X :one" suffix is tolerated) into
// its queries. Text before the first header is ignored.
func SplitNamed(src string) []NamedQuery {
	var out []NamedQuery
	lines := strings.Split(src, "\n")
	var cur *NamedQuery
	var body []string
	flush := func() {
		for len(body) > 0 {
			l := strings.TrimSpace(body[len(body)-1])
			if l != "" && !strings.HasPrefix(l, "--") {
				break
			}
			body = body[:len(body)-1]
		}
		if cur != nil {
			cur.SQL = strings.TrimSpace(strings.Join(body, "\n"))
			cur.SQL = strings.TrimSpace(strings.TrimSuffix(cur.SQL, ";"))
			out = append(out, *cur)
		}
		body = nil
	}
	for i, l := range lines {
		if m := nameHeader.FindStringSubmatch(l); m != nil {
			flush()
			cur = &NamedQuery{Name: m[1], Line: i + 1}
			continue
		}
		if cur != nil {
			body = append(body, strings.TrimRight(l, "\r"))
		}
	}
	flush()
	return out
}
