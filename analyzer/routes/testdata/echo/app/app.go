// Package app wires echo routes.
package app

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Handlers serve the app.
type Handlers struct{}

// List lists.
func (Handlers) List(c echo.Context) error { return nil }

// Get gets.
func (Handlers) Get(c echo.Context) error { return nil }

func logger(next echo.HandlerFunc) echo.HandlerFunc { return next }

// New builds the echo instance.
func New() *echo.Echo {
	var h Handlers
	e := echo.New()
	e.GET("/", h.List) // want route GET /
	g := e.Group("/api")
	g.GET("/users/:id", h.Get, logger)         // want route GET /api/users/{id}
	g.POST("/users", h.List)                   // want route POST /api/users
	g.Add(http.MethodPut, "/users/:id", h.Get) // want route PUT /api/users/{id}
	g.Any("/files/*", h.Get)                   // want route ANY /api/files/{*...}
	admin := g.Group("/admin")
	admin.Match([]string{"GET", "HEAD"}, "/stats", h.List) // want route GET /api/admin/stats HEAD /api/admin/stats
	return e
}
