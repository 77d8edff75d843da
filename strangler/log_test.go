package strangler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestAccessLog(t *testing.T) {
	mono, svc := twoBackends(t)
	var buf syncBuffer
	cfg, err := Parse("t.yaml", []byte(cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n")))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxyConfig(t, cfg, Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	get(t, p.url+"/api//sale/1", "X-Request-ID", "req-42")
	get(t, p.url+"/api/sale%2f1")
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d access log lines, want 2:\n%s", len(lines), buf.String())
	}
	want := map[string]any{"route": "sale", "variant": "service", "status": float64(200), "canonical": "normalized",
		"path": "/api/sale/1", "request_id": "req-42", "retries": float64(0), "shadow": "", "method": "GET"}
	for k, v := range want {
		if lines[0][k] != v {
			t.Errorf("first line %s = %v, want %v", k, lines[0][k], v)
		}
	}
	if lines[1]["canonical"] != "rejected" || lines[1]["status"] != float64(400) || lines[1]["variant"] != "proxy" {
		t.Errorf("second line = %v, want a rejected 400 answered by the proxy", lines[1])
	}
}

// TestRetryBudget: retries cannot exceed the budget, so a dead instance cannot double the load.
func TestRetryBudget(t *testing.T) {
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
    breaker: {failures: 100000}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full, fallback: false}
retry: {attempts: 1, budget: 10}
`, mono.URL, deadURL, live.URL)
	p := startProxy(t, y, nil)
	const n = 400
	ok, failed := 0, 0
	for i := 0; i < n; i++ {
		code, _, _ := get(t, p.url+"/api/sale/1")
		switch code {
		case 200:
			ok++
		case 502:
			failed++
		default:
			t.Fatalf("status %d", code)
		}
	}
	// Half the requests hit the dead instance first; a 10 % budget lets about n/10 of them
	// retry on the live one.
	retried := ok - n/2
	if retried < n/20 || retried > n/5 || failed < n/4 {
		t.Errorf("%d ok, %d failed of %d: retries %d, want about %d (10 %% budget)", ok, failed, n, retried, n/10)
	}
	if mono.hits.Load() != 0 {
		t.Errorf("fallback: false but the monolith got %d requests", mono.hits.Load())
	}
}

// TestAccessLogLevelFiltered: a logger whose level filters Info gets no access lines (the
// proxy checks Enabled before building attributes) but still its warnings.
func TestAccessLogLevelFiltered(t *testing.T) {
	mono, svc := twoBackends(t)
	var buf syncBuffer
	cfg, err := Parse("t.yaml", []byte(cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n")))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxyConfig(t, cfg, Options{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if code, _, _ := get(t, p.url+"/api/sale/1"); code != 200 {
		t.Fatalf("status %d, want 200", code)
	}
	if strings.Contains(buf.String(), `"msg":"request"`) {
		t.Errorf("access line logged below the handler's level:\n%s", buf.String())
	}
}
