// Package web wires net/http ServeMux routes.
package web

import (
	"net/http"
)

type ordersHandler struct{}

func (*ordersHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

func list(w http.ResponseWriter, r *http.Request) {}
func get(w http.ResponseWriter, r *http.Request)  {}

func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

const base = "/v1"

// Mux builds the mux.
func Mux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", get)         // want route GET /items/{id}
	mux.HandleFunc("POST "+base+"/items", list)    // want route POST /v1/items
	mux.Handle("/orders/", &ordersHandler{})       // want route ANY /orders/
	mux.HandleFunc("GET example.com/hosted", list) // want route GET /hosted
	mux.HandleFunc("GET /files/{rest...}", get)    // want route GET /files/{rest...}
	mux.HandleFunc("/{$}", list)                   // want route ANY /{$}
	api := http.NewServeMux()
	api.HandleFunc("GET /users", list)        // want route GET /api/users
	api.HandleFunc("DELETE /users/{id}", get) // want route DELETE /api/users/{id}
	mux.Handle("/api/", http.StripPrefix("/api", logging(api)))
	legacy := http.NewServeMux()
	legacy.HandleFunc("/legacy/ping", list) // want route ANY /legacy/ping
	mux.Handle("/legacy/", legacy)
	http.HandleFunc("/default", func(w http.ResponseWriter, r *http.Request) {}) // want route ANY /default
	http.Handle("/default2", http.HandlerFunc(list))                             // want route ANY /default2
	Table(mux)
	return mux
}

// Table registers routes from tables.
func Table(mux *http.ServeMux) {
	for _, rt := range []struct {
		pattern string
		h       http.HandlerFunc
	}{
		{"GET /t/a", list},
		{pattern: "POST /t/b", h: get},
	} {
		mux.HandleFunc(rt.pattern, rt.h) // want route GET /t/a POST /t/b
	}
	table := map[string]http.HandlerFunc{"/m/x": list, "/m/y": get}
	for p, h := range table {
		mux.HandleFunc(p, h) // want route ANY /m/x ANY /m/y
	}
}
