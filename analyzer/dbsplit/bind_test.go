package dbsplit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPositional(t *testing.T) {
	for _, tc := range []struct {
		name, in, dialect, want string
		n                       int
	}{
		{"pg dollars kept", "SELECT * FROM t WHERE a = $1 AND b = $2", "postgres", "SELECT * FROM t WHERE a = $1 AND b = $2", 2},
		{"pg named", "INSERT INTO t (a, b) VALUES (:a, :b)", "postgres", "INSERT INTO t (a, b) VALUES ($1, $2)", 2},
		{"pg named reused", "SELECT 1 FROM t WHERE a = :x OR b = :x", "postgres", "SELECT 1 FROM t WHERE a = $1 OR b = $1", 1},
		{"pg cast is not a name", "SELECT count(*)::int FROM t WHERE a = :a", "postgres", "SELECT count(*)::int FROM t WHERE a = $1", 1},
		{"pg question marks (sqlx.In)", "SELECT 1 FROM t WHERE id IN (?) AND b = ?", "postgres", "SELECT 1 FROM t WHERE id IN ($1) AND b = $2", 2},
		{"pg jsonb operator kept", "SELECT 1 FROM t WHERE doc ? 'k' AND id = $1", "postgres", "SELECT 1 FROM t WHERE doc ? 'k' AND id = $1", 1},
		{"quotes and comments", "SELECT ':no', \":no\" FROM t -- :no\nWHERE a = :yes /* :no */", "postgres", "SELECT ':no', \":no\" FROM t -- :no\nWHERE a = $1 /* :no */", 1},
		{"dollar body", "SELECT $$ :no ? $$, :a", "postgres", "SELECT $$ :no ? $$, $1", 1},
		{"mysql named", "UPDATE t SET a = :a WHERE id = :id AND b = :a", "mysql", "UPDATE t SET a = ? WHERE id = ? AND b = ?", 3},
		{"mysql questions", "SELECT 1 FROM t WHERE a = ? LIMIT ?", "mysql", "SELECT 1 FROM t WHERE a = ? LIMIT ?", 2},
		{"mysql backslash quote", `SELECT 'it\'s :no' FROM t WHERE a = ?`, "mysql", `SELECT 'it\'s :no' FROM t WHERE a = ?`, 1},
		{"assignment is not a name", "SET @x := 1", "mysql", "SET @x := 1", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := Positional(tc.in, tc.dialect)
			if got != tc.want || n != tc.n {
				t.Errorf("Positional(%q, %s) = %q, %d; want %q, %d", tc.in, tc.dialect, got, n, tc.want, tc.n)
			}
		})
	}
}

func TestPgDummy(t *testing.T) {
	for _, tc := range []struct {
		oid  uint32
		want string // "" = NULL
	}{
		{16, "f"}, {20, "1"}, {23, "1"}, {1700, "1"}, {25, "x"}, {1043, "x"},
		{1184, "2000-01-01 00:00:00+00"}, {1082, "2000-01-01"}, {3802, "{}"}, {1016, "{}"},
		{2950, "00000000-0000-0000-0000-000000000000"}, {1186, "1 minute"},
		{600, ""}, // point: no dummy, NULL
	} {
		got := pgDummy(tc.oid)
		if string(got) != tc.want || (tc.want == "" && got != nil) {
			t.Errorf("pgDummy(%d) = %q, want %q", tc.oid, got, tc.want)
		}
	}
}

func TestMySQLArgs(t *testing.T) {
	types := map[string]string{
		"id": "bigint", "status": "enum('open','closed')", "name": "varchar(190)", "active": "tinyint(1)",
		"amount_cents": "bigint", "created_at": "datetime", "rate": "decimal(9,4)", "doc": "json",
	}
	colType := func(c string) string { return types[c] }
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   string
		want []any
	}{
		{"comparisons", "SELECT 1 FROM t WHERE id = ? AND name LIKE ? AND status <> ?", []any{1, "x", "open"}},
		{"in and between", "SELECT 1 FROM t WHERE id IN (?) AND created_at BETWEEN ? AND ?", []any{1, day, day}},
		{"limit offset", "SELECT 1 FROM t WHERE active = ? LIMIT ? OFFSET ?", []any{0, 1, 1}},
		{"insert columns", "INSERT INTO t (name, amount_cents, created_at, doc) VALUES (?, ?, NOW(), ?)", []any{"x", 1, "{}"}},
		{"insert with function value first", "INSERT INTO t (created_at, rate, id) VALUES (NOW(), ?, ?)", []any{"1", 1}},
		{"update set", "UPDATE t SET status = ?, rate = ? WHERE id = ?", []any{"open", "1", 1}},
		{"unknown context is NULL", "SELECT COALESCE(?, 1)", []any{nil}},
		{"unknown column is NULL", "SELECT 1 FROM t WHERE nope = ?", []any{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MySQLArgs(tc.in, colType)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MySQLArgs(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzPositional: Positional never panics, its count matches the placeholders of its output,
// and rewriting its own output changes nothing (idempotence).
func FuzzPositional(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t WHERE a = :a AND b = ?", "SELECT $1::int, ':x', $$ :y $$", "UPDATE t SET a = :a -- :b\n",
		"SELECT '\\'' , :a", "INSERT INTO t VALUES (?, ?, :x)", "SELECT 1 WHERE doc ?| array['a']", "/* unterminated",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, mysql bool) {
		d := "postgres"
		if mysql {
			d = "mysql"
		}
		out, n := Positional(text, d)
		again, n2 := Positional(out, d)
		if again != out || n2 != n {
			t.Errorf("Positional not idempotent on %q (%s): %q,%d then %q,%d", text, d, out, n, again, n2)
		}
		if n < 0 {
			t.Errorf("negative count %d", n)
		}
		_ = MySQLArgs(out, func(string) string { return "bigint" })
	})
}
