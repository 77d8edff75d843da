// Package strangler owns carve's strangler-fig proxy: the versioned strangler.yaml
// configuration (plain structs plus Validate), the canonical-path engine, Gateway API style
// route matching, the traffic lifecycle of each carved route (shadow, canary, full, retired),
// resilience (timeouts, retries with a budget, passive and active health, circuit breaker with
// fallback to the monolith), shadow traffic with Diffy-style response comparison, the admin API,
// Prometheus metrics and hot reload.
//
// Concurrency: a Proxy is safe for concurrent use. The request path reads an immutable route
// table through an atomic.Pointer and per-upstream state through atomics; reloads build a new
// table and swap it. Every goroutine a Proxy starts (health checks, DNS re-resolution, shadow
// workers, file watch) is owned by it and stops on Close or when the context given to Serve is
// done.
package strangler

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Stage is the lifecycle state of a carved route.
type Stage string

// The stages of a carved route, in the order traffic normally moves through them.
const (
	// StageShadow: the monolith answers; a copy of the request goes to the service and the
	// responses are compared.
	StageShadow Stage = "shadow"
	// StageCanary: Weight percent of requests (sticky by key) go to the service.
	StageCanary Stage = "canary"
	// StageFull: every request goes to the service; the monolith is the fallback while the
	// service's breaker is open.
	StageFull Stage = "full"
	// StageRetired: every request goes to the service and never to the monolith; when the
	// service is unavailable the proxy answers RetiredStatus itself.
	StageRetired Stage = "retired"
)

// Config is the content of strangler.yaml, version 1. The zero value of every optional field
// means "use the default" stated on the field; Parse does not fill defaults in, so a parsed
// Config marshals back to what the user wrote.
type Config struct {
	// Version of the file format; required, only 1 exists.
	Version int `yaml:"version" json:"version"`
	// Listen is the host:port of the proxy listener. Default 127.0.0.1:8080.
	Listen string `yaml:"listen,omitempty" json:"listen,omitempty"`
	// Admin configures the admin listener (metrics, health, route state).
	Admin Admin `yaml:"admin,omitempty" json:"admin,omitempty"`
	// Server configures the proxy listener's HTTP server.
	Server Server `yaml:"server,omitempty" json:"server,omitempty"`
	// Monolith is the default route: every request no carved route claims goes here. Required.
	Monolith Upstream `yaml:"monolith" json:"monolith"`
	// Services are the carved services by name ([a-z0-9][a-z0-9_-]*).
	Services map[string]Upstream `yaml:"services,omitempty" json:"services,omitempty"`
	// Routes are the carved routes. Order only breaks ties between regex routes.
	Routes []Route `yaml:"routes,omitempty" json:"routes,omitempty"`
	// Paths is the canonical-path policy (see docs/proxy.md).
	Paths PathPolicy `yaml:"paths,omitempty" json:"paths,omitempty"`
	// TrustedProxies are CIDRs (or single IPs) whose X-Forwarded-For, X-Forwarded-Proto and
	// X-Request-ID values are kept. Default none: inbound forwarding headers are replaced.
	TrustedProxies []string `yaml:"trusted_proxies,omitempty" json:"trusted_proxies,omitempty"`
	// Timeouts for the listener and the upstreams.
	Timeouts Timeouts `yaml:"timeouts,omitempty" json:"timeouts,omitempty"`
	// Retry is the retry policy for idempotent requests.
	Retry Retry `yaml:"retry,omitempty" json:"retry,omitempty"`
	// Override names the header and cookie a client may use to pick a variant.
	Override Override `yaml:"override,omitempty" json:"override,omitempty"`
	// Shadow configures the shadow queue shared by all shadow routes.
	Shadow Shadow `yaml:"shadow,omitempty" json:"shadow,omitempty"`
	// Identity is the optional identity bridge. Absent = disabled.
	Identity *Identity `yaml:"identity,omitempty" json:"identity,omitempty"`
	// Reload configures the config file watch.
	Reload Reload `yaml:"reload,omitempty" json:"reload,omitempty"`
	// AccessLog enables the structured access log. Default true.
	AccessLog *bool `yaml:"access_log,omitempty" json:"access_log,omitempty"`
}

// Admin configures the admin listener.
type Admin struct {
	// Listen is the host:port of the admin listener. Default 127.0.0.1:9090. It must differ
	// from Config.Listen.
	Listen string `yaml:"listen,omitempty" json:"listen,omitempty"`
	// TokenEnv names the environment variable holding the admin bearer token. Default
	// CARVE_ADMIN_TOKEN. When the variable is empty, every admin endpoint except /healthz,
	// /readyz and /metrics answers 403.
	TokenEnv string `yaml:"token_env,omitempty" json:"token_env,omitempty"`
}

// Server configures the HTTP server of the proxy listener. It is read when the proxy starts;
// a reload that changes it is rejected (restart the proxy instead).
type Server struct {
	// Engine selects the server engine: auto (default: carve's HTTP/1.1 connection loop
	// serves simple requests — GET, HEAD, OPTIONS, DELETE over HTTP/1.1 without a body,
	// Expect or Upgrade, parsed by net/http's http.ReadRequest — and hands every other
	// connection, from its first non-simple request on, to net/http's server) or std (net/http's
	// server for everything).
	Engine string `yaml:"engine,omitempty" json:"engine,omitempty"`
}

// Upstream is the monolith or one carved service.
type Upstream struct {
	// URL of a single instance (scheme http or https, host, optional port, no path). Exactly
	// one of URL and URLs is required.
	URL string `yaml:"url,omitempty" json:"url,omitempty"`
	// URLs of several instances of the same service.
	URLs []string `yaml:"urls,omitempty" json:"urls,omitempty"`
	// Balance is the load-balancing policy: round_robin (default) or least_requests.
	Balance string `yaml:"balance,omitempty" json:"balance,omitempty"`
	// Host decides the Host header sent upstream: preserve (default, the client's Host) or
	// upstream (the instance's host:port from the URL).
	Host string `yaml:"host,omitempty" json:"host,omitempty"`
	// Resolve is how often host names in the URLs are re-resolved so instances added behind
	// DNS are picked up. Default 30s; a negative value disables re-resolution.
	Resolve time.Duration `yaml:"resolve,omitempty" json:"resolve,omitempty"`
	// Engine selects the client engine: auto (default: idempotent requests without a body to
	// plain-HTTP instances use carve's synchronous HTTP/1.1 path, everything else
	// net/http's Transport) or std (always net/http's Transport).
	Engine string `yaml:"engine,omitempty" json:"engine,omitempty"`
	// MaxIdleConns is the number of idle keep-alive connections kept per instance. Default 256.
	MaxIdleConns int `yaml:"max_idle_conns,omitempty" json:"max_idle_conns,omitempty"`
	// Breaker is the circuit breaker and passive outlier detection of this upstream.
	Breaker Breaker `yaml:"breaker,omitempty" json:"breaker,omitempty"`
	// HealthCheck enables active health checks. Absent = passive only.
	HealthCheck *HealthCheck `yaml:"health_check,omitempty" json:"health_check,omitempty"`
}

// Breaker configures passive outlier detection per instance and the circuit breaker of the
// whole upstream.
type Breaker struct {
	// Failures is the number of consecutive failures (transport errors or 5xx) that opens the
	// breaker of the upstream, and ejects a single instance. Default 5.
	Failures int `yaml:"failures,omitempty" json:"failures,omitempty"`
	// Open is how long the breaker stays open before letting a probe through (half-open), and
	// the base ejection time of an instance. Default 10s.
	Open time.Duration `yaml:"open,omitempty" json:"open,omitempty"`
	// Successes is the number of consecutive successful probes that closes a half-open
	// breaker. Default 2.
	Successes int `yaml:"successes,omitempty" json:"successes,omitempty"`
}

// HealthCheck configures active health checks of every instance of an upstream.
type HealthCheck struct {
	// Path requested with GET. Required; must start with "/".
	Path string `yaml:"path" json:"path"`
	// Interval between checks. Default 5s.
	Interval time.Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// Timeout of one check. Default 2s.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// Route is one carved route.
type Route struct {
	// Name identifies the route in metrics, logs and the admin API; required, unique,
	// [a-z0-9][a-z0-9_-]*.
	Name string `yaml:"name" json:"name"`
	// Match selects the requests of this route.
	Match Match `yaml:"match" json:"match"`
	// Service is the name of the carved service (a key of Config.Services). Required.
	Service string `yaml:"service" json:"service"`
	// Stage is the lifecycle stage. Required.
	Stage Stage `yaml:"stage" json:"stage"`
	// Weight is the percentage (0–100) of requests sent to the service in stage canary.
	// Ignored in other stages (it must then be 0 or absent). Default 0.
	Weight int `yaml:"weight,omitempty" json:"weight,omitempty"`
	// Sticky names the key that keeps a client on one variant in stage canary. Absent = each
	// request is decided on its own.
	Sticky *Sticky `yaml:"sticky,omitempty" json:"sticky,omitempty"`
	// AllowOverride lets clients choose the variant with Config.Override. Default true; never
	// honoured in stage retired.
	AllowOverride *bool `yaml:"allow_override,omitempty" json:"allow_override,omitempty"`
	// Fallback sends requests to the monolith while the service's breaker is open, or when no
	// instance could be reached for an idempotent request without a body. Default true;
	// must not be true in stage retired.
	Fallback *bool `yaml:"fallback,omitempty" json:"fallback,omitempty"`
	// RetiredStatus is the status the proxy answers in stage retired when the service is
	// unavailable: 404, 410 (default) or 503.
	RetiredStatus int `yaml:"retired_status,omitempty" json:"retired_status,omitempty"`
	// Shadow tunes shadow traffic of this route (used in stage shadow).
	Shadow *RouteShadow `yaml:"shadow,omitempty" json:"shadow,omitempty"`
}

// Match is a Gateway API HTTPRouteMatch: all present conditions must hold. At most one of
// PathExact, PathPrefix and PathRegex may be set; none means PathPrefix "/".
type Match struct {
	// PathExact matches the canonical path exactly (case-sensitive; "/a" does not match "/a/").
	PathExact string `yaml:"path_exact,omitempty" json:"path_exact,omitempty"`
	// PathPrefix matches the canonical path segment-wise: "/a" matches "/a", "/a/" and
	// "/a/b", not "/ab". A trailing slash in the value is ignored.
	PathPrefix string `yaml:"path_prefix,omitempty" json:"path_prefix,omitempty"`
	// PathRegex is an RE2 expression matched against the whole canonical path (anchored).
	PathRegex string `yaml:"path_regex,omitempty" json:"path_regex,omitempty"`
	// Methods the route accepts (upper case). Empty = all methods.
	Methods []string `yaml:"methods,omitempty" json:"methods,omitempty"`
	// Headers must all match (name case-insensitive, first value of the header).
	Headers []ValueMatch `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Query parameters must all match (name case-sensitive, first value).
	Query []ValueMatch `yaml:"query,omitempty" json:"query,omitempty"`
}

// ValueMatch matches one header or query parameter: exactly one of Value (exact) and Regex
// (RE2, anchored) is set.
type ValueMatch struct {
	Name  string `yaml:"name" json:"name"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	Regex string `yaml:"regex,omitempty" json:"regex,omitempty"`
}

// Sticky names the stickiness key of a canary: exactly one of Header and Cookie.
type Sticky struct {
	Header string `yaml:"header,omitempty" json:"header,omitempty"`
	Cookie string `yaml:"cookie,omitempty" json:"cookie,omitempty"`
}

// RouteShadow tunes shadow traffic of one route.
type RouteShadow struct {
	// Methods that are mirrored. Default GET and HEAD (idempotent, no side effects).
	Methods []string `yaml:"methods,omitempty" json:"methods,omitempty"`
	// Percent of eligible requests mirrored, 1–100. Default 100.
	Percent int `yaml:"percent,omitempty" json:"percent,omitempty"`
	// Compare enables response comparison. Default true.
	Compare *bool `yaml:"compare,omitempty" json:"compare,omitempty"`
	// Ignore lists JSON field paths (like "data.updated_at" or "items[*].id") and the
	// pseudo-fields "status", "body" never reported as differences.
	Ignore []string `yaml:"ignore,omitempty" json:"ignore,omitempty"`
}

// PathPolicy is the canonical-path policy applied before matching; the canonical path is also
// the path forwarded upstream.
type PathPolicy struct {
	// EscapedSlash decides what happens to %2F and %5C in a path: reject (default, 400),
	// decode (treated as "/"), or keep (left encoded, part of a segment).
	EscapedSlash string `yaml:"escaped_slash,omitempty" json:"escaped_slash,omitempty"`
	// Params decides what happens to ";" path parameters: reject (default, 400), strip
	// (removed from each segment) or keep.
	Params string `yaml:"params,omitempty" json:"params,omitempty"`
	// Backslash decides what happens to a raw "\" in a path: slash (default, treated as "/")
	// or reject.
	Backslash string `yaml:"backslash,omitempty" json:"backslash,omitempty"`
	// OnChange decides what happens when the canonical path differs from the request's:
	// forward (default, the canonical path is forwarded) or redirect (308 to it).
	OnChange string `yaml:"on_change,omitempty" json:"on_change,omitempty"`
	// LeakGuard rejects (400) a request bound for the monolith whose path, read the lenient
	// way legacy frameworks do (case-insensitive, ";params" stripped, %2F decoded), would match
	// a carved route in stage canary, full or retired. Default true.
	LeakGuard *bool `yaml:"leak_guard,omitempty" json:"leak_guard,omitempty"`
	// MaxLength is the longest request path accepted, in bytes; longer gets 414. Default 8192.
	MaxLength int `yaml:"max_length,omitempty" json:"max_length,omitempty"`
}

// Timeouts of the proxy. All are durations like "5s".
type Timeouts struct {
	// Connect is the upstream dial timeout. Default 5s.
	Connect time.Duration `yaml:"connect,omitempty" json:"connect,omitempty"`
	// Response is how long to wait for upstream response headers. Default 30s.
	Response time.Duration `yaml:"response,omitempty" json:"response,omitempty"`
	// Idle is how long idle keep-alive connections (client side and upstream side) are kept.
	// Default 90s.
	Idle time.Duration `yaml:"idle,omitempty" json:"idle,omitempty"`
	// ReadHeader is how long a client may take to send request headers. Default 10s.
	ReadHeader time.Duration `yaml:"read_header,omitempty" json:"read_header,omitempty"`
	// Drain is how long in-flight requests may take to finish on shutdown. Default 30s.
	Drain time.Duration `yaml:"drain,omitempty" json:"drain,omitempty"`
}

// Retry is the retry policy. Retries are only attempted for idempotent methods (GET, HEAD,
// OPTIONS, TRACE, PUT, DELETE) without a request body.
type Retry struct {
	// Attempts is the number of retries after the first try. Default 1; 0 is the default, use
	// a negative value to disable.
	Attempts int `yaml:"attempts,omitempty" json:"attempts,omitempty"`
	// OnStatus lists upstream statuses retried in addition to connection failures (502, 503,
	// 504 are allowed). Default none.
	OnStatus []int `yaml:"on_status,omitempty" json:"on_status,omitempty"`
	// Budget caps retries as a percentage of requests (1–100), so retries cannot amplify an
	// outage. Default 20.
	Budget int `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// Override names the client-side variant override. Values "service" and "monolith" are
// honoured; anything else is ignored.
type Override struct {
	// Header default X-Carve-Variant.
	Header string `yaml:"header,omitempty" json:"header,omitempty"`
	// Cookie default carve_variant.
	Cookie string `yaml:"cookie,omitempty" json:"cookie,omitempty"`
}

// Shadow configures the shadow queue.
type Shadow struct {
	// Queue is the number of shadow requests waiting; when full new ones are dropped and
	// counted. Default 1024.
	Queue int `yaml:"queue,omitempty" json:"queue,omitempty"`
	// Workers is the number of goroutines sending shadow requests. Default 4.
	Workers int `yaml:"workers,omitempty" json:"workers,omitempty"`
	// BodyLimit is the largest request or response body copied for shadowing, in bytes;
	// larger requests are not shadowed. Default 1048576 (1 MiB).
	BodyLimit int `yaml:"body_limit,omitempty" json:"body_limit,omitempty"`
	// Timeout of one shadow request. Default 5s.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// StripHeaders are removed from shadow requests (e.g. Authorization). Default none.
	StripHeaders []string `yaml:"strip_headers,omitempty" json:"strip_headers,omitempty"`
}

// Identity configures the identity bridge: the proxy validates the monolith's session once at
// the edge and passes a signed identity header to carved services.
type Identity struct {
	// ValidateURL is the monolith endpoint called with the client's cookie; a 200 answer's
	// body (at most 4 KiB) is the identity. Required.
	ValidateURL string `yaml:"validate_url" json:"validate_url"`
	// Cookie is the session cookie name. Required.
	Cookie string `yaml:"cookie" json:"cookie"`
	// Header is the signed header sent to services; clients' copies are always stripped.
	// Default X-Carve-Identity.
	Header string `yaml:"header,omitempty" json:"header,omitempty"`
	// KeyEnv names the environment variable holding the HMAC-SHA256 key (at least 32 bytes).
	// Required.
	KeyEnv string `yaml:"key_env" json:"key_env"`
	// CacheTTL is how long a validated session is cached. Default 5s.
	CacheTTL time.Duration `yaml:"cache_ttl,omitempty" json:"cache_ttl,omitempty"`
	// TTL is how long a signed header stays valid for services. Default 60s.
	TTL time.Duration `yaml:"ttl,omitempty" json:"ttl,omitempty"`
}

// Reload configures the config file watch.
type Reload struct {
	// Interval between checks of the file's mtime and hash. Default 2s; negative disables.
	Interval time.Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
}

// ConfigError is one problem in a strangler.yaml, with its position when known.
type ConfigError struct {
	File      string // file name given to Parse
	Line, Col int    // 1-based; 0 when unknown
	Field     string // dotted field path like routes[1].weight
	Msg       string
}

// Error formats the problem as file:line:col: field: message.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and parses the strangler.yaml at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a strangler.yaml. name is used in error positions. Unknown keys,
// wrong types and every Validate problem are reported as *ConfigError values joined with
// errors.Join, each with name:line:col.
func Parse(name string, data []byte) (cfg *Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, &ConfigError{File: name, Msg: fmt.Sprintf("parse: %v", r)}
		}
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &ConfigError{File: name, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &ConfigError{File: name, Msg: "empty document"}
	}
	root := doc.Content[0]
	pos := map[string]*yaml.Node{"": root}
	if err := checkNode(name, root, reflect.TypeOf(Config{}), "", pos); err != nil {
		return nil, err
	}
	cfg = new(Config)
	if err := root.Decode(cfg); err != nil {
		return nil, yamlError(name, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, locate(name, err, pos)
	}
	return cfg, nil
}

// Marshal renders cfg as YAML (the inverse of Parse for a valid Config).
func Marshal(cfg *Config) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	return b.Bytes(), nil
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	ce := &ConfigError{File: name, Msg: msg}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		ce.Line, _ = strconv.Atoi(m[1])
		ce.Col = 1
	}
	return ce
}

var durationType = reflect.TypeOf(time.Duration(0))

// checkNode walks n against type t: it rejects unknown keys, duplicate keys and values of
// the wrong type with their positions, and records the node of each field path in pos.
func checkNode(file string, n *yaml.Node, t reflect.Type, path string, pos map[string]*yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return &ConfigError{File: file, Line: n.Line, Col: n.Column, Field: path, Msg: "YAML aliases are not supported"}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(want string) error {
		return &ConfigError{File: file, Line: n.Line, Col: n.Column, Field: path, Msg: fmt.Sprintf("expected %s, got %s", want, kindName(n))}
	}
	switch {
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad("a mapping")
		}
		fields := map[string]reflect.StructField{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = f
			names = append(names, tag)
		}
		sort.Strings(names)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				return &ConfigError{File: file, Line: k.Line, Col: k.Column, Field: joinPath(path, k.Value),
					Msg: fmt.Sprintf("unknown key %q (known: %s)", k.Value, strings.Join(names, ", "))}
			}
			if seen[k.Value] {
				return &ConfigError{File: file, Line: k.Line, Col: k.Column, Field: joinPath(path, k.Value), Msg: fmt.Sprintf("duplicate key %q", k.Value)}
			}
			seen[k.Value] = true
			p := joinPath(path, k.Value)
			pos[p] = v
			if err := checkNode(file, v, f.Type, p, pos); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("a list")
		}
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			pos[p] = c
			if err := checkNode(file, c, t.Elem(), p, pos); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			return bad("a mapping")
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return &ConfigError{File: file, Line: k.Line, Col: k.Column, Field: path, Msg: "map keys must be strings"}
			}
			p := joinPath(path, k.Value)
			if seen[k.Value] {
				return &ConfigError{File: file, Line: k.Line, Col: k.Column, Field: p, Msg: fmt.Sprintf("duplicate key %q", k.Value)}
			}
			seen[k.Value] = true
			pos[p] = v
			if err := checkNode(file, v, t.Elem(), p, pos); err != nil {
				return err
			}
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return bad("a scalar")
		}
		v := reflect.New(t)
		if err := n.Decode(v.Interface()); err != nil {
			want := t.Kind().String()
			if t == durationType {
				want = `a duration like "5s"`
			}
			return &ConfigError{File: file, Line: n.Line, Col: n.Column, Field: path, Msg: fmt.Sprintf("expected %s, got %q", want, n.Value)}
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldError is a Validate problem about one field path.
type fieldError struct {
	field, msg string
}

func (e *fieldError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return e.field + ": " + e.msg
}

// locate turns Validate's field errors into ConfigErrors with positions.
func locate(file string, err error, pos map[string]*yaml.Node) error {
	var errs []error
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		fe, ok := e.(*fieldError)
		if !ok {
			errs = append(errs, &ConfigError{File: file, Msg: e.Error()})
			continue
		}
		ce := &ConfigError{File: file, Field: fe.field, Msg: fe.msg}
		for p := fe.field; ; {
			if n, ok := pos[p]; ok {
				ce.Line, ce.Col = n.Line, n.Column
				break
			}
			i := strings.LastIndexAny(p, ".[")
			if i < 0 {
				if n := pos[""]; n != nil {
					ce.Line, ce.Col = n.Line, n.Column
				}
				break
			}
			p = p[:i]
		}
		errs = append(errs, ce)
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].(*ConfigError), errs[j].(*ConfigError)
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return errors.Join(errs...)
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "OPTIONS": true, "TRACE": true, "CONNECT": true}

// Validate checks cfg without touching the network or the environment. It returns every
// problem found, joined with errors.Join; each names the field path (like routes[0].weight).
func (c *Config) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &fieldError{field: field, msg: fmt.Sprintf(format, args...)})
	}
	if c.Version != 1 {
		add("version", "unsupported version %d (want 1)", c.Version)
	}
	listen := orDefault(c.Listen, "127.0.0.1:8080")
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			add("listen", "bad address %q: want host:port", c.Listen)
		}
	}
	if c.Admin.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			add("admin.listen", "bad address %q: want host:port", c.Admin.Listen)
		}
	}
	if orDefault(c.Admin.Listen, "127.0.0.1:9090") == listen && !strings.HasSuffix(listen, ":0") {
		add("admin.listen", "must differ from listen %q", listen)
	}
	if c.Admin.TokenEnv != "" && !envNameRE.MatchString(c.Admin.TokenEnv) {
		add("admin.token_env", "bad environment variable name %q", c.Admin.TokenEnv)
	}
	checkEnum(add, "server.engine", c.Server.Engine, "auto", "std")
	validateUpstream("monolith", c.Monolith, add)
	svcNames := make([]string, 0, len(c.Services))
	for name := range c.Services {
		svcNames = append(svcNames, name)
	}
	sort.Strings(svcNames)
	for _, name := range svcNames {
		if !nameRE.MatchString(name) {
			add("services."+name, "bad service name %q: want [a-z0-9][a-z0-9_-]*", name)
		}
		validateUpstream("services."+name, c.Services[name], add)
	}
	names := map[string]int{}
	for i, r := range c.Routes {
		p := fmt.Sprintf("routes[%d]", i)
		if r.Name == "" {
			add(p+".name", "required")
		} else if !nameRE.MatchString(r.Name) {
			add(p+".name", "bad route name %q: want [a-z0-9][a-z0-9_-]*", r.Name)
		} else if j, dup := names[r.Name]; dup {
			add(p+".name", "duplicate route name %q (also routes[%d])", r.Name, j)
		} else {
			names[r.Name] = i
		}
		if r.Service == "" {
			add(p+".service", "required")
		} else if _, ok := c.Services[r.Service]; !ok {
			add(p+".service", "unknown service %q (known: %s)", r.Service, strings.Join(svcNames, ", "))
		}
		switch r.Stage {
		case StageShadow, StageCanary, StageFull, StageRetired:
		case "":
			add(p+".stage", "required: shadow, canary, full or retired")
		default:
			add(p+".stage", "unknown stage %q: want shadow, canary, full or retired", r.Stage)
		}
		if r.Weight < 0 || r.Weight > 100 {
			add(p+".weight", "out of range: %d (want 0..100 percent)", r.Weight)
		} else if r.Weight != 0 && r.Stage != StageCanary && r.Stage != "" {
			add(p+".weight", "only allowed in stage canary (stage is %s)", r.Stage)
		}
		if r.Sticky != nil && (r.Sticky.Header == "") == (r.Sticky.Cookie == "") {
			add(p+".sticky", "set exactly one of header and cookie")
		}
		if r.Stage == StageRetired && r.Fallback != nil && *r.Fallback {
			add(p+".fallback", "a retired route never falls back to the monolith")
		}
		switch r.RetiredStatus {
		case 0, 404, 410, 503:
		default:
			add(p+".retired_status", "must be 404, 410 or 503, got %d", r.RetiredStatus)
		}
		if r.Shadow != nil {
			if r.Shadow.Percent < 0 || r.Shadow.Percent > 100 {
				add(p+".shadow.percent", "out of range: %d (want 1..100)", r.Shadow.Percent)
			}
			for j, m := range r.Shadow.Methods {
				if !knownMethods[m] {
					add(fmt.Sprintf("%s.shadow.methods[%d]", p, j), "unknown method %q", m)
				}
			}
		}
		validateMatch(p+".match", r.Match, add)
	}
	// Overlapping routes with equal precedence.
	for i := range c.Routes {
		for j := 0; j < i; j++ {
			if samePrecedence(c.Routes[j].Match, c.Routes[i].Match) {
				add(fmt.Sprintf("routes[%d].match", i), "overlaps routes[%d] (%q) with equal precedence: make one more specific (path, methods, headers or query)", j, c.Routes[j].Name)
			}
		}
	}
	pp := c.Paths
	checkEnum(add, "paths.escaped_slash", pp.EscapedSlash, "reject", "decode", "keep")
	checkEnum(add, "paths.params", pp.Params, "reject", "strip", "keep")
	checkEnum(add, "paths.backslash", pp.Backslash, "slash", "reject")
	checkEnum(add, "paths.on_change", pp.OnChange, "forward", "redirect")
	if pp.MaxLength < 0 {
		add("paths.max_length", "must not be negative")
	}
	for i, s := range c.TrustedProxies {
		if _, err := parsePrefix(s); err != nil {
			add(fmt.Sprintf("trusted_proxies[%d]", i), "bad CIDR or IP %q", s)
		}
	}
	t := c.Timeouts
	for _, d := range []struct {
		f string
		v time.Duration
	}{{"connect", t.Connect}, {"response", t.Response}, {"idle", t.Idle}, {"read_header", t.ReadHeader}, {"drain", t.Drain}} {
		if d.v < 0 {
			add("timeouts."+d.f, "must not be negative")
		}
	}
	if c.Retry.Budget < 0 || c.Retry.Budget > 100 {
		add("retry.budget", "out of range: %d (want 1..100 percent)", c.Retry.Budget)
	}
	for i, s := range c.Retry.OnStatus {
		if s != 502 && s != 503 && s != 504 {
			add(fmt.Sprintf("retry.on_status[%d]", i), "only 502, 503 and 504 may be retried, got %d", s)
		}
	}
	if c.Shadow.Queue < 0 || c.Shadow.Workers < 0 || c.Shadow.BodyLimit < 0 || c.Shadow.Timeout < 0 {
		add("shadow", "queue, workers, body_limit and timeout must not be negative")
	}
	if c.Shadow.Workers > 256 {
		add("shadow.workers", "at most 256, got %d", c.Shadow.Workers)
	}
	if id := c.Identity; id != nil {
		if id.ValidateURL == "" {
			add("identity.validate_url", "required")
		} else if u, err := url.Parse(id.ValidateURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("identity.validate_url", "bad URL %q: want http(s)://host[:port]/path", id.ValidateURL)
		}
		if id.Cookie == "" {
			add("identity.cookie", "required")
		}
		if id.KeyEnv == "" {
			add("identity.key_env", "required")
		} else if !envNameRE.MatchString(id.KeyEnv) {
			add("identity.key_env", "bad environment variable name %q", id.KeyEnv)
		}
		if id.CacheTTL < 0 || id.TTL < 0 {
			add("identity", "cache_ttl and ttl must not be negative")
		}
	}
	return errors.Join(errs...)
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func checkEnum(add func(string, string, ...any), field, v string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	add(field, "unknown value %q: want %s", v, strings.Join(allowed, ", "))
}

// positiveOr returns v, or def when v is zero or negative (an unset count or duration).
func positiveOr[T ~int | ~int32 | ~int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

func validateUpstream(p string, u Upstream, add func(string, string, ...any)) {
	switch {
	case u.URL == "" && len(u.URLs) == 0:
		add(p+".url", "required (url or urls)")
	case u.URL != "" && len(u.URLs) > 0:
		add(p+".urls", "set url or urls, not both")
	}
	check := func(field, raw string) {
		if _, err := parseUpstreamURL(raw); err != nil {
			add(field, "%v", err)
		}
	}
	if u.URL != "" {
		check(p+".url", u.URL)
	}
	for i, s := range u.URLs {
		check(fmt.Sprintf("%s.urls[%d]", p, i), s)
	}
	checkEnum(add, p+".balance", u.Balance, "round_robin", "least_requests")
	checkEnum(add, p+".host", u.Host, "preserve", "upstream")
	checkEnum(add, p+".engine", u.Engine, "auto", "std")
	if u.MaxIdleConns < 0 {
		add(p+".max_idle_conns", "must not be negative")
	}
	if u.Breaker.Failures < 0 || u.Breaker.Successes < 0 || u.Breaker.Open < 0 {
		add(p+".breaker", "failures, successes and open must not be negative")
	}
	if hc := u.HealthCheck; hc != nil {
		if !strings.HasPrefix(hc.Path, "/") {
			add(p+".health_check.path", "must start with /, got %q", hc.Path)
		}
		if hc.Interval < 0 || hc.Timeout < 0 {
			add(p+".health_check", "interval and timeout must not be negative")
		}
	}
}

// parseUpstreamURL accepts http(s)://host[:port] with an empty or "/" path and nothing else.
func parseUpstreamURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %v", raw, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("bad URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("bad URL %q: missing host", raw)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("bad URL %q: bad port %q", raw, port)
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("bad URL %q: only scheme://host[:port] is allowed (no path, query, fragment or user)", raw)
	}
	return u, nil
}

func validateMatch(p string, m Match, add func(string, string, ...any)) {
	n := 0
	for _, s := range []string{m.PathExact, m.PathPrefix, m.PathRegex} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		add(p, "set at most one of path_exact, path_prefix and path_regex")
	}
	for _, f := range []struct{ name, v string }{{"path_exact", m.PathExact}, {"path_prefix", m.PathPrefix}} {
		if f.v == "" {
			continue
		}
		if !strings.HasPrefix(f.v, "/") {
			add(p+"."+f.name, "must start with /, got %q", f.v)
			continue
		}
		v := f.v
		if c, err := Canonicalize(v, PathPolicy{}); err != nil || c.Path != v {
			add(p+"."+f.name, "%q is not a canonical path (no //, dot segments, ;, %%2F, control characters; upper-case %%XX; unreserved characters not encoded)", f.v)
		}
	}
	if m.PathRegex != "" {
		if _, err := regexp.Compile("^(?:" + m.PathRegex + ")$"); err != nil {
			add(p+".path_regex", "bad RE2 expression %q: %v", m.PathRegex, err)
		}
	}
	for i, meth := range m.Methods {
		if !knownMethods[meth] {
			add(fmt.Sprintf("%s.methods[%d]", p, i), "unknown method %q (upper case, e.g. GET)", meth)
		}
	}
	for _, kv := range []struct {
		f    string
		list []ValueMatch
	}{{"headers", m.Headers}, {"query", m.Query}} {
		for i, vm := range kv.list {
			q := fmt.Sprintf("%s.%s[%d]", p, kv.f, i)
			if vm.Name == "" {
				add(q+".name", "required")
			}
			if (vm.Value == "") == (vm.Regex == "") {
				add(q, "set exactly one of value and regex")
			}
			if vm.Regex != "" {
				if _, err := regexp.Compile("^(?:" + vm.Regex + ")$"); err != nil {
					add(q+".regex", "bad RE2 expression %q: %v", vm.Regex, err)
				}
			}
		}
	}
}

// samePrecedence reports whether two matches have equal Gateway API precedence and may match
// the same request, so the winner would depend on file order.
func samePrecedence(a, b Match) bool {
	ka, pa := pathKey(a)
	kb, pb := pathKey(b)
	if ka != kb || pa != pb {
		return false
	}
	if (len(a.Methods) == 0) != (len(b.Methods) == 0) || len(a.Headers) != len(b.Headers) || len(a.Query) != len(b.Query) {
		return false
	}
	if len(a.Methods) > 0 && !intersects(a.Methods, b.Methods) {
		return false
	}
	if disjointValues(a.Headers, b.Headers, true) || disjointValues(a.Query, b.Query, false) {
		return false
	}
	return true
}

func pathKey(m Match) (kind int, path string) {
	switch {
	case m.PathExact != "":
		return kindExact, m.PathExact
	case m.PathRegex != "":
		return kindRegex, m.PathRegex
	default:
		return kindPrefix, trimPrefix(m.PathPrefix)
	}
}

func trimPrefix(p string) string {
	if p == "" {
		return "/"
	}
	for len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	return p
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// disjointValues reports whether two match lists cannot both hold: some name has two
// different exact values.
func disjointValues(a, b []ValueMatch, foldName bool) bool {
	for _, x := range a {
		for _, y := range b {
			same := x.Name == y.Name || (foldName && strings.EqualFold(x.Name, y.Name))
			if same && x.Value != "" && y.Value != "" && x.Value != y.Value {
				return true
			}
		}
	}
	return false
}
