package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Modules get the group's Handle method as a function value and register through it.

type attachFunc func(method string, path string, f ...gin.HandlerFunc) gin.IRoutes

type accounts struct{ h handler }

func (m *accounts) Route(attach func(method string, path string, f ...gin.HandlerFunc) gin.IRoutes) {
	attach(http.MethodPost, "/accounts", m.h.list)   // want route POST /api/accounts POST /admin2/accounts
	attach(http.MethodGet, "/accounts/:id", m.h.get) // want route GET /api/accounts/{id} GET /admin2/accounts/{id}
}

type client struct {
	accounts *accounts
	get      func(string, ...gin.HandlerFunc) gin.IRoutes
}

// Attach wires the modules under /api through a method value.
func Attach(r *gin.Engine, c *client) {
	api := r.Group("/api")
	h := api.Handle
	c.accounts.Route(h)
	var a attachFunc = r.Group("/admin2").Handle
	c.accounts.Route(a)
	c.get = r.Group("/v").GET
	c.get("/status", c.accounts.h.get) // want route GET /v/status
}

// NewWithModules builds an engine with the modules attached.
func NewWithModules() *gin.Engine {
	r := gin.New()
	Attach(r, &client{accounts: &accounts{}})
	return r
}
