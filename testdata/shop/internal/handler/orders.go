package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
	"github.com/go-chi/chi/v5"
)

// Orders serves order history and cancellation. Its routes are mounted under /api/orders.
type Orders struct {
	svc      *service.Orders
	payments *service.Payments
	shipping *service.Shipping
}

// NewOrders returns the orders handler; it shows payments and shipments by calling those
// services directly.
func NewOrders(svc *service.Orders, payments *service.Payments, shipping *service.Shipping) *Orders {
	return &Orders{svc: svc, payments: payments, shipping: shipping}
}

// Routes registers the order routes on r, which the router mounts at /api/orders.
func (h *Orders) Routes(r chi.Router) {
	r.Get("/history", h.history)              // want route GET /api/orders/history
	r.Get("/{id}", h.get)                     // want route GET /api/orders/{id}
	r.Post("/{id}/cancel", h.cancel)          // want route POST /api/orders/{id}/cancel
	r.Get("/{id}/payments", h.orderPayments)  // want route GET /api/orders/{id}/payments
	r.Get("/{id}/shipments", h.orderShipment) // want route GET /api/orders/{id}/shipments
}

func (h *Orders) history(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	os, err := h.svc.List(r.Context(), userID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, os)
}

func (h *Orders) order(w http.ResponseWriter, r *http.Request) (userID, orderID int64, ok bool) {
	userID, ok = currentUser(w, r)
	if !ok {
		return 0, 0, false
	}
	orderID, err := ids.Parse(chi.URLParam(r, "id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return 0, 0, false
	}
	return userID, orderID, true
}

func (h *Orders) get(w http.ResponseWriter, r *http.Request) {
	userID, orderID, ok := h.order(w, r)
	if !ok {
		return
	}
	v, err := h.svc.Get(r.Context(), userID, orderID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, v)
}

func (h *Orders) cancel(w http.ResponseWriter, r *http.Request) {
	userID, orderID, ok := h.order(w, r)
	if !ok {
		return
	}
	o, err := h.svc.Cancel(r.Context(), userID, orderID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, o)
}

func (h *Orders) orderPayments(w http.ResponseWriter, r *http.Request) {
	userID, orderID, ok := h.order(w, r)
	if !ok {
		return
	}
	if _, err := h.svc.Get(r.Context(), userID, orderID); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	ps, err := h.payments.ForOrder(r.Context(), orderID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ps)
}

func (h *Orders) orderShipment(w http.ResponseWriter, r *http.Request) {
	userID, orderID, ok := h.order(w, r)
	if !ok {
		return
	}
	if _, err := h.svc.Get(r.Context(), userID, orderID); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	ss, err := h.shipping.ForOrder(r.Context(), orderID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ss)
}
