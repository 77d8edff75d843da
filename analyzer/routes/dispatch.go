package routes

import (
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/types/typeutil"
)

// targets returns the module functions a call may run: its static callee, or every module
// implementation of the interface method it calls.
func (a *analyzer) targets(call *ast.CallExpr) []*types.Func {
	if fn := typeutil.StaticCallee(a.info, call); fn != nil {
		fn = fn.Origin()
		if a.decls[fn] == nil {
			return nil
		}
		return []*types.Func{fn}
	}
	fn := a.callee(call)
	if fn == nil || fn.Signature().Recv() == nil {
		return nil
	}
	impls := a.implementations(fn)
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		impls = a.narrow(sel.X, impls)
	}
	return impls
}

// narrow keeps the implementations whose receiver type is one of the concrete types the
// variable x is ever given; it returns impls unchanged when x is not such a variable.
func (a *analyzer) narrow(x ast.Expr, impls []*types.Func) []*types.Func {
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return impls
	}
	v, ok := a.info.Uses[id].(*types.Var)
	if !ok {
		return impls
	}
	vals := a.sortedVals(v)
	if len(vals) == 0 {
		return impls
	}
	named := map[*types.TypeName]bool{}
	for _, as := range vals {
		if as.info == nil {
			return impls
		}
		t := as.info.TypeOf(as.e)
		if t == nil || types.IsInterface(t) {
			return impls
		}
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := t.(*types.Named)
		if !ok {
			return impls
		}
		named[n.Origin().Obj()] = true
	}
	var out []*types.Func
	for _, m := range impls {
		t := m.Signature().Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && named[n.Origin().Obj()] {
			out = append(out, m)
		}
	}
	return out
}

// implementations returns the methods of module types that implement the interface method fn
// (class-hierarchy analysis), in source order.
func (a *analyzer) implementations(fn *types.Func) []*types.Func {
	if r, ok := a.impls[fn]; ok {
		return r
	}
	var out []*types.Func
	if recv := fn.Signature().Recv(); recv != nil {
		if iface, ok := recv.Type().Underlying().(*types.Interface); ok {
			for _, m := range a.methods[fn.Name()] {
				t := m.Signature().Recv().Type()
				if p, ok := t.(*types.Pointer); ok {
					t = p.Elem()
				}
				if n, ok := t.(*types.Named); !ok || n.TypeParams().Len() > 0 {
					continue
				}
				if types.Implements(t, iface) || types.Implements(types.NewPointer(t), iface) {
					out = append(out, m)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	a.impls[fn] = out
	return out
}
