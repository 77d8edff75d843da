package sqlscan

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

const pkgXorm = "xorm.io/xorm"

// xormFinishers are the xorm Session/Engine methods that run a statement, with the access they
// make to the bean's table.
var xormFinishers = map[string]facts.Access{
	"Find": facts.Read, "FindAndCount": facts.Read, "Get": facts.Read, "Count": facts.Read, "Exist": facts.Read,
	"Iterate": facts.Read, "Rows": facts.Read, "Sum": facts.Read, "SumInt": facts.Read, "Sums": facts.Read, "SumsInt": facts.Read,
	"Insert": facts.Insert, "InsertOne": facts.Insert, "InsertMulti": facts.Insert,
	"Update": facts.Update, "Delete": facts.Delete,
}

// xormRaw are the methods whose first argument is SQL text.
var xormRaw = map[string]bool{"Exec": true, "Query": true, "QueryString": true, "QueryInterface": true, "QuerySliceString": true}

// isXorm reports whether fn is a method of xorm's Session, Engine, EngineGroup or Interface.
func isXorm(fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != pkgXorm {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return false
	}
	switch recvName(sig) {
	case "Session", "Engine", "EngineGroup", "Interface", "EngineInterface":
		return true
	}
	return false
}

func isXormFinisher(fn *types.Func) bool {
	_, ok := xormFinishers[fn.Name()]
	return (ok || xormRaw[fn.Name()]) && isXorm(fn)
}

// xorm reads an xorm chain ending at a finisher. SQL(text) in the chain, or the text argument
// of Exec/Query*, is SQL text folded and parsed like database/sql; otherwise the table comes
// from Table("t")/Table(&T{}), else the finisher's bean (T's TableName() when it returns a
// constant, else xorm's default SnakeMapper: "OrderItem" → "order_item"); Join(op, "t", cond)
// reads t.
func (s *scanner) xorm(st *site) *stmt {
	info := st.fi.pkg.TypesInfo
	sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	steps := receiverChain(info, sel.X, isXorm)
	sk := &sink{kind: sinkExec, via: "xorm", recvParam: -2}
	for _, stp := range steps {
		if stp.name == "SQL" && len(stp.args) > 0 {
			return s.statement(st, sk, s.fold(st.fi.ctx, stp.args[0], 0))
		}
	}
	if xormRaw[st.fn.Name()] {
		if len(st.call.Args) == 0 {
			return nil
		}
		if !isStringType(info.TypeOf(st.call.Args[0])) {
			return nil // Exec(bean...) style calls are not SQL text
		}
		return s.statement(st, sk, s.fold(st.fi.ctx, st.call.Args[0], 0))
	}
	access := xormFinishers[st.fn.Name()]
	table, reason := "", ""
	var reads []string
	for i := len(steps) - 1; i >= 0; i-- {
		stp := steps[i]
		switch stp.name {
		case "Table":
			if len(stp.args) == 0 {
				continue
			}
			if isStringType(info.TypeOf(stp.args[0])) {
				if v := s.fold(st.fi.ctx, stp.args[0], 0); v.known() {
					if f := strings.Fields(v.text); len(f) > 0 {
						table = normTable(f[0], st.fi.dialect)
					}
				} else {
					reason = "xorm Table name not constant"
				}
			} else if t := s.xormTable(info.TypeOf(stp.args[0])); t != "" {
				table = t
			}
		case "Join":
			if len(stp.args) > 1 {
				if v := s.fold(st.fi.ctx, stp.args[1], 0); v.known() {
					if f := strings.Fields(v.text); len(f) > 0 {
						reads = append(reads, normTable(f[0], st.fi.dialect))
					}
				} else if t := s.xormTable(info.TypeOf(stp.args[1])); t != "" {
					reads = append(reads, t)
				}
			}
		}
	}
	if table == "" && len(st.call.Args) > 0 {
		table = s.xormTable(info.TypeOf(st.call.Args[0]))
	}
	kind := map[facts.Access]string{facts.Read: "select", facts.Insert: "insert", facts.Update: "update", facts.Delete: "delete"}[access]
	sql := facts.SQL{Pos: s.prog.Pos(st.call.Pos()), Unit: st.fi.unit, Via: "xorm", Dialect: st.fi.dialect, Kind: kind, Tables: []facts.TableAccess{}}
	recv := rootObj(info, sel.X)
	return builderStmt(sql, st.fi, recv, table, access, reads, reason, "xorm bean type not known statically")
}

// xormTable returns the table of an xorm bean type: its TableName() when that returns a
// constant, else the SnakeMapper name of the type.
func (s *scanner) xormTable(t types.Type) string {
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
	return xormSnake(n.Obj().Name())
}

// xormSnake is xorm's names.SnakeMapper ("OrderItem" → "order_item", "APIToken" →
// "a_p_i_token").
func xormSnake(name string) string {
	b := make([]byte, 0, len(name)+4)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// xormSessionFuncs registers the module's functions that return a *xorm.Session they began
// (s := x.NewSession(); s.Begin(); return s) as transaction beginnings: each call starts one.
func (s *scanner) xormSessionFuncs() {
	for _, fi := range s.ordered {
		if fi.obj == nil {
			continue
		}
		sig := fi.obj.Type().(*types.Signature)
		if sig.Results().Len() == 0 || !isXormSession(sig.Results().At(0).Type()) {
			continue
		}
		for _, st := range fi.calls {
			if st.fn.Name() == "Begin" && st.fn.Pkg() != nil && st.fn.Pkg().Path() == pkgXorm {
				s.sinks[fi.obj] = &sink{kind: sinkBegin, via: "xorm", recvParam: -2}
				break
			}
		}
	}
}

func isXormSession(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Session" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkgXorm
}

// isStringType reports whether t (possibly nil) is a string type.
func isStringType(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}
