package sqlscan

import (
	"go/ast"
	"go/types"
	"reflect"
	"sort"

	"github.com/carve-go/carve/analyzer/facts"
)

// Prepared statements filled from named queries by struct tag (goyesql's ScanToStruct, as in
// listmonk): a field GetUser *sqlx.Stmt with the tag query:"get-user" runs the named query get-user of
// the module's .sql files. A call of a statement method on such a field (q.GetUser.Get(...)),
// or of a statement made from it (tx.Stmtx(q.GetUser).Exec()), is a statement of the caller;
// a string field with the tag folds to the query's text. Named queries reached this way are
// recorded at their callers, not at the .sql file.

// stmtMethods are the methods of database/sql's and sqlx's Stmt types that run the statement.
var stmtMethods = map[string]bool{
	"Exec": true, "ExecContext": true, "Query": true, "QueryContext": true, "QueryRow": true, "QueryRowContext": true,
	"Get": true, "GetContext": true, "Select": true, "SelectContext": true, "Queryx": true, "QueryxContext": true,
	"QueryRowx": true, "QueryRowxContext": true, "MustExec": true, "MustExecContext": true,
}

// stmtTxMethods make a transaction's statement from a prepared one (the statement is the last
// argument).
var stmtTxMethods = map[string]bool{"Stmt": true, "StmtContext": true, "Stmtx": true, "StmtxContext": true, "NamedStmt": true, "NamedStmtContext": true}

func (s *scanner) addNamedSQL(name, sql string, pos facts.Pos) {
	if _, dup := s.namedSQL[name]; !dup {
		s.namedSQL[name] = sql
	}
	s.namedPos[name] = append(s.namedPos[name], pos)
}

func isStmtType(fn *types.Func) bool {
	if fn.Pkg() == nil || (fn.Pkg().Path() != pkgSQL && fn.Pkg().Path() != pkgSqlx) {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return false
	}
	n := recvName(sig)
	return n == "Stmt" || n == "NamedStmt"
}

// stmtField returns the named query a call runs through a tagged statement field, or "".
func (s *scanner) stmtField(info *types.Info, call *ast.CallExpr, fn *types.Func) string {
	if len(s.namedSQL) == 0 || !stmtMethods[fn.Name()] || !isStmtType(fn) {
		return ""
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x := ast.Unparen(sel.X)
	if inner, ok := x.(*ast.CallExpr); ok && len(inner.Args) > 0 {
		if f := calleeFunc(info, inner); f != nil && stmtTxMethods[f.Name()] && f.Pkg() != nil && (f.Pkg().Path() == pkgSQL || f.Pkg().Path() == pkgSqlx) {
			x = ast.Unparen(inner.Args[len(inner.Args)-1])
		}
	}
	fsel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	return s.tagQuery(info, fsel)
}

// stmtVia names the library of a tagged statement call.
func (s *scanner) stmtVia(st *site) string {
	if st.fn.Pkg().Path() == pkgSqlx {
		return "sqlx"
	}
	if sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr); ok {
		t := st.fi.pkg.TypesInfo.TypeOf(sel.X)
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkgSqlx {
			return "sqlx"
		}
	}
	return "database/sql"
}

// tagQuery returns the name in the `query:"name"` tag of the field sel selects when it is a
// named query of the module's .sql files, or "".
func (s *scanner) tagQuery(info *types.Info, sel *ast.SelectorExpr) string {
	if len(s.namedSQL) == 0 || info == nil {
		return ""
	}
	selection, ok := info.Selections[sel]
	if !ok || selection.Kind() != types.FieldVal {
		return ""
	}
	t := selection.Recv()
	idx := selection.Index()
	for i, k := range idx {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || k >= st.NumFields() {
			return ""
		}
		if i == len(idx)-1 {
			name := reflect.StructTag(st.Tag(k)).Get("query")
			if _, ok := s.namedSQL[name]; ok && name != "" {
				return name
			}
			return ""
		}
		t = st.Field(k).Type()
	}
	return ""
}

// dropUsedNamed removes the .sql file statements of named queries recorded at their callers.
func (s *scanner) dropUsedNamed(in []facts.SQL) []facts.SQL {
	if len(s.namedUsed) == 0 {
		return in
	}
	drop := map[facts.Pos]bool{}
	for name := range s.namedUsed {
		for _, p := range s.namedPos[name] {
			drop[p] = true
		}
	}
	out := in[:0]
	for _, q := range in {
		if q.Via == "sqlfile" && drop[q.Pos] {
			continue
		}
		out = append(out, q)
	}
	return out
}

// stmtParams returns the parameters of fi on which fi runs a database/sql or sqlx Stmt method
// (func (subs Subscribers) LoadLists(stmt *sqlx.Stmt) { stmt.Select(...) }).
func (s *scanner) stmtParams(fi *funcInfo) map[int]bool {
	if fi.stmtParams != nil {
		return fi.stmtParams
	}
	fi.stmtParams = map[int]bool{}
	info := fi.pkg.TypesInfo
	ast.Inspect(fi.body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn := calleeFunc(info, call)
		if fn == nil || !stmtMethods[fn.Name()] || !isStmtType(fn) {
			return true
		}
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if id := identOf(sel.X); id != nil {
				if i, ok := fi.ctx.params[info.Uses[id]]; ok && i >= 0 {
					fi.stmtParams[i] = true
				}
			}
		}
		return true
	})
	return fi.stmtParams
}

// stmtArgs returns the named queries (and libraries) a call of a module function passes as tagged statement
// fields to parameters the function runs.
func (s *scanner) stmtArgs(st *site) [][2]string {
	callee, ok := s.funcs[st.fn]
	if !ok || len(s.namedSQL) == 0 {
		return nil
	}
	var out [][2]string
	for i := range s.stmtParams(callee) {
		if i >= len(st.call.Args) {
			continue
		}
		if sel, ok := ast.Unparen(st.call.Args[i]).(*ast.SelectorExpr); ok {
			if name := s.tagQuery(st.fi.pkg.TypesInfo, sel); name != "" {
				via := "database/sql"
				if p, ok := st.fi.pkg.TypesInfo.TypeOf(sel).(*types.Pointer); ok {
					if n, ok := p.Elem().(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkgSqlx {
						via = "sqlx"
					}
				}
				out = append(out, [2]string{name, via})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
