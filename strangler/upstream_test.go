package strangler

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMultiInstanceBalancing(t *testing.T) {
	mono := newBackend(t, "monolith")
	a, b, c := newBackend(t, "a"), newBackend(t, "b"), newBackend(t, "c")
	for _, bal := range []string{"round_robin", "least_requests"} {
		t.Run(bal, func(t *testing.T) {
			a.hits.Store(0)
			b.hits.Store(0)
			c.hits.Store(0)
			y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale: {urls: [%s, %s, %s], balance: %s}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
`, mono.URL, a.URL, b.URL, c.URL, bal)
			p := startProxy(t, y, nil)
			for i := 0; i < 90; i++ {
				if code, _, _ := get(t, p.url+"/api/sale/1"); code != 200 {
					t.Fatalf("status %d", code)
				}
			}
			for _, be := range []*backend{a, b, c} {
				n := be.hits.Load()
				if bal == "round_robin" && n != 30 {
					t.Errorf("round robin: instance %s got %d of 90, want 30", be.name, n)
				}
				if n == 0 {
					t.Errorf("%s: instance %s got no traffic", bal, be.name)
				}
			}
		})
	}
}

// TestRetryAndEjection: a dead instance costs no failed request (connection failures are
// retried on another instance) and is ejected after the failure threshold.
func TestRetryAndEjection(t *testing.T) {
	mono := newBackend(t, "monolith")
	live := newBackend(t, "live")
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale:
    urls: [%s, %s]
    breaker: {failures: 2, open: 10s}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
retry: {attempts: 1, budget: 100}
`, mono.URL, deadURL, live.URL)
	p := startProxy(t, y, nil)
	for i := 0; i < 40; i++ {
		code, by, _ := get(t, p.url+"/api/sale/1")
		if code != 200 || by != "live" {
			t.Fatalf("request %d = %d from %q, want 200 from the live instance", i, code, by)
		}
	}
	pl := p.table.Load().services["timesale"]
	var deadInst *instance
	for _, in := range *pl.instances.Load() {
		if strings.HasSuffix(deadURL, in.addr) {
			deadInst = in
		}
	}
	if deadInst == nil || deadInst.ejectedUntil.Load() < time.Now().UnixNano() {
		t.Errorf("dead instance not ejected")
	}
	if pl.br.State() != BreakerClosed {
		t.Errorf("breaker %s: failures on one instance were followed by successes, want closed", pl.br.State())
	}
	// POST is never retried: with the live instance gone too it fails (no fallback for a body).
	live.Close()
	resp, err := testClient.Post(p.url+"/api/sale/1", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("POST with all instances down = %d, want 502", resp.StatusCode)
	}
	if mono.hits.Load() != 0 {
		t.Errorf("a POST with a body fell back to the monolith")
	}
}

func TestActiveHealthCheck(t *testing.T) {
	mono := newBackend(t, "monolith")
	healthy := newBackend(t, "healthy")
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Served-By", "sick")
	}))
	defer sick.Close()
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale:
    urls: [%s, %s]
    health_check: {path: /healthz, interval: 50ms, timeout: 1s}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
`, mono.URL, sick.URL, healthy.URL)
	p := startProxy(t, y, nil)
	pl := p.table.Load().services["timesale"]
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		sickDown := false
		for _, in := range *pl.instances.Load() {
			if strings.HasSuffix(sick.URL, in.addr) && in.unhealthy.Load() {
				sickDown = true
			}
		}
		if sickDown {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("active health check never marked the sick instance unhealthy")
		}
	}
	for i := 0; i < 20; i++ {
		if _, by, _ := get(t, p.url+"/api/sale/1"); by != "healthy" {
			t.Fatalf("request %d answered by %q, want only the healthy instance", i, by)
		}
	}
}

// TestDNSReresolve: a host name is resolved to addresses and each becomes an instance.
func TestDNSReresolve(t *testing.T) {
	mono := newBackend(t, "monolith")
	svc := newBackend(t, "timesale")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(svc.URL, "http://"))
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale: {url: "http://localhost:%s", resolve: 50ms}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
`, mono.URL, port)
	p := startProxy(t, y, nil)
	pl := p.table.Load().services["timesale"]
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		insts := *pl.instances.Load()
		for _, in := range insts {
			if in.addr == "127.0.0.1:"+port && in.origin == "localhost:"+port {
				if code, by, _ := get(t, p.url+"/api/sale/1"); code != 200 || by != "timesale" {
					t.Fatalf("via resolved instance: %d from %q", code, by)
				}
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("localhost never resolved to an instance 127.0.0.1:%s: %v", port, *pl.instances.Load())
}

func TestIdentityBridge(t *testing.T) {
	key := strings.Repeat("k", 32)
	var validations int
	mono := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/internal/session" {
			validations++
			if c, err := r.Cookie("session"); err == nil && c.Value == "good" {
				io.WriteString(w, `{"user":"u1"}`)
				return
			}
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Header().Set("X-Served-By", "monolith")
	}))
	defer mono.Close()
	var gotHeader string
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeader = r.Header.Get("X-Carve-Identity")
		w.Header().Set("X-Served-By", "timesale")
	}))
	defer svc.Close()
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  timesale: {url: %s}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
identity: {validate_url: %s/internal/session, cookie: session, key_env: IDKEY, cache_ttl: 1m}
`, mono.URL, svc.URL, mono.URL)
	p := startProxy(t, y, map[string]string{"IDKEY": key})
	for i := 0; i < 3; i++ {
		get(t, p.url+"/api/sale/1", "Cookie", "session=good", "X-Carve-Identity", "forged")
		payload, err := VerifyIdentity(gotHeader, []byte(key), time.Now())
		if err != nil || string(payload) != `{"user":"u1"}` {
			t.Fatalf("identity header %q: payload %q, %v", gotHeader, payload, err)
		}
	}
	if validations != 1 {
		t.Errorf("session validated %d times, want 1 (cached)", validations)
	}
	get(t, p.url+"/api/sale/1", "Cookie", "session=bad", "X-Carve-Identity", "forged")
	if gotHeader != "" {
		t.Errorf("invalid session: identity header %q, want none (client copy stripped)", gotHeader)
	}
	if _, err := VerifyIdentity(SignIdentity([]byte(key), []byte("x"), time.Now().Add(-time.Second)), []byte(key), time.Now()); err != ErrIdentityExpired {
		t.Errorf("expired header: %v, want ErrIdentityExpired", err)
	}
	if _, err := VerifyIdentity(SignIdentity([]byte("other-key-other-key-other-key-xx"), []byte("x"), time.Now().Add(time.Minute)), []byte(key), time.Now()); err != ErrIdentityInvalid {
		t.Errorf("wrong key: %v, want ErrIdentityInvalid", err)
	}
	// A missing key is a startup error.
	cfg, _ := Parse("t.yaml", []byte(y))
	if _, err := New(cfg, Options{Logger: discardLogger(), Getenv: func(string) string { return "" }}); err == nil || !strings.Contains(err.Error(), "IDKEY") {
		t.Errorf("New without identity key: %v, want an error naming IDKEY", err)
	}
}

func TestMetrics(t *testing.T) {
	mono, svc := twoBackends(t)
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), adminEnv)
	get(t, p.url+"/api/sale/1")
	get(t, p.url+"/api/sale/1")
	get(t, p.url+"/other/42")
	get(t, p.url+"/api/sale%2F1")
	resp, err := testClient.Get(p.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	for _, want := range []string{
		`carve_proxy_requests_total{code="2xx",route="sale",variant="service"} 2`,
		`carve_proxy_requests_total{code="2xx",route="default",variant="monolith"} 1`,
		`carve_proxy_requests_total{code="4xx",route="default",variant="proxy"} 1`,
		`carve_proxy_canonical_actions_total{action="rejected"} 1`,
		`carve_proxy_request_duration_seconds_bucket{route="sale",variant="service"`,
		`carve_proxy_breaker_state{upstream="timesale"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/other/42") || strings.Contains(body, "/api/sale") {
		t.Errorf("raw paths leaked into metric labels")
	}
}
