package handler

import (
	"net/http"
	"time"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/service"
	"example.com/shop/internal/store"
	"github.com/go-chi/chi/v5"
)

// Timesale serves flash sales. Its router is mounted at /api/sale.
type Timesale struct{ svc *service.Timesale }

// NewTimesale returns the time-sale handler.
func NewTimesale(svc *service.Timesale) *Timesale { return &Timesale{svc: svc} }

// Router returns the time-sale routes, relative to /api/sale.
func (h *Timesale) Router() chi.Router {
	r := chi.NewRouter()
	r.Get("/active", h.active)                       // want route GET /api/sale/active
	r.Get("/{id}", h.get)                            // want route GET /api/sale/{id}
	r.Get("/{id}/items", h.items)                    // want route GET /api/sale/{id}/items
	r.Post("/{id}/reserve", h.reserve)               // want route POST /api/sale/{id}/reserve
	r.Post("/reservations/{rid}/release", h.release) // want route POST /api/sale/reservations/{rid}/release
	r.Post("/admin/sales", h.create)                 // want route POST /api/sale/admin/sales
	return r
}

func (h *Timesale) active(w http.ResponseWriter, r *http.Request) {
	ss, err := h.svc.Active(r.Context())
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ss)
}

func (h *Timesale) get(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	s, items, err := h.svc.Get(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"sale": s, "items": items})
}

func (h *Timesale) items(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	items, err := h.svc.Items(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, items)
}

func (h *Timesale) reserve(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
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
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := h.svc.Reserve(r.Context(), saleID, in.ItemID, userID, in.Qty)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, map[string]int64{"reservation_id": id})
}

func (h *Timesale) release(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	rid, ok := pathID(w, r, "rid")
	if !ok {
		return
	}
	if err := h.svc.Release(r.Context(), rid, userID); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Timesale) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title    string           `json:"title"`
		StartsAt time.Time        `json:"starts_at"`
		EndsAt   time.Time        `json:"ends_at"`
		Items    []store.SaleItem `json:"items"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := h.svc.CreateSale(r.Context(), in.Title, in.StartsAt, in.EndsAt, in.Items)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, map[string]int64{"id": id})
}
