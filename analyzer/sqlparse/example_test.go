package sqlparse_test

import (
	"fmt"

	"github.com/carve-go/carve/analyzer/sqlparse"
)

func ExampleParse() {
	st := sqlparse.Parse(`UPDATE orders SET status = 'paid' FROM users
		WHERE orders.user_id = users.id AND users.email = :email`, sqlparse.Postgres)
	fmt.Println(st.Kind, st.Status, st.Tables, st.Joins)

	st = sqlparse.Parse("INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)", sqlparse.MySQL)
	fmt.Println(st.Kind, st.Status, st.Tables)

	st = sqlparse.Parse("SELECT * FROM events_"+sqlparse.Hole+" WHERE id = $1", sqlparse.Postgres)
	fmt.Println(st.Status, st.Reason)

	// A SET list and an IN list built at run time: the rest still parses.
	st = sqlparse.Parse("UPDATE users SET "+sqlparse.Hole+" WHERE id IN "+sqlparse.Hole, sqlparse.MySQL)
	fmt.Println(st.Status, st.Tables)
	fmt.Println(st.Reason)

	st = sqlparse.Parse("VACUUM ANALYZE", sqlparse.Postgres)
	fmt.Println(st.Kind, st.Status, len(st.Tables))
	// Output:
	// update parsed [{orders update} {users read}] [[orders users]]
	// upsert parsed [{users upsert}]
	// unresolved table name built at run time
	// parsed [{users update}]
	// part of the statement built at run time (IN list, SET list); tables of the known part read by the grammar
	// other parsed 0
}

func ExampleParseSchema() {
	s, errs := sqlparse.ParseSchema(`
CREATE TABLE users (id BIGSERIAL PRIMARY KEY);
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT REFERENCES users(id)
);`, sqlparse.Postgres)
	for _, fk := range s.ForeignKeys {
		fmt.Printf("line %d: %s.%s -> %s.%s\n", fk.Line, fk.Table, fk.Columns[0], fk.RefTable, fk.RefColumns[0])
	}
	fmt.Println(len(errs), "errors")
	// Output:
	// line 5: orders.user_id -> users.id
	// 0 errors
}
