package strangler

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestCanonicalizeCorpus(t *testing.T) {
	strip := PathPolicy{Params: "strip"}
	decode := PathPolicy{EscapedSlash: "decode"}
	keep := PathPolicy{EscapedSlash: "keep", Params: "keep"}
	tests := []struct {
		in     string
		pol    PathPolicy
		want   string
		status int // non-zero: rejected with this status
	}{
		{"/", PathPolicy{}, "/", 0},
		{"/api/sale", PathPolicy{}, "/api/sale", 0},
		{"/api/sale/", PathPolicy{}, "/api/sale/", 0},
		{"/a/../b", PathPolicy{}, "/b", 0},
		{"/a/./b", PathPolicy{}, "/a/b", 0},
		{"/a/..", PathPolicy{}, "/", 0},
		{"/a/b/..", PathPolicy{}, "/a/", 0},
		{"/a/.", PathPolicy{}, "/a/", 0},
		{"/../../etc/passwd", PathPolicy{}, "/etc/passwd", 0},
		{"/%2e%2e/admin", PathPolicy{}, "/admin", 0},
		{"/api/orders/%2e%2e/admin", PathPolicy{}, "/api/admin", 0},
		{"/a/%2E%2e/b", PathPolicy{}, "/b", 0},
		{"/a/.%2e/b", PathPolicy{}, "/b", 0},
		{"/a/%2e./b", PathPolicy{}, "/b", 0},
		{"/a/..%2fb", PathPolicy{}, "", 400},
		{"/a/..%5cb", PathPolicy{}, "", 400},
		{"/a/..%2fb", decode, "/b", 0},
		{"/a/%252e%252e/b", PathPolicy{}, "/a/%252e%252e/b", 0},
		{"/a/%c0%ae%c0%ae/b", PathPolicy{}, "/a/%C0%AE%C0%AE/b", 0},
		{"/a/\uff0e\uff0e\uff0f", PathPolicy{}, "/a/%EF%BC%8E%EF%BC%8E%EF%BC%8F", 0},
		{"//a", PathPolicy{}, "/a", 0},
		{"/a//b", PathPolicy{}, "/a/b", 0},
		{"/a%2Fb", PathPolicy{}, "", 400},
		{"/a%2fb", PathPolicy{}, "", 400},
		{"/a%5Cb", PathPolicy{}, "", 400},
		{"/a%2fb", keep, "/a%2Fb", 0},
		{"/a%2fb", decode, "/a/b", 0},
		{`/a\b`, PathPolicy{}, "/a/b", 0},
		{`/a\b`, PathPolicy{Backslash: "reject"}, "", 400},
		{"/api/orders;x=1", PathPolicy{}, "", 400},
		{"/api/orders;x=1", strip, "/api/orders", 0},
		{"/public/..;/admin", strip, "/admin", 0},
		{"/api/orders;jsessionid=1/2", strip, "/api/orders/2", 0},
		{"/api/orders;x=1", keep, "/api/orders;x=1", 0},
		{"/a%3bb", PathPolicy{}, "/a%3Bb", 0},
		{"/a%00b", PathPolicy{}, "", 400},
		{"/a\x00b", PathPolicy{}, "", 400},
		{"/a\x01", PathPolicy{}, "", 400},
		{"/a\x7f", PathPolicy{}, "", 400},
		{"/a\tb", PathPolicy{}, "", 400},
		{"/a#b", PathPolicy{}, "", 400},
		{"/%61dmin", PathPolicy{}, "/admin", 0},
		{"/api/%6Frders", PathPolicy{}, "/api/orders", 0},
		{"/%7e", PathPolicy{}, "/~", 0},
		{"/a%3f", PathPolicy{}, "/a%3F", 0},
		{"/a%23", PathPolicy{}, "/a%23", 0},
		{"/a%20b", PathPolicy{}, "/a%20b", 0},
		{"/caf\xc3\xa9", PathPolicy{}, "/caf%C3%A9", 0},
		{"/a\"b", PathPolicy{}, "/a%22b", 0},
		{"/a%zz", PathPolicy{}, "", 400},
		{"/a%2", PathPolicy{}, "", 400},
		{"", PathPolicy{}, "", 400},
		{"a/b", PathPolicy{}, "", 400},
		{"*", PathPolicy{}, "", 400},
		{"/" + strings.Repeat("a", 9000), PathPolicy{}, "", 414},
		{"/API/Orders", PathPolicy{}, "/API/Orders", 0},
	}
	for _, tt := range tests {
		c, err := Canonicalize(tt.in, tt.pol)
		if tt.status != 0 {
			var pe *PathError
			if !errors.As(err, &pe) || pe.Status != tt.status {
				t.Errorf("Canonicalize(%q, %+v) = %q, %v; want status %d", tt.in, tt.pol, c.Path, err, tt.status)
			}
			continue
		}
		if err != nil || c.Path != tt.want {
			t.Errorf("Canonicalize(%q, %+v) = %q, %v; want %q", tt.in, tt.pol, c.Path, err, tt.want)
			continue
		}
		if c.Changed != (tt.in != tt.want) {
			t.Errorf("Canonicalize(%q).Changed = %v, want %v", tt.in, c.Changed, tt.in != tt.want)
		}
	}
}

func TestCanonicalFastPathAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		if _, err := Canonicalize("/api/sale/items/42", PathPolicy{}); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("Canonicalize of a canonical path allocates %v times, want 0", n)
	}
}

func fuzzTable(t testing.TB) *table {
	cfg, err := Parse("fuzz.yaml", []byte(`version: 1
monolith: {url: http://127.0.0.1:1}
services: {s: {url: http://127.0.0.1:2}}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: s, stage: full}
  - {name: exact, match: {path_exact: /api/orders/1}, service: s, stage: canary, weight: 50}
  - {name: re, match: {path_regex: "/u/[0-9]+/x"}, service: s, stage: retired}
  - {name: shadowed, match: {path_prefix: /api/cart}, service: s, stage: shadow}
`))
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

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"/", "/api/sale", "/a/../b", "/%2e%2e/x", "//api//sale", "/api/sale;x", `/api\sale`,
		"/API/SALE", "/api/%73ale", "/a%2fb", "/%252e", "/u/12/x", "/api/orders/1/", "/a/./../..", "/\xff", "/api/sale%2F1"} {
		f.Add(s)
	}
	tb := fuzzTable(f)
	pols := []PathPolicy{{}, {EscapedSlash: "decode", Params: "strip"}, {EscapedSlash: "keep", Params: "keep", Backslash: "reject"}}
	req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	f.Fuzz(func(t *testing.T, p string) {
		for _, pol := range pols {
			c, err := Canonicalize(p, pol)
			if err != nil {
				continue
			}
			c2, err := Canonicalize(c.Path, pol)
			if err != nil || c2.Path != c.Path || c2.Changed {
				t.Fatalf("not idempotent under %+v: %q -> %q -> %q, %v", pol, p, c.Path, c2.Path, err)
			}
			if !strings.HasPrefix(c.Path, "/") || strings.Contains(c.Path, "//") {
				t.Fatalf("canonical %q of %q is not a clean absolute path", c.Path, p)
			}
		}
		r1, err1 := tb.routeFor(p, req)
		if err1 != nil {
			return
		}
		c, _ := Canonicalize(p, tb.paths)
		r2, err2 := tb.routeFor(c.Path, req)
		if err2 != nil || r1 != r2 {
			t.Fatalf("route(%q) = %q but route(canonical %q) = %q, %v", p, r1, c.Path, r2, err2)
		}
	})
}
