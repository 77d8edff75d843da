package decompose_test

import (
	"fmt"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// A two-capability store package: orders.go and users.go each hold their queries; orders also
// reads users (a foreign read once the package is split).
func ExamplePropose() {
	at := func(file string, line int) facts.Pos { return facts.Pos{File: file, Line: line} }
	unit := func(id, file string, line int) facts.Unit {
		return facts.Unit{ID: facts.UnitID("internal/store." + id), Kind: facts.Method, Package: "internal/store", Pos: at(file, line), Lines: 10}
	}
	sql := func(unit string, file string, line int, tables ...facts.TableAccess) facts.SQL {
		return facts.SQL{Pos: at(file, line), Unit: facts.UnitID("internal/store." + unit), Kind: "select", Status: facts.Parsed, Tables: tables}
	}
	w := func(t string) facts.TableAccess { return facts.TableAccess{Name: t, Access: facts.Insert} }
	r := func(t string) facts.TableAccess { return facts.TableAccess{Name: t, Access: facts.Read} }
	f := &facts.Facts{
		Units: []facts.Unit{
			unit("Store.CreateOrder", "internal/store/orders.go", 10),
			unit("Store.ListOrders", "internal/store/orders.go", 30),
			unit("Store.OrderTotal", "internal/store/orders.go", 50),
			unit("Store.CreateUser", "internal/store/users.go", 10),
			unit("Store.GetUser", "internal/store/users.go", 30),
			unit("Store.DeleteUser", "internal/store/users.go", 50),
		},
		SQL: []facts.SQL{
			sql("Store.CreateOrder", "internal/store/orders.go", 12, w("orders"), w("order_items")),
			sql("Store.ListOrders", "internal/store/orders.go", 32, r("orders"), r("users")),
			sql("Store.OrderTotal", "internal/store/orders.go", 52, r("order_items")),
			sql("Store.CreateUser", "internal/store/users.go", 12, w("users")),
			sql("Store.GetUser", "internal/store/users.go", 32, r("users")),
			sql("Store.DeleteUser", "internal/store/users.go", 52, facts.TableAccess{Name: "users", Access: facts.Delete}),
		},
	}
	p, err := decompose.Propose(f, decompose.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range p.Services {
		fmt.Println(s.Name, s.Tables, s.Splits)
	}
	for _, fd := range p.Findings {
		fmt.Println(fd.Kind, fd.Pos, fd.From, "→", fd.To)
	}
	// Output:
	// orders [order_items orders] [{internal/store [internal/store/orders.go]}]
	// users [users] [{internal/store [internal/store/users.go]}]
	// foreign-read internal/store/orders.go:32 orders → users
}
