package server

import "github.com/gin-gonic/gin"

// Router wraps the engine; AttachGroup is a group wrapper expanded at each call.
type Router struct{ engine *gin.Engine }

// AttachGroup returns a group of the engine.
func (r *Router) AttachGroup(relativePath string, handlers ...gin.HandlerFunc) *gin.RouterGroup {
	return r.engine.Group(relativePath, handlers...)
}

// NewRouter builds a Router with two groups.
func NewRouter(h handler) *Router {
	r := &Router{engine: gin.New()}
	users := r.AttachGroup("users")
	users.GET("/:name", h.get) // want route GET /users/{name}
	auth := r.AttachGroup("/auth")
	auth.POST("/sign_in", h.list) // want route POST /auth/sign_in
	return r
}
