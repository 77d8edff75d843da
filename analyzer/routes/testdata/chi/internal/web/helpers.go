package web

import "net/http"

// handle is a registration helper: its routes are reported at its call sites.
func (s *Server) handle(method, path string, h http.HandlerFunc) {
	s.router.Method(method, "/h"+path, h)
}

func (s *Server) helpers() {
	s.handle(http.MethodGet, "/one", health) // want route GET /h/one
	s.handle("POST", "/two", listUsers)      // want route POST /h/two
}
