package export

import (
	"bytes"
	"strings"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/proto"
)

// TestEnvoyRoundTrip parses the YAML back into a Bootstrap (unknown fields rejected, Any
// types resolved), validates it with ValidateAll and compares it with the built one.
func TestEnvoyRoundTrip(t *testing.T) {
	for _, in := range configs(t) {
		t.Run(in, func(t *testing.T) {
			cfg := loadConfig(t, in)
			ec, _, err := EnvoyBootstrap(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := EnvoyYAML(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseEnvoyYAML(out)
			if err != nil {
				t.Fatalf("ParseEnvoyYAML: %v", err)
			}
			if err := back.ValidateAll(); err != nil {
				t.Errorf("ValidateAll of the parsed bootstrap: %v", err)
			}
			if !proto.Equal(ec.Bootstrap, back) {
				t.Errorf("round trip changed the bootstrap")
			}
			js, _, err := EnvoyJSON(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			js2, _, _ := EnvoyJSON(cfg, Options{})
			if !bytes.Equal(js, js2) {
				t.Errorf("EnvoyJSON is not deterministic")
			}
			if jb, err := ParseEnvoyJSON(js); err != nil || !proto.Equal(ec.Bootstrap, jb) {
				t.Errorf("JSON round trip: %v", err)
			}
			var hcm hcmv3.HttpConnectionManager
			if err := back.StaticResources.Listeners[0].FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(&hcm); err != nil {
				t.Fatal(err)
			}
			if err := hcm.ValidateAll(); err != nil {
				t.Errorf("HCM ValidateAll: %v", err)
			}
			routes := hcm.GetRouteConfig().VirtualHosts[0].Routes
			if last := routes[len(routes)-1]; last.Match.GetPrefix() != "/" || last.GetRoute().GetCluster() != envoyMonolith {
				t.Errorf("last route %s is not the monolith catch-all", last.Name)
			}
		})
	}
}

func TestEnvoySemantics(t *testing.T) {
	ec, ws, err := EnvoyBootstrap(loadConfig(t, "full.yaml"), Options{Listen: "127.0.0.1:9999"})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*routev3.Route{}
	var order []string
	for _, r := range ec.Routes.VirtualHosts[0].Routes {
		byName[r.Name] = r
		order = append(order, r.Name)
	}
	// Precedence: the canary regex route precedes the prefix routes; orders-beta (a header
	// match) precedes orders-all (same prefix).
	idx := func(n string) int {
		for i, o := range order {
			if o == n {
				return i
			}
		}
		t.Fatalf("no route %s in %v", n, order)
		return -1
	}
	if !(idx("orders-get") < idx("orders-beta") && idx("orders-beta") < idx("orders-all")) {
		t.Errorf("route order %v", order)
	}
	wc := byName["orders-get"].GetRoute().GetWeightedClusters()
	if wc == nil || wc.Clusters[0].Name != "carve_svc_orders_fallback" || wc.Clusters[0].Weight.GetValue() != 30 || wc.Clusters[1].Weight.GetValue() != 70 {
		t.Errorf("orders-get weighted clusters = %v", wc)
	}
	if c := byName["orders-beta"].GetRoute().GetCluster(); c != "carve_svc_orders_fallback" {
		t.Errorf("orders-beta (weight 100) cluster = %q", c)
	}
	mp := byName["catalog-search/shadow"].GetRoute().GetRequestMirrorPolicies()
	if len(mp) != 1 || mp[0].Cluster != "carve_svc_catalog_v2" || mp[0].RuntimeFraction.DefaultValue.Numerator != 50 {
		t.Errorf("shadow mirror = %v", mp)
	}
	if byName["catalog-search/shadow"].GetRoute().GetCluster() != envoyMonolith {
		t.Errorf("shadow primary is not the monolith")
	}
	if _, ok := byName["payments-old/override-service"]; ok {
		t.Errorf("retired route has an override entry")
	}
	if _, ok := byName["payments-webhook/override-service"]; ok {
		t.Errorf("allow_override: false route has an override entry")
	}
	if r := byName["orders-all/leak-guard"]; r == nil || r.GetDirectResponse().GetStatus() != 400 || r.Match.CaseSensitive.GetValue() {
		t.Errorf("leak guard entry = %v", r)
	}
	clusters := map[string]*clusterv3.Cluster{}
	for _, c := range ec.Clusters {
		clusters[c.Name] = c
	}
	if c := clusters["carve_monolith"]; c.OutlierDetection.Consecutive_5Xx.GetValue() != 3 || c.OutlierDetection.BaseEjectionTime.AsDuration().Seconds() != 20 {
		t.Errorf("monolith outlier detection = %v", c.OutlierDetection)
	}
	if c := clusters["carve_svc_orders"]; len(c.HealthChecks) != 1 || c.HealthChecks[0].GetHttpHealthCheck().Path != "/healthz" {
		t.Errorf("orders health checks = %v", c.HealthChecks)
	}
	if c := clusters["carve_svc_payments"]; c.TransportSocket == nil || c.GetType() != clusterv3.Cluster_STRICT_DNS {
		t.Errorf("https DNS service cluster = %v", c)
	}
	if c := clusters["carve_svc_catalog_v2"]; c.LbPolicy != clusterv3.Cluster_LEAST_REQUEST || len(c.LoadAssignment.Endpoints[0].LbEndpoints) != 2 {
		t.Errorf("catalog cluster = %v", c)
	}
	if _, ok := clusters["carve_svc_catalog_v2_fallback"]; ok {
		t.Errorf("fallback cluster for a service whose routes have fallback: false or shadow")
	}
	found := false
	for _, w := range ws {
		found = found || (w.Route == "orders-get" && w.Feature == FeatureStickyHash)
	}
	if !found {
		t.Errorf("no sticky-hash warning for orders-get")
	}
	addr := ec.Bootstrap.StaticResources.Listeners[0].Address.GetSocketAddress()
	if addr.Address != "127.0.0.1" || addr.GetPortValue() != 9999 {
		t.Errorf("listener = %v", addr)
	}
}

func TestEnvoyValidateCatchesBadReferences(t *testing.T) {
	ec, _, err := EnvoyBootstrap(loadConfig(t, "full.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ec.Routes.VirtualHosts[0].Routes[0].GetRoute().ClusterSpecifier = &routev3.RouteAction_Cluster{Cluster: "nope"}
	if err := ec.Validate(); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Validate with an unknown cluster: %v", err)
	}
	ec, _, _ = EnvoyBootstrap(loadConfig(t, "full.yaml"), Options{})
	ec.Clusters[0].Name = ""
	if err := ec.Validate(); err == nil {
		t.Errorf("Validate with an empty cluster name: no error (ValidateAll not run?)")
	}
}
