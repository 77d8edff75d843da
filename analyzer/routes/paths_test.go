package routes

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		router, in, want string
	}{
		{gorilla, "/items/{id:[0-9]+}", "/items/{id}"},
		{gorilla, "/x/{code:[A-Z]{3}}/y", "/x/{code}/y"},
		{gorilla, "/plain/{id}", "/plain/{id}"},
		{gorilla, "/broken/{id:[0-9]+", "/broken/{id:[0-9]+"},
		{chi, "/files/*", "/files/{*...}"},
		{chi, "*", "{*...}"},
		{chi, "/{id:\\d+}/x", "/{id}/x"},
		{gin, "/users/:id/files/*path", "/users/{id}/files/{path...}"},
		{echo, "/users/:id", "/users/{id}"},
		{echo, "/static/*", "/static/{*...}"},
		{netHTTP, "/files/{rest...}", "/files/{rest...}"},
		{gin, "/a/{?}/b", "/a/{?}/b"},
		{gorilla, "{?}/x", "{?}/x"},
	}
	for _, tt := range tests {
		if got := normalize(tt.router, tt.in); got != tt.want {
			t.Errorf("normalize(%s, %q) = %q, want %q", tt.router, tt.in, got, tt.want)
		}
	}
}

func TestJoinPath(t *testing.T) {
	tests := []struct{ prefix, path, want string }{
		{"/api", "/orders", "/api/orders"},
		{"/api/", "/orders", "/api/orders"},
		{"/api", "orders/", "/api/orders/"},
		{"/api", "", "/api"},
		{"", "/x", "/x"},
		{"/api", "/", "/api/"},
	}
	for _, tt := range tests {
		if got := joinPath(tt.prefix, tt.path); got != tt.want {
			t.Errorf("joinPath(%q, %q) = %q, want %q", tt.prefix, tt.path, got, tt.want)
		}
	}
}

func TestSplitServeMuxPattern(t *testing.T) {
	tests := []struct{ in, method, path string }{
		{"GET /items/{id}", "GET", "/items/{id}"},
		{"/static/", "ANY", "/static/"},
		{"POST example.com/x", "POST", "/x"},
		{"example.com/", "ANY", "/"},
		{"get  /lower", "GET", "/lower"},
		{"{?}", "ANY", "{?}"},
	}
	for _, tt := range tests {
		m, p := splitServeMuxPattern(tt.in)
		if m != tt.method || p != tt.path {
			t.Errorf("splitServeMuxPattern(%q) = %q, %q, want %q, %q", tt.in, m, p, tt.method, tt.path)
		}
	}
}

func TestEdgeApply(t *testing.T) {
	tests := []struct {
		e    edge
		in   string
		want string
	}{
		{edge{prefix: "/api"}, "/orders", "/api/orders"},
		{edge{prefix: "/api/", full: true}, "/api/orders", "/api/orders"},
		{edge{prefix: "/api/", full: true}, "/orders", "/api/orders"},
		{edge{prefix: "/api/", full: true}, "/api", "/api"},
		{edge{prefix: "/", full: true}, "/x", "/x"},
	}
	for _, tt := range tests {
		if got := tt.e.apply(tt.in); got != tt.want {
			t.Errorf("%+v.apply(%q) = %q, want %q", tt.e, tt.in, got, tt.want)
		}
	}
}

// FuzzNormalize checks that normalising never panics, is idempotent, and keeps the number of
// path segments.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"/items/{id:[0-9]+}", "/x/:id/*rest", "/files/*", "{a:{b}", "/{?}/:x", "GET /a/{b...}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, r := range []string{netHTTP, chi, gorilla, gin, echo} {
			once := normalize(r, p)
			if twice := normalize(r, once); twice != once {
				t.Errorf("normalize(%s) not idempotent: %q -> %q -> %q", r, p, once, twice)
			}
			if r == gin || r == echo {
				if strings.Count(once, "/") != strings.Count(p, "/") {
					t.Errorf("normalize(%s, %q) = %q changed the segments", r, p, once)
				}
			}
			_ = joinPath(once, p) // must not panic
			splitServeMuxPattern(p)
			mountPrefix(once)
		}
	})
}
