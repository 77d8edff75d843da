package routes

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// maxStrDepth bounds how far str follows variables and parameters.
const maxStrDepth = 8

// maxVals bounds the assignments of one variable str and handlerUnit look at.
const maxVals = 16

// str returns the value of a string expression: a constant, a concatenation, fmt.Sprintf with
// a constant format, or a variable or parameter that is only ever given one known value. Parts
// that are not known are written as Unknown and known is false.
func (a *analyzer) str(info *types.Info, e ast.Expr, depth int) (s string, known bool) {
	if e == nil || info == nil || depth > maxStrDepth {
		return Unknown, false
	}
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value), true
	}
	if b, ok := a.envExpr(info, e); ok {
		if b.e == nil {
			return Unknown, false
		}
		return a.str(b.info, b.e, depth+1)
	}
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, kx := a.str(info, e.X, depth+1)
			y, ky := a.str(info, e.Y, depth+1)
			return x + y, kx && ky
		}
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return a.varStr(v, depth)
		}
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil {
			if v, ok := s.Obj().(*types.Var); ok && s.Kind() == types.FieldVal {
				return a.fieldStr(v, depth)
			}
		} else if v, ok := info.Uses[e.Sel].(*types.Var); ok && a.relevant[pkgPath(v)] {
			return a.varStr(v, depth) // pkg.Var of a package whose assignments are all seen
		}
	case *ast.CallExpr:
		fn, _ := typeutilCallee(info, e).(*types.Func)
		if fn != nil && pkgPath(fn) == "fmt" && fn.Name() == "Sprintf" && len(e.Args) > 0 {
			format, ok := a.str(info, e.Args[0], depth+1)
			if !ok {
				return Unknown, false
			}
			return a.sprintf(info, format, e.Args[1:], depth)
		}
		if fn != nil && pkgPath(fn) == "path" && fn.Name() == "Join" {
			var parts []string
			all := true
			for _, arg := range e.Args {
				s, k := a.str(info, arg, depth+1)
				all = all && k
				parts = append(parts, s)
			}
			out := ""
			for _, p := range parts {
				out = joinPath(out, p)
			}
			return out, all
		}
	}
	return Unknown, false
}

// varStr returns the value of a string variable or parameter assigned exactly one known value
// (several assignments of the same value count as one).
func (a *analyzer) varStr(v *types.Var, depth int) (string, bool) {
	vals := a.vals[v]
	if len(vals) == 0 || len(vals) > maxVals {
		return Unknown, false
	}
	if len(vals) == 1 { // one assignment: its value, known or partly known ("/x/{?}")
		for _, as := range vals {
			return a.str(as.info, as.e, depth+1)
		}
	}
	val, set := "", false
	for _, as := range vals {
		s, ok := a.str(as.info, as.e, depth+1)
		if !ok || (set && s != val) {
			return Unknown, false
		}
		val, set = s, true
	}
	return val, true
}

// sprintf substitutes the arguments of fmt.Sprintf into a constant format: each verb takes the
// argument's known value, or Unknown.
func (a *analyzer) sprintf(info *types.Info, format string, args []ast.Expr, depth int) (string, bool) {
	var b strings.Builder
	known := true
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[j]) >= 0 {
			j++
		}
		i = j
		if next < len(args) {
			arg := args[next]
			next++
			if tv, ok := info.Types[ast.Unparen(arg)]; ok && tv.Value != nil && tv.Value.Kind() != constant.String {
				b.WriteString(tv.Value.ExactString())
				continue
			}
			s, ok := a.str(info, arg, depth+1)
			known = known && ok
			b.WriteString(s)
		} else {
			b.WriteString(Unknown)
			known = false
		}
	}
	return b.String(), known
}
