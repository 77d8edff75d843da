package store

import (
	"context"
	"errors"
	"time"

	"example.com/shop/internal/platform/httpx"
	"github.com/jackc/pgx/v5"
)

// Sale is a time-limited sale.
type Sale struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Status   string    `json:"status"`
}

// SaleItem is a product offered in a sale, with its catalog name and list price and the
// stock left in the warehouse.
type SaleItem struct {
	ID             int64  `json:"id"`
	ProductID      int64  `json:"product_id"`
	Name           string `json:"name"`
	ListPriceCents int64  `json:"list_price_cents"`
	SalePriceCents int64  `json:"sale_price_cents"`
	Quantity       int    `json:"quantity"`
	Remaining      int    `json:"remaining"`
	InStock        int    `json:"in_stock"`
}

// Reservation is units of a sale item held for a user.
type Reservation struct {
	ID         int64     `json:"id"`
	SaleItemID int64     `json:"sale_item_id"`
	Qty        int       `json:"qty"`
	Status     string    `json:"status"`
	ExpiresAt  time.Time `json:"expires_at"`
}

const saleColumns = "id, title, starts_at, ends_at, status"

const (
	qActiveSales = "SELECT " + saleColumns + " FROM sales WHERE status = 'active' AND now() BETWEEN starts_at AND ends_at ORDER BY ends_at"
	qSaleItems   = `SELECT si.id, si.product_id, p.name, p.price_cents, si.sale_price_cents, si.quantity, si.remaining, (i.on_hand - i.reserved) AS in_stock
FROM sale_items si
JOIN products p ON p.id = si.product_id
LEFT JOIN inventory i ON i.product_id = si.product_id
WHERE si.sale_id = $1
ORDER BY si.id`
	qReturnExpired = `UPDATE inventory i SET reserved = i.reserved - r.qty
FROM sale_reservations r JOIN sale_items si ON si.id = r.sale_item_id
WHERE si.product_id = i.product_id AND r.status = 'held' AND r.expires_at < now()`
	qSaleFillRate = `SELECT si.id, coalesce(sum(r.qty), 0)::int AS held, (sum(coalesce(sum(r.qty), 0)) OVER (PARTITION BY si.sale_id))::int AS sale_total
FROM sale_items si LEFT JOIN sale_reservations r ON r.sale_item_id = si.id AND r.status = 'held'
WHERE si.sale_id = $1 GROUP BY si.id, si.sale_id`
	qReleaseReservation = "UPDATE sale_reservations SET status = 'released' WHERE id = $1 AND user_id = $2 AND status = 'held' RETURNING sale_item_id, qty"
)

func scanSale(row pgx.Row) (Sale, error) {
	var s Sale
	err := row.Scan(&s.ID, &s.Title, &s.StartsAt, &s.EndsAt, &s.Status)
	return s, err
}

// ActiveSales lists the sales running now.
func (s *Store) ActiveSales(ctx context.Context) ([]Sale, error) {
	rows, err := s.pool.Query(ctx, qActiveSales) // want sql sales:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Sale{}
	for rows.Next() {
		sale, err := scanSale(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sale)
	}
	return out, rows.Err()
}

// SaleByID returns one sale.
func (s *Store) SaleByID(ctx context.Context, id int64) (Sale, error) {
	sale, err := scanSale(s.pool.QueryRow(ctx, "SELECT "+saleColumns+" FROM sales WHERE id = $1", id)) // want sql sales:read
	if errors.Is(err, pgx.ErrNoRows) {
		err = httpx.ErrNotFound
	}
	return sale, err
}

// SaleItems lists a sale's items with catalog names and warehouse stock.
func (s *Store) SaleItems(ctx context.Context, saleID int64) ([]SaleItem, error) {
	rows, err := s.pool.Query(ctx, qSaleItems, saleID) // want sql sale_items:read products:read inventory:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SaleItem{}
	for rows.Next() {
		var it SaleItem
		var inStock *int
		if err := rows.Scan(&it.ID, &it.ProductID, &it.Name, &it.ListPriceCents, &it.SalePriceCents, &it.Quantity, &it.Remaining, &inStock); err != nil {
			return nil, err
		}
		if inStock != nil {
			it.InStock = *inStock
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Reserve holds qty units of a sale item for a user through the reserve_sale_item database
// function. It returns httpx.ErrNotFound when the item is not part of the sale and
// httpx.ErrConflict when it is sold out.
func (s *Store) Reserve(ctx context.Context, saleID, saleItemID, userID int64, qty int) (int64, error) {
	tx, err := s.pool.Begin(ctx) // want tx sale_items:read call:reserve_sale_item
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var remaining int
	err = tx.QueryRow(ctx, "SELECT remaining FROM sale_items WHERE id = $1 AND sale_id = $2 FOR UPDATE", saleItemID, saleID).Scan(&remaining) // want sql sale_items:read
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, httpx.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if remaining < qty {
		return 0, httpx.ErrConflict
	}
	var id *int64
	if err := tx.QueryRow(ctx, "SELECT reserve_sale_item($1, $2, $3)", saleItemID, userID, qty).Scan(&id); err != nil { // want sql call:reserve_sale_item
		return 0, err
	}
	if id == nil {
		return 0, httpx.ErrConflict
	}
	return *id, tx.Commit(ctx)
}

// ReleaseReservation gives a held reservation back to the sale and the warehouse.
func (s *Store) ReleaseReservation(ctx context.Context, reservationID, userID int64) error {
	tx, err := s.pool.Begin(ctx) // want tx sale_reservations:update sale_items:update inventory:update sale_items:read
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var itemID int64
	var qty int
	err = tx.QueryRow(ctx, qReleaseReservation, reservationID, userID).Scan(&itemID, &qty) // want sql sale_reservations:update
	if errors.Is(err, pgx.ErrNoRows) {
		return httpx.ErrNotFound
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE sale_items SET remaining = remaining + $2 WHERE id = $1", itemID, qty); err != nil { // want sql sale_items:update
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE inventory i SET reserved = i.reserved - $2, updated_at = now() FROM sale_items si WHERE si.id = $1 AND i.product_id = si.product_id", itemID, qty); err != nil { // want sql inventory:update sale_items:read
		return err
	}
	return tx.Commit(ctx)
}

// CreateSale starts a new sale.
func (s *Store) CreateSale(ctx context.Context, title string, startsAt, endsAt time.Time) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, "INSERT INTO sales (title, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id", title, startsAt, endsAt).Scan(&id) // want sql sales:insert
	return id, err
}

// AddSaleItem offers quantity units of a product in a sale.
func (s *Store) AddSaleItem(ctx context.Context, saleID, productID, priceCents int64, quantity int) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, "INSERT INTO sale_items (sale_id, product_id, sale_price_cents, quantity, remaining) VALUES ($1, $2, $3, $4, $4) RETURNING id", saleID, productID, priceCents, quantity).Scan(&id) // want sql sale_items:insert
	return id, err
}

// ReturnExpiredToInventory releases the warehouse reservations of expired holds.
func (s *Store) ReturnExpiredToInventory(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, qReturnExpired) // want sql inventory:update sale_reservations:read sale_items:read
	return tag.RowsAffected(), err
}

// ExpireReservations marks expired holds.
func (s *Store) ExpireReservations(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, "UPDATE sale_reservations SET status = 'expired' WHERE status = 'held' AND expires_at < now()") // want sql sale_reservations:update
	return tag.RowsAffected(), err
}

// ReservationsFor lists a user's reservations.
func (s *Store) ReservationsFor(ctx context.Context, userID int64) ([]Reservation, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, sale_item_id, qty, status, expires_at FROM sale_reservations WHERE user_id = $1 ORDER BY id", userID) // want sql sale_reservations:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reservation{}
	for rows.Next() {
		var r Reservation
		if err := rows.Scan(&r.ID, &r.SaleItemID, &r.Qty, &r.Status, &r.ExpiresAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaleFillRate returns, per item, the held units and the sale-wide total (window function).
func (s *Store) SaleFillRate(ctx context.Context, saleID int64) (map[int64][2]int, error) {
	rows, err := s.pool.Query(ctx, qSaleFillRate, saleID) // want sql sale_items:read sale_reservations:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64][2]int)
	for rows.Next() {
		var id int64
		var held, total int
		if err := rows.Scan(&id, &held, &total); err != nil {
			return nil, err
		}
		out[id] = [2]int{held, total}
	}
	return out, rows.Err()
}

// EndSale closes a sale early.
func (s *Store) EndSale(ctx context.Context, saleID int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, "UPDATE sales SET status = 'ended', ends_at = least(ends_at, now()) WHERE id = $1", saleID) // want sql sales:update
	return tag.RowsAffected() == 1, err
}

// DeleteSale deletes a sale that never started.
func (s *Store) DeleteSale(ctx context.Context, saleID int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM sales WHERE id = $1 AND starts_at > now()", saleID) // want sql sales:delete
	return tag.RowsAffected() == 1, err
}
