package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// holeCases are statements with parts built at run time, in the shapes the
// Go extractor produces on real code (memos, miniflux, listmonk, ecom). Each
// shape runs in both dialects.
var holeCases = []parseCase{
	// a SET list built at run time (strings.Join(set, ", "))
	{name: "hole set list pg", d: Postgres, sql: "UPDATE idp SET " + Hole + " WHERE id = $1 RETURNING id, name",
		kind: "update", tables: ta("idp:update"), status: Parsed, reason: "(SET list)"},
	{name: "hole set list mysql", d: MySQL, sql: "UPDATE `attachment` SET " + Hole + " WHERE `id` = ?",
		kind: "update", tables: ta("attachment:update"), status: Parsed, reason: "(SET list)"},
	{name: "hole set list after comma pg", d: Postgres, sql: "UPDATE users SET name = $1, " + Hole + " WHERE id = $2",
		kind: "update", tables: ta("users:update"), status: Parsed, reason: "(SET list)"},
	{name: "hole set list after comma mysql", d: MySQL, sql: "UPDATE users SET name = ?, " + Hole + " WHERE id = ?",
		kind: "update", tables: ta("users:update"), status: Parsed, reason: "(SET list)"},
	{name: "hole set list and where value pg", d: Postgres, sql: "UPDATE memo SET " + Hole + " WHERE id = " + Hole,
		kind: "update", tables: ta("memo:update"), status: Parsed, reason: "(SET list, expression)"},
	{name: "hole set column name stays a column mysql", d: MySQL, sql: "UPDATE users SET " + Hole + " = ? WHERE id = ?",
		kind: "update", tables: ta("users:update"), status: Parsed, reason: "built at run time"},
	{name: "hole on duplicate key update list mysql", d: MySQL, sql: "INSERT INTO totals (k, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE " + Hole,
		kind: "upsert", tables: ta("totals:upsert"), status: Parsed, reason: "(SET list)"},
	{name: "hole do update set list pg", d: Postgres, sql: "INSERT INTO totals (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET " + Hole,
		kind: "upsert", tables: ta("totals:upsert"), status: Parsed, reason: "(SET list)"},
	{name: "hole mysql insert set", d: MySQL, sql: "INSERT INTO audit SET " + Hole,
		kind: "insert", tables: ta("audit:insert"), status: Parsed, reason: "(SET list)"},

	// an IN list built at run time ("IN " + clause)
	{name: "hole in list pg", d: Postgres, sql: "DELETE FROM reaction WHERE memo_id IN " + Hole,
		kind: "delete", tables: ta("reaction:delete"), status: Parsed, reason: "(IN list)"},
	{name: "hole in list mysql", d: MySQL, sql: "DELETE FROM reaction WHERE memo_id IN " + Hole,
		kind: "delete", tables: ta("reaction:delete"), status: Parsed, reason: "(IN list)"},
	{name: "hole two in lists pg", d: Postgres, sql: "DELETE FROM memo_relation WHERE memo_id IN " + Hole + " OR related_memo_id IN " + Hole,
		kind: "delete", tables: ta("memo_relation:delete"), status: Parsed, reason: "(IN list)"},
	{name: "hole not in list with join mysql", d: MySQL, sql: "SELECT child.id FROM memo child JOIN memo_relation rel ON rel.memo_id = child.id WHERE rel.related_memo_id NOT IN " + Hole,
		kind: "select", tables: ta("memo:read", "memo_relation:read"), joins: [][2]string{{"memo", "memo_relation"}}, status: Parsed, reason: "(IN list)"},
	{name: "hole glued to a parameter mysql", d: MySQL, sql: "SELECT * FROM products WHERE id IN (?" + Hole + ")",
		kind: "select", tables: ta("products:read"), status: Parsed, reason: "(list or argument)"},
	{name: "hole glued to a parameter pg", d: Postgres, sql: "SELECT * FROM products WHERE id IN ($1" + Hole + ")",
		kind: "select", tables: ta("products:read"), status: Parsed, reason: "(list or argument)"},

	// adjacent holes: the conditions, then the ORDER BY / LIMIT suffix
	{name: "hole adjacent where pg", d: Postgres, sql: "SELECT e.id FROM entries e LEFT JOIN feeds f ON f.id = e.feed_id WHERE " + Hole + " " + Hole,
		kind: "select", tables: ta("entries:read", "feeds:read"), joins: [][2]string{{"entries", "feeds"}}, status: Parsed, reason: "(condition)"},
	{name: "hole adjacent where mysql", d: MySQL, sql: "SELECT e.id FROM entries e LEFT JOIN feeds f ON f.id = e.feed_id WHERE " + Hole + " " + Hole,
		kind: "select", tables: ta("entries:read", "feeds:read"), joins: [][2]string{{"entries", "feeds"}}, status: Parsed, reason: "(condition)"},
	{name: "hole adjacent order by pg", d: Postgres, sql: "SELECT id, title FROM entries WHERE user_id = $1 ORDER BY " + Hole + " " + Hole + " LIMIT 10",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(ORDER BY or GROUP BY)"},
	{name: "hole adjacent order by mysql", d: MySQL, sql: "SELECT id, title FROM entries WHERE user_id = ? ORDER BY " + Hole + " " + Hole + " LIMIT 10",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(ORDER BY or GROUP BY)"},
	{name: "hole adjacent without space pg", d: Postgres, sql: "SELECT id FROM entries WHERE " + Hole + Hole,
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(condition)"},

	// a clause appended at run time after a complete operand or table
	{name: "hole suffix after condition pg", d: Postgres, sql: "SELECT id FROM memo WHERE creator_id = $1 " + Hole,
		kind: "select", tables: ta("memo:read"), status: Parsed, reason: "(clause)"},
	{name: "hole suffix after condition mysql", d: MySQL, sql: "SELECT id FROM memo WHERE creator_id = ? " + Hole,
		kind: "select", tables: ta("memo:read"), status: Parsed, reason: "(clause)"},
	{name: "hole after table and in where pg", d: Postgres, sql: "SELECT e.feed_id, e.status, count(*) FROM entries e " + Hole + " WHERE " + Hole + " GROUP BY e.feed_id, e.status",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(clause, condition)"},
	{name: "hole after table and in where mysql", d: MySQL, sql: "SELECT e.feed_id, e.status, count(*) FROM entries e " + Hole + " WHERE " + Hole + " GROUP BY e.feed_id, e.status",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(clause, condition)"},
	{name: "hole after order by desc mysql", d: MySQL, sql: "SELECT id FROM entries ORDER BY id DESC " + Hole,
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(clause)"},

	// a select-list item (with its comma) or modifier added at run time
	{name: "hole select item pg", d: Postgres, sql: "SELECT " + Hole + " e.id, e.title FROM entries e WHERE e.user_id = $1",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(select list)"},
	{name: "hole select item mysql", d: MySQL, sql: "SELECT " + Hole + " e.id, e.title FROM entries e WHERE e.user_id = ?",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(select list)"},
	{name: "hole select column mysql", d: MySQL, sql: "SELECT " + Hole + " FROM entries",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "built at run time"},

	// conditions, values, limits
	{name: "hole join condition pg", d: Postgres, sql: "SELECT * FROM a JOIN b ON " + Hole + " WHERE a.id = $1",
		kind: "select", tables: ta("a:read", "b:read"), status: Parsed, reason: "(condition)"},
	{name: "hole join condition mysql", d: MySQL, sql: "SELECT * FROM a JOIN b ON " + Hole + " WHERE a.id = ?",
		kind: "select", tables: ta("a:read", "b:read"), status: Parsed, reason: "(condition)"},
	{name: "hole limit pg", d: Postgres, sql: "SELECT id FROM entries ORDER BY id LIMIT " + Hole + " OFFSET " + Hole,
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(LIMIT or OFFSET)"},
	{name: "hole limit mysql", d: MySQL, sql: "SELECT id FROM entries ORDER BY id LIMIT " + Hole,
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(LIMIT or OFFSET)"},
	{name: "hole insert columns and values pg", d: Postgres, sql: "INSERT INTO memo (" + Hole + ") VALUES (" + Hole + ") RETURNING id",
		kind: "insert", tables: ta("memo:insert"), status: Parsed, reason: "(list or argument)"},
	{name: "hole insert columns and values mysql", d: MySQL, sql: "INSERT INTO `memo` (" + Hole + ") VALUES (" + Hole + ")",
		kind: "insert", tables: ta("memo:insert"), status: Parsed, reason: "(list or argument)"},
	{name: "hole in string literal pg", d: Postgres, sql: `INSERT INTO settings (key, value) VALUES ('migrations', '["` + Hole + `"]'::JSONB)`,
		kind: "insert", tables: ta("settings:insert"), status: Parsed, reason: "(string literal)"},
	{name: "hole in column name mysql", d: MySQL, sql: "SELECT id FROM entries ORDER BY e." + Hole + " ASC",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "built at run time"},

	// rows and locking clauses built at run time
	{name: "hole values rows pg", d: Postgres, sql: "INSERT INTO t (a, b) VALUES " + Hole + " RETURNING id",
		kind: "insert", tables: ta("t:insert"), status: Parsed, reason: "(VALUES list)"},
	{name: "hole values rows mysql", d: MySQL, sql: "INSERT INTO t (a, b) VALUES " + Hole,
		kind: "insert", tables: ta("t:insert"), status: Parsed, reason: "(VALUES list)"},
	{name: "hole after insert column list pg", d: Postgres, sql: "INSERT INTO billing.t (a, b) " + Hole,
		kind: "insert", tables: ta("billing.t:insert"), status: Parsed, reason: "(VALUES list)"},
	{name: "hole after insert table mysql", d: MySQL, sql: "INSERT IGNORE INTO t " + Hole + " ON DUPLICATE KEY UPDATE n = n + 1",
		kind: "upsert", tables: ta("t:upsert"), status: Parsed, reason: "(VALUES list)"},
	{name: "hole after for update mysql", d: MySQL, sql: "SELECT a FROM t WHERE id = ? FOR UPDATE " + Hole,
		kind: "select", tables: ta("t:read"), status: Parsed, reason: "(clause)"},
	{name: "hole after for update pg", d: Postgres, sql: "SELECT a FROM t WHERE id = $1 FOR UPDATE " + Hole,
		kind: "select", tables: ta("t:read"), status: Parsed, reason: "(clause)"},
	{name: "hole copy table pg", d: Postgres, sql: "COPY " + Hole + " (a, b) FROM STDIN",
		kind: "insert", status: Unresolved, reason: "table name built at run time"},

	// named-query template markers (listmonk) and fmt verbs left in query files
	{name: "template markers pg", d: Postgres, sql: "SELECT subscribers.* FROM subscribers LEFT JOIN subscriber_lists ON subscriber_lists.subscriber_id = subscribers.id WHERE subscribers.status != 'x' AND %query% ORDER BY %order% OFFSET $1 LIMIT $2",
		kind: "select", tables: ta("subscriber_lists:read", "subscribers:read"), status: Parsed, reason: "(ORDER BY or GROUP BY, condition)"},
	{name: "template markers mysql", d: MySQL, sql: "SELECT s.* FROM subscribers s WHERE %query%\n  ORDER BY %order% LIMIT ?",
		kind: "select", tables: ta("subscribers:read"), status: Parsed, reason: "(ORDER BY or GROUP BY, condition)"},
	{name: "template marker query in cte pg", d: Postgres, sql: "-- raw: true\nWITH subs AS (%query%) DELETE FROM subscribers WHERE id = ANY(SELECT id FROM subs)",
		kind: "delete", tables: ta("subscribers:delete"), status: Parsed, reason: "(subquery)"},
	{name: "template marker query in cte mysql", d: MySQL, sql: "WITH subs AS (%query%) DELETE FROM subscribers WHERE id IN (SELECT id FROM subs)",
		kind: "delete", tables: ta("subscribers:delete"), status: Parsed, reason: "(subquery)"},
	{name: "hole query in exists pg", d: Postgres, sql: "SELECT id FROM lists l WHERE EXISTS (" + Hole + ")",
		kind: "select", tables: ta("lists:read"), status: Parsed, reason: "(subquery)"},
	{name: "fmt verb table pg", d: Postgres, sql: "SELECT campaign_id, COUNT(*) FROM %s WHERE campaign_id = ANY($1) GROUP BY campaign_id",
		kind: "select", status: Unresolved, reason: "table name built at run time"},
	{name: "fmt verb table mysql", d: MySQL, sql: "SELECT COUNT(*) FROM %s WHERE id = ?",
		kind: "select", status: Unresolved, reason: "table name built at run time"},
	{name: "fmt verb argument pg", d: Postgres, sql: `SELECT COUNT(%s) AS "count", url FROM link_clicks LEFT JOIN links ON (link_clicks.link_id = links.id) WHERE campaign_id = ANY($1) GROUP BY links.url`,
		kind: "select", tables: ta("link_clicks:read", "links:read"), status: Parsed, reason: "(list or argument)"},
	{name: "fmt verb limit mysql", d: MySQL, sql: "SELECT id FROM entries LIMIT %d",
		kind: "select", tables: ta("entries:read"), status: Parsed, reason: "(LIMIT or OFFSET)"},
	{name: "modulo is not a template pg", d: Postgres, sql: "SELECT a%b%c, id % 2 FROM t WHERE x = '%s'",
		kind: "select", tables: ta("t:read"), status: Parsed},
	{name: "modulo is not a template mysql", d: MySQL, sql: "SELECT id FROM t WHERE (id)%s = 0",
		kind: "select", tables: ta("t:read"), status: Parsed},

	// where the statement itself, or a table, is not known
	{name: "hole explained statement pg", d: Postgres, sql: "EXPLAIN (FORMAT JSON) " + Hole,
		kind: "select", status: Unresolved, reason: "statement built at run time"},
	{name: "hole table in join pg", d: Postgres, sql: "SELECT * FROM a JOIN " + Hole + " h ON h.id = a.id WHERE " + Hole,
		kind: "select", tables: ta("a:read"), status: Unresolved, reason: "table name built at run time"},
	{name: "hole table in update mysql", d: MySQL, sql: "UPDATE " + Hole + " SET " + Hole + " WHERE id = ?",
		kind: "update", status: Unresolved, reason: "table name built at run time"},
	{name: "hole quoted table mysql", d: MySQL, sql: "DELETE FROM `" + Hole + "` WHERE id IN " + Hole,
		kind: "delete", status: Unresolved, reason: "table name built at run time"},
}

func TestFillHoles(t *testing.T) {
	h := Hole
	tests := []struct {
		in    string
		want  string
		parts []string
		whole bool
	}{
		{"UPDATE t SET " + h + " WHERE id = 1", "UPDATE t SET " + h + " = 0 WHERE id = 1", []string{holeAssign}, false},
		{"UPDATE t SET " + h + " = 1", "UPDATE t SET " + h + " = 1", []string{holeExpr}, false},
		{"DELETE FROM t WHERE id IN " + h, "DELETE FROM t WHERE id IN (0)", []string{holeIn}, false},
		{"SELECT 1 FROM t WHERE " + h + " " + h, "SELECT 1 FROM t WHERE " + h + "  ", []string{holeCondition}, false},
		{"SELECT 1 FROM t WHERE id = 1 " + h, "SELECT 1 FROM t WHERE id = 1  ", []string{holeSuffix}, false},
		{"SELECT * FROM t WHERE id IN (?" + h + ")", "SELECT * FROM t WHERE id IN (? )", []string{holeList}, false},
		{"WITH s AS (" + h + ") SELECT * FROM s", "WITH s AS (SELECT 1) SELECT * FROM s", []string{holeSubquery}, false},
		{"SELECT 1 FROM " + h, "SELECT 1 FROM " + h, nil, false},
		{"SELECT x FROM t WHERE s = '" + h + "'", "SELECT x FROM t WHERE s = '" + h + "'", []string{holeLiteral}, false},
		{h, h, nil, true},
		{"EXPLAIN ANALYZE " + h, "EXPLAIN ANALYZE " + h, nil, true},
		{"SELECT 1; " + h, "SELECT 1;  ", []string{holeStatement}, false},
		{"-- " + h + "\nSELECT 1", "-- " + h + "\nSELECT 1", nil, false},
	}
	for _, tc := range tests {
		got := fillHoles(tc.in)
		if got.text != tc.want || got.whole != tc.whole || !cmp.Equal(got.parts, tc.parts, cmpopts.EquateEmpty()) {
			t.Errorf("fillHoles(%q) = %q %v whole=%v, want %q %v whole=%v", tc.in, got.text, got.parts, got.whole, tc.want, tc.parts, tc.whole)
		}
	}
}

func TestMarkTemplates(t *testing.T) {
	h := Hole
	tests := []struct{ in, want string }{
		{"WHERE %query% AND x", "WHERE " + h + " AND x"},
		{"AS (%query%)", "AS (" + h + ")"},
		{"ORDER BY %order%;", "ORDER BY " + h + ";"},
		{"FROM %s WHERE", "FROM " + h + " WHERE"},
		{"COUNT(%s)", "COUNT(" + h + ")"},
		{"LIMIT %d", "LIMIT " + h},
		{"a%b%c", "a%b%c"},
		{"a % b % c", "a % b % c"},
		{"(x)%s", "(x)%s"},
		{"%x", "%x"},
		{"x LIKE '%s%'", "x LIKE '%s%'"},
		{"-- %s = *\nSELECT 1", "-- %s = *\nSELECT 1"},
		{`"%s"`, `"%s"`},
		{"%sx", "%sx"},
	}
	for _, tc := range tests {
		if got := markTemplates(tc.in); got != tc.want {
			t.Errorf("markTemplates(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
