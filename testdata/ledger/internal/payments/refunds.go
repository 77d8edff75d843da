package payments

import (
	"fmt"
	"net/http"
	"time"

	"example.com/ledger/internal/platform"
)

type refund struct {
	ID        int64          `db:"id" json:"id"`
	Amount    platform.Cents `db:"amount_cents" json:"amount_cents"`
	Reason    string         `db:"reason" json:"reason"`
	CreatedAt time.Time      `db:"created_at" json:"created_at"`
}

func (h *Handler) refunds(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	out := []refund{}
	if err := h.db.SelectContext(r.Context(), &out, "SELECT id, amount_cents, reason, created_at FROM refunds WHERE payment_id = ? ORDER BY id", id); err != nil { // want sql refunds:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

// refund records a (partial) refund of a payment; the payment is marked refunded when the
// refunds add up to its amount.
func (h *Handler) refund(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var in struct {
		Amount platform.Cents `json:"amount_cents"`
		Reason string         `json:"reason"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	tx, err := h.db.BeginTxx(ctx, nil) // want tx payments:read refunds:read refunds:insert payments:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer tx.Rollback()
	var amount, refunded platform.Cents
	if err := tx.QueryRowContext(ctx, "SELECT amount_cents FROM payments WHERE id = ? FOR UPDATE", id).Scan(&amount); err != nil { // want sql payments:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if err := tx.GetContext(ctx, &refunded, "SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE payment_id = ?", id); err != nil { // want sql refunds:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if in.Amount <= 0 || refunded+in.Amount > amount {
		platform.WriteError(w, http.StatusUnprocessableEntity, fmt.Errorf("refund payment %d: amount %s out of range (refundable %s)", id, in.Amount, amount-refunded))
		return
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO refunds (payment_id, amount_cents, reason) VALUES (?, ?, ?)", id, in.Amount, in.Reason); err != nil { // want sql refunds:insert
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if refunded+in.Amount == amount {
		if _, err := tx.ExecContext(ctx, "UPDATE payments SET status = 'refunded' WHERE id = ?", id); err != nil { // want sql payments:update
			platform.WriteError(w, http.StatusInternalServerError, err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"payment_id": id, "refunded_cents": refunded + in.Amount})
}
