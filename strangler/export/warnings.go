// Package export renders a strangler.yaml for other proxies: Kubernetes Gateway API HTTPRoutes
// (gateway-api), an NGINX configuration runnable with nginx -c (nginx), and an Envoy bootstrap
// with its RouteConfiguration and Clusters (envoy). Each target gets the same route table with
// the proxy's semantics (Gateway API precedence, stages, weights, header overrides, mirroring,
// fallback); every feature a target cannot express is returned as a Warning, never silently
// dropped. Output is deterministic: the same Config gives the same bytes.
//
// The package holds no state; its functions are safe for concurrent use.
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/carve-go/carve/strangler"
)

// Format names an export target.
type Format string

// The export targets.
const (
	GatewayAPI Format = "gateway-api"
	NGINX      Format = "nginx"
	Envoy      Format = "envoy"
)

// Formats lists the export targets.
var Formats = []Format{GatewayAPI, NGINX, Envoy}

// Options tune an export. The zero value is valid.
type Options struct {
	// Namespace of the generated Gateway API objects and of the Kubernetes Services they
	// reference. Default "default".
	Namespace string
	// Gateway is the name of the Gateway the HTTPRoutes attach to (parentRefs). Default "carve".
	Gateway string
	// Listen overrides the listen address (host:port) of the NGINX and Envoy listeners. Default:
	// the config's listen, or 127.0.0.1:8080.
	Listen string
}

func (o Options) namespace() string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

func (o Options) gateway() string {
	if o.Gateway == "" {
		return "carve"
	}
	return o.Gateway
}

func (o Options) listen(cfg *strangler.Config) string {
	switch {
	case o.Listen != "":
		return o.Listen
	case cfg.Listen != "":
		return cfg.Listen
	}
	return "127.0.0.1:8080"
}

// Warning is one feature of the strangler.yaml the target cannot express, or expresses with
// different semantics.
type Warning struct {
	Target  Format `json:"target"`
	Route   string `json:"route,omitempty"` // route name; empty for the whole config
	Feature string `json:"feature"`         // stable identifier, e.g. "sticky-hash"
	Detail  string `json:"detail"`          // what differs and what to do, for people
}

// String renders the warning on one line: "nginx: route orders: sticky-hash: ...".
func (w Warning) String() string {
	if w.Route == "" {
		return fmt.Sprintf("%s: %s: %s", w.Target, w.Feature, w.Detail)
	}
	return fmt.Sprintf("%s: route %s: %s: %s", w.Target, w.Route, w.Feature, w.Detail)
}

// Feature identifiers used in warnings. Documented in docs/export.md.
const (
	FeaturePathPolicy      = "path-normalization" // canonical-path policy and forwarded path
	FeatureLeakGuard       = "leak-guard"         // monolith-leak guard
	FeatureRegexDialect    = "regex-dialect"      // RE2 regex evaluated by another engine
	FeatureStickyHash      = "sticky-hash"        // sticky canary key hashed differently
	FeatureOverrideCookie  = "override-cookie"    // variant override by cookie
	FeatureShadowCompare   = "shadow-compare"     // response comparison of shadow traffic
	FeatureShadowLimits    = "shadow-limits"      // shadow queue, body limit, timeout, header stripping
	FeatureShadowPercent   = "shadow-percent"     // mirror percentage
	FeatureFallback        = "fallback"           // fallback to the monolith when the service fails
	FeatureRetiredStatus   = "retired-status"     // status answered by a retired route
	FeatureRetry           = "retry"              // retries and retry budget
	FeatureBreaker         = "breaker"            // circuit breaker and passive outlier detection
	FeatureHealthCheck     = "health-check"       // active health checks
	FeatureTimeouts        = "timeouts"           // connect/response/idle/header/drain timeouts
	FeatureIdentity        = "identity-bridge"    // signed identity header
	FeatureForwarding      = "forwarding-headers" // X-Forwarded-*, X-Request-ID, traceparent, trusted proxies
	FeatureObservability   = "observability"      // metrics, access log, admin API
	FeatureInstances       = "instances"          // several URLs, balancing, DNS re-resolution, Host policy
	FeatureListen          = "listen"             // listener address
	FeatureQueryMatch      = "query-match"        // query parameter matching
	FeatureHeaderMatch     = "header-match"       // header matching details
	FeatureReservedPath    = "reserved-path"      // paths the export reserves for itself
	FeatureServiceName     = "service-name"       // backend naming convention
	FeatureUnderscoreHeads = "underscore-headers" // header names with underscores
)

// warner collects warnings for one target, deduplicated, in a stable order.
type warner struct {
	target Format
	seen   map[string]bool
	list   []Warning
}

func newWarner(t Format) *warner { return &warner{target: t, seen: map[string]bool{}} }

func (w *warner) add(route, feature, format string, args ...any) {
	d := fmt.Sprintf(format, args...)
	k := route + "\x00" + feature + "\x00" + d
	if w.seen[k] {
		return
	}
	w.seen[k] = true
	w.list = append(w.list, Warning{Target: w.target, Route: route, Feature: feature, Detail: d})
}

func (w *warner) sorted() []Warning {
	out := append([]Warning(nil), w.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Route != b.Route {
			return a.Route < b.Route
		}
		if a.Feature != b.Feature {
			return a.Feature < b.Feature
		}
		return a.Detail < b.Detail
	})
	return out
}

// WriteWarningsJSON writes warnings as a JSON array (an empty array when there are none).
func WriteWarningsJSON(w io.Writer, ws []Warning) error {
	if ws == nil {
		ws = []Warning{}
	}
	b, err := json.MarshalIndent(ws, "", "  ")
	if err != nil {
		return fmt.Errorf("write warnings: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Export renders cfg for format. It validates cfg first (the same validation as the proxy).
func Export(cfg *strangler.Config, format Format, opts Options) ([]byte, []Warning, error) {
	switch format {
	case GatewayAPI:
		return GatewayAPIYAML(cfg, opts)
	case NGINX:
		return NGINXConf(cfg, opts)
	case Envoy:
		return EnvoyYAML(cfg, opts)
	}
	return nil, nil, fmt.Errorf("export: unknown format %q: want gateway-api, nginx or envoy", format)
}

// prepared is a validated config with routes in precedence order and defaults resolved.
type prepared struct {
	cfg      *strangler.Config
	order    []int // indexes of cfg.Routes in precedence order
	services []string
	override struct{ header, cookie string }
}

func prepare(cfg *strangler.Config) (*prepared, error) {
	if cfg == nil {
		return nil, fmt.Errorf("export: nil config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("export: invalid config: %w", err)
	}
	order, err := strangler.PrecedenceOrder(cfg.Routes)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	p := &prepared{cfg: cfg, order: order}
	for name := range cfg.Services {
		p.services = append(p.services, name)
	}
	sort.Strings(p.services)
	p.override.header = orDefault(cfg.Override.Header, "X-Carve-Variant")
	p.override.cookie = orDefault(cfg.Override.Cookie, "carve_variant")
	return p, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func durOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func intOr(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// Route helpers with the proxy's defaults.

func allowOverride(r strangler.Route) bool {
	return r.Stage != strangler.StageRetired && (r.AllowOverride == nil || *r.AllowOverride)
}

func fallback(r strangler.Route) bool {
	return r.Stage != strangler.StageRetired && (r.Fallback == nil || *r.Fallback)
}

func retiredStatus(r strangler.Route) int { return intOr(r.RetiredStatus, 410) }

func shadowMethods(r strangler.Route) []string {
	if r.Shadow != nil && len(r.Shadow.Methods) > 0 {
		return r.Shadow.Methods
	}
	return []string{"GET", "HEAD"}
}

func shadowPercent(r strangler.Route) int {
	if r.Shadow != nil && r.Shadow.Percent > 0 {
		return r.Shadow.Percent
	}
	return 100
}

func shadowCompare(r strangler.Route) bool {
	return r.Shadow == nil || r.Shadow.Compare == nil || *r.Shadow.Compare
}

// prefixValue is a PathPrefix without its trailing slash ("/" stays).
func prefixValue(p string) string {
	if p == "" {
		return "/"
	}
	for len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	return p
}

// hostPort is one upstream instance.
type hostPort struct {
	scheme, host string
	port         int
}

func (h hostPort) String() string { return net.JoinHostPort(h.host, strconv.Itoa(h.port)) }

func (h hostPort) isIP() bool { return net.ParseIP(h.host) != nil }

func instances(u strangler.Upstream) []hostPort {
	raw := u.URLs
	if u.URL != "" {
		raw = []string{u.URL}
	}
	var out []hostPort
	for _, s := range raw {
		pu, err := url.Parse(s)
		if err != nil {
			continue
		}
		hp := hostPort{scheme: pu.Scheme, host: pu.Hostname()}
		hp.port, _ = strconv.Atoi(pu.Port())
		if hp.port == 0 {
			hp.port = 80
			if pu.Scheme == "https" {
				hp.port = 443
			}
		}
		out = append(out, hp)
	}
	return out
}

// commonWarnings are the proxy features none of the targets reproduces exactly.
func commonWarnings(p *prepared, w *warner) {
	cfg := p.cfg
	if cfg.Identity != nil {
		w.add("", FeatureIdentity, "the identity bridge (session validated at %s, signed %s header) is not exported; put an auth filter in front of the services or keep carve proxy at the edge", cfg.Identity.ValidateURL, orDefault(cfg.Identity.Header, "X-Carve-Identity"))
	}
	if cfg.Paths.MaxLength != 0 {
		w.add("", FeaturePathPolicy, "paths.max_length %d (414 above it) is not exported; the target's own request-line or header limits apply", cfg.Paths.MaxLength)
	}
	if cfg.Reload.Interval != 0 || cfg.Admin.Listen != "" || cfg.Admin.TokenEnv != "" {
		w.add("", FeatureObservability, "admin listener and file-watch reload settings are carve proxy's; reload the target its own way")
	}
	for _, i := range p.order {
		r := cfg.Routes[i]
		if r.Stage == strangler.StageShadow && shadowCompare(r) {
			w.add(r.Name, FeatureShadowCompare, "shadow responses are mirrored but not compared (no Diffy-style diff report or noise cancellation); compare with carve proxy or offline")
		}
	}
}

func hasStage(cfg *strangler.Config, s strangler.Stage) bool {
	for _, r := range cfg.Routes {
		if r.Stage == s {
			return true
		}
	}
	return false
}
