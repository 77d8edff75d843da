package sqlscan

import (
	"go/ast"
	"go/constant"
	"go/types"
	"sort"
	"strings"
	"unicode"

	"github.com/carve-go/carve/analyzer/facts"
)

const pkgGorm = "gorm.io/gorm"

// gormFinishers are the *gorm.DB methods that run a statement, with the access they make to
// the model's table.
var gormFinishers = map[string]facts.Access{
	"Find": facts.Read, "First": facts.Read, "Take": facts.Read, "Last": facts.Read, "Count": facts.Read,
	"Pluck": facts.Read, "Scan": facts.Read, "Rows": facts.Read, "Row": facts.Read, "FindInBatches": facts.Read,
	"FirstOrInit": facts.Read, "FirstOrCreate": facts.Upsert,
	"Create": facts.Insert, "CreateInBatches": facts.Insert, "Save": facts.Upsert,
	"Update": facts.Update, "Updates": facts.Update, "UpdateColumn": facts.Update, "UpdateColumns": facts.Update,
	"Delete": facts.Delete,
}

// isGormDB reports whether fn is a method of *gorm.DB.
func isGormDB(fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != pkgGorm {
		return false
	}
	sig := fn.Type().(*types.Signature)
	return sig.Recv() != nil && recvName(sig) == "DB"
}

func isGormFinisher(fn *types.Func) bool {
	_, ok := gormFinishers[fn.Name()]
	return ok && isGormDB(fn)
}

// gorm reads a gorm chain ending at a finisher: the table from Table("t"), Model(&T{}) or the
// finisher's destination type (T's TableName() when it returns a constant, else gorm's default
// naming: snake case, plural), joins from Joins("JOIN t ..."). Raw/Exec chains are handled as
// SQL text elsewhere; a finisher on a Raw chain is not a second statement.
func (s *scanner) gorm(st *site) *stmt {
	info := st.fi.pkg.TypesInfo
	sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	steps := receiverChain(info, sel.X, isGormDB)
	for _, stp := range steps {
		if stp.name == "Raw" || stp.name == "Exec" || gormFinishers[stp.name] != "" {
			return nil // recorded at the Raw/Exec or at the inner finisher
		}
	}
	access := gormFinishers[st.fn.Name()]
	table, reason := "", ""
	var reads []string
	for _, stp := range steps {
		switch stp.name {
		case "Table":
			if len(stp.args) > 0 {
				if v := s.fold(st.fi.ctx, stp.args[0], 0); v.known() {
					if f := strings.Fields(v.text); len(f) > 0 {
						table = normTable(f[0], st.fi.dialect)
					}
				} else {
					reason = "gorm Table name not constant"
				}
			}
		case "Model":
			if table == "" && len(stp.args) > 0 {
				table = s.gormTable(info.TypeOf(stp.args[0]))
			}
		case "Joins":
			if len(stp.args) > 0 {
				if v := s.fold(st.fi.ctx, stp.args[0], 0); v.known() {
					f := strings.Fields(v.text)
					for i := 0; i+1 < len(f); i++ {
						if strings.EqualFold(f[i], "JOIN") {
							reads = append(reads, normTable(f[i+1], st.fi.dialect))
						}
					}
				}
			}
		}
	}
	if table == "" && len(st.call.Args) > 0 {
		table = s.gormTable(info.TypeOf(st.call.Args[0]))
	}
	sql := facts.SQL{Pos: s.prog.Pos(st.call.Pos()), Unit: st.fi.unit, Via: "gorm", Dialect: st.fi.dialect, Tables: []facts.TableAccess{}}
	kind := map[facts.Access]string{facts.Read: "select", facts.Insert: "insert", facts.Update: "update", facts.Delete: "delete", facts.Upsert: "upsert"}[access]
	sql.Kind = kind
	if table == "" {
		sql.Status, sql.Kind = facts.Unresolved, "other"
		sql.Reason = reason
		if sql.Reason == "" {
			sql.Reason = "gorm model type not known statically"
		}
		return &stmt{sql: sql, fi: st.fi, recv: rootObj(info, sel.X)}
	}
	sql.Tables = append(sql.Tables, facts.TableAccess{Name: table, Access: access})
	for _, r := range reads {
		if r != table {
			sql.Tables = append(sql.Tables, facts.TableAccess{Name: r, Access: facts.Read})
			a, b := table, r
			if b < a {
				a, b = b, a
			}
			sql.Joins = append(sql.Joins, [2]string{a, b})
		}
	}
	sort.Slice(sql.Tables, func(i, j int) bool { return sql.Tables[i].Name < sql.Tables[j].Name })
	sql.Text = strings.ToUpper(kind) + " " + table
	sql.Status = facts.Parsed
	if reason != "" {
		sql.Status, sql.Reason = facts.Recovered, reason
	}
	return &stmt{sql: sql, fi: st.fi, recv: rootObj(info, sel.X)}
}

// gormTable returns the table of a gorm model type (pointers, slices, arrays and map values
// unwrapped down to a named struct).
func (s *scanner) gormTable(t types.Type) string {
	n := namedStruct(t)
	if n == nil {
		return ""
	}
	obj, _, _ := types.LookupFieldOrMethod(n, true, n.Obj().Pkg(), "TableName")
	if m, ok := obj.(*types.Func); ok {
		if name := s.constReturn(m); name != "" {
			return normTable(name, "")
		}
	}
	return gormPlural(snake(n.Obj().Name()))
}

// constReturn returns the constant string a function returns, if its body is one return of a
// constant.
func (s *scanner) constReturn(m *types.Func) string {
	fi, ok := s.funcs[m.Origin()]
	if !ok || len(fi.body.List) != 1 {
		return ""
	}
	ret, ok := fi.body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return ""
	}
	tv := fi.pkg.TypesInfo.Types[ret.Results[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		return ""
	}
	return constant.StringVal(tv.Value)
}

// snake converts a Go name to gorm's snake case ("OrderItem" → "order_item", "UserID" →
// "user_id").
func snake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// gormPlural is the common subset of jinzhu/inflection's plural rules.
func gormPlural(w string) string {
	switch {
	case w == "":
		return w
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}
