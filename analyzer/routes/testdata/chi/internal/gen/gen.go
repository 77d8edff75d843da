// Package gen is shaped like oapi-codegen output: the prefix is a struct field that is only
// given a value by a function nobody in the module calls, so it is "".
package gen

import (
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
)

// Options configure the handler.
type Options struct {
	BaseURL    string
	BaseRouter chi.Router
}

// Tagged is filled by a decoder: its field is never assumed to be "".
type Tagged struct {
	Prefix string `json:"prefix"`
}

// Flagged has its field's address taken (flag.StringVar(&f.Prefix, ...)).
type Flagged struct {
	Prefix string
}

// Fixed is given one known value.
type Fixed struct {
	Prefix string
}

func list(w http.ResponseWriter, r *http.Request) {}

// HandlerFromMux registers the routes on r.
func HandlerFromMux(r chi.Router) http.Handler {
	return HandlerWithOptions(Options{BaseRouter: r})
}

// HandlerFromMuxWithBaseURL is the variant nobody in the module calls.
func HandlerFromMuxWithBaseURL(r chi.Router, baseURL string) http.Handler {
	return HandlerWithOptions(Options{BaseURL: baseURL, BaseRouter: r})
}

// HandlerWithOptions registers the routes.
func HandlerWithOptions(options Options) http.Handler {
	r := options.BaseRouter
	r.Group(func(r chi.Router) {
		r.Get(options.BaseURL+"/trainings", list) // want route GET /trainings
	})
	return r
}

// Other registers routes whose prefixes come from other fields.
func Other(r chi.Router, t Tagged, f *Flagged) {
	setFlag(&f.Prefix)
	fx := Fixed{Prefix: "/fixed"}
	r.Get(t.Prefix+"/tagged", list)  // want route GET {?}/tagged
	r.Get(f.Prefix+"/flagged", list) // want route GET {?}/flagged
	r.Get(fx.Prefix+"/items", list)  // want route GET /fixed/items
}

func setFlag(p *string) {}

// Routes builds the router.
func Routes() http.Handler {
	r := chi.NewRouter()
	HandlerFromMux(r)
	Other(r, Tagged{}, &Flagged{})
	Anonymous(r)
	Partial(r, os.Getenv("TENANT"))
	return r
}

func pair(p string) struct{ path string } { return struct{ path string }{p} }

// Anonymous registers from anonymous struct values: their field is not assumed to be "".
func Anonymous(r chi.Router) {
	items := []struct{ path string }{pair("/a"), pair("/b")}
	for _, it := range items {
		r.Get(it.path, list) // want route GET {?}
	}
}

// Partial registers under a prefix that is only partly known.
func Partial(r chi.Router, id string) {
	var p = "/tenants/" + id
	r.Get(p+"/x", list) // want route GET /tenants/{?}/x
}
