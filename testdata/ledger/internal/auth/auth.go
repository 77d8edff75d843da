// Package auth owns staff users, API keys and login sessions.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// User is a staff member who can log in.
type User struct {
	ID           platform.ID `db:"id" json:"id"`
	Email        string      `db:"email" json:"email"`
	Name         string      `db:"name" json:"name"`
	PasswordHash string      `db:"password_hash" json:"-"`
	Role         string      `db:"role" json:"role"`
}

// APIKey is a long-lived credential of a user; only its hash is stored.
type APIKey struct {
	ID        platform.ID `db:"id" json:"id"`
	Name      string      `db:"name" json:"name"`
	CreatedAt time.Time   `db:"created_at" json:"created_at"`
}

// Handler serves /api/v1/auth.
type Handler struct{ db *sqlx.DB }

// New returns the auth handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the auth routes under api (which carries the /api/v1 prefix).
func (h *Handler) Register(api *mux.Router) {
	s := api.PathPrefix("/auth").Subrouter()
	s.HandleFunc("/login", h.login).Methods(http.MethodPost)               // want route POST /api/v1/auth/login
	s.HandleFunc("/logout", h.logout).Methods(http.MethodPost)             // want route POST /api/v1/auth/logout
	s.HandleFunc("/me", h.me).Methods(http.MethodGet)                      // want route GET /api/v1/auth/me
	s.HandleFunc("/api-keys", h.listKeys).Methods(http.MethodGet)          // want route GET /api/v1/auth/api-keys
	s.HandleFunc("/api-keys", h.createKey).Methods(http.MethodPost)        // want route POST /api/v1/auth/api-keys
	s.HandleFunc("/api-keys/{id}", h.revokeKey).Methods(http.MethodDelete) // want route DELETE /api/v1/auth/api-keys/{id}
	s.HandleFunc("/users", h.createUser).Methods(http.MethodPost)          // want route POST /api/v1/auth/users
}

const sessionTTL = 12 * time.Hour

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Email, Password string }
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	var u User
	err := h.db.GetContext(ctx, &u, "SELECT id, email, name, password_hash, role FROM users WHERE email = ?", in.Email) // want sql users:read
	if err != nil || u.PasswordHash != "sha256:"+platform.HashToken(in.Password) {
		platform.WriteError(w, http.StatusUnauthorized, errors.New("login: bad email or password"))
		return
	}
	if _, err := h.db.ExecContext(ctx, "UPDATE `users` SET `last_login_at` = NOW() WHERE `id` = ?", u.ID); err != nil { // want sql users:update
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	token := platform.NewToken()
	if _, err := h.db.ExecContext(ctx, insertSession, u.ID, platform.HashToken(token), time.Now().Add(sessionTTL)); err != nil { // want sql sessions:insert
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	go purgeExpired(context.WithoutCancel(ctx), h.db.DB)
	platform.WriteJSON(w, http.StatusOK, map[string]any{"token": token, "user": u})
}

const insertSession = `INSERT INTO sessions (user_id, token, expires_at) VALUES (?, ?, ?)`

// purgeExpired deletes sessions that expired more than a week ago.
func purgeExpired(ctx context.Context, db *sql.DB) {
	_, err := db.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < NOW() - INTERVAL 7 DAY") // want sql sessions:delete
	if err != nil {
		platform.Logger.Warn("purge sessions", "err", err)
	}
}

func bearer(r *http.Request) string {
	const p = "Bearer "
	if a := r.Header.Get("Authorization"); len(a) > len(p) && a[:len(p)] == p {
		return a[len(p):]
	}
	return ""
}

// currentUser resolves the session token of the request.
func (h *Handler) currentUser(r *http.Request) (User, error) {
	var u User
	err := h.db.GetContext(r.Context(), &u, // want sql sessions:read users:read
		`SELECT u.id, u.email, u.name, u.password_hash, u.role
		   FROM sessions s JOIN users u ON u.id = s.user_id
		  WHERE s.token = ? AND s.expires_at > NOW()`, platform.HashToken(bearer(r)))
	return u, err
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	u, err := h.currentUser(r)
	if err != nil {
		platform.WriteError(w, http.StatusUnauthorized, errors.New("me: not logged in"))
		return
	}
	platform.WriteJSON(w, http.StatusOK, u)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if _, err := h.db.ExecContext(r.Context(), "DELETE FROM sessions WHERE token = ?", platform.HashToken(bearer(r))); err != nil { // want sql sessions:delete
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct{ Email, Name, Password, Role string }
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	u := User{Email: in.Email, Name: in.Name, PasswordHash: "sha256:" + platform.HashToken(in.Password), Role: in.Role}
	if u.Role == "" {
		u.Role = "clerk"
	}
	res, err := h.db.NamedExecContext(r.Context(), // want sql users:insert
		`INSERT INTO users (email, name, password_hash, role) VALUES (:email, :name, :password_hash, :role)`, u)
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	id, _ := res.LastInsertId()
	u.ID = platform.ID(id)
	platform.WriteJSON(w, http.StatusCreated, u)
}
