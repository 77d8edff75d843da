// Package app wires echo v5 routes: a router built by echo.NewWithConfig, and routes registered
// through a module-local interface the router satisfies.
package app

import (
	"github.com/labstack/echo/v5"
)

// Handlers serve the app.
type Handlers struct{}

// List lists.
func (Handlers) List(c *echo.Context) error { return nil }

// Get gets.
func (Handlers) Get(c *echo.Context) error { return nil }

// registrar is the part of an echo router the SSE routes need.
type registrar interface {
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) echo.RouteInfo
}

// New builds the echo instance with a configuration (not echo.New).
func New() *echo.Echo {
	var h Handlers
	e := echo.NewWithConfig(echo.Config{})
	e.GET("/configured", h.List) // want route GET /configured
	v1 := e.Group("/v1")
	v1.POST("/items/:id", h.Get) // want route POST /v1/items/{id}
	registerEvents(v1, h)
	registerEvents(e, h)
	return e
}

// registerEvents registers through an interface whose dynamic values are echo routers.
func registerEvents(r registrar, h Handlers) {
	r.GET("/events", h.List) // want route GET /v1/events GET /events
}

// RegisterOn is called by no one in the module: e is still the top of its tree.
func RegisterOn(e *echo.Echo, h Handlers) {
	e.GET("/external", h.Get) // want route GET /external
}

// RegisterGroup is called by no one in the module: g may lack a prefix.
func RegisterGroup(g *echo.Group, h Handlers) {
	g.GET("/grouped", h.Get) // want route GET /grouped
}
