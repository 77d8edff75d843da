package handler

import (
	"net/http"
	"strconv"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
)

// Inventory serves stock levels.
type Inventory struct{ svc *service.Inventory }

// NewInventory returns the inventory handler.
func NewInventory(svc *service.Inventory) *Inventory { return &Inventory{svc: svc} }

// Register adds the inventory routes to mux.
func (h *Inventory) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/inventory/{productID}", h.stock)           // want route GET /api/inventory/{productID}
	mux.HandleFunc("POST /api/inventory/{productID}/adjust", h.adjust)  // want route POST /api/inventory/{productID}/adjust
	mux.HandleFunc("GET /api/inventory/low", h.low)                     // want route GET /api/inventory/low
	mux.HandleFunc("GET /api/inventory/warehouses/{name}", h.warehouse) // want route GET /api/inventory/warehouses/{name}
}

func (h *Inventory) stock(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("productID"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	st, err := h.svc.Stock(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, st)
}

func (h *Inventory) adjust(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("productID"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var in struct {
		Delta  int    `json:"delta"`
		Reason string `json:"reason"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	onHand, err := h.svc.Adjust(r.Context(), id, in.Delta, in.Reason)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]int{"on_hand": onHand})
}

func (h *Inventory) low(w http.ResponseWriter, r *http.Request) {
	threshold, err := strconv.Atoi(r.URL.Query().Get("below"))
	if err != nil {
		threshold = 5
	}
	st, err := h.svc.Low(r.Context(), threshold)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, st)
}

func (h *Inventory) warehouse(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Warehouse(r.Context(), r.PathValue("name"))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, st)
}
