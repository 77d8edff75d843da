package routes

import (
	"go/ast"
	"go/types"
)

// Group wrappers: a module function whose body is only `return <router>.Group(p, ...)` (gin, echo;
// chi Route with a nil callback is not a wrapper) with p one of its string parameters
// (func (r *Router) AttachGroup(p string, m ...gin.HandlerFunc) *gin.RouterGroup { return
// r.engine.Group(p, m...) }). Such a function is expanded at each call site: the call's result is
// a router derived at the call with the prefix the call passes, rather than the one router the
// wrapper's body creates for all callers with an unknown prefix.

// wrapperResult returns the routers a call of the group wrapper decl derives, and whether decl
// is one.
func (a *analyzer) wrapperResult(call *ast.CallExpr, decl *ast.FuncDecl) (map[*object]bool, bool) {
	if decl.Body == nil || len(decl.Body.List) != 1 {
		return nil, false
	}
	ret, ok := decl.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil, false
	}
	inner, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
	if !ok || len(inner.Args) == 0 {
		return nil, false
	}
	restore, ok := a.switchTo(decl.Pos())
	if !ok {
		restore()
		return nil, false
	}
	fn := a.callee(inner)
	r := ""
	if fn != nil {
		r = routerOf(pkgPath(fn))
	}
	if fn == nil || fn.Signature().Recv() == nil || fn.Name() != "Group" || (r != gin && r != echo) {
		restore()
		return nil, false
	}
	id, ok := ast.Unparen(inner.Args[0]).(*ast.Ident)
	var param *types.Var
	if ok {
		param, _ = a.info.Uses[id].(*types.Var)
	}
	sig, _ := a.info.TypeOf(decl.Name).(*types.Signature)
	idx := -1
	if sig != nil && param != nil {
		for i := 0; i < sig.Params().Len(); i++ {
			if sig.Params().At(i) == param {
				idx = i
			}
		}
	}
	if idx < 0 || (sig.Variadic() && idx == sig.Params().Len()-1) {
		restore()
		return nil, false
	}
	parents := a.eval(recvExpr(inner))
	restore()
	if idx >= len(call.Args) {
		return nil, false
	}
	p, _ := a.pathArg(r, call.Args[idx])
	return a.children(r, call.Pos(), parents, p), true
}
