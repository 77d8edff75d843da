package routes

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/carve-go/carve/analyzer/load"
)

func typeutilCallee(info *types.Info, call *ast.CallExpr) types.Object {
	return typeutil.Callee(info, call)
}

// recvExpr returns the receiver expression of a method call, or nil.
func recvExpr(call *ast.CallExpr) ast.Expr {
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		return sel.X
	}
	return nil
}

func arg(call *ast.CallExpr, i int) ast.Expr {
	if i < len(call.Args) {
		return call.Args[i]
	}
	return nil
}

// httpMethods maps the method-named registration functions of chi, gin and echo to methods.
var httpMethods = map[string]string{
	"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE",
	"Head": "HEAD", "Options": "OPTIONS", "Connect": "CONNECT", "Trace": "TRACE",
	"GET": "GET", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH", "DELETE": "DELETE",
	"HEAD": "HEAD", "OPTIONS": "OPTIONS", "CONNECT": "CONNECT", "TRACE": "TRACE",
	"PROPFIND": "PROPFIND", "REPORT": "REPORT",
}

// routerValue returns the routers created or derived by a call into a router package.
func (a *analyzer) routerValue(r string, fn *types.Func, call *ast.CallExpr) map[*object]bool {
	set := a.routerValue1(r, fn, call)
	if t := routerType(a.info.TypeOf(call)); t != nil {
		for o := range set {
			if o.typ == nil {
				o.typ = t
			}
		}
	}
	return set
}

func (a *analyzer) routerValue1(r string, fn *types.Func, call *ast.CallExpr) map[*object]bool {
	recv := recvExpr(call)
	isMethod := fn.Signature().Recv() != nil
	name := fn.Name()
	switch r {
	case chi:
		switch {
		case !isMethod && (name == "NewRouter" || name == "NewMux"):
			return one(a.root(r, call.Pos(), ""))
		case isMethod && name == "Route":
			p, _ := a.pathArg(r, arg(call, 0))
			return a.children(r, call.Pos(), a.recvSet(r, recv), p)
		case isMethod && (name == "Group" || name == "With"):
			return a.children(r, call.Pos(), a.recvSet(r, recv), "")
		}
	case gorilla:
		switch {
		case !isMethod && name == "NewRouter":
			return one(a.root(r, call.Pos(), ""))
		case isMethod && name == "Subrouter":
			ch := a.evalRoute(recv)
			if ch == nil {
				return nil
			}
			prefix := ch.path
			return a.children(r, call.Pos(), ch.routers, prefix)
		}
	case gin:
		switch {
		case !isMethod && (name == "New" || name == "Default"):
			return one(a.root(r, call.Pos(), ""))
		case isMethod && name == "Group":
			p, _ := a.pathArg(r, arg(call, 0))
			return a.children(r, call.Pos(), a.recvSet(r, recv), p)
		}
	case echo:
		switch {
		case !isMethod && name == "New":
			return one(a.root(r, call.Pos(), ""))
		case isMethod && name == "Group":
			p, _ := a.pathArg(r, arg(call, 0))
			return a.children(r, call.Pos(), a.recvSet(r, recv), p)
		case isMethod && name == "Host":
			return a.children(r, call.Pos(), a.recvSet(r, recv), "")
		}
	case netHTTP:
		if !isMethod && name == "NewServeMux" {
			return one(a.root(r, call.Pos(), ""))
		}
	}
	if fn.Signature().Results().Len() == 0 || !isRouterType(fn.Signature().Results().At(0).Type()) {
		return nil
	}
	if !isMethod {
		// Any other function of the router package returning a router is a constructor
		// (echo.NewWithConfig, a future chi.NewXxx).
		return one(a.root(r, call.Pos(), ""))
	}
	// Other methods returning a router of the same package return their receiver
	// (gorilla StrictSlash/SkipClean/UseEncodedPath, gin Use).
	if fn.Signature().Results().Len() == 1 {
		return a.recvSet(r, recv)
	}
	return nil
}

// routerType returns t when it is a router type (or a pointer to one), else nil.
func routerType(t types.Type) types.Type {
	if t != nil && isRouterType(t) {
		return t
	}
	return nil
}

// isRouterStruct reports whether t is a router struct type itself (not a pointer or interface):
// a value of it (var mux http.ServeMux) is a router.
func isRouterStruct(t types.Type) bool {
	if _, ok := t.(*types.Named); !ok || !isRouterType(t) {
		return false
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// isRouterType reports whether t is a router type (or a pointer to one) of a router package.
func isRouterType(t types.Type) bool {
	n := load.Named(t)
	if n == nil {
		return false
	}
	switch routerOf(pkgPath(n.Obj())) + "." + n.Obj().Name() {
	case chi + ".Router", chi + ".Mux", gorilla + ".Router", gin + ".Engine", gin + ".RouterGroup",
		gin + ".IRoutes", gin + ".IRouter", echo + ".Echo", echo + ".Group", netHTTP + ".ServeMux":
		return true
	}
	return false
}

// pathArg evaluates a path argument and normalises it for router r.
func (a *analyzer) pathArg(r string, e ast.Expr) (string, bool) {
	s, ok := a.str(a.info, e, 0)
	return normalize(r, s), ok
}

// target is a router mounted somewhere, and the prefix http.StripPrefix removes before it.
type target struct {
	obj      *object
	strip    string
	stripped bool
}

// evalMount returns the routers a handler expression given to a mount may hold, looking through
// conversions, http.StripPrefix and middleware wrappers (calls taking the router as an argument).
func (a *analyzer) evalMount(e ast.Expr, depth int) []target {
	if e == nil || depth > 8 {
		return nil
	}
	e = ast.Unparen(e)
	if set := a.eval(e); len(set) > 0 {
		var out []target
		for _, o := range sortedObjs(set) {
			out = append(out, target{obj: o})
		}
		return out
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return nil
	}
	if fn := a.callee(call); fn != nil && pkgPath(fn) == "net/http" && fn.Name() == "StripPrefix" && len(call.Args) == 2 {
		s, _ := a.str(a.info, call.Args[0], 0)
		inner := a.evalMount(call.Args[1], depth+1)
		for i := range inner {
			inner[i].strip = joinPath(s, inner[i].strip)
			inner[i].stripped = true
		}
		return inner
	}
	var out []target
	for _, x := range call.Args {
		out = append(out, a.evalMount(x, depth+1)...)
	}
	return out
}

// mount links the routers a handler holds under every router in parents with prefix. A child
// mounted with stripping (chi Mount, http.StripPrefix) gets the prefix added to its patterns;
// otherwise it sees the whole path. It reports whether the handler held routers.
func (a *analyzer) mount(parents map[*object]bool, prefix string, handler ast.Expr, strips bool) bool {
	targets := a.evalMount(handler, 0)
	if len(targets) == 0 {
		return false
	}
	for _, p := range sortedObjs(parents) {
		for _, t := range targets {
			e := edge{parent: p, prefix: prefix, full: !strips}
			if t.stripped {
				// The child sees the path with t.strip removed.
				e = edge{parent: p, prefix: t.strip}
				if strips {
					e.prefix = joinPath(prefix, t.strip)
				}
			}
			if t.obj.addParent(e) {
				a.changed = true
			}
		}
	}
	return true
}

// routerCall handles a call into a router package during the walks: callbacks of chi
// Route/Group, mounts, and (when collecting) route registrations.
func (a *analyzer) routerCall(r string, fn *types.Func, call *ast.CallExpr) {
	recv := recvExpr(call)
	isMethod := fn.Signature().Recv() != nil
	name := fn.Name()
	switch r {
	case chi:
		if !isMethod {
			return
		}
		switch name {
		case "Route":
			a.bindCallback(arg(call, 1), a.routerValue(r, fn, call))
		case "Group":
			a.bindCallback(arg(call, 0), a.routerValue(r, fn, call))
		case "Mount":
			p, _ := a.pathArg(r, arg(call, 0))
			if !a.mount(a.recvSet(r, recv), p, arg(call, 1), true) {
				a.register(call, r, recv, []string{"ANY"}, arg(call, 0), "/*", arg(call, 1))
			}
		case "Handle", "HandleFunc":
			p, _ := a.pathArg(r, arg(call, 0))
			if name == "Handle" && a.mount(a.recvSet(r, recv), mountPrefix(p), arg(call, 1), false) {
				return
			}
			a.register(call, r, recv, []string{"ANY"}, arg(call, 0), "", arg(call, 1))
		case "Method", "MethodFunc":
			a.register(call, r, recv, a.methodArgs(firstArg(call), false), arg(call, 1), "", arg(call, 2))
		default:
			if m, ok := httpMethods[name]; ok && name != strings.ToUpper(name) {
				a.register(call, r, recv, []string{m}, arg(call, 0), "", arg(call, 1))
			}
		}
	case gorilla:
		if !isMethod || a.inner[call] {
			return
		}
		if recvTypeName(fn) != "Route" && name != "HandleFunc" && name != "Handle" {
			return
		}
		ch := a.evalRoute(call)
		if ch == nil || ch.handler == nil {
			return
		}
		prefix := ch.path
		if ch.prefix && !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		if a.mount(ch.routers, mountPrefix(prefix), ch.handler, false) {
			return
		}
		a.registerChain(call, ch, prefix)
	case gin, echo:
		if !isMethod {
			return
		}
		handler := func(from int) ast.Expr { // gin: last handler; echo: first after the path
			if r == gin {
				if len(call.Args) > from {
					return call.Args[len(call.Args)-1]
				}
				return nil
			}
			return arg(call, from)
		}
		switch name {
		case "Any":
			a.register(call, r, recv, []string{"ANY"}, arg(call, 0), "", handler(1))
		case "Handle", "Add":
			a.register(call, r, recv, a.methodArgs(firstArg(call), false), arg(call, 1), "", handler(2))
		case "Match":
			a.register(call, r, recv, a.methodArgs(firstArg(call), true), arg(call, 1), "", handler(2))
		case "Static", "StaticFS":
			if r == gin {
				a.register(call, r, recv, []string{"GET", "HEAD"}, arg(call, 0), "/*filepath", nil)
			} else {
				a.register(call, r, recv, []string{"GET"}, arg(call, 0), "/*", nil)
			}
		case "StaticFile", "StaticFileFS", "File":
			a.register(call, r, recv, []string{"GET"}, arg(call, 0), "", nil)
		default:
			if m, ok := httpMethods[name]; ok && name == strings.ToUpper(name) {
				a.register(call, r, recv, []string{m}, arg(call, 0), "", handler(1))
			}
		}
	case netHTTP:
		if name != "Handle" && name != "HandleFunc" {
			return
		}
		if isMethod && recvTypeName(fn) != "ServeMux" {
			return
		}
		if name == "Handle" {
			s, _ := a.str(a.info, arg(call, 0), 0)
			_, p := splitServeMuxPattern(s)
			if a.mount(a.netRecv(isMethod, recv), mountPrefix(p), arg(call, 1), false) {
				return
			}
		}
		a.register(call, r, recv, nil, arg(call, 0), "", arg(call, 1))
	}
}

// netRecv returns the ServeMux a net/http registration is made on: the receiver, or
// http.DefaultServeMux for the package-level functions.
func (a *analyzer) netRecv(isMethod bool, recv ast.Expr) map[*object]bool {
	if !isMethod {
		return one(a.root(netHTTP, token.NoPos, "DefaultServeMux"))
	}
	return a.recvSet(netHTTP, recv)
}

// methodArgs evaluates method arguments (each a string, or a []string literal when list is
// true); unknown ones give ANY.
func (a *analyzer) methodArgs(args []ast.Expr, list bool) []string {
	var out []string
	for _, e := range args {
		if list {
			lit, ok := ast.Unparen(e).(*ast.CompositeLit)
			if !ok {
				return []string{"ANY"}
			}
			out = append(out, a.methodArgs(lit.Elts, false)...)
			continue
		}
		s, ok := a.str(a.info, e, 0)
		if !ok {
			return []string{"ANY"}
		}
		out = append(out, strings.ToUpper(s))
	}
	if len(out) == 0 {
		return []string{"ANY"}
	}
	return out
}

// register records a route registration (only while collecting). pathExpr is the path
// argument; suffix is appended to it (in the router's own syntax) before normalisation.
func (a *analyzer) register(call *ast.CallExpr, r string, recv ast.Expr, methods []string, pathExpr ast.Expr, suffix string, handler ast.Expr) {
	if !a.collecting {
		return
	}
	reg := &registration{pos: a.regPos(call), router: r, methods: methods}
	raw, ok := a.str(a.info, pathExpr, 0)
	if !ok {
		reg.reasons = append(reg.reasons, fmt.Sprintf("routes: path %s is not a constant", exprString(pathExpr)))
	}
	if suffix != "" {
		raw = joinPath(raw, suffix)
	}
	if r == netHTTP {
		m, p := splitServeMuxPattern(raw)
		reg.methods, raw = []string{m}, p
		reg.recv = sortedObjs(a.netRecv(a.isMethodCall(call), recv))
	} else {
		reg.recv = sortedObjs(a.recvSet(r, recv))
	}
	if len(reg.methods) == 1 && reg.methods[0] == "ANY" && methodUnknown(a, call) {
		reg.reasons = append(reg.reasons, "routes: method is not a constant; recorded as ANY")
	}
	reg.path = normalize(r, raw)
	reg.handler = string(a.handlerUnit(handler, 0))
	a.regs = append(a.regs, reg)
}

func (a *analyzer) isMethodCall(call *ast.CallExpr) bool {
	fn := a.routerCallee(call)
	return fn != nil && fn.Signature().Recv() != nil
}

// methodUnknown reports whether a Method/Handle/Add/Match call's method argument is not known.
func methodUnknown(a *analyzer, call *ast.CallExpr) bool {
	fn := a.routerCallee(call)
	if fn == nil {
		return false
	}
	switch fn.Name() {
	case "Method", "MethodFunc", "Add", "Match":
	case "Handle":
		if r := routerOf(pkgPath(fn)); r != gin {
			return false
		}
	default:
		return false
	}
	if len(call.Args) == 0 {
		return true
	}
	if lit, ok := ast.Unparen(call.Args[0]).(*ast.CompositeLit); ok {
		for _, e := range lit.Elts {
			if _, ok := a.str(a.info, e, 0); !ok {
				return true
			}
		}
		return false
	}
	_, ok := a.str(a.info, call.Args[0], 0)
	return !ok
}

// routerCallee returns the router method a call runs: the one being followed through a method
// value or interface (see indirect.go), else the call's callee.
func (a *analyzer) routerCallee(call *ast.CallExpr) *types.Func {
	if a.boundFn != nil {
		return a.boundFn
	}
	return a.callee(call)
}

// chain is what a gorilla/mux route-building chain says: the routers it is on, its path, its
// methods and its handler.
type chain struct {
	routers        map[*object]bool
	path           string
	pathExpr       ast.Expr
	prefix         bool // the path came from PathPrefix
	methods        []string
	methodsUnknown bool
	handler        ast.Expr
}

// evalRoute follows a gorilla/mux chain (r.HandleFunc(...).Methods(...), r.Path(...).Handler(...),
// r.PathPrefix(...)) back to the router it starts on.
func (a *analyzer) evalRoute(e ast.Expr) *chain {
	return a.evalRouteDepth(e, 0)
}

func (a *analyzer) evalRouteDepth(e ast.Expr, depth int) *chain {
	if e == nil || depth > 64 {
		return nil
	}
	if id, ok := ast.Unparen(e).(*ast.Ident); ok { // route := r.NewRoute(); route.Path(p)...
		v, ok := a.info.Uses[id].(*types.Var)
		if !ok {
			return nil
		}
		vals := a.sortedVals(v)
		if len(vals) != 1 || vals[0].info != a.info {
			return nil
		}
		return a.evalRouteDepth(vals[0].e, depth+1)
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn := a.callee(call)
	if fn == nil || routerOf(pkgPath(fn)) != gorilla || fn.Signature().Recv() == nil {
		return nil
	}
	recv := recvExpr(call)
	var ch *chain
	switch recvTypeName(fn) {
	case "Router":
		ch = &chain{routers: a.recvSet(gorilla, recv)}
		if fn.Name() == "HandleFunc" || fn.Name() == "Handle" {
			a.setPath(ch, arg(call, 0), false)
			ch.handler = arg(call, 1)
			return ch
		}
	case "Route":
		ch = a.evalRouteDepth(recv, depth+1)
		if ch == nil {
			return nil
		}
		c := *ch
		ch = &c
	default:
		return nil
	}
	switch fn.Name() {
	case "Path":
		a.setPath(ch, arg(call, 0), false)
	case "PathPrefix":
		a.setPath(ch, arg(call, 0), true)
	case "Methods":
		if call.Ellipsis.IsValid() {
			ch.methodsUnknown = true
			break
		}
		ms := a.methodArgs(call.Args, false)
		if len(ms) == 1 && ms[0] == "ANY" && len(call.Args) > 0 {
			ch.methodsUnknown = true
			break
		}
		ch.methods = append(append([]string(nil), ch.methods...), ms...)
	case "Handler", "HandlerFunc":
		ch.handler = arg(call, 0)
	case "Subrouter":
		return nil
	}
	return ch
}

func (a *analyzer) setPath(ch *chain, e ast.Expr, prefix bool) {
	s := ""
	if e != nil {
		s, _ = a.str(a.info, e, 0)
	}
	ch.path, ch.pathExpr, ch.prefix = normalize(gorilla, s), e, prefix
}

// registerChain records a gorilla/mux route: one per method, ANY without Methods.
func (a *analyzer) registerChain(call *ast.CallExpr, ch *chain, path string) {
	if !a.collecting {
		return
	}
	reg := &registration{pos: a.regPos(call), router: gorilla, path: path, recv: sortedObjs(ch.routers)}
	if _, ok := a.str(a.info, ch.pathExpr, 0); ch.pathExpr != nil && !ok {
		reg.reasons = append(reg.reasons, fmt.Sprintf("routes: path %s is not a constant", exprString(ch.pathExpr)))
	}
	reg.methods = ch.methods
	if ch.methodsUnknown {
		reg.reasons = append(reg.reasons, "routes: method is not a constant; recorded as ANY")
		reg.methods = nil
	}
	if len(reg.methods) == 0 {
		reg.methods = []string{"ANY"}
	}
	reg.handler = string(a.handlerUnit(ch.handler, 0))
	a.regs = append(a.regs, reg)
}

func exprString(e ast.Expr) string {
	if e == nil {
		return "(missing)"
	}
	return types.ExprString(e)
}

// collect walks the module once more, after the fixpoint, recording every registration.
func (a *analyzer) collect() []*registration {
	a.collecting = true
	a.seeding = true
	a.walkAll(func(n ast.Node) {
		if call, ok := n.(*ast.CallExpr); ok {
			var calls []indirectCall
			if fn := a.callee(call); fn != nil && routerOf(pkgPath(fn)) != "" {
				calls = []indirectCall{{r: routerOf(pkgPath(fn)), fn: fn}}
			} else {
				calls = a.indirect(call)
			}
			for _, ic := range calls {
				r, fn := ic.r, ic.fn
				a.boundRecv, a.boundFn = ic.recv, nil
				if ic.recv != nil {
					a.boundFn = fn
				}
				{
					envs := a.rangeEnvs(call)
					if envs == nil {
						helper, sites, alone := a.helperEnvs(call)
						for i, env := range helper { // a registration helper: one registration per call site
							a.env, a.sitePos, a.envTag = env, sites[i], fmt.Sprintf("site %d", sites[i])
							a.routerCall(r, fn, call)
						}
						a.env, a.sitePos, a.envTag = nil, token.NoPos, ""
						if alone {
							a.routerCall(r, fn, call)
						}
					}
					for i, env := range envs { // a loop over a route table: one registration per element
						a.env, a.envTag = env, fmt.Sprintf("element %d", i)
						a.routerCall(r, fn, call)
					}
					a.env, a.envTag = nil, ""
				}
				a.boundRecv, a.boundFn = nil, nil
			}
		}
	})
	return a.regs
}

// markInner records the gorilla/mux calls that are the receiver of another gorilla call in a
// chain, so that a chain is handled once, at its outermost call.
func (a *analyzer) markInner() {
	a.walkAll(func(n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return
		}
		a.indexSites(call)
		fn := a.callee(call)
		if fn == nil || routerOf(pkgPath(fn)) != gorilla {
			return
		}
		if x, ok := ast.Unparen(recvExpr(call)).(*ast.CallExpr); ok && recvExpr(call) != nil {
			a.inner[x] = true
		}
	})
}

// firstArg returns the first argument of a call as a slice (empty when there is none).
func firstArg(call *ast.CallExpr) []ast.Expr {
	if len(call.Args) == 0 {
		return nil
	}
	return call.Args[:1]
}

// regPos returns the position a registration is reported at: the call, or the call site of
// the registration helper being expanded.
func (a *analyzer) regPos(call *ast.CallExpr) token.Pos {
	if a.sitePos.IsValid() {
		return a.sitePos
	}
	return call.Pos()
}
