package journal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Handler serves /api/v1/journal.
type Handler struct{ db *sqlx.DB }

// New returns the journal handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the journal routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	j := api.PathPrefix("/journal").Subrouter()
	j.HandleFunc("/entries", h.list).Methods("GET")                         // want route GET /api/v1/journal/entries
	j.HandleFunc("/entries", h.create).Methods("POST")                      // want route POST /api/v1/journal/entries
	j.HandleFunc("/entries/{id:[0-9]+}", h.get).Methods("GET")              // want route GET /api/v1/journal/entries/{id}
	j.HandleFunc("/entries/{id:[0-9]+}/reverse", h.reverse).Methods("POST") // want route POST /api/v1/journal/entries/{id}/reverse
	j.HandleFunc("/periods", h.periods).Methods("GET")                      // want route GET /api/v1/journal/periods
	j.HandleFunc("/periods", h.openPeriod).Methods("POST")                  // want route POST /api/v1/journal/periods
}

type entryRow struct {
	ID        int64     `db:"id" json:"id"`
	EntryDate time.Time `db:"entry_date" json:"entry_date"`
	Memo      string    `db:"memo" json:"memo"`
	Source    string    `db:"source" json:"source"`
	Period    string    `db:"period" json:"period"`
}

const listEntriesSQL = `SELECT e.id, e.entry_date, e.memo, e.source, p.name AS period
FROM journal_entries e JOIN fiscal_periods p ON p.id = e.period_id
ORDER BY e.id DESC LIMIT ?, 50`

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	out := []entryRow{}
	err := h.db.SelectContext(r.Context(), &out, listEntriesSQL, offset) // want sql journal_entries:read fiscal_periods:read
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
	ctx := r.Context()
	var e entryRow
	if err := h.db.GetContext(ctx, &e, "SELECT e.id, e.entry_date, e.memo, e.source, p.name AS period FROM journal_entries e JOIN fiscal_periods p ON p.id = e.period_id WHERE e.id = ?", id); err != nil { // want sql journal_entries:read fiscal_periods:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	lines, err := entryLines(ctx, h.db, id)
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, map[string]any{"entry": e, "lines": lines})
}

// entryLines reads an entry's lines with account codes (joins the accounts table).
func entryLines(ctx context.Context, q sqlx.QueryerContext, id platform.ID) ([]Line, error) {
	var rows []struct {
		Code   string         `db:"code"`
		Debit  platform.Cents `db:"debit_cents"`
		Credit platform.Cents `db:"credit_cents"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, "SELECT a.code, l.debit_cents, l.credit_cents FROM journal_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = ? ORDER BY l.id", id) // want sql journal_lines:read accounts:read
	if err != nil {
		return nil, fmt.Errorf("entry lines: %w", err)
	}
	out := make([]Line, len(rows))
	for i, r := range rows {
		out[i] = Line{AccountCode: r.Code, Debit: r.Debit, Credit: r.Credit}
	}
	return out, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var e Entry
	if err := platform.DecodeJSON(r, &e); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if e.Date.IsZero() {
		e.Date = platform.Today()
	}
	ctx := r.Context()
	tx, err := h.db.BeginTxx(ctx, nil) // want tx fiscal_periods:read accounts:read journal_entries:insert journal_lines:insert
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer tx.Rollback()
	id, err := Post(ctx, tx, e)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrUnbalanced) {
			status = http.StatusUnprocessableEntity
		}
		platform.WriteError(w, status, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": id})
}

// reverse posts the mirror image of an entry and links the two.
func (h *Handler) reverse(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	tx, err := h.db.BeginTxx(ctx, nil) // want tx journal_entries:read journal_lines:read accounts:read fiscal_periods:read journal_entries:insert journal_lines:insert journal_entries:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer tx.Rollback()
	var memo string
	var reversed *int64
	if err := tx.QueryRowxContext(ctx, "SELECT memo, reversed_by_id FROM journal_entries WHERE id = ? FOR UPDATE", id).Scan(&memo, &reversed); err != nil { // want sql journal_entries:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if reversed != nil {
		platform.WriteError(w, http.StatusConflict, fmt.Errorf("reverse entry %d: already reversed", id))
		return
	}
	lines, err := entryLines(ctx, tx, id)
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	for i := range lines {
		lines[i].Debit, lines[i].Credit = lines[i].Credit, lines[i].Debit
	}
	src := id
	newID, err := Post(ctx, tx, Entry{Date: platform.Today(), Memo: "Reversal of " + memo, Source: "reversal", SourceID: &src, Lines: lines})
	if err != nil {
		platform.WriteError(w, http.StatusUnprocessableEntity, err)
		return
	}
	if _, err := tx.ExecContext(ctx, "UPDATE journal_entries SET reversed_by_id = ? WHERE id = ?", newID, id); err != nil { // want sql journal_entries:update
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if err := tx.Commit(); err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": newID})
}

type period struct {
	ID       int64      `db:"id" json:"id"`
	Name     string     `db:"name" json:"name"`
	StartsOn time.Time  `db:"starts_on" json:"starts_on"`
	EndsOn   time.Time  `db:"ends_on" json:"ends_on"`
	Status   string     `db:"status" json:"status"`
	ClosedAt *time.Time `db:"closed_at" json:"closed_at,omitempty"`
}

func (h *Handler) periods(w http.ResponseWriter, r *http.Request) {
	out := []period{}
	if err := h.db.SelectContext(r.Context(), &out, "SELECT id, name, starts_on, ends_on, status, closed_at FROM fiscal_periods ORDER BY starts_on"); err != nil { // want sql fiscal_periods:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) openPeriod(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name" db:"name"`
		StartsOn string `json:"starts_on" db:"starts_on"`
		EndsOn   string `json:"ends_on" db:"ends_on"`
	}
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	res, err := h.db.NamedExecContext(r.Context(), "INSERT INTO fiscal_periods (name, starts_on, ends_on) VALUES (:name, :starts_on, :ends_on)", in) // want sql fiscal_periods:insert
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	id, _ := res.LastInsertId()
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": id})
}
