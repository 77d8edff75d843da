package routes

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Struct fields read as strings (r.Get(opts.BaseURL+"/x", ...)). Every package of the module is
// scanned once, on the first such read, for what is stored into fields: assignments
// (s.f = e), struct literal elements ({f: e}, positional ones too), and &s.f (any store through
// the pointer: the value is unknown).

// fieldFacts is what the module stores into struct fields.
type fieldFacts struct {
	stores   map[*types.Var][]assigned // info nil: a value that is not known (&s.f, x, y = f())
	tagged   map[*types.Var]bool       // fields with a struct tag (filled by decoders: never assumed zero)
	named    map[*types.Var]bool       // fields declared in a named struct type (type T struct{...})
	paramOf  map[*types.Var]*types.Func
	funcUses map[*types.Func]int // references to package-level functions outside their declaration
}

func (a *analyzer) fieldFacts() *fieldFacts {
	if a.fields != nil {
		return a.fields
	}
	ff := &fieldFacts{
		stores:   map[*types.Var][]assigned{},
		tagged:   map[*types.Var]bool{},
		named:    map[*types.Var]bool{},
		paramOf:  map[*types.Var]*types.Func{},
		funcUses: map[*types.Func]int{},
	}
	a.fields = ff
	for _, p := range a.prog.Packages {
		info := p.TypesInfo
		if info == nil {
			continue
		}
		field := func(e ast.Expr) *types.Var {
			sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
			if !ok {
				return nil
			}
			if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
				v, _ := s.Obj().(*types.Var)
				return v
			}
			return nil
		}
		for _, id := range sortedUses(info) {
			if fn, ok := info.Uses[id].(*types.Func); ok && fn.Signature().Recv() == nil {
				ff.funcUses[fn]++
			}
		}
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					if fn, ok := info.Defs[n.Name].(*types.Func); ok && n.Recv == nil {
						for i := 0; i < fn.Signature().Params().Len(); i++ {
							ff.paramOf[fn.Signature().Params().At(i)] = fn
						}
					}
				case *ast.TypeSpec:
					if st, ok := n.Type.(*ast.StructType); ok {
						for _, fld := range st.Fields.List {
							for _, name := range fld.Names {
								if v, ok := info.Defs[name].(*types.Var); ok {
									ff.named[v] = true
								}
							}
						}
					}
				case *ast.StructType:
					for _, fld := range n.Fields.List {
						if fld.Tag == nil {
							continue
						}
						for _, name := range fld.Names {
							if v, ok := info.Defs[name].(*types.Var); ok {
								ff.tagged[v] = true
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						v := field(lhs)
						if v == nil {
							continue
						}
						if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
							ff.stores[v] = append(ff.stores[v], assigned{n.Rhs[i], info})
						} else {
							ff.stores[v] = append(ff.stores[v], assigned{lhs, nil})
						}
					}
				case *ast.UnaryExpr:
					if v := field(n.X); v != nil && n.Op == token.AND {
						ff.stores[v] = append(ff.stores[v], assigned{n.X, nil})
					}
				case *ast.CompositeLit:
					literalFields(info, n, func(v *types.Var, value ast.Expr) {
						ff.stores[v] = append(ff.stores[v], assigned{value, info})
					})
				}
				return true
			})
		}
	}
	return ff
}

// sortedUses returns the identifiers of info.Uses (order does not matter to the counts).
func sortedUses(info *types.Info) []*ast.Ident {
	out := make([]*ast.Ident, 0, len(info.Uses))
	for id := range info.Uses {
		out = append(out, id)
	}
	return out
}

// fieldStr returns the value of a string field of a named struct type: the one known value
// every live store gives it. A store of a parameter of a package-level function that nothing in the module refers to
// is dead and ignored. A field with no live store keeps its zero value "", unless it has a
// struct tag (decoders fill tagged fields) or its address is taken.
func (a *analyzer) fieldStr(v *types.Var, depth int) (string, bool) {
	if b, ok := v.Type().Underlying().(*types.Basic); !ok || b.Kind() != types.String {
		return Unknown, false
	}
	if _, inModule := a.prog.PkgDir(pkgPath(v)); !inModule {
		return Unknown, false // a field of another module's type: its stores are not seen
	}
	ff := a.fieldFacts()
	if !ff.named[v] {
		// A field of a struct type literal: identical struct types written twice have distinct
		// fields, so the stores seen may not be all of them.
		return Unknown, false
	}
	stores := ff.stores[v]
	if len(stores) > maxVals {
		return Unknown, false
	}
	val, set := "", false
	for _, as := range stores {
		if as.info == nil {
			return Unknown, false
		}
		if id, ok := ast.Unparen(as.e).(*ast.Ident); ok {
			if p, ok := as.info.Uses[id].(*types.Var); ok {
				if fn := ff.paramOf[p]; fn != nil && ff.funcUses[fn] == 0 && len(a.vals[p]) == 0 {
					continue // a parameter of a function nobody in the module calls
				}
			}
		}
		s, ok := a.str(as.info, as.e, depth+1)
		if !ok || (set && s != val) {
			return Unknown, false
		}
		val, set = s, true
	}
	if !set && ff.tagged[v] {
		return Unknown, false
	}
	return val, true
}

// literalFields calls set with each field a struct literal gives a value and that value,
// for keyed (Field: v) and positional elements alike. Literals of other types are skipped.
func literalFields(info *types.Info, lit *ast.CompositeLit, set func(field *types.Var, value ast.Expr)) {
	tv, ok := info.Types[lit]
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
				if v, ok := info.Uses[id].(*types.Var); ok {
					set(v, kv.Value)
				}
			}
		} else if i < st.NumFields() {
			set(st.Field(i), el)
		}
	}
}
