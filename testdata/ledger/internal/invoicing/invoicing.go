// Package invoicing owns invoices, their lines and invoice numbering.
package invoicing

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"example.com/ledger/internal/platform"
	"example.com/ledger/internal/tax"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Invoice is a bill sent to a customer.
type Invoice struct {
	ID           platform.ID    `db:"id" json:"id"`
	Number       string         `db:"number" json:"number"`
	CustomerID   platform.ID    `db:"customer_id" json:"customer_id"`
	CustomerName string         `db:"customer_name" json:"customer_name,omitempty"`
	Status       string         `db:"status" json:"status"`
	Currency     string         `db:"currency" json:"currency"`
	Subtotal     platform.Cents `db:"subtotal_cents" json:"subtotal_cents"`
	Tax          platform.Cents `db:"tax_cents" json:"tax_cents"`
	Total        platform.Cents `db:"total_cents" json:"total_cents"`
	AmountPaid   platform.Cents `db:"amount_paid_cents" json:"amount_paid_cents"`
	IssuedOn     time.Time      `db:"issued_on" json:"issued_on"`
	DueOn        time.Time      `db:"due_on" json:"due_on"`
}

// LineInput is one line of an invoice to issue.
type LineInput struct {
	Description string         `json:"description"`
	Quantity    int            `json:"quantity"`
	UnitPrice   platform.Cents `json:"unit_price_cents"`
}

// Handler serves /api/v1/invoices.
type Handler struct{ db *sqlx.DB }

// New returns the invoicing handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the invoice routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	inv := api.PathPrefix("/invoices").Subrouter()
	inv.HandleFunc("", h.list).Methods(http.MethodGet)                    // want route GET /api/v1/invoices
	inv.HandleFunc("", h.issue).Methods(http.MethodPost)                  // want route POST /api/v1/invoices
	inv.HandleFunc("/overdue", h.overdue).Methods(http.MethodGet)         // want route GET /api/v1/invoices/overdue
	inv.HandleFunc("/{id:[0-9]+}", h.get).Methods(http.MethodGet)         // want route GET /api/v1/invoices/{id}
	inv.HandleFunc("/{id:[0-9]+}/lines", h.lines).Methods(http.MethodGet) // want route GET /api/v1/invoices/{id}/lines
	inv.HandleFunc("/{id:[0-9]+}/void", h.void).Methods(http.MethodPost)  // want route POST /api/v1/invoices/{id}/void
}

const invoiceCols = "i.id, i.number, i.customer_id, i.status, i.currency, i.subtotal_cents, i.tax_cents, i.total_cents, i.amount_paid_cents, i.issued_on, i.due_on"

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	customer, _ := strconv.ParseInt(r.URL.Query().Get("customer"), 10, 64)
	out := []Invoice{}
	err := h.db.SelectContext(r.Context(), &out, "SELECT "+invoiceCols+", c.name AS customer_name FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE (? = 0 OR i.customer_id = ?) ORDER BY i.id DESC LIMIT 100", customer, customer) // want sql invoices:read customers:read
	if err != nil {
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
	var inv Invoice
	if err := h.db.Get(&inv, "SELECT "+invoiceCols+" FROM invoices i WHERE i.id = ?", id); err != nil { // want sql invoices:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, inv)
}

func (h *Handler) lines(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var out []struct {
		Description string         `db:"description" json:"description"`
		Quantity    int            `db:"quantity" json:"quantity"`
		UnitPrice   platform.Cents `db:"unit_price_cents" json:"unit_price_cents"`
		LineTotal   platform.Cents `db:"line_total_cents" json:"line_total_cents"`
		TaxName     *string        `db:"tax_name" json:"tax_name,omitempty"`
	}
	err = h.db.SelectContext(r.Context(), &out, linesSQL, id) // want sql invoice_lines:read tax_rates:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

const linesSQL = `SELECT l.description, l.quantity, l.unit_price_cents, l.line_total_cents, t.name AS tax_name
FROM invoice_lines l LEFT JOIN tax_rates t ON t.id = l.tax_rate_id
WHERE l.invoice_id = ? ORDER BY l.id`

func (h *Handler) void(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	res, err := h.db.ExecContext(r.Context(), "UPDATE invoices SET status = 'void' WHERE id = ? AND status IN ('draft', 'issued') AND amount_paid_cents = 0", id) // want sql invoices:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		platform.WriteError(w, http.StatusConflict, fmt.Errorf("void invoice %d: not voidable", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) overdue(w http.ResponseWriter, r *http.Request) {
	grace, _ := strconv.Atoi(r.URL.Query().Get("grace_days"))
	out := []Invoice{}
	err := h.db.SelectContext(r.Context(), &out, "SELECT "+invoiceCols+" FROM invoices i WHERE i.status = 'issued' AND i.due_on < CURDATE() - INTERVAL ? DAY ORDER BY i.due_on", grace) // want sql invoices:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	for i := range out {
		out[i].CustomerName = AgingBucket(int(time.Since(out[i].DueOn).Hours() / 24))
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

// AgingBucket names the receivables aging bucket for a number of days past due.
func AgingBucket(daysPastDue int) string {
	switch {
	case daysPastDue <= 0:
		return "current"
	case daysPastDue <= 30:
		return "1-30"
	case daysPastDue <= 60:
		return "31-60"
	case daysPastDue <= 90:
		return "61-90"
	default:
		return "90+"
	}
}

type issueReq struct {
	CustomerID platform.ID `json:"customer_id"`
	Currency   string      `json:"currency"`
	DueDays    int         `json:"due_days"`
	Lines      []LineInput `json:"lines"`
}

func (h *Handler) issue(w http.ResponseWriter, r *http.Request) {
	var in issueReq
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	inv, err := h.issueInvoice(r.Context(), in)
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, inv)
}

// issueInvoice prices the lines with the customer's tax rate and writes the invoice.
func (h *Handler) issueInvoice(ctx context.Context, in issueReq) (Invoice, error) {
	if len(in.Lines) == 0 {
		return Invoice{}, fmt.Errorf("issue invoice: no lines")
	}
	prof, err := billingProfile(ctx, h.db, in.CustomerID)
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	today := platform.Today()
	rate, err := tax.RateFor(ctx, h.db, prof.Country, today)
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	exempt, err := tax.IsExempt(ctx, h.db.DB, in.CustomerID, prof.Country, today)
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	inv := Invoice{CustomerID: in.CustomerID, Currency: in.Currency, Status: "issued", IssuedOn: today, DueOn: today.AddDate(0, 0, max(in.DueDays, 14))}
	if inv.Currency == "" {
		inv.Currency = "EUR"
	}
	for _, l := range in.Lines {
		inv.Subtotal += platform.Cents(l.Quantity) * l.UnitPrice
	}
	if !exempt {
		inv.Tax = platform.ApplyBasisPoints(inv.Subtotal, rate.BasisPoints)
	}
	inv.Total = inv.Subtotal + inv.Tax

	tx, err := h.db.BeginTxx(ctx, nil) // want tx invoice_sequences:upsert invoice_sequences:read invoices:insert invoice_lines:insert
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO invoice_sequences (prefix, next_number) VALUES ('INV', 2) ON DUPLICATE KEY UPDATE next_number = next_number + 1"); err != nil { // want sql invoice_sequences:upsert
		return Invoice{}, fmt.Errorf("issue invoice: number: %w", err)
	}
	var next int64
	if err := tx.GetContext(ctx, &next, "SELECT next_number FROM invoice_sequences WHERE prefix = 'INV'"); err != nil { // want sql invoice_sequences:read
		return Invoice{}, fmt.Errorf("issue invoice: number: %w", err)
	}
	inv.Number = fmt.Sprintf("INV-%d", next-1)
	res, err := tx.NamedExecContext(ctx, insertInvoiceSQL, inv) // want sql invoices:insert
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	id, _ := res.LastInsertId()
	inv.ID = platform.ID(id)
	stmt, err := tx.PreparexContext(ctx, "INSERT INTO invoice_lines (invoice_id, description, quantity, unit_price_cents, tax_rate_id, line_total_cents) VALUES (?, ?, ?, ?, ?, ?)") // want sql invoice_lines:insert
	if err != nil {
		return Invoice{}, fmt.Errorf("issue invoice: %w", err)
	}
	defer stmt.Close()
	for _, l := range in.Lines {
		if _, err := stmt.ExecContext(ctx, inv.ID, l.Description, l.Quantity, l.UnitPrice, rate.ID, platform.Cents(l.Quantity)*l.UnitPrice); err != nil {
			return Invoice{}, fmt.Errorf("issue invoice: line %q: %w", l.Description, err)
		}
	}
	return inv, tx.Commit()
}

const insertInvoiceSQL = `INSERT INTO invoices (number, customer_id, status, currency, subtotal_cents, tax_cents, total_cents, issued_on, due_on)
VALUES (:number, :customer_id, :status, :currency, :subtotal_cents, :tax_cents, :total_cents, :issued_on, :due_on)`
