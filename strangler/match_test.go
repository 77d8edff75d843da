package strangler

import (
	"net/http"
	"testing"
)

func tableFor(t *testing.T, routes string) *table {
	t.Helper()
	cfg, err := Parse("m.yaml", []byte("version: 1\nmonolith: {url: http://127.0.0.1:1}\nservices: {s: {url: http://127.0.0.1:2}}\nroutes:\n"+routes))
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p.table.Load()
}

// TestPrecedence has one case per Gateway API tie-break rule.
func TestPrecedence(t *testing.T) {
	tb := tableFor(t, `
  - {name: prefix-api, match: {path_prefix: /api}, service: s, stage: full}
  - {name: prefix-api-sale, match: {path_prefix: /api/sale}, service: s, stage: full}
  - {name: exact-sale, match: {path_exact: /api/sale}, service: s, stage: full}
  - {name: regex-items, match: {path_regex: "/api/sale/[0-9]+/items"}, service: s, stage: full}
  - {name: sale-post, match: {path_prefix: /api/sale, methods: [POST]}, service: s, stage: full}
  - {name: sale-get-beta, match: {path_prefix: /api/sale, methods: [GET], headers: [{name: X-Beta, value: "1"}]}, service: s, stage: full}
  - {name: sale-get-beta-q, match: {path_prefix: /api/sale, methods: [GET], headers: [{name: x-beta, value: "1"}], query: [{name: v, regex: "[0-9]+"}]}, service: s, stage: full}
  - {name: sale-get-two-headers, match: {path_prefix: /api/sale, methods: [GET], headers: [{name: X-Beta, value: "1"}, {name: X-Tenant, regex: "a.*"}]}, service: s, stage: full}
`)
	tests := []struct {
		name, method, path string
		hdr                []string
		query, want        string
	}{
		{"exact beats prefix", "GET", "/api/sale", nil, "", "exact-sale"},
		{"exact is exact", "GET", "/api/sale/", nil, "", "prefix-api-sale"},
		{"longest prefix", "GET", "/api/sale/1", nil, "", "prefix-api-sale"},
		{"prefix is segment-wise", "GET", "/api/sales", nil, "", "prefix-api"},
		{"no match: monolith", "GET", "/other", nil, "", ""},
		{"regex beats prefix", "GET", "/api/sale/12/items", nil, "", "regex-items"},
		{"regex anchored", "GET", "/api/sale/12/items/x", nil, "", "prefix-api-sale"},
		{"method match beats none", "POST", "/api/sale/1", nil, "", "sale-post"},
		{"headers count", "GET", "/api/sale/1", []string{"X-Beta", "1"}, "", "sale-get-beta"},
		{"more headers win", "GET", "/api/sale/1", []string{"X-Beta", "1", "X-Tenant", "acme"}, "", "sale-get-two-headers"},
		{"header regex anchored", "GET", "/api/sale/1", []string{"X-Beta", "1", "X-Tenant", "bacme"}, "", "sale-get-beta"},
		{"query breaks header tie", "GET", "/api/sale/1", []string{"X-Beta", "1"}, "v=42", "sale-get-beta-q"},
		{"query regex anchored", "GET", "/api/sale/1", []string{"X-Beta", "1"}, "v=42x", "sale-get-beta"},
		{"query first value, decoded", "GET", "/api/sale/1", []string{"X-Beta", "1"}, "a=1&v=%34%32&v=x", "sale-get-beta-q"},
		{"header value exact", "GET", "/api/sale/1", []string{"X-Beta", "2"}, "", "prefix-api-sale"},
		{"canonical path is matched", "GET", "/api/./sale/%31", nil, "", "prefix-api-sale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := "http://x" + tt.path
			if tt.query != "" {
				u += "?" + tt.query
			}
			r, err := http.NewRequest(tt.method, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(tt.hdr); i += 2 {
				r.Header.Add(tt.hdr[i], tt.hdr[i+1])
			}
			got, err := tb.routeFor(tt.path, r)
			if err != nil || got != tt.want {
				t.Errorf("route(%s %s?%s %v) = %q, %v; want %q", tt.method, tt.path, tt.query, tt.hdr, got, err, tt.want)
			}
		})
	}
}

func TestLeakGuardOff(t *testing.T) {
	tb := tableFor(t, "  - {name: sale, match: {path_prefix: /api/sale}, service: s, stage: full}\npaths: {leak_guard: false}\n")
	r, _ := http.NewRequest("GET", "http://x/API/sale", nil)
	if got, err := tb.routeFor("/API/sale", r); err != nil || got != "" {
		t.Errorf("leak guard off: route = %q, %v; want the monolith", got, err)
	}
	tb = tableFor(t, "  - {name: sale, match: {path_prefix: /api/sale}, service: s, stage: shadow}\n")
	if got, err := tb.routeFor("/API/sale", r); err != nil || got != "" {
		t.Errorf("shadow route: route = %q, %v; want the monolith (the monolith still owns it)", got, err)
	}
}
