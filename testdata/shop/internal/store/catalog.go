package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Product is a catalog entry.
type Product struct {
	ID          int64   `db:"id" json:"id"`
	SKU         string  `db:"sku" json:"sku"`
	Name        string  `db:"name" json:"name"`
	Description string  `db:"description" json:"description"`
	CategoryID  int64   `db:"category_id" json:"category_id"`
	PriceCents  int64   `db:"price_cents" json:"price_cents"`
	Currency    string  `db:"currency" json:"currency"`
	RatingAvg   float64 `db:"rating_avg" json:"rating_avg"`
	RatingCount int     `db:"rating_count" json:"rating_count"`
	Active      bool    `db:"active" json:"active"`
}

// Category groups products.
type Category struct {
	ID       int64  `db:"id" json:"id"`
	Name     string `db:"name" json:"name"`
	Slug     string `db:"slug" json:"slug"`
	Position int    `db:"position" json:"position"`
}

const productColumns = "p.id, p.sku, p.name, p.description, p.category_id, p.price_cents, p.currency, p.rating_avg, p.rating_count, p.active"

const (
	qListProducts = "SELECT " + productColumns + " FROM products p WHERE p.active ORDER BY p.id LIMIT $1 OFFSET $2"
	qProductByID  = "SELECT " + productColumns + " FROM products p WHERE p.id = $1"
	qSearch       = "SELECT " + productColumns + " FROM products p" +
		" WHERE p.active AND (p.name ILIKE '%' || $1 || '%' OR p.description ILIKE '%' || $1 || '%')" +
		" ORDER BY p.rating_avg DESC LIMIT 50"
	qDeactivateProduct = `UPDATE products SET active = false WHERE id = $1`
	qCategoryProducts  = "SELECT %s FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = $1 AND p.active ORDER BY p.name"
)

// ListProducts returns active products, paged.
func (s *Store) ListProducts(ctx context.Context, limit, offset int) ([]Product, error) {
	var ps []Product
	err := s.db.SelectContext(ctx, &ps, qListProducts, limit, offset) // want sql products:read
	return ps, err
}

// ProductByID returns one product.
func (s *Store) ProductByID(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := s.db.GetContext(ctx, &p, qProductByID, id) // want sql products:read
	return p, notFound(err)
}

// ProductsByIDs returns the products with the given ids.
func (s *Store) ProductsByIDs(ctx context.Context, ids []int64) ([]Product, error) {
	query, args, err := sqlx.In("SELECT "+productColumns+" FROM products p WHERE p.id IN (?)", ids)
	if err != nil {
		return nil, err
	}
	query = s.db.Rebind(query)
	var ps []Product
	err = s.db.SelectContext(ctx, &ps, query, args...) // want sql products:read
	return ps, err
}

// SearchProducts finds products by name or description.
func (s *Store) SearchProducts(ctx context.Context, term string) ([]Product, error) {
	var ps []Product
	err := s.db.SelectContext(ctx, &ps, qSearch, term) // want sql products:read
	return ps, err
}

// FilterProducts builds a query from the caller's filters (field name → value).
func (s *Store) FilterProducts(ctx context.Context, filters map[string]string, orderBy string) ([]Product, error) {
	query := "SELECT " + productColumns + " FROM products p WHERE p.active"
	var args []any
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	for _, k := range keys {
		args = append(args, filters[k])
		query += " AND p." + k + " = $" + strconv.Itoa(len(args))
	}
	if orderBy != "" {
		query += " ORDER BY " + strings.ReplaceAll(orderBy, ";", "")
	}
	var ps []Product
	err := s.db.SelectContext(ctx, &ps, query, args...) // want sql unresolved
	return ps, err
}

// CreateProduct inserts p and returns its id.
func (s *Store) CreateProduct(ctx context.Context, p Product) (int64, error) {
	rows, err := s.db.NamedQueryContext(ctx, `INSERT INTO products (sku, name, description, category_id, price_cents, currency) VALUES (:sku, :name, :description, :category_id, :price_cents, :currency) RETURNING id`, p) // want sql products:insert
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var id int64
	if rows.Next() {
		err = rows.Scan(&id)
	}
	return id, err
}

// UpdateProduct updates the editable fields of p.
func (s *Store) UpdateProduct(ctx context.Context, p Product) error {
	_, err := s.db.NamedExecContext(ctx, `UPDATE products SET name = :name, description = :description, price_cents = :price_cents WHERE id = :id`, p) // want sql products:update
	return err
}

// DeactivateProduct hides a product from the shop.
func (s *Store) DeactivateProduct(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, qDeactivateProduct, id) // want sql products:update
	return err
}

// Categories lists all categories.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	var cs []Category
	err := s.db.SelectContext(ctx, &cs, `SELECT "id", "name", "slug", "position" FROM "categories" ORDER BY "position", "name"`) // want sql categories:read
	return cs, err
}

// ProductsInCategory lists the active products of the category with the given slug.
func (s *Store) ProductsInCategory(ctx context.Context, slug string) ([]Product, error) {
	var ps []Product
	err := s.db.SelectContext(ctx, &ps, fmt.Sprintf(qCategoryProducts, productColumns), slug) // want sql products:read categories:read
	return ps, err
}

// UpsertCategory creates or renames a category by slug.
func (s *Store) UpsertCategory(ctx context.Context, c Category) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO categories (name, slug, "position") VALUES ($1, $2, $3) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, "position" = EXCLUDED."position" RETURNING id`, c.Name, c.Slug, c.Position).Scan(&id) // want sql categories:upsert
	return id, err
}

// ProductPrice returns the current price of an active product.
func (s *Store) ProductPrice(ctx context.Context, id int64) (int64, error) {
	var cents int64
	err := s.db.QueryRowContext(ctx, "SELECT price_cents FROM products WHERE id = $1 AND active", id).Scan(&cents) // want sql products:read
	return cents, notFound(err)
}

// ProductPricesTx returns the prices of the given products inside a transaction.
func (s *Store) ProductPricesTx(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, price_cents FROM products WHERE id = ANY($1) AND active", ids) // want sql products:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prices := make(map[int64]int64)
	for rows.Next() {
		var id, cents int64
		if err := rows.Scan(&id, &cents); err != nil {
			return nil, err
		}
		prices[id] = cents
	}
	return prices, rows.Err()
}

// TopRated returns the best-rated products of each category.
func (s *Store) TopRated(ctx context.Context, perCategory int) ([]Product, error) {
	var ps []Product
	err := s.db.SelectContext(ctx, &ps, `SELECT `+productColumns+` FROM (SELECT *, rank() OVER (PARTITION BY category_id ORDER BY rating_avg DESC, id) AS rnk FROM products WHERE active) p WHERE p.rnk <= $1 ORDER BY p.category_id, p.rnk`, perCategory) // want sql products:read
	return ps, err
}

// CountProducts counts the active products.
func (s *Store) CountProducts(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, "SELECT count(*) FROM products WHERE active") // want sql products:read
	return n, err
}

// SetProductPrice changes a product's price.
func (s *Store) SetProductPrice(ctx context.Context, id, cents int64) (bool, error) {
	n, err := s.exec(ctx, "UPDATE products SET price_cents = $2 WHERE id = $1", id, cents) // want sql products:update
	return n == 1, err
}
