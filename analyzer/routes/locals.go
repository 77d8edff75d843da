package routes

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
)

// def is one assignment to a local variable.
type def struct {
	id    *ast.Ident // the assigned identifier: the points-to key of this assignment
	block ast.Node   // innermost block holding the assignment
	fn    ast.Node   // innermost function holding it
}

// isLocal reports whether v is a variable declared inside a function (not a field, not a
// package variable).
func isLocal(v *types.Var) bool {
	return v.Pkg() != nil && !v.IsField() && v.Parent() != nil && v.Parent() != v.Pkg().Scope() && v.Parent() != types.Universe
}

// assignSet records that the routers in set are assigned to lhs. Assignments to local
// variables are kept apart, so a use sees only the assignments that reach it (see localPts).
func (a *analyzer) assignSet(lhs ast.Expr, set map[*object]bool) {
	key := a.lhsKey(lhs)
	if key == nil {
		return
	}
	id, isIdent := ast.Unparen(lhs).(*ast.Ident)
	v, isVar := key.(*types.Var)
	if !isIdent || !isVar || !isLocal(v) || len(a.funcs) == 0 {
		a.add(key, set)
		return
	}
	found := false
	for _, d := range a.defs[v] {
		if d.id == id {
			found = true
			break
		}
	}
	if !found {
		var block ast.Node
		for i := len(a.stack) - 1; i >= 0; i-- {
			switch a.stack[i].(type) {
			case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
				block = a.stack[i]
			}
			if block != nil {
				break
			}
		}
		if block == nil {
			block = a.funcs[len(a.funcs)-1]
		}
		ds := append(a.defs[v], def{id: id, block: block, fn: a.funcs[len(a.funcs)-1]})
		sort.Slice(ds, func(i, j int) bool { return ds[i].id.Pos() < ds[j].id.Pos() })
		a.defs[v] = ds
		a.changed = true
	}
	a.add(id, set)
}

// localPts returns the routers a use of a local variable may see: the last assignment before
// it whose block holds the use, and the assignments in between in nested blocks (an
// approximation of reaching definitions that ignores loop back edges). A use in another
// function than an assignment (a closure) sees every assignment.
func (a *analyzer) localPts(v *types.Var, use token.Pos) map[*object]bool {
	ds := a.defs[v]
	if len(ds) == 0 {
		return a.pts[v]
	}
	var useFn ast.Node
	if len(a.funcs) > 0 {
		useFn = a.funcs[len(a.funcs)-1]
	}
	for _, d := range ds {
		if d.fn != useFn {
			return a.allPts(v)
		}
	}
	out := map[*object]bool{}
	killed := false
	for i := len(ds) - 1; i >= 0; i-- {
		d := ds[i]
		if d.id.Pos() >= use {
			continue
		}
		for o := range a.pts[d.id] {
			out[o] = true
		}
		if d.block.Pos() <= use && use < d.block.End() {
			killed = true
			break
		}
	}
	if !killed {
		for o := range a.pts[v] {
			out[o] = true
		}
	}
	return out
}

// allPts returns every router a variable may hold, over all its assignments.
func (a *analyzer) allPts(v *types.Var) map[*object]bool {
	out := map[*object]bool{}
	for o := range a.pts[v] {
		out[o] = true
	}
	for _, d := range a.defs[v] {
		for o := range a.pts[d.id] {
			out[o] = true
		}
	}
	return out
}
