package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
)

const good = `version: 1
dialect: postgres
services:
  orders:
    description: Orders.
    packages: [internal/orders/...]
    files: [internal/store/orders.go]
    tables: [orders, "Public.Order_Items"]
  catalog:
    files: [internal/store/products.go]
    units: [internal/store.Store.Product*]
    tables: [products]
shared_kernel:
  packages: [internal/platform/...]
allow:
  - from: orders
    to: catalog
    kinds: [read]
    reason: prices until the catalog API exists
`

func TestParseGood(t *testing.T) {
	s, err := Parse("carve.yaml", []byte(good))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := s.ServiceNames(), []string{"catalog", "orders"}; !cmp.Equal(got, want) {
		t.Errorf("ServiceNames() = %v, want %v", got, want)
	}
	for table, want := range map[string]string{"orders": "orders", "order_items": "orders", `"products"`: "catalog", "public.products": "catalog"} {
		if got, _ := s.Owner(table); got != want {
			t.Errorf("Owner(%q) = %q, want %q", table, got, want)
		}
	}
	if _, ok := s.Owner("users"); ok {
		t.Errorf("Owner(users) found an owner, want none")
	}
	if r, ok := s.Allowed("orders", "catalog", "read"); !ok || r == "" {
		t.Errorf("Allowed(orders, catalog, read) = %q, %v; want a reason, true", r, ok)
	}
	if _, ok := s.Allowed("orders", "catalog", "write"); ok {
		t.Errorf("Allowed(orders, catalog, write) = true, want false")
	}
}

func TestAssignPrecedence(t *testing.T) {
	s, err := Parse("carve.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	unit := func(id, file string) facts.Unit {
		u := facts.Unit{ID: facts.UnitID(id), Pos: facts.Pos{File: file, Line: 1}}
		u.Package = u.ID.Package()
		return u
	}
	tests := []struct {
		unit    facts.Unit
		service string
		kernel  bool
		ok      bool
	}{
		{unit("internal/orders.Place", "internal/orders/place.go"), "orders", false, true},
		{unit("internal/orders/sub.X", "internal/orders/sub/x.go"), "orders", false, true},
		{unit("internal/store.Store.CreateOrder", "internal/store/orders.go"), "orders", false, true},
		// unit pattern beats file glob
		{unit("internal/store.Store.ProductsForOrder", "internal/store/orders.go"), "catalog", false, true},
		{unit("internal/platform/money.Add", "internal/platform/money/money.go"), "", true, true},
		{unit("internal/store.Store.Users", "internal/store/users.go"), "", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.unit.ID), func(t *testing.T) {
			a, ok, err := s.Assign(tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok || a.Service != tt.service || a.Kernel != tt.kernel {
				t.Errorf("Assign(%s) = %+v, %v; want service %q kernel %v ok %v", tt.unit.ID, a, ok, tt.service, tt.kernel, tt.ok)
			}
		})
	}
}

func TestAssignConflict(t *testing.T) {
	s, err := Parse("carve.yaml", []byte(`version: 1
services:
  a: {files: [internal/store/*.go]}
  b: {files: [internal/store/orders.go]}
`))
	if err != nil {
		t.Fatal(err)
	}
	u := facts.Unit{ID: "internal/store.X", Package: "internal/store", Pos: facts.Pos{File: "internal/store/orders.go"}}
	if _, _, err := s.Assign(u); err == nil || !strings.Contains(err.Error(), "same precedence") {
		t.Errorf("Assign with two equal claims: err = %v, want a conflict error", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "carve.yaml: empty file"},
		{"no version", "services:\n  a: {files: [x.go]}\n", "carve.yaml:1:1: version is required"},
		{"bad version", "version: 2\nservices:\n  a: {files: [x.go]}\n", "carve.yaml:1:10: version: got \"2\", want 1"},
		{"unknown top key", "version: 1\nservics: {}\n", `carve.yaml:2:1: unknown key "servics"`},
		{"unknown service key", "version: 1\nservices:\n  a:\n    table: [x]\n", `carve.yaml:4:5: service a: unknown key "table"`},
		{"bad name", "version: 1\nservices:\n  Orders: {files: [x.go]}\n", `carve.yaml:3:3: service name "Orders"`},
		{"two owners", "version: 1\nservices:\n  a: {tables: [t]}\n  b: {tables: [public.t]}\n", `carve.yaml:4:3: table "t" is owned by both a and b`},
		{"allow without reason", "version: 1\nservices:\n  a: {tables: [t]}\n  b: {tables: [u]}\nallow:\n  - {from: a, to: b}\n", "carve.yaml:6:5: allow: reason is required"},
		{"allow unknown service", "version: 1\nservices:\n  a: {tables: [t]}\nallow:\n  - {from: a, to: z, reason: r}\n", `allow: unknown service "z"`},
		{"allow bad kind", "version: 1\nservices:\n  a: {tables: [t]}\nallow:\n  - {from: a, to: a, kinds: [cal], reason: r}\n", `carve.yaml:5:30: allow: unknown kind "cal"`},
		{"absolute package", "version: 1\nservices:\n  a: {packages: [/x]}\n", `carve.yaml:3:18: package pattern "/x"`},
		{"bad glob", "version: 1\nservices:\n  a: {files: [\"x[\"]}\n", `file pattern "x["`},
		{"not a list", "version: 1\nservices:\n  a: {files: x.go}\n", "carve.yaml:3:14: files: want a list of strings"},
		{"duplicate service", "version: 1\nservices:\n  a: {files: [x.go]}\n  a: {files: [y.go]}\n", `carve.yaml:4:3: services: duplicate key "a"`},
		{"yaml syntax", "version: 1\nservices: [\n", "carve.yaml: "},
		{"bad dialect", "version: 1\ndialect: oracle\nservices:\n  a: {files: [x.go]}\n", `carve.yaml:2:10: dialect: got "oracle"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("carve.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error containing %q", tt.src, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestMatchPackage(t *testing.T) {
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"internal/orders", "internal/orders", true},
		{"internal/orders", "internal/orders/x", false},
		{"internal/orders/...", "internal/orders/x", true},
		{"internal/orders/...", "internal/ordersx", false},
		{"...", ".", true},
		{".", ".", true},
	}
	for _, tt := range tests {
		if got := MatchPackage(tt.pattern, tt.pkg); got != tt.want {
			t.Errorf("MatchPackage(%q, %q) = %v, want %v", tt.pattern, tt.pkg, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("version: 1\nservices: {a: {files: ['*']}}\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("carve.yaml", data)
		if err == nil && (s == nil || s.Version != Version || len(s.Services) == 0) {
			t.Fatalf("Parse accepted %q but returned %+v", data, s)
		}
	})
}
