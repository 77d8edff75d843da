package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/jmoiron/sqlx"
)

// Stock is the inventory level of one product.
type Stock struct {
	ProductID int64  `json:"product_id"`
	Name      string `json:"name,omitempty"`
	OnHand    int    `json:"on_hand"`
	Reserved  int    `json:"reserved"`
}

// Movement is one entry of the stock journal.
type Movement struct {
	ID        int64     `json:"id"`
	Delta     int       `json:"delta"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

const (
	qStockFor       = "SELECT product_id, on_hand, reserved FROM inventory WHERE product_id = $1"
	qInsertMovement = "INSERT INTO stock_movements (product_id, delta, reason, order_id) VALUES ($1, $2, $3, $4)"
)

// StockFor returns the stock level of a product.
func (s *Store) StockFor(ctx context.Context, productID int64) (Stock, error) {
	var st Stock
	err := s.db.QueryRowContext(ctx, qStockFor, productID).Scan(&st.ProductID, &st.OnHand, &st.Reserved) // want sql inventory:read
	return st, notFound(err)
}

// AdjustStock adds delta to the stock on hand and returns the new level.
func (s *Store) AdjustStock(ctx context.Context, productID int64, delta int) (int, error) {
	var onHand int
	err := s.db.QueryRowContext(ctx, "UPDATE inventory SET on_hand = on_hand + $2, updated_at = now() WHERE product_id = $1 RETURNING on_hand", productID, delta).Scan(&onHand) // want sql inventory:update
	return onHand, notFound(err)
}

// RecordMovement appends to the stock journal.
func (s *Store) RecordMovement(ctx context.Context, productID int64, delta int, reason string) error {
	_, err := s.exec(ctx, qInsertMovement, productID, delta, reason, nil) // want sql stock_movements:insert
	return err
}

// LowStock lists products whose available stock is under threshold.
func (s *Store) LowStock(ctx context.Context, threshold int) ([]Stock, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.product_id, p.name, i.on_hand, i.reserved FROM inventory i JOIN products p ON p.id = i.product_id WHERE i.on_hand - i.reserved < $1 ORDER BY i.product_id`, threshold) // want sql inventory:read products:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stock
	for rows.Next() {
		var st Stock
		if err := rows.Scan(&st.ProductID, &st.Name, &st.OnHand, &st.Reserved); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// DecrementStockTx takes qty units of a product out of stock inside a transaction. It fails
// with ErrConflict semantics (zero rows) when not enough is available.
func (s *Store) DecrementStockTx(ctx context.Context, tx *sql.Tx, productID int64, qty int) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE inventory SET on_hand = on_hand - $2, updated_at = now() WHERE product_id = $1 AND on_hand - reserved >= $2", productID, qty) // want sql inventory:update
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordMovementTx appends to the stock journal inside a transaction.
func (s *Store) RecordMovementTx(ctx context.Context, tx *sql.Tx, productID int64, delta int, reason string, orderID int64) error {
	return execTx(ctx, tx, qInsertMovement, productID, delta, reason, orderID) // want sql stock_movements:insert
}

// SetStock sets the stock on hand, creating the row if needed.
func (s *Store) SetStock(ctx context.Context, productID int64, onHand int) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO inventory (product_id, on_hand) VALUES ($1, $2) ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()`, productID, onHand) // want sql inventory:upsert
	return err
}

// Movements returns the latest journal entries of a product.
func (s *Store) Movements(ctx context.Context, productID int64) ([]Movement, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, delta, reason, created_at FROM stock_movements WHERE product_id = $1 ORDER BY created_at DESC LIMIT 50", productID) // want sql stock_movements:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Movement
	for rows.Next() {
		var m Movement
		if err := rows.Scan(&m.ID, &m.Delta, &m.Reason, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MovementTotals sums the journal since a point in time, per product, next to the stock level.
func (s *Store) MovementTotals(ctx context.Context, since time.Time) (map[int64]int, error) {
	rows, err := s.db.QueryContext(ctx, `WITH moved AS (SELECT product_id, sum(delta) AS d FROM stock_movements WHERE created_at > $1 GROUP BY product_id) SELECT i.product_id, coalesce(m.d, 0)::int FROM inventory i LEFT JOIN moved m ON m.product_id = i.product_id`, since) // want sql stock_movements:read inventory:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]int)
	for rows.Next() {
		var id int64
		var d int
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, rows.Err()
}

// PurgeMovements deletes old journal entries of discontinued products.
func (s *Store) PurgeMovements(ctx context.Context, before time.Time) (int64, error) {
	return s.exec(ctx, `DELETE FROM stock_movements m USING products p WHERE p.id = m.product_id AND NOT p.active AND m.created_at < $1`, before) // want sql stock_movements:delete products:read
}

var warehouseName = regexp.MustCompile(`^[a-z]{2,12}$`)

// WarehouseReport reads the stock table of one warehouse; each warehouse has its own table,
// named after it.
func (s *Store) WarehouseReport(ctx context.Context, warehouse string) ([]Stock, error) {
	if !warehouseName.MatchString(warehouse) {
		return nil, fmt.Errorf("warehouse report: bad warehouse name %q", warehouse)
	}
	table := "inventory_" + warehouse
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf("SELECT product_id, on_hand, reserved FROM %s ORDER BY product_id", table)) // want sql unresolved
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stock
	for rows.Next() {
		var st Stock
		if err := rows.Scan(&st.ProductID, &st.OnHand, &st.Reserved); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StockLevels returns the available stock of each given product.
func (s *Store) StockLevels(ctx context.Context, productIDs []int64) (map[int64]int, error) {
	q, args, err := sqlx.In("SELECT product_id, on_hand - reserved AS available FROM inventory WHERE product_id IN (?)", productIDs)
	if err != nil {
		return nil, err
	}
	q = s.db.Rebind(q)
	var rows []struct {
		ProductID int64 `db:"product_id"`
		Available int   `db:"available"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil { // want sql inventory:read
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ProductID] = r.Available
	}
	return out, nil
}

// ResetReserved clears every reservation count (used after a stock take).
func (s *Store) ResetReserved(ctx context.Context) (int64, error) {
	return s.exec(ctx, "UPDATE inventory SET reserved = 0, updated_at = now() WHERE reserved <> 0") // want sql inventory:update
}
