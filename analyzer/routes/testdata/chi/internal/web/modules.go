package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

type module interface{ Register(r chi.Router) }

type billing struct{}

func (billing) Register(r chi.Router) {
	r.Get("/invoices", health) // want route GET /api/v3/invoices GET /billing/invoices
}

type shipping struct{}

func (*shipping) Register(r chi.Router) {
	r.Post("/shipments", health) // want route POST /api/v3/shipments
}

func withAuth(r chi.Router, fn func(chi.Router)) { r.Group(fn) }

// Modules mounts every module under /api/v3: interface dispatch, callbacks passed through a
// parameter, a handler held in a variable, a router variable reassigned to a derived router.
func Modules() chi.Router {
	root := chi.NewRouter()
	v3 := chi.NewRouter()
	for _, m := range []module{billing{}, &shipping{}} {
		m.Register(v3)
	}
	withAuth(v3, func(r chi.Router) {
		r.Put("/secure", health) // want route PUT /api/v3/secure
	})
	h := http.HandlerFunc(listUsers)
	v3.Handle("/listed", h) // want route ANY /api/v3/listed
	r := root
	r = r.With(nil)
	r.Mount("/api/v3", v3)
	r.Get("/after", health) // want route GET /after
	var mod module = billing{}
	root.Route("/billing", mod.Register)
	return root
}
