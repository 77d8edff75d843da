// Package orders builds a sub-router that the web package mounts.
package orders

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Handler serves orders.
type Handler struct{}

// List lists orders.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {}

// Get returns one order.
func (h *Handler) Get(w http.ResponseWriter, r *http.Request) {}

// Cancel cancels an order.
func (h *Handler) Cancel(w http.ResponseWriter, r *http.Request) {}

// Routes returns the orders router; it is mounted under a prefix by the caller.
func Routes(h *Handler) chi.Router {
	r := chi.NewRouter()
	r.Get("/", h.List)                    // want route GET /api/orders/
	r.Get("/{orderID}", h.Get)            // want route GET /api/orders/{orderID}
	r.Post("/{orderID}/cancel", h.Cancel) // want route POST /api/orders/{orderID}/cancel
	return r
}
