// Package repo uses bun.
package repo

import (
	"context"

	"github.com/uptrace/bun"
)

type User struct {
	bun.BaseModel `bun:"table:app_users,alias:u"`
	ID            int64
	Name          string
}

type OrderItem struct {
	ID     int64
	UserID int64
}

type Category struct {
	bun.BaseModel `bun:"cats"`
	ID            int64
}

type HeaderFilter struct{ ID string }

func All(ctx context.Context, db *bun.DB, id string) error {
	u := new(User)
	if err := db.NewSelect(). // want sql app_users:read
					Model(u).
					Where("? = ?", bun.Ident("id"), id).
					Scan(ctx); err != nil {
		return err
	}
	var items []OrderItem
	db.NewSelect().Model(&items).Join("JOIN app_users AS u ON u.id = order_item.user_id").Scan(ctx)                   // want sql order_items:read app_users:read
	db.NewSelect().TableExpr("? AS ?", bun.Ident("statuses"), bun.Ident("status")).Column("status.id").Scan(ctx, &id) // want sql statuses:read
	db.NewSelect().Table("accounts").Count(ctx)                                                                       // want sql accounts:read
	db.NewInsert().Model(&Category{}).Exec(ctx)                                                                       // want sql cats:insert
	db.NewInsert().Model(&HeaderFilter{}).On("CONFLICT (id) DO NOTHING").Exec(ctx)                                    // want sql header_filters:upsert
	db.NewUpdate().Model(u).Column("name").WherePK().Exec(ctx)                                                        // want sql app_users:update
	db.NewDelete().TableExpr("orders").Where("id = ?", 1).Exec(ctx)                                                   // want sql orders:delete
	db.NewRaw("SELECT id FROM accounts WHERE name = ?", id).Scan(ctx, &id)                                            // want sql accounts:read
	db.ExecContext(ctx, "DELETE FROM sessions")                                                                       // want sql sessions:delete
	return nil
}

// Cond follows a builder variable through its assignments.
func Cond(ctx context.Context, db bun.IDB, all bool) (int, error) {
	q := db.NewSelect().Model((*OrderItem)(nil))
	if !all {
		q = q.Where("user_id = ?", 1)
	}
	return q.Count(ctx) // want sql order_items:read
}

func Tx(ctx context.Context, db *bun.DB) error {
	tx, err := db.BeginTx(ctx, nil) // want tx cats:delete app_users:update
	if err != nil {
		return err
	}
	tx.NewUpdate().Model(&User{}).Set("name = ?", "x").Where("id = 1").Exec(ctx) // want sql app_users:update
	tx.NewDelete().Model((*Category)(nil)).Where("id = 2").Exec(ctx)             // want sql cats:delete
	return tx.Commit()
}

func Unknown(ctx context.Context, db *bun.DB, m any) {
	db.NewSelect().Model(m).Scan(ctx) // want sql unresolved
}

// InTx runs its statements in bun's RunInTx closure.
func InTx(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { // want tx accounts:update orders:insert
		if _, err := tx.NewUpdate().Table("accounts").Set("n = 1").Where("id = 1").Exec(ctx); err != nil { // want sql accounts:update
			return err
		}
		_, err := tx.NewInsert().TableExpr("orders").Exec(ctx) // want sql orders:insert
		return err
	})
}

func newSelectFollows(db bun.IDB, id string) *bun.SelectQuery {
	return db.NewSelect().
		TableExpr("? AS ?", bun.Ident("follows"), bun.Ident("follow")).
		Where("account_id = ?", id)
}

// Helper follows a builder made by a function of the module.
func Helper(ctx context.Context, db *bun.DB) ([]string, error) {
	var ids []string
	q := newSelectFollows(db, "1")
	_, err := q.Exec(ctx, &ids) // want sql follows:read
	return ids, err
}

// Sub reads the table of a subquery.
func Sub(ctx context.Context, db *bun.DB) error {
	subQ := db.NewSelect().Table("blocks").Column("target_id")
	var n []int64
	return db.NewSelect(). // want sql accounts:read blocks:read
				TableExpr("? AS ?", bun.Ident("accounts"), bun.Ident("account")).
				Where("? NOT IN (?)", bun.Ident("account.id"), subQ).
				Scan(ctx, &n)
}

// FromSub selects from a subquery.
func FromSub(ctx context.Context, db *bun.DB) error {
	inner := db.NewSelect().Model((*OrderItem)(nil)).Column("user_id")
	var n []int64
	return db.NewSelect().TableExpr("(?) AS sub", inner).Scan(ctx, &n) // want sql order_items:read
}
