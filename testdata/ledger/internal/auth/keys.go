package auth

import (
	"errors"
	"net/http"

	"example.com/ledger/internal/platform"
)

func (h *Handler) listKeys(w http.ResponseWriter, r *http.Request) {
	u, err := h.currentUser(r)
	if err != nil {
		platform.WriteError(w, http.StatusUnauthorized, errors.New("list keys: not logged in"))
		return
	}
	keys := []APIKey{}
	err = h.db.SelectContext(r.Context(), &keys, "SELECT id, name, created_at FROM api_keys WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", u.ID) // want sql api_keys:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, keys)
}

func (h *Handler) createKey(w http.ResponseWriter, r *http.Request) {
	u, err := h.currentUser(r)
	if err != nil {
		platform.WriteError(w, http.StatusUnauthorized, errors.New("create key: not logged in"))
		return
	}
	var in struct{ Name string }
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	secret := platform.NewToken()
	res, err := h.db.ExecContext(r.Context(), "INSERT INTO api_keys (user_id, name, key_hash) VALUES (?, ?, ?)", u.ID, in.Name, platform.HashToken(secret)) // want sql api_keys:insert
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	id, _ := res.LastInsertId()
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": id, "secret": secret})
}

func (h *Handler) revokeKey(w http.ResponseWriter, r *http.Request) {
	u, err := h.currentUser(r)
	if err != nil {
		platform.WriteError(w, http.StatusUnauthorized, errors.New("revoke key: not logged in"))
		return
	}
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	res, err := h.db.ExecContext(r.Context(), revokeKeySQL, id, u.ID) // want sql api_keys:update
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		platform.WriteError(w, http.StatusNotFound, errors.New("revoke key: no such key"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

const revokeKeySQL = "UPDATE api_keys SET revoked_at = NOW() " +
	"WHERE id = ? AND user_id = ? AND revoked_at IS NULL"
