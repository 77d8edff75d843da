package sqlscan

import (
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/sqlparse"
)

const pkgBun = "github.com/uptrace/bun"

// bunQueries maps bun's query builder types to the access their chain makes to its table.
var bunQueries = map[string]facts.Access{
	"SelectQuery": facts.Read, "InsertQuery": facts.Insert, "UpdateQuery": facts.Update, "DeleteQuery": facts.Delete,
}

// bunFinishers are the builder methods that run the statement.
var bunFinishers = map[string]bool{
	"Scan": true, "Exec": true, "Count": true, "ScanAndCount": true, "Exists": true, "Rows": true,
}

// bunQueryType returns the builder type name ("SelectQuery", ...) of a bun method, "" if fn is
// not a method of one.
func bunQueryType(fn *types.Func) string {
	if fn.Pkg() == nil || fn.Pkg().Path() != pkgBun {
		return ""
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return ""
	}
	n := recvName(sig)
	if _, ok := bunQueries[n]; ok {
		return n
	}
	return ""
}

// isBunPkg reports whether p is bun or one of its packages (bun.BaseModel and bun.Ident are
// aliases of bun/schema types).
func isBunPkg(p *types.Package) bool {
	return p != nil && (p.Path() == pkgBun || strings.HasPrefix(p.Path(), pkgBun+"/"))
}

func isBunFinisher(fn *types.Func) bool { return bunFinishers[fn.Name()] && bunQueryType(fn) != "" }

// bun reads a bun builder chain ending at a finisher (Scan, Exec, Count...), following a
// builder variable through all of its assignments in the function. The kind comes from the
// query type (NewSelect → read, NewInsert → insert, On("CONFLICT ...") → upsert, NewUpdate,
// NewDelete); the table from Table/TableExpr/ModelTableExpr constant arguments (a "?" filled
// by bun.Ident("t")), else the Model's type: its bun.BaseModel field's tag (`bun:"table:t"`),
// else bun's default naming (snake case, plural). Join("JOIN t ...") reads t.
func (s *scanner) bun(st *site) *stmt {
	info := st.fi.pkg.TypesInfo
	sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	q := s.bunChain(st.fi.ctx, sel.X, st.fi.dialect, 0)
	if q == nil {
		return nil // an inner finisher was recorded; NewRaw is SQL text
	}
	access := bunQueries[bunQueryType(st.fn)]
	table, reason, reads, upsert, root := q.table, q.reason, q.reads, q.upsert, q.root
	if table == "" && access == facts.Read && len(reads) > 0 {
		table, reads = reads[0], reads[1:] // selecting from a subquery reads its tables
	}
	kind := map[facts.Access]string{facts.Read: "select", facts.Insert: "insert", facts.Update: "update", facts.Delete: "delete"}[access]
	if access == facts.Insert && upsert {
		access, kind = facts.Upsert, "upsert"
	}
	sql := facts.SQL{Pos: s.prog.Pos(st.call.Pos()), Unit: st.fi.unit, Via: "bun", Dialect: st.fi.dialect, Kind: kind, Tables: []facts.TableAccess{}}
	if root == nil {
		root = rootObj(info, sel.X)
	}
	return builderStmt(sql, st.fi, root, table, access, reads, reason, "bun model type not known statically")
}

// sqlHoleMark marks an unknown part of folded text; join targets holding it are dropped.
const sqlHoleMark = sqlparse.Hole

// bunIdent returns the constant name of bun.Ident("t") / bun.Name("t"), or "".
func (s *scanner) bunIdent(c *fnCtx, e ast.Expr) string {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return ""
	}
	fn := calleeFunc(c.info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != pkgBun || (fn.Name() != "Ident" && fn.Name() != "Name" && fn.Name() != "Safe") || len(call.Args) != 1 {
		// bun.Ident is a conversion to a named string type, not a function call.
		tv, ok := c.info.Types[call.Fun]
		if !ok || !tv.IsType() || len(call.Args) != 1 {
			return ""
		}
		n, ok := types.Unalias(tv.Type).(*types.Named)
		if !ok || !isBunPkg(n.Obj().Pkg()) {
			return ""
		}
	}
	v := s.fold(c, call.Args[0], 0)
	if !v.known() {
		return ""
	}
	return strings.TrimSpace(v.text)
}

// bunTable returns the table of a bun model type (pointers, slices and arrays unwrapped): the
// name in the tag of its bun.BaseModel field, else bun's default naming.
func (s *scanner) bunTable(t types.Type) string {
	n := namedStruct(t)
	if n == nil {
		return ""
	}
	st := n.Underlying().(*types.Struct)
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		fn, ok := types.Unalias(f.Type()).(*types.Named)
		if !ok || fn.Obj().Name() != "BaseModel" || !isBunPkg(fn.Obj().Pkg()) {
			continue
		}
		tag := reflect.StructTag(st.Tag(i)).Get("bun")
		for j, part := range strings.Split(tag, ",") {
			part = strings.TrimSpace(part)
			if name, ok := strings.CutPrefix(part, "table:"); ok && name != "" {
				return normTable(name, "")
			}
			if j == 0 && part != "" && !strings.Contains(part, ":") {
				return normTable(part, "")
			}
		}
	}
	return gormPlural(bunUnderscore(n.Obj().Name()))
}

// namedStruct unwraps pointers, slices, arrays and map values down to a named struct type,
// or nil.
func namedStruct(t types.Type) *types.Named {
	for {
		switch u := t.(type) {
		case *types.Pointer:
			t = u.Elem()
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		default:
			if n, ok := t.(*types.Named); ok {
				if _, isStruct := n.Underlying().(*types.Struct); isStruct {
					return n
				}
			}
			return nil
		}
	}
}

// bunUnderscore is bun's internal.Underscore ("OrderItem" → "order_item", "UserID" →
// "user_id").
func bunUnderscore(s string) string {
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	r := make([]byte, 0, len(s)+5)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			if i > 0 && i+1 < len(s) && (isLower(s[i-1]) || isLower(s[i+1])) {
				r = append(r, '_')
			}
			r = append(r, c+'a'-'A')
		} else {
			r = append(r, c)
		}
	}
	return string(r)
}

// bunQuery is what a bun builder chain says: its table (from Table/TableExpr/
// ModelTableExpr, else the model), the tables it reads besides (joins, subqueries), and whether
// an insert is an upsert.
type bunQuery struct {
	table, reason string
	reads         []string
	upsert        bool
	root          types.Object
}

// bunChain reads the builder chain of e in the function of c (nil when the chain holds an
// inner finisher, recorded there, or NewRaw, which is SQL text). Builder arguments of type
// *bun.SelectQuery (subqueries) add their tables as reads, depth-bounded.
func (s *scanner) bunChain(top *fnCtx, e ast.Expr, dialect facts.Dialect, depth int) *bunQuery {
	var steps []sqStep
	reason := ""
	var root types.Object
	var walk func(c *fnCtx, e ast.Expr, depth int)
	walk = func(c *fnCtx, e ast.Expr, depth int) {
		if depth > 80 {
			reason = "builder chain too deep"
			return
		}
		switch x := ast.Unparen(e).(type) {
		case *ast.CallExpr:
			fn := calleeFunc(c.info, x)
			if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != pkgBun {
				// A function of the module returning a builder: follow its returns.
				if callee, ok := s.funcs[fn]; ok && fn != nil && callee.body != nil && depth < 40 {
					n := 0
					ast.Inspect(callee.body, func(nd ast.Node) bool {
						switch r := nd.(type) {
						case *ast.FuncLit:
							return false
						case *ast.ReturnStmt:
							if len(r.Results) >= 1 {
								n++
								walk(callee.ctx, r.Results[0], depth+1)
							}
						}
						return true
					})
					if n > 0 {
						return
					}
				}
				if fn != nil {
					reason = "builder comes from " + fn.Name()
				}
				return
			}
			steps = append(steps, sqStep{fn.Name(), x.Args, c})
			se, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr)
			if !ok {
				return
			}
			if strings.HasPrefix(fn.Name(), "New") {
				if root == nil && c == top {
					root = rootObj(c.info, se.X)
				}
				return
			}
			walk(c, se.X, depth+1)
		case *ast.Ident:
			if r := c.followAssigns(x, func(rhs ast.Expr) { walk(c, rhs, depth+1) }); r != "" {
				reason = r
			}
		default:
			reason = "builder not followed"
		}
	}
	walk(top, e, 0)
	for _, stp := range steps {
		if bunFinishers[stp.name] || stp.name == "NewRaw" {
			return nil
		}
	}
	table, model := "", ""
	upsert := false
	var reads []string
	tableArg := func(c *fnCtx, args []ast.Expr) string {
		if len(args) == 0 {
			return ""
		}
		v := s.fold(c, args[0], 0)
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
		name := f[0]
		if strings.HasPrefix(name, "(") {
			return "" // a subquery: its tables are reads
		}
		if name == "?" && len(args) > 1 {
			name = s.bunIdent(c, args[1])
			if name == "" {
				if reason == "" {
					reason = "table name not constant"
				}
				return ""
			}
		}
		return normTable(name, dialect)
	}
	for i := len(steps) - 1; i >= 0; i-- {
		stp := steps[i]
		switch stp.name {
		case "Model":
			if len(stp.args) > 0 {
				if m := s.bunTable(stp.ctx.info.TypeOf(stp.args[0])); m != "" {
					model = m
				}
			}
		case "Table", "TableExpr", "ModelTableExpr":
			if t := tableArg(stp.ctx, stp.args); t != "" {
				if table == "" || stp.name == "ModelTableExpr" {
					table = t
				} else {
					reads = append(reads, t)
				}
			}
		case "Join":
			if len(stp.args) > 0 {
				v := s.fold(stp.ctx, stp.args[0], 0)
				f := strings.Fields(v.text)
				for j := 0; j+1 < len(f); j++ {
					if strings.EqualFold(f[j], "JOIN") {
						t := f[j+1]
						if t == "?" && len(stp.args) > 1 {
							t = s.bunIdent(stp.ctx, stp.args[1])
						}
						if t != "" && t != "?" && !strings.Contains(t, sqlHoleMark) {
							reads = append(reads, normTable(t, dialect))
						}
					}
				}
			}
		}
		switch stp.name {
		case "Model", "Join":
		case "On":
			if len(stp.args) > 0 {
				v := s.fold(stp.ctx, stp.args[0], 0)
				if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(v.text)), "CONFLICT") || strings.Contains(strings.ToUpper(v.text), "DUPLICATE KEY") {
					upsert = true
				}
			}
		default:
			for _, a := range stp.args {
				if depth < 4 && isBunSelect(stp.ctx.info.TypeOf(a)) {
					if sub := s.bunChain(stp.ctx, a, dialect, depth+1); sub != nil {
						if t := sub.table; t != "" {
							reads = append(reads, t)
						}
						reads = append(reads, sub.reads...)
					}
				}
			}
		}
	}
	if table == "" {
		table = model
	}
	return &bunQuery{table: table, reason: reason, reads: reads, upsert: upsert, root: root}
}

// isBunSelect reports whether t is *bun.SelectQuery.
func isBunSelect(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "SelectQuery" && isBunPkg(n.Obj().Pkg())
}
