package sqlparse

import (
	"fmt"

	"github.com/cockroachdb/cockroachdb-parser/pkg/sql/parser"
	"github.com/cockroachdb/cockroachdb-parser/pkg/sql/sem/tree"
)

// parsePostgres parses sql with the CockroachDB (PostgreSQL) grammar and
// collects its table facts.
func parsePostgres(sql string) (*facts, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("no statement")
	}
	f := newFacts()
	w := &pgWalker{f: f}
	for _, s := range stmts {
		w.stmt(s.AST, true)
	}
	return f, nil
}

type pgWalker struct {
	f *facts
}

func pgTableName(e tree.TableExpr) (string, bool) {
	switch t := e.(type) {
	case *tree.TableName:
		return normName([]string{string(t.CatalogName), string(t.SchemaName), string(t.ObjectName)}, Postgres), true
	case *tree.UnresolvedObjectName:
		parts := make([]string, 0, t.NumParts)
		for i := t.NumParts - 1; i >= 0; i-- {
			parts = append(parts, t.Parts[i])
		}
		return normName(parts, Postgres), true
	}
	return "", false
}

func (w *pgWalker) with(wc *tree.With) {
	if wc == nil {
		return
	}
	for _, c := range wc.CTEList {
		w.f.ctes[string(c.Name.Alias)] = true
	}
	for _, c := range wc.CTEList {
		w.stmt(c.Stmt, false)
	}
}

// stmt walks one statement; top says whether it sets the statement kind.
func (w *pgWalker) stmt(s tree.Statement, top bool) {
	switch s := s.(type) {
	case nil:
	case *tree.Select:
		if top {
			w.f.setKind("select")
		}
		w.with(s.With)
		w.sel(s.Select)
		for _, o := range s.OrderBy {
			w.expr(o.Expr)
		}
		w.limit(s.Limit)
	case *tree.ParenSelect:
		w.stmt(s.Select, top)
	case tree.SelectStatement:
		if top {
			w.f.setKind("select")
		}
		w.sel(s)
	case *tree.Insert:
		w.with(s.With)
		a := Insert
		if s.OnConflict != nil {
			a = Upsert
		}
		if top {
			w.f.setKind(string(a))
		}
		w.table(s.Table, a)
		if s.Rows != nil {
			w.stmt(s.Rows, false)
		}
		if oc := s.OnConflict; oc != nil {
			w.expr(oc.ArbiterPredicate)
			for _, u := range oc.Exprs {
				w.expr(u.Expr)
			}
			if oc.Where != nil {
				w.expr(oc.Where.Expr)
			}
		}
		w.returning(s.Returning)
	case *tree.Update:
		if top {
			w.f.setKind("update")
		}
		w.with(s.With)
		w.table(s.Table, Update)
		for _, t := range s.From {
			w.table(t, Read)
		}
		for _, u := range s.Exprs {
			w.expr(u.Expr)
		}
		w.where(s.Where)
		w.limit(s.Limit)
		w.returning(s.Returning)
	case *tree.Delete:
		if top {
			w.f.setKind("delete")
		}
		w.with(s.With)
		w.table(s.Table, Delete)
		for _, t := range s.Using {
			w.table(t, Read)
		}
		w.where(s.Where)
		w.limit(s.Limit)
		w.returning(s.Returning)
	case *tree.Truncate:
		if top {
			w.f.setKind("delete")
		}
		for i := range s.Tables {
			w.table(&s.Tables[i], Delete)
		}
	case *tree.Call:
		if top {
			w.f.setKind("call")
		}
		if s.Proc != nil {
			w.f.calls[pgFuncName(s.Proc)] = true
			for _, e := range s.Proc.Exprs {
				w.expr(e)
			}
		}
	case *tree.CopyFrom:
		if top {
			w.f.setKind("insert")
		}
		w.table(&s.Table, Insert)
	case *tree.CopyTo:
		if top {
			w.f.setKind("select")
		}
		if s.Statement != nil {
			w.stmt(s.Statement, false)
		} else {
			w.table(&s.Table, Read)
		}
	case *tree.Explain:
		w.stmt(s.Statement, top)
	case *tree.Prepare:
		w.stmt(s.Statement, top)
	default:
		if top {
			w.f.setKind("other")
		}
	}
}

func (w *pgWalker) returning(r tree.ReturningClause) {
	if re, ok := r.(*tree.ReturningExprs); ok {
		for _, e := range *re {
			w.expr(e.Expr)
		}
	}
}

func (w *pgWalker) where(wh *tree.Where) {
	if wh != nil {
		w.expr(wh.Expr)
	}
}

func (w *pgWalker) limit(l *tree.Limit) {
	if l != nil {
		w.expr(l.Count)
		w.expr(l.Offset)
	}
}

func (w *pgWalker) sel(s tree.SelectStatement) {
	switch s := s.(type) {
	case *tree.SelectClause:
		for _, t := range s.From.Tables {
			w.table(t, Read)
		}
		for _, e := range s.Exprs {
			w.expr(e.Expr)
		}
		for _, e := range s.DistinctOn {
			w.expr(e)
		}
		for _, e := range s.GroupBy {
			w.expr(e)
		}
		w.where(s.Where)
		w.where(s.Having)
		for _, wd := range s.Window {
			for _, e := range wd.Partitions {
				w.expr(e)
			}
		}
	case *tree.UnionClause:
		w.stmt(s.Left, false)
		w.stmt(s.Right, false)
	case *tree.ParenSelect:
		w.stmt(s.Select, false)
	case *tree.ValuesClause:
		for _, row := range s.Rows {
			for _, e := range row {
				w.expr(e)
			}
		}
	}
}

func (w *pgWalker) table(t tree.TableExpr, a Access) {
	switch t := t.(type) {
	case nil:
	case *tree.AliasedTableExpr:
		w.table(t.Expr, a)
	case *tree.ParenTableExpr:
		w.table(t.Expr, a)
	case *tree.JoinTableExpr:
		w.table(t.Left, a)
		w.table(t.Right, a)
		if on, ok := t.Cond.(*tree.OnJoinCond); ok {
			w.expr(on.Expr)
		}
	case *tree.Subquery:
		w.stmt(t.Select, false)
	case *tree.StatementSource:
		w.stmt(t.Statement, false)
	case *tree.RowsFromExpr:
		for _, e := range t.Items {
			w.expr(e)
		}
	default:
		if name, ok := pgTableName(t); ok {
			w.f.add(name, a)
		}
	}
}

func (w *pgWalker) expr(e tree.Expr) {
	if e == nil {
		return
	}
	tree.WalkExprConst(pgExprVisitor{w}, e)
}

type pgExprVisitor struct{ w *pgWalker }

func (v pgExprVisitor) VisitPre(e tree.Expr) (bool, tree.Expr) {
	switch e := e.(type) {
	case *tree.Subquery:
		v.w.stmt(e.Select, false)
		return false, e
	case *tree.FuncExpr:
		v.w.f.call(pgFuncName(e))
	}
	return true, e
}

func (v pgExprVisitor) VisitPost(e tree.Expr) tree.Expr { return e }

func pgFuncName(fe *tree.FuncExpr) string {
	switch r := fe.Func.FunctionReference.(type) {
	case *tree.UnresolvedName:
		parts := make([]string, 0, r.NumParts)
		for i := r.NumParts - 1; i >= 0; i-- {
			parts = append(parts, r.Parts[i])
		}
		return normName(parts, Postgres)
	}
	if fe.Func.ReferenceByName != nil {
		return pgTableNameStr(fe.Func.ReferenceByName)
	}
	return ""
}

func pgTableNameStr(u *tree.UnresolvedObjectName) string {
	n, _ := pgTableName(u)
	return n
}
