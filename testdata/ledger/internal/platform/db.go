package platform

import (
	"context"
	"fmt"
	"time"

	_ "github.com/go-sql-driver/mysql" // MySQL/MariaDB driver
	"github.com/jmoiron/sqlx"
)

// OpenDB opens and pings a MySQL database; dsn is a go-sql-driver/mysql DSN.
func OpenDB(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := sqlx.Open("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("open db: %w", err)
	}
	db.SetMaxOpenConns(10)
	db.SetConnMaxLifetime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ping db: %w", err)
	}
	return db, nil
}

// Today returns the current date at midnight UTC.
func Today() time.Time {
	return time.Now().UTC().Truncate(24 * time.Hour)
}
