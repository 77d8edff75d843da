package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/service"
	"example.com/shop/internal/store"
	"github.com/go-chi/chi/v5"
)

// Promotions serves coupons.
type Promotions struct{ svc *service.Promotions }

// NewPromotions returns the promotions handler.
func NewPromotions(svc *service.Promotions) *Promotions { return &Promotions{svc: svc} }

// Routes registers the public coupon route on r.
func (h *Promotions) Routes(r chi.Router) {
	r.Get("/api/coupons/{code}", h.lookup) // want route GET /api/coupons/{code}
}

// AdminRoutes registers the coupon administration routes on r (an admin-only group).
func (h *Promotions) AdminRoutes(r chi.Router) {
	r.Get("/api/admin/coupons", h.list)             // want route GET /api/admin/coupons
	r.Post("/api/admin/coupons", h.create)          // want route POST /api/admin/coupons
	r.Delete("/api/admin/coupons/{code}", h.retire) // want route DELETE /api/admin/coupons/{code}
}

func (h *Promotions) lookup(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.Lookup(r.Context(), chi.URLParam(r, "code"))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, c)
}

func (h *Promotions) list(w http.ResponseWriter, r *http.Request) {
	cs, usage, err := h.svc.List(r.Context())
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"coupons": cs, "usage": usage})
}

func (h *Promotions) create(w http.ResponseWriter, r *http.Request) {
	var c store.Coupon
	if err := httpx.Decode(r, &c); err != nil || c.Code == "" {
		httpx.Error(w, http.StatusBadRequest, "code and percent_off are required")
		return
	}
	if err := h.svc.Create(r.Context(), c); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (h *Promotions) retire(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.Retire(r.Context(), chi.URLParam(r, "code")); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
