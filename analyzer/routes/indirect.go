package routes

import (
	"go/ast"
	"go/types"
	"sort"
)

// Registrations made without naming the router package at the call:
//
//   - through a method value of a registration method (h := group.Handle; h("GET", "/x", f)):
//     the method value evaluates to a bound object, a child of each receiver router that
//     remembers the method, and a call of a function value holding bound objects is that
//     method called on them;
//   - through a module-local interface a router type satisfies
//     (func register(r registrar) { r.GET("/x", f) }): when the receiver holds router objects of
//     known type, the call is the method of that type with the same name.

// indirectCall is a router method call reached through a function value or an interface.
type indirectCall struct {
	r    string
	fn   *types.Func
	recv map[*object]bool
}

// bindable reports whether a method of router r can be followed as a method value: a route
// registration of chi, gin, echo or net/http (gorilla chains are not followed).
func bindable(r string, name string) bool {
	switch r {
	case chi, gin, echo, netHTTP:
	default:
		return false
	}
	switch name {
	case "Handle", "HandleFunc", "Method", "MethodFunc", "Any", "Add", "Match", "Mount":
		return true
	}
	_, ok := httpMethods[name]
	return ok
}

// boundObjects returns the bound objects of a method value x.M of a registration method: one per
// router x may hold.
func (a *analyzer) boundObjects(sel *ast.SelectorExpr, m *types.Func) map[*object]bool {
	r := routerOf(pkgPath(m))
	if !bindable(r, m.Name()) {
		return nil
	}
	out := map[*object]bool{}
	for _, p := range sortedObjs(a.recvSet(r, sel.X)) {
		if p.bound != nil {
			continue
		}
		k := objKey{site: sel.Pos(), parent: p.id, tag: "bound " + a.envTag}
		o := a.objs[k]
		if o == nil {
			a.nextID++
			o = &object{id: a.nextID, router: r, site: sel.Pos(), parents: []edge{{parent: p}}, bound: m, typ: p.typ}
			a.objs[k] = o
			a.changed = true
		}
		out[o] = true
	}
	return out
}

// indirect returns the router method calls a call stands for when its callee is not in a router
// package: a call of a function value holding bound registration methods, or a call of a
// module-local interface method on a receiver holding routers of known type.
func (a *analyzer) indirect(call *ast.CallExpr) []indirectCall {
	groups := map[*types.Func]map[*object]bool{}
	addTo := func(fn *types.Func, o *object) {
		if groups[fn] == nil {
			groups[fn] = map[*object]bool{}
		}
		groups[fn][o] = true
	}
	if v, ok := a.objOf(call.Fun).(*types.Var); ok {
		if _, ok := v.Type().Underlying().(*types.Signature); !ok {
			return nil
		}
		for o := range a.eval(call.Fun) {
			if o.bound != nil {
				addTo(o.bound, o)
			}
		}
	} else if fn := a.callee(call); fn != nil && routerOf(pkgPath(fn)) == "" {
		recv := fn.Signature().Recv()
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if recv == nil || !ok || !types.IsInterface(recv.Type()) {
			return nil
		}
		for o := range a.eval(sel.X) {
			if o.bound != nil || o.typ == nil {
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(o.typ, true, nil, fn.Name())
			m, ok := obj.(*types.Func)
			if !ok || routerOf(pkgPath(m)) != o.router {
				continue
			}
			addTo(m, o)
		}
	}
	out := make([]indirectCall, 0, len(groups))
	for fn, set := range groups {
		r := routerOf(pkgPath(fn))
		if r == gorilla {
			continue
		}
		out = append(out, indirectCall{r: r, fn: fn, recv: set})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].fn.Pos() != out[j].fn.Pos() {
			return out[i].fn.Pos() < out[j].fn.Pos()
		}
		return out[i].fn.FullName() < out[j].fn.FullName()
	})
	return out
}

// withRecv runs f with the receiver of the router call being made replaced by ic's routers.
func (a *analyzer) withRecv(ic indirectCall, f func()) {
	saveRecv, saveFn := a.boundRecv, a.boundFn
	a.boundRecv, a.boundFn = ic.recv, ic.fn
	defer func() { a.boundRecv, a.boundFn = saveRecv, saveFn }()
	f()
}
