package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
	"github.com/go-chi/chi/v5"
)

// Shipping serves shipments.
type Shipping struct{ svc *service.Shipping }

// NewShipping returns the shipping handler.
func NewShipping(svc *service.Shipping) *Shipping { return &Shipping{svc: svc} }

// Mount registers the shipment routes on r under /api/shipments.
func (h *Shipping) Mount(r chi.Router) {
	r.Route("/api/shipments", func(r chi.Router) {
		r.Post("/orders/{orderID}", h.create) // want route POST /api/shipments/orders/{orderID}
		r.Get("/{id}", h.get)                 // want route GET /api/shipments/{id}
		r.Post("/{id}/events", h.event)       // want route POST /api/shipments/{id}/events
		r.Get("/{id}/tracking", h.tracking)   // want route GET /api/shipments/{id}/tracking
	})
}

func pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := ids.Parse(chi.URLParam(r, name))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return 0, false
	}
	return id, true
}

func (h *Shipping) create(w http.ResponseWriter, r *http.Request) {
	orderID, ok := pathID(w, r, "orderID")
	if !ok {
		return
	}
	sh, err := h.svc.Create(r.Context(), orderID, "dhl")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, sh)
}

func (h *Shipping) get(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	sh, err := h.svc.Get(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, sh)
}

func (h *Shipping) event(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var in struct {
		Status   string  `json:"status"`
		Note     string  `json:"note"`
		Tracking *string `json:"tracking"`
	}
	if err := httpx.Decode(r, &in); err != nil || in.Status == "" {
		httpx.Error(w, http.StatusBadRequest, "status is required")
		return
	}
	if err := h.svc.Event(r.Context(), id, in.Status, in.Note, in.Tracking); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Shipping) tracking(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	l, evs, err := h.svc.Tracking(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"label": l, "events": evs})
}
