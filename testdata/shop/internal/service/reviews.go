package service

import (
	"context"
	"fmt"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/store"
)

// Reviews manages product reviews.
type Reviews struct{ st *store.Store }

// NewReviews returns the reviews service.
func NewReviews(st *store.Store) *Reviews { return &Reviews{st: st} }

// ForProduct lists a product's reviews.
func (r *Reviews) ForProduct(ctx context.Context, productID int64) ([]store.Review, error) {
	return r.st.ReviewsForProduct(ctx, productID)
}

// ByUser lists a user's reviews.
func (r *Reviews) ByUser(ctx context.Context, userID int64) ([]store.Review, error) {
	return r.st.ReviewsByUser(ctx, userID)
}

// Write stores the user's review of a product they bought and refreshes the product's rating
// in the same transaction.
func (r *Reviews) Write(ctx context.Context, rev store.Review) error {
	if rev.Rating < 1 || rev.Rating > 5 {
		return fmt.Errorf("write review: rating %d is not between 1 and 5: %w", rev.Rating, httpx.ErrConflict)
	}
	bought, err := r.st.HasPurchased(ctx, rev.UserID, rev.ProductID)
	if err != nil {
		return err
	}
	if !bought {
		return fmt.Errorf("write review: user %d never bought product %d: %w", rev.UserID, rev.ProductID, httpx.ErrConflict)
	}
	tx, err := r.st.DBx().BeginTxx(ctx, nil) // want tx reviews:upsert products:update reviews:read
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := r.st.UpsertReviewTx(ctx, tx, rev); err != nil {
		return err
	}
	if err := r.st.RefreshRatingTx(ctx, tx, rev.ProductID); err != nil {
		return err
	}
	return tx.Commit()
}

// Delete deletes the user's own review.
func (r *Reviews) Delete(ctx context.Context, userID, reviewID int64) error {
	author, _, err := r.st.ReviewAuthor(ctx, reviewID)
	if err != nil {
		return err
	}
	if author != userID {
		return httpx.ErrNotFound
	}
	return r.st.DeleteReview(ctx, reviewID)
}

// Histogram counts a product's reviews per star.
func (r *Reviews) Histogram(ctx context.Context, productID int64) (map[string]int, error) {
	return r.st.RatingHistogram(ctx, productID)
}
