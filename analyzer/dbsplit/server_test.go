package dbsplit

import (
	"context"
	"strings"
	"testing"
	"time"
)

const (
	testPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=3"
	testMySQLDSN    = "root@tcp(127.0.0.1:3306)/mysql?timeout=3s"
)

// pgAdminDSN returns the admin DSN of the test PostgreSQL, skipping when it is down or
// under -short.
func pgAdminDSN(t *testing.T) string { return serverDSN(t, testPostgresDSN) }

// myAdminDSN returns the admin DSN of the test MariaDB, skipping when it is down or under
// -short.
func myAdminDSN(t *testing.T) string { return serverDSN(t, testMySQLDSN) }

func serverDSN(t *testing.T, dsn string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("dbsplit: integration test needs a database server; skipped under -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, _, err := Open(ctx, dsn)
	if err != nil {
		t.Skipf("dbsplit: database server unreachable (%v); start it to run this test", err)
	}
	db.Close()
	return dsn
}

// assertScratchGone checks that no database, role or user whose name starts with the
// scratch name (or its role prefix) remains.
func assertScratchGone(t *testing.T, dsn, scratch string) {
	t.Helper()
	ctx := context.Background()
	db, d, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tag := strings.TrimPrefix(scratch, "carve_verify_")
	var n int
	if d == "postgres" {
		err = db.GetContext(ctx, &n, "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE $1) + (SELECT count(*) FROM pg_roles WHERE rolname LIKE $2)", scratch+"%", "cv"+tag+"%")
	} else {
		err = db.GetContext(ctx, &n, "SELECT (SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?) + (SELECT count(*) FROM mysql.user WHERE User LIKE ?)", scratch+"%", "cv"+tag+"%")
	}
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d databases/roles/users of %s remain after Verify", n, scratch)
	}
}
