package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Payment is a payment of an order.
type Payment struct {
	ID          int64     `json:"id"`
	OrderID     int64     `json:"order_id"`
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	Status      string    `json:"status"`
	ProviderRef string    `json:"provider_ref"`
	CreatedAt   time.Time `json:"created_at"`
}

// Refund is money given back on a payment.
type Refund struct {
	ID          int64     `json:"id"`
	AmountCents int64     `json:"amount_cents"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
}

// billingSchema is where payment tables live.
const billingSchema = "billing"

const qUpsertPaymentByRef = `INSERT INTO billing.payments AS p (order_id, amount_cents, provider_ref, status) VALUES ($1, $2, $3, $4)
ON CONFLICT (provider_ref) DO UPDATE SET status = EXCLUDED.status RETURNING p.id`

const paymentColumns = "id, order_id, amount_cents, currency, status, provider_ref, created_at"

var (
	qPaymentByID       = fmt.Sprintf("SELECT %s FROM %s.payments WHERE id = $1", paymentColumns, billingSchema)
	qPaymentsForOrder  = fmt.Sprintf("SELECT %s FROM %s.payments WHERE order_id = $1 ORDER BY id", paymentColumns, billingSchema)
	qSetPaymentStatus  = fmt.Sprintf("UPDATE %s.payments SET status = $2 WHERE id = $1", billingSchema)
	qRefundsForPayment = fmt.Sprintf("SELECT id, amount_cents, reason, created_at FROM %s.refunds WHERE payment_id = $1 ORDER BY id", billingSchema)
)

func scanPayment(row interface{ Scan(...any) error }) (Payment, error) {
	var p Payment
	err := row.Scan(&p.ID, &p.OrderID, &p.AmountCents, &p.Currency, &p.Status, &p.ProviderRef, &p.CreatedAt)
	return p, err
}

// InsertPaymentTx records an authorized payment inside a transaction.
func (s *Store) InsertPaymentTx(ctx context.Context, tx *sql.Tx, orderID, amountCents int64, ref string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "INSERT INTO billing.payments (order_id, amount_cents, provider_ref) VALUES ($1, $2, $3) RETURNING id", orderID, amountCents, ref).Scan(&id) // want sql billing.payments:insert
	return id, err
}

// PaymentByID returns one payment.
func (s *Store) PaymentByID(ctx context.Context, id int64) (Payment, error) {
	p, err := scanPayment(s.db.QueryRowContext(ctx, qPaymentByID, id)) // want sql billing.payments:read
	return p, notFound(err)
}

// PaymentsForOrder lists an order's payments.
func (s *Store) PaymentsForOrder(ctx context.Context, orderID int64) ([]Payment, error) {
	rows, err := s.db.QueryContext(ctx, qPaymentsForOrder, orderID) // want sql billing.payments:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Payment{}
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetPaymentStatus changes a payment's status.
func (s *Store) SetPaymentStatus(ctx context.Context, id int64, status string) error {
	_, err := s.exec(ctx, qSetPaymentStatus, id, status) // want sql billing.payments:update
	return err
}

// UpsertPaymentByRef applies a provider webhook: the payment is created or its status updated.
func (s *Store) UpsertPaymentByRef(ctx context.Context, orderID, amountCents int64, ref, status string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, qUpsertPaymentByRef, orderID, amountCents, ref, status).Scan(&id) // want sql billing.payments:upsert
	return id, err
}

// MarkOrderPaid sets the order of a payment to paid.
func (s *Store) MarkOrderPaid(ctx context.Context, paymentID int64) error {
	_, err := s.exec(ctx, "UPDATE orders o SET status = 'paid', updated_at = now() FROM billing.payments p WHERE p.order_id = o.id AND p.id = $1 AND p.status = 'captured'", paymentID) // want sql orders:update billing.payments:read
	return err
}

// PaymentOwner returns the payment and the user who placed its order.
func (s *Store) PaymentOwner(ctx context.Context, paymentID int64) (Payment, int64, error) {
	var p Payment
	var userID int64
	err := s.db.QueryRowContext(ctx, "SELECT p.id, p.order_id, p.amount_cents, p.status, o.user_id FROM billing.payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1", paymentID).Scan(&p.ID, &p.OrderID, &p.AmountCents, &p.Status, &userID) // want sql billing.payments:read orders:read
	return p, userID, notFound(err)
}

// RefundsForPayment lists the refunds of a payment.
func (s *Store) RefundsForPayment(ctx context.Context, paymentID int64) ([]Refund, error) {
	rows, err := s.db.QueryContext(ctx, qRefundsForPayment, paymentID) // want sql billing.refunds:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Refund{}
	for rows.Next() {
		var r Refund
		if err := rows.Scan(&r.ID, &r.AmountCents, &r.Reason, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LockPaymentTx reads a payment FOR UPDATE inside a transaction.
func (s *Store) LockPaymentTx(ctx context.Context, tx *sql.Tx, paymentID int64) (Payment, error) {
	p, err := scanPayment(tx.QueryRowContext(ctx, qPaymentByID+" FOR UPDATE", paymentID)) // want sql billing.payments:read
	return p, notFound(err)
}

// RefundedTx returns how much was refunded on a payment, inside a transaction.
func (s *Store) RefundedTx(ctx context.Context, tx *sql.Tx, paymentID int64) (int64, error) {
	var cents int64
	err := tx.QueryRowContext(ctx, "SELECT coalesce(sum(amount_cents), 0) FROM billing.refunds WHERE payment_id = $1", paymentID).Scan(&cents) // want sql billing.refunds:read
	return cents, err
}

// InsertRefundTx records a refund inside a transaction.
func (s *Store) InsertRefundTx(ctx context.Context, tx *sql.Tx, paymentID, cents int64, reason string) error {
	return execTx(ctx, tx, "INSERT INTO billing.refunds (payment_id, amount_cents, reason) VALUES ($1, $2, $3)", paymentID, cents, reason) // want sql billing.refunds:insert
}

// SetPaymentStatusTx changes a payment's status inside a transaction.
func (s *Store) SetPaymentStatusTx(ctx context.Context, tx *sql.Tx, paymentID int64, status string) error {
	return execTx(ctx, tx, qSetPaymentStatus, paymentID, status) // want sql billing.payments:update
}

// MarkOrderRefundedTx sets an order to refunded inside a transaction.
func (s *Store) MarkOrderRefundedTx(ctx context.Context, tx *sql.Tx, orderID int64) error {
	return execTx(ctx, tx, `UPDATE "orders" SET "status" = 'refunded', updated_at = now() WHERE "id" = $1`, orderID) // want sql orders:update
}
