// Package main does not compile: Extract must still report what it can.
package main

import "net/http"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", ok)                // want route GET /ok
	mux.HandleFunc("GET /bad", undefinedHandler) // want route GET /bad
	mux.HandleFunc(undefinedPath, ok)            // want route ANY {?}
	mux.HandleFunc()                             // want route ANY {?}
	mux.Handle("/x")                             // want route ANY /x
	var r undefinedRouter
	r.Get("/nope", ok)
}

func ok(w http.ResponseWriter, r *http.Request) {}
