// Package repo uses gorm.
package repo

import "gorm.io/gorm"

type User struct {
	ID   uint
	Name string
}

type OrderItem struct {
	ID     uint
	UserID uint
}

type Category struct{ ID uint }

type Legacy struct{ ID uint }

// TableName overrides gorm's naming.
func (Legacy) TableName() string { return "old_stuff" }

func All(db *gorm.DB) error {
	var users []User
	if err := db.Where("name <> ?", "").Find(&users).Error; err != nil { // want sql users:read
		return err
	}
	var n int64
	db.Model(&OrderItem{}).Joins("JOIN users ON users.id = order_items.user_id").Count(&n) // want sql order_items:read users:read
	db.Create(&Category{})                                                                 // want sql categories:insert
	db.Table("audit_log").Where("id = ?", 1).Delete(nil)                                   // want sql audit_log:delete
	db.Model(&Legacy{}).Where("id = ?", 1).Update("id", 2)                                 // want sql old_stuff:update
	var names []string
	db.Raw("SELECT name FROM users WHERE id > ?", 3).Scan(&names) // want sql users:read
	return nil
}

func Tx(db *gorm.DB) error {
	tx := db.Begin()          // want tx users:upsert categories:delete
	tx.Save(&User{ID: 1})     // want sql users:upsert
	tx.Delete(&Category{}, 3) // want sql categories:delete
	return tx.Commit().Error
}

func Unknown(db *gorm.DB, v any) {
	db.First(v) // want sql unresolved
}
