package sale

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Server serves the time-sale API under /api/sale, the same paths as the shop monolith.
type Server struct {
	st *Store
	// IdentityURL is the base URL of the service that answers GET /api/me for a bearer token
	// (the shop). Empty means requests carry the user id in an X-User-ID header (development).
	IdentityURL string
	// Client calls the identity service; nil means a client with a 5 s timeout.
	Client *http.Client
	Log    *slog.Logger
}

// NewServer returns a server over st.
func NewServer(st *Store, identityURL string, log *slog.Logger) *Server {
	return &Server{st: st, IdentityURL: strings.TrimRight(identityURL, "/"), Client: &http.Client{Timeout: 5 * time.Second}, Log: log}
}

// Handler returns the HTTP handler; every response carries X-Served-By: timesale-service.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)                               // want route GET /healthz
	mux.HandleFunc("GET /api/sale/active", s.active)                       // want route GET /api/sale/active
	mux.HandleFunc("GET /api/sale/{id}", s.get)                            // want route GET /api/sale/{id}
	mux.HandleFunc("GET /api/sale/{id}/items", s.items)                    // want route GET /api/sale/{id}/items
	mux.HandleFunc("POST /api/sale/{id}/reserve", s.reserve)               // want route POST /api/sale/{id}/reserve
	mux.HandleFunc("POST /api/sale/reservations/{rid}/release", s.release) // want route POST /api/sale/reservations/{rid}/release
	mux.HandleFunc("POST /api/sale/admin/sales", s.create)                 // want route POST /api/sale/admin/sales
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "timesale-service")
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	default:
		s.Log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

func pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("parse id: %q is not a positive integer", r.PathValue(name)))
		return 0, false
	}
	return id, true
}

// user returns the caller's user id, or writes 401.
func (s *Server) user(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if s.IdentityURL == "" {
		id, err := strconv.ParseInt(r.Header.Get("X-User-ID"), 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusUnauthorized, "login required")
			return 0, false
		}
		return id, true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		writeError(w, http.StatusUnauthorized, "login required")
		return 0, false
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.IdentityURL+"/api/me", nil)
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	req.Header.Set("Authorization", auth)
	resp, err := s.Client.Do(req)
	if err != nil {
		s.fail(w, r, fmt.Errorf("identity: %w", err))
		return 0, false
	}
	defer resp.Body.Close()
	var me struct {
		ID int64 `json:"id"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&me) != nil || me.ID <= 0 {
		writeError(w, http.StatusUnauthorized, "login required")
		return 0, false
	}
	return me.ID, true
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Ping(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "database unreachable")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) active(w http.ResponseWriter, r *http.Request) {
	ss, err := s.st.Active(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ss)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	sale, err := s.st.Sale(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.st.Items(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sale": sale, "items": items})
}

func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	if _, err := s.st.Sale(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.st.Items(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, items)
}

func (s *Server) reserve(w http.ResponseWriter, r *http.Request) {
	userID, ok := s.user(w, r)
	if !ok {
		return
	}
	saleID, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var in struct {
		ItemID int64 `json:"item_id"`
		Qty    int   `json:"qty"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if in.Qty <= 0 || in.Qty > 2 {
		s.fail(w, r, fmt.Errorf("reserve: qty must be 1 or 2, got %d: %w", in.Qty, ErrConflict))
		return
	}
	sale, err := s.st.Sale(r.Context(), saleID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if now := time.Now(); sale.Status != "active" || now.Before(sale.StartsAt) || now.After(sale.EndsAt) {
		s.fail(w, r, fmt.Errorf("reserve: sale %d is not running: %w", saleID, ErrConflict))
		return
	}
	id, err := s.st.Reserve(r.Context(), saleID, in.ItemID, userID, in.Qty)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"reservation_id": id})
}

func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	userID, ok := s.user(w, r)
	if !ok {
		return
	}
	rid, ok := pathID(w, r, "rid")
	if !ok {
		return
	}
	if err := s.st.Release(r.Context(), rid, userID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title    string    `json:"title"`
		StartsAt time.Time `json:"starts_at"`
		EndsAt   time.Time `json:"ends_at"`
		Items    []Item    `json:"items"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !in.EndsAt.After(in.StartsAt) {
		s.fail(w, r, fmt.Errorf("create sale: ends_at must be after starts_at: %w", ErrConflict))
		return
	}
	id, err := s.st.Create(r.Context(), in.Title, in.StartsAt, in.EndsAt, in.Items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}
