package accounts

// The period close landed here because the chart-of-accounts team wrote it; it works on
// fiscal periods and journal balances, not on the chart.

import (
	"errors"
	"net/http"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
)

func (h *Handler) registerPeriodClose(api *mux.Router) {
	api.HandleFunc("/periods/{id}/close", h.closePeriod).Methods(http.MethodPost) // want route POST /api/v1/periods/{id}/close
}

func (h *Handler) closePeriod(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	var status string
	if err := h.db.QueryRowContext(ctx, "SELECT status FROM fiscal_periods WHERE id = ?", id).Scan(&status); err != nil { // want sql fiscal_periods:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if status != "open" {
		platform.WriteError(w, http.StatusConflict, errors.New("close period: already closed"))
		return
	}
	if _, err := h.db.ExecContext(ctx, "CALL close_period(?)", id); err != nil { // want sql call:close_period
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	var n int
	if err := h.db.GetContext(ctx, &n, "SELECT COUNT(*) FROM period_balances WHERE period_id = ?", id); err != nil { // want sql period_balances:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"period_id": id, "status": "closed", "balances": n})
}
