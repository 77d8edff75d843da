package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Review is a product review with its author's name.
type Review struct {
	ID        int64     `db:"id" json:"id"`
	ProductID int64     `db:"product_id" json:"product_id"`
	UserID    int64     `db:"user_id" json:"user_id"`
	Author    string    `db:"author" json:"author"`
	Rating    int       `db:"rating" json:"rating"`
	Body      string    `db:"body" json:"body"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

const (
	qReviewsForProduct = `SELECT r.id, r.product_id, r.user_id, u.name AS author, r.rating, r.body, r.created_at
FROM reviews r JOIN users u ON u.id = r.user_id
WHERE r.product_id = $1 ORDER BY r.created_at DESC`
	qUpsertReview = `INSERT INTO reviews (product_id, user_id, rating, body) VALUES (:product_id, :user_id, :rating, :body)
ON CONFLICT (product_id, user_id) DO UPDATE SET rating = EXCLUDED.rating, body = EXCLUDED.body, created_at = now()`
	qRefreshRating = `UPDATE products p SET rating_avg = r.avg, rating_count = r.cnt
FROM (SELECT product_id, avg(rating)::float8 AS avg, count(*)::int AS cnt FROM reviews WHERE product_id = $1 GROUP BY product_id) r
WHERE p.id = r.product_id`
)

// ReviewsForProduct lists a product's reviews, newest first.
func (s *Store) ReviewsForProduct(ctx context.Context, productID int64) ([]Review, error) {
	out := []Review{}
	err := s.db.SelectContext(ctx, &out, qReviewsForProduct, productID) // want sql reviews:read users:read
	return out, err
}

// ReviewsByUser lists a user's reviews.
func (s *Store) ReviewsByUser(ctx context.Context, userID int64) ([]Review, error) {
	out := []Review{}
	err := s.db.SelectContext(ctx, &out, `SELECT id, product_id, user_id, '' AS author, rating, body, created_at FROM reviews WHERE user_id = $1 ORDER BY id`, userID) // want sql reviews:read
	return out, err
}

// UpsertReviewTx writes the user's review of a product inside a transaction.
func (s *Store) UpsertReviewTx(ctx context.Context, tx *sqlx.Tx, r Review) error {
	_, err := tx.NamedExecContext(ctx, qUpsertReview, r) // want sql reviews:upsert
	return err
}

// RefreshRatingTx recomputes a product's rating from its reviews inside a transaction.
func (s *Store) RefreshRatingTx(ctx context.Context, tx *sqlx.Tx, productID int64) error {
	_, err := tx.ExecContext(ctx, qRefreshRating, productID) // want sql products:update reviews:read
	return err
}

// ReviewAuthor returns the author and product of a review.
func (s *Store) ReviewAuthor(ctx context.Context, reviewID int64) (userID, productID int64, err error) {
	var row struct {
		UserID    int64 `db:"user_id"`
		ProductID int64 `db:"product_id"`
	}
	err = s.db.GetContext(ctx, &row, "SELECT user_id, product_id FROM reviews WHERE id = $1", reviewID) // want sql reviews:read
	return row.UserID, row.ProductID, notFound(err)
}

// DeleteReview deletes a review.
func (s *Store) DeleteReview(ctx context.Context, reviewID int64) error {
	_, err := s.exec(ctx, "DELETE FROM reviews WHERE id = $1", reviewID) // want sql reviews:delete
	return err
}

// RatingHistogram counts a product's reviews per star.
func (s *Store) RatingHistogram(ctx context.Context, productID int64) (map[string]int, error) {
	rows, err := s.db.QueryxContext(ctx, "SELECT rating::text AS stars, count(*)::int AS n FROM reviews WHERE product_id = $1 GROUP BY rating", productID) // want sql reviews:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var stars string
		var n int
		if err := rows.Scan(&stars, &n); err != nil {
			return nil, err
		}
		out[stars] = n
	}
	return out, rows.Err()
}

// HasPurchased reports whether the user ever ordered the product.
func (s *Store) HasPurchased(ctx context.Context, userID, productID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE o.user_id = $1 AND oi.product_id = $2 AND o.status <> 'cancelled')`, userID, productID) // want sql order_items:read orders:read
	return ok, err
}

// LatestReviews returns the newest review of each product (window function), with product names.
func (s *Store) LatestReviews(ctx context.Context, limit int) ([]Review, error) {
	out := []Review{}
	err := s.db.SelectContext(ctx, &out, `SELECT x.id, x.product_id, x.user_id, p.name AS author, x.rating, x.body, x.created_at FROM (SELECT r.*, row_number() OVER (PARTITION BY r.product_id ORDER BY r.created_at DESC) AS rn FROM reviews r) x JOIN products p ON p.id = x.product_id WHERE x.rn = 1 ORDER BY x.created_at DESC LIMIT $1`, limit) // want sql reviews:read products:read
	return out, err
}

// CountReviews counts a user's reviews.
func (s *Store) CountReviews(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, "SELECT count(*) FROM reviews WHERE user_id = $1", userID) // want sql reviews:read
	return n, err
}
