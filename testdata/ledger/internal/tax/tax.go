// Package tax owns tax jurisdictions, rates over time and customer exemptions. It builds its
// queries with squirrel, the only feature that does.
package tax

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"example.com/ledger/internal/platform"
	sq "github.com/Masterminds/squirrel"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Rate is a tax rate valid from a date.
type Rate struct {
	ID             platform.ID `db:"id" json:"id"`
	JurisdictionID platform.ID `db:"jurisdiction_id" json:"jurisdiction_id"`
	Name           string      `db:"name" json:"name"`
	BasisPoints    int         `db:"rate_bps" json:"rate_bps"`
	ValidFrom      time.Time   `db:"valid_from" json:"valid_from"`
	ValidTo        *time.Time  `db:"valid_to" json:"valid_to,omitempty"`
}

// Handler serves /api/v1/tax.
type Handler struct{ db *sqlx.DB }

// New returns the tax handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the tax routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	t := api.PathPrefix("/tax").Subrouter()
	t.HandleFunc("/rates", h.listRates).Methods(http.MethodGet)                                     // want route GET /api/v1/tax/rates
	t.HandleFunc("/rates", h.createRate).Methods(http.MethodPost)                                   // want route POST /api/v1/tax/rates
	t.HandleFunc("/rates/{id}", h.updateRate).Methods(http.MethodPut)                               // want route PUT /api/v1/tax/rates/{id}
	t.HandleFunc("/jurisdictions", h.jurisdictions).Methods(http.MethodGet)                         // want route GET /api/v1/tax/jurisdictions
	t.HandleFunc("/quote", h.quote)                                                                 // want route ANY /api/v1/tax/quote
	t.HandleFunc("/exemptions/{customerID}", h.exemptions).Methods(http.MethodGet)                  // want route GET /api/v1/tax/exemptions/{customerID}
	t.HandleFunc("/exemptions/{customerID}/{jurisdiction}", h.putExemption).Methods(http.MethodPut) // want route PUT /api/v1/tax/exemptions/{customerID}/{jurisdiction}
}

// RateFor returns the rate of a jurisdiction (by code) valid on a date. Invoicing calls it.
func RateFor(ctx context.Context, db sqlx.QueryerContext, jurisdiction string, on time.Time) (Rate, error) {
	q, args, err := sq.Select( // want sql tax_rates:read tax_jurisdictions:read
		"r.id", "r.jurisdiction_id", "r.name", "r.rate_bps", "r.valid_from", "r.valid_to",
	).
		From("tax_rates r").
		Join("tax_jurisdictions j ON j.id = r.jurisdiction_id").
		Where(sq.Eq{"j.code": jurisdiction}).
		Where(sq.LtOrEq{"r.valid_from": on}).
		Where(sq.Or{sq.Eq{"r.valid_to": nil}, sq.GtOrEq{"r.valid_to": on}}).
		OrderBy("r.valid_from DESC").
		Limit(1).
		ToSql()
	if err != nil {
		return Rate{}, fmt.Errorf("rate for %q: %w", jurisdiction, err)
	}
	var r Rate
	if err := sqlx.GetContext(ctx, db, &r, q, args...); err != nil {
		return Rate{}, fmt.Errorf("rate for %q on %s: %w", jurisdiction, on.Format(time.DateOnly), err)
	}
	return r, nil
}

// IsExempt reports whether a customer holds a valid exemption certificate for a jurisdiction.
func IsExempt(ctx context.Context, db *sql.DB, customerID platform.ID, jurisdiction string, on time.Time) (bool, error) {
	var n int
	err := sq.Select( // want sql tax_exemptions:read tax_jurisdictions:read
		"COUNT(*)",
	).From("tax_exemptions e").
		Join("tax_jurisdictions j ON j.id = e.jurisdiction_id").
		Where(sq.Eq{"e.customer_id": customerID, "j.code": jurisdiction}).
		Where(sq.Or{sq.Eq{"e.expires_on": nil}, sq.GtOrEq{"e.expires_on": on}}).
		RunWith(db).QueryRowContext(ctx).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is exempt: %w", err)
	}
	return n > 0, nil
}

func (h *Handler) listRates(w http.ResponseWriter, r *http.Request) {
	rows, err := sq.Select("id", "jurisdiction_id", "name", "rate_bps", "valid_from", "valid_to").From("tax_rates").OrderBy("jurisdiction_id", "valid_from").RunWith(h.db.DB).QueryContext(r.Context()) // want sql tax_rates:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer rows.Close()
	out := []Rate{}
	for rows.Next() {
		var x Rate
		if err := rows.Scan(&x.ID, &x.JurisdictionID, &x.Name, &x.BasisPoints, &x.ValidFrom, &x.ValidTo); err != nil {
			platform.WriteError(w, http.StatusInternalServerError, err)
			return
		}
		out = append(out, x)
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) createRate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		JurisdictionID platform.ID `json:"jurisdiction_id"`
		Name           string      `json:"name"`
		BasisPoints    int         `json:"rate_bps"`
		ValidFrom      string      `json:"valid_from"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	res, err := sq.Insert( // want sql tax_rates:insert
		"tax_rates",
	).
		Columns("jurisdiction_id", "name", "rate_bps", "valid_from").
		Values(in.JurisdictionID, in.Name, in.BasisPoints, in.ValidFrom).
		RunWith(h.db.DB).ExecContext(r.Context())
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	id, _ := res.LastInsertId()
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": id})
}

func (h *Handler) updateRate(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var in struct {
		BasisPoints int     `json:"rate_bps"`
		ValidTo     *string `json:"valid_to"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	upd := sq.Update("tax_rates").Set("rate_bps", in.BasisPoints).Where(sq.Eq{"id": id})
	if in.ValidTo != nil {
		upd = upd.Set("valid_to", *in.ValidTo)
	}
	q, args, err := upd.ToSql() // want sql tax_rates:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if _, err := h.db.ExecContext(r.Context(), q, args...); err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) jurisdictions(w http.ResponseWriter, r *http.Request) {
	var out []struct {
		ID      int64  `db:"id" json:"id"`
		Code    string `db:"code" json:"code"`
		Name    string `db:"name" json:"name"`
		Country string `db:"country" json:"country"`
	}
	if err := h.db.Select(&out, "SELECT id, code, name, country FROM tax_jurisdictions ORDER BY code"); err != nil { // want sql tax_jurisdictions:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

// quote computes the tax on an amount: /quote?jurisdiction=DE&amount=100.00&customer=1.
func (h *Handler) quote(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	amount, err := platform.ParseCents(r.URL.Query().Get("amount"))
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	j := r.URL.Query().Get("jurisdiction")
	rate, err := RateFor(ctx, h.db, j, platform.Today())
	if err != nil {
		platform.WriteError(w, http.StatusNotFound, err)
		return
	}
	bps := rate.BasisPoints
	if c := r.URL.Query().Get("customer"); c != "" {
		id, err := platform.ParseID(c)
		if err != nil {
			platform.WriteError(w, http.StatusBadRequest, err)
			return
		}
		exempt, err := IsExempt(ctx, h.db.DB, id, j, platform.Today())
		if err != nil {
			platform.WriteError(w, http.StatusInternalServerError, err)
			return
		}
		if exempt {
			bps = 0
		}
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"amount_cents": amount, "rate_bps": bps, "tax_cents": platform.ApplyBasisPoints(amount, bps)})
}
