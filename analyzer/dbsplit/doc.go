// Package dbsplit carries carve's service boundaries into the database: it reads a live
// PostgreSQL or MySQL/MariaDB catalog (Introspect), merges it into an analysis (Merge), turns
// a proposal into a schema-per-service migration plan with roles, grants, transition views,
// outbox tables and the blockers to resolve first (Build, Plan.Write, Plan.Apply), and checks
// on a scratch copy of the database which statements of the code would break once every
// service may only touch its own tables (Verify).
//
// Connections go through sqlx with the pgx stdlib driver ("pgx") for PostgreSQL and
// go-sql-driver/mysql for MySQL/MariaDB. Passwords never appear in errors or output: every
// message that could hold a DSN goes through MaskDSN. Verify creates its scratch database and
// roles under a random carve_verify_ name and always drops them, also when it fails or its
// context is cancelled.
//
// Functions are safe for concurrent use; values returned are plain data owned by the caller.
package dbsplit
