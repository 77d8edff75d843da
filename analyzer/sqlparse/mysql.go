package sqlparse

import (
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// parseMySQL parses sql with the xwb1989 (MySQL) grammar and collects its
// table facts. DDL never reaches it (xwb1989 logs and drops DDL bodies).
func parseMySQL(sql string) (*facts, error) {
	stmt, err := sqlparser.ParseStrictDDL(sql) // never logs, unlike Parse on bad DDL
	if err != nil {
		return nil, err
	}
	f := newFacts()
	done := map[*sqlparser.AliasedTableExpr]bool{}
	switch s := stmt.(type) {
	case *sqlparser.Select, *sqlparser.Union, *sqlparser.ParenSelect:
		f.setKind("select")
	case *sqlparser.Insert:
		a := Insert
		if s.Action == sqlparser.ReplaceStr || len(s.OnDup) > 0 {
			a = Upsert
		}
		f.setKind(string(a))
		f.add(myTableName(s.Table), a)
	case *sqlparser.Update:
		f.setKind("update")
		tabs, aliases := myTables(s.TableExprs)
		targets := map[string]bool{}
		for _, u := range s.Exprs {
			if u.Name != nil && !u.Name.Qualifier.IsEmpty() {
				q := strings.ToLower(myTableName(u.Name.Qualifier))
				if n, ok := aliases[q]; ok {
					targets[n] = true
				}
			}
		}
		if len(targets) == 0 && len(tabs) > 0 {
			targets[myTableName(tabs[0].Expr.(sqlparser.TableName))] = true
		}
		for _, t := range tabs {
			n := myTableName(t.Expr.(sqlparser.TableName))
			if targets[n] {
				f.add(n, Update)
			} else {
				f.add(n, Read)
			}
			done[t] = true
		}
	case *sqlparser.Delete:
		f.setKind("delete")
		tabs, aliases := myTables(s.TableExprs)
		targets := map[string]bool{}
		for _, t := range s.Targets {
			n := myTableName(t)
			if real, ok := aliases[n]; ok {
				n = real
			}
			targets[n] = true
		}
		if len(targets) == 0 {
			for _, t := range tabs {
				targets[myTableName(t.Expr.(sqlparser.TableName))] = true
			}
		}
		for n := range targets {
			f.add(n, Delete)
		}
		for _, t := range tabs {
			n := myTableName(t.Expr.(sqlparser.TableName))
			if !targets[n] {
				f.add(n, Read)
			}
			done[t] = true
		}
	case *sqlparser.Stream:
		f.setKind("select")
		f.add(myTableName(s.Table), Read)
	case *sqlparser.DDL:
		if s.Action == sqlparser.TruncateStr {
			f.setKind("delete")
			f.add(myTableName(s.Table), Delete)
			return f, nil
		}
		f.setKind("ddl")
		return f, nil
	case *sqlparser.DBDDL:
		f.setKind("ddl")
		return f, nil
	default:
		f.setKind("other")
	}
	err = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch n := n.(type) {
		case *sqlparser.AliasedTableExpr:
			if tn, ok := n.Expr.(sqlparser.TableName); ok && !done[n] {
				f.add(myTableName(tn), Read)
			}
		case *sqlparser.FuncExpr:
			name := n.Name.Lowered()
			if !n.Qualifier.IsEmpty() {
				name = strings.ToLower(n.Qualifier.String()) + "." + name
			}
			f.call(name)
		}
		return true, nil
	}, stmt)
	if err != nil {
		return nil, fmt.Errorf("walk: %w", err)
	}
	return f, nil
}

// myTables returns the plain tables of a FROM list (not subqueries) and a
// map from alias and name to table name.
func myTables(exprs sqlparser.TableExprs) ([]*sqlparser.AliasedTableExpr, map[string]string) {
	var out []*sqlparser.AliasedTableExpr
	aliases := map[string]string{}
	var walk func(e sqlparser.TableExpr)
	walk = func(e sqlparser.TableExpr) {
		switch e := e.(type) {
		case *sqlparser.AliasedTableExpr:
			if tn, ok := e.Expr.(sqlparser.TableName); ok {
				out = append(out, e)
				n := myTableName(tn)
				aliases[n] = n
				aliases[strings.ToLower(tn.Name.String())] = n
				if !e.As.IsEmpty() {
					aliases[strings.ToLower(e.As.String())] = n
				}
			}
		case *sqlparser.JoinTableExpr:
			walk(e.LeftExpr)
			walk(e.RightExpr)
		case *sqlparser.ParenTableExpr:
			for _, x := range e.Exprs {
				walk(x)
			}
		}
	}
	for _, e := range exprs {
		walk(e)
	}
	return out, aliases
}

func myTableName(tn sqlparser.TableName) string {
	return normName([]string{tn.Qualifier.String(), tn.Name.String()}, MySQL)
}
