package service

import (
	"context"
	"fmt"
	"time"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/store"
)

// Timesale runs flash sales: the part of the shop that sees traffic spikes.
type Timesale struct{ st *store.Store }

// NewTimesale returns the time-sale service.
func NewTimesale(st *store.Store) *Timesale { return &Timesale{st: st} }

// Active lists running sales.
func (t *Timesale) Active(ctx context.Context) ([]store.Sale, error) { return t.st.ActiveSales(ctx) }

// Get returns a sale with its items.
func (t *Timesale) Get(ctx context.Context, id int64) (store.Sale, []store.SaleItem, error) {
	s, err := t.st.SaleByID(ctx, id)
	if err != nil {
		return s, nil, err
	}
	items, err := t.st.SaleItems(ctx, id)
	return s, items, err
}

// Items returns a sale's items.
func (t *Timesale) Items(ctx context.Context, id int64) ([]store.SaleItem, error) {
	if _, err := t.st.SaleByID(ctx, id); err != nil {
		return nil, err
	}
	return t.st.SaleItems(ctx, id)
}

// Reserve holds units of a sale item for the user.
func (t *Timesale) Reserve(ctx context.Context, saleID, itemID, userID int64, qty int) (int64, error) {
	if qty <= 0 || qty > 2 {
		return 0, fmt.Errorf("reserve: qty must be 1 or 2, got %d: %w", qty, httpx.ErrConflict)
	}
	s, err := t.st.SaleByID(ctx, saleID)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	if s.Status != "active" || now.Before(s.StartsAt) || now.After(s.EndsAt) {
		return 0, fmt.Errorf("reserve: sale %d is not running: %w", saleID, httpx.ErrConflict)
	}
	return t.st.Reserve(ctx, saleID, itemID, userID, qty)
}

// Release gives a reservation back.
func (t *Timesale) Release(ctx context.Context, reservationID, userID int64) error {
	return t.st.ReleaseReservation(ctx, reservationID, userID)
}

// CreateSale starts a sale with its items (product id → price, quantity).
func (t *Timesale) CreateSale(ctx context.Context, title string, startsAt, endsAt time.Time, items []store.SaleItem) (int64, error) {
	if !endsAt.After(startsAt) {
		return 0, fmt.Errorf("create sale: ends_at must be after starts_at: %w", httpx.ErrConflict)
	}
	id, err := t.st.CreateSale(ctx, title, startsAt, endsAt)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if _, err := t.st.AddSaleItem(ctx, id, it.ProductID, it.SalePriceCents, it.Quantity); err != nil {
			return 0, err
		}
	}
	return id, nil
}
