// Package accounts owns the chart of accounts and its groups.
package accounts

import (
	"fmt"
	"net/http"
	"strings"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Account is one account of the chart.
type Account struct {
	ID        platform.ID `db:"id" json:"id"`
	Code      string      `db:"code" json:"code"`
	Name      string      `db:"name" json:"name"`
	Type      string      `db:"type" json:"type"`
	GroupCode *string     `db:"group_code" json:"group_code,omitempty"`
	Active    bool        `db:"active" json:"active"`
}

// Handler serves /api/v1/accounts, /api/v1/account-groups and the period close.
type Handler struct{ db *sqlx.DB }

// New returns the accounts handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	acc := api.PathPrefix("/accounts").Subrouter()
	acc.HandleFunc("", h.list).Methods(http.MethodGet)           // want route GET /api/v1/accounts
	acc.HandleFunc("", h.create).Methods(http.MethodPost)        // want route POST /api/v1/accounts
	acc.HandleFunc("/{code}", h.get).Methods(http.MethodGet)     // want route GET /api/v1/accounts/{code}
	acc.HandleFunc("/{code}", h.patch).Methods(http.MethodPatch) // want route PATCH /api/v1/accounts/{code}
	grp := api.PathPrefix("/account-groups").Subrouter()
	grp.HandleFunc("", h.groups).Methods(http.MethodGet)          // want route GET /api/v1/account-groups
	grp.HandleFunc("/{code}", h.putGroup).Methods(http.MethodPut) // want route PUT /api/v1/account-groups/{code}
	h.registerPeriodClose(api)
}

// NormalizeCode trims and upper-cases an account code ("  1100 " → "1100").
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

const accountSelectFmt = "SELECT %s FROM accounts a LEFT JOIN account_groups g ON g.id = a.group_id"
const accountCols = "a.id, a.code, a.name, a.type, g.code AS group_code, a.active"

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	out := []Account{}
	q := fmt.Sprintf(accountSelectFmt+" ORDER BY a.code", accountCols)
	if err := h.db.SelectContext(r.Context(), &out, q); err != nil { // want sql accounts:read account_groups:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	var a Account
	q := fmt.Sprintf(accountSelectFmt+" WHERE a.code = ?", accountCols)
	if err := h.db.GetContext(r.Context(), &a, q, NormalizeCode(mux.Vars(r)["code"])); err != nil { // want sql accounts:read account_groups:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, a)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code    string       `json:"code" db:"code"`
		Name    string       `json:"name" db:"name"`
		Type    string       `json:"type" db:"type"`
		GroupID *platform.ID `json:"group_id" db:"group_id"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	in.Code = NormalizeCode(in.Code)
	_, err := h.db.NamedExecContext(r.Context(), "INSERT INTO `accounts` (`code`, `name`, `type`, `group_id`) VALUES (:code, :name, :type, :group_id)", in) // want sql accounts:insert
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, in)
}

func (h *Handler) patch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   string `json:"name"`
		Active bool   `json:"active"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	res, err := h.db.ExecContext(r.Context(), "UPDATE accounts SET name = ?, active = ? WHERE code = ?", in.Name, in.Active, NormalizeCode(mux.Vars(r)["code"])) // want sql accounts:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		platform.WriteError(w, http.StatusNotFound, fmt.Errorf("patch account %q: not found", mux.Vars(r)["code"]))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) groups(w http.ResponseWriter, r *http.Request) {
	rows, err := h.db.QueryContext(r.Context(), "SELECT id, code, name FROM account_groups ORDER BY code") // want sql account_groups:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer rows.Close()
	type group struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
		Name string `json:"name"`
	}
	out := []group{}
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.ID, &g.Code, &g.Name); err != nil {
			platform.WriteError(w, http.StatusInternalServerError, err)
			return
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

const upsertGroup = "INSERT INTO account_groups (code, name) VALUES (?, ?) " +
	"ON DUPLICATE KEY UPDATE name = VALUES(name)"

func (h *Handler) putGroup(w http.ResponseWriter, r *http.Request) {
	var in struct{ Name string }
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if _, err := h.db.ExecContext(r.Context(), upsertGroup, NormalizeCode(mux.Vars(r)["code"]), in.Name); err != nil { // want sql account_groups:upsert
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
