package service

import (
	"context"
	"fmt"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/money"
	"example.com/shop/internal/store"
)

// Cart manages shopping carts.
type Cart struct{ st *store.Store }

// NewCart returns the cart service.
func NewCart(st *store.Store) *Cart { return &Cart{st: st} }

// CartView is a cart with its lines and total.
type CartView struct {
	ID    int64            `json:"id"`
	Lines []store.CartLine `json:"lines"`
	Total money.Cents      `json:"total_cents"`
}

// Get returns the user's cart.
func (c *Cart) Get(ctx context.Context, userID int64) (CartView, error) {
	id, err := c.st.EnsureCart(ctx, userID)
	if err != nil {
		return CartView{}, err
	}
	lines, err := c.st.CartLines(ctx, id)
	if err != nil {
		return CartView{}, err
	}
	v := CartView{ID: id, Lines: lines}
	for _, l := range lines {
		v.Total += money.Cents(l.PriceCents).Times(l.Qty)
	}
	return v, nil
}

// Add puts qty units of a product in the user's cart. It checks the product's price and stock
// with the catalog and inventory stores.
func (c *Cart) Add(ctx context.Context, userID, productID int64, qty int) (CartView, error) {
	if qty <= 0 {
		return CartView{}, fmt.Errorf("add to cart: qty must be positive, got %d: %w", qty, httpx.ErrConflict)
	}
	if _, err := c.st.ProductPrice(ctx, productID); err != nil {
		return CartView{}, err
	}
	levels, err := c.st.StockLevels(ctx, []int64{productID})
	if err != nil {
		return CartView{}, err
	}
	if levels[productID] < qty {
		return CartView{}, fmt.Errorf("add to cart: only %d left: %w", levels[productID], httpx.ErrConflict)
	}
	id, err := c.st.EnsureCart(ctx, userID)
	if err != nil {
		return CartView{}, err
	}
	if err := c.st.AddCartItem(ctx, id, productID, qty); err != nil {
		return CartView{}, err
	}
	return c.Get(ctx, userID)
}

// SetQty changes a line's quantity.
func (c *Cart) SetQty(ctx context.Context, userID, productID int64, qty int) error {
	id, err := c.st.CartForUser(ctx, userID)
	if err != nil {
		return err
	}
	ok, err := c.st.SetCartItemQty(ctx, id, productID, qty)
	if err == nil && !ok {
		err = httpx.ErrNotFound
	}
	if err == nil {
		err = c.st.TouchCart(ctx, id)
	}
	return err
}

// Remove takes a product out of the cart.
func (c *Cart) Remove(ctx context.Context, userID, productID int64) error {
	id, err := c.st.CartForUser(ctx, userID)
	if err != nil {
		return err
	}
	return c.st.RemoveCartItem(ctx, id, productID)
}
