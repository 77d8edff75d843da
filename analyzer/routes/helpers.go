package routes

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// site is a static call of a module function.
type site struct {
	call *ast.CallExpr
	info *types.Info
}

// indexSites records the static call sites of the module's functions (a.sites).
func (a *analyzer) indexSites(call *ast.CallExpr) {
	fn := typeutil.StaticCallee(a.info, call)
	if fn == nil {
		return
	}
	fn = fn.Origin()
	if a.decls[fn] == nil {
		return
	}
	a.sites[fn] = append(a.sites[fn], site{call, a.info})
}

// helperEnvs handles registration helpers: a function such as
//
//	func (s *Server) handle(method, path string, h http.HandlerFunc) { s.r.Method(method, path, h) }
//
// whose registration takes its path or method from a string parameter. It returns, for each
// static call of the enclosing function in the module, the binding of its parameters to that
// call's arguments, and the call's position, for the calls that give those parameters known
// values. alone is true when the registration must also be reported by itself (it uses no
// string parameter, the function is not called in the module, or a caller passes a value that
// is not known: then its path holds {?}).
func (a *analyzer) helperEnvs(call *ast.CallExpr) (envs []map[*types.Var]assigned, pos []token.Pos, alone bool) {
	if len(a.funcs) == 0 {
		return nil, nil, true
	}
	fd, ok := a.funcs[0].(*ast.FuncDecl)
	if !ok {
		return nil, nil, true
	}
	fn, ok := a.info.Defs[fd.Name].(*types.Func)
	if !ok {
		return nil, nil, true
	}
	sig := fn.Signature()
	params := map[*types.Var]int{}
	for i := 0; i < sig.Params().Len(); i++ {
		params[sig.Params().At(i)] = i
	}
	used := map[*types.Var]bool{}
	ast.Inspect(call, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := a.info.Uses[id].(*types.Var); ok {
				if _, isParam := params[v]; isParam {
					if b, ok := v.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
						used[v] = true
					}
				}
			}
		}
		return true
	})
	sites := a.sites[fn]
	if len(used) == 0 || len(sites) == 0 {
		return nil, nil, true
	}
	for _, s := range sites {
		known := true
		for v := range used {
			i := params[v]
			if i >= len(s.call.Args) || (sig.Variadic() && i == sig.Params().Len()-1) {
				known = false
				break
			}
			if _, ok := a.str(s.info, s.call.Args[i], 0); !ok {
				known = false
				break
			}
		}
		if !known { // this caller passes something unknown: the registration stands alone
			alone = true
			continue
		}
		env := map[*types.Var]assigned{}
		for v, i := range params {
			switch {
			case sig.Variadic() && i == sig.Params().Len()-1:
				env[v] = assigned{nil, nil}
			case i < len(s.call.Args):
				env[v] = assigned{s.call.Args[i], s.info}
			}
		}
		envs = append(envs, env)
		pos = append(pos, s.call.Pos())
	}
	return envs, pos, alone
}
