package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	aggregatev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/aggregate/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	"sigs.k8s.io/yaml"

	"github.com/carve-go/carve/strangler"
)

// Envoy layout (docs/export.md): a bootstrap with one static listener whose HTTP connection
// manager holds the RouteConfiguration "carve" (one virtual host, routes in the proxy's
// precedence order, first match wins), and clusters "carve_monolith", "carve_svc_NAME" and,
// for routes with fallback, the aggregate cluster "carve_svc_NAME_fallback" (service first,
// monolith second).
const (
	envoyRouteConfig = "carve"
	envoyMonolith    = "carve_monolith"
	envoyHCMName     = "envoy.filters.network.http_connection_manager"
	envoyRouterName  = "envoy.filters.http.router"
)

func envoyCluster(service string, fallback bool) string {
	n := "carve_svc_" + service
	if fallback {
		n += "_fallback"
	}
	return n
}

// EnvoyConfig is the Envoy export: the bootstrap and, for convenience, its parts.
type EnvoyConfig struct {
	Bootstrap *bootstrapv3.Bootstrap
	Routes    *routev3.RouteConfiguration
	Clusters  []*clusterv3.Cluster
	HCM       *hcmv3.HttpConnectionManager
}

// EnvoyBootstrap builds the Envoy configuration of cfg. Every message passes its generated
// ValidateAll (protoc-gen-validate rules), and every cluster a route names exists.
func EnvoyBootstrap(cfg *strangler.Config, opts Options) (*EnvoyConfig, []Warning, error) {
	p, err := prepare(cfg)
	if err != nil {
		return nil, nil, err
	}
	wn := newWarner(Envoy)
	commonWarnings(p, wn)
	ec := &EnvoyConfig{}
	to := cfg.Timeouts
	attempts := intOr(cfg.Retry.Attempts, 1)

	// Clusters.
	fallbackCl := map[string]bool{}
	ec.Clusters = append(ec.Clusters, envoyUpstream(envoyMonolith, cfg.Monolith, cfg, wn))
	for _, name := range p.services {
		ec.Clusters = append(ec.Clusters, envoyUpstream(envoyCluster(name, false), cfg.Services[name], cfg, wn))
		for _, r := range cfg.Routes {
			if r.Service == name && fallback(r) && r.Stage != strangler.StageShadow {
				fallbackCl[name] = true
			}
		}
		if fallbackCl[name] {
			agg, err := anypb.New(&aggregatev3.ClusterConfig{Clusters: []string{envoyCluster(name, false), envoyMonolith}})
			if err != nil {
				return nil, nil, fmt.Errorf("export envoy: %v", err)
			}
			ec.Clusters = append(ec.Clusters, &clusterv3.Cluster{
				Name:           envoyCluster(name, true),
				ConnectTimeout: durationpb.New(durOr(to.Connect, 5*time.Second)),
				LbPolicy:       clusterv3.Cluster_CLUSTER_PROVIDED,
				ClusterDiscoveryType: &clusterv3.Cluster_ClusterType{ClusterType: &clusterv3.Cluster_CustomClusterType{
					Name: "envoy.clusters.aggregate", TypedConfig: agg,
				}},
			})
		}
	}

	// Routes.
	var retry *routev3.RetryPolicy
	if attempts >= 0 {
		retry = &routev3.RetryPolicy{RetryOn: "connect-failure,refused-stream,reset", NumRetries: wrapperspb.UInt32(uint32(attempts))}
		for _, s := range cfg.Retry.OnStatus {
			retry.RetriableStatusCodes = append(retry.RetriableStatusCodes, uint32(s))
		}
		if len(retry.RetriableStatusCodes) > 0 {
			retry.RetryOn += ",retriable-status-codes"
		}
		wn.add("", FeatureRetry, "Envoy retries every method (carve: idempotent methods without a body only); the retry budget (%d%%) is the clusters' retry_budget", intOr(cfg.Retry.Budget, 20))
	}
	timeout := durationpb.New(durOr(to.Response, 30*time.Second))
	action := func(clusters map[string]uint32, mirror *routev3.RouteAction_RequestMirrorPolicy) *routev3.Route_Route {
		ra := &routev3.RouteAction{Timeout: timeout, RetryPolicy: retry}
		var names []string
		for n, w := range clusters {
			if w > 0 {
				names = append(names, n)
			}
		}
		if len(names) == 1 {
			ra.ClusterSpecifier = &routev3.RouteAction_Cluster{Cluster: names[0]}
		} else {
			wc := &routev3.WeightedCluster{}
			// Service first, monolith second (deterministic).
			for _, n := range []string{"", envoyMonolith} {
				for cn, w := range clusters {
					if (n == "" && cn != envoyMonolith) || cn == n {
						wc.Clusters = append(wc.Clusters, &routev3.WeightedCluster_ClusterWeight{Name: cn, Weight: wrapperspb.UInt32(w)})
					}
				}
			}
			ra.ClusterSpecifier = &routev3.RouteAction_WeightedClusters{WeightedClusters: wc}
		}
		if mirror != nil {
			ra.RequestMirrorPolicies = []*routev3.RouteAction_RequestMirrorPolicy{mirror}
		}
		return &routev3.Route_Route{Route: ra}
	}
	one := func(c string) map[string]uint32 { return map[string]uint32{c: 100} }
	overrideHdr := func(value string) *routev3.HeaderMatcher {
		return &routev3.HeaderMatcher{Name: strings.ToLower(p.override.header), HeaderMatchSpecifier: exactHeader(value)}
	}
	cookieOverride := func(value string) []*routev3.HeaderMatcher {
		return []*routev3.HeaderMatcher{
			{Name: strings.ToLower(p.override.header), HeaderMatchSpecifier: regexHeader("service|monolith"), InvertMatch: true, TreatMissingHeaderAsEmpty: true},
			{Name: "cookie", HeaderMatchSpecifier: regexHeader(`(?:.*;\s*)?` + regexp.QuoteMeta(p.override.cookie) + `="?` + value + `"?(?:;.*)?`)},
		}
	}
	var routes []*routev3.Route
	var leaks []*routev3.Route
	for _, i := range p.order {
		r := cfg.Routes[i]
		svc := envoyCluster(r.Service, fallbackCl[r.Service] && fallback(r))
		entry := func(suffix string, methods []string, extra []*routev3.HeaderMatcher, act *routev3.Route_Route) {
			m := envoyMatch(r.Match, methods)
			m.Headers = append(m.Headers, extra...)
			name := r.Name
			if suffix != "" {
				name += "/" + suffix
			}
			routes = append(routes, &routev3.Route{Name: name, Match: m, Action: act})
		}
		if allowOverride(r) {
			entry("override-service", r.Match.Methods, []*routev3.HeaderMatcher{overrideHdr("service")}, action(one(svc), nil))
			if r.Stage != strangler.StageShadow {
				entry("override-monolith", r.Match.Methods, []*routev3.HeaderMatcher{overrideHdr("monolith")}, action(one(envoyMonolith), nil))
			}
			entry("override-cookie-service", r.Match.Methods, cookieOverride("service"), action(one(svc), nil))
			if r.Stage != strangler.StageShadow {
				entry("override-cookie-monolith", r.Match.Methods, cookieOverride("monolith"), action(one(envoyMonolith), nil))
			}
		}
		switch r.Stage {
		case strangler.StageShadow:
			mirrored, rest := splitMethods(r.Match.Methods, shadowMethods(r))
			mp := &routev3.RouteAction_RequestMirrorPolicy{Cluster: envoyCluster(r.Service, false)}
			if pct := shadowPercent(r); pct < 100 {
				mp.RuntimeFraction = &corev3.RuntimeFractionalPercent{DefaultValue: &typev3.FractionalPercent{Numerator: uint32(pct), Denominator: typev3.FractionalPercent_HUNDRED}}
			}
			if len(mirrored) > 0 {
				entry("shadow", mirrored, nil, action(one(envoyMonolith), mp))
			}
			if rest != nil {
				entry("", rest, nil, action(one(envoyMonolith), nil))
			}
		case strangler.StageCanary:
			entry("", r.Match.Methods, nil, action(map[string]uint32{svc: uint32(r.Weight), envoyMonolith: uint32(100 - r.Weight)}, nil))
			if r.Sticky != nil && r.Weight > 0 && r.Weight < 100 {
				wn.add(r.Name, FeatureStickyHash, "weighted_clusters pick a cluster per request: the canary is not sticky in Envoy (carve: by %s)", stickyKey(r.Sticky))
			}
		case strangler.StageRetired:
			entry("", r.Match.Methods, nil, action(one(svc), nil))
			wn.add(r.Name, FeatureRetiredStatus, "Envoy answers 503 when the service is unavailable, not %d", retiredStatus(r))
		default:
			entry("", r.Match.Methods, nil, action(one(svc), nil))
		}
		if cfg.Paths.LeakGuard == nil || *cfg.Paths.LeakGuard {
			if r.Stage != strangler.StageShadow {
				m := envoyMatch(r.Match, r.Match.Methods)
				if sr, ok := m.PathSpecifier.(*routev3.RouteMatch_SafeRegex); ok {
					sr.SafeRegex.Regex = "(?i)" + sr.SafeRegex.Regex
				} else {
					m.CaseSensitive = wrapperspb.Bool(false)
				}
				leaks = append(leaks, &routev3.Route{Name: r.Name + "/leak-guard", Match: m, Action: &routev3.Route_DirectResponse{DirectResponse: &routev3.DirectResponseAction{
					Status: 400,
					Body:   &corev3.DataSource{Specifier: &corev3.DataSource_InlineString{InlineString: "ambiguous spelling of a carved path\n"}},
				}}})
			}
		}
		if len(r.Match.Headers) > 0 {
			wn.add(r.Name, FeatureHeaderMatch, "with several headers of the same name Envoy matches their comma-joined values; carve matches the first value")
		}
	}
	routes = append(routes, leaks...)
	routes = append(routes, &routev3.Route{
		Name:   "default",
		Match:  &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}},
		Action: action(one(envoyMonolith), nil),
	})
	ec.Routes = &routev3.RouteConfiguration{
		Name:         envoyRouteConfig,
		VirtualHosts: []*routev3.VirtualHost{{Name: "carve", Domains: []string{"*"}, Routes: routes}},
	}
	// Headers clients must not inject.
	ec.Routes.RequestHeadersToRemove = []string{"x-carve-identity", "forwarded"}

	// Listener.
	router, err := anypb.New(&routerv3.Router{})
	if err != nil {
		return nil, nil, fmt.Errorf("export envoy: %v", err)
	}
	ec.HCM = &hcmv3.HttpConnectionManager{
		StatPrefix:                   "carve",
		RouteSpecifier:               &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: ec.Routes},
		HttpFilters:                  []*hcmv3.HttpFilter{{Name: envoyRouterName, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: router}}},
		NormalizePath:                wrapperspb.Bool(true),
		MergeSlashes:                 true,
		PathWithEscapedSlashesAction: hcmv3.HttpConnectionManager_REJECT_REQUEST,
		UseRemoteAddress:             wrapperspb.Bool(true),
		GenerateRequestId:            wrapperspb.Bool(true),
		RequestHeadersTimeout:        durationpb.New(durOr(to.ReadHeader, 10*time.Second)),
		CommonHttpProtocolOptions:    &corev3.HttpProtocolOptions{IdleTimeout: durationpb.New(durOr(to.Idle, 90*time.Second))},
		DrainTimeout:                 durationpb.New(durOr(to.Drain, 30*time.Second)),
	}
	switch cfg.Paths.EscapedSlash {
	case "decode":
		ec.HCM.PathWithEscapedSlashesAction = hcmv3.HttpConnectionManager_UNESCAPE_AND_FORWARD
	case "keep":
		ec.HCM.PathWithEscapedSlashesAction = hcmv3.HttpConnectionManager_KEEP_UNCHANGED
	}
	if len(cfg.TrustedProxies) > 0 {
		ec.HCM.XffNumTrustedHops = 1
		wn.add("", FeatureForwarding, "trusted_proxies (%s) becomes xff_num_trusted_hops: 1 (Envoy trusts a hop count, not addresses)", strings.Join(cfg.TrustedProxies, ", "))
	}
	hcmAny, err := anypb.New(ec.HCM)
	if err != nil {
		return nil, nil, fmt.Errorf("export envoy: %v", err)
	}
	host, port, err := net.SplitHostPort(opts.listen(cfg))
	if err != nil {
		return nil, nil, fmt.Errorf("export envoy: listen: %v", err)
	}
	pn, _ := strconv.Atoi(port)
	if host == "" {
		host = "0.0.0.0"
	}
	lst := &listenerv3.Listener{
		Name:    "carve",
		Address: socketAddress(host, pn),
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{
			Name: envoyHCMName, ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: hcmAny},
		}}}},
	}
	ec.Bootstrap = &bootstrapv3.Bootstrap{StaticResources: &bootstrapv3.Bootstrap_StaticResources{
		Listeners: []*listenerv3.Listener{lst},
		Clusters:  ec.Clusters,
	}}
	if err := ec.Validate(); err != nil {
		return nil, nil, fmt.Errorf("export envoy: %w", err)
	}

	// What the bootstrap approximates or cannot say.
	pp := cfg.Paths
	wn.add("", FeaturePathPolicy, "Envoy normalizes with normalize_path (RFC 3986) and merge_slashes and handles escaped slashes per paths.escaped_slash, but ;params and %%00 are not rejected and its percent-encoding details may differ from carve's canonical path; not verified against a running Envoy%s", map[bool]string{true: " (paths.on_change: redirect is not reproduced)", false: ""}[pp.OnChange == "redirect"])
	if pp.Params == "strip" {
		wn.add("", FeaturePathPolicy, "paths.params: strip is not reproduced")
	}
	wn.add("", FeatureBreaker, "the breaker is outlier detection per host (consecutive 5xx, base ejection time); no half-open success count")
	if hasStage(cfg, strangler.StageShadow) {
		wn.add("", FeatureShadowLimits, "request_mirror_policies have no queue, body limit, own timeout or header stripping (strip_headers: %s)", strings.Join(cfg.Shadow.StripHeaders, ", "))
	}
	wn.add("", FeatureTimeouts, "the response timeout is the route timeout (whole response), not the time to response headers")
	wn.add("", FeatureObservability, "metrics are Envoy's stats (no carve_proxy_* names); the admin API and access log are not configured")
	wn.add("", FeatureForwarding, "traceparent is not generated without a tracing provider")
	return ec, wn.sorted(), nil
}

// Validate runs the generated ValidateAll of the bootstrap and of the messages packed in Any
// fields (HCM, RouteConfiguration, clusters), and checks that every cluster a route or mirror
// names exists.
func (ec *EnvoyConfig) Validate() error {
	for _, m := range []interface{ ValidateAll() error }{ec.Bootstrap, ec.HCM, ec.Routes} {
		if err := m.ValidateAll(); err != nil {
			return err
		}
	}
	known := map[string]bool{}
	for _, c := range ec.Clusters {
		if err := c.ValidateAll(); err != nil {
			return err
		}
		known[c.Name] = true
	}
	for _, c := range ec.Clusters {
		if ct, ok := c.ClusterDiscoveryType.(*clusterv3.Cluster_ClusterType); ok {
			var agg aggregatev3.ClusterConfig
			if err := ct.ClusterType.TypedConfig.UnmarshalTo(&agg); err != nil {
				return fmt.Errorf("cluster %s: %v", c.Name, err)
			}
			if err := agg.ValidateAll(); err != nil {
				return err
			}
			for _, n := range agg.Clusters {
				if !known[n] {
					return fmt.Errorf("aggregate cluster %s names unknown cluster %q", c.Name, n)
				}
			}
		}
	}
	for _, vh := range ec.Routes.VirtualHosts {
		for _, r := range vh.Routes {
			ra := r.GetRoute()
			if ra == nil {
				continue
			}
			names := []string{ra.GetCluster()}
			for _, w := range ra.GetWeightedClusters().GetClusters() {
				names = append(names, w.Name)
			}
			if wc := ra.GetWeightedClusters(); wc != nil {
				sum := uint32(0)
				for _, w := range wc.Clusters {
					sum += w.Weight.GetValue()
				}
				if sum == 0 {
					return fmt.Errorf("route %s: weighted clusters sum to 0", r.Name)
				}
			}
			for _, mp := range ra.RequestMirrorPolicies {
				names = append(names, mp.Cluster)
			}
			for _, n := range names {
				if n != "" && !known[n] {
					return fmt.Errorf("route %s names unknown cluster %q", r.Name, n)
				}
			}
		}
	}
	return nil
}

// EnvoyYAML renders EnvoyBootstrap as YAML (protojson field names, keys sorted).
func EnvoyYAML(cfg *strangler.Config, opts Options) ([]byte, []Warning, error) {
	ec, ws, err := EnvoyBootstrap(cfg, opts)
	if err != nil {
		return nil, nil, err
	}
	y, err := MarshalEnvoyYAML(ec.Bootstrap)
	if err != nil {
		return nil, nil, fmt.Errorf("export envoy: %w", err)
	}
	head := []byte("# Generated by carve export --format envoy (Envoy v3 API, go-control-plane v1.32.4). Run: envoy -c FILE\n")
	return append(head, y...), ws, nil
}

// EnvoyJSON renders EnvoyBootstrap as indented JSON (protojson, proto field names).
func EnvoyJSON(cfg *strangler.Config, opts Options) ([]byte, []Warning, error) {
	ec, ws, err := EnvoyBootstrap(cfg, opts)
	if err != nil {
		return nil, nil, err
	}
	j, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(ec.Bootstrap)
	if err != nil {
		return nil, nil, fmt.Errorf("export envoy: %w", err)
	}
	// protojson varies its whitespace on purpose; re-indent for stable output.
	var b bytes.Buffer
	if err := json.Indent(&b, j, "", "  "); err != nil {
		return nil, nil, fmt.Errorf("export envoy: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), ws, nil
}

// ParseEnvoyJSON decodes a bootstrap written by EnvoyJSON (unknown fields are errors).
func ParseEnvoyJSON(data []byte) (*bootstrapv3.Bootstrap, error) {
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{}).Unmarshal(data, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// MarshalEnvoyYAML renders m as YAML through protojson (proto field names).
func MarshalEnvoyYAML(m proto.Message) ([]byte, error) {
	j, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(j)
}

// ParseEnvoyYAML decodes a bootstrap written by EnvoyYAML (unknown fields are errors).
func ParseEnvoyYAML(data []byte) (*bootstrapv3.Bootstrap, error) {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{}).Unmarshal(j, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

func stickyKey(s *strangler.Sticky) string {
	if s.Cookie != "" {
		return "cookie " + s.Cookie
	}
	return "header " + s.Header
}

func socketAddress(host string, port int) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: host, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: uint32(port)},
	}}}
}

func exactHeader(v string) *routev3.HeaderMatcher_StringMatch {
	return &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: v}}}
}

func regexHeader(re string) *routev3.HeaderMatcher_StringMatch {
	return &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: re}}}}
}

// envoyMatch converts a strangler match (with the given methods) into a RouteMatch.
func envoyMatch(m strangler.Match, methods []string) *routev3.RouteMatch {
	rm := &routev3.RouteMatch{}
	switch {
	case m.PathExact != "":
		rm.PathSpecifier = &routev3.RouteMatch_Path{Path: m.PathExact}
	case m.PathRegex != "":
		rm.PathSpecifier = &routev3.RouteMatch_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: m.PathRegex}}
	default:
		pre := prefixValue(m.PathPrefix)
		if pre == "/" {
			rm.PathSpecifier = &routev3.RouteMatch_Prefix{Prefix: "/"}
		} else {
			rm.PathSpecifier = &routev3.RouteMatch_PathSeparatedPrefix{PathSeparatedPrefix: pre}
		}
	}
	switch len(methods) {
	case 0:
	case 1:
		rm.Headers = append(rm.Headers, &routev3.HeaderMatcher{Name: ":method", HeaderMatchSpecifier: exactHeader(methods[0])})
	default:
		rm.Headers = append(rm.Headers, &routev3.HeaderMatcher{Name: ":method", HeaderMatchSpecifier: regexHeader(strings.Join(methods, "|"))})
	}
	for _, h := range m.Headers {
		hm := &routev3.HeaderMatcher{Name: strings.ToLower(h.Name)}
		if h.Regex != "" {
			hm.HeaderMatchSpecifier = regexHeader(h.Regex)
		} else {
			hm.HeaderMatchSpecifier = exactHeader(h.Value)
		}
		rm.Headers = append(rm.Headers, hm)
	}
	for _, q := range m.Query {
		sm := &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: q.Value}}
		if q.Regex != "" {
			sm.MatchPattern = &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: q.Regex}}
		}
		rm.QueryParameters = append(rm.QueryParameters, &routev3.QueryParameterMatcher{
			Name: q.Name, QueryParameterMatchSpecifier: &routev3.QueryParameterMatcher_StringMatch{StringMatch: sm},
		})
	}
	return rm
}

// envoyUpstream builds the cluster of one upstream.
func envoyUpstream(name string, u strangler.Upstream, cfg *strangler.Config, wn *warner) *clusterv3.Cluster {
	in := instances(u)
	c := &clusterv3.Cluster{
		Name:           name,
		ConnectTimeout: durationpb.New(durOr(cfg.Timeouts.Connect, 5*time.Second)),
		LbPolicy:       clusterv3.Cluster_ROUND_ROBIN,
	}
	if u.Balance == "least_requests" {
		c.LbPolicy = clusterv3.Cluster_LEAST_REQUEST
	}
	allIP := true
	var eps []*endpointv3.LbEndpoint
	for _, hp := range in {
		allIP = allIP && hp.isIP()
		eps = append(eps, &endpointv3.LbEndpoint{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{Address: socketAddress(hp.host, hp.port)}}})
	}
	c.LoadAssignment = &endpointv3.ClusterLoadAssignment{ClusterName: name, Endpoints: []*endpointv3.LocalityLbEndpoints{{LbEndpoints: eps}}}
	if allIP {
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC}
	} else {
		c.ClusterDiscoveryType = &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STRICT_DNS}
		if r := durOr(u.Resolve, 30*time.Second); u.Resolve >= 0 {
			//lint:ignore SA1019 the replacement (the DNS cluster extension) needs a newer Envoy than many users run; dns_refresh_rate still works in v1.32
			c.DnsRefreshRate = durationpb.New(r)
		}
	}
	br := u.Breaker
	c.OutlierDetection = &clusterv3.OutlierDetection{
		Consecutive_5Xx:    wrapperspb.UInt32(uint32(intOr(br.Failures, 5))),
		BaseEjectionTime:   durationpb.New(durOr(br.Open, 10*time.Second)),
		MaxEjectionPercent: wrapperspb.UInt32(100),
	}
	if cfg.Retry.Attempts >= 0 {
		c.CircuitBreakers = &clusterv3.CircuitBreakers{Thresholds: []*clusterv3.CircuitBreakers_Thresholds{{
			RetryBudget: &clusterv3.CircuitBreakers_Thresholds_RetryBudget{
				BudgetPercent:       &typev3.Percent{Value: float64(intOr(cfg.Retry.Budget, 20))},
				MinRetryConcurrency: wrapperspb.UInt32(3),
			},
		}}}
	}
	if hc := u.HealthCheck; hc != nil {
		c.HealthChecks = []*corev3.HealthCheck{{
			Timeout:            durationpb.New(durOr(hc.Timeout, 2*time.Second)),
			Interval:           durationpb.New(durOr(hc.Interval, 5*time.Second)),
			UnhealthyThreshold: wrapperspb.UInt32(uint32(intOr(br.Failures, 5))),
			HealthyThreshold:   wrapperspb.UInt32(uint32(intOr(br.Successes, 2))),
			HealthChecker:      &corev3.HealthCheck_HttpHealthCheck_{HttpHealthCheck: &corev3.HealthCheck_HttpHealthCheck{Path: hc.Path}},
		}}
	}
	if len(in) > 0 && in[0].scheme == "https" {
		tlsAny, err := anypb.New(&tlsv3.UpstreamTlsContext{Sni: in[0].host})
		if err == nil {
			c.TransportSocket = &corev3.TransportSocket{Name: "envoy.transport_sockets.tls", ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: tlsAny}}
		}
	}
	if u.Host == "upstream" {
		wn.add("", FeatureInstances, "%s: host: upstream is not exported; Envoy forwards the client's Host (set host_rewrite_literal or auto_host_rewrite on the routes)", name)
	}
	if n := u.MaxIdleConns; n != 0 {
		wn.add("", FeatureInstances, "%s: max_idle_conns is not exported; Envoy sizes its connection pools itself", name)
	}
	return c
}
