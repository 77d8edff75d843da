package routes

import (
	"go/ast"
	"go/types"
)

// maxTable bounds the elements of a route table expanded by rangeEnvs.
const maxTable = 512

// rangeEnvs returns, for a call inside `for k, v := range <table>` where the table is a
// composite literal (written in the range clause, or held by a variable assigned once in the
// same package), one binding of the range variables per element. It returns nil otherwise.
func (a *analyzer) rangeEnvs(call *ast.CallExpr) []map[*types.Var]assigned {
	var rs *ast.RangeStmt
	for i := len(a.stack) - 1; i >= 0; i-- {
		if r, ok := a.stack[i].(*ast.RangeStmt); ok && r.Body != nil && r.Body.Pos() <= call.Pos() && call.Pos() < r.Body.End() {
			rs = r
			break
		}
	}
	if rs == nil {
		return nil
	}
	lit := a.tableLit(rs.X)
	if lit == nil || len(lit.Elts) > maxTable {
		return nil
	}
	keyVar, valVar := a.rangeVar(rs.Key), a.rangeVar(rs.Value)
	if keyVar == nil && valVar == nil {
		return nil
	}
	var envs []map[*types.Var]assigned
	for _, el := range lit.Elts {
		env := map[*types.Var]assigned{}
		key, val := ast.Expr(nil), el
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			key, val = kv.Key, kv.Value
		}
		if keyVar != nil {
			env[keyVar] = assigned{key, a.info}
		}
		if valVar != nil {
			env[valVar] = assigned{val, a.info}
		}
		envs = append(envs, env)
	}
	return envs
}

func (a *analyzer) rangeVar(e ast.Expr) *types.Var {
	id, ok := e.(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	if v, ok := a.info.Defs[id].(*types.Var); ok {
		return v
	}
	v, _ := a.info.Uses[id].(*types.Var)
	return v
}

// tableLit returns the composite literal a range expression ranges over, or nil.
func (a *analyzer) tableLit(e ast.Expr) *ast.CompositeLit {
	for depth := 0; depth < 4; depth++ {
		switch x := ast.Unparen(e).(type) {
		case *ast.CompositeLit:
			return x
		case *ast.Ident:
			v, ok := a.info.Uses[x].(*types.Var)
			if !ok {
				return nil
			}
			vals := a.sortedVals(v)
			if len(vals) != 1 || vals[0].info != a.info {
				return nil
			}
			e = vals[0].e
		default:
			return nil
		}
	}
	return nil
}

// envExpr returns the expression an identifier, or a field of a variable, stands for in the
// current binding (a.env: a route table element, or the arguments of a registration helper's
// call site), and whether it is bound at all. A bound value with a nil expression is unknown.
func (a *analyzer) envExpr(info *types.Info, e ast.Expr) (assigned, bool) {
	if a.env == nil || info == nil {
		return assigned{}, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			if b, ok := a.env[v]; ok {
				return b, true
			}
		}
	case *ast.SelectorExpr:
		id, ok := ast.Unparen(x.X).(*ast.Ident)
		if !ok {
			return assigned{}, false
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok {
			return assigned{}, false
		}
		b, ok := a.env[v]
		if !ok {
			return assigned{}, false
		}
		lit := b.e
		if u, ok := ast.Unparen(lit).(*ast.UnaryExpr); ok {
			lit = u.X
		}
		cl, ok := ast.Unparen(lit).(*ast.CompositeLit)
		if !ok {
			return assigned{}, false // a field of a bound value that is not a literal: evaluate as usual
		}
		return assigned{fieldOf(b.info, cl, x.Sel.Name), b.info}, true
	}
	return assigned{}, false
}

// fieldOf returns the value given to field name in a struct literal, or nil.
func fieldOf(info *types.Info, lit *ast.CompositeLit, name string) ast.Expr {
	for i, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == name {
				return kv.Value
			}
			continue
		}
		tv, ok := info.Types[lit]
		if !ok {
			return nil
		}
		t := tv.Type
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if ok && i < st.NumFields() && st.Field(i).Name() == name {
			return el
		}
	}
	return nil
}
