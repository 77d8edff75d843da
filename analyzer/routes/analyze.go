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
	unknown bool // a root whose creation was not found
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
	strs    map[*types.Var]map[ast.Expr]assigned // values assigned to string vars and params
	changed bool
	seeding bool // receivers with nothing in them get an object of unknown origin

	inner      map[*ast.CallExpr]bool // gorilla/mux calls inside a longer chain
	collecting bool                   // the final walk: record registrations

	// per file being walked
	pkg   *packages.Package
	info  *types.Info
	file  *ast.File
	funcs []ast.Node

	regs []*registration // filled by collect
}

func newAnalyzer(prog *load.Program) *analyzer {
	a := &analyzer{
		prog:  prog,
		decls: map[*types.Func]*ast.FuncDecl{},
		objs:  map[objKey]*object{},
		pts:   map[any]map[*object]bool{},
		strs:  map[*types.Var]map[ast.Expr]assigned{},
		inner: map[*ast.CallExpr]bool{},
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
	for _, p := range prog.Packages {
		if p.TypesInfo == nil || !visit(p) {
			continue
		}
		a.pkgs = append(a.pkgs, p)
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						a.decls[fn] = fd
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
			var stack []ast.Node
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					top := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if len(a.funcs) > 0 && a.funcs[len(a.funcs)-1] == top {
						a.funcs = a.funcs[:len(a.funcs)-1]
					}
					return true
				}
				stack = append(stack, n)
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

func (a *analyzer) addStr(v *types.Var, e ast.Expr, info *types.Info) {
	if v == nil || e == nil {
		return
	}
	m := a.strs[v]
	if m == nil {
		m = map[ast.Expr]assigned{}
		a.strs[v] = m
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
			if call, ok := unparen(n.Rhs[0]).(*ast.CallExpr); ok {
				for i := range n.Lhs {
					if key := a.lhsKey(n.Lhs[i]); key != nil {
						a.add(key, a.callResult(call, i))
					}
				}
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) == len(n.Values) {
			for i := range n.Names {
				a.assign(n.Names[i], n.Values[i], token.DEFINE)
			}
		} else if len(n.Values) == 1 {
			if call, ok := unparen(n.Values[0]).(*ast.CallExpr); ok {
				for i := range n.Names {
					if key := a.lhsKey(n.Names[i]); key != nil {
						a.add(key, a.callResult(call, i))
					}
				}
			}
		}
	case *ast.ReturnStmt:
		if len(a.funcs) == 0 {
			return
		}
		fn := a.funcs[len(a.funcs)-1]
		if len(n.Results) == 1 {
			if call, ok := unparen(n.Results[0]).(*ast.CallExpr); ok && a.resultCount(fn) > 1 {
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
				a.add(resultKey{fn, i}, a.pts[v])
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
	switch e := unparen(e).(type) {
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
	a.add(key, a.eval(rhs))
	if v, ok := key.(*types.Var); ok && isString(v.Type()) {
		if tok == token.ASSIGN || tok == token.DEFINE {
			a.addStr(v, rhs, a.info)
		} else {
			a.addStr(v, lhs, nil) // x += ...: not a single known value
		}
	}
}

// bindFields binds the fields of a struct literal to the router values given to them.
func (a *analyzer) bindFields(lit *ast.CompositeLit) {
	tv, ok := a.info.Types[lit]
	if !ok {
		return
	}
	st, ok := tv.Type.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				if v, ok := a.info.Uses[id].(*types.Var); ok {
					a.add(v, a.eval(kv.Value))
				}
			}
		} else if i < st.NumFields() {
			a.add(st.Field(i), a.eval(el))
		}
	}
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
	fn := typeutil.StaticCallee(a.info, call)
	if fn == nil {
		return
	}
	fn = fn.Origin()
	if _, ok := a.prog.PkgDir(pkgPath(fn)); !ok {
		return
	}
	sig := fn.Signature()
	if sig.Recv() != nil {
		if sel, ok := unparen(call.Fun).(*ast.SelectorExpr); ok {
			if s := a.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
				a.add(sig.Recv(), a.eval(sel.X))
			}
		}
	}
	a.bindArgs(sig, call.Args, call.Ellipsis.IsValid())
}

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
		if isString(p.Type()) {
			a.addStr(p, arg, a.info)
		}
	}
}

// bindCallback binds routers to the first parameter of a function value (a function literal,
// a function or a method value).
func (a *analyzer) bindCallback(e ast.Expr, set map[*object]bool) {
	var sig *types.Signature
	switch e := unparen(e).(type) {
	case *ast.FuncLit:
		if tv, ok := a.info.Types[e]; ok {
			sig, _ = tv.Type.(*types.Signature)
		}
		if e.Type.Params != nil && len(e.Type.Params.List) > 0 && len(e.Type.Params.List[0].Names) > 0 {
			if v, ok := a.info.Defs[e.Type.Params.List[0].Names[0]].(*types.Var); ok {
				a.add(v, set)
				return
			}
		}
	case *ast.Ident, *ast.SelectorExpr:
		if fn, ok := a.objOf(e).(*types.Func); ok {
			sig = fn.Origin().Signature()
		}
	}
	if sig != nil && sig.Params().Len() > 0 {
		a.add(sig.Params().At(0), set)
	}
}

// callee returns the function or method a call invokes (an interface method for calls through
// an interface), or nil.
func (a *analyzer) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(a.info, call).(*types.Func)
	return fn
}

func (a *analyzer) objOf(e ast.Expr) types.Object {
	switch e := unparen(e).(type) {
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
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
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
	k := objKey{site: site, parent: parent.id}
	if o := a.objs[k]; o != nil {
		return o
	}
	a.nextID++
	o := &object{id: a.nextID, router: router, site: site, parents: []edge{{parent: parent, prefix: prefix}}}
	a.objs[k] = o
	a.changed = true
	return o
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
	set := a.eval(e)
	if len(set) > 0 || !a.seeding {
		return set
	}
	o := a.root(router, e.Pos(), "unknown")
	o.unknown = true
	if key := a.lhsKey(e); key != nil {
		a.add(key, one(o))
	}
	return one(o)
}

// eval returns the router objects an expression may evaluate to.
func (a *analyzer) eval(e ast.Expr) map[*object]bool {
	switch e := unparen(e).(type) {
	case *ast.Ident:
		if v, ok := a.info.Uses[e].(*types.Var); ok {
			return a.pts[v]
		}
	case *ast.SelectorExpr:
		if s := a.info.Selections[e]; s != nil {
			if s.Kind() == types.FieldVal {
				return a.pts[s.Obj()]
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
	fn = fn.Origin()
	if d := a.decls[fn]; d != nil {
		return a.pts[resultKey{d, i}]
	}
	return nil
}
