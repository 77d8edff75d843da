package handler

import (
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/service"
	"github.com/go-chi/chi/v5"
)

// Notifications serves the user's inbox.
type Notifications struct{ svc *service.Notifications }

// NewNotifications returns the notifications handler.
func NewNotifications(svc *service.Notifications) *Notifications { return &Notifications{svc: svc} }

// Mount registers the inbox routes on r under /api/notifications.
func (h *Notifications) Mount(r chi.Router) {
	r.Route("/api/notifications", func(r chi.Router) {
		r.Get("/inbox", h.inbox)         // want route GET /api/notifications/inbox
		r.Post("/{id}/read", h.markRead) // want route POST /api/notifications/{id}/read
	})
}

// AdminRoutes registers the dispatch route on r (an admin-only group).
func (h *Notifications) AdminRoutes(r chi.Router) {
	r.Post("/api/admin/notifications/dispatch", h.dispatch) // want route POST /api/admin/notifications/dispatch
}

func (h *Notifications) inbox(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	list, unread, err := h.svc.List(r.Context(), userID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"unread": unread, "notifications": list})
}

func (h *Notifications) markRead(w http.ResponseWriter, r *http.Request) {
	userID, ok := currentUser(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	found, err := h.svc.MarkRead(r.Context(), userID, id)
	if err == nil && !found {
		err = httpx.ErrNotFound
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Notifications) dispatch(w http.ResponseWriter, r *http.Request) {
	n, err := h.svc.Dispatch(r.Context(), 100)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]int{"sent": n})
}
