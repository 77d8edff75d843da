package tax

import (
	"fmt"
	"net/http"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
)

type exemption struct {
	CustomerID     int64   `db:"customer_id" json:"customer_id"`
	JurisdictionID int64   `db:"jurisdiction_id" json:"jurisdiction_id"`
	Certificate    string  `db:"certificate" json:"certificate"`
	ExpiresOn      *string `db:"expires_on" json:"expires_on,omitempty"`
}

func (h *Handler) exemptions(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "customerID")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	out := []exemption{}
	if err := h.db.SelectContext(r.Context(), &out, "SELECT customer_id, jurisdiction_id, certificate, DATE_FORMAT(expires_on, '%Y-%m-%d') AS expires_on FROM tax_exemptions WHERE customer_id = ?", id); err != nil { // want sql tax_exemptions:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) putExemption(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := platform.PathID(r, "customerID")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var in struct {
		Certificate string  `json:"certificate"`
		ExpiresOn   *string `json:"expires_on"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	// The customer must exist and be active: checked against the customers table directly.
	var active int
	if err := h.db.GetContext(ctx, &active, "SELECT COUNT(*) FROM customers WHERE id = ? AND status = 'active'", id); err != nil { // want sql customers:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if active == 0 {
		platform.WriteError(w, http.StatusNotFound, fmt.Errorf("put exemption: no active customer %d", id))
		return
	}
	_, err = h.db.ExecContext(ctx, upsertExemptionSQL, id, in.Certificate, in.ExpiresOn, mux.Vars(r)["jurisdiction"]) // want sql tax_exemptions:upsert tax_jurisdictions:read
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// upsertExemptionSQL resolves the jurisdiction code in the same statement (INSERT ... SELECT).
const upsertExemptionSQL = `INSERT INTO tax_exemptions (customer_id, jurisdiction_id, certificate, expires_on)
SELECT ?, id, ?, ? FROM tax_jurisdictions WHERE code = ?
ON DUPLICATE KEY UPDATE certificate = VALUES(certificate), expires_on = VALUES(expires_on)`
