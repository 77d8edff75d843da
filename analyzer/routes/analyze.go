package routes

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/carve-go/carve/analyzer/load"
)

// object is an abstract router value: one creation site (and, for derived routers, one parent).
type object struct {
	id      int
	router  string
	site    token.Pos
	parents []edge
	unknown bool        // a root whose creation was not found
	typ     types.Type  // the router package type the value has where it is created (nil if not known)
	bound   *types.Func // for a method value of a registration method (h := g.Handle): the method
}

func (o *object) addParent(e edge) bool {
	for _, x := range o.parents {
		if x == e {
			return false
		}
	}
	o.parents = append(o.parents, e)
	return true
}

type objKey struct {
	site   token.Pos
	parent int // id of the parent for derived objects, 0 for roots
	tag    string
}

// resultKey names the i-th result of a function (a *ast.FuncDecl or *ast.FuncLit).
type resultKey struct {
	fn ast.Node
	i  int
}

// assigned is one expression assigned to a string variable, with the type info of its package.
type assigned struct {
	e    ast.Expr
	info *types.Info
}

// registration is one route registration call, before its router's prefixes are applied.
type registration struct {
	pos     token.Pos
	router  string
	methods []string
	path    string // leaf path, normalised
	recv    []*object
	handler string
	reasons []string
}

type analyzer struct {
	prog    *load.Program
	pkgs    []*packages.Package
	decls   map[*types.Func]*ast.FuncDecl
	objs    map[objKey]*object
	nextID  int
	pts     map[any]map[*object]bool
	vals    map[*types.Var]map[ast.Expr]assigned // expressions assigned to variables, parameters and fields
	files   map[*token.File]fileRef
	impls   map[*types.Func][]*types.Func
	methods map[string][]*types.Func // methods declared in the relevant packages, by name
	changed bool
	seeding bool // receivers with nothing in them get an object of unknown origin

	inner      map[*ast.CallExpr]bool // gorilla/mux calls inside a longer chain
	collecting bool                   // the final walk: record registrations

	// per file being walked
	pkg   *packages.Package
	info  *types.Info
	file  *ast.File
	funcs []ast.Node // enclosing functions of the node being visited, innermost last
	stack []ast.Node // enclosing nodes of the node being visited, innermost last

	defs    map[*types.Var][]def    // assignments to local variables, in source order
	env     map[*types.Var]assigned // while collecting: a route table element, or a helper's call-site arguments
	sitePos token.Pos               // while collecting through a registration helper: its call site
	envTag  string                  // names the current env, so routers derived under it are its own
	sites   map[*types.Func][]site  // static call sites of the module's functions

	regs []*registration // filled by collect

	// while handling an indirect router call (see indirect.go): its receivers and method
	boundRecv map[*object]bool
	boundFn   *types.Func

	fields   *fieldFacts     // built on the first read of a string field (see fields.go)
	relevant map[string]bool // import paths of the packages walked (they import a router package, maybe indirectly)
}

func newAnalyzer(prog *load.Program) *analyzer {
	a := &analyzer{
		prog:    prog,
		decls:   map[*types.Func]*ast.FuncDecl{},
		objs:    map[objKey]*object{},
		pts:     map[any]map[*object]bool{},
		vals:    map[*types.Var]map[ast.Expr]assigned{},
		defs:    map[*types.Var][]def{},
		sites:   map[*types.Func][]site{},
		files:   map[*token.File]fileRef{},
		impls:   map[*types.Func][]*types.Func{},
		methods: map[string][]*types.Func{},
		inner:   map[*ast.CallExpr]bool{},
	}
	relevant := map[string]bool{}
	var visit func(p *packages.Package) bool
	visiting := map[string]bool{}
	visit = func(p *packages.Package) bool {
		if r, ok := relevant[p.PkgPath]; ok {
			return r
		}
		if visiting[p.PkgPath] {
			return false
		}
		visiting[p.PkgPath] = true
		r := false
		for path, imp := range p.Imports {
			if routerOf(path) != "" {
				r = true
			} else if _, inModule := prog.PkgDir(path); inModule && visit(imp) {
				r = true
			}
		}
		relevant[p.PkgPath] = r
		return r
	}
	a.relevant = relevant
	for _, p := range prog.Packages {
		if p.TypesInfo == nil || !visit(p) {
			continue
		}
		a.pkgs = append(a.pkgs, p)
		for _, f := range p.Syntax {
			if tf := prog.Fset.File(f.Pos()); tf != nil {
				a.files[tf] = fileRef{p, f}
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						a.decls[fn] = fd
						if fd.Recv != nil {
							a.methods[fn.Name()] = append(a.methods[fn.Name()], fn)
						}
					}
				}
			}
		}
	}
	a.markInner()
	return a
}

// routerOf returns the router name of a router package import path, or "".
func routerOf(path string) string {
	switch {
	case path == "net/http":
		return netHTTP
	case path == "github.com/go-chi/chi" || strings.HasPrefix(path, "github.com/go-chi/chi/v"):
		return chi
	case path == "github.com/gorilla/mux":
		return gorilla
	case path == "github.com/gin-gonic/gin":
		return gin
	case path == "github.com/labstack/echo" || strings.HasPrefix(path, "github.com/labstack/echo/v"):
		return echo
	}
	return ""
}

// solve runs the points-to walk to a fixpoint, then gives receivers that stayed empty an
// object of unknown origin and runs it again.
func (a *analyzer) solve() {
	for round := 0; round < 3; round++ {
		for i := 0; i < 50; i++ {
			a.changed = false
			a.walkAll(a.visit)
			if !a.changed {
				break
			}
		}
		a.seeding = true
		a.changed = false
		a.walkAll(a.visit)
		a.seeding = false
		if !a.changed {
			return
		}
	}
}

// walkAll walks every file of the relevant packages, keeping the enclosing functions.
func (a *analyzer) walkAll(fn func(n ast.Node)) {
	for _, p := range a.pkgs {
		a.pkg, a.info = p, p.TypesInfo
		for _, f := range p.Syntax {
			a.file = f
			a.funcs = a.funcs[:0]
			a.stack = a.stack[:0]
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					top := a.stack[len(a.stack)-1]
					a.stack = a.stack[:len(a.stack)-1]
					if len(a.funcs) > 0 && a.funcs[len(a.funcs)-1] == top {
						a.funcs = a.funcs[:len(a.funcs)-1]
					}
					return true
				}
				a.stack = append(a.stack, n)
				switch n.(type) {
				case *ast.FuncDecl, *ast.FuncLit:
					a.funcs = append(a.funcs, n)
				}
				fn(n)
				return true
			})
		}
	}
}

func (a *analyzer) add(key any, set map[*object]bool) {
	if len(set) == 0 {
		return
	}
	dst := a.pts[key]
	if dst == nil {
		dst = map[*object]bool{}
		a.pts[key] = dst
	}
	for o := range set {
		if !dst[o] {
			dst[o] = true
			a.changed = true
		}
	}
}

// fileRef is a file of a relevant package.
type fileRef struct {
	pkg  *packages.Package
	file *ast.File
}

// switchTo makes the file holding pos the current one and returns a function restoring the
// previous one. It reports false (and changes nothing) when pos is in no relevant file.
func (a *analyzer) switchTo(pos token.Pos) (func(), bool) {
	ref, ok := a.files[a.prog.Fset.File(pos)]
	if !ok {
		return func() {}, false
	}
	pkg, info, file := a.pkg, a.info, a.file
	a.pkg, a.info, a.file = ref.pkg, ref.pkg.TypesInfo, ref.file
	return func() { a.pkg, a.info, a.file = pkg, info, file }, true
}

// addVal records that e (nil info: an unknown value) is assigned to v.
func (a *analyzer) addVal(v *types.Var, e ast.Expr, info *types.Info) {
	if v == nil || e == nil {
		return
	}
	m := a.vals[v]
	if m == nil {
		m = map[ast.Expr]assigned{}
		a.vals[v] = m
	}
	if _, ok := m[e]; !ok {
		m[e] = assigned{e, info}
		a.changed = true
	}
}

// visit handles one node of the points-to walk.
func (a *analyzer) visit(n ast.Node) {
	switch n := n.(type) {
	case *ast.AssignStmt:
		if len(n.Lhs) == len(n.Rhs) {
			for i := range n.Lhs {
				a.assign(n.Lhs[i], n.Rhs[i], n.Tok)
			}
		} else if len(n.Rhs) == 1 {
			if call, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr); ok {
				for i := range n.Lhs {
					a.assignSet(n.Lhs[i], a.callResult(call, i))
				}
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) == len(n.Values) {
			for i := range n.Names {
				a.assign(n.Names[i], n.Values[i], token.DEFINE)
			}
		} else if len(n.Values) == 1 {
			if call, ok := ast.Unparen(n.Values[0]).(*ast.CallExpr); ok {
				for i := range n.Names {
					a.assignSet(n.Names[i], a.callResult(call, i))
				}
			}
		}
	case *ast.ReturnStmt:
		if len(a.funcs) == 0 {
			return
		}
		fn := a.funcs[len(a.funcs)-1]
		if len(n.Results) == 1 {
			if call, ok := ast.Unparen(n.Results[0]).(*ast.CallExpr); ok && a.resultCount(fn) > 1 {
				for i := 0; i < a.resultCount(fn); i++ {
					a.add(resultKey{fn, i}, a.callResult(call, i))
				}
				return
			}
		}
		for i, r := range n.Results {
			a.add(resultKey{fn, i}, a.eval(r))
		}
		if len(n.Results) == 0 {
			for i, v := range a.namedResults(fn) {
				a.add(resultKey{fn, i}, a.allPts(v))
			}
		}
	case *ast.CompositeLit:
		a.bindFields(n)
	case *ast.CallExpr:
		a.bindCall(n)
	}
}

func (a *analyzer) resultCount(fn ast.Node) int {
	switch f := fn.(type) {
	case *ast.FuncDecl:
		return f.Type.Results.NumFields()
	case *ast.FuncLit:
		return f.Type.Results.NumFields()
	}
	return 0
}

func (a *analyzer) namedResults(fn ast.Node) []*types.Var {
	var ft *ast.FuncType
	switch f := fn.(type) {
	case *ast.FuncDecl:
		ft = f.Type
	case *ast.FuncLit:
		ft = f.Type
	}
	var out []*types.Var
	if ft == nil || ft.Results == nil {
		return nil
	}
	for _, fld := range ft.Results.List {
		for _, name := range fld.Names {
			v, _ := a.info.Defs[name].(*types.Var)
			out = append(out, v)
		}
	}
	return out
}

// lhsKey returns the points-to key of an assignment target: a variable or a struct field.
func (a *analyzer) lhsKey(e ast.Expr) any {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if e.Name == "_" {
			return nil
		}
		if v, ok := a.info.Defs[e].(*types.Var); ok {
			return v
		}
		if v, ok := a.info.Uses[e].(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if v, ok := a.info.Uses[e.Sel].(*types.Var); ok {
			return v
		}
	case *ast.StarExpr:
		return a.lhsKey(e.X)
	}
	return nil
}

func (a *analyzer) assign(lhs, rhs ast.Expr, tok token.Token) {
	key := a.lhsKey(lhs)
	if key == nil {
		return
	}
	a.assignSet(lhs, a.eval(rhs))
	if v, ok := key.(*types.Var); ok {
		if tok == token.ASSIGN || tok == token.DEFINE {
			a.addVal(v, rhs, a.info)
		} else {
			a.addVal(v, lhs, nil) // x += ...: not a single known value
		}
	}
}

// bindFields binds the fields of a struct literal to the router values given to them.
func (a *analyzer) bindFields(lit *ast.CompositeLit) {
	literalFields(a.info, lit, func(v *types.Var, value ast.Expr) {
		a.add(v, a.eval(value))
		a.addVal(v, value, a.info)
	})
}

// bindCall binds the arguments of a call to a function of the module to its parameters, and
// the routers a chi Route/Group callback receives to the callback's parameter.
func (a *analyzer) bindCall(call *ast.CallExpr) {
	if fn := a.callee(call); fn != nil {
		if r := routerOf(pkgPath(fn)); r != "" {
			a.routerCall(r, fn, call)
			return
		}
	}
	for _, ic := range a.indirect(call) {
		a.withRecv(ic, func() { a.routerCall(ic.r, ic.fn, call) })
	}
	for _, fn := range a.targets(call) {
		sig := fn.Signature()
		if sig.Recv() != nil {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if s := a.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					a.add(sig.Recv(), a.eval(sel.X))
				}
			}
		}
		a.bindArgs(sig, call.Args, call.Ellipsis.IsValid())
	}
	if _, ok := a.objOf(call.Fun).(*types.Var); ok { // a call of a function value
		for _, params := range a.funcParams(call.Fun, 0) {
			for i, arg := range call.Args {
				if i < len(params) && params[i] != nil {
					a.add(params[i], a.eval(arg))
					a.addVal(params[i], arg, a.info)
				}
			}
		}
	}
}

// bindArgs binds call arguments to the parameters of sig (the variadic one gets every extra
// argument).
func (a *analyzer) bindArgs(sig *types.Signature, args []ast.Expr, ellipsis bool) {
	n := sig.Params().Len()
	if n == 0 {
		return
	}
	for i, arg := range args {
		j := i
		if j >= n {
			if !sig.Variadic() {
				break
			}
			j = n - 1
		}
		p := sig.Params().At(j)
		a.add(p, a.eval(arg))
		if j == n-1 && sig.Variadic() && !ellipsis {
			a.addVal(p, arg, nil) // one element of a slice: not the parameter's value
		} else {
			a.addVal(p, arg, a.info)
		}
	}
}

// bindCallback binds routers to the first parameter of every function a function-valued
// expression may be (a function literal, a function or method value, a variable holding one).
func (a *analyzer) bindCallback(e ast.Expr, set map[*object]bool) {
	for _, params := range a.funcParams(e, 0) {
		if len(params) > 0 {
			a.add(params[0], set)
		}
	}
}

// funcParams returns the parameter lists of the functions a function-valued expression may be.
func (a *analyzer) funcParams(e ast.Expr, depth int) [][]*types.Var {
	if e == nil || depth > 4 {
		return nil
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		var params []*types.Var
		if e.Type.Params != nil {
			for _, fld := range e.Type.Params.List {
				for _, name := range fld.Names {
					v, _ := a.info.Defs[name].(*types.Var)
					params = append(params, v)
				}
			}
		}
		return [][]*types.Var{params}
	case *ast.Ident, *ast.SelectorExpr:
		switch o := a.objOf(e).(type) {
		case *types.Func:
			fns := []*types.Func{o.Origin()}
			if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				fns = a.implementations(o) // a method value of an interface: every implementation
				if sel, ok := e.(*ast.SelectorExpr); ok {
					fns = a.narrow(sel.X, fns)
				}
			}
			var out [][]*types.Var
			for _, fn := range fns {
				sig := fn.Signature()
				var params []*types.Var
				for i := 0; i < sig.Params().Len(); i++ {
					params = append(params, sig.Params().At(i))
				}
				out = append(out, params)
			}
			return out
		case *types.Var:
			if _, ok := o.Type().Underlying().(*types.Signature); !ok {
				return nil
			}
			var out [][]*types.Var
			for _, as := range a.sortedVals(o) {
				if as.info == nil {
					continue
				}
				restore, ok := a.switchTo(as.e.Pos())
				if ok {
					out = append(out, a.funcParams(as.e, depth+1)...)
				}
				restore()
			}
			return out
		}
	}
	return nil
}

// sortedVals returns the expressions assigned to v in source order.
func (a *analyzer) sortedVals(v *types.Var) []assigned {
	out := make([]assigned, 0, len(a.vals[v]))
	for _, as := range a.vals[v] {
		out = append(out, as)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].e.Pos() < out[j].e.Pos() })
	return out
}

// callee returns the function or method a call invokes (an interface method for calls through
// an interface), or nil.
func (a *analyzer) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(a.info, call).(*types.Func)
	return fn
}

func (a *analyzer) objOf(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return a.info.Uses[e]
	case *ast.SelectorExpr:
		if s := a.info.Selections[e]; s != nil {
			return s.Obj()
		}
		return a.info.Uses[e.Sel]
	}
	return nil
}

func pkgPath(o types.Object) string {
	if o == nil || o.Pkg() == nil {
		return ""
	}
	return o.Pkg().Path()
}

// recvTypeName returns the name of the named type a method is declared on ("" for functions).
func recvTypeName(fn *types.Func) string {
	sig := fn.Signature()
	if sig.Recv() == nil {
		return ""
	}
	if n := load.Named(sig.Recv().Type()); n != nil {
		return n.Obj().Name()
	}
	return ""
}

// root returns the root router object created at site (tag distinguishes singletons).
func (a *analyzer) root(router string, site token.Pos, tag string) *object {
	k := objKey{site: site, tag: tag}
	if o := a.objs[k]; o != nil {
		return o
	}
	a.nextID++
	o := &object{id: a.nextID, router: router, site: site}
	a.objs[k] = o
	a.changed = true
	return o
}

// child returns the router derived from parent at site, adding prefix.
func (a *analyzer) child(router string, site token.Pos, parent *object, prefix string) *object {
	k := objKey{site: site, parent: parent.id, tag: a.envTag}
	if o := a.objs[k]; o != nil {
		return o
	}
	// A derivation applied to its own result (r = r.With(mw), api = api.PathPrefix(p).Subrouter())
	// would otherwise create ever deeper routers; the first one stands for all of them.
	if o := ancestorAt(parent, site, 0); o != nil {
		return o
	}
	a.nextID++
	o := &object{id: a.nextID, router: router, site: site, parents: []edge{{parent: parent, prefix: prefix}}}
	a.objs[k] = o
	a.changed = true
	return o
}

// ancestorAt returns o or an ancestor of o created at site, or nil.
func ancestorAt(o *object, site token.Pos, depth int) *object {
	if o.site == site && !o.unknown {
		return o
	}
	if depth > 32 {
		return nil
	}
	for _, e := range o.parents {
		if x := ancestorAt(e.parent, site, depth+1); x != nil {
			return x
		}
	}
	return nil
}

func (a *analyzer) children(router string, site token.Pos, parents map[*object]bool, prefix string) map[*object]bool {
	out := map[*object]bool{}
	for _, p := range sortedObjs(parents) {
		out[a.child(router, site, p, prefix)] = true
	}
	return out
}

func sortedObjs(set map[*object]bool) []*object {
	out := make([]*object, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func one(o *object) map[*object]bool { return map[*object]bool{o: true} }

// recvSet returns the routers a receiver expression may hold. While seeding, an empty receiver
// that is a variable or field gets an object of unknown origin.
func (a *analyzer) recvSet(router string, e ast.Expr) map[*object]bool {
	if a.boundRecv != nil {
		return a.boundRecv
	}
	if e == nil {
		return nil
	}
	set := a.eval(e)
	if len(set) > 0 || !a.seeding {
		return set
	}
	if t := a.info.TypeOf(e); t != nil && isRouterStruct(t) {
		// A router struct value (var mux http.ServeMux) is usable as it is: it is its own root.
		o := a.root(router, e.Pos(), "value")
		o.typ = types.NewPointer(t)
		if key := a.lhsKey(e); key != nil {
			a.add(key, one(o))
		}
		return one(o)
	}
	o := a.root(router, e.Pos(), "unknown")
	o.unknown = true
	if o.typ == nil {
		o.typ = routerType(a.info.TypeOf(e))
	}
	if key := a.lhsKey(e); key != nil {
		a.add(key, one(o))
	}
	return one(o)
}

// eval returns the router objects an expression may evaluate to.
func (a *analyzer) eval(e ast.Expr) map[*object]bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := a.info.Uses[e].(*types.Var); ok {
			if b, ok := a.env[v]; ok && b.e != nil && b.info != nil {
				restore, _ := a.switchTo(b.e.Pos())
				defer restore()
				return a.eval(b.e)
			}
			if isLocal(v) {
				return a.localPts(v, e.Pos())
			}
			return a.pts[v]
		}
	case *ast.SelectorExpr:
		if s := a.info.Selections[e]; s != nil {
			if s.Kind() == types.FieldVal {
				return a.pts[s.Obj()]
			}
			if m, ok := s.Obj().(*types.Func); ok && s.Kind() == types.MethodVal {
				return a.boundObjects(e, m)
			}
			return nil
		}
		if v, ok := a.info.Uses[e.Sel].(*types.Var); ok {
			if pkgPath(v) == "net/http" && v.Name() == "DefaultServeMux" {
				return one(a.root(netHTTP, token.NoPos, "DefaultServeMux"))
			}
			return a.pts[v]
		}
	case *ast.StarExpr:
		return a.eval(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return a.eval(e.X)
		}
	case *ast.TypeAssertExpr:
		return a.eval(e.X)
	case *ast.CompositeLit:
		if tv, ok := a.info.Types[e]; ok {
			if n, ok := tv.Type.(*types.Named); ok && pkgPath(n.Obj()) == "net/http" && n.Obj().Name() == "ServeMux" {
				return one(a.root(netHTTP, e.Pos(), ""))
			}
		}
	case *ast.CallExpr:
		return a.callResult(e, 0)
	}
	return nil
}

// callResult returns the routers the i-th result of a call may hold.
func (a *analyzer) callResult(call *ast.CallExpr, i int) map[*object]bool {
	if tv, ok := a.info.Types[call.Fun]; ok && tv.IsType() {
		if len(call.Args) == 1 {
			return a.eval(call.Args[0])
		}
		return nil
	}
	fn := a.callee(call)
	if fn == nil {
		return nil
	}
	if r := routerOf(pkgPath(fn)); r != "" {
		if i != 0 {
			return nil
		}
		return a.routerValue(r, fn, call)
	}
	var out map[*object]bool
	for _, ic := range a.indirect(call) { // r.Group("/x") through a module-local interface
		if i != 0 {
			break
		}
		a.withRecv(ic, func() {
			for o := range a.routerValue(ic.r, ic.fn, call) {
				if out == nil {
					out = map[*object]bool{}
				}
				out[o] = true
			}
		})
	}
	for _, t := range a.targets(call) {
		if d := a.decls[t]; d != nil {
			set := a.pts[resultKey{d, i}]
			if w, ok := a.wrapperResult(call, d); ok && i == 0 {
				set = w
			}
			if len(set) > 0 && out == nil {
				out = map[*object]bool{}
			}
			for o := range set {
				out[o] = true
			}
		}
	}
	return out
}
