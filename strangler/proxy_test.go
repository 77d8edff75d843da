package strangler

import (
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

func twoBackends(t *testing.T) (mono, svc *backend) {
	return newBackend(t, "monolith"), newBackend(t, "timesale")
}

func cfgYAML(mono, svc string, routes string) string {
	return fmt.Sprintf(`version: 1
admin: {token_env: TOKEN}
monolith: {url: %s}
services:
  timesale: {url: %s}
routes:
%s`, mono, svc, routes)
}

var adminEnv = map[string]string{"TOKEN": "s3cret"}

func TestForwardingHeaders(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), adminEnv)

	code, by, e := get(t, p.url+"/api/sale/1?x=1",
		"X-Forwarded-For", "6.6.6.6",
		"X-Request-ID", "client-id-1",
		"Connection", "X-Forwarded-For, X-Request-Id, Traceparent, X-Custom",
		"X-Custom", "dropme",
		"X_Carve_Identity", "forged",
		"X-Carve-Identity", "forged",
		"Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"Tracestate", "vendor=1",
		"Host", "shop.example")
	if code != 200 || by != "timesale" {
		t.Fatalf("GET /api/sale/1 = %d from %q, want 200 from timesale", code, by)
	}
	h := http.Header(e.Header)
	if got := h.Values("X-Forwarded-For"); len(got) != 1 || got[0] != "127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q, want [127.0.0.1] (untrusted client value replaced)", got)
	}
	if got := h.Get("X-Request-Id"); got != "client-id-1" {
		t.Errorf("X-Request-Id = %q, want the client's id kept", got)
	}
	tp := h.Get("Traceparent")
	if !validTraceparent(tp) || !strings.HasPrefix(tp, "00-4bf92f3577b34da6a3ce929d0e0e4736-") || strings.Contains(tp, "00f067aa0ba902b7") {
		t.Errorf("Traceparent = %q, want same trace id with a new parent id", tp)
	}
	if got := h.Get("Tracestate"); got != "vendor=1" {
		t.Errorf("Tracestate = %q, want vendor=1 passed on", got)
	}
	if h.Get("X-Custom") != "" || h.Get("X_carve_identity") != "" || h.Get("X-Carve-Identity") != "" {
		t.Errorf("headers that must be stripped arrived: %v", h)
	}
	if e.Host != "shop.example" {
		t.Errorf("Host = %q, want the client's Host preserved", e.Host)
	}
	if h.Get("X-Forwarded-Host") != "shop.example" || h.Get("X-Forwarded-Proto") != "http" {
		t.Errorf("X-Forwarded-Host/Proto = %q/%q", h.Get("X-Forwarded-Host"), h.Get("X-Forwarded-Proto"))
	}
	if e.Query != "x=1" {
		t.Errorf("query = %q, want x=1", e.Query)
	}

	// A new request id and trace are created when absent.
	_, _, e = get(t, p.url+"/other")
	h = http.Header(e.Header)
	if id := h.Get("X-Request-Id"); len(id) != 36 || id[14] != '4' {
		t.Errorf("generated X-Request-Id = %q, want a UUIDv4", id)
	}
	if !validTraceparent(h.Get("Traceparent")) {
		t.Errorf("generated Traceparent = %q is not valid", h.Get("Traceparent"))
	}
}

func TestTrustedProxies(t *testing.T) {
	mono, svc := twoBackends(t)
	y := cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n") + "trusted_proxies: [127.0.0.0/8]\n"
	p := startProxy(t, y, adminEnv)
	_, _, e := get(t, p.url+"/x", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "10.0.0.1", "X-Forwarded-Proto", "https")
	h := http.Header(e.Header)
	if got := h.Get("X-Forwarded-For"); got != "1.2.3.4, 10.0.0.1, 127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q, want the trusted chain with the peer appended", got)
	}
	if got := h.Get("X-Forwarded-Proto"); got != "https" {
		t.Errorf("X-Forwarded-Proto = %q, want https from a trusted proxy", got)
	}
}

// TestMonolithLeak sends every spelling of a carved route: each is routed to the service with
// the canonical path or rejected; none reaches the monolith.
func TestMonolithLeak(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), adminEnv)
	addr := strings.TrimPrefix(p.url, "http://")
	tests := []struct {
		target   string
		wantCode int
		wantPath string // forwarded path when routed
	}{
		{"/api/sale/1", 200, "/api/sale/1"},
		{"/api//sale/1", 200, "/api/sale/1"},
		{"//api/sale/1", 200, "/api/sale/1"},
		{"/api/x/../sale/1", 200, "/api/sale/1"},
		{"/api/./sale/1", 200, "/api/sale/1"},
		{"/api/%73ale/1", 200, "/api/sale/1"},
		{"/api/%2e%2e/api/sale/1", 200, "/api/sale/1"},
		{`/api\sale\1`, 200, "/api/sale/1"},
		{"/api/sale%2F1", 400, ""},
		{"/api%2fsale/1", 400, ""},
		{"/api/sale;jsessionid=1", 400, ""},
		{"/API/sale/1", 400, ""},
		{"/Api/Sale", 400, ""},
		{"/api/sale/%00", 400, ""},
		{"/api/sale/1#x", 400, ""},
		{"/api/sale/%252e%252e/x", 200, "/api/sale/%252e%252e/x"},
	}
	for _, tt := range tests {
		line := rawRequest(t, addr, "GET "+tt.target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if !strings.Contains(line, fmt.Sprintf(" %d ", tt.wantCode)) {
			t.Errorf("GET %s: status line %q, want %d", tt.target, line, tt.wantCode)
		}
	}
	if n := mono.hits.Load(); n != 0 {
		t.Errorf("monolith got %d requests for carved spellings, want 0", n)
	}
	// And the forwarded path is the canonical one.
	for _, tt := range tests {
		if tt.wantCode != 200 || strings.HasPrefix(tt.target, "//") {
			continue // a client sends "//x" as absolute-form "http://x"; covered by the raw test above
		}
		u := &url.URL{Scheme: "http", Host: addr, Opaque: tt.target}
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.URL = u
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.target, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"path":"`+tt.wantPath+`"`) {
			t.Errorf("GET %s forwarded %s, want path %q", tt.target, body, tt.wantPath)
		}
	}
	if n := mono.hits.Load(); n != 0 {
		t.Errorf("monolith got %d requests, want 0", n)
	}
}

func TestFraming(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), adminEnv)
	addr := strings.TrimPrefix(p.url, "http://")
	bad := map[string]string{
		"duplicate CL":     "POST /api/sale HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
		"CL list":          "POST /api/sale HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 5\r\n\r\nabcde",
		"TE xchunked":      "POST /api/sale HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
		"control in path":  "GET /api/sale/\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
		"NUL in header":    "GET /api/sale HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
		"CONNECT":          "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n",
		"space in target":  "GET /api/sale /x HTTP/1.1\r\nHost: x\r\n\r\n",
		"two Host headers": "GET /api/sale HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	}
	for name, req := range bad {
		line := rawRequest(t, addr, req)
		if !strings.Contains(line, " 400 ") && !strings.Contains(line, " 501 ") {
			t.Errorf("%s: status line %q, want 400 (or 501)", name, line)
		}
	}
	if n := mono.hits.Load() + svc.hits.Load(); n != 0 {
		t.Errorf("backends got %d malformed requests, want 0", n)
	}
	// OPTIONS * is answered by net/http itself and never forwarded.
	if line := rawRequest(t, addr, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"); !strings.Contains(line, " 200 ") && !strings.Contains(line, " 400 ") {
		t.Errorf("OPTIONS *: %q", line)
	}
	if n := mono.hits.Load() + svc.hits.Load(); n != 0 {
		t.Errorf("OPTIONS * reached a backend")
	}
	// A bare LF in a chunk-size line (CVE-2025-22871) never yields a successful request.
	if line := rawRequest(t, addr, "POST /api/sale HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\nabcd\r\n0\r\n\r\n"); strings.Contains(line, " 200 ") {
		t.Errorf("bare LF chunk: %q, want an error status", line)
	}
	// Content-Length plus Transfer-Encoding: net/http drops Content-Length and decodes the
	// chunked body (RFC 9112 6.3); the proxy re-frames it, so the pipelined request after the
	// chunked body is a separate request the proxy routes itself, never smuggled in a body.
	before := mono.hits.Load()
	raw := "POST /api/sale HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
		"GET /smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(3 * time.Second))
	io.WriteString(c, raw)
	all, _ := io.ReadAll(c)
	c.Close()
	if n := strings.Count(string(all), "HTTP/1.1 "); n != 2 {
		t.Errorf("CL+TE: got %d responses, want 2 (the chunked POST and the separate GET):\n%s", n, all)
	}
	if mono.hits.Load() != before+1 || !strings.Contains(string(all), `"path":"/smuggled"`) {
		t.Errorf("CL+TE: the pipelined GET was not routed as its own request")
	}
}

func TestCanarySplitAndStickiness(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, `  - name: sale
    match: {path_prefix: /api/sale}
    service: timesale
    stage: canary
    weight: 30
    sticky: {header: X-User-ID}
  - name: rand
    match: {path_prefix: /api/rand}
    service: timesale
    stage: canary
    weight: 30
`), adminEnv)
	const n = 2000
	for _, tc := range []struct{ path, hdr string }{{"/api/sale/x", "X-User-ID"}, {"/api/rand/x", ""}} {
		service := 0
		for i := 0; i < n; i++ {
			var by string
			if tc.hdr != "" {
				_, by, _ = get(t, p.url+tc.path, tc.hdr, fmt.Sprintf("user-%d", i))
			} else {
				_, by, _ = get(t, p.url+tc.path)
			}
			if by == "timesale" {
				service++
			}
		}
		got := float64(service) / n
		sigma := math.Sqrt(0.3 * 0.7 / n)
		if math.Abs(got-0.3) > 4*sigma {
			t.Errorf("%s: service share %.3f over %d requests, want 0.300 ± %.3f", tc.path, got, n, 4*sigma)
		}
	}
	// Stickiness: the same key always gets the same variant, and raising the weight only
	// moves keys from the monolith to the service.
	const keys = 300
	prev := make([]bool, keys)
	for _, w := range []int{10, 25, 50, 80, 100} {
		if err := p.SetStage("sale", StageCanary, w); err != nil {
			t.Fatal(err)
		}
		inService := 0
		for k := 0; k < keys; k++ {
			key := fmt.Sprintf("k%d", k)
			_, by1, _ := get(t, p.url+"/api/sale/1", "X-User-ID", key)
			_, by2, _ := get(t, p.url+"/api/sale/2", "X-User-ID", key)
			if by1 != by2 {
				t.Fatalf("weight %d key %s: variants %s then %s, want sticky", w, key, by1, by2)
			}
			now := by1 == "timesale"
			if prev[k] && !now {
				t.Errorf("weight %d: key %s moved back from service to monolith", w, key)
			}
			if now != (Bucket("sale", key) < uint32(w*100)) {
				t.Errorf("weight %d key %s: got %s, Bucket says otherwise", w, key, by1)
			}
			prev[k] = now
			if now {
				inService++
			}
		}
		if w == 100 && inService != keys {
			t.Errorf("weight 100: %d/%d keys on the service", inService, keys)
		}
	}
}

func TestOverrideAndStages(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: canary, weight: 0}\n"), adminEnv)
	check := func(step, want string, hdr ...string) {
		t.Helper()
		code, by, _ := get(t, p.url+"/api/sale/1", hdr...)
		if by != want {
			t.Errorf("%s: answered by %q (%d), want %q", step, by, code, want)
		}
	}
	check("canary 0", "monolith")
	check("canary 0 + header override", "timesale", "X-Carve-Variant", "service")
	check("canary 0 + cookie override", "timesale", "Cookie", "a=b; carve_variant=service")
	check("canary 0 + junk override", "monolith", "X-Carve-Variant", "yes")
	post := func(stage string, weight int) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, p.admin+"/routes/sale/stage", strings.NewReader(fmt.Sprintf(`{"stage":%q,"weight":%d}`, stage, weight)))
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST stage %s: %d %s", stage, resp.StatusCode, b)
		}
	}
	post("full", 0)
	check("full", "timesale")
	check("full + monolith override", "monolith", "X-Carve-Variant", "monolith")
	post("shadow", 0)
	check("rollback to shadow", "monolith")
	post("retired", 0)
	check("retired", "timesale")
	check("retired ignores override", "timesale", "X-Carve-Variant", "monolith")
	// Retired and the service down: the proxy answers 410, never the monolith.
	svc.Close()
	before := mono.hits.Load()
	code, by, _ := get(t, p.url+"/api/sale/1")
	if code != http.StatusGone || by != "" {
		t.Errorf("retired with service down = %d from %q, want 410 from the proxy", code, by)
	}
	if mono.hits.Load() != before {
		t.Errorf("retired route reached the monolith")
	}
	// Bad stage change: rejected, old config keeps serving.
	req, _ := http.NewRequest(http.MethodPost, p.admin+"/routes/sale/stage", strings.NewReader(`{"stage":"canary","weight":150}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || p.Config().Routes[0].Stage != StageRetired {
		t.Errorf("bad stage change: %d, stage now %s; want 400 and retired kept", resp.StatusCode, p.Config().Routes[0].Stage)
	}
}

func TestAdminAuth(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), adminEnv)
	do := func(method, path, token string) int {
		req, _ := http.NewRequest(method, p.admin+path, strings.NewReader(`{"stage":"shadow"}`))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/readyz", "", 200},
		{"GET", "/metrics", "", 200},
		{"GET", "/routes", "", 401},
		{"GET", "/routes", "wrong", 401},
		{"GET", "/routes", "s3cret", 200},
		{"GET", "/routes/sale/stage", "s3cret", 405},
		{"POST", "/routes/sale/stage", "", 401},
		{"POST", "/routes/nope/stage", "s3cret", 404},
		{"GET", "/config", "s3cret", 200},
		{"GET", "/routes/sale/diff", "s3cret", 200},
		{"GET", "/routes/nope/diff", "s3cret", 404},
		{"GET", "/routes/sale", "s3cret", 200},
		{"POST", "/reload", "s3cret", 400},
	} {
		if got := do(tc.method, tc.path, tc.token); got != tc.want {
			t.Errorf("%s %s (token %q) = %d, want %d", tc.method, tc.path, tc.token, got, tc.want)
		}
	}
	if p.Config().Routes[0].Stage != StageFull {
		t.Errorf("stage changed by a rejected request")
	}
	// The admin API is not on the proxy listener.
	if code, _, _ := get(t, p.url+"/routes"); code != 200 || mono.hits.Load() != 1 {
		t.Errorf("GET /routes on the proxy listener should reach the monolith")
	}
	// Without a token configured every protected endpoint is 403.
	p2 := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), nil)
	resp, err := testClient.Get(p2.admin + "/routes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("GET /routes without token configured = %d, want 403", resp.StatusCode)
	}
}

func TestBreakerFallback(t *testing.T) {
	mono, svc := twoBackends(t)
	y := fmt.Sprintf(`version: 1
admin: {token_env: TOKEN}
monolith: {url: %s}
services:
  timesale:
    url: %s
    breaker: {failures: 3, open: 1s, successes: 2}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
`, mono.URL, svc.URL)
	p := startProxy(t, y, adminEnv)
	br := p.table.Load().services["timesale"].br
	svc.status.Store(500)
	for i := 0; i < 3; i++ {
		if code, by, _ := get(t, p.url+"/api/sale/1"); code != 500 || by != "timesale" {
			t.Fatalf("failing request %d = %d from %q, want the service's 500", i, code, by)
		}
	}
	if br.State() != BreakerOpen {
		t.Fatalf("breaker = %s after 3 failures, want open", br.State())
	}
	hits := svc.hits.Load()
	for i := 0; i < 5; i++ {
		if code, by, _ := get(t, p.url+"/api/sale/1"); code != 200 || by != "monolith" {
			t.Fatalf("while open = %d from %q, want 200 from the monolith", code, by)
		}
	}
	if svc.hits.Load() != hits {
		t.Errorf("service got traffic while the breaker was open")
	}
	svc.status.Store(0)
	time.Sleep(1100 * time.Millisecond)
	if br.State() != BreakerHalfOpen {
		t.Fatalf("breaker = %s after the open period, want half-open", br.State())
	}
	for i := 0; i < 2; i++ {
		if _, by, _ := get(t, p.url+"/api/sale/1"); by != "timesale" {
			t.Fatalf("half-open probe %d answered by %q, want the service", i, by)
		}
	}
	if br.State() != BreakerClosed {
		t.Fatalf("breaker = %s after 2 good probes, want closed", br.State())
	}
	// A failed probe opens again.
	svc.status.Store(500)
	for i := 0; i < 3; i++ {
		get(t, p.url+"/api/sale/1")
	}
	time.Sleep(1100 * time.Millisecond)
	get(t, p.url+"/api/sale/1")
	if br.State() != BreakerOpen {
		t.Errorf("breaker = %s after a failed probe, want open", br.State())
	}
	// Service unreachable: idempotent requests fall back to the monolith at once.
	svc.Close()
	time.Sleep(1100 * time.Millisecond)
	if code, by, _ := get(t, p.url+"/api/sale/1"); code != 200 || by != "monolith" {
		t.Errorf("service down = %d from %q, want fallback to the monolith", code, by)
	}
}

func TestStickyCookie(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: canary, weight: 50, sticky: {cookie: sid}}\n"), nil)
	for k := 0; k < 60; k++ {
		key := fmt.Sprintf("session-%d", k)
		want := "monolith"
		if Bucket("sale", key) < 5000 {
			want = "timesale"
		}
		for i := 0; i < 2; i++ {
			if _, by, _ := get(t, p.url+"/api/sale/1", "Cookie", "other=1; sid="+key); by != want {
				t.Fatalf("cookie sid=%s: served by %q, want %q", key, by, want)
			}
		}
	}
}

func TestBucketMonotone(t *testing.T) {
	// Raising the weight only adds keys: the set for weight w is a subset of the set for w+1,
	// by construction (bucket < w*100); check the distribution is uniform enough.
	counts := make([]int, 10)
	for k := 0; k < 20000; k++ {
		counts[Bucket("r", fmt.Sprint(k))/1000]++
	}
	for i, c := range counts {
		if c < 1800 || c > 2200 {
			t.Errorf("decile %d has %d of 20000 keys, want about 2000", i, c)
		}
	}
	if Bucket("a", "k") == Bucket("b", "k") && Bucket("a", "k2") == Bucket("b", "k2") {
		t.Errorf("routes do not salt the hash")
	}
}

func TestRedirectPolicyAndUpstreamHost(t *testing.T) {
	mono, svc := twoBackends(t)
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale: {url: %s, host: upstream}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
paths: {on_change: redirect}
`, mono.URL, svc.URL)
	p := startProxy(t, y, nil)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.url + "/api//sale/./1?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != "/api/sale/1?x=1" {
		t.Errorf("non-canonical path = %d Location %q, want 308 to /api/sale/1?x=1", resp.StatusCode, resp.Header.Get("Location"))
	}
	if svc.hits.Load() != 0 || mono.hits.Load() != 0 {
		t.Errorf("a redirected request reached a backend")
	}
	_, by, e := get(t, p.url+"/api/sale/1", "Host", "shop.example")
	if by != "timesale" || e.Host != strings.TrimPrefix(svc.URL, "http://") {
		t.Errorf("host: upstream sent Host %q to %q, want the instance's host:port", e.Host, by)
	}
}

// TestGoVersionFloor pins the toolchain: net/http fixes the proxy relies on (bare LF in chunk
// sizes, CVE-2025-22871) are in Go 1.23.8 / 1.24.2 and later.
func TestGoVersionFloor(t *testing.T) {
	v := strings.TrimPrefix(runtime.Version(), "go")
	var major, minor, patch int
	fmt.Sscanf(v, "%d.%d.%d", &major, &minor, &patch)
	if major == 0 {
		t.Skipf("unparsable Go version %q (devel toolchain?)", runtime.Version())
	}
	ok := major > 1 || minor > 24 || (minor == 24 && patch >= 2) || (minor == 23 && patch >= 8)
	if !ok {
		t.Errorf("built with %s; carve proxy needs Go ≥ 1.24.2 (CVE-2025-22871)", runtime.Version())
	}
}
