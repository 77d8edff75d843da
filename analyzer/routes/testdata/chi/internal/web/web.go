// Package web wires the chi router.
package web

import (
	"net/http"

	"example.com/chifix/internal/orders"
	"github.com/go-chi/chi/v5"
)

const apiPrefix = "/api"

// Server holds the router in a field set by the constructor.
type Server struct {
	router chi.Router
	oh     *orders.Handler
}

// New builds the server and registers every route.
func New() *Server {
	s := &Server{router: chi.NewRouter(), oh: &orders.Handler{}}
	s.routes()
	s.helpers()
	return s
}

func auth(next http.HandlerFunc) http.HandlerFunc { return next }

func health(w http.ResponseWriter, r *http.Request) {}

func listUsers(w http.ResponseWriter, r *http.Request) {}

func getUser(w http.ResponseWriter, r *http.Request) {}

func makeReport(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {}
}

func (s *Server) routes() {
	s.router.Get("/healthz", health) // want route GET /healthz
	s.router.Route(apiPrefix, func(r chi.Router) {
		r.Mount("/orders", orders.Routes(s.oh))
		r.Route("/users", registerUsers)
		r.Group(func(r chi.Router) {
			r.Get("/reports/"+"daily", makeReport("daily")) // want route GET /api/reports/daily
		})
		r.With(nil).Delete("/sessions/{id}", http.HandlerFunc(getUser)) // want route DELETE /api/sessions/{id}
		admin := r.With(nil)
		admin.Method(http.MethodPatch, "/settings", http.HandlerFunc(health))  // want route PATCH /api/settings
		r.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {}) // want route ANY /api/echo
	})
	v2 := chi.NewRouter()
	registerUsers(v2)
	s.router.Mount("/v2", v2)
	s.router.Handle("/static/*", http.FileServer(http.Dir("."))) // want route ANY /static/{*...}
}

func registerUsers(r chi.Router) {
	r.Get("/", auth(listUsers)) // want route GET /api/users/ GET /v2/
	r.Get("/{userID}", getUser) // want route GET /api/users/{userID} GET /v2/{userID}
}

func dynamic(r chi.Router, p string) {
	r.Get(p, health) // want route GET {?}
}

// Dyn calls dynamic with a router whose path comes from a parameter.
func Dyn(s *Server, p string) { dynamic(s.router, p) }
