// Package sample builds analysis results for the report's tests, examples and benchmarks: Shop,
// a hand-made result modelled on an e-commerce monolith (11 services, layered packages split
// by file, tables, findings of every kind, a plan and a granularity sweep), and Large, a
// generated result of any size. Both are deterministic; every call returns a fresh value.
package sample

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// svc describes one service of the shop: the tables it owns, its store methods (name → line
// in internal/store/<file>.go) and its routes.
type svc struct {
	name   string
	file   string // base name of its files in handler/, service/ and store/
	tables []string
	store  []string // store methods, in file order
	routes []string // "METHOD /path"
}

var shop = []svc{
	{"billing", "payments", []string{"billing.payments", "billing.refunds"},
		[]string{"InsertPaymentTx", "PaymentByID", "PaymentsForOrder", "SetPaymentStatus", "UpsertPaymentByRef", "MarkOrderPaid", "RefundsForPayment"},
		[]string{"GET /payments/{id}", "POST /payments/{id}/refund", "POST /webhooks/psp"}},
	{"cart", "cart", []string{"cart_items", "carts"},
		[]string{"CartForUser", "EnsureCart", "CartLines", "AddCartItem", "SetCartItemQty", "RemoveCartItem", "CartItemsTx", "ClearCartTx"},
		[]string{"GET /cart", "POST /cart/items", "DELETE /cart/items/{product}"}},
	{"catalog", "catalog", []string{"categories", "products"},
		[]string{"ListProducts", "ProductByID", "ProductsByIDs", "SearchProducts", "CreateProduct", "ProductPricesTx", "TopRated"},
		[]string{"GET /products", "GET /products/{id}", "POST /admin/products", "GET /categories"}},
	{"identity", "identity", []string{"sessions", "users"},
		[]string{"ListUsers", "UserEmails", "TouchLastSeen", "FindUsers", "DeleteUser"},
		[]string{"POST /login", "POST /logout", "GET /me"}},
	{"inventory", "inventory", []string{"inventory", "stock_movements"},
		[]string{"StockFor", "AdjustStock", "RecordMovement", "DecrementStockTx", "RecordMovementTx", "LowStock"},
		[]string{"GET /admin/stock/low", "POST /admin/stock/{product}"}},
	{"notifications", "notifications", []string{"notification_preferences", "notifications"},
		[]string{"EnqueueNotification", "NotificationsFor", "MarkNotificationRead", "RecipientEmail", "DispatchBatch"},
		[]string{"GET /notifications", "POST /notifications/{id}/read"}},
	{"orders", "orders", []string{"order_items", "orders"},
		[]string{"CreateOrderTx", "InsertOrderItemTx", "SetOrderTotalTx", "OrderByID", "OrdersForUser", "CancelOrder", "Revenue"},
		[]string{"POST /checkout", "GET /orders", "GET /orders/{id}", "POST /orders/{id}/cancel"}},
	{"promotions", "promotions", []string{"coupon_redemptions", "coupons"},
		[]string{"CouponByCode", "RedeemCouponTx", "ActiveCoupons"},
		[]string{"POST /admin/coupons", "GET /coupons/{code}"}},
	{"reviews", "reviews", []string{"reviews"},
		[]string{"ReviewsFor", "AddReview", "RatingSummary"},
		[]string{"GET /products/{id}/reviews", "POST /products/{id}/reviews"}},
	{"shipping", "shipping", []string{"shipment_events", "shipments", "shipping_addresses"},
		[]string{"CreateShipment", "ShipmentsForOrder", "AddShipmentEvent", "AddressesFor"},
		[]string{"GET /orders/{id}/shipments", "POST /admin/shipments/{id}/events"}},
	{"timesale", "timesale", []string{"sale_items", "sale_reservations", "sales"},
		[]string{"ActiveSales", "ReserveSaleItemTx", "ReleaseReservations"},
		[]string{"GET /sales", "POST /sales/{id}/reserve"}},
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// routeHandler names the handler method of a route, e.g. "GET /orders/{id}" → "GetOrdersID".
func routeHandler(route string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(route, func(r rune) bool { return r == ' ' || r == '/' || r == '{' || r == '}' }) {
		b.WriteString(title(strings.ToLower(f)))
	}
	return b.String()
}

// Shop returns the hand-made result of the e-commerce monolith.
func Shop() *analyzer.Result {
	const mod = "example.com/shop"
	f := facts.Facts{Module: mod, Dialect: "postgres"}
	p := &decompose.Proposal{Source: "proposed", Metrics: map[string]float64{}}

	pkgFiles := map[string][]string{}
	pkgLines := map[string]int{}
	addUnit := func(svc *decompose.Service, u facts.Unit) {
		f.Units = append(f.Units, u)
		if svc != nil {
			svc.Units = append(svc.Units, u.ID)
			svc.Lines += u.Lines
		}
		pkgFiles[u.Package] = append(pkgFiles[u.Package], u.Pos.File)
		pkgLines[u.Package] += u.Lines
	}
	edge := func(from, to facts.UnitID, kind facts.EdgeKind, n int, pos facts.Pos) {
		f.Edges = append(f.Edges, facts.Edge{From: from, To: to, Kind: kind, Count: n, Pos: pos})
	}

	// Shared kernel: platform packages.
	kernel := []facts.Unit{
		{ID: "internal/platform/httpx.JSON", Kind: facts.Func, Package: "internal/platform/httpx", Pos: facts.Pos{File: "internal/platform/httpx/httpx.go", Line: 14}, Lines: 9},
		{ID: "internal/platform/httpx.Error", Kind: facts.Func, Package: "internal/platform/httpx", Pos: facts.Pos{File: "internal/platform/httpx/httpx.go", Line: 25}, Lines: 7},
		{ID: "internal/platform/ids.New", Kind: facts.Func, Package: "internal/platform/ids", Pos: facts.Pos{File: "internal/platform/ids/ids.go", Line: 9}, Lines: 5},
		{ID: "internal/platform/logging.From", Kind: facts.Func, Package: "internal/platform/logging", Pos: facts.Pos{File: "internal/platform/logging/logging.go", Line: 12}, Lines: 6},
		{ID: "internal/platform/money.Cents", Kind: facts.Type, Package: "internal/platform/money", Pos: facts.Pos{File: "internal/platform/money/money.go", Line: 8}, Lines: 1},
		{ID: "internal/platform/money.Format", Kind: facts.Func, Package: "internal/platform/money", Pos: facts.Pos{File: "internal/platform/money/money.go", Line: 11}, Lines: 4},
	}
	for _, u := range kernel {
		addUnit(nil, u)
		p.Kernel.Units = append(p.Kernel.Units, u.ID)
	}
	p.Kernel.Packages = []string{"internal/platform/httpx", "internal/platform/ids", "internal/platform/logging", "internal/platform/money"}

	// The store type and main are outliers: used by every service, owned by none.
	addUnit(nil, facts.Unit{ID: "internal/store.Store", Kind: facts.Type, Package: "internal/store", Pos: facts.Pos{File: "internal/store/store.go", Line: 14}, Lines: 4})
	addUnit(nil, facts.Unit{ID: "cmd/shop.main", Kind: facts.Func, Package: "cmd/shop", Pos: facts.Pos{File: "cmd/shop/main.go", Line: 20}, Lines: 48})
	p.Outliers = []facts.UnitID{"cmd/shop.main", "internal/store.Store"}

	storeUnit := map[string]facts.UnitID{} // method → unit
	svcOf := map[string]string{}           // table → owner
	for i, s := range shop {
		ds := decompose.Service{Name: s.name, Tables: append([]string(nil), s.tables...)}
		sort.Strings(ds.Tables)
		for _, t := range s.tables {
			svcOf[t] = s.name
		}
		hf := "internal/handler/" + s.file + ".go"
		sf := "internal/service/" + s.file + ".go"
		stf := "internal/store/" + s.file + ".go"
		hType := "internal/handler." + title(s.name) + "Handler"
		sType := "internal/service." + title(s.name)
		addUnit(&ds, facts.Unit{ID: facts.UnitID(hType), Kind: facts.Type, Package: "internal/handler", Pos: facts.Pos{File: hf, Line: 12}, Lines: 4})
		addUnit(&ds, facts.Unit{ID: facts.UnitID(sType), Kind: facts.Type, Package: "internal/service", Pos: facts.Pos{File: sf, Line: 10}, Lines: 5})
		for j, r := range s.routes {
			h := facts.UnitID(hType + "." + routeHandler(r))
			line := 20 + 14*j
			addUnit(&ds, facts.Unit{ID: h, Kind: facts.Method, Package: "internal/handler", Pos: facts.Pos{File: hf, Line: line}, Lines: 12})
			method, path, _ := strings.Cut(r, " ")
			f.Routes = append(f.Routes, facts.Route{Method: method, Path: path, Handler: h, Pos: facts.Pos{File: "cmd/shop/routes.go", Line: 10 + 3*i + j}, Router: "net/http"})
			ds.Routes = append(ds.Routes, r)
			sm := facts.UnitID(sType + "." + routeHandler(r))
			addUnit(&ds, facts.Unit{ID: sm, Kind: facts.Method, Package: "internal/service", Pos: facts.Pos{File: sf, Line: line}, Lines: 10})
			edge(h, sm, facts.Call, 1, facts.Pos{File: hf, Line: line + 4})
			edge(h, "internal/platform/httpx.JSON", facts.Call, 1, facts.Pos{File: hf, Line: line + 9})
			edge(sm, "internal/platform/logging.From", facts.Call, 1, facts.Pos{File: sf, Line: line + 1})
		}
		for j, m := range s.store {
			id := facts.UnitID("internal/store.Store." + m)
			line := 30 + 7*j
			addUnit(&ds, facts.Unit{ID: id, Kind: facts.Method, Package: "internal/store", Pos: facts.Pos{File: stf, Line: line}, Lines: 6})
			storeUnit[m] = id
			// each service method calls one store method
			if j < len(s.routes) {
				sm := facts.UnitID(sType + "." + routeHandler(s.routes[j]))
				edge(sm, id, facts.Call, 1, facts.Pos{File: sf, Line: 20 + 14*j + 3})
			}
			edge(id, "internal/store.Store", facts.Ref, 1, facts.Pos{File: stf, Line: line})
			access := facts.Read
			kind := "select"
			switch {
			case strings.HasPrefix(m, "Insert"), strings.HasPrefix(m, "Create"), strings.HasPrefix(m, "Add"), strings.HasPrefix(m, "Enqueue"), strings.HasPrefix(m, "Record"):
				access, kind = facts.Insert, "insert"
			case strings.HasPrefix(m, "Set"), strings.HasPrefix(m, "Mark"), strings.HasPrefix(m, "Adjust"), strings.HasPrefix(m, "Decrement"), strings.HasPrefix(m, "Touch"), strings.HasPrefix(m, "Cancel"), strings.HasPrefix(m, "Redeem"), strings.HasPrefix(m, "Reserve"):
				access, kind = facts.Update, "update"
			case strings.HasPrefix(m, "Delete"), strings.HasPrefix(m, "Remove"), strings.HasPrefix(m, "Clear"), strings.HasPrefix(m, "Release"):
				access, kind = facts.Delete, "delete"
			case strings.HasPrefix(m, "Upsert"), strings.HasPrefix(m, "Ensure"):
				access, kind = facts.Upsert, "upsert"
			}
			t := s.tables[j%len(s.tables)]
			f.SQL = append(f.SQL, facts.SQL{
				Pos: facts.Pos{File: stf, Line: line + 2}, Unit: id, Via: "database/sql", Dialect: "postgres",
				Text: fmt.Sprintf("%s %s -- %s", strings.ToUpper(kind), t, m), Kind: kind, Status: facts.Parsed,
				Tables: []facts.TableAccess{{Name: t, Access: access}},
			})
		}
		ds.Files = append(ds.Files, hf, sf, stf)
		sort.Strings(ds.Files)
		ds.Splits = []decompose.PackageSplit{
			{Package: "internal/handler", Files: []string{hf}},
			{Package: "internal/service", Files: []string{sf}},
			{Package: "internal/store", Files: []string{stf}},
		}
		ds.Metrics = map[string]float64{
			"cohesion":        0.55 + 0.03*float64(i%5),
			"coupling":        0.1 + 0.02*float64(i%4),
			"endpoint_fanout": float64(1 + i%3),
		}
		sort.Slice(ds.Units, func(a, b int) bool { return ds.Units[a] < ds.Units[b] })
		sort.Strings(ds.Routes)
		p.Services = append(p.Services, ds)
	}
	svcIdx := map[string]*decompose.Service{}
	for i := range p.Services {
		svcIdx[p.Services[i].Name] = &p.Services[i]
	}

	// Cross-service couplings: calls, foreign reads and writes, joins, FKs, transactions,
	// routines and an unowned table.
	type cross struct {
		from, to string
		fromM    string // caller store/service method
		toM      string // callee store method
		line     int
	}
	calls := []cross{
		{"orders", "catalog", "CreateOrderTx", "ProductPricesTx", 58},
		{"orders", "inventory", "CreateOrderTx", "DecrementStockTx", 59},
		{"orders", "cart", "CreateOrderTx", "CartItemsTx", 57},
		{"orders", "cart", "CreateOrderTx", "ClearCartTx", 60},
		{"orders", "billing", "CreateOrderTx", "InsertPaymentTx", 61},
		{"orders", "promotions", "CreateOrderTx", "RedeemCouponTx", 62},
		{"notifications", "identity", "DispatchBatch", "UserEmails", 112},
		{"shipping", "orders", "CreateShipment", "OrderByID", 33},
		{"reviews", "catalog", "AddReview", "ProductByID", 38},
		{"timesale", "inventory", "ReserveSaleItemTx", "DecrementStockTx", 40},
		{"cart", "catalog", "CartLines", "ProductsByIDs", 53},
	}
	for _, c := range calls {
		from, to := storeUnit[c.fromM], storeUnit[c.toM]
		file := svcFile(c.from)
		edge(from, to, facts.Call, 1, facts.Pos{File: file, Line: c.line})
		p.Findings = append(p.Findings, decompose.Finding{
			Kind: decompose.CrossCall, Pos: facts.Pos{File: file, Line: c.line}, From: c.from, To: c.to,
			FromUnit: from, ToUnit: to,
			Detail: fmt.Sprintf("%s calls %s of %s in-process", shortUnit(from), shortUnit(to), c.to),
			Remedy: fmt.Sprintf("expose %s through %s's API and call it over the network", c.toM, c.to),
		})
	}
	type data struct {
		kind  decompose.FindingKind
		from  string
		unit  string
		line  int
		table []string
	}
	dataFindings := []data{
		{decompose.ForeignRead, "cart", "CartLines", 53, []string{"products"}},
		{decompose.ForeignRead, "notifications", "RecipientEmail", 95, []string{"users"}},
		{decompose.ForeignRead, "orders", "Revenue", 147, []string{"products"}},
		{decompose.ForeignRead, "reviews", "RatingSummary", 46, []string{"order_items"}},
		{decompose.ForeignRead, "shipping", "ShipmentsForOrder", 38, []string{"orders"}},
		{decompose.ForeignRead, "timesale", "ActiveSales", 31, []string{"products"}},
		{decompose.ForeignWrite, "billing", "MarkOrderPaid", 97, []string{"orders"}},
		{decompose.ForeignWrite, "timesale", "ReserveSaleItemTx", 41, []string{"inventory"}},
		{decompose.ForeignWrite, "orders", "CancelOrder", 123, []string{"inventory"}},
		{decompose.CrossJoin, "orders", "OrdersForUser", 81, []string{"order_items", "orders", "products"}},
		{decompose.CrossJoin, "catalog", "TopRated", 175, []string{"products", "reviews"}},
		{decompose.CrossJoin, "billing", "PaymentOwner", 103, []string{"billing.payments", "orders"}},
	}
	storeUnit["PaymentOwner"] = "internal/store.Store.PaymentOwner"
	for _, d := range dataFindings {
		u := storeUnit[d.unit]
		pos := facts.Pos{File: svcFile(d.from), Line: d.line}
		var others []string
		for _, t := range d.table {
			if svcOf[t] != d.from {
				others = append(others, svcOf[t])
			}
		}
		to := ""
		if len(others) > 0 {
			to = others[0]
		}
		var detail, remedy string
		access := facts.Read
		kind := "select"
		switch d.kind {
		case decompose.ForeignRead:
			detail = fmt.Sprintf("%s reads %s, owned by %s", shortUnit(u), d.table[0], to)
			remedy = fmt.Sprintf("read through %s's API or keep a replicated read model", to)
			svcIdx[d.from].Reads = appendUniq(svcIdx[d.from].Reads, d.table[0])
		case decompose.ForeignWrite:
			detail = fmt.Sprintf("%s writes %s, owned by %s", shortUnit(u), d.table[0], to)
			remedy = fmt.Sprintf("ask %s to make the change through its API", to)
			access, kind = facts.Update, "update"
			svcIdx[d.from].Writes = appendUniq(svcIdx[d.from].Writes, d.table[0])
		case decompose.CrossJoin:
			detail = fmt.Sprintf("%s joins %s across services", shortUnit(u), strings.Join(d.table, ", "))
			remedy = "compose the result from each owner's API, or build a CQRS view"
			for _, t := range d.table {
				if svcOf[t] != d.from {
					svcIdx[d.from].Reads = appendUniq(svcIdx[d.from].Reads, t)
				}
			}
		}
		st := facts.SQL{Pos: pos, Unit: u, Via: "database/sql", Dialect: "postgres", Kind: kind, Status: facts.Parsed}
		for _, t := range d.table {
			a := facts.Read
			if t == d.table[0] {
				a = access
			}
			st.Tables = append(st.Tables, facts.TableAccess{Name: t, Access: a})
		}
		switch d.kind {
		case decompose.ForeignWrite:
			st.Text = "UPDATE " + d.table[0] + " SET status = $1 WHERE id = $2"
		default:
			st.Text = "SELECT * FROM " + strings.Join(d.table, " JOIN ") + " WHERE id = $1"
		}
		if d.kind == decompose.CrossJoin {
			st.Joins = [][2]string{{d.table[0], d.table[1]}}
		}
		f.SQL = append(f.SQL, st)
		p.Findings = append(p.Findings, decompose.Finding{Kind: d.kind, Pos: pos, From: d.from, To: to, FromUnit: u, Tables: d.table, Detail: detail, Remedy: remedy})
	}
	// Units referenced only by findings.
	addUnit(svcIdx["billing"], facts.Unit{ID: "internal/store.Store.PaymentOwner", Kind: facts.Method, Package: "internal/store", Pos: facts.Pos{File: "internal/store/payments.go", Line: 101}, Lines: 8})

	fks := []struct {
		table, col, ref string
		file            string
		line            int
	}{
		{"orders", "user_id", "users", "migrations/006_orders.sql", 4},
		{"order_items", "product_id", "products", "migrations/006_orders.sql", 17},
		{"billing.payments", "order_id", "orders", "migrations/007_billing.sql", 5},
		{"reviews", "product_id", "products", "migrations/009_reviews.sql", 4},
		{"cart_items", "cart_id", "carts", "migrations/004_cart.sql", 9},
	}
	for _, fk := range fks {
		pos := facts.Pos{File: fk.file, Line: fk.line}
		f.ForeignKeys = append(f.ForeignKeys, facts.ForeignKey{Table: fk.table, Columns: []string{fk.col}, RefTable: fk.ref, RefColumns: []string{"id"}, Pos: pos})
		if svcOf[fk.table] != svcOf[fk.ref] {
			p.Findings = append(p.Findings, decompose.Finding{Kind: decompose.CrossFK, Pos: pos, From: svcOf[fk.table], To: svcOf[fk.ref], Tables: []string{fk.table, fk.ref},
				Detail: fmt.Sprintf("%s.%s references %s(id) across services", fk.table, fk.col, fk.ref),
				Remedy: "drop the foreign key, keep the ID, reconcile asynchronously"})
		}
	}

	// The checkout transaction writes five services' tables.
	checkout := facts.Transaction{ID: "tx1", Pos: facts.Pos{File: "internal/service/orders.go", Line: 41}, Unit: "internal/service.Orders.PostCheckout",
		Tables: []facts.TableAccess{{Name: "billing.payments", Access: facts.Insert}, {Name: "cart_items", Access: facts.Delete}, {Name: "coupon_redemptions", Access: facts.Insert}, {Name: "inventory", Access: facts.Update}, {Name: "order_items", Access: facts.Insert}, {Name: "orders", Access: facts.Insert}},
		SQL:    []facts.Pos{{File: "internal/store/cart.go", Line: 100}, {File: "internal/store/inventory.go", Line: 67}, {File: "internal/store/orders.go", Line: 32}}}
	reserve := facts.Transaction{ID: "tx2", Pos: facts.Pos{File: "internal/service/timesale.go", Line: 33}, Unit: "internal/service.Timesale.PostSalesIDReserve",
		Tables: []facts.TableAccess{{Name: "inventory", Access: facts.Update}, {Name: "sale_reservations", Access: facts.Insert}},
		SQL:    []facts.Pos{{File: "internal/store/timesale.go", Line: 39}}}
	f.Transactions = []facts.Transaction{checkout, reserve}
	p.Findings = append(p.Findings,
		decompose.Finding{Kind: decompose.CrossTx, Pos: checkout.Pos, From: "orders", To: "billing", FromUnit: checkout.Unit,
			Tables: []string{"billing.payments", "cart_items", "coupon_redemptions", "inventory", "order_items", "orders"},
			Detail: "checkout transaction writes tables of billing, cart, inventory, orders, promotions",
			Remedy: "replace with a saga (orders orchestrates) or an outbox per service"},
		decompose.Finding{Kind: decompose.CrossTx, Pos: reserve.Pos, From: "timesale", To: "inventory", FromUnit: reserve.Unit,
			Tables: []string{"inventory", "sale_reservations"},
			Detail: "reservation transaction writes inventory and sale_reservations",
			Remedy: "reserve stock through inventory's API with a compensating release"},
		decompose.Finding{Kind: decompose.CrossRoutine, Pos: facts.Pos{File: "migrations/012_functions.sql", Line: 3}, From: "orders", To: "inventory",
			Tables: []string{"inventory", "order_items"},
			Detail: "function restock_cancelled_order touches order_items and inventory",
			Remedy: "move the logic into the inventory service, triggered by an order-cancelled event"},
		decompose.Finding{Kind: decompose.Unowned, Pos: facts.Pos{File: "migrations/010_notifications.sql", Line: 21}, Tables: []string{"audit_log"},
			Detail: "audit_log is written by a trigger only; no service owns it",
			Remedy: "assign it in carve.yaml or drop it"},
	)
	f.Routines = []facts.Routine{{Name: "restock_cancelled_order", Kind: "function", Pos: facts.Pos{File: "migrations/012_functions.sql", Line: 3},
		Tables: []facts.TableAccess{{Name: "inventory", Access: facts.Update}, {Name: "order_items", Access: facts.Read}}}}

	// Two statements carve could not resolve.
	f.SQL = append(f.SQL,
		facts.SQL{Pos: facts.Pos{File: "internal/store/catalog.go", Line: 92}, Unit: "internal/store.Store.SearchProducts", Via: "database/sql", Dialect: "postgres",
			Text: "SELECT * FROM products WHERE __carve_hole__ ORDER BY __carve_hole__", Kind: "select", Status: facts.Recovered, Tables: []facts.TableAccess{{Name: "products", Access: facts.Read}}},
		facts.SQL{Pos: facts.Pos{File: "internal/store/notifications.go", Line: 151}, Unit: "internal/store.Store.DispatchBatch", Via: "database/sql", Dialect: "postgres",
			Text: "__carve_hole__", Kind: "other", Status: facts.Unresolved, Reason: "query text built from a function parameter"},
	)
	f.Skipped = []facts.Skipped{{What: "example.com/shop/internal/legacy", Reason: "does not compile: undefined: oldpay.Client"}}

	// Tables.
	tableFile := map[string]string{"users": "001_identity", "sessions": "001_identity", "categories": "002_catalog", "products": "002_catalog",
		"inventory": "003_inventory", "stock_movements": "003_inventory", "carts": "004_cart", "cart_items": "004_cart",
		"coupons": "005_promotions", "coupon_redemptions": "005_promotions", "orders": "006_orders", "order_items": "006_orders",
		"billing.payments": "007_billing", "billing.refunds": "007_billing", "shipping_addresses": "008_shipping", "shipments": "008_shipping",
		"shipment_events": "008_shipping", "reviews": "009_reviews", "notifications": "010_notifications", "notification_preferences": "010_notifications",
		"sales": "011_timesale", "sale_items": "011_timesale", "sale_reservations": "011_timesale", "audit_log": "010_notifications"}
	for t, file := range tableFile {
		f.Tables = append(f.Tables, facts.Table{Name: t, Pos: facts.Pos{File: "migrations/" + file + ".sql", Line: 1 + len(t)%9}, Columns: []string{"id", "created_at"}, Source: "migration"})
	}

	// Ownership from owners plus the readers and writers seen in findings.
	for t := range tableFile {
		o := decompose.Ownership{Table: t, Owner: svcOf[t], Class: decompose.Owned}
		if o.Owner == "" {
			o.Class = ""
		}
		for _, s := range p.Services {
			if slices.Contains(s.Reads, t) {
				o.Readers = append(o.Readers, s.Name)
			}
			if slices.Contains(s.Writes, t) {
				o.Writers = append(o.Writers, s.Name)
			}
		}
		switch {
		case len(o.Writers) > 0:
			o.Class = decompose.SharedWrite
		case len(o.Readers) > 0:
			o.Class = decompose.SharedRead
		}
		p.Ownership = append(p.Ownership, o)
	}

	// Packages.
	for dir, files := range pkgFiles {
		files = uniqSorted(files)
		name := dir[strings.LastIndex(dir, "/")+1:]
		if dir == "cmd/shop" {
			name = "main"
		}
		pk := facts.Package{Path: mod + "/" + dir, Dir: dir, Name: name, Files: files, Lines: pkgLines[dir] + 10*len(files)}
		switch dir {
		case "internal/handler":
			pk.Imports = []string{mod + "/internal/platform/httpx", mod + "/internal/service"}
		case "internal/service":
			pk.Imports = []string{mod + "/internal/platform/logging", mod + "/internal/store"}
		case "internal/store":
			pk.Imports = []string{mod + "/internal/platform/ids", mod + "/internal/platform/money"}
		case "cmd/shop":
			pk.Imports = []string{mod + "/internal/handler", mod + "/internal/service", mod + "/internal/store"}
		}
		f.Packages = append(f.Packages, pk)
	}

	p.Metrics = map[string]float64{
		"modularity":               0.612,
		"structural_modularity":    0.447,
		"inter_call_percentage":    0.083,
		"interface_number":         4.4,
		"non_extreme_distribution": 0.91,
		"ownership_purity":         0.708,
		"endpoint_fanout_mean":     1.7,
		"endpoint_fanout_max":      5,
	}
	for _, s := range p.Services {
		var routes []string
		routes = append(routes, s.Routes...)
		p.Plan = append(p.Plan, decompose.Step{Service: s.Name, Routes: routes, Tables: s.Tables, Blockers: map[decompose.FindingKind]int{}})
	}
	for _, fd := range p.Findings {
		for i := range p.Plan {
			if p.Plan[i].Service == fd.From || p.Plan[i].Service == fd.To {
				p.Plan[i].Blockers[fd.Kind]++
				p.Plan[i].Score += 1
			}
		}
	}
	sort.SliceStable(p.Plan, func(i, j int) bool {
		if p.Plan[i].Score != p.Plan[j].Score {
			return p.Plan[i].Score < p.Plan[j].Score
		}
		return p.Plan[i].Service < p.Plan[j].Service
	})
	for i := range p.Plan {
		p.Plan[i].Order = i + 1
		p.Plan[i].Why = fmt.Sprintf("%d findings touch it; %d routes move with it", int(p.Plan[i].Score), len(p.Plan[i].Routes))
	}
	for i, n := range []int{4, 7, 11, 15} {
		p.Sweep = append(p.Sweep, decompose.SweepPoint{Services: n, Resolution: []float64{0.4, 0.7, 1, 1.6}[i], Metrics: map[string]float64{
			"modularity":            []float64{0.48, 0.57, 0.612, 0.55}[i],
			"inter_call_percentage": []float64{0.03, 0.05, 0.083, 0.14}[i],
			"ownership_purity":      []float64{0.92, 0.83, 0.708, 0.61}[i],
			"findings":              []float64{9, 18, 33, 52}[i],
		}})
	}
	return finish(f, p)
}

// svcFile returns the store file of a shop service.
func svcFile(name string) string {
	for _, s := range shop {
		if s.name == name {
			return "internal/store/" + s.file + ".go"
		}
	}
	return ""
}

func shortUnit(u facts.UnitID) string {
	s := string(u)
	return s[strings.LastIndex(s, "/")+1:]
}

func appendUniq(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	list = append(list, s)
	slices.Sort(list)
	return list
}

func uniqSorted(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}

// finish sorts everything as the analyzer does and fills the summary.
func finish(f facts.Facts, p *decompose.Proposal) *analyzer.Result {
	sort.Slice(f.Packages, func(i, j int) bool { return f.Packages[i].Dir < f.Packages[j].Dir })
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
	sort.SliceStable(f.SQL, func(i, j int) bool { return f.SQL[i].Pos.Less(f.SQL[j].Pos) })
	sort.SliceStable(f.Routes, func(i, j int) bool { return f.Routes[i].Pos.Less(f.Routes[j].Pos) })
	sort.Slice(f.Tables, func(i, j int) bool { return f.Tables[i].Name < f.Tables[j].Name })
	sort.Slice(f.ForeignKeys, func(i, j int) bool { return f.ForeignKeys[i].Pos.Less(f.ForeignKeys[j].Pos) })
	sort.Slice(p.Ownership, func(i, j int) bool { return p.Ownership[i].Table < p.Ownership[j].Table })
	sort.SliceStable(p.Findings, func(i, j int) bool {
		a, b := p.Findings[i], p.Findings[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Pos != b.Pos {
			return a.Pos.Less(b.Pos)
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	sum := analyzer.Summary{Packages: len(f.Packages), Units: len(f.Units), Routes: len(f.Routes), SQLStatements: len(f.SQL),
		Tables: len(f.Tables), Transactions: len(f.Transactions), Services: len(p.Services), Findings: len(p.Findings), Skipped: len(f.Skipped)}
	for _, s := range f.SQL {
		if s.Attributed() {
			sum.SQLAttributed++
		}
	}
	return &analyzer.Result{SchemaVersion: facts.SchemaVersion, Summary: sum, Facts: f, Proposal: p}
}

// Large generates a result of npkgs packages holding nunits units in total, grouped into
// services of about 40 packages each, with tables, statements, edges and findings in
// proportion. It stands for a big monolith in benchmarks and size tests.
func Large(npkgs, nunits int) *analyzer.Result {
	const mod = "example.com/big"
	nsvc := max(1, npkgs/40)
	f := facts.Facts{Module: mod, Dialect: "mysql"}
	p := &decompose.Proposal{Source: "proposed", Metrics: map[string]float64{"modularity": 0.5}}
	per := max(1, nunits/npkgs)
	for s := 0; s < nsvc; s++ {
		p.Services = append(p.Services, decompose.Service{Name: fmt.Sprintf("svc%03d", s)})
	}
	unitsOf := make([][]facts.UnitID, nsvc)
	rnd := uint64(42)
	next := func(n int) int { // xorshift, deterministic
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return int(rnd % uint64(n))
	}
	for i := 0; i < npkgs; i++ {
		dir := fmt.Sprintf("internal/d%04d", i)
		s := i % nsvc
		ds := &p.Services[s]
		pk := facts.Package{Path: mod + "/" + dir, Dir: dir, Name: fmt.Sprintf("d%04d", i)}
		for j := 0; j < per; j++ {
			file := fmt.Sprintf("%s/f%d.go", dir, j/10)
			if j%10 == 0 {
				pk.Files = append(pk.Files, file)
			}
			id := facts.UnitID(fmt.Sprintf("%s.F%d", dir, j))
			f.Units = append(f.Units, facts.Unit{ID: id, Kind: facts.Func, Package: dir, Pos: facts.Pos{File: file, Line: 10 + j%10*12}, Lines: 10})
			ds.Units = append(ds.Units, id)
			ds.Lines += 10
			unitsOf[s] = append(unitsOf[s], id)
			pk.Lines += 12
		}
		ds.Packages = append(ds.Packages, dir)
		ds.Files = append(ds.Files, pk.Files...)
		if i > 0 {
			pk.Imports = []string{fmt.Sprintf("%s/internal/d%04d", mod, next(i))}
		}
		f.Packages = append(f.Packages, pk)
	}
	ntables := max(1, npkgs/4)
	for t := 0; t < ntables; t++ {
		name := fmt.Sprintf("t%04d", t)
		owner := t % nsvc
		f.Tables = append(f.Tables, facts.Table{Name: name, Pos: facts.Pos{File: "schema.sql", Line: 1 + 5*t}, Source: "migration"})
		p.Services[owner].Tables = append(p.Services[owner].Tables, name)
		p.Ownership = append(p.Ownership, decompose.Ownership{Table: name, Owner: p.Services[owner].Name, Class: decompose.Owned})
	}
	kinds := []decompose.FindingKind{decompose.CrossCall, decompose.ForeignRead, decompose.ForeignWrite, decompose.CrossJoin, decompose.CrossFK, decompose.CrossTx}
	for i, u := range f.Units {
		s := i / per % nsvc
		// an edge to a unit of the same service and, every 10th unit, to another service
		peers := unitsOf[s]
		f.Edges = append(f.Edges, facts.Edge{From: u.ID, To: peers[next(len(peers))], Kind: facts.Call, Count: 1, Pos: u.Pos})
		if i%5 == 0 {
			t := next(ntables)
			f.SQL = append(f.SQL, facts.SQL{Pos: facts.Pos{File: u.Pos.File, Line: u.Pos.Line + 2}, Unit: u.ID, Via: "sqlx", Dialect: "mysql", Kind: "select", Status: facts.Parsed,
				Tables: []facts.TableAccess{{Name: fmt.Sprintf("t%04d", t), Access: facts.Read}}})
		}
		if i%10 == 0 && nsvc > 1 {
			o := (s + 1 + next(nsvc-1)) % nsvc
			to := unitsOf[o][next(len(unitsOf[o]))]
			f.Edges = append(f.Edges, facts.Edge{From: u.ID, To: to, Kind: facts.Call, Count: 1, Pos: u.Pos})
			k := kinds[next(len(kinds))]
			fd := decompose.Finding{Kind: k, Pos: u.Pos, From: p.Services[s].Name, To: p.Services[o].Name, FromUnit: u.ID,
				Detail: fmt.Sprintf("%s couples %s to %s", u.ID, p.Services[s].Name, p.Services[o].Name), Remedy: "see docs"}
			if k == decompose.CrossCall {
				fd.ToUnit = to
			} else {
				t := fmt.Sprintf("t%04d", o%ntables)
				fd.Tables = []string{t}
			}
			p.Findings = append(p.Findings, fd)
		}
	}
	for i := range p.Services {
		sort.Strings(p.Services[i].Tables)
		p.Plan = append(p.Plan, decompose.Step{Order: i + 1, Service: p.Services[i].Name, Tables: p.Services[i].Tables, Blockers: map[decompose.FindingKind]int{}, Score: float64(i)})
	}
	return finish(f, p)
}
