package strangler

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const goodConfig = `version: 1
listen: 127.0.0.1:8080
admin: {listen: 127.0.0.1:9090, token_env: CARVE_ADMIN_TOKEN}
monolith: {url: http://127.0.0.1:8081}
services:
  timesale: {url: http://127.0.0.1:8082}
  orders:
    urls: [http://127.0.0.1:8083, http://127.0.0.1:8084]
    balance: least_requests
    breaker: {failures: 3, open: 5s}
    health_check: {path: /healthz, interval: 1s}
routes:
  - name: sale
    match: {path_prefix: /api/sale, methods: [GET, POST]}
    service: timesale
    stage: canary
    weight: 10
    sticky: {header: X-User-ID}
  - name: orders
    match:
      path_exact: /api/orders
      headers: [{name: X-Beta, value: "1"}]
      query: [{name: v, regex: "[0-9]+"}]
    service: orders
    stage: shadow
    shadow: {ignore: [data.updated_at]}
paths: {escaped_slash: reject, params: strip}
trusted_proxies: [10.0.0.0/8, 127.0.0.1]
timeouts: {connect: 2s, response: 10s}
retry: {attempts: 2, on_status: [503], budget: 10}
`

func TestParseGood(t *testing.T) {
	cfg, err := Parse("strangler.yaml", []byte(goodConfig))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := len(cfg.Routes), 2; got != want {
		t.Fatalf("routes = %d, want %d", got, want)
	}
	if cfg.Services["orders"].Breaker.Open.String() != "5s" {
		t.Errorf("breaker.open = %v, want 5s", cfg.Services["orders"].Breaker.Open)
	}
	// Marshal round trip gives the same Config.
	b, err := Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("roundtrip.yaml", b)
	if err != nil {
		t.Fatalf("Parse(Marshal(cfg)): %v\n%s", err, b)
	}
	if diff := cmp.Diff(cfg, again); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestParseBad(t *testing.T) {
	base := "version: 1\nmonolith: {url: http://127.0.0.1:8081}\nservices:\n  s: {url: http://127.0.0.1:8082}\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top key", "version: 1\nmonolit: {url: http://x}\n", `strangler.yaml:2:1: monolit: unknown key "monolit"`},
		{"unknown nested key", base + "routes:\n  - name: a\n    match: {path_prefx: /a}\n    service: s\n    stage: full\n", `strangler.yaml:7:13: routes[0].match.path_prefx: unknown key`},
		{"bad url scheme", "version: 1\nmonolith: {url: ftp://x}\n", `strangler.yaml:2:17: monolith.url: bad URL "ftp://x": scheme must be http or https`},
		{"url with path", "version: 1\nmonolith:\n  url: http://x/app\n", `strangler.yaml:3:8: monolith.url: bad URL "http://x/app": only scheme://host[:port]`},
		{"missing monolith", "version: 1\n", `strangler.yaml:1:1: monolith.url: required`},
		{"bad version", "version: 2\nmonolith: {url: http://x}\n", `strangler.yaml:1:10: version: unsupported version 2`},
		{"weight too high", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: canary\n    weight: 120\n", `strangler.yaml:10:13: routes[0].weight: out of range: 120`},
		{"weight negative", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: canary\n    weight: -1\n", `strangler.yaml:10:13: routes[0].weight: out of range: -1`},
		{"weight outside canary", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: full\n    weight: 5\n", `routes[0].weight: only allowed in stage canary`},
		{"weight not int", base + "routes:\n  - name: a\n    weight: ten\n", `strangler.yaml:7:13: routes[0].weight: expected int, got "ten"`},
		{"bad duration", "version: 1\nmonolith: {url: http://x}\ntimeouts: {connect: fast}\n", `strangler.yaml:3:21: timeouts.connect: expected a duration`},
		{"unknown service", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: nope\n    stage: full\n", `strangler.yaml:8:14: routes[0].service: unknown service "nope"`},
		{"unknown stage", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: live\n", `strangler.yaml:9:12: routes[0].stage: unknown stage "live"`},
		{"overlap equal precedence", base + "routes:\n  - name: a\n    match: {path_prefix: /api/sale}\n    service: s\n    stage: full\n  - name: b\n    match: {path_prefix: /api/sale/}\n    service: s\n    stage: canary\n", `strangler.yaml:11:12: routes[1].match: overlaps routes[0] ("a") with equal precedence`},
		{"overlap methods", base + "routes:\n  - name: a\n    match: {path_exact: /x, methods: [GET, POST]}\n    service: s\n    stage: full\n  - name: b\n    match: {path_exact: /x, methods: [POST]}\n    service: s\n    stage: full\n", `routes[1].match: overlaps routes[0]`},
		{"non-canonical prefix", base + "routes:\n  - name: a\n    match: {path_prefix: /api//sale}\n    service: s\n    stage: full\n", `routes[0].match.path_prefix: "/api//sale" is not a canonical path`},
		{"bad regex", base + "routes:\n  - name: a\n    match: {path_regex: \"/a(\"}\n    service: s\n    stage: full\n", `routes[0].match.path_regex: bad RE2 expression`},
		{"duplicate route", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: full\n  - name: a\n    match: {path_prefix: /b}\n    service: s\n    stage: full\n", `routes[1].name: duplicate route name "a"`},
		{"duplicate key", "version: 1\nversion: 1\n", `strangler.yaml:2:1: version: duplicate key`},
		{"retired fallback", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: retired\n    fallback: true\n", `routes[0].fallback: a retired route never falls back`},
		{"bad cidr", "version: 1\nmonolith: {url: http://x}\ntrusted_proxies: [10.0.0.0/33]\n", `strangler.yaml:3:19: trusted_proxies[0]: bad CIDR`},
		{"same listeners", "version: 1\nlisten: 127.0.0.1:9090\nmonolith: {url: http://x}\n", `admin.listen: must differ from listen`},
		{"syntax error", "version: 1\nmonolith: {url: http://x\n", `strangler.yaml:`},
		{"list instead of map", "version: 1\nmonolith: [a]\n", `strangler.yaml:2:11: monolith: expected a mapping, got a list`},
		{"sticky both", base + "routes:\n  - name: a\n    match: {path_prefix: /a}\n    service: s\n    stage: canary\n    sticky: {header: X, cookie: y}\n", `routes[0].sticky: set exactly one of header and cookie`},
		{"bad escaped_slash", "version: 1\nmonolith: {url: http://x}\npaths: {escaped_slash: allow}\n", `strangler.yaml:3:24: paths.escaped_slash: unknown value "allow"`},
		{"bad server engine", "version: 1\nmonolith: {url: http://x}\nserver: {engine: fast}\n", `strangler.yaml:3:18: server.engine: unknown value "fast"`},
		{"alias", "version: 1\nmonolith: &m {url: http://x}\nservices:\n  s: *m\n", `YAML aliases are not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("strangler.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte("version: 1\nmonolith: {url: http://x}\n"))
	f.Add([]byte("version: 1\nroutes: [{name: a, match: {path_regex: '(a'}}]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil && cfg == nil {
			t.Fatal("Parse returned neither config nor error")
		}
		if err == nil {
			if _, err := Marshal(cfg); err != nil {
				t.Fatalf("Marshal of a valid config: %v", err)
			}
		}
	})
}
