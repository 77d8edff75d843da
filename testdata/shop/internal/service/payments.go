package service

import (
	"context"
	"database/sql"
	"fmt"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/money"
	"example.com/shop/internal/store"
)

// Payments manages payments and refunds.
type Payments struct {
	st     *store.Store
	db     *sql.DB
	notify *Notifications
}

// NewPayments returns the payments service.
func NewPayments(st *store.Store, notify *Notifications) *Payments {
	return &Payments{st: st, db: st.DB(), notify: notify}
}

// authorizePayment records the payment authorization inside the caller's checkout transaction.
func authorizePayment(ctx context.Context, st *store.Store, tx *sql.Tx, orderID int64, total money.Cents) (int64, error) {
	return st.InsertPaymentTx(ctx, tx, orderID, int64(total), newPaymentRef())
}

// Get returns a payment of the user.
func (p *Payments) Get(ctx context.Context, userID, paymentID int64) (store.Payment, error) {
	pay, owner, err := p.st.PaymentOwner(ctx, paymentID)
	if err != nil {
		return pay, err
	}
	if owner != userID {
		return store.Payment{}, httpx.ErrNotFound
	}
	return p.st.PaymentByID(ctx, paymentID)
}

// ForOrder lists an order's payments.
func (p *Payments) ForOrder(ctx context.Context, orderID int64) ([]store.Payment, error) {
	return p.st.PaymentsForOrder(ctx, orderID)
}

// Capture captures an authorized payment and marks its order paid.
func (p *Payments) Capture(ctx context.Context, paymentID int64) error {
	if err := p.st.SetPaymentStatus(ctx, paymentID, "captured"); err != nil {
		return err
	}
	return p.st.MarkOrderPaid(ctx, paymentID)
}

// Webhook applies a payment provider's status update.
func (p *Payments) Webhook(ctx context.Context, orderID, amount int64, ref, status string) (int64, error) {
	id, err := p.st.UpsertPaymentByRef(ctx, orderID, amount, ref, status)
	if err != nil || status != "captured" {
		return id, err
	}
	return id, p.st.MarkOrderPaid(ctx, id)
}

// Refund gives money back on a payment in one transaction: the refund, the payment's status
// and the order's status change together.
func (p *Payments) Refund(ctx context.Context, paymentID, cents int64, reason string) error {
	tx, err := p.db.BeginTx(ctx, nil) // want tx billing.payments:read billing.refunds:read billing.refunds:insert billing.payments:update orders:update
	if err != nil {
		return err
	}
	defer tx.Rollback()
	pay, err := p.st.LockPaymentTx(ctx, tx, paymentID)
	if err != nil {
		return err
	}
	done, err := p.st.RefundedTx(ctx, tx, paymentID)
	if err != nil {
		return err
	}
	if cents <= 0 || done+cents > pay.AmountCents {
		return fmt.Errorf("refund: %d exceeds the refundable %d: %w", cents, pay.AmountCents-done, httpx.ErrConflict)
	}
	if err := p.st.InsertRefundTx(ctx, tx, paymentID, cents, reason); err != nil {
		return err
	}
	status := "partially_refunded"
	if done+cents == pay.AmountCents {
		status = "refunded"
		if err := p.st.MarkOrderRefundedTx(ctx, tx, pay.OrderID); err != nil {
			return err
		}
	}
	if err := p.st.SetPaymentStatusTx(ctx, tx, paymentID, status); err != nil {
		return err
	}
	return tx.Commit()
}
