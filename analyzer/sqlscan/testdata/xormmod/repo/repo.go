// Package repo uses xorm.
package repo

import "xorm.io/xorm"

type APIToken struct {
	ID    int64
	Token string
}

// TableName overrides xorm's naming.
func (*APIToken) TableName() string { return "api_tokens" }

type OrderItem struct {
	ID     int64
	UserID int64
}

type Label struct{ ID int64 }

func All(x *xorm.Engine, s *xorm.Session, last string) error {
	tokens := []*APIToken{}
	if err := s.Where("token_last_eight = ?", last).Find(&tokens); err != nil { // want sql api_tokens:read
		return err
	}
	item := &OrderItem{}
	s.Where("id = ?", 1).Get(item)                                                            // want sql order_item:read
	x.Table("labels").Where("id > ?", 3).Count()                                              // want sql labels:read
	s.Table(&APIToken{}).Join("INNER", "order_item", "order_item.id = api_tokens.id").Exist() // want sql api_tokens:read order_item:read
	s.Insert(&Label{})                                                                        // want sql label:insert
	s.InsertOne(item)                                                                         // want sql order_item:insert
	s.Where("id = ?", 1).Cols("token").Update(&APIToken{Token: "x"})                          // want sql api_tokens:update
	s.Where("id = ?", 2).Delete(&Label{})                                                     // want sql label:delete
	x.Exec("DELETE FROM sessions WHERE id = ?", 1)                                            // want sql sessions:delete
	s.SQL("SELECT * FROM users WHERE id = ?", 1).Find(&tokens)                                // want sql users:read
	byID := map[int64]*OrderItem{}
	s.In("id", []int64{1, 2}).Find(&byID)   // want sql order_item:read
	x.QueryString("SELECT name FROM teams") // want sql teams:read
	return nil
}

func Tx(x *xorm.Engine) error {
	s := x.NewSession()
	defer s.Close()
	if err := s.Begin(); err != nil { // want tx label:insert api_tokens:delete
		return err
	}
	s.Insert(&Label{})                    // want sql label:insert
	s.Where("id = 1").Delete(&APIToken{}) // want sql api_tokens:delete
	return s.Commit()
}

func Unknown(s *xorm.Session, bean any) {
	s.Get(bean) // want sql unresolved
}

var engine *xorm.Engine

// NewSession returns a session in a transaction (as vikunja's db.NewSession does).
func NewSession() *xorm.Session {
	s := engine.NewSession()
	if err := s.Begin(); err != nil {
		panic(err)
	}
	return s
}

func UsesNewSession() error {
	s := NewSession() // want tx label:insert order_item:update
	defer s.Close()
	if _, err := s.Insert(&Label{}); err != nil { // want sql label:insert
		return err
	}
	if err := update(s); err != nil {
		return err
	}
	return s.Commit()
}

func update(s *xorm.Session) error {
	_, err := s.Where("id = 1").Update(&OrderItem{}) // want sql order_item:update
	return err
}
