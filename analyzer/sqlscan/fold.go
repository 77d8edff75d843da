package sqlscan

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/carve-go/carve/analyzer/sqlparse"
)

// paramMark marks, in a folded text, the value of parameter i of the enclosing function:
// "\x00P<i>\x00". Callers of a wrapper substitute their own argument for it.
func paramMark(i int) string { return "\x00P" + strconv.Itoa(i) + "\x00" }

// fnCtx is what folding needs about the function holding an expression.
type fnCtx struct {
	info   *types.Info
	body   *ast.BlockStmt
	params map[types.Object]int // parameter (and receiver = -1) objects → index
	assign map[types.Object][]*assignment
	stack  map[types.Object]bool
	cur    map[types.Object]value // value of a variable while its own assignments are folded
}

// assignment is one assignment to a local variable.
type assignment struct {
	pos   token.Pos
	stmt  ast.Stmt
	path  []ast.Node // enclosing nodes from the body down to stmt
	rhs   ast.Expr   // value, or nil when unknown (e.g. multi-value from an unknown call)
	index int        // index of the lhs in a multi-value assignment from one call
	op    token.Token
}

// newFnCtx indexes the assignments of a function body.
func newFnCtx(info *types.Info, ftype *ast.FuncType, recv *ast.FieldList, body *ast.BlockStmt) *fnCtx {
	c := &fnCtx{info: info, body: body, params: map[types.Object]int{}, assign: map[types.Object][]*assignment{}, stack: map[types.Object]bool{}, cur: map[types.Object]value{}}
	if recv != nil {
		for _, f := range recv.List {
			for _, n := range f.Names {
				if o := info.Defs[n]; o != nil {
					c.params[o] = -1
				}
			}
		}
	}
	i := 0
	if ftype != nil && ftype.Params != nil {
		for _, f := range ftype.Params.List {
			if len(f.Names) == 0 {
				i++
			}
			for _, n := range f.Names {
				if o := info.Defs[n]; o != nil {
					c.params[o] = i
				}
				i++
			}
		}
	}
	if body == nil {
		return c
	}
	var path []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			path = path[:len(path)-1]
			return true
		}
		switch s := n.(type) {
		case *ast.FuncLit:
			// Assignments inside closures are not straight-line for the outer function.
			c.markClosure(s)
		case *ast.AssignStmt:
			c.addAssign(s, path)
		case *ast.DeclStmt:
			if gd, ok := s.Decl.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					vs, ok := sp.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, name := range vs.Names {
						obj := info.Defs[name]
						if obj == nil {
							continue
						}
						a := &assignment{pos: name.Pos(), stmt: s, path: append([]ast.Node(nil), path...), op: token.DEFINE}
						if len(vs.Values) == len(vs.Names) {
							a.rhs = vs.Values[i]
						} else if len(vs.Values) == 1 {
							a.rhs, a.index = vs.Values[0], i
						} else if len(vs.Values) == 0 {
							a.rhs = &ast.BasicLit{Kind: token.STRING, Value: `""`}
						}
						c.assign[obj] = append(c.assign[obj], a)
					}
				}
			}
		case *ast.UnaryExpr:
			if s.Op == token.AND {
				if id, ok := s.X.(*ast.Ident); ok {
					if o := info.Uses[id]; o != nil {
						c.assign[o] = append(c.assign[o], &assignment{pos: s.Pos(), path: append([]ast.Node(nil), path...)})
					}
				}
			}
		}
		path = append(path, n)
		return true
	})
	return c
}

func (c *fnCtx) markClosure(fl *ast.FuncLit) {
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok != token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if o := c.info.Uses[id]; o != nil {
						// An assignment in a closure: unknown order, never straight-line.
						c.assign[o] = append(c.assign[o], &assignment{pos: as.Pos(), stmt: as, path: []ast.Node{fl}})
					}
				}
			}
		}
		return true
	})
}

func (c *fnCtx) addAssign(s *ast.AssignStmt, path []ast.Node) {
	for i, l := range s.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		obj := c.info.Defs[id]
		if obj == nil {
			obj = c.info.Uses[id]
		}
		if obj == nil {
			continue
		}
		a := &assignment{pos: s.Pos(), stmt: s, path: append([]ast.Node(nil), path...), op: s.Tok}
		if len(s.Rhs) == len(s.Lhs) {
			a.rhs = s.Rhs[i]
		} else if len(s.Rhs) == 1 {
			a.rhs, a.index = s.Rhs[0], i
		}
		c.assign[obj] = append(c.assign[obj], a)
	}
}

// value is the result of folding an expression.
type value struct {
	text   string // with sqlparse.Hole for unknown parts and paramMark for parameters
	reason string // why (part of) it is unknown, "" when fully known
	// builder is set when the text comes from a query builder's ToSql (the statement was
	// recorded at the builder), or from a named-query lookup.
	builder bool
}

func hole(reason string) value { return value{text: sqlparse.Hole, reason: reason} }

func (v value) known() bool { return v.reason == "" && !strings.Contains(v.text, "\x00P") }

// maxFoldSteps bounds the work of folding one query (each sub-expression is a step).
const maxFoldSteps = 5000

func concat(a, b value) value {
	if len(a.text)+len(b.text) > sqlparse.MaxStatementSize {
		return hole("statement too large")
	}
	r := a.reason
	if r == "" {
		r = b.reason
	}
	return value{text: a.text + b.text, reason: r, builder: a.builder || b.builder}
}

// fold evaluates e to SQL text as far as it is known statically. at is the position of the
// use (for locals: the assignments before it count).
func (s *scanner) fold(c *fnCtx, e ast.Expr, depth int) value {
	if depth == 0 {
		s.steps = 0
	}
	s.steps++
	if depth > 20 || s.steps > maxFoldSteps {
		return hole("expression too complex to fold")
	}
	if tv, ok := c.info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			return value{text: constant.StringVal(tv.Value)}
		}
		return value{text: tv.Value.ExactString()}
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return s.fold(c, e.X, depth+1)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return concat(s.fold(c, e.X, depth+1), s.fold(c, e.Y, depth+1))
		}
	case *ast.Ident:
		obj := c.info.Uses[e]
		if obj == nil {
			return hole("unknown identifier " + e.Name)
		}
		if v, ok := c.cur[obj]; ok {
			return v
		}
		if i, ok := c.params[obj]; ok && i >= 0 {
			if s.hasAssign(c, obj, e.Pos()) {
				return s.local(c, obj, e.Pos(), depth)
			}
			return value{text: paramMark(i), reason: ""}
		}
		if v, ok := obj.(*types.Var); ok {
			if v.Parent() == v.Pkg().Scope() {
				return s.pkgVar(v, depth)
			}
			return s.local(c, obj, e.Pos(), depth)
		}
		return hole("value of " + e.Name + " not known statically")
	case *ast.CallExpr:
		return s.foldCall(c, e, 0, depth)
	case *ast.SelectorExpr:
		if name := s.tagQuery(c.info, e); name != "" {
			s.namedUsed[name] = true
			return value{text: s.namedSQL[name]}
		}
		return hole("value of field or selector " + exprString(e) + " not known statically")
	case *ast.IndexExpr:
		return hole("value of " + exprString(e) + " not known statically")
	}
	return hole("expression " + exprString(e) + " not known statically")
}

func (s *scanner) hasAssign(c *fnCtx, obj types.Object, at token.Pos) bool {
	for _, a := range c.assign[obj] {
		if a.pos < at {
			return true
		}
	}
	return false
}

// local folds a local variable at position at: every assignment before at must be in
// straight-line code (in a block that also encloses at), then they are applied in order.
func (s *scanner) local(c *fnCtx, obj types.Object, at token.Pos, depth int) value {
	if c.stack[obj] {
		return hole("recursive definition of " + obj.Name())
	}
	c.stack[obj] = true
	defer delete(c.stack, obj)
	defer delete(c.cur, obj)
	cur := value{}
	seen, conditional := false, false
	for _, a := range c.assign[obj] {
		if a.pos >= at {
			break
		}
		if a.stmt == nil {
			return hole("the address of " + obj.Name() + " is taken")
		}
		if ok, loop := placement(a, at); !ok {
			if a.op != token.ADD_ASSIGN || loop || !seen {
				return hole(obj.Name() + " is assigned conditionally or in a loop")
			}
			// An optional part (if/switch) appended with +=: fold it in as if every branch
			// ran, which keeps the tables of a filter-building query.
			conditional = true
		}
		if a.rhs == nil {
			return hole(obj.Name() + " is assigned from a call with unknown results")
		}
		var v value
		if a.index > 0 || isMultiCall(c, a.rhs) {
			call, ok := ast.Unparen(a.rhs).(*ast.CallExpr)
			if !ok {
				return hole(obj.Name() + " is assigned from a multi-value expression")
			}
			v = s.foldCall(c, call, a.index, depth+1)
		} else {
			c.cur[obj] = cur
			v = s.fold(c, a.rhs, depth+1)
		}
		if a.op == token.ADD_ASSIGN {
			v = concat(cur, v)
		}
		cur, seen = v, true
	}
	if !seen {
		if i, ok := c.params[obj]; ok && i >= 0 {
			return value{text: paramMark(i)}
		}
		return hole(obj.Name() + " has no known value")
	}
	if conditional && cur.reason == "" {
		cur.reason = obj.Name() + " has parts appended conditionally (folded as if every branch ran)"
	}
	return cur
}

func isMultiCall(c *fnCtx, e ast.Expr) bool {
	if _, ok := ast.Unparen(e).(*ast.CallExpr); !ok {
		return false
	}
	t, ok := c.info.Types[e].Type.(*types.Tuple)
	return ok && t.Len() > 1
}

// placement reports whether a is straight-line for a use at at, and whether a lies in a loop
// that does not enclose at (or accumulates in a loop).
func placement(a *assignment, at token.Pos) (straightLine, loop bool) {
	straightLine = true
	for _, n := range a.path {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.FuncLit:
			if at < n.Pos() || at >= n.End() || a.op == token.ADD_ASSIGN {
				loop = true
			}
		}
	}
	for _, n := range a.path {
		switch n.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt, *ast.CaseClause, *ast.CommClause, *ast.FuncLit, *ast.BlockStmt:
			if at < n.Pos() || at >= n.End() {
				return false, loop
			}
			switch n.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				if a.op == token.ADD_ASSIGN {
					return false, true // accumulates over iterations
				}
			}
		}
	}
	return true, loop
}

func (s *scanner) pkgVar(v *types.Var, depth int) value {
	init, info := s.pkgInit(v)
	if init == nil {
		return hole("package variable " + v.Name() + " has no constant initializer")
	}
	c := &fnCtx{info: info, params: map[types.Object]int{}, assign: map[types.Object][]*assignment{}, stack: map[types.Object]bool{}, cur: map[types.Object]value{}}
	val := s.fold(c, init, depth+1)
	if !val.known() {
		return hole("package variable " + v.Name() + " is not constant")
	}
	return val
}

// foldCall folds a call's result number idx.
func (s *scanner) foldCall(c *fnCtx, call *ast.CallExpr, idx int, depth int) value {
	fn := calleeFunc(c.info, call)
	if fn == nil {
		return hole("result of " + exprString(call.Fun) + " not known statically")
	}
	pkg := ""
	if fn.Pkg() != nil {
		pkg = fn.Pkg().Path()
	}
	name := fn.Name()
	switch {
	case pkg == "fmt" && name == "Sprintf" && idx == 0 && len(call.Args) >= 1:
		return s.sprintf(c, call, depth)
	case pkg == "strings" && name == "Join" && idx == 0 && len(call.Args) == 2:
		return s.join(c, call, depth)
	case pkg == "strings" && (name == "TrimSpace" || name == "ToUpper" || name == "ToLower") && len(call.Args) == 1:
		v := s.fold(c, call.Args[0], depth+1)
		if v.known() {
			switch name {
			case "TrimSpace":
				v.text = strings.TrimSpace(v.text)
			case "ToUpper":
				v.text = strings.ToUpper(v.text)
			case "ToLower":
				v.text = strings.ToLower(v.text)
			}
		}
		return v
	case pkg == "strings" && (name == "ReplaceAll" || name == "Replace") && idx == 0 && len(call.Args) >= 3:
		// A template filled at run time (strings.ReplaceAll(q, "%order%", by)): the
		// replacement is folded, a hole when it is not constant.
		v := s.fold(c, call.Args[0], depth+1)
		old := s.fold(c, call.Args[1], depth+1)
		if strings.Contains(v.text, "\x00P") && v.reason == "" {
			return v // a template given as a parameter: its callers' text keeps the placeholder
		}
		if strings.Contains(v.text, "\x00P") || strings.Contains(v.text, "\x01") || !old.known() || old.text == "" {
			return hole("result of strings." + name + " not known statically")
		}
		repl := s.fold(c, call.Args[2], depth+1)
		rtext, reason := repl.text, ""
		if !repl.known() {
			rtext, reason = sqlparse.Hole, "strings."+name+" replacement not constant"
		}
		n := -1
		if name == "Replace" && len(call.Args) == 4 {
			nv := c.info.Types[call.Args[3]]
			if nv.Value == nil {
				return hole("strings.Replace count not constant")
			}
			if k, ok := constant.Int64Val(nv.Value); ok {
				n = int(k)
			}
		}
		if v.reason != "" {
			if reason == "" {
				reason = v.reason
			} else {
				reason = v.reason + "; " + reason
			}
		}
		return value{text: strings.Replace(v.text, old.text, rtext, n), reason: reason}
	case isRebind(fn) && idx == 0:
		if arg := rebindArg(fn, call); arg != nil {
			return s.fold(c, arg, depth+1)
		}
	case isSquirrel(pkg) && idx == 0 && (name == "ToSql" || name == "MustSql"):
		return value{text: sqlparse.Hole, reason: "built by squirrel (statement recorded at the builder)", builder: true}
	}
	// A lookup by name (queries.Lookup("x")) may read a named-query .sql file: keep the name
	// so that the statement can be matched with the file's query (see namedLookup).
	if sig, ok := fn.Type().(*types.Signature); ok && idx == 0 && sig.Results().Len() >= 1 && isString(sig.Results().At(0).Type()) && len(s.named) > 0 {
		for i, a := range call.Args {
			if i >= sig.Params().Len() || !isString(sig.Params().At(i).Type()) {
				continue
			}
			v := s.fold(c, a, depth+1)
			if strings.Contains(v.text, "\x01") {
				break
			}
			if v.reason == "" {
				return value{text: namedOpen + v.text + namedClose}
			}
			return hole("query looked up by " + shortFunc(fn) + " with a name not known statically (" + v.reason + ")")
		}
	}
	return hole("result of " + shortFunc(fn) + " not known statically")
}

// namedOpen and namedClose enclose the argument of a lookup by name in a folded text.
const (
	namedOpen  = "\x01N"
	namedClose = "\x01"
)

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

// namedLookup reports whether v is a lookup of a query of a named-query file, and its name.
func (s *scanner) namedLookup(v value) (string, bool) {
	t := strings.TrimSpace(v.text)
	if !strings.HasPrefix(t, namedOpen) || !strings.HasSuffix(t, namedClose) {
		return "", false
	}
	name := t[len(namedOpen) : len(t)-len(namedClose)]
	return name, s.named[name]
}

// stripNamed replaces lookups that are not named queries by holes.
func stripNamed(text string) string {
	for {
		i := strings.Index(text, namedOpen)
		if i < 0 {
			return text
		}
		j := strings.Index(text[i+len(namedOpen):], namedClose)
		if j < 0 {
			return text[:i] + sqlparse.Hole
		}
		text = text[:i] + sqlparse.Hole + text[i+len(namedOpen)+j+len(namedClose):]
	}
}

func shortFunc(fn *types.Func) string {
	s := fn.FullName()
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return strings.NewReplacer("(", "", ")", "", "*", "").Replace(s)
}

// isRebind reports whether fn returns its query argument transformed but with the same
// tables: sqlx.In, sqlx.Named, sqlx.Rebind, (DB|Tx).Rebind, BindNamed.
func isRebind(fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != pkgSqlx {
		return false
	}
	switch fn.Name() {
	case "In", "Named", "Rebind", "BindNamed":
		return true
	}
	return false
}

func rebindArg(fn *types.Func, call *ast.CallExpr) ast.Expr {
	i := 0
	sig := fn.Type().(*types.Signature)
	if fn.Name() == "Rebind" && sig.Recv() == nil {
		i = 1 // sqlx.Rebind(bindType, query)
	}
	if i < len(call.Args) {
		return call.Args[i]
	}
	return nil
}

func (s *scanner) sprintf(c *fnCtx, call *ast.CallExpr, depth int) value {
	f := s.fold(c, call.Args[0], depth+1)
	if !f.known() {
		return hole("fmt.Sprintf format not constant")
	}
	format := f.text
	args := call.Args[1:]
	var out strings.Builder
	reason := ""
	ai := 0
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if ch != '%' {
			out.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			out.WriteString(format[i:])
			break
		}
		verb := format[j]
		i = j
		if verb == '%' {
			out.WriteByte('%')
			continue
		}
		if ai >= len(args) {
			out.WriteString("%!" + string(verb) + "(MISSING)")
			continue
		}
		v := s.fold(c, args[ai], depth+1)
		ai++
		if v.reason != "" || strings.Contains(v.text, "\x00P") {
			out.WriteString(sqlparse.Hole)
			if reason == "" {
				reason = "fmt.Sprintf argument not constant"
			}
			continue
		}
		if verb == 'q' {
			out.WriteString(strconv.Quote(v.text))
		} else {
			out.WriteString(v.text)
		}
	}
	return value{text: out.String(), reason: reason}
}

func (s *scanner) join(c *fnCtx, call *ast.CallExpr, depth int) value {
	sep := s.fold(c, call.Args[1], depth+1)
	if !sep.known() {
		return hole("strings.Join separator not constant")
	}
	lit := s.compositeOf(c, call.Args[0])
	if lit == nil {
		return hole("strings.Join of a slice not known statically")
	}
	var parts []string
	for _, el := range lit.Elts {
		v := s.fold(c, el, depth+1)
		if !v.known() {
			return hole("strings.Join element not constant")
		}
		parts = append(parts, v.text)
	}
	return value{text: strings.Join(parts, sep.text)}
}

func (s *scanner) compositeOf(c *fnCtx, e ast.Expr) *ast.CompositeLit {
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		return e
	case *ast.Ident:
		obj := c.info.Uses[e]
		v, ok := obj.(*types.Var)
		if !ok {
			return nil
		}
		if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			init, _ := s.pkgInit(v)
			lit, _ := ast.Unparen(init).(*ast.CompositeLit)
			return lit
		}
		as := c.assign[obj]
		if len(as) == 1 && as[0].rhs != nil {
			lit, _ := ast.Unparen(as[0].rhs).(*ast.CompositeLit)
			return lit
		}
	}
	return nil
}

func exprString(e ast.Expr) string {
	s := types.ExprString(e)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// calleeFunc returns the function or method a call invokes statically, or nil.
func calleeFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // generic instantiation
		switch g := f.X.(type) {
		case *ast.Ident:
			id = g
		case *ast.SelectorExpr:
			id = g.Sel
		}
	}
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	if fn != nil {
		fn = fn.Origin()
	}
	return fn
}

var _ = fmt.Sprint

// followAssigns calls walk on each value assigned to the builder variable x before this use
// of it, skipping a variable whose assignments are being followed already (q = q.Where(...)).
// It returns why x cannot be followed when the function never assigns it.
func (c *fnCtx) followAssigns(x *ast.Ident, walk func(rhs ast.Expr)) (reason string) {
	obj := c.info.Uses[x]
	as := c.assign[obj]
	if len(as) == 0 {
		if _, ok := obj.(*types.Var); ok {
			return "builder " + x.Name + " comes from outside the function"
		}
		return ""
	}
	for _, a := range as {
		if a.rhs == nil || a.pos >= x.Pos() && a.stmt != nil {
			continue
		}
		if _, self := c.cur[obj]; self {
			continue
		}
		c.cur[obj] = value{}
		walk(a.rhs)
		delete(c.cur, obj)
	}
	return ""
}
