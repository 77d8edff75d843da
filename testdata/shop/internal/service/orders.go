package service

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/platform/money"
	"example.com/shop/internal/store"
)

// Orders places and manages orders.
type Orders struct {
	st     *store.Store
	db     *sql.DB
	notify *Notifications
}

// NewOrders returns the orders service.
func NewOrders(st *store.Store, notify *Notifications) *Orders {
	return &Orders{st: st, db: st.DB(), notify: notify}
}

// OrderView is an order with its lines.
type OrderView struct {
	store.Order
	Lines     []store.OrderLine `json:"lines"`
	PaymentID int64             `json:"payment_id,omitempty"`
}

// Checkout turns the user's cart into an order in one database transaction: it locks the cart,
// prices it with the catalog, takes the stock from inventory, applies a coupon, records an
// authorized payment and empties the cart. Any failure rolls everything back.
func (o *Orders) Checkout(ctx context.Context, userID int64, coupon string) (OrderView, error) {
	cartID, err := o.st.CartForUser(ctx, userID)
	if err != nil {
		return OrderView{}, fmt.Errorf("checkout: %w", err)
	}
	tx, err := o.db.BeginTx(ctx, nil) // want tx cart_items:read products:read orders:insert order_items:insert inventory:update stock_movements:insert coupons:update coupon_redemptions:insert orders:update billing.payments:insert cart_items:delete
	if err != nil {
		return OrderView{}, err
	}
	defer tx.Rollback()

	items, err := o.st.CartItemsTx(ctx, tx, cartID)
	if err != nil {
		return OrderView{}, err
	}
	if len(items) == 0 {
		return OrderView{}, fmt.Errorf("checkout: cart is empty: %w", httpx.ErrConflict)
	}
	productIDs := make([]int64, 0, len(items))
	for id := range items {
		productIDs = append(productIDs, id)
	}
	sort.Slice(productIDs, func(i, j int) bool { return productIDs[i] < productIDs[j] })
	prices, err := o.st.ProductPricesTx(ctx, tx, productIDs)
	if err != nil {
		return OrderView{}, err
	}
	var couponArg *string
	if coupon != "" {
		couponArg = &coupon
	}
	orderID, err := o.st.CreateOrderTx(ctx, tx, userID, couponArg)
	if err != nil {
		return OrderView{}, err
	}
	var total money.Cents
	for _, pid := range productIDs {
		price, ok := prices[pid]
		if !ok {
			return OrderView{}, fmt.Errorf("checkout: product %d is no longer sold: %w", pid, httpx.ErrConflict)
		}
		if err := reserveLine(ctx, o.st, tx, orderID, pid, items[pid]); err != nil {
			return OrderView{}, err
		}
		if err := o.st.InsertOrderItemTx(ctx, tx, orderID, pid, items[pid], price); err != nil {
			return OrderView{}, err
		}
		total += money.Cents(price).Times(items[pid])
	}
	if coupon != "" {
		pct, ok, err := o.st.RedeemCouponTx(ctx, tx, coupon)
		if err != nil {
			return OrderView{}, err
		}
		if !ok {
			return OrderView{}, fmt.Errorf("checkout: coupon %q cannot be used: %w", coupon, httpx.ErrConflict)
		}
		if err := o.st.RecordRedemptionTx(ctx, tx, coupon, userID, orderID); err != nil {
			return OrderView{}, err
		}
		total = total.Percent(pct)
	}
	if err := o.st.SetOrderTotalTx(ctx, tx, orderID, int64(total)); err != nil {
		return OrderView{}, err
	}
	paymentID, err := authorizePayment(ctx, o.st, tx, orderID, total)
	if err != nil {
		return OrderView{}, err
	}
	if err := o.st.ClearCartTx(ctx, tx, cartID); err != nil {
		return OrderView{}, err
	}
	if err := tx.Commit(); err != nil {
		return OrderView{}, err
	}
	_ = o.notify.Notify(ctx, userID, "order_placed", map[string]any{"order_id": orderID, "total": total.String()})
	v, err := o.Get(ctx, userID, orderID)
	v.PaymentID = paymentID
	return v, err
}

// Get returns one of the user's orders with its lines.
func (o *Orders) Get(ctx context.Context, userID, orderID int64) (OrderView, error) {
	ord, err := o.st.OrderByID(ctx, orderID)
	if err != nil {
		return OrderView{}, err
	}
	if ord.UserID != userID {
		return OrderView{}, httpx.ErrNotFound
	}
	lines, err := o.st.OrderLines(ctx, orderID)
	return OrderView{Order: ord, Lines: lines}, err
}

// List returns the user's orders.
func (o *Orders) List(ctx context.Context, userID int64) ([]store.Order, error) {
	return o.st.OrdersForUser(ctx, userID)
}

// Cancel cancels a pending order and puts its stock back.
func (o *Orders) Cancel(ctx context.Context, userID, orderID int64) (store.Order, error) {
	ord, err := o.st.CancelOrder(ctx, orderID, userID)
	if err != nil {
		return ord, err
	}
	lines, err := o.st.OrderLines(ctx, orderID)
	if err != nil {
		return ord, err
	}
	for _, l := range lines {
		if _, err := o.st.AdjustStock(ctx, l.ProductID, l.Qty); err != nil {
			return ord, err
		}
	}
	return ord, o.notify.Notify(ctx, userID, "order_cancelled", map[string]any{"order_id": orderID})
}

// newPaymentRef returns a provider reference for a new payment.
func newPaymentRef() string { return "pay_" + ids.Token() }
