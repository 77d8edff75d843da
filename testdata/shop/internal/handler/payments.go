package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
	"github.com/go-chi/chi/v5"
)

// Payments serves payments, captures, refunds and the provider webhook.
type Payments struct{ svc *service.Payments }

// NewPayments returns the payments handler.
func NewPayments(svc *service.Payments) *Payments { return &Payments{svc: svc} }

// Mount registers the payment routes on r under /api/payments.
func (h *Payments) Mount(r chi.Router) {
	r.Route("/api/payments", func(r chi.Router) {
		r.Post("/webhook", h.webhook)      // want route POST /api/payments/webhook
		r.Get("/{id}", h.get)              // want route GET /api/payments/{id}
		r.Post("/{id}/capture", h.capture) // want route POST /api/payments/{id}/capture
		r.Post("/{id}/refund", h.refund)   // want route POST /api/payments/{id}/refund
	})
}

func (h *Payments) get(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	id, err := ids.Parse(chi.URLParam(r, "id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	p, err := h.svc.Get(r.Context(), userID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, p)
}

func (h *Payments) capture(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(chi.URLParam(r, "id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Capture(r.Context(), id); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Payments) refund(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(chi.URLParam(r, "id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var in struct {
		AmountCents int64  `json:"amount_cents"`
		Reason      string `json:"reason"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Refund(r.Context(), id, in.AmountCents, in.Reason); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Payments) webhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OrderID     int64  `json:"order_id"`
		AmountCents int64  `json:"amount_cents"`
		Ref         string `json:"ref"`
		Status      string `json:"status"`
	}
	if err := httpx.Decode(r, &in); err != nil || in.Ref == "" {
		httpx.Error(w, http.StatusBadRequest, "order_id, amount_cents, ref and status are required")
		return
	}
	id, err := h.svc.Webhook(r.Context(), in.OrderID, in.AmountCents, in.Ref, in.Status)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]int64{"payment_id": id})
}
