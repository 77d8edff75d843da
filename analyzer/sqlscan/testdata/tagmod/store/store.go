// Package store runs prepared queries filled from named .sql queries by struct tag.
package store

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Queries holds prepared statements (goyesql ScanToStruct style).
type Queries struct {
	GetSubscriber       *sqlx.Stmt `query:"get-subscriber"`
	DeleteSubscriptions *sqlx.Stmt `query:"delete-subscriptions"`
	InsertList          *sql.Stmt  `query:"insert-list"`
	UnusedQuery         *sqlx.Stmt `query:"unused-query"`
	QuerySubscribers    string     `query:"query-subscribers"`
	NotNamed            *sqlx.Stmt `query:"no-such-query"`
	QueryBounces        string     `query:"query-bounces"`
	DeleteByQuery       string     `query:"delete-by-query"`
	GetListsLazy        *sqlx.Stmt `query:"get-subscriber-lists-lazy"`
}

type Core struct {
	q  *Queries
	db *sqlx.DB
}

func (c *Core) Get(id int) error {
	var out []int
	return c.q.GetSubscriber.Select(&out, id) // want sql subscribers:read
}

func (c *Core) Delete(id int) error {
	tx, err := c.db.Beginx() // want tx subscriber_lists:delete
	if err != nil {
		return err
	}
	if _, err := tx.Stmtx(c.q.DeleteSubscriptions).Exec(id); err != nil { // want sql subscriber_lists:delete
		return err
	}
	return tx.Commit()
}

func (c *Core) Insert(name string) {
	c.q.InsertList.Exec(name) // want sql lists:insert
}

func (c *Core) Query(cond string) error {
	var out []int
	return c.db.Select(&out, fmt.Sprintf(c.q.QuerySubscribers, cond)) // want sql subscribers:read
}

func (c *Core) Other() {
	c.q.NotNamed.Exec()
}

func (c *Core) Bounces(order string) error {
	var out []int
	stmt := strings.ReplaceAll(c.q.QueryBounces, "%order%", order+" DESC")
	return c.db.Select(&out, stmt) // want sql bounces:read
}

func (c *Core) execTpl(tpl, cond string) error {
	stmt := strings.ReplaceAll(tpl, "%query%", cond)
	_, err := c.db.Exec(stmt)
	return err
}

// DeleteByQuery passes a template to a function that fills it.
func (c *Core) DeleteByQuery(cond string) error {
	return c.execTpl(c.q.DeleteByQuery, cond) // want sql subscribers:delete subscribers:read
}

type Subscribers []int

// LoadLists runs a statement it is given.
func (subs Subscribers) LoadLists(stmt *sqlx.Stmt) error {
	var out []int
	return stmt.Select(&out, []int(subs))
}

func (c *Core) Lazy() error {
	subs := Subscribers{1}
	return subs.LoadLists(c.q.GetListsLazy) // want sql subscriber_lists:read
}
