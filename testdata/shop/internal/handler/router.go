package handler

import (
	"log/slog"
	"net/http"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/service"
	"example.com/shop/internal/store"
	"github.com/go-chi/chi/v5"
)

// New wires every domain and returns the shop's HTTP handler. The older domains use the
// standard library ServeMux; the newer ones live on a chi router mounted under /api/.
func New(st *store.Store, log *slog.Logger) http.Handler {
	notify := service.NewNotifications(st, log)
	catalog := service.NewCatalog(st)
	reviews := service.NewReviews(st)
	payments := service.NewPayments(st, notify)
	shipping := service.NewShipping(st, notify)
	orders := service.NewOrders(st, notify)
	identity := NewIdentity(service.NewIdentity(st))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { // want route GET /healthz
		if err := st.Ping(r.Context()); err != nil {
			httpx.Error(w, http.StatusServiceUnavailable, "database unreachable")
			return
		}
		httpx.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	NewCatalog(catalog, reviews).Register(mux)
	identity.Register(mux)
	NewReviews(reviews).Register(mux)
	NewInventory(service.NewInventory(st)).Register(mux)
	NewCart(service.NewCart(st), orders).Register(mux)

	api := chi.NewRouter()
	api.Route("/api/orders", NewOrders(orders, payments, shipping).Routes)
	NewPayments(payments).Mount(api)
	NewShipping(shipping).Mount(api)
	promotions := NewPromotions(service.NewPromotions(st))
	promotions.Routes(api)
	notifications := NewNotifications(notify)
	notifications.Mount(api)
	api.Group(func(r chi.Router) {
		r.Use(adminOnly)
		promotions.AdminRoutes(r)
		notifications.AdminRoutes(r)
	})
	api.Mount("/api/sale", NewTimesale(service.NewTimesale(st)).Router())
	mux.Handle("/api/", api)

	return httpx.ServedBy("shop", identity.Authenticate(mux))
}

// adminOnly lets through requests of user 1, the shop's administrator.
func adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := httpx.UserID(r.Context()); !ok || id != 1 {
			httpx.Error(w, http.StatusForbidden, "admin only")
			return
		}
		next.ServeHTTP(w, r)
	})
}
