package handler

import (
	"net/http"
	"strings"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/service"
)

// Identity serves accounts and sessions, and authenticates every request.
type Identity struct{ svc *service.Identity }

// NewIdentity returns the identity handler.
func NewIdentity(svc *service.Identity) *Identity { return &Identity{svc: svc} }

// Register adds the identity routes to mux.
func (h *Identity) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/users", h.register) // want route POST /api/users
	mux.HandleFunc("POST /api/login", h.login)    // want route POST /api/login
	mux.HandleFunc("POST /api/logout", h.logout)  // want route POST /api/logout
	mux.HandleFunc("GET /api/me", h.me)           // want route GET /api/me
	mux.HandleFunc("PUT /api/me", h.rename)       // want route PUT /api/me
	mux.HandleFunc("GET /api/users", h.find)      // want route GET /api/users
}

func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// Authenticate puts the user of a valid bearer token into the request context.
func (h *Identity) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := bearer(r); tok != "" {
			if id, err := h.svc.Authenticate(r.Context(), tok); err == nil {
				r = r.WithContext(httpx.WithUser(r.Context(), id))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// currentUser returns the authenticated user or writes 401.
func currentUser(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := httpx.UserID(r.Context())
	if !ok {
		httpx.Error(w, http.StatusUnauthorized, "login required")
	}
	return id, ok
}

func (h *Identity) register(w http.ResponseWriter, r *http.Request) {
	var in struct{ Email, Name, Password string }
	if err := httpx.Decode(r, &in); err != nil || in.Email == "" {
		httpx.Error(w, http.StatusBadRequest, "email, name and password are required")
		return
	}
	u, err := h.svc.Register(r.Context(), in.Email, in.Name, in.Password)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, u)
}

func (h *Identity) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Email, Password string }
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	tok, err := h.svc.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"token": tok})
}

func (h *Identity) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.Logout(r.Context(), bearer(r)); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Identity) me(w http.ResponseWriter, r *http.Request) {
	id, ok := currentUser(w, r)
	if !ok {
		return
	}
	u, err := h.svc.User(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, u)
}

func (h *Identity) rename(w http.ResponseWriter, r *http.Request) {
	id, ok := currentUser(w, r)
	if !ok {
		return
	}
	var in struct{ Name string }
	if err := httpx.Decode(r, &in); err != nil || in.Name == "" {
		httpx.Error(w, http.StatusBadRequest, "name is required")
		return
	}
	if err := h.svc.Rename(r.Context(), id, in.Name); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Identity) find(w http.ResponseWriter, r *http.Request) {
	us, err := h.svc.Find(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, us)
}
