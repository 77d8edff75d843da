package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
)

// Cart serves the shopping cart and checkout.
type Cart struct {
	svc    *service.Cart
	orders *service.Orders
}

// NewCart returns the cart handler. Checkout calls the orders service directly.
func NewCart(svc *service.Cart, orders *service.Orders) *Cart { return &Cart{svc: svc, orders: orders} }

// Register adds the cart routes to mux.
func (h *Cart) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/cart", h.get)                         // want route GET /api/cart
	mux.HandleFunc("POST /api/cart/items", h.add)                  // want route POST /api/cart/items
	mux.HandleFunc("PUT /api/cart/items/{productID}", h.setQty)    // want route PUT /api/cart/items/{productID}
	mux.HandleFunc("DELETE /api/cart/items/{productID}", h.remove) // want route DELETE /api/cart/items/{productID}
	mux.HandleFunc("POST /api/cart/checkout", h.checkout)          // want route POST /api/cart/checkout
}

func (h *Cart) get(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	v, err := h.svc.Get(r.Context(), userID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, v)
}

func (h *Cart) add(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	var in struct {
		ProductID int64 `json:"product_id"`
		Qty       int   `json:"qty"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	v, err := h.svc.Add(r.Context(), userID, in.ProductID, in.Qty)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, v)
}

func (h *Cart) setQty(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	pid, err := ids.Parse(r.PathValue("productID"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var in struct {
		Qty int `json:"qty"`
	}
	if err := httpx.Decode(r, &in); err != nil || in.Qty <= 0 {
		httpx.Error(w, http.StatusBadRequest, "qty must be positive")
		return
	}
	if err := h.svc.SetQty(r.Context(), userID, pid, in.Qty); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Cart) remove(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	pid, err := ids.Parse(r.PathValue("productID"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Remove(r.Context(), userID, pid); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Cart) checkout(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	var in struct {
		Coupon string `json:"coupon"`
	}
	if r.ContentLength > 0 {
		if err := httpx.Decode(r, &in); err != nil {
			httpx.Error(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	v, err := h.orders.Checkout(r.Context(), userID, in.Coupon)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, v)
}
