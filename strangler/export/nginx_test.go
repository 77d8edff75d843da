package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carve-go/carve/strangler"
)

// nginxBinary returns the nginx executable or skips the test.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: runs a real nginx (skipped with -short)")
	}
	for _, p := range []string{os.Getenv("CARVE_NGINX"), "/usr/sbin/nginx"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	t.Skip("nginx not installed (apt-get install nginx-light, or set CARVE_NGINX); .ci/run installs it")
	return ""
}

// nginxPrefix makes a prefix directory NGINX workers can use also when the test runs as root
// (workers then run as nobody).
func nginxPrefix(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestNGINXSyntax runs nginx -t on the export of every test config.
func TestNGINXSyntax(t *testing.T) {
	bin := nginxBinary(t)
	for _, in := range configs(t) {
		t.Run(in, func(t *testing.T) {
			out, _, err := NGINXConf(loadConfig(t, in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := nginxPrefix(t)
			conf := filepath.Join(dir, "nginx.conf")
			if err := os.WriteFile(conf, out, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "-t", "-q", "-p", dir, "-c", conf, "-e", "stderr")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("nginx -t: %v\n%s", err, b)
			}
		})
	}
}

// freePort returns a loopback port that was free a moment ago (nginx binds it itself).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startNGINX runs the config render returns for a listen address in the foreground, and stops
// it in cleanup. A port taken between freePort and nginx's bind is retried.
func startNGINX(t *testing.T, bin string, render func(listen string) []byte) string {
	t.Helper()
	var lastErr string
	for attempt := 0; attempt < 5; attempt++ {
		addr, errText := tryNGINX(t, bin, render)
		if addr != "" {
			return addr
		}
		lastErr = errText
	}
	t.Fatalf("nginx did not start: %s", lastErr)
	return ""
}

func tryNGINX(t *testing.T, bin string, render func(listen string) []byte) (string, string) {
	listen := freePort(t)
	dir := nginxPrefix(t)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, render(listen), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", "stderr", "-g", "daemon off;")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return "", stderr.String()
		default:
		}
		if c, err := net.DialTimeout("tcp", listen, 100*time.Millisecond); err == nil {
			c.Close()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
				if t.Failed() {
					b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
					t.Logf("nginx stderr:\n%s\nerror.log:\n%s", stderr.String(), b)
				}
			})
			return listen, ""
		}
	}
	cmd.Process.Kill()
	<-exited
	return "", "timeout waiting for nginx: " + stderr.String()
}

// diffBackend answers with its name and the request target it received, and records the
// targets in seen.
func diffBackend(t *testing.T, name string, seen chan<- string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if seen != nil {
			select {
			case seen <- r.Method + " " + r.RequestURI:
			default:
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"backend": name, "target": r.RequestURI})
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

type diffRequest struct {
	method, target string
	headers        []string // "Name: value"
	// divergent names the export warning feature that documents a difference on this request.
	divergent string
}

type diffResult struct {
	Status  int
	Backend string
	Target  string
}

// send writes one raw HTTP/1.1 request (the target exactly as given) and reads the answer.
func send(addr string, rq diffRequest) (diffResult, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return diffResult{}, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n", rq.method, rq.target)
	for _, h := range rq.headers {
		b.WriteString(h + "\r\n")
	}
	if rq.method == "POST" || rq.method == "PUT" {
		b.WriteString("Content-Length: 2\r\n\r\n{}")
	} else {
		b.WriteString("\r\n")
	}
	if _, err := io.WriteString(c, b.String()); err != nil {
		return diffResult{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return diffResult{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	res := diffResult{Status: resp.StatusCode}
	var e struct{ Backend, Target string }
	if json.Unmarshal(body, &e) == nil {
		res.Backend, res.Target = e.Backend, e.Target
	}
	return res, nil
}

const diffConfig = `version: 1
monolith:
  url: http://%[1]s
services:
  orders:
    url: http://%[2]s
  dead:
    url: http://%[3]s
routes:
  - name: dead-full
    match: {path_prefix: /api/dead/full}
    service: dead
    stage: full
  - name: dead-nofallback
    match: {path_prefix: /api/dead/nofallback}
    service: dead
    stage: full
    fallback: false
  - name: dead-retired
    match: {path_prefix: /api/dead/retired}
    service: dead
    stage: retired
    retired_status: 404
  - name: exact
    match: {path_exact: /api/cart, methods: [GET]}
    service: orders
    stage: full
  - name: prefix
    match: {path_prefix: /api/orders}
    service: orders
    stage: full
  - name: regex
    match: {path_regex: '^/api/products/[0-9]+$', methods: [GET, PUT]}
    service: orders
    stage: full
  - name: header
    match:
      path_prefix: /api/products
      headers: [{name: X-Beta, value: "yes"}]
    service: orders
    stage: full
  - name: query
    match:
      path_exact: /api/search
      query: [{name: v, value: "2"}]
    service: orders
    stage: full
  - name: zero
    match: {path_prefix: /api/zero}
    service: orders
    stage: canary
    weight: 0
    sticky: {header: X-User}
  - name: hundred
    match: {path_prefix: /api/hundred}
    service: orders
    stage: canary
    weight: 100
    sticky: {header: X-User}
  - name: half
    match: {path_prefix: /api/half}
    service: orders
    stage: canary
    weight: 50
    sticky: {header: X-User}
  - name: gone
    match: {path_prefix: /api/gone}
    service: orders
    stage: retired
  - name: fixed
    match: {path_prefix: /api/fixed}
    service: orders
    stage: full
    allow_override: false
  - name: mirror
    match: {path_prefix: /api/shadow}
    service: orders
    stage: shadow
`

// TestDifferentialNGINX sends one request corpus through carve proxy and through NGINX running
// the exported config, with the same two backends, and asserts the same status, backend and
// forwarded request target, or a documented export warning.
func TestDifferentialNGINX(t *testing.T) {
	bin := nginxBinary(t)
	svcSeen := make(chan string, 4096)
	mono, svc := diffBackend(t, "monolith", nil), diffBackend(t, "orders", svcSeen)
	// A service nobody listens on: fallback, retired status and plain failures.
	dead := freePort(t)
	cfg, err := strangler.Parse("diff.yaml", fmt.Appendf(nil, diffConfig, mono, svc, dead))
	if err != nil {
		t.Fatal(err)
	}
	px, err := strangler.New(cfg, strangler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { px.Serve(ctx, ln, nil); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	proxyAddr := ln.Addr().String()

	var warnings []Warning
	nginxAddr := startNGINX(t, bin, func(listen string) []byte {
		out, ws, err := NGINXConf(cfg, Options{Listen: listen})
		if err != nil {
			t.Fatal(err)
		}
		warnings = ws
		return out
	})
	documented := map[string]bool{}
	for _, w := range warnings {
		documented[w.Feature] = true
	}

	corpus := []diffRequest{
		{method: "GET", target: "/"},
		{method: "GET", target: "/api/cart"},
		{method: "POST", target: "/api/cart"},
		{method: "GET", target: "/api/cart/"},
		{method: "GET", target: "/api/cart?x=1"},
		{method: "GET", target: "/api/orders"},
		{method: "GET", target: "/api/orders/"},
		{method: "DELETE", target: "/api/orders/7/items?all=1"},
		{method: "GET", target: "/api/ordersx"},
		{method: "GET", target: "/api/products/12"},
		{method: "PUT", target: "/api/products/12"},
		{method: "POST", target: "/api/products/12"},
		{method: "GET", target: "/api/products/abc"},
		{method: "GET", target: "/api/products/12/reviews"},
		{method: "GET", target: "/api/products/abc", headers: []string{"X-Beta: yes"}},
		{method: "GET", target: "/api/products/abc", headers: []string{"X-Beta: no"}},
		{method: "GET", target: "/api/products/12", headers: []string{"X-Beta: yes"}},
		{method: "GET", target: "/api/search?v=2"},
		{method: "GET", target: "/api/search?v=3"},
		{method: "GET", target: "/api/search?a=1&v=2&v=3"},
		{method: "GET", target: "/api/search?v=3&v=2"},
		{method: "GET", target: "/api/search"},
		{method: "GET", target: "/api/zero/1", headers: []string{"X-User: alice"}},
		{method: "GET", target: "/api/zero/1", headers: []string{"X-Carve-Variant: service"}},
		{method: "GET", target: "/api/zero/1", headers: []string{"Cookie: carve_variant=service"}},
		{method: "GET", target: "/api/zero/1", headers: []string{"X-Carve-Variant: bogus", "Cookie: carve_variant=service"}},
		{method: "GET", target: "/api/hundred/1", headers: []string{"X-User: bob"}},
		{method: "GET", target: "/api/hundred/1", headers: []string{"X-Carve-Variant: monolith"}},
		{method: "GET", target: "/api/fixed/1", headers: []string{"X-Carve-Variant: monolith"}},
		{method: "GET", target: "/api/shadow/1"},
		{method: "POST", target: "/api/shadow/1"},
		{method: "GET", target: "/api/shadow/1", headers: []string{"X-Carve-Variant: service"}},
		{method: "GET", target: "/API/orders/1"},
		{method: "GET", target: "/Api/Cart"},
		{method: "GET", target: "/api/orders%2F1"},
		{method: "GET", target: "/api/orders;jsessionid=1"},
		{method: "GET", target: "/api/orders/%00"},
		// Matched on the normalized path by both; forwarded canonical by carve, raw by NGINX.
		{method: "GET", target: "/api/x/../orders/1", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api//orders/1", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/%6Frders/1", divergent: FeaturePathPolicy},
		{method: "GET", target: "/../api/orders", divergent: FeaturePathPolicy},
		{method: "GET", target: `/api\orders`, divergent: FeaturePathPolicy},
		// The service is down: GET falls back to the monolith; carve does not fall back for a
		// POST while the breaker is closed, NGINX does (nothing was sent); a retired route
		// answers its status; no fallback gives 502.
		{method: "GET", target: "/api/dead/full/1"},
		{method: "POST", target: "/api/dead/full/1", divergent: FeatureFallback},
		{method: "GET", target: "/api/dead/nofallback/1"},
		{method: "GET", target: "/api/dead/retired/1"},
		// docs/research §5.3 path corpus: whatever the engines answer, no carved route may leak
		// to the monolith (asserted for every request below).
		{method: "GET", target: "/api/orders/%2e%2e/cart", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/%2E%2e/x", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/.%2e/x", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/..%2fcart"},
		{method: "GET", target: "/api/orders/..%5ccart"},
		{method: "GET", target: "/api/orders/%252e%252e/x"},
		{method: "GET", target: "/api/orders/%c0%ae%c0%ae/x", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/a%2fb"},
		{method: "GET", target: "/api/orders/1;x=1"},
		{method: "GET", target: "/public/..;/api/orders"},
		{method: "GET", target: "/api/orders/%3F"},
		{method: "GET", target: "/api/orders/%23"},
		{method: "GET", target: "/api/orders/a%20b"},
		{method: "GET", target: "/api/orders/%0Ax", divergent: FeaturePathPolicy},
		{method: "GET", target: "/x%0A/api/orders", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/cart%0A", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/a%2Bb", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/a%3Bb", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/cart%3Bx", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/a%40b", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/%e2%82%ac"},
		{method: "GET", target: "/api/%61dmin"},
		{method: "GET", target: "/api/orders/%7Euser", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/./1", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/orders/1/..", divergent: FeaturePathPolicy},
		{method: "GET", target: "/api/products/abc", headers: []string{"X-Beta: yes", "X-Beta: no"}},
		{method: "GET", target: "/api/products/abc", headers: []string{"x-beta: yes"}},
		{method: "GET", target: "/api/products/abc", headers: []string{"X_Beta: yes"}},
		{method: "GET", target: "/api/zero/1", headers: []string{"X_Carve_Variant: service"}},
		{method: "GET", target: "/api/hundred/1", headers: []string{"X-Carve-Variant: monolith"}, divergent: ""},
		// Paths the NGINX export keeps for itself.
		{method: "GET", target: "/_carve_internal/route/exact", divergent: FeatureReservedPath},
	}
	identical, divergent := 0, 0
	defer func() {
		t.Logf("corpus: %d requests, %d identical, %d documented divergences", len(corpus), identical, divergent)
	}()
	for _, rq := range corpus {
		name := rq.method + " " + rq.target + " " + strings.Join(rq.headers, ";")
		got, err := send(proxyAddr, rq)
		if err != nil {
			t.Fatalf("%s via carve: %v", name, err)
		}
		want := got
		got, err = send(nginxAddr, rq)
		if err != nil {
			t.Fatalf("%s via nginx: %v", name, err)
		}
		// Rejections are compared by status only (bodies differ).
		if want.Status >= 400 {
			want.Backend, want.Target = "", ""
		}
		if got.Status >= 400 {
			got.Backend, got.Target = "", ""
		}
		if got == want {
			identical++
			if rq.divergent != "" {
				t.Logf("%s: same answer (divergence %s not triggered): %+v", name, rq.divergent, got)
			}
			continue
		}
		if want.Backend == "orders" && got.Backend == "monolith" {
			t.Errorf("%s: monolith leak: carve sends it to the service, nginx to the monolith", name)
			continue
		}
		if rq.divergent != "" && documented[rq.divergent] {
			divergent++
			t.Logf("%s: documented divergence %s: carve %+v, nginx %+v", name, rq.divergent, want, got)
			continue
		}
		t.Errorf("%s: carve %+v, nginx %+v", name, want, got)
	}

	// Shadow: NGINX mirrors GET (not POST) of the shadow route to the service.
	for len(svcSeen) > 0 {
		<-svcSeen
	}
	for _, rq := range []diffRequest{{method: "POST", target: "/api/shadow/post-check"}, {method: "GET", target: "/api/shadow//get-check"}} {
		if res, err := send(nginxAddr, rq); err != nil || res.Backend != "monolith" {
			t.Fatalf("%s %s via nginx: %+v, %v; want the monolith", rq.method, rq.target, res, err)
		}
	}
	select {
	case got := <-svcSeen:
		if got != "GET /api/shadow/get-check" {
			t.Errorf("the service received %q, want the mirrored GET /api/shadow/get-check only", got)
		}
	case <-time.After(3 * time.Second):
		t.Errorf("the service received no mirrored request")
	}

	// Mid weight, sticky by header: both split about half the keys, each key stays on its
	// variant, and the assignments differ only as documented (sticky-hash).
	if !documented[FeatureStickyHash] {
		t.Errorf("no %s warning for the sticky canary", FeatureStickyHash)
	}
	const keys = 400
	share := func(addr string) (float64, map[string]string) {
		assign := map[string]string{}
		n := 0
		for i := 0; i < keys; i++ {
			user := fmt.Sprintf("user-%d", i)
			var first string
			for rep := 0; rep < 2; rep++ {
				res, err := send(addr, diffRequest{method: "GET", target: "/api/half/1", headers: []string{"X-User: " + user}})
				if err != nil {
					t.Fatal(err)
				}
				if rep == 0 {
					first = res.Backend
				} else if res.Backend != first {
					t.Errorf("%s: key %s moved from %s to %s", addr, user, first, res.Backend)
				}
			}
			assign[user] = first
			if first == "orders" {
				n++
			}
		}
		return float64(n) / keys, assign
	}
	pShare, pAssign := share(proxyAddr)
	nShare, nAssign := share(nginxAddr)
	// 400 keys at p=0.5: 4 standard deviations is ±0.1.
	for _, s := range []struct {
		name  string
		share float64
	}{{"carve", pShare}, {"nginx", nShare}} {
		if s.share < 0.4 || s.share > 0.6 {
			t.Errorf("%s sent %.2f of keys to the service at weight 50, want 0.4..0.6", s.name, s.share)
		}
	}
	same := 0
	for k, v := range pAssign {
		if nAssign[k] == v {
			same++
		}
	}
	t.Logf("weight 50: carve %.2f, nginx %.2f to the service; same variant for %d of %d keys (hash functions differ, documented)", pShare, nShare, same, keys)
}

// TestDifferentialNGINXShop runs the shop fixture's strangler.yaml (several services moved by
// carve strangle: shadow, canary 25 % and 0 %, full, retired) through carve proxy and NGINX
// with one echo backend per service, and compares a sample request for every route and
// method, with and without the override header.
func TestDifferentialNGINXShop(t *testing.T) {
	bin := nginxBinary(t)
	cfg := loadConfig(t, "shop.yaml")
	cfg.Monolith.URL = "http://" + diffBackend(t, "monolith", nil)
	for name, u := range cfg.Services {
		u.URL = "http://" + diffBackend(t, name, nil)
		cfg.Services[name] = u
	}
	px, err := strangler.New(cfg, strangler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { px.Serve(ctx, ln, nil); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	nginxAddr := startNGINX(t, bin, func(listen string) []byte {
		out, _, err := NGINXConf(cfg, Options{Listen: listen})
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
	sample := strings.NewReplacer("^", "", "$", "", `[^/]+`, "x1", `(?:/.*)?`, "/rest", `\.`, ".")
	n := 0
	for _, r := range cfg.Routes {
		path := r.Match.PathExact
		switch {
		case r.Match.PathPrefix != "":
			path = strings.TrimSuffix(r.Match.PathPrefix, "/") + "/x1"
		case r.Match.PathRegex != "":
			path = sample.Replace(r.Match.PathRegex)
		}
		methods := r.Match.Methods
		if len(methods) == 0 {
			methods = []string{"GET", "DELETE"}
		}
		for _, m := range append(methods, "PATCH") {
			for _, hdr := range [][]string{nil, {"X-Carve-Variant: service"}, {"X-Carve-Variant: monolith"}} {
				rq := diffRequest{method: m, target: path + "?q=1", headers: hdr}
				want, err := send(ln.Addr().String(), rq)
				if err != nil {
					t.Fatal(err)
				}
				got, err := send(nginxAddr, rq)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if r.Stage == strangler.StageCanary && r.Weight > 0 && r.Weight < 100 && hdr == nil {
					// A random per-request split: both must pick the route's service or the monolith.
					for _, res := range []diffResult{want, got} {
						if res.Backend != r.Service && res.Backend != "monolith" {
							t.Errorf("%s %s (route %s): %+v", m, path, r.Name, res)
						}
					}
					continue
				}
				if want != got {
					t.Errorf("%s %s %v (route %s, %s): carve %+v, nginx %+v", m, path, hdr, r.Name, r.Stage, want, got)
				}
			}
		}
	}
	t.Logf("%d routes, %d requests compared", len(cfg.Routes), n)
}
