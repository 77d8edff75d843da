package routes

import (
	"go/ast"
	"go/types"

	"github.com/carve-go/carve/analyzer/facts"
)

// handlerUnit returns the unit of a handler expression: the function or method of a function
// or method value; the enclosing unit of a function literal; through conversions
// (http.HandlerFunc(x)) and wrappers (auth(h.X): the argument that looks like a handler,
// else any argument that resolves); the called function of a handler factory (list(db)); the
// ServeHTTP method of a handler type. "" when none is known.
func (a *analyzer) handlerUnit(e ast.Expr, depth int) facts.UnitID {
	if e == nil || depth > 8 {
		return ""
	}
	e = ast.Unparen(e)
	if b, ok := a.envExpr(a.info, e); ok {
		if b.e == nil {
			return ""
		}
		restore, _ := a.switchTo(b.e.Pos())
		defer restore()
		return a.handlerUnit(b.e, depth+1)
	}
	switch x := e.(type) {
	case *ast.FuncLit:
		id, _ := a.prog.EnclosingDecl(a.pkg, a.file, x.Pos())
		return id
	case *ast.Ident, *ast.SelectorExpr:
		switch o := a.objOf(x).(type) {
		case *types.Func:
			if id, ok := a.prog.UnitOf(o); ok {
				return id
			}
			// A method value of an interface (h.ServeHTTP with h an http.Handler): the unit of
			// the value the receiver holds, when it is known.
			if sel, ok := x.(*ast.SelectorExpr); ok && o.Signature().Recv() != nil && types.IsInterface(o.Signature().Recv().Type()) {
				if s := a.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					if id := a.handlerUnit(sel.X, depth+1); id != "" {
						return id
					}
				}
			}
			return ""
		case *types.Var:
			// A variable given exactly one value: the handler is that value's.
			if vals := a.sortedVals(o); len(vals) == 1 && vals[0].info != nil {
				restore, ok := a.switchTo(vals[0].e.Pos())
				var id facts.UnitID
				if ok {
					id = a.handlerUnit(vals[0].e, depth+1)
				}
				restore()
				if id != "" {
					return id
				}
			}
		}
	case *ast.CallExpr:
		if tv, ok := a.info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			if id := a.handlerUnit(x.Args[0], depth+1); id != "" {
				return id
			}
			break
		}
		// A wrapper (auth(h.X), mw("admin")(h.X)): the argument that is a handler, else a
		// function value given to an adapter (adapt(h.list)). Other arguments (a store, a
		// config) are never the handler: a factory list(db) is the handler itself.
		for pass := 0; pass < 2; pass++ {
			for _, arg := range x.Args {
				if pass == 0 && !a.handlerLike(arg) {
					continue
				}
				if pass == 1 && !a.funcValue(arg) {
					continue
				}
				if id := a.handlerUnit(arg, depth+1); id != "" {
					return id
				}
			}
		}
		if fn := a.callee(x); fn != nil {
			if id, ok := a.prog.UnitOf(fn); ok {
				return id
			}
		}
	}
	return a.serveHTTPUnit(a.info.TypeOf(e))
}

// funcValue reports whether e is a function value: a function or method value or a function
// literal (not a call, not a variable of another type).
func (a *analyzer) funcValue(e ast.Expr) bool {
	e = ast.Unparen(e)
	if _, ok := e.(*ast.FuncLit); ok {
		return true
	}
	t := a.info.TypeOf(e)
	if t == nil {
		return false
	}
	if _, ok := t.Underlying().(*types.Signature); !ok {
		return false
	}
	_, isCall := e.(*ast.CallExpr)
	return !isCall
}

// handlerLike reports whether an expression's type is a handler: a function taking an
// http.ResponseWriter, *gin.Context or echo.Context first, or a type with a ServeHTTP method.
func (a *analyzer) handlerLike(e ast.Expr) bool {
	t := a.info.TypeOf(e)
	if t == nil {
		return false
	}
	if sig, ok := t.Underlying().(*types.Signature); ok {
		if sig.Params().Len() == 0 {
			return false
		}
		p := sig.Params().At(0).Type()
		if ptr, ok := p.(*types.Pointer); ok {
			p = ptr.Elem()
		}
		n, ok := p.(*types.Named)
		if !ok {
			return false
		}
		switch pkgPath(n.Obj()) + "." + n.Obj().Name() {
		case "net/http.ResponseWriter", "github.com/gin-gonic/gin.Context":
			return true
		}
		return routerOf(pkgPath(n.Obj())) == echo && n.Obj().Name() == "Context"
	}
	if a.serveHTTPUnit(t) != "" {
		return true
	}
	// An http.Handler (or another interface with ServeHTTP) returned by a factory.
	if _, ok := t.Underlying().(*types.Interface); ok {
		obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "ServeHTTP")
		_, ok := obj.(*types.Func)
		return ok
	}
	return false
}

// serveHTTPUnit returns the unit of the ServeHTTP method of a module type, or "".
func (a *analyzer) serveHTTPUnit(t types.Type) facts.UnitID {
	if t == nil {
		return ""
	}
	if _, ok := t.Underlying().(*types.Interface); ok {
		return ""
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "ServeHTTP")
	fn, ok := obj.(*types.Func)
	if !ok {
		return ""
	}
	id, _ := a.prog.UnitOf(fn)
	return id
}
