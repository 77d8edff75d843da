// Package server wires gin routes.
package server

import (
	"github.com/gin-gonic/gin"
)

type handler struct{}

func (handler) list(c *gin.Context)   {}
func (handler) get(c *gin.Context)    {}
func (handler) upload(c *gin.Context) {}

func authRequired() gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

// New builds the engine.
func New() *gin.Engine {
	var h handler
	r := gin.Default()
	r.Use(authRequired())
	r.GET("/ping", func(c *gin.Context) {}) // want route GET /ping
	v1 := r.Group("/api/v1")
	{
		v1.GET("/products", h.list)                    // want route GET /api/v1/products
		v1.GET("/products/:id", authRequired(), h.get) // want route GET /api/v1/products/{id}
		files := v1.Group("files/")
		files.POST("/*path", h.upload) // want route POST /api/v1/files/{path...}
		files.Any("/raw", h.get)       // want route ANY /api/v1/files/raw
	}
	registerAdmin(r.Group("/admin"), h)
	r.Handle("OPTIONS", "/cors", h.list) // want route OPTIONS /cors
	Reuse(r, h)
	return r
}

func registerAdmin(g *gin.RouterGroup, h handler) {
	g.DELETE("/users/:id", h.get) // want route DELETE /admin/users/{id}
	g.PUT("/users/:id", h.get)    // want route PUT /admin/users/{id}
}

// RegisterExternal is called only from outside this module: its routes are reported with the
// prefixes carve knows (none here) and a skipped entry.
func RegisterExternal(g *gin.RouterGroup) {
	g.Use(authRequired()).GET("/ext", handler{}.list) // want route GET /ext
}

// Reuse reassigns one variable to several groups: each registration gets the prefixes of the
// assignments that reach it.
func Reuse(r *gin.Engine, h handler) {
	g := r.Group("/a")
	g.GET("/x", h.list) // want route GET /a/x
	g = r.Group("/b")
	g.GET("/y", h.list) // want route GET /b/y
	if len(r.Routes()) > 0 {
		g = r.Group("/c")
	}
	g.GET("/z", h.list) // want route GET /b/z GET /c/z
}
