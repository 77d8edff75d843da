package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/carve-go/carve/strangler"
)

// Naming convention of the Gateway API export (docs/export.md):
//
//   - one HTTPRoute per strangler route, named "carve-<route>", plus "carve-monolith", the
//     catch-all PathPrefix "/" route to the monolith;
//   - backends are Kubernetes Services in Options.Namespace named after the config keys:
//     "monolith" for the monolith, the service key (underscores become dashes) for each
//     carved service, on the port of the configured URL (80/443 by default);
//   - every HTTPRoute attaches to the Gateway Options.Gateway in Options.Namespace.
const (
	gwRoutePrefix   = "carve-"
	gwMonolithName  = "monolith"
	gwManagedByKey  = "app.kubernetes.io/managed-by"
	gwRouteLabelKey = "carve.dev/route"
	gwStageAnnot    = "carve.dev/stage"
	gwWeightAnnot   = "carve.dev/weight"
)

// GatewayAPIRoutes builds the HTTPRoutes of cfg: one per strangler route in precedence order,
// then the monolith catch-all. Each HTTPRoute passes ValidateHTTPRoute.
func GatewayAPIRoutes(cfg *strangler.Config, opts Options) ([]gwv1.HTTPRoute, []Warning, error) {
	p, err := prepare(cfg)
	if err != nil {
		return nil, nil, err
	}
	w := newWarner(GatewayAPI)
	commonWarnings(p, w)
	gatewayWarnings(p, w, opts.gateway())
	ns := gwv1.Namespace(opts.namespace())
	parent := []gwv1.ParentReference{{Name: gwv1.ObjectName(opts.gateway()), Namespace: &ns}}
	monolith := backendRef(gwMonolithName, cfg.Monolith)
	svcRef := map[string]gwv1.BackendObjectReference{}
	for _, name := range p.services {
		k8s := strings.ReplaceAll(name, "_", "-")
		if k8s != name {
			w.add("", FeatureServiceName, "service %q is referenced as Kubernetes Service %q (names cannot hold underscores)", name, k8s)
		}
		svcRef[name] = backendRef(k8s, cfg.Services[name])
	}
	var out []gwv1.HTTPRoute
	used := map[string]bool{gwRoutePrefix + gwMonolithName: true}
	for _, i := range p.order {
		r := cfg.Routes[i]
		objName := gwRoutePrefix + dnsLabel(r.Name)
		for n := 2; used[objName]; n++ {
			objName = gwRoutePrefix + dnsLabel(fmt.Sprintf("%s-%d", strings.TrimRight(dnsLabel(r.Name)[:min(len(dnsLabel(r.Name)), 50)], "-"), n))
		}
		if objName != gwRoutePrefix+strings.ReplaceAll(r.Name, "_", "-") {
			w.add(r.Name, FeatureServiceName, "the HTTPRoute is named %q (Kubernetes names: lower case, dashes, at most 63 characters, unique)", objName)
		}
		used[objName] = true
		hr := gwv1.HTTPRoute{
			TypeMeta: metav1.TypeMeta{APIVersion: gwv1.GroupVersion.String(), Kind: "HTTPRoute"},
			ObjectMeta: metav1.ObjectMeta{
				Name:        objName,
				Namespace:   string(ns),
				Labels:      map[string]string{gwManagedByKey: "carve", gwRouteLabelKey: r.Name},
				Annotations: map[string]string{gwStageAnnot: string(r.Stage)},
			},
			Spec: gwv1.HTTPRouteSpec{CommonRouteSpec: gwv1.CommonRouteSpec{ParentRefs: parent}},
		}
		if r.Stage == strangler.StageCanary {
			hr.Annotations[gwWeightAnnot] = strconv.Itoa(r.Weight)
		}
		svc := svcRef[r.Service]
		base := gwMatches(r.Match, r.Match.Methods)
		var rules []gwv1.HTTPRouteRule
		if allowOverride(r) {
			rules = append(rules, gwv1.HTTPRouteRule{Name: section("override-service"), Matches: withHeader(base, p.override.header, "service"), BackendRefs: []gwv1.HTTPBackendRef{weighted(svc, nil)}})
			// In stage shadow the monolith answers anyway (and is still mirrored).
			if r.Stage != strangler.StageShadow {
				rules = append(rules, gwv1.HTTPRouteRule{Name: section("override-monolith"), Matches: withHeader(base, p.override.header, "monolith"), BackendRefs: []gwv1.HTTPBackendRef{weighted(monolith, nil)}})
			}
		}
		switch r.Stage {
		case strangler.StageShadow:
			mirrored, rest := splitMethods(r.Match.Methods, shadowMethods(r))
			mirror := gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestMirror, RequestMirror: &gwv1.HTTPRequestMirrorFilter{BackendRef: svc}}
			if pct := shadowPercent(r); pct < 100 {
				v := int32(pct)
				mirror.RequestMirror.Percent = &v
			}
			if len(mirrored) > 0 {
				rules = append(rules, gwv1.HTTPRouteRule{Name: section("shadow"), Matches: gwMatches(r.Match, mirrored), Filters: []gwv1.HTTPRouteFilter{mirror}, BackendRefs: []gwv1.HTTPBackendRef{weighted(monolith, nil)}})
			}
			if rest != nil {
				rules = append(rules, gwv1.HTTPRouteRule{Name: section("monolith"), Matches: gwMatches(r.Match, rest), BackendRefs: []gwv1.HTTPBackendRef{weighted(monolith, nil)}})
			}
		case strangler.StageCanary:
			ws, wm := int32(r.Weight), int32(100-r.Weight)
			rules = append(rules, gwv1.HTTPRouteRule{Name: section("canary"), Matches: base, BackendRefs: []gwv1.HTTPBackendRef{weighted(svc, &ws), weighted(monolith, &wm)}})
		default:
			rules = append(rules, gwv1.HTTPRouteRule{Name: section(string(r.Stage)), Matches: base, BackendRefs: []gwv1.HTTPBackendRef{weighted(svc, nil)}})
		}
		hr.Spec.Rules = rules
		routeWarningsGateway(p, r, w)
		out = append(out, hr)
	}
	prefix := gwv1.PathMatchPathPrefix
	root := "/"
	out = append(out, gwv1.HTTPRoute{
		TypeMeta: metav1.TypeMeta{APIVersion: gwv1.GroupVersion.String(), Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      gwRoutePrefix + gwMonolithName,
			Namespace: string(ns),
			Labels:    map[string]string{gwManagedByKey: "carve", gwRouteLabelKey: "default"},
		},
		Spec: gwv1.HTTPRouteSpec{
			CommonRouteSpec: gwv1.CommonRouteSpec{ParentRefs: parent},
			Rules: []gwv1.HTTPRouteRule{{
				Name:        section("default"),
				Matches:     []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Type: &prefix, Value: &root}}},
				BackendRefs: []gwv1.HTTPBackendRef{weighted(monolith, nil)},
			}},
		},
	})
	for i := range out {
		if err := ValidateHTTPRoute(&out[i]); err != nil {
			return nil, nil, fmt.Errorf("export gateway-api: %w", err)
		}
	}
	return out, w.sorted(), nil
}

// GatewayAPIYAML renders GatewayAPIRoutes as a multi-document YAML stream, without status
// (ready for kubectl apply).
func GatewayAPIYAML(cfg *strangler.Config, opts Options) ([]byte, []Warning, error) {
	routes, ws, err := GatewayAPIRoutes(cfg, opts)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	b.WriteString("# Generated by carve export --format gateway-api. Backends are Kubernetes Services named\n# after the strangler.yaml keys (\"monolith\" and each service) in namespace " + opts.namespace() + ".\n")
	for i := range routes {
		y, err := marshalHTTPRoute(&routes[i])
		if err != nil {
			return nil, nil, fmt.Errorf("export gateway-api: %w", err)
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return b.Bytes(), ws, nil
}

// marshalHTTPRoute marshals hr without status and without the zero creationTimestamp.
func marshalHTTPRoute(hr *gwv1.HTTPRoute) ([]byte, error) {
	j, err := json.Marshal(hr)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		if md["creationTimestamp"] == nil {
			delete(md, "creationTimestamp")
		}
	}
	return yaml.Marshal(m)
}

func section(s string) *gwv1.SectionName {
	v := gwv1.SectionName(s)
	return &v
}

func backendRef(name string, u strangler.Upstream) gwv1.BackendObjectReference {
	ref := gwv1.BackendObjectReference{Name: gwv1.ObjectName(name)}
	if in := instances(u); len(in) > 0 {
		port := gwv1.PortNumber(in[0].port)
		ref.Port = &port
	}
	return ref
}

func weighted(ref gwv1.BackendObjectReference, weight *int32) gwv1.HTTPBackendRef {
	return gwv1.HTTPBackendRef{BackendRef: gwv1.BackendRef{BackendObjectReference: ref, Weight: weight}}
}

// splitMethods splits the route's methods (nil = all) into those mirrored and the rest. rest
// is nil when nothing remains, and an empty non-nil slice when "every other method" remains.
func splitMethods(route, mirror []string) (mirrored, rest []string) {
	if len(route) == 0 {
		return mirror, []string{}
	}
	in := map[string]bool{}
	for _, m := range mirror {
		in[m] = true
	}
	for _, m := range route {
		if in[m] {
			mirrored = append(mirrored, m)
		} else {
			rest = append(rest, m)
		}
	}
	return mirrored, rest
}

// gwMatches converts a strangler match into HTTPRouteMatches, one per method (methods empty:
// one match without method).
func gwMatches(m strangler.Match, methods []string) []gwv1.HTTPRouteMatch {
	var path gwv1.HTTPPathMatch
	var t gwv1.PathMatchType
	var v string
	switch {
	case m.PathExact != "":
		t, v = gwv1.PathMatchExact, m.PathExact
	case m.PathRegex != "":
		t, v = gwv1.PathMatchRegularExpression, m.PathRegex
	default:
		t, v = gwv1.PathMatchPathPrefix, prefixValue(m.PathPrefix)
	}
	path.Type, path.Value = &t, &v
	base := gwv1.HTTPRouteMatch{Path: &path}
	for _, h := range m.Headers {
		hm := gwv1.HTTPHeaderMatch{Name: gwv1.HTTPHeaderName(h.Name), Value: h.Value}
		ht := gwv1.HeaderMatchExact
		if h.Regex != "" {
			ht, hm.Value = gwv1.HeaderMatchRegularExpression, h.Regex
		}
		hm.Type = &ht
		base.Headers = append(base.Headers, hm)
	}
	for _, q := range m.Query {
		qm := gwv1.HTTPQueryParamMatch{Name: gwv1.HTTPHeaderName(q.Name), Value: q.Value}
		qt := gwv1.QueryParamMatchExact
		if q.Regex != "" {
			qt, qm.Value = gwv1.QueryParamMatchRegularExpression, q.Regex
		}
		qm.Type = &qt
		base.QueryParams = append(base.QueryParams, qm)
	}
	if len(methods) == 0 {
		return []gwv1.HTTPRouteMatch{base}
	}
	var out []gwv1.HTTPRouteMatch
	for _, meth := range methods {
		c := base
		c.Headers = append([]gwv1.HTTPHeaderMatch(nil), base.Headers...)
		mm := gwv1.HTTPMethod(meth)
		c.Method = &mm
		out = append(out, c)
	}
	return out
}

// withHeader returns copies of ms that also require header name: value (an exact match).
func withHeader(ms []gwv1.HTTPRouteMatch, name, value string) []gwv1.HTTPRouteMatch {
	out := make([]gwv1.HTTPRouteMatch, len(ms))
	t := gwv1.HeaderMatchExact
	for i, m := range ms {
		m.Headers = append(append([]gwv1.HTTPHeaderMatch(nil), m.Headers...), gwv1.HTTPHeaderMatch{Type: &t, Name: gwv1.HTTPHeaderName(name), Value: value})
		out[i] = m
	}
	return out
}

func dnsLabel(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "_", "-")
	if len(s) > 63-len(gwRoutePrefix) {
		s = strings.TrimRight(s[:63-len(gwRoutePrefix)], "-")
	}
	return s
}

func gatewayWarnings(p *prepared, w *warner, gateway string) {
	cfg := p.cfg
	w.add("", FeaturePathPolicy, "path normalization is up to the Gateway implementation; carve's canonical-path policy (reject %%2F/%%5C/%%00 and ;params, dot-segment removal, forwarding the canonical path) is not expressed — check your implementation's settings")
	if cfg.Paths.LeakGuard == nil || *cfg.Paths.LeakGuard {
		w.add("", FeatureLeakGuard, "the monolith-leak guard (400 for case or ;param spellings of carved routes) is not expressed")
	}
	if len(cfg.Routes) > 0 {
		w.add("", FeatureOverrideCookie, "the variant override cookie %q cannot be matched by HTTPRoute (no cookie match); only the %s header override is exported", p.override.cookie, p.override.header)
	}
	if cfg.Retry.Attempts >= 0 {
		w.add("", FeatureRetry, "retries (%d attempt(s), budget %d%%) are not exported: HTTPRouteRetry is experimental; configure retries in your implementation", intOr(cfg.Retry.Attempts, 1), intOr(cfg.Retry.Budget, 20))
	}
	w.add("", FeatureBreaker, "circuit breaker and passive outlier detection are not part of HTTPRoute; use your implementation's backend policy (e.g. Envoy Gateway BackendTrafficPolicy)")
	var hc []string
	for _, name := range append([]string{"monolith"}, p.services...) {
		u := cfg.Monolith
		if name != "monolith" {
			u = cfg.Services[name]
		}
		if u.HealthCheck != nil {
			hc = append(hc, name)
		}
		if len(u.URLs) > 1 || u.Balance != "" || u.Host == "upstream" {
			w.add("", FeatureInstances, "%s: instance URLs, balance and host policy are replaced by the Kubernetes Service %q and the implementation's load balancing", name, strings.ReplaceAll(name, "_", "-"))
		}
	}
	if len(hc) > 0 {
		w.add("", FeatureHealthCheck, "active health checks of %s are not exported; use Kubernetes readiness probes", strings.Join(hc, ", "))
	}
	w.add("", FeatureTimeouts, "proxy timeouts (connect %s, response %s, idle %s) are not exported; HTTPRoute timeouts.request/backendRequest measure whole requests and are left to you", durOr(cfg.Timeouts.Connect, 5e9), durOr(cfg.Timeouts.Response, 30e9), durOr(cfg.Timeouts.Idle, 90e9))
	w.add("", FeatureForwarding, "X-Forwarded-*, X-Request-ID and traceparent handling and trusted_proxies are the implementation's")
	w.add("", FeatureObservability, "metrics, access log and the admin API stay with the implementation")
	w.add("", FeatureListen, "the listen address is the Gateway %q listener's, not exported", gateway)
	if hasStage(cfg, strangler.StageShadow) {
		w.add("", FeatureShadowLimits, "shadow queue, body limit, timeout and strip_headers are not expressed by RequestMirror")
	}
}

func routeWarningsGateway(p *prepared, r strangler.Route, w *warner) {
	if r.Match.PathRegex != "" {
		w.add(r.Name, FeatureRegexDialect, "RegularExpression path matches and their precedence are implementation-specific (carve ranks Exact > RegularExpression > PathPrefix like Envoy Gateway; Envoy-based implementations use RE2 full match, NGINX-based ones PCRE)")
	}
	for _, h := range r.Match.Headers {
		if h.Regex != "" {
			w.add(r.Name, FeatureRegexDialect, "RegularExpression header match on %s is implementation-specific", h.Name)
		}
	}
	if len(r.Match.Query) > 0 {
		w.add(r.Name, FeatureQueryMatch, "query parameter matches are Extended support in Gateway API")
	}
	switch r.Stage {
	case strangler.StageCanary:
		if r.Sticky != nil {
			key := "header " + r.Sticky.Header
			if r.Sticky.Cookie != "" {
				key = "cookie " + r.Sticky.Cookie
			}
			w.add(r.Name, FeatureStickyHash, "the canary is sticky by %s in carve; HTTPRoute weights split each request independently (sessionPersistence is experimental and uses its own cookie)", key)
		}
		if fallback(r) {
			w.add(r.Name, FeatureFallback, "no fallback to the monolith when the service fails")
		}
	case strangler.StageFull:
		if fallback(r) {
			w.add(r.Name, FeatureFallback, "no fallback to the monolith when the service fails")
		}
	case strangler.StageRetired:
		w.add(r.Name, FeatureRetiredStatus, "when the service is unavailable the implementation answers (usually 503), not %d", retiredStatus(r))
	}
}

var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
var headerNameRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$")

// ValidateHTTPRoute checks the rules of the Gateway API CRD schema (the CEL and OpenAPI
// validations of v1.6) that carve's output could break: object and backend names, limits of
// 16 rules, 64 matches, 16 headers and query params, path values, weights, filter fields.
func ValidateHTTPRoute(hr *gwv1.HTTPRoute) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("httproute %q: %s", hr.Name, fmt.Sprintf(format, args...))
	}
	if len(hr.Name) > 63 || !dns1123Label.MatchString(hr.Name) {
		return bad("name is not a DNS-1123 label")
	}
	if len(hr.Spec.ParentRefs) > 32 {
		return bad("more than 32 parentRefs")
	}
	if len(hr.Spec.Rules) > 16 {
		return bad("more than 16 rules")
	}
	names := map[string]bool{}
	for i, rule := range hr.Spec.Rules {
		if rule.Name != nil {
			if names[string(*rule.Name)] || !dns1123Label.MatchString(string(*rule.Name)) {
				return bad("rules[%d].name %q is duplicate or not a DNS-1123 label", i, *rule.Name)
			}
			names[string(*rule.Name)] = true
		}
		if len(rule.Matches) > 64 {
			return bad("rules[%d]: more than 64 matches", i)
		}
		for j, m := range rule.Matches {
			if m.Path != nil && m.Path.Value != nil {
				v := *m.Path.Value
				if len(v) > 1024 {
					return bad("rules[%d].matches[%d].path: longer than 1024", i, j)
				}
				switch *m.Path.Type {
				case gwv1.PathMatchExact, gwv1.PathMatchPathPrefix:
					if !strings.HasPrefix(v, "/") || strings.Contains(v, "//") || strings.Contains(v, "/./") || strings.Contains(v, "/../") || strings.Contains(v, "%2f") || strings.Contains(v, "%2F") || strings.Contains(v, "#") || strings.HasSuffix(v, "/..") || strings.HasSuffix(v, "/.") {
						return bad("rules[%d].matches[%d].path: %q is not an absolute path without //, dot segments, %%2F or #", i, j, v)
					}
				case gwv1.PathMatchRegularExpression:
					if _, err := regexp.Compile(v); err != nil {
						return bad("rules[%d].matches[%d].path: bad regex %q", i, j, v)
					}
				}
			}
			if len(m.Headers) > 16 || len(m.QueryParams) > 16 {
				return bad("rules[%d].matches[%d]: more than 16 header or query matches", i, j)
			}
			seen := map[string]bool{}
			for _, h := range m.Headers {
				if !headerNameRE.MatchString(string(h.Name)) || len(h.Value) > 4096 {
					return bad("rules[%d].matches[%d]: bad header match %q", i, j, h.Name)
				}
				k := strings.ToLower(string(h.Name))
				if seen[k] {
					return bad("rules[%d].matches[%d]: header %q matched twice", i, j, h.Name)
				}
				seen[k] = true
			}
		}
		if len(rule.BackendRefs) > 16 || len(rule.Filters) > 16 {
			return bad("rules[%d]: more than 16 backendRefs or filters", i)
		}
		for _, f := range rule.Filters {
			if f.Type == gwv1.HTTPRouteFilterRequestMirror {
				if f.RequestMirror == nil {
					return bad("rules[%d]: RequestMirror filter without requestMirror", i)
				}
				if pc := f.RequestMirror.Percent; pc != nil && (*pc < 0 || *pc > 100) {
					return bad("rules[%d]: mirror percent %d out of 0..100", i, *pc)
				}
			}
		}
		for _, b := range rule.BackendRefs {
			if len(b.Name) > 253 || !dns1123Label.MatchString(string(b.Name)) {
				return bad("rules[%d]: backend name %q is not a DNS-1123 label", i, b.Name)
			}
			if b.Port == nil {
				return bad("rules[%d]: backend %q has no port (required for Services)", i, b.Name)
			}
			if b.Weight != nil && (*b.Weight < 0 || *b.Weight > 1000000) {
				return bad("rules[%d]: weight %d out of 0..1000000", i, *b.Weight)
			}
		}
	}
	return nil
}
