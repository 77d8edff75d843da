package sqlscan

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Squirrel builder methods that produce or run the statement.
var squirrelTerminals = map[string]bool{
	"ToSql": true, "MustSql": true, "Exec": true, "ExecContext": true, "Query": true, "QueryContext": true,
	"QueryRow": true, "QueryRowContext": true, "Scan": true, "ScanContext": true,
}

func isSquirrelTerminal(fn *types.Func) bool {
	if fn.Pkg() == nil || !isSquirrel(fn.Pkg().Path()) || !squirrelTerminals[fn.Name()] {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Recv() != nil && strings.HasSuffix(recvName(sig), "Builder")
}

// sqStep is one method call of a builder chain.
// receiverChain walks a method chain from the receiver x of the executing call inward
// (db.Table("t").Where(...).Find → Where, Table) while each call's callee satisfies keep, and
// returns the steps outermost first.
func receiverChain(info *types.Info, x ast.Expr, keep func(*types.Func) bool) []sqStep {
	var steps []sqStep
	for e := x; ; {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return steps
		}
		fn := calleeFunc(info, call)
		if fn == nil || !keep(fn) {
			return steps
		}
		steps = append(steps, sqStep{fn.Name(), call.Args, nil})
		inner, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return steps
		}
		e = inner.X
	}
}

type sqStep struct {
	name string
	args []ast.Expr
	ctx  *fnCtx // function the step is written in (bun chains may cross functions); nil: the site's
}

// squirrel reads the builder chain ending at a terminal call (ToSql, Exec, QueryRow...),
// following a builder variable through all of its assignments in the function, and records
// the tables. It is nil when the chain is the receiver of another terminal already recorded
// (e.g. ...QueryRowContext(ctx).Scan()).
func (s *scanner) squirrel(st *site) *stmt {
	info := st.fi.pkg.TypesInfo
	// A terminal whose chain contains another terminal was recorded at the inner one.
	sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	var steps []sqStep
	reason := ""
	var walk func(e ast.Expr, depth int)
	walk = func(e ast.Expr, depth int) {
		if depth > 50 {
			reason = "builder chain too deep"
			return
		}
		switch x := ast.Unparen(e).(type) {
		case *ast.CallExpr:
			fn := calleeFunc(info, x)
			if fn != nil && fn.Pkg() != nil && isSquirrel(fn.Pkg().Path()) {
				steps = append(steps, sqStep{fn.Name(), x.Args, nil})
			}
			if se, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
				if _, isPkg := info.Uses[identOf(se.X)].(*types.PkgName); !isPkg {
					walk(se.X, depth+1)
				}
			}
		case *ast.SelectorExpr:
			if _, isPkg := info.Uses[identOf(x.X)].(*types.PkgName); !isPkg {
				walk(x.X, depth+1)
			}
		case *ast.Ident:
			if r := st.fi.ctx.followAssigns(x, func(rhs ast.Expr) { walk(rhs, depth+1) }); r != "" {
				reason = r
			}
		}
	}
	walk(sel.X, 0)
	for _, stp := range steps {
		if squirrelTerminals[stp.name] {
			return nil // an inner terminal (x.QueryRow().Scan()) was recorded
		}
	}
	sql := facts.SQL{Pos: s.prog.Pos(st.call.Pos()), Unit: st.fi.unit, Via: "squirrel", Dialect: st.fi.dialect, Tables: []facts.TableAccess{}}
	kind := ""
	tables := map[facts.TableAccess]bool{}
	var read []string
	main := ""
	upsert := false
	tableArg := func(args []ast.Expr) string {
		if len(args) == 0 {
			return ""
		}
		v := s.fold(st.fi.ctx, args[0], 0)
		if !v.known() {
			if reason == "" {
				reason = "table name not constant"
			}
			return ""
		}
		f := strings.Fields(v.text)
		if len(f) == 0 {
			return ""
		}
		return normTable(f[0], st.fi.dialect)
	}
	// steps are innermost-last; the chain's root (Select/Insert/Update/Delete) decides the kind.
	for i := len(steps) - 1; i >= 0; i-- {
		stp := steps[i]
		switch stp.name {
		case "Select":
			if kind == "" {
				kind = "select"
			}
		case "Insert", "Replace":
			kind, main = "insert", tableArg(stp.args)
		case "Update":
			kind, main = "update", tableArg(stp.args)
		case "Delete":
			kind, main = "delete", tableArg(stp.args)
			if main == "" && len(stp.args) > 0 {
				kind = "delete"
			}
		case "Into", "Table":
			main = tableArg(stp.args)
		case "From":
			t := tableArg(stp.args)
			if kind == "delete" && main == "" {
				main = t
			} else if t != "" {
				read = append(read, t)
			}
		case "Join", "LeftJoin", "RightJoin", "InnerJoin", "CrossJoin", "FullJoin":
			if t := tableArg(stp.args); t != "" {
				read = append(read, t)
			}
		case "Suffix":
			v := s.fold(st.fi.ctx, firstArg(stp.args), 0)
			u := strings.ToUpper(v.text)
			if strings.Contains(u, "ON CONFLICT") || strings.Contains(u, "ON DUPLICATE KEY") {
				upsert = true
			}
		}
	}
	if kind == "" {
		kind = "select"
	}
	if main != "" {
		acc := map[string]facts.Access{"insert": facts.Insert, "update": facts.Update, "delete": facts.Delete}[kind]
		if kind == "insert" && upsert {
			acc, kind = facts.Upsert, "upsert"
		}
		tables[facts.TableAccess{Name: main, Access: acc}] = true
	}
	for _, t := range read {
		tables[facts.TableAccess{Name: t, Access: facts.Read}] = true
	}
	for t := range tables {
		sql.Tables = append(sql.Tables, t)
	}
	sort.Slice(sql.Tables, func(i, j int) bool {
		if sql.Tables[i].Name != sql.Tables[j].Name {
			return sql.Tables[i].Name < sql.Tables[j].Name
		}
		return sql.Tables[i].Access < sql.Tables[j].Access
	})
	names := append([]string{}, read...)
	if main != "" {
		names = append(names, main)
	}
	sort.Strings(names)
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[i] != names[j] {
				sql.Joins = append(sql.Joins, [2]string{names[i], names[j]})
			}
		}
	}
	sql.Kind = kind
	sql.Text = strings.ToUpper(kind) + " " + strings.Join(names, ", ")
	switch {
	case len(sql.Tables) == 0:
		sql.Status = facts.Unresolved
		sql.Reason = reason
		if sql.Reason == "" {
			sql.Reason = "builder chain has no table"
		}
		sql.Text = ""
	case reason != "":
		sql.Status, sql.Reason = facts.Recovered, reason
	default:
		sql.Status = facts.Parsed
	}
	return &stmt{sql: sql, fi: st.fi, recv: s.squirrelRunWith(st, steps)}
}

// squirrelRunWith returns the root of the RunWith(db) argument, for transactions.
func (s *scanner) squirrelRunWith(st *site, steps []sqStep) types.Object {
	for _, stp := range steps {
		if stp.name == "RunWith" && len(stp.args) == 1 {
			return rootObj(st.fi.pkg.TypesInfo, stp.args[0])
		}
	}
	return nil
}

func firstArg(args []ast.Expr) ast.Expr {
	if len(args) == 0 {
		return &ast.BasicLit{Kind: token.STRING, Value: `""`}
	}
	return args[0]
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}
