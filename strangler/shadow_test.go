package strangler

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func jsonServer(t *testing.T, name string, price int, delay time.Duration, hits *atomic.Int64) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Served-By", name)
		fmt.Fprintf(w, `{"price": %d, "now": %d, "items": [{"id": 1, "at": %d}], "shadow": %q}`, price, time.Now().UnixNano(), time.Now().UnixNano(), r.Header.Get("X-Carve-Shadow"))
	}))
	t.Cleanup(s.Close)
	return s
}

func shadowCfg(mono, svc, extra string) string {
	return fmt.Sprintf(`version: 1
admin: {token_env: TOKEN}
monolith: {url: %s}
services:
  timesale: {url: %s}
routes:
  - name: sale
    match: {path_prefix: /api/sale}
    service: timesale
    stage: shadow
%s`, mono, svc, extra)
}

func TestShadowCompare(t *testing.T) {
	var mh, sh atomic.Int64
	mono := jsonServer(t, "monolith", 10, 0, &mh)
	svc := jsonServer(t, "timesale", 11, 0, &sh)
	p := startProxy(t, shadowCfg(mono.URL, svc.URL, ""), adminEnv)
	const n = 20
	for i := 0; i < n; i++ {
		code, by, _ := get(t, p.url+"/api/sale/1")
		if code != 200 || by != "monolith" {
			t.Fatalf("shadow stage answered %d by %q, want 200 by the monolith", code, by)
		}
	}
	// Non-idempotent methods are not mirrored by default.
	resp, err := testClient.Post(p.url+"/api/sale/1", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var rep DiffReport
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		rep = p.diffs.report("sale")
		if rep.Compared >= n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if rep.Compared != n {
		t.Fatalf("compared %d, want %d (report %+v)", rep.Compared, n, rep)
	}
	if sh.Load() != n {
		t.Errorf("service got %d shadow requests, want %d (GET only)", sh.Load(), n)
	}
	if rep.Different != n {
		t.Errorf("different = %d, want %d: price differs in every response", rep.Different, n)
	}
	noisy := strings.Join(rep.NoisyFields, ",")
	if !strings.Contains(noisy, "now") || !strings.Contains(noisy, "items[*].at") || strings.Contains(noisy, "price") {
		t.Errorf("noisy fields = %v, want now and items[*].at but not price", rep.NoisyFields)
	}
	if len(rep.Fields) == 0 || rep.Fields[0].Field != "price" || rep.Fields[0].Raw != n || rep.Fields[0].LastPrimary != "10" || rep.Fields[0].LastCandidate != "11" {
		t.Errorf("top field = %+v, want price with %d raw diffs 10 vs 11", rep.Fields, n)
	}
	// The shadow request is marked.
	for _, f := range rep.Fields {
		if f.Field == "shadow" && f.LastCandidate != `"1"` {
			t.Errorf("shadow marker = %s, want \"1\"", f.LastCandidate)
		}
	}
	// The report is on the admin API too.
	req, _ := http.NewRequest(http.MethodGet, p.admin+"/routes/sale/diff", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err = testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got DiffReport
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if got.Compared != n || got.Route != "sale" {
		t.Errorf("admin diff = %+v", got)
	}
}

func TestShadowNoiseOnly(t *testing.T) {
	var mh, sh atomic.Int64
	mono := jsonServer(t, "monolith", 10, 0, &mh)
	svc := jsonServer(t, "timesale", 10, 0, &sh)
	p := startProxy(t, shadowCfg(mono.URL, svc.URL, "    shadow: {ignore: [shadow]}\n"), adminEnv)
	for i := 0; i < 10; i++ {
		get(t, p.url+"/api/sale/1")
	}
	var rep DiffReport
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rep = p.diffs.report("sale"); rep.Compared >= 10 {
			break
		}
	}
	if rep.Compared != 10 || rep.Different != 0 || rep.NoiseOnly != 10 {
		t.Errorf("same service: %+v; want 10 compared, 0 different, 10 noise-only", rep)
	}
}

// TestShadowNeverAffectsPrimary: a dead shadow and a slow shadow change neither the status nor
// the latency of the primary.
func TestShadowNeverAffectsPrimary(t *testing.T) {
	var mh, sh atomic.Int64
	mono := jsonServer(t, "monolith", 10, 0, &mh)
	slow := jsonServer(t, "timesale", 10, 2*time.Second, &sh)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	for _, tc := range []struct{ name, url string }{{"dead", deadURL}, {"slow", slow.URL}} {
		t.Run(tc.name, func(t *testing.T) {
			p := startProxy(t, shadowCfg(mono.URL, tc.url, "")+"shadow: {queue: 4, workers: 1, timeout: 3s}\n", adminEnv)
			var worst time.Duration
			for i := 0; i < 30; i++ {
				start := time.Now()
				code, by, _ := get(t, p.url+"/api/sale/1")
				if d := time.Since(start); d > worst {
					worst = d
				}
				if code != 200 || by != "monolith" {
					t.Fatalf("primary = %d by %q, want 200 by the monolith", code, by)
				}
			}
			if worst > time.Second {
				t.Errorf("slowest primary took %v with a %s shadow, want well under the shadow's delay", worst, tc.name)
			}
		})
	}
}

// TestShadowBodyAndHeaders: an opted-in POST is mirrored with its body; strip_headers are
// removed from shadow copies; bodies over the limit are not mirrored.
func TestShadowBodyAndHeaders(t *testing.T) {
	mono := newBackend(t, "monolith")
	type seen struct {
		body, auth, shadow string
	}
	got := make(chan seen, 10)
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{string(b), r.Header.Get("Authorization"), r.Header.Get("X-Carve-Shadow")}
	}))
	defer svc.Close()
	p := startProxy(t, shadowCfg(mono.URL, svc.URL, "    shadow: {methods: [POST], compare: false}\n")+"shadow: {strip_headers: [Authorization], body_limit: 16}\n", nil)
	post := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, p.url+"/api/sale/1", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer user")
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(`{"qty":2}`); code != 200 {
		t.Fatalf("primary POST = %d", code)
	}
	select {
	case s := <-got:
		if s.body != `{"qty":2}` || s.auth != "" || s.shadow != "1" {
			t.Errorf("shadow copy = %+v, want the body, no Authorization, X-Carve-Shadow: 1", s)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no shadow copy")
	}
	if code := post(strings.Repeat("x", 100)); code != 200 {
		t.Fatalf("primary POST with a large body = %d", code)
	}
	select {
	case s := <-got:
		t.Errorf("body over body_limit was mirrored: %+v", s)
	case <-time.After(200 * time.Millisecond):
	}
	if mono.hits.Load() != 2 {
		t.Errorf("monolith got %d, want 2 primaries", mono.hits.Load())
	}
}

func TestShadowPercent(t *testing.T) {
	var mh, sh atomic.Int64
	mono := jsonServer(t, "monolith", 10, 0, &mh)
	svc := jsonServer(t, "timesale", 10, 0, &sh)
	p := startProxy(t, shadowCfg(mono.URL, svc.URL, "    shadow: {percent: 25, compare: false}\n"), nil)
	for i := 0; i < 400; i++ {
		get(t, p.url+"/api/sale/1")
	}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline) && sh.Load() < 60; {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if n := sh.Load(); n < 60 || n > 140 {
		t.Errorf("25%% shadow sent %d of 400, want about 100", n)
	}
}
