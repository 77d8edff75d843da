package store

import (
	"context"
	"database/sql"
	"time"
)

// CartLine is one product in a cart, with the catalog's current name and price.
type CartLine struct {
	ProductID  int64  `db:"product_id" json:"product_id"`
	Qty        int    `db:"qty" json:"qty"`
	Name       string `db:"name" json:"name"`
	PriceCents int64  `db:"price_cents" json:"price_cents"`
}

type cartItemRow struct {
	CartID    int64 `db:"cart_id"`
	ProductID int64 `db:"product_id"`
	Qty       int   `db:"qty"`
}

const (
	qCartForUser = `SELECT id FROM carts WHERE user_id = $1`
	qEnsureCart  = `INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id`
	qCartLines   = `SELECT ci.product_id, ci.qty, p.name, p.price_cents
FROM cart_items ci
JOIN products p ON p.id = ci.product_id
WHERE ci.cart_id = $1
ORDER BY ci.product_id`
	qAddCartItem = `INSERT INTO cart_items (cart_id, product_id, qty) VALUES (:cart_id, :product_id, :qty)
ON CONFLICT (cart_id, product_id) DO UPDATE SET qty = cart_items.qty + EXCLUDED.qty`
	qTouchCart = `UPDATE carts SET updated_at = now() WHERE id = $1`
)

// CartForUser returns the id of the user's cart.
func (s *Store) CartForUser(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, qCartForUser, userID) // want sql carts:read
	return id, notFound(err)
}

// EnsureCart returns the id of the user's cart, creating it if needed.
func (s *Store) EnsureCart(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, qEnsureCart, userID) // want sql carts:upsert
	return id, err
}

// CartLines returns the cart's content with current product names and prices.
func (s *Store) CartLines(ctx context.Context, cartID int64) ([]CartLine, error) {
	lines := []CartLine{}
	err := s.db.SelectContext(ctx, &lines, qCartLines, cartID) // want sql cart_items:read products:read
	return lines, err
}

// AddCartItem adds qty units of a product to a cart.
func (s *Store) AddCartItem(ctx context.Context, cartID, productID int64, qty int) error {
	_, err := s.db.NamedExecContext(ctx, qAddCartItem, cartItemRow{CartID: cartID, ProductID: productID, Qty: qty}) // want sql cart_items:upsert
	return err
}

// SetCartItemQty changes the quantity of a product in a cart.
func (s *Store) SetCartItemQty(ctx context.Context, cartID, productID int64, qty int) (bool, error) {
	n, err := s.exec(ctx, "UPDATE cart_items SET qty = $3 WHERE cart_id = $1 AND product_id = $2", cartID, productID, qty) // want sql cart_items:update
	return n == 1, err
}

// RemoveCartItem removes a product from a cart.
func (s *Store) RemoveCartItem(ctx context.Context, cartID, productID int64) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2", cartID, productID) // want sql cart_items:delete
	return err
}

// TouchCart marks the cart as recently used.
func (s *Store) TouchCart(ctx context.Context, cartID int64) error {
	_, err := s.exec(ctx, qTouchCart, cartID) // want sql carts:update
	return err
}

// CountCartItems returns the number of units in a cart.
func (s *Store) CountCartItems(ctx context.Context, cartID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, "SELECT coalesce(sum(qty), 0)::int FROM cart_items WHERE cart_id = $1", cartID) // want sql cart_items:read
	return n, err
}

// PurgeAbandonedCarts empties carts untouched since before.
func (s *Store) PurgeAbandonedCarts(ctx context.Context, before time.Time) (int64, error) {
	return s.exec(ctx, "DELETE FROM cart_items ci USING carts c WHERE c.id = ci.cart_id AND c.updated_at < $1", before) // want sql cart_items:delete carts:read
}

// CartItemsTx locks and returns the cart's content (product id → qty) inside a transaction.
func (s *Store) CartItemsTx(ctx context.Context, tx *sql.Tx, cartID int64) (map[int64]int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT product_id, qty FROM cart_items WHERE cart_id = $1 ORDER BY product_id FOR UPDATE", cartID) // want sql cart_items:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := make(map[int64]int)
	for rows.Next() {
		var id int64
		var qty int
		if err := rows.Scan(&id, &qty); err != nil {
			return nil, err
		}
		items[id] = qty
	}
	return items, rows.Err()
}

// ClearCartTx empties a cart inside a transaction.
func (s *Store) ClearCartTx(ctx context.Context, tx *sql.Tx, cartID int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM cart_items WHERE cart_id = $1", cartID) // want sql cart_items:delete
	return err
}

// DeleteCart deletes a cart and, by cascade, its items.
func (s *Store) DeleteCart(ctx context.Context, cartID int64) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM carts WHERE id = $1", cartID) // want sql carts:delete
	return err
}
