package store

import "database/sql"

// migrations are kept as Go closures in a package-level table (as miniflux does).
var migrations = []func(tx *sql.Tx) error{
	func(tx *sql.Tx) error {
		q := `CREATE TABLE audit (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id))`
		_, err := tx.Exec(q) // want fk audit.user_id -> users.id
		return err
	},
	func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE users SET n = 0") // want sql users:update
		return err
	},
}

// Migrate runs the migrations.
func Migrate(db *sql.DB) error {
	for _, m := range migrations {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if err := m(tx); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
