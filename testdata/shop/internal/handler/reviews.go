package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
	"example.com/shop/internal/store"
)

// Reviews serves product reviews.
type Reviews struct{ svc *service.Reviews }

// NewReviews returns the reviews handler.
func NewReviews(svc *service.Reviews) *Reviews { return &Reviews{svc: svc} }

// Register adds the review routes to mux.
func (h *Reviews) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/products/{id}/reviews", h.list)   // want route GET /api/products/{id}/reviews
	mux.HandleFunc("POST /api/products/{id}/reviews", h.write) // want route POST /api/products/{id}/reviews
	mux.HandleFunc("DELETE /api/reviews/{id}", h.delete)       // want route DELETE /api/reviews/{id}
	mux.HandleFunc("GET /api/me/reviews", h.mine)              // want route GET /api/me/reviews
}

func (h *Reviews) list(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	rs, err := h.svc.ForProduct(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, rs)
}

func (h *Reviews) write(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var in struct {
		Rating int    `json:"rating"`
		Body   string `json:"body"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Write(r.Context(), store.Review{ProductID: id, UserID: userID, Rating: in.Rating, Body: in.Body}); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (h *Reviews) delete(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Delete(r.Context(), userID, id); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Reviews) mine(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	rs, err := h.svc.ByUser(r.Context(), userID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, rs)
}
