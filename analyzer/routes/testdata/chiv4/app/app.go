// Package app uses chi through its pre-module import path (v4).
package app

import (
	"net/http"

	"github.com/go-chi/chi"
)

func list(w http.ResponseWriter, r *http.Request) {}

// Router builds the router.
func Router() http.Handler {
	r := chi.NewRouter()
	r.Route("/v4", func(r chi.Router) {
		r.Get("/things/{id}", list) // want route GET /v4/things/{id}
	})
	return r
}
