// Package payments owns payments received, their allocation to invoices, and refunds.
package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"example.com/ledger/internal/journal"
	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Payment is money received from a customer.
type Payment struct {
	ID         platform.ID    `db:"id" json:"id"`
	CustomerID platform.ID    `db:"customer_id" json:"customer_id"`
	Amount     platform.Cents `db:"amount_cents" json:"amount_cents"`
	Method     string         `db:"method" json:"method"`
	Reference  string         `db:"reference" json:"reference"`
	Status     string         `db:"status" json:"status"`
	ReceivedOn time.Time      `db:"received_on" json:"received_on"`
	EntryID    *platform.ID   `db:"journal_entry_id" json:"journal_entry_id,omitempty"`
}

// Handler serves /api/v1/payments.
type Handler struct{ db *sqlx.DB }

// New returns the payments handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the payment routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	p := api.PathPrefix("/payments").Subrouter()
	p.HandleFunc("", h.list).Methods(http.MethodGet)                 // want route GET /api/v1/payments
	p.HandleFunc("", h.record).Methods(http.MethodPost)              // want route POST /api/v1/payments
	p.HandleFunc("/{id}", h.get).Methods(http.MethodGet)             // want route GET /api/v1/payments/{id}
	p.HandleFunc("/{id}/refunds", h.refunds).Methods(http.MethodGet) // want route GET /api/v1/payments/{id}/refunds
	p.HandleFunc("/{id}/refunds", h.refund).Methods(http.MethodPost) // want route POST /api/v1/payments/{id}/refunds
}

const paymentCols = "id, customer_id, amount_cents, method, reference, status, received_on, journal_entry_id"

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	out := []Payment{}
	if err := h.db.SelectContext(r.Context(), &out, "SELECT "+paymentCols+" FROM payments ORDER BY id DESC LIMIT 0, 100"); err != nil { // want sql payments:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	var p Payment
	if err := h.db.GetContext(ctx, &p, "SELECT "+paymentCols+" FROM payments WHERE id = ?", id); err != nil { // want sql payments:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	var allocs []struct {
		Invoice string         `db:"number" json:"invoice"`
		Amount  platform.Cents `db:"amount_cents" json:"amount_cents"`
	}
	if err := h.db.SelectContext(ctx, &allocs, "SELECT i.number, a.amount_cents FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = ?", id); err != nil { // want sql payment_allocations:read invoices:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"payment": p, "allocations": allocs})
}

// RecordRequest records a payment against one invoice.
type RecordRequest struct {
	InvoiceID platform.ID    `json:"invoice_id"`
	Amount    platform.Cents `json:"amount_cents"`
	Method    string         `json:"method"`
	Reference string         `json:"reference"`
}

// ErrOverpaid is returned when a payment exceeds the open amount of the invoice.
var ErrOverpaid = errors.New("payment exceeds the open amount")

func (h *Handler) record(w http.ResponseWriter, r *http.Request) {
	var in RecordRequest
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	p, err := h.recordPayment(r.Context(), in)
	switch {
	case errors.Is(err, ErrOverpaid), errors.Is(err, journal.ErrUnbalanced):
		platform.WriteError(w, http.StatusUnprocessableEntity, err)
	case err != nil:
		platform.WriteError(w, http.StatusBadRequest, err)
	default:
		platform.WriteJSON(w, http.StatusCreated, p)
	}
}

// recordPayment writes the payment, allocates it to the invoice, settles the invoice and posts
// the cash receipt to the journal, all in one database transaction.
func (h *Handler) recordPayment(ctx context.Context, in RecordRequest) (Payment, error) {
	if in.Amount <= 0 {
		return Payment{}, fmt.Errorf("record payment: amount must be positive")
	}
	tx, err := h.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead}) // want tx invoices:read payments:insert payment_allocations:insert invoices:update fiscal_periods:read accounts:read journal_entries:insert journal_lines:insert payments:update
	if err != nil {
		return Payment{}, fmt.Errorf("record payment: %w", err)
	}
	defer tx.Rollback()

	var inv struct {
		CustomerID platform.ID    `db:"customer_id"`
		Number     string         `db:"number"`
		Total      platform.Cents `db:"total_cents"`
		Paid       platform.Cents `db:"amount_paid_cents"`
		Status     string         `db:"status"`
	}
	if err := tx.GetContext(ctx, &inv, "SELECT customer_id, number, total_cents, amount_paid_cents, status FROM invoices WHERE id = ? FOR UPDATE", in.InvoiceID); err != nil { // want sql invoices:read
		return Payment{}, fmt.Errorf("record payment: invoice %d: %w", in.InvoiceID, err)
	}
	if inv.Status != "issued" {
		return Payment{}, fmt.Errorf("record payment: invoice %s is %s", inv.Number, inv.Status)
	}
	if in.Amount > inv.Total-inv.Paid {
		return Payment{}, fmt.Errorf("record payment: %w (%s > %s)", ErrOverpaid, in.Amount, inv.Total-inv.Paid)
	}
	p := Payment{CustomerID: inv.CustomerID, Amount: in.Amount, Method: in.Method, Reference: in.Reference, Status: "settled", ReceivedOn: platform.Today()}
	if p.Reference == "" {
		p.Reference = "PAY-" + platform.NewToken()[:12]
	}
	res, err := tx.ExecContext(ctx, insertPayment, p.CustomerID, p.Amount, p.Method, p.Reference, p.ReceivedOn) // want sql payments:insert
	if err != nil {
		return Payment{}, fmt.Errorf("record payment: %w", err)
	}
	pid, _ := res.LastInsertId()
	p.ID = platform.ID(pid)
	if _, err := tx.ExecContext(ctx, "INSERT INTO payment_allocations (payment_id, invoice_id, amount_cents) VALUES (?, ?, ?)", p.ID, in.InvoiceID, p.Amount); err != nil { // want sql payment_allocations:insert
		return Payment{}, fmt.Errorf("record payment: %w", err)
	}
	// Settle the invoice here rather than through invoicing: same transaction, someone else's table.
	if _, err := tx.ExecContext(ctx, settleInvoice, p.Amount, p.Amount, in.InvoiceID); err != nil { // want sql invoices:update
		return Payment{}, fmt.Errorf("record payment: settle invoice: %w", err)
	}
	src := p.ID
	entryID, err := journal.Post(ctx, tx, journal.Entry{
		Date: p.ReceivedOn, Memo: "Payment " + p.Reference + " for " + inv.Number, Source: "payment", SourceID: &src,
		Lines: []journal.Line{{AccountCode: "1000", Debit: p.Amount}, {AccountCode: "1100", Credit: p.Amount}},
	})
	if err != nil {
		return Payment{}, fmt.Errorf("record payment: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE payments SET journal_entry_id = ? WHERE id = ?", entryID, p.ID); err != nil { // want sql payments:update
		return Payment{}, fmt.Errorf("record payment: %w", err)
	}
	p.EntryID = &entryID
	return p, tx.Commit()
}

const insertPayment = "INSERT INTO payments (customer_id, amount_cents, method, reference, received_on) VALUES (?, ?, ?, ?, ?)"

const settleInvoice = `UPDATE invoices
SET amount_paid_cents = amount_paid_cents + ?,
    status = IF(amount_paid_cents + ? >= total_cents, 'paid', status)
WHERE id = ?`
