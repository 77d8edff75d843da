// Package sale is the time-sale service: flash sales carved out of the shop monolith, with
// their own tables and the same HTTP API.
package sale

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound means the sale, item or reservation does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict means the request cannot be applied (sold out, sale not running, bad input).
var ErrConflict = errors.New("conflict")

// Sale is a time-limited sale.
type Sale struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Status   string    `json:"status"`
}

// Item is a product offered in a sale. InStock reports the sale's own remaining quota (the
// service does not see warehouse stock).
type Item struct {
	ID             int64  `json:"id"`
	ProductID      int64  `json:"product_id"`
	Name           string `json:"name"`
	ListPriceCents int64  `json:"list_price_cents"`
	SalePriceCents int64  `json:"sale_price_cents"`
	Quantity       int    `json:"quantity"`
	Remaining      int    `json:"remaining"`
	InStock        int    `json:"in_stock"`
}

// Store is the service's data access.
type Store struct{ pool *pgxpool.Pool }

// Open connects to PostgreSQL.
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Ping checks the connection.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

const saleColumns = "id, title, starts_at, ends_at, status"

// Active lists the running sales.
func (s *Store) Active(ctx context.Context) ([]Sale, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+saleColumns+" FROM sales WHERE status = 'active' AND now() BETWEEN starts_at AND ends_at ORDER BY ends_at") // want sql sales:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Sale{}
	for rows.Next() {
		var v Sale
		if err := rows.Scan(&v.ID, &v.Title, &v.StartsAt, &v.EndsAt, &v.Status); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Sale returns one sale.
func (s *Store) Sale(ctx context.Context, id int64) (Sale, error) {
	var v Sale
	err := s.pool.QueryRow(ctx, "SELECT "+saleColumns+" FROM sales WHERE id = $1", id).Scan(&v.ID, &v.Title, &v.StartsAt, &v.EndsAt, &v.Status) // want sql sales:read
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	return v, err
}

// Items lists a sale's items.
func (s *Store) Items(ctx context.Context, saleID int64) ([]Item, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, product_id, product_name, list_price_cents, sale_price_cents, quantity, remaining FROM sale_items WHERE sale_id = $1 ORDER BY id", saleID) // want sql sale_items:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.ProductID, &it.Name, &it.ListPriceCents, &it.SalePriceCents, &it.Quantity, &it.Remaining); err != nil {
			return nil, err
		}
		it.InStock = it.Remaining
		out = append(out, it)
	}
	return out, rows.Err()
}

// Reserve holds qty units of an item of a sale for a user and returns the reservation id.
func (s *Store) Reserve(ctx context.Context, saleID, itemID, userID int64, qty int) (int64, error) {
	tx, err := s.pool.Begin(ctx) // want tx sale_items:read sale_items:update sale_reservations:insert
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var remaining int
	err = tx.QueryRow(ctx, "SELECT remaining FROM sale_items WHERE id = $1 AND sale_id = $2 FOR UPDATE", itemID, saleID).Scan(&remaining) // want sql sale_items:read
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if remaining < qty {
		return 0, ErrConflict
	}
	if _, err := tx.Exec(ctx, "UPDATE sale_items SET remaining = remaining - $2 WHERE id = $1", itemID, qty); err != nil { // want sql sale_items:update
		return 0, err
	}
	var id int64
	if err := tx.QueryRow(ctx, "INSERT INTO sale_reservations (sale_item_id, user_id, qty, expires_at) VALUES ($1, $2, $3, now() + interval '10 minutes') RETURNING id", itemID, userID, qty).Scan(&id); err != nil { // want sql sale_reservations:insert
		return 0, err
	}
	return id, tx.Commit(ctx)
}

// Release gives a held reservation of the user back to the sale.
func (s *Store) Release(ctx context.Context, reservationID, userID int64) error {
	tx, err := s.pool.Begin(ctx) // want tx sale_reservations:update sale_items:update
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var itemID int64
	var qty int
	err = tx.QueryRow(ctx, "UPDATE sale_reservations SET status = 'released' WHERE id = $1 AND user_id = $2 AND status = 'held' RETURNING sale_item_id, qty", reservationID, userID).Scan(&itemID, &qty) // want sql sale_reservations:update
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE sale_items SET remaining = remaining + $2 WHERE id = $1", itemID, qty); err != nil { // want sql sale_items:update
		return err
	}
	return tx.Commit(ctx)
}

// Create starts a sale with its items.
func (s *Store) Create(ctx context.Context, title string, startsAt, endsAt time.Time, items []Item) (int64, error) {
	tx, err := s.pool.Begin(ctx) // want tx sales:insert sale_items:insert
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var id int64
	if err := tx.QueryRow(ctx, "INSERT INTO sales (title, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id", title, startsAt, endsAt).Scan(&id); err != nil { // want sql sales:insert
		return 0, err
	}
	for _, it := range items {
		if _, err := tx.Exec(ctx, "INSERT INTO sale_items (sale_id, product_id, product_name, list_price_cents, sale_price_cents, quantity, remaining) VALUES ($1, $2, $3, $4, $5, $6, $6)", id, it.ProductID, it.Name, it.ListPriceCents, it.SalePriceCents, it.Quantity); err != nil { // want sql sale_items:insert
			return 0, err
		}
	}
	return id, tx.Commit(ctx)
}
