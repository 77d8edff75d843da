package sqlscan

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"github.com/carve-go/carve/analyzer/facts"
)

// begin is a call that begins a transaction.
type begin struct {
	pos facts.Pos
	fi  *funcInfo
	obj types.Object // the variable holding the transaction
}

func (s *scanner) addBegin(st *site, sk *sink) {
	b := &begin{pos: s.prog.Pos(st.call.Pos()), fi: st.fi}
	// Find `tx, err := <call>` / `tx := <call>` / `var tx, err = <call>`.
	ast.Inspect(st.fi.body, func(n ast.Node) bool {
		if b.obj != nil {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != st.call || len(as.Lhs) == 0 {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok {
			b.obj = st.fi.pkg.TypesInfo.ObjectOf(id)
		}
		return false
	})
	if sk.via == "bun" && st.fn.Name() == "RunInTx" && len(st.call.Args) > 0 {
		// bun: db.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {...}) — the
		// transaction is the closure's last parameter.
		b.obj = nil
		if lit, ok := ast.Unparen(st.call.Args[len(st.call.Args)-1]).(*ast.FuncLit); ok {
			if ps := lit.Type.Params.List; len(ps) > 0 {
				if names := ps[len(ps)-1].Names; len(names) > 0 {
					b.obj = st.fi.pkg.TypesInfo.ObjectOf(names[len(names)-1])
				}
			}
		}
	}
	if sk.via == "xorm" && st.fn.Name() == "Begin" && st.fn.Pkg() != nil && st.fn.Pkg().Path() == pkgXorm {
		// xorm: session.Begin() makes the session itself transactional.
		if sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr); ok {
			b.obj = rootObj(st.fi.pkg.TypesInfo, sel.X)
		}
	}
	s.begins = append(s.begins, b)
}

type txState struct {
	tables  map[facts.TableAccess]bool
	calls   map[string]bool
	sql     map[*stmt]bool
	visited map[string]bool
}

// transactions follows each transaction value through its function and the functions it is
// passed to (as an argument or as the receiver, e.g. sqlc's WithTx result), transitively.
func (s *scanner) transactions() []facts.Transaction {
	sort.SliceStable(s.begins, func(i, j int) bool { return s.begins[i].pos.Less(s.begins[j].pos) })
	byFunc := map[*funcInfo][]*stmt{}
	for _, st := range s.stmts {
		byFunc[st.fi] = append(byFunc[st.fi], st)
	}
	var out []facts.Transaction
	for i, b := range s.begins {
		id := fmt.Sprintf("tx%d", i+1)
		tx := facts.Transaction{ID: id, Pos: b.pos, Unit: b.fi.unit, Tables: []facts.TableAccess{}, SQL: []facts.Pos{}}
		if b.obj != nil {
			ts := &txState{tables: map[facts.TableAccess]bool{}, calls: map[string]bool{}, sql: map[*stmt]bool{}, visited: map[string]bool{}}
			s.follow(ts, b.fi, map[types.Object]bool{b.obj: true}, byFunc, 0)
			for st := range ts.sql {
				tx.SQL = append(tx.SQL, st.sql.Pos)
				if st.sql.Tx == "" {
					st.sql.Tx = id
				}
			}
			for t := range ts.tables {
				tx.Tables = append(tx.Tables, t)
			}
			for c := range ts.calls {
				tx.Calls = append(tx.Calls, c)
			}
		}
		sort.Slice(tx.SQL, func(i, j int) bool { return tx.SQL[i].Less(tx.SQL[j]) })
		sort.Slice(tx.Tables, func(i, j int) bool {
			if tx.Tables[i].Name != tx.Tables[j].Name {
				return tx.Tables[i].Name < tx.Tables[j].Name
			}
			return tx.Tables[i].Access < tx.Tables[j].Access
		})
		sort.Strings(tx.Calls)
		out = append(out, tx)
	}
	return out
}

func (s *scanner) follow(ts *txState, fi *funcInfo, carriers map[types.Object]bool, byFunc map[*funcInfo][]*stmt, depth int) {
	if depth > 12 {
		return
	}
	info := fi.pkg.TypesInfo
	// Aliases: t := tx, q := s.q.WithTx(tx).
	for range 2 {
		ast.Inspect(fi.body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, r := range as.Rhs {
				id, ok := as.Lhs[i].(*ast.Ident)
				if !ok {
					continue
				}
				lhs := info.ObjectOf(id)
				if lhs == nil || carriers[lhs] {
					continue
				}
				switch r := ast.Unparen(r).(type) {
				case *ast.Ident:
					if carriers[info.Uses[r]] {
						carriers[lhs] = true
					}
				case *ast.CallExpr:
					if sel, ok := r.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithTx" {
						for _, a := range r.Args {
							if carriers[rootObj(info, a)] {
								carriers[lhs] = true
							}
						}
					}
				}
			}
			return true
		})
	}
	for _, st := range byFunc[fi] {
		if st.recv != nil && carriers[st.recv] {
			ts.sql[st] = true
			for _, t := range st.sql.Tables {
				ts.tables[t] = true
			}
			for _, c := range st.sql.Calls {
				ts.calls[c] = true
			}
		}
	}
	for _, call := range fi.calls {
		callee, ok := s.funcs[call.fn]
		if !ok {
			continue
		}
		next := map[types.Object]bool{}
		key := fmt.Sprintf("%p", callee)
		if sel, ok := ast.Unparen(call.call.Fun).(*ast.SelectorExpr); ok && callee.recv != nil {
			if carriers[rootObj(info, sel.X)] {
				for o, i := range callee.ctx.params {
					if i == -1 {
						next[o] = true
						key += ",r"
					}
				}
			}
		}
		for i, a := range call.call.Args {
			if !carriers[rootObj(info, a)] {
				continue
			}
			for o, j := range callee.ctx.params {
				if j == i {
					next[o] = true
					key += fmt.Sprintf(",%d", i)
				}
			}
		}
		if len(next) == 0 || ts.visited[key] {
			continue
		}
		ts.visited[key] = true
		s.follow(ts, callee, next, byFunc, depth+1)
	}
}

var _ = token.NoPos
