package export

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/carve-go/carve/strangler"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var goldenExt = map[Format]string{GatewayAPI: ".gateway-api.yaml", NGINX: ".nginx.conf", Envoy: ".envoy.yaml"}

func loadConfig(t *testing.T, name string) *strangler.Config {
	t.Helper()
	cfg, err := strangler.Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func configs(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range m {
		base := filepath.Base(f)
		if strings.Count(base, ".") == 1 { // inputs are NAME.yaml; goldens have two dots
			out = append(out, base)
		}
	}
	if len(out) == 0 {
		t.Fatal("no testdata/*.yaml inputs")
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, in := range configs(t) {
		cfg := loadConfig(t, in)
		stem := strings.TrimSuffix(in, ".yaml")
		for _, f := range Formats {
			t.Run(stem+"/"+string(f), func(t *testing.T) {
				out, ws, err := Export(cfg, f, Options{})
				if err != nil {
					t.Fatal(err)
				}
				again, _, err := Export(cfg, f, Options{})
				if err != nil || !bytes.Equal(out, again) {
					t.Fatalf("Export is not deterministic (err %v)", err)
				}
				golden(t, stem+goldenExt[f], out)
				var b bytes.Buffer
				if err := WriteWarningsJSON(&b, ws); err != nil {
					t.Fatal(err)
				}
				golden(t, stem+"."+string(f)+".warnings.json", b.Bytes())
				for _, w := range ws {
					if w.Target != f || w.Feature == "" || w.Detail == "" {
						t.Errorf("malformed warning %+v", w)
					}
				}
			})
		}
	}
}

// TestGatewayAPIRoundTrip decodes the YAML stream back into typed HTTPRoutes with unknown
// fields rejected, and compares with the objects built.
func TestGatewayAPIRoundTrip(t *testing.T) {
	for _, in := range configs(t) {
		cfg := loadConfig(t, in)
		t.Run(in, func(t *testing.T) {
			want, _, err := GatewayAPIRoutes(cfg, Options{Namespace: "shop", Gateway: "edge"})
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := GatewayAPIYAML(cfg, Options{Namespace: "shop", Gateway: "edge"})
			if err != nil {
				t.Fatal(err)
			}
			docs := strings.Split(string(out), "\n---\n")[1:]
			if len(docs) != len(want) {
				t.Fatalf("%d YAML documents, want %d", len(docs), len(want))
			}
			for i, d := range docs {
				if strings.Contains(d, "status:") || strings.Contains(d, "creationTimestamp") {
					t.Errorf("document %d has status or creationTimestamp:\n%s", i, d)
				}
				var got gwv1.HTTPRoute
				if err := yaml.UnmarshalStrict([]byte(d), &got); err != nil {
					t.Fatalf("document %d: UnmarshalStrict: %v\n%s", i, err, d)
				}
				if diff := cmp.Diff(want[i], got); diff != "" {
					t.Errorf("document %d round trip mismatch (-want +got):\n%s", i, diff)
				}
				if got.Namespace != "shop" || got.Spec.ParentRefs[0].Name != "edge" {
					t.Errorf("document %d: namespace %q parent %q, want shop/edge", i, got.Namespace, got.Spec.ParentRefs[0].Name)
				}
				if err := ValidateHTTPRoute(&got); err != nil {
					t.Errorf("document %d: %v", i, err)
				}
			}
			last := want[len(want)-1]
			if last.Name != "carve-monolith" || *last.Spec.Rules[0].Matches[0].Path.Value != "/" {
				t.Errorf("last HTTPRoute %q is not the monolith catch-all", last.Name)
			}
		})
	}
}

func TestGatewayAPISemantics(t *testing.T) {
	cfg := loadConfig(t, "full.yaml")
	routes, ws, err := GatewayAPIRoutes(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]gwv1.HTTPRoute{}
	for _, r := range routes {
		byName[r.Name] = r
	}
	rule := func(route, rule string) gwv1.HTTPRouteRule {
		t.Helper()
		for _, r := range byName[route].Spec.Rules {
			if r.Name != nil && string(*r.Name) == rule {
				return r
			}
		}
		t.Fatalf("%s has no rule %q", route, rule)
		return gwv1.HTTPRouteRule{}
	}
	// Canary weights 30/70 as backendRef weights.
	c := rule("carve-orders-get", "canary")
	if len(c.BackendRefs) != 2 || *c.BackendRefs[0].Weight != 30 || *c.BackendRefs[1].Weight != 70 || c.BackendRefs[0].Name != "orders" || c.BackendRefs[1].Name != "monolith" {
		t.Errorf("canary backendRefs = %+v", c.BackendRefs)
	}
	// Header override rules carry one more header match than the canary rule.
	o := rule("carve-orders-get", "override-service")
	if len(o.Matches[0].Headers) != len(c.Matches[0].Headers)+1 || o.BackendRefs[0].Name != "orders" {
		t.Errorf("override rule = %+v", o)
	}
	// Shadow: GET mirrored at 50 %, other methods to the monolith without mirror.
	s := rule("carve-catalog-search", "shadow")
	if len(s.Filters) != 1 || s.Filters[0].RequestMirror == nil || *s.Filters[0].RequestMirror.Percent != 50 || s.Filters[0].RequestMirror.BackendRef.Name != "catalog-v2" || *s.Matches[0].Method != "GET" {
		t.Errorf("shadow rule = %+v", s)
	}
	m := rule("carve-catalog-search", "monolith")
	if len(m.Filters) != 0 || m.Matches[0].Method != nil || m.BackendRefs[0].Name != "monolith" {
		t.Errorf("shadow rest rule = %+v", m)
	}
	// Retired and allow_override false: no override rules.
	for _, n := range []string{"carve-payments-old", "carve-payments-webhook"} {
		for _, r := range byName[n].Spec.Rules {
			if strings.HasPrefix(string(*r.Name), "override") {
				t.Errorf("%s has override rule %s", n, *r.Name)
			}
		}
	}
	if p := rule("carve-payments-old", "retired").BackendRefs[0].Port; p == nil || *p != 8443 {
		t.Errorf("https backend port = %v, want 8443", p)
	}
	want := map[string]bool{"orders-get/" + FeatureStickyHash: true, "catalog/" + FeatureStickyHash: true, "orders-all/" + FeatureFallback: true,
		"payments-old/" + FeatureRetiredStatus: true, "/" + FeatureIdentity: true, "catalog-search/" + FeatureShadowCompare: true, "/" + FeatureOverrideCookie: true}
	for _, w := range ws {
		delete(want, w.Route+"/"+w.Feature)
		if w.Route == "catalog" && w.Feature == FeatureFallback {
			t.Errorf("fallback warning for a route with fallback: false")
		}
	}
	if len(want) > 0 {
		t.Errorf("missing warnings: %v", want)
	}
}

func TestValidateHTTPRoute(t *testing.T) {
	cfg := loadConfig(t, "full.yaml")
	routes, _, err := GatewayAPIRoutes(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	breakers := map[string]func(r *gwv1.HTTPRoute){
		"name":   func(r *gwv1.HTTPRoute) { r.Name = "Bad_Name" },
		"weight": func(r *gwv1.HTTPRoute) { w := int32(-1); r.Spec.Rules[0].BackendRefs[0].Weight = &w },
		"path": func(r *gwv1.HTTPRoute) {
			v := "/a//b"
			t := gwv1.PathMatchExact
			r.Spec.Rules[0].Matches[0].Path = &gwv1.HTTPPathMatch{Type: &t, Value: &v}
		},
		"rules": func(r *gwv1.HTTPRoute) {
			for len(r.Spec.Rules) <= 16 {
				r.Spec.Rules = append(r.Spec.Rules, gwv1.HTTPRouteRule{})
			}
		},
		"port": func(r *gwv1.HTTPRoute) { r.Spec.Rules[0].BackendRefs[0].Port = nil },
	}
	for name, breakIt := range breakers {
		r := *routes[0].DeepCopy()
		breakIt(&r)
		if err := ValidateHTTPRoute(&r); err == nil {
			t.Errorf("ValidateHTTPRoute accepted a route with a bad %s", name)
		}
	}
}

func TestWarningsJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteWarningsJSON(&b, nil); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("WriteWarningsJSON(nil) = %q, %v; want []", b.String(), err)
	}
	b.Reset()
	ws := []Warning{{Target: NGINX, Route: "r", Feature: FeatureStickyHash, Detail: "d"}}
	if err := WriteWarningsJSON(&b, ws); err != nil {
		t.Fatal(err)
	}
	var back []Warning
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || !cmp.Equal(ws, back) {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if s := ws[0].String(); s != "nginx: route r: sticky-hash: d" {
		t.Errorf("String() = %q", s)
	}
}

func TestExportErrors(t *testing.T) {
	if _, _, err := Export(&strangler.Config{Version: 1, Monolith: strangler.Upstream{URL: "http://127.0.0.1:1"}}, "haproxy", Options{}); err == nil {
		t.Errorf("Export with an unknown format: no error")
	}
	for _, f := range Formats {
		if _, _, err := Export(&strangler.Config{Version: 2}, f, Options{}); err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("Export(%s) of an invalid config: error = %v, want the validation error", f, err)
		}
		if _, _, err := Export(nil, f, Options{}); err == nil {
			t.Errorf("Export(%s, nil): no error", f)
		}
	}
}

func TestGatewayAPIUniqueNames(t *testing.T) {
	cfg, err := strangler.Parse("u.yaml", []byte(`version: 1
monolith: {url: 'http://127.0.0.1:8081'}
services: {s: {url: 'http://127.0.0.1:8082'}}
routes:
  - {name: a_b, match: {path_prefix: /x}, service: s, stage: full}
  - {name: a-b, match: {path_prefix: /y}, service: s, stage: full}
  - {name: monolith, match: {path_prefix: /z}, service: s, stage: full}
`))
	if err != nil {
		t.Fatal(err)
	}
	routes, ws, err := GatewayAPIRoutes(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r.Name] {
			t.Errorf("duplicate HTTPRoute name %q", r.Name)
		}
		seen[r.Name] = true
	}
	renamed := 0
	for _, w := range ws {
		if w.Feature == FeatureServiceName {
			renamed++
		}
	}
	if renamed < 2 {
		t.Errorf("%d rename warnings, want at least 2 (a_b, the route called monolith)", renamed)
	}
}
