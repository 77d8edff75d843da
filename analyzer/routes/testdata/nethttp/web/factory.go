package web

import (
	"net/http"

	"example.com/nethttpfix/store"
)

// Handlers built by factories that take a store (the store is never the handler).

func newProbe(s *store.Storage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {}
}

func newAPI(s *store.Storage, n int) http.Handler { return http.NotFoundHandler() }

func middleware(s *store.Storage) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return next }
}

// Serve wires handlers built from a store.
func Serve() http.Handler {
	return factories(store.New())
}

func factories(s *store.Storage) http.Handler {
	probe := newProbe(s)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", probe) // want route GET /probe
	wrapped := middleware(s)(newAPI(s, 1))
	mux.Handle("/wrapped/", wrapped) // want route ANY /wrapped/
	api := newAPI(s, 2)
	mux.HandleFunc("POST /api/login", api.ServeHTTP) // want route POST /api/login
	mux.Handle("/api/", api)                         // want route ANY /api/
	mux.Handle("/direct/", newAPI(s, 3))             // want route ANY /direct/
	mux.HandleFunc("/ready", probe)                  // want route ANY /ready
	return mux
}

// Value registers on a ServeMux value (its zero value is ready to use).
func Value() http.Handler {
	var mux http.ServeMux
	mux.HandleFunc("GET /value", get) // want route GET /value
	return &mux
}
