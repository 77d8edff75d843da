package store

import (
	"context"
	"database/sql"
	"time"
)

// Order is a placed order.
type Order struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Status     string    `json:"status"`
	TotalCents int64     `json:"total_cents"`
	Currency   string    `json:"currency"`
	CreatedAt  time.Time `json:"created_at"`
}

// OrderLine is one item of an order with the product's name.
type OrderLine struct {
	ProductID      int64  `json:"product_id"`
	Name           string `json:"name"`
	Qty            int    `json:"qty"`
	UnitPriceCents int64  `json:"unit_price_cents"`
}

// DailyRevenue is one day of revenue with the running total.
type DailyRevenue struct {
	Day          time.Time `json:"day"`
	Cents        int64     `json:"cents"`
	RunningCents int64     `json:"running_cents"`
}

const orderColumns = "id, user_id, status, total_cents, currency, created_at"

const (
	qInsertOrder     = "INSERT INTO orders (user_id, status, coupon_code) VALUES ($1, 'pending', $2) RETURNING id"
	qInsertOrderItem = "INSERT INTO order_items (order_id, product_id, qty, unit_price_cents) VALUES ($1, $2, $3, $4)"
	qOrderByID       = "SELECT " + orderColumns + " FROM orders WHERE id = $1"
	qOrdersForUser   = "SELECT " + orderColumns + " FROM orders WHERE user_id = $1 ORDER BY created_at DESC"
	qOrderTotals     = `WITH totals AS (
	SELECT order_id, sum(qty * unit_price_cents) AS total FROM order_items GROUP BY order_id
)
SELECT o.id, t.total FROM orders o JOIN totals t ON t.order_id = o.id WHERE o.user_id = $1`
	qSetOrderStatus = "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1"
)

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var o Order
	err := row.Scan(&o.ID, &o.UserID, &o.Status, &o.TotalCents, &o.Currency, &o.CreatedAt)
	return o, err
}

// CreateOrderTx inserts a pending order inside a transaction and returns its id.
func (s *Store) CreateOrderTx(ctx context.Context, tx *sql.Tx, userID int64, coupon *string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, qInsertOrder, userID, coupon).Scan(&id) // want sql orders:insert
	return id, err
}

// InsertOrderItemTx adds a line to an order inside a transaction.
func (s *Store) InsertOrderItemTx(ctx context.Context, tx *sql.Tx, orderID, productID int64, qty int, unitCents int64) error {
	_, err := tx.ExecContext(ctx, qInsertOrderItem, orderID, productID, qty, unitCents) // want sql order_items:insert
	return err
}

// SetOrderTotalTx stores the order total inside a transaction.
func (s *Store) SetOrderTotalTx(ctx context.Context, tx *sql.Tx, orderID, totalCents int64) error {
	return execTx(ctx, tx, "UPDATE orders SET total_cents = $2, updated_at = now() WHERE id = $1", orderID, totalCents) // want sql orders:update
}

// OrderByID returns one order.
func (s *Store) OrderByID(ctx context.Context, id int64) (Order, error) {
	o, err := scanOrder(s.db.QueryRowContext(ctx, qOrderByID, id)) // want sql orders:read
	return o, notFound(err)
}

// OrdersForUser lists a user's orders, newest first.
func (s *Store) OrdersForUser(ctx context.Context, userID int64) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx, qOrdersForUser, userID) // want sql orders:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrderLines returns an order's items with product names.
func (s *Store) OrderLines(ctx context.Context, orderID int64) ([]OrderLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT oi.product_id, p.name, oi.qty, oi.unit_price_cents FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE oi.order_id = $1 ORDER BY oi.product_id`, orderID) // want sql order_items:read products:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OrderLine{}
	for rows.Next() {
		var l OrderLine
		if err := rows.Scan(&l.ProductID, &l.Name, &l.Qty, &l.UnitPriceCents); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetOrderStatus changes an order's status.
func (s *Store) SetOrderStatus(ctx context.Context, id int64, status string) (bool, error) {
	n, err := s.exec(ctx, qSetOrderStatus, id, status) // want sql orders:update
	return n == 1, err
}

// CancelOrder cancels a pending order of the user and returns it.
func (s *Store) CancelOrder(ctx context.Context, id, userID int64) (Order, error) {
	o, err := scanOrder(s.db.QueryRowContext(ctx, "UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1 AND user_id = $2 AND status = 'pending' RETURNING "+orderColumns, id, userID)) // want sql orders:update
	return o, notFound(err)
}

// OrderTotals recomputes each order's total from its lines, for one user.
func (s *Store) OrderTotals(ctx context.Context, userID int64) (map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, qOrderTotals, userID) // want sql order_items:read orders:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]int64)
	for rows.Next() {
		var id, total int64
		if err := rows.Scan(&id, &total); err != nil {
			return nil, err
		}
		out[id] = total
	}
	return out, rows.Err()
}

// Revenue returns daily revenue with a running total (window function).
func (s *Store) Revenue(ctx context.Context, since time.Time) ([]DailyRevenue, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, cents, sum(cents) OVER (ORDER BY day) AS running FROM (SELECT date_trunc('day', created_at) AS day, sum(total_cents) AS cents FROM orders WHERE status IN ('paid', 'shipped') AND created_at >= $1 GROUP BY 1) d ORDER BY day`, since) // want sql orders:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DailyRevenue{}
	for rows.Next() {
		var d DailyRevenue
		if err := rows.Scan(&d.Day, &d.Cents, &d.RunningCents); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ExpirePendingOrders cancels pending orders older than before.
func (s *Store) ExpirePendingOrders(ctx context.Context, before time.Time) (int64, error) {
	return s.exec(ctx, "UPDATE orders SET status = 'expired' WHERE status = 'pending' AND created_at < $1", before) // want sql orders:update
}

// OrderCount counts a user's orders.
func (s *Store) OrderCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM orders WHERE user_id = $1", userID).Scan(&n) // want sql orders:read
	return n, err
}

// RecentlyBought lists the names of products a user bought lately.
func (s *Store) RecentlyBought(ctx context.Context, userID int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT p.name FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id WHERE o.user_id = $1 AND o.created_at > now() - interval '90 days' ORDER BY p.name", userID) // want sql orders:read order_items:read products:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
