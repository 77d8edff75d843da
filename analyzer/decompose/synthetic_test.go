package decompose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// synth builds fact bases by hand for tests: a layered monolith (handler/service/store
// packages holding every domain) plus a shared platform package and a composition root.
type synth struct {
	f    facts.Facts
	line map[string]int
}

func newSynth() *synth {
	return &synth{f: facts.Facts{Module: "example.com/shop", Dialect: "postgres"}, line: map[string]int{}}
}

func (s *synth) pos(file string) facts.Pos {
	s.line[file] += 10
	return facts.Pos{File: file, Line: s.line[file]}
}

// unit adds a unit "pkg.Name" declared in file.
func (s *synth) unit(pkg, name, file string, kind facts.UnitKind) facts.UnitID {
	id := facts.UnitID(pkg + "." + name)
	s.f.Units = append(s.f.Units, facts.Unit{ID: id, Kind: kind, Package: pkg, Pos: s.pos(file), Lines: 8})
	return id
}

func (s *synth) call(from, to facts.UnitID, n int) {
	s.f.Edges = append(s.f.Edges, facts.Edge{From: from, To: to, Kind: facts.Call, Count: n, Pos: s.pos(unitFile(s, from))})
}

func (s *synth) ref(from, to facts.UnitID) {
	s.f.Edges = append(s.f.Edges, facts.Edge{From: from, To: to, Kind: facts.Ref, Count: 1, Pos: s.pos(unitFile(s, from))})
}

func unitFile(s *synth, id facts.UnitID) string {
	for _, u := range s.f.Units {
		if u.ID == id {
			return u.File()
		}
	}
	panic("no unit " + id)
}

// sql adds a statement issued by unit; tables as "name:access".
func (s *synth) sql(unit facts.UnitID, kind string, tables ...string) facts.Pos {
	st := facts.SQL{Pos: s.pos(unitFile(s, unit)), Unit: unit, Via: "database/sql", Dialect: "postgres", Kind: kind, Status: facts.Parsed}
	for _, t := range tables {
		name, acc, _ := strings.Cut(t, ":")
		st.Tables = append(st.Tables, facts.TableAccess{Name: name, Access: facts.Access(acc)})
	}
	s.f.SQL = append(s.f.SQL, st)
	return st.Pos
}

func (s *synth) table(name string) {
	s.f.Tables = append(s.f.Tables, facts.Table{Name: name, Pos: facts.Pos{File: "migrations/001.sql", Line: 1 + len(s.f.Tables)}, Source: "migration"})
}

func (s *synth) route(method, path string, h facts.UnitID) {
	s.f.Routes = append(s.f.Routes, facts.Route{Method: method, Path: path, Handler: h, Pos: s.pos("internal/handler/routes.go"), Router: "net/http"})
}

// sortFacts sorts the slices as facts.Facts promises.
func (s *synth) facts() *facts.Facts {
	f := s.f
	sort.Slice(f.Units, func(i, j int) bool { return f.Units[i].ID < f.Units[j].ID })
	sort.Slice(f.Edges, func(i, j int) bool {
		a, b := f.Edges[i], f.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Kind < b.Kind
	})
	sort.Slice(f.SQL, func(i, j int) bool { return f.SQL[i].Pos.Less(f.SQL[j].Pos) })
	return &f
}

var synthDomains = []struct{ name, typ, main, items string }{
	{"orders", "Order", "orders", "order_items"},
	{"catalog", "Product", "products", "categories"},
	{"users", "User", "users", "sessions"},
	{"reviews", "Review", "reviews", "review_votes"},
}

// layered returns a layered shop with four domains, a money kernel, a composition root, and
// planted couplings: orders calls catalog's store (cross-call), orders reads products
// (foreign-read) and joins orders with products (cross-join), writes stock in a transaction
// with orders (cross-tx, foreign-write), order_items has a foreign key to products (cross-fk),
// a routine touches orders and users (cross-routine), and audit_log is touched by nobody
// (unowned).
func layered() *synth {
	s := newSynth()
	money := s.unit("internal/platform/money", "Money", "internal/platform/money/money.go", facts.Type)
	format := s.unit("internal/platform/money", "Format", "internal/platform/money/money.go", facts.Func)
	parse := s.unit("internal/platform/money", "parse", "internal/platform/money/money.go", facts.Func)
	s.call(format, parse, 1)
	storeT := s.unit("internal/store", "Store", "internal/store/store.go", facts.Type)
	newStore := s.unit("internal/store", "New", "internal/store/store.go", facts.Func)
	s.ref(newStore, storeT)
	register := s.unit("internal/handler", "Register", "internal/handler/routes.go", facts.Func)
	mainU := s.unit("cmd/shop", "main", "cmd/shop/main.go", facts.Func)
	s.call(mainU, register, 1)
	s.call(mainU, newStore, 1)
	for _, d := range synthDomains {
		s.table(d.main)
		s.table(d.items)
		sf := "internal/store/" + d.name + ".go"
		typ := s.unit("internal/store", d.typ, sf, facts.Type)
		create := s.unit("internal/store", "Store.Create"+d.typ, sf, facts.Method)
		get := s.unit("internal/store", "Store.Get"+d.typ, sf, facts.Method)
		list := s.unit("internal/store", "Store.List"+d.typ+"s", sf, facts.Method)
		for _, m := range []facts.UnitID{create, get, list} {
			s.ref(m, storeT)
			s.ref(m, typ)
		}
		s.sql(create, "insert", d.main+":insert")
		s.sql(create, "insert", d.items+":insert")
		s.sql(get, "select", d.main+":read", d.items+":read")
		s.sql(list, "select", d.main+":read")
		svcF := "internal/service/" + d.name + ".go"
		svcT := s.unit("internal/service", d.typ+"Service", svcF, facts.Type)
		svcPut := s.unit("internal/service", d.typ+"Service.Put", svcF, facts.Method)
		svcGet := s.unit("internal/service", d.typ+"Service.Get", svcF, facts.Method)
		for _, m := range []facts.UnitID{svcPut, svcGet} {
			s.ref(m, svcT)
		}
		s.call(svcPut, create, 1)
		s.call(svcGet, get, 2)
		s.call(svcGet, list, 1)
		s.ref(svcGet, typ)
		s.call(svcPut, format, 1)
		hf := "internal/handler/" + d.name + ".go"
		hPost := s.unit("internal/handler", "Post"+d.typ, hf, facts.Func)
		hGet := s.unit("internal/handler", "Get"+d.typ, hf, facts.Func)
		s.call(hPost, svcPut, 1)
		s.call(hGet, svcGet, 1)
		s.ref(hGet, money)
		s.call(hGet, format, 1)
		s.ref(register, hPost)
		s.ref(register, hGet)
		s.route("POST", "/"+d.name, hPost)
		s.route("GET", "/"+d.name+"/{id}", hGet)
	}
	// Planted couplings from orders.
	s.call("internal/service.OrderService.Put", "internal/store.Store.GetProduct", 1)
	s.sql("internal/store.Store.GetOrder", "select", "orders:read", "products:read")
	s.f.SQL[len(s.f.SQL)-1].Joins = [][2]string{{"orders", "products"}}
	reserve := s.unit("internal/store", "Store.ReserveStock", "internal/store/orders.go", facts.Method)
	s.ref(reserve, storeT)
	s.call("internal/service.OrderService.Put", reserve, 1)
	p1 := s.sql("internal/store.Store.CreateOrder", "insert", "orders:insert")
	p2 := s.sql(reserve, "update", "products:update")
	s.f.Transactions = append(s.f.Transactions, facts.Transaction{ID: "tx1", Pos: p1, Unit: "internal/store.Store.CreateOrder",
		Tables: []facts.TableAccess{{Name: "orders", Access: facts.Insert}, {Name: "products", Access: facts.Update}}, SQL: []facts.Pos{p1, p2}})
	s.f.SQL[len(s.f.SQL)-2].Tx = "tx1"
	s.f.SQL[len(s.f.SQL)-1].Tx = "tx1"
	s.f.ForeignKeys = append(s.f.ForeignKeys,
		facts.ForeignKey{Table: "order_items", Columns: []string{"product_id"}, RefTable: "products", Pos: facts.Pos{File: "migrations/001.sql", Line: 50}},
		facts.ForeignKey{Table: "order_items", Columns: []string{"order_id"}, RefTable: "orders", Pos: facts.Pos{File: "migrations/001.sql", Line: 51}})
	s.f.Routines = append(s.f.Routines, facts.Routine{Name: "purge_user", Kind: "function", Pos: facts.Pos{File: "migrations/002.sql", Line: 3},
		Tables: []facts.TableAccess{{Name: "users", Access: facts.Delete}, {Name: "orders", Access: facts.Delete}}})
	s.table("audit_log")
	pk := map[string][]string{}
	for _, u := range s.f.Units {
		pk[u.Package] = append(pk[u.Package], u.File())
	}
	for dir, files := range pk {
		name := dir[strings.LastIndex(dir, "/")+1:]
		if dir == "cmd/shop" {
			name = "main"
		}
		s.f.Packages = append(s.f.Packages, facts.Package{Path: "example.com/shop/" + dir, Dir: dir, Name: name, Files: uniqSorted(files)})
	}
	sort.Slice(s.f.Packages, func(i, j int) bool { return s.f.Packages[i].Path < s.f.Packages[j].Path })
	return s
}

// truthYAML is the hand-written truth for layered().
func truthYAML() string {
	var b strings.Builder
	b.WriteString("version: 1\nservices:\n")
	for _, d := range synthDomains {
		fmt.Fprintf(&b, "  %s:\n    files: [internal/store/%s.go, internal/service/%s.go, internal/handler/%s.go]\n    tables: [%s, %s]\n",
			d.name, d.name, d.name, d.name, d.main, d.items)
	}
	b.WriteString("shared_kernel:\n  packages: [internal/platform/..., cmd/...]\n  files: [internal/store/store.go, internal/handler/routes.go]\n")
	return b.String()
}
