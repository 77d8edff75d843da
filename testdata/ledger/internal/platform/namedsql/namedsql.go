// Package namedsql loads files of named queries in the dotsql/goyesql style:
//
//	-- name: trial_balance
//	SELECT ...;
//
// Each query runs from its "-- name:" header to the next header. Lines starting with "--"
// inside a query are comments and are dropped; a trailing ";" is dropped.
package namedsql

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
)

// Queries maps query names to their SQL text.
type Queries map[string]string

// Parse reads named queries from src; file is used in error messages.
func Parse(file, src string) (Queries, error) {
	qs := Queries{}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			qs[name] = strings.TrimSuffix(strings.TrimSpace(body.String()), ";")
		}
		body.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(text, "-- name:"); ok {
			flush()
			name = strings.TrimSpace(rest)
			if name == "" {
				return nil, fmt.Errorf("%s:%d: empty query name", file, line)
			}
			if _, dup := qs[name]; dup {
				return nil, fmt.Errorf("%s:%d: duplicate query %q", file, line, name)
			}
			continue
		}
		if strings.HasPrefix(text, "--") || text == "" {
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("%s:%d: statement before the first -- name: header", file, line)
		}
		body.WriteString(sc.Text())
		body.WriteByte('\n')
	}
	flush()
	return qs, sc.Err()
}

// Lookup returns the named query or an error naming the known ones.
func (q Queries) Lookup(name string) (string, error) {
	if s, ok := q[name]; ok {
		return s, nil
	}
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	sort.Strings(names)
	return "", fmt.Errorf("lookup query %q: unknown (have %s)", name, strings.Join(names, ", "))
}
