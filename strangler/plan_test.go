package strangler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		path, router string
		want         Match
	}{
		{"/api/orders", "chi", Match{PathExact: "/api/orders"}},
		{"/api/orders/{id}", "chi", Match{PathRegex: `^/api/orders/[^/]+$`}},
		{"/api/orders/{id}/items", "gin", Match{PathRegex: `^/api/orders/[^/]+/items$`}},
		{"/static/{rest...}", "net/http", Match{PathPrefix: "/static"}},
		{"/files/{id}/{rest...}", "net/http", Match{PathRegex: `^/files/[^/]+(?:/.*)?$`}},
		{"/assets/", "net/http", Match{PathPrefix: "/assets"}},
		{"/assets/", "chi", Match{PathExact: "/assets/"}},
		{"/a/{$}", "net/http", Match{PathExact: "/a/"}},
		{"/", "net/http", Match{PathPrefix: "/"}},
		{"/{$}", "net/http", Match{PathExact: "/"}},
		{"/v1.2/x", "echo", Match{PathExact: "/v1.2/x"}},
		{"/img/{name}.png", "chi", Match{PathRegex: `^/img/[^/]+\.png$`}},
		{"/a b/{id}", "chi", Match{PathRegex: `^/a b/[^/]+$`}},
		{"/users/:id", "gin", Match{PathRegex: `^/users/[^/]+$`}},
	}
	for _, tt := range tests {
		t.Run(tt.router+tt.path, func(t *testing.T) {
			pt, err := parsePattern(facts.Route{Method: "GET", Path: tt.path, Router: tt.router})
			if err != nil {
				t.Fatalf("parsePattern(%q) error: %v", tt.path, err)
			}
			got := pt.match()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("match of %q mismatch (-want +got):\n%s", tt.path, diff)
			}
			var errs []string
			validateMatch("m", got, func(f, format string, args ...any) { errs = append(errs, f+": "+fmt.Sprintf(format, args...)) })
			if len(errs) > 0 && tt.path != "/a b/{id}" {
				t.Errorf("match %+v does not validate: %v", got, errs)
			}
		})
	}
	if _, err := parsePattern(facts.Route{Path: "/a/{rest...}/b"}); err == nil {
		t.Errorf("parsePattern with a wildcard in the middle: no error")
	}
	if _, err := parsePattern(facts.Route{Path: "api"}); err == nil {
		t.Errorf("parsePattern without leading slash: no error")
	}
}

// planFixture is a small analysis: orders (prefix-mergeable, writes payments' table through a
// store call), catalog (shares /api/products with reviews), reviews.
func planFixture() (*facts.Facts, *decompose.Proposal) {
	r := func(m, p, h string) facts.Route {
		return facts.Route{Method: m, Path: p, Handler: facts.UnitID(h), Router: "chi", Pos: facts.Pos{File: "h.go", Line: 1}}
	}
	f := &facts.Facts{
		Routes: []facts.Route{
			r("GET", "/api/orders", "h.Orders.list"),
			r("GET", "/api/orders/{id}", "h.Orders.get"),
			r("POST", "/api/orders/{id}/cancel", "h.Orders.cancel"),
			r("DELETE", "/api/orders/{id}", "h.Orders.del"),
			r("GET", "/api/products", "h.Catalog.list"),
			r("GET", "/api/products/{id}", "h.Catalog.get"),
			r("PUT", "/api/products/{id}", "h.Catalog.put"),
			r("GET", "/api/categories", "h.Catalog.cats"),
			r("GET", "/api/categories/{slug}", "h.Catalog.cat"),
			r("GET", "/api/products/{id}/reviews", "h.Reviews.list"),
			r("ANY", "/api/reviews/{id}", ""),
			r("GET", "/api/reviews/{id}/votes", ""),
		},
		Edges: []facts.Edge{
			{From: "h.Orders.cancel", To: "svc.Cancel", Kind: facts.Call},
			{From: "svc.Cancel", To: "store.Refund", Kind: facts.Call},
			{From: "h.Orders.get", To: "store.Order", Kind: facts.Call},
			{From: "h.Orders.get", To: "store.Secret", Kind: facts.Ref}, // a reference is not a call
			{From: "h.Catalog.list", To: "store.Products", Kind: facts.Call},
		},
		SQL: []facts.SQL{
			{Unit: "store.Refund", Pos: facts.Pos{File: "store.go", Line: 10}, Tables: []facts.TableAccess{{Name: "payments", Access: facts.Update}, {Name: "orders", Access: facts.Read}}},
			{Unit: "store.Order", Pos: facts.Pos{File: "store.go", Line: 20}, Tables: []facts.TableAccess{{Name: "orders", Access: facts.Read}, {Name: "products", Access: facts.Read}}},
			{Unit: "store.Secret", Pos: facts.Pos{File: "store.go", Line: 30}, Tables: []facts.TableAccess{{Name: "users", Access: facts.Delete}}},
			{Unit: "store.Products", Pos: facts.Pos{File: "store.go", Line: 40}, Tables: []facts.TableAccess{{Name: "products", Access: facts.Read}}},
		},
	}
	p := &decompose.Proposal{
		Services: []decompose.Service{
			{Name: "catalog", Tables: []string{"products"}, Routes: []string{"GET /api/categories", "GET /api/categories/{slug}", "GET /api/products", "GET /api/products/{id}", "PUT /api/products/{id}"}},
			{Name: "orders", Tables: []string{"orders"}, Reads: []string{"products"}, Writes: []string{"payments", "stock"}, Routes: []string{"DELETE /api/orders/{id}", "GET /api/orders", "GET /api/orders/{id}", "POST /api/orders/{id}/cancel"}},
			{Name: "payments", Tables: []string{"payments"}},
			{Name: "reviews", Tables: []string{"reviews"}, Reads: []string{"users"}, Routes: []string{"ANY /api/reviews/{id}", "GET /api/products/{id}/reviews", "GET /api/reviews/{id}/votes"}},
		},
		Ownership: []decompose.Ownership{
			{Table: "orders", Owner: "orders"}, {Table: "payments", Owner: "payments"},
			{Table: "products", Owner: "catalog"}, {Table: "reviews", Owner: "reviews"},
			{Table: "stock", Owner: "inventory"}, {Table: "users", Owner: "identity"},
		},
	}
	return f, p
}

func TestPlanServiceRoutes(t *testing.T) {
	f, p := planFixture()
	type rt struct {
		Name  string
		Match Match
		Keys  []string
	}
	tests := []struct {
		service string
		noMerge bool
		want    []rt
	}{
		{"orders", false, []rt{{"orders-api-orders", Match{PathPrefix: "/api/orders", Methods: []string{"DELETE", "GET", "POST"}},
			[]string{"DELETE /api/orders/{id}", "GET /api/orders", "GET /api/orders/{id}", "POST /api/orders/{id}/cancel"}}}},
		{"orders", true, []rt{
			{"orders-api-orders-get", Match{PathExact: "/api/orders", Methods: []string{"GET"}}, []string{"GET /api/orders"}},
			{"orders-api-orders-x", Match{PathRegex: `^/api/orders/[^/]+$`, Methods: []string{"DELETE", "GET"}}, []string{"DELETE /api/orders/{id}", "GET /api/orders/{id}"}},
			{"orders-api-orders-x-cancel-post", Match{PathRegex: `^/api/orders/[^/]+/cancel$`, Methods: []string{"POST"}}, []string{"POST /api/orders/{id}/cancel"}},
		}},
		// /api/products holds a reviews route: no prefix there; /api/categories merges.
		{"catalog", false, []rt{
			{"catalog-api-categories", Match{PathPrefix: "/api/categories", Methods: []string{"GET"}}, []string{"GET /api/categories", "GET /api/categories/{slug}"}},
			{"catalog-api-products-get", Match{PathExact: "/api/products", Methods: []string{"GET"}}, []string{"GET /api/products"}},
			{"catalog-api-products-x", Match{PathRegex: `^/api/products/[^/]+$`, Methods: []string{"GET", "PUT"}}, []string{"GET /api/products/{id}", "PUT /api/products/{id}"}},
		}},
		// ANY clears the methods of the merged prefix.
		{"reviews", false, []rt{
			{"reviews-api-products-x-reviews-get", Match{PathRegex: `^/api/products/[^/]+/reviews$`, Methods: []string{"GET"}}, []string{"GET /api/products/{id}/reviews"}},
			{"reviews-api-reviews", Match{PathPrefix: "/api/reviews", Methods: []string{}}, []string{"ANY /api/reviews/{id}", "GET /api/reviews/{id}/votes"}},
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/nomerge=%v", tt.service, tt.noMerge), func(t *testing.T) {
			plan, err := PlanService(f, p, tt.service, PlanOptions{NoMerge: tt.noMerge})
			if err != nil {
				t.Fatal(err)
			}
			var got []rt
			for _, pr := range plan.Routes {
				got = append(got, rt{pr.Route.Name, pr.Route.Match, pr.Keys})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PlanService(%s) routes mismatch (-want +got):\n%s", tt.service, diff)
			}
		})
	}
	if _, err := PlanService(f, p, "nope", PlanOptions{}); err == nil || !strings.Contains(err.Error(), "catalog, orders, payments, reviews") {
		t.Errorf("PlanService(unknown) error = %v, want the list of services", err)
	}
	if _, err := PlanService(f, p, "payments", PlanOptions{}); err == nil || !strings.Contains(err.Error(), "no HTTP routes") {
		t.Errorf("PlanService(payments) error = %v, want no HTTP routes", err)
	}
	if _, err := PlanService(f, nil, "orders", PlanOptions{}); err == nil {
		t.Errorf("PlanService without a proposal: no error")
	}
}

func TestPlanServiceForeign(t *testing.T) {
	f, p := planFixture()
	plan, err := PlanService(f, p, "orders", PlanOptions{NoMerge: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []ForeignAccess{
		// GET /api/orders/{id} reaches store.Order by a call (products read); store.Secret only by a
		// reference, so its delete on users is not charged.
		{Key: "GET /api/orders/{id}", Route: "orders-api-orders-x", Table: "products", Owner: "catalog", Unit: "store.Order", Pos: facts.Pos{File: "store.go", Line: 20}},
		{Key: "POST /api/orders/{id}/cancel", Route: "orders-api-orders-x-cancel-post", Table: "payments", Owner: "payments", Write: true, Unit: "store.Refund", Pos: facts.Pos{File: "store.go", Line: 10}},
		// The service writes stock somewhere no route reaches.
		{Key: "*", Table: "stock", Owner: "inventory", Write: true},
	}
	// Sorted by key: "*" < "GET" < "POST".
	want = []ForeignAccess{want[2], want[0], want[1]}
	if diff := cmp.Diff(want, plan.Foreign); diff != "" {
		t.Errorf("Foreign mismatch (-want +got):\n%s", diff)
	}
	if got := len(plan.ForeignWrites()); got != 2 {
		t.Errorf("ForeignWrites() = %d accesses, want 2", got)
	}
	// Routes without a handler are charged with the service's reads and writes.
	plan, err = PlanService(f, p, "reviews", PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range plan.Foreign {
		keys = append(keys, a.Key+" "+a.Table)
	}
	wantKeys := []string{"ANY /api/reviews/{id} users", "GET /api/reviews/{id}/votes users"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("reviews foreign mismatch (-want +got):\n%s", diff)
	}
	s := plan.Foreign[0].String()
	if !strings.Contains(s, "reads table users, owned by identity") || !strings.Contains(s, "route reviews-api-reviews") {
		t.Errorf("ForeignAccess.String() = %q", s)
	}
}

const planExisting = `# my proxy
version: 1
listen: 127.0.0.1:8080 # public
monolith:
  url: http://127.0.0.1:8081 # the old app
services:
  # orders is already out
  orders:
    url: http://127.0.0.1:8090
routes:
  # hand-written
  - name: orders-legacy
    match: {path_exact: /legacy/orders}
    service: orders
    stage: full # done
  - name: orders-api-orders
    match:
      path_prefix: /api/orders
      methods: [DELETE, GET, POST]
    service: orders
    stage: canary
    weight: 5
    fallback: true
`

func TestApply(t *testing.T) {
	f, p := planFixture()
	plan, err := PlanService(f, p, "catalog", PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("create", func(t *testing.T) {
		if _, err := Apply("s.yaml", nil, plan, ApplyOptions{URL: "http://127.0.0.1:8082"}); err == nil || !strings.Contains(err.Error(), "--monolith") {
			t.Fatalf("Apply without monolith: error = %v, want a hint about --monolith", err)
		}
		e, err := Apply("s.yaml", nil, plan, ApplyOptions{URL: "http://127.0.0.1:8082", Monolith: "http://127.0.0.1:8081"})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse("s.yaml", e.After)
		if err != nil {
			t.Fatalf("created file does not parse: %v\n%s", err, e.After)
		}
		if cfg.Monolith.URL != "http://127.0.0.1:8081" || cfg.Services["catalog"].URL != "http://127.0.0.1:8082" || len(cfg.Routes) != 3 {
			t.Errorf("created config = %+v", cfg)
		}
		for _, r := range cfg.Routes {
			if r.Stage != StageShadow || r.Service != "catalog" {
				t.Errorf("new route %s: stage %s service %s, want shadow catalog", r.Name, r.Stage, r.Service)
			}
		}
		if e.Before != nil || len(e.Added) != 3 {
			t.Errorf("Edit = before %q, added %v", e.Before, e.Added)
		}
	})
	t.Run("add keeps the rest", func(t *testing.T) {
		w := 20
		e, err := Apply("s.yaml", []byte(planExisting), plan, ApplyOptions{URL: "http://127.0.0.1:8082", Stage: StageCanary, Weight: &w})
		if err != nil {
			t.Fatal(err)
		}
		if d := UnifiedDiff("before", "after", []byte(planExisting), e.After); strings.Contains(d, "\n-") || !strings.Contains(d, "+  catalog:\n+    url: http://127.0.0.1:8082\n routes:") {
			t.Errorf("the existing content changed, or the service was not added:\n%s", d)
		}
		cfg, err := Parse("s.yaml", e.After)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Routes) != 5 || cfg.Routes[2].Weight != 20 || cfg.Routes[2].Stage != StageCanary {
			t.Errorf("routes = %+v", cfg.Routes)
		}
		// Applying the same again changes nothing.
		e2, err := Apply("s.yaml", e.After, plan, ApplyOptions{Stage: StageCanary, Weight: &w})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e.After, e2.After) || len(e2.Unchanged) != 3 || len(e2.Added)+len(e2.Updated) != 0 {
			t.Errorf("second Apply changed the file or reported changes: %+v\n%s", e2, UnifiedDiff("1", "2", e.After, e2.After))
		}
	})
	t.Run("update stage", func(t *testing.T) {
		oplan, err := PlanService(f, p, "orders", PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Apply("s.yaml", []byte(planExisting), oplan, ApplyOptions{Stage: StageFull})
		if !errors.Is(err, ErrForeignWrites) || !strings.Contains(err.Error(), "payments") {
			t.Fatalf("Apply full with foreign writes: error = %v, want ErrForeignWrites naming payments", err)
		}
		e, err := Apply("s.yaml", []byte(planExisting), oplan, ApplyOptions{Stage: StageRetired, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse("s.yaml", e.After)
		if err != nil {
			t.Fatal(err)
		}
		r := cfg.Routes[1]
		if r.Name != "orders-api-orders" || r.Stage != StageRetired || r.Weight != 0 || r.Fallback != nil {
			t.Errorf("updated route = %+v, want retired without weight and fallback", r)
		}
		if diff := cmp.Diff([]string{"orders-api-orders"}, e.Updated); diff != "" {
			t.Errorf("Updated mismatch (-want +got):\n%s", diff)
		}
		if len(e.Notes) != 1 || !strings.Contains(e.Notes[0], "orders-legacy") {
			t.Errorf("Notes = %q, want one about orders-legacy", e.Notes)
		}
		for _, keep := range []string{"# my proxy", "# the old app", "# orders is already out", "# hand-written", "stage: full # done"} {
			if !strings.Contains(string(e.After), keep) {
				t.Errorf("lost %q:\n%s", keep, e.After)
			}
		}
		w := 50
		e, err = Apply("s.yaml", []byte(planExisting), oplan, ApplyOptions{Stage: StageCanary, Weight: &w})
		if err != nil {
			t.Fatal(err)
		}
		d := UnifiedDiff("a", "b", []byte(planExisting), e.After)
		if !strings.Contains(d, "-    weight: 5\n+    weight: 50\n") || strings.Count(d, "\n+") != 2 { // "+++ b" and the weight
			t.Errorf("weight change diff:\n%s", d)
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := Apply("s.yaml", []byte("version: 1\nmonolith: {url: ftp://x}\n"), plan, ApplyOptions{URL: "http://x:1"}); err == nil || !strings.Contains(err.Error(), "s.yaml:2") {
			t.Errorf("Apply on an invalid file: error = %v, want its position", err)
		}
		if _, err := Apply("s.yaml", []byte(planExisting), plan, ApplyOptions{}); err == nil || !strings.Contains(err.Error(), "--url") {
			t.Errorf("Apply of a new service without URL: error = %v", err)
		}
		w := 10
		if _, err := Apply("s.yaml", []byte(planExisting), plan, ApplyOptions{URL: "http://x:1", Stage: StageFull, Weight: &w}); err == nil {
			t.Errorf("Apply with weight in stage full: no error")
		}
		if _, err := Apply("s.yaml", []byte(planExisting), plan, ApplyOptions{URL: "http://x:1/path"}); err == nil || !strings.Contains(err.Error(), "services.catalog.url") {
			t.Errorf("Apply with a bad URL: error = %v, want the validation error", err)
		}
	})
}

// applyUnified applies a unified diff made by UnifiedDiff to a.
func applyUnified(t *testing.T, a []byte, d string) []byte {
	t.Helper()
	src := splitLines(a)
	var out []string
	pos := 0
	lines := strings.SplitAfter(d, "\n")
	hunkRE := regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		m := hunkRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("bad hunk header %q in\n%s", l, d)
		}
		start, _ := strconv.Atoi(m[1])
		if m[2] != "0" {
			start--
		}
		out = append(out, src[pos:start]...)
		pos = start
		for i+1 < len(lines) && lines[i+1] != "" && !strings.HasPrefix(lines[i+1], "@@") {
			i++
			l := lines[i]
			if strings.HasPrefix(l, `\ No newline`) {
				if !strings.HasPrefix(lines[i-1], "-") {
					out[len(out)-1] = strings.TrimSuffix(out[len(out)-1], "\n")
				}
				continue
			}
			switch l[0] {
			case ' ':
				if src[pos] != l[1:] && src[pos]+"\n" != l[1:] {
					t.Fatalf("context mismatch at line %d: %q vs %q", pos+1, src[pos], l[1:])
				}
				out = append(out, src[pos])
				pos++
			case '-':
				pos++
			case '+':
				out = append(out, l[1:])
			}
		}
	}
	out = append(out, src[pos:]...)
	return []byte(strings.Join(out, ""))
}

func TestUnifiedDiffRoundTrip(t *testing.T) {
	if d := UnifiedDiff("a", "b", []byte("x\n"), []byte("x\n")); d != "" {
		t.Errorf("UnifiedDiff of equal input = %q, want empty", d)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e\n"}
	gen := func() []byte {
		var b bytes.Buffer
		for n := rng.IntN(30); n > 0; n-- {
			b.WriteString(words[rng.IntN(len(words))])
		}
		if rng.IntN(4) == 0 {
			b.WriteString("end")
		}
		return b.Bytes()
	}
	for i := 0; i < 500; i++ {
		a, b := gen(), gen()
		d := UnifiedDiff("a", "b", a, b)
		if got := applyUnified(t, a, d); !bytes.Equal(got, b) {
			t.Fatalf("patch(a, UnifiedDiff(a, b)) != b\na=%q\nb=%q\ndiff:\n%s\ngot=%q", a, b, d, got)
		}
	}
}

// TestPlanShopRoutes analyses the shop fixture, moves every service behind a real Proxy and
// checks that each analysed route reaches its own service and no other: merged prefixes never
// capture another service's route.
func TestPlanShopRoutes(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: analyses testdata/shop (skipped with -short)")
	}
	res, err := analyzer.Analyze(context.Background(), analyzer.Options{Dir: "../testdata/shop"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Proposal == nil {
		t.Fatal("no proposal")
	}
	checkPlanRoutes(t, &res.Facts, res.Proposal)
}

func checkPlanRoutes(t *testing.T, f *facts.Facts, p *decompose.Proposal) {
	t.Helper()
	var data []byte
	owner := map[string]string{}
	for _, s := range p.Services {
		for _, k := range s.Routes {
			owner[k] = s.Name
		}
		if len(s.Routes) == 0 {
			continue
		}
		plan, err := PlanService(f, p, s.Name, PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e, err := Apply("strangler.yaml", data, plan, ApplyOptions{URL: "http://127.0.0.1:1", Monolith: "http://127.0.0.1:2", Stage: StageFull, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		data = e.After
	}
	cfg, err := Parse("strangler.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	px, err := New(cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	tbl := px.table.Load()
	svcOf := map[string]string{}
	for _, r := range cfg.Routes {
		svcOf[r.Name] = r.Service
	}
	param := regexp.MustCompile(`\{[^}]*\}`)
	for _, r := range f.Routes {
		path := strings.TrimSuffix(param.ReplaceAllString(r.Path, "x1"), "x1...")
		m := r.Method
		if m == "ANY" {
			m = "GET"
		}
		req := httptest.NewRequestWithContext(context.Background(), m, path, nil)
		name, err := tbl.routeFor(req.URL.EscapedPath(), req)
		if err != nil {
			t.Errorf("%s: %v", r.Key(), err)
			continue
		}
		if got, want := svcOf[name], owner[r.Key()]; got != want {
			t.Errorf("%s %s: served by %q (route %q), want %q", m, path, got, name, want)
		}
	}
}

// FuzzPlanService feeds arbitrary route paths and methods through PlanService and Apply: no
// panic, and whenever planning succeeds the written file passes Parse and routes every
// planned route's sample path to the service.
func FuzzPlanService(f *testing.F) {
	for _, s := range []string{"/api/orders/{id}", "/static/{rest...}", "/a/{$}", "/assets/", "/img/{n}.png", "/", "/x y/{a}", "/a/{b...}/c", "/{", "/%zz", "/a;b", "/a/../b"} {
		f.Add(s, "GET", "/api/other")
	}
	f.Add("/", "\x8e", "/")                                                // invalid UTF-8 method: once made yaml.v3's emitter panic in a comment
	f.Add(strings.Repeat("/a", 3000), "GET", strings.Repeat("/{x}", 3000)) // once quadratic with regex compiles
	f.Fuzz(func(t *testing.T, path, method, other string) {
		fs := &facts.Facts{Routes: []facts.Route{
			{Method: method, Path: path, Handler: "h.a", Router: "net/http"},
			{Method: "GET", Path: path + "/more", Handler: "h.b", Router: "chi"},
			{Method: "GET", Path: other, Handler: "h.c", Router: "chi"},
		}}
		keys := []string{fs.Routes[0].Key(), fs.Routes[1].Key()}
		if fs.Routes[2].Key() == keys[0] || fs.Routes[2].Key() == keys[1] {
			return
		}
		p := &decompose.Proposal{Services: []decompose.Service{
			{Name: "svc", Routes: keys},
			{Name: "other", Routes: []string{fs.Routes[2].Key()}},
		}}
		plan, err := PlanService(fs, p, "svc", PlanOptions{})
		if err != nil {
			return
		}
		e, err := Apply("f.yaml", nil, plan, ApplyOptions{URL: "http://127.0.0.1:1", Monolith: "http://127.0.0.1:2", Stage: StageFull})
		if err != nil {
			// Only a validation failure of a generated match is acceptable, never a panic;
			// it must name the file.
			if !strings.Contains(err.Error(), "f.yaml") {
				t.Fatalf("Apply error without the file name: %v", err)
			}
			return
		}
		if _, err := Parse("f.yaml", e.After); err != nil {
			t.Fatalf("Apply returned a file Parse rejects: %v", err)
		}
	})
}

func TestApplyKeepsFormatting(t *testing.T) {
	f, p := planFixture()
	cat, err := PlanService(f, p, "catalog", PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ord, err := PlanService(f, p, "orders", PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Sequences at the key's column and wide comment spacing: the yaml.v3 encoder would
	// change both.
	const orig = `version: 1
listen: 127.0.0.1:8080      # public side
monolith:
    url: http://127.0.0.1:8081   # four-space indent
services:
    orders:
        url: http://127.0.0.1:8090
routes:
- name: orders-api-orders   # moved first
  match: {path_prefix: /api/orders, methods: [DELETE, GET, POST]}
  service: orders
  stage: shadow
  fallback: true

# the end
`
	minus := func(d string) []string {
		var out []string
		for _, l := range strings.Split(d, "\n") {
			if strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---") {
				out = append(out, l)
			}
		}
		return out
	}
	plus := func(d string) []string {
		var out []string
		for _, l := range strings.Split(d, "\n") {
			if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
				out = append(out, l)
			}
		}
		return out
	}
	w := 30
	e, err := Apply("s.yaml", []byte(orig), ord, ApplyOptions{Stage: StageCanary, Weight: &w})
	if err != nil {
		t.Fatal(err)
	}
	d := UnifiedDiff("a", "b", []byte(orig), e.After)
	if diff := cmp.Diff([]string{"-  stage: shadow"}, minus(d)); diff != "" {
		t.Errorf("removed lines mismatch (-want +got):\n%s\n%s", diff, d)
	}
	if diff := cmp.Diff([]string{"+  stage: canary", "+  weight: 30"}, plus(d)); diff != "" {
		t.Errorf("added lines mismatch (-want +got):\n%s\n%s", diff, d)
	}
	e2, err := Apply("s.yaml", e.After, ord, ApplyOptions{Stage: StageRetired, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	d = UnifiedDiff("a", "b", e.After, e2.After)
	if diff := cmp.Diff([]string{"-  stage: canary", "-  weight: 30", "-  fallback: true"}, minus(d)); diff != "" {
		t.Errorf("removed lines mismatch (-want +got):\n%s\n%s", diff, d)
	}
	if diff := cmp.Diff([]string{"+  stage: retired"}, plus(d)); diff != "" {
		t.Errorf("added lines mismatch (-want +got):\n%s\n%s", diff, d)
	}
	// A new service and its routes go after the last service and the last route, at the
	// file's own indentation; nothing else changes.
	e3, err := Apply("s.yaml", []byte(orig), cat, ApplyOptions{URL: "http://127.0.0.1:8082"})
	if err != nil {
		t.Fatal(err)
	}
	d = UnifiedDiff("a", "b", []byte(orig), e3.After)
	if m := minus(d); len(m) != 0 {
		t.Errorf("lines removed when adding a service: %q\n%s", m, d)
	}
	if !strings.Contains(string(e3.After), "        url: http://127.0.0.1:8090\n    catalog:\n        url: http://127.0.0.1:8082\nroutes:\n") {
		t.Errorf("service not added at the file's indentation:\n%s", e3.After)
	}
	if !strings.Contains(string(e3.After), "  fallback: true\n# carve strangle: GET /api/categories, GET /api/categories/{slug}\n- name: catalog-api-categories\n  match:\n") {
		t.Errorf("routes not appended after the last route at column 0:\n%s", e3.After)
	}
	// Without services and routes they are appended at the end.
	e4, err := Apply("s.yaml", []byte("version: 1   # v\nmonolith: {url: 'http://127.0.0.1:8081'}"), cat, ApplyOptions{URL: "http://127.0.0.1:8082"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(e4.After), "version: 1   # v\nmonolith: {url: 'http://127.0.0.1:8081'}\nservices:\n  catalog:\n") {
		t.Errorf("appended at the end:\n%s", e4.After)
	}
	// A flow-style route list cannot be patched as text: the re-encoded tree is used, and it
	// still means the same plus the new routes.
	e5, err := Apply("s.yaml", []byte("version: 1\nmonolith: {url: 'http://127.0.0.1:8081'}\nservices: {catalog: {url: 'http://127.0.0.1:8082'}}\nroutes: []\n"), cat, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := Parse("s.yaml", e5.After); err != nil || len(cfg.Routes) != 3 {
		t.Errorf("flow-style file: %v, %+v", err, cfg)
	}
}
