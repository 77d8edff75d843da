// Package handler holds the shop's HTTP handlers, one file per domain, and the router that
// assembles them.
package handler

import (
	"net/http"
	"strconv"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/service"
	"example.com/shop/internal/store"
)

// Catalog serves products and categories.
type Catalog struct {
	svc     *service.Catalog
	reviews *service.Reviews
}

// NewCatalog returns the catalog handler.
func NewCatalog(svc *service.Catalog, reviews *service.Reviews) *Catalog {
	return &Catalog{svc: svc, reviews: reviews}
}

// Register adds the catalog routes to mux.
func (h *Catalog) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/products", h.list)                             // want route GET /api/products
	mux.HandleFunc("GET /api/products/{id}", h.get)                         // want route GET /api/products/{id}
	mux.HandleFunc("GET /api/products/search", h.search)                    // want route GET /api/products/search
	mux.HandleFunc("GET /api/categories", h.categories)                     // want route GET /api/categories
	mux.HandleFunc("GET /api/categories/{slug}/products", h.inCategory)     // want route GET /api/categories/{slug}/products
	mux.HandleFunc("POST /api/products", h.create)                          // want route POST /api/products
	mux.HandleFunc("PUT /api/products/{id}", h.update)                      // want route PUT /api/products/{id}
	mux.Handle("DELETE /api/products/{id}", http.HandlerFunc(h.deactivate)) // want route DELETE /api/products/{id}
}

func (h *Catalog) list(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	ps, err := h.svc.List(r.Context(), limit, offset)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ps)
}

func (h *Catalog) get(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	p, err := h.svc.Get(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	// The product page shows the rating histogram: a direct call into the reviews domain.
	hist, err := h.reviews.Histogram(r.Context(), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"product": p, "ratings": hist})
}

func (h *Catalog) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filters := map[string]string{}
	for _, f := range []string{"sku", "currency", "category_id"} {
		if v := q.Get(f); v != "" {
			filters[f] = v
		}
	}
	ps, err := h.svc.Search(r.Context(), q.Get("q"), filters, q.Get("sort"))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ps)
}

func (h *Catalog) categories(w http.ResponseWriter, r *http.Request) {
	cs, err := h.svc.Categories(r.Context())
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, cs)
}

func (h *Catalog) inCategory(w http.ResponseWriter, r *http.Request) {
	ps, err := h.svc.InCategory(r.Context(), r.PathValue("slug"))
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, ps)
}

func (h *Catalog) create(w http.ResponseWriter, r *http.Request) {
	var p store.Product
	if err := httpx.Decode(r, &p); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := h.svc.Create(r.Context(), p)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (h *Catalog) update(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	var p store.Product
	if err := httpx.Decode(r, &p); err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	p.ID = id
	if err := h.svc.Update(r.Context(), p); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Catalog) deactivate(w http.ResponseWriter, r *http.Request) {
	id, err := ids.Parse(r.PathValue("id"))
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.svc.Delete(r.Context(), id); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
