// Package api wires gorilla/mux routes.
package api

import (
	"net/http"

	"github.com/gorilla/mux"
)

// Handler serves the API.
type Handler struct{}

func (h *Handler) list(w http.ResponseWriter, r *http.Request)   {}
func (h *Handler) create(w http.ResponseWriter, r *http.Request) {}
func (h *Handler) get(w http.ResponseWriter, r *http.Request)    {}

type fileHandler struct{}

func (fileHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

// Router builds the whole router.
func Router(h *Handler) *mux.Router {
	r := mux.NewRouter().StrictSlash(true)
	r.HandleFunc("/healthz", h.list) // want route ANY /healthz
	api := r.PathPrefix("/api/v1").Subrouter()
	api.HandleFunc("/items", h.list).Methods("GET")                             // want route GET /api/v1/items
	api.HandleFunc("/items", h.create).Methods(http.MethodPost, http.MethodPut) // want route POST /api/v1/items PUT /api/v1/items
	api.HandleFunc("/items/{id:[0-9]+}", h.get).Methods("GET").Name("item")     // want route GET /api/v1/items/{id}
	api.Path("/things/{id}").Methods("DELETE").HandlerFunc(h.get)               // want route DELETE /api/v1/things/{id}
	api.Methods("GET").Path("/things").Handler(http.HandlerFunc(h.list))        // want route GET /api/v1/things
	r.PathPrefix("/files/").Handler(fileHandler{})                              // want route ANY /files/
	registerAdmin(api.PathPrefix("/admin").Subrouter(), h)
	s := api.PathPrefix("/r").Subrouter()
	s = s.PathPrefix("/v9").Subrouter()
	s.HandleFunc("/q", h.get) // want route ANY /api/v1/r/v9/q
	r.                        // want route PATCH /multi
					HandleFunc("/multi", h.get).
					Methods("PATCH")
	route := r.NewRoute()
	route.Path("/routed").Methods("OPTIONS").HandlerFunc(h.list) // want route OPTIONS /routed
	return r
}

func registerAdmin(s *mux.Router, h *Handler) {
	s.HandleFunc("", h.list).Methods("GET")                    // want route GET /api/v1/admin
	s.Handle("/x", http.HandlerFunc(h.create)).Methods("POST") // want route POST /api/v1/admin/x
}

// mountAt registers under a prefix given by its callers.
func mountAt(r *mux.Router, prefix string, h *Handler) {
	r.PathPrefix(prefix).Subrouter().HandleFunc("/m", h.list).Methods("GET")
}

// Mounts calls mountAt with two prefixes.
func Mounts(h *Handler) {
	r := mux.NewRouter()
	mountAt(r, "/one", h) // want route GET /one/m
	mountAt(r, "/two", h) // want route GET /two/m
	for _, p := range []string{"/t1", "/t2"} {
		r.PathPrefix(p).Subrouter().HandleFunc("/z", h.list) // want route ANY /t1/z ANY /t2/z
	}
}
