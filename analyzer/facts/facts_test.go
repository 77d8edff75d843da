package facts

import "testing"

func TestUnitIDPackage(t *testing.T) {
	for id, want := range map[UnitID]string{
		"internal/store.Store.CreateOrder": "internal/store",
		"internal/store.CreateOrder":       "internal/store",
		"orders.Place":                     "orders",
		"..Main":                           ".",
		"..Server.Run":                     ".",
		"a/b.c/d.X":                        "a/b.c/d",
	} {
		if got := id.Package(); got != want {
			t.Errorf("UnitID(%q).Package() = %q, want %q", id, got, want)
		}
	}
}

func TestIsSystemTable(t *testing.T) {
	for name, want := range map[string]bool{
		"pg_stat_activity": true, "pg_catalog.pg_class": true, "information_schema.tables": true,
		"mysql.user": true, "performance_schema.threads": true, "orders": false, "billing.payments": false, "page_views": false,
	} {
		if got := IsSystemTable(name); got != want {
			t.Errorf("IsSystemTable(%q) = %v, want %v", name, got, want)
		}
	}
}
