package history

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
)

func TestReadTraffic(t *testing.T) {
	dir := t.TempDir()
	proxyLog := `{"time":"2026-11-20T10:00:00Z","level":"INFO","msg":"request","method":"GET","path":"/api/sale/7","route":"sale","status":200}
{"time":"2026-11-20T10:00:01Z","level":"INFO","msg":"request","method":"POST","path":"/api/sale/7/reserve","status":200}
{"time":"2026-11-20T10:00:01Z","level":"INFO","msg":"request","method":"POST","path":"/api/sale/8/reserve?x=1","status":409}
{"time":"2026-11-20T10:00:02Z","level":"INFO","msg":"config reloaded"}
not json at all
{"method":"GET","path":"/api/products","status":200}
{"method":"get","uri":"http://shop.example/api/sale/9","status":200}
`
	nginxLog := `127.0.0.1 - - [20/Nov/2026:10:00:03 +0000] "GET /api/products/42 HTTP/1.1" 200 12 "-" "curl"
127.0.0.1 - - [20/Nov/2026:10:00:03 +0000] "HEAD /api/products/42 HTTP/1.1" 200 0 "-" "curl"
127.0.0.1 - - [20/Nov/2026:10:00:04 +0000] "GET /nowhere HTTP/1.1" 404 0 "-" "curl"
127.0.0.1 - - [20/Nov/2026:10:00:05 +0000] "GET /static/app.css HTTP/1.1" 200 0 "-" "curl"
`
	a, b := filepath.Join(dir, "proxy.log"), filepath.Join(dir, "access.log")
	os.WriteFile(a, []byte(proxyLog), 0o644)
	os.WriteFile(b, []byte(nginxLog), 0o644)
	routes := []facts.Route{
		{Method: "GET", Path: "/api/sale/{id}"},
		{Method: "POST", Path: "/api/sale/{id}/reserve"},
		{Method: "GET", Path: "/api/products"},
		{Method: "GET", Path: "/api/products/{id}"},
		{Method: "GET", Path: "/api/products/featured"},
		{Method: "ANY", Path: "/static/"},
	}
	svc := map[string]string{"GET /api/sale/{id}": "timesale", "POST /api/sale/{id}/reserve": "timesale", "GET /api/products": "catalog", "GET /api/products/{id}": "catalog", "GET /api/products/featured": "catalog"}
	tr, err := ReadTraffic([]string{a, b}, routes, svc)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Requests != 9 || tr.Matched != 8 {
		t.Errorf("Requests=%d Matched=%d, want 9 and 8", tr.Requests, tr.Matched)
	}
	wantRoutes := []RouteTraffic{
		{"GET /api/products/{id}", "catalog", 2},
		{"GET /api/sale/{id}", "timesale", 2},
		{"POST /api/sale/{id}/reserve", "timesale", 2},
		{"ANY /static/", "", 1},
		{"GET /api/products", "catalog", 1},
	}
	if diff := cmp.Diff(wantRoutes, tr.Routes); diff != "" {
		t.Errorf("Routes mismatch (-want +got):\n%s", diff)
	}
	if len(tr.Services) != 2 || tr.Services[0].Service != "timesale" || tr.Services[0].Requests != 4 || tr.Services[1].Requests != 3 || tr.Services[0].Share != 0.5 {
		t.Errorf("Services = %+v, want timesale 4 (share 0.5) then catalog 3", tr.Services)
	}
	if diff := cmp.Diff([]PathCount{{"/nowhere", 1}}, tr.Unmatched); diff != "" {
		t.Errorf("Unmatched mismatch (-want +got):\n%s", diff)
	}
	if tr.Source != "measured from access logs" {
		t.Errorf("Source = %q", tr.Source)
	}
}
