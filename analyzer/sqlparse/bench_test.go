package sqlparse

import "testing"

func BenchmarkParse(b *testing.B) {
	cases := []struct {
		name string
		d    Dialect
		sql  string
	}{
		{"postgres", Postgres, "SELECT u.id, u.email, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.org_id = $1 AND o.created_at > now() - interval '7 days' GROUP BY u.id, u.email ORDER BY 3 DESC LIMIT 20"},
		{"postgres-upsert", Postgres, "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id"},
		{"mysql", MySQL, "SELECT u.id, u.email, COUNT(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.org_id = ? AND o.created_at > NOW() - INTERVAL 7 DAY GROUP BY u.id, u.email ORDER BY 3 DESC LIMIT 20"},
		{"mysql-upsert", MySQL, "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)"},
		{"mysql-holes", MySQL, "UPDATE `memo` SET " + Hole + " WHERE `id` IN " + Hole},
		{"recovered", MySQL, "WITH x AS (SELECT id FROM users) SELECT * FROM x JOIN orders ON orders.user_id = x.id LIMIT 2, 3"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(c.sql, c.d)
			}
		})
	}
}
