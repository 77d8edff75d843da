package strangler

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// echo is what test backends answer: who served, and what they received.
type echo struct {
	ServedBy string              `json:"served_by"`
	Method   string              `json:"method"`
	Path     string              `json:"path"`
	Query    string              `json:"query"`
	Header   map[string][]string `json:"header"`
	Host     string              `json:"host"`
}

// backend is a real loopback HTTP server that echoes requests and counts them.
type backend struct {
	*httptest.Server
	name string
	hits atomic.Int64
	// status, when non-zero, is answered instead of 200.
	status atomic.Int64
	delay  atomic.Int64 // nanoseconds
}

func newBackend(t testing.TB, name string) *backend {
	b := &backend{name: name}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		if d := b.delay.Load(); d > 0 {
			select {
			case <-time.After(time.Duration(d)):
			case <-r.Context().Done():
				return
			}
		}
		io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Served-By", name)
		w.Header().Set("Content-Type", "application/json")
		if s := b.status.Load(); s != 0 {
			w.WriteHeader(int(s))
		}
		json.NewEncoder(w).Encode(echo{ServedBy: name, Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header, Host: r.Host})
	}))
	t.Cleanup(b.Close)
	return b
}

type testProxy struct {
	*Proxy
	url, admin string
}

// startProxy serves cfg on real 127.0.0.1:0 listeners until the test ends.
func startProxy(t testing.TB, yaml string, env map[string]string) *testProxy {
	t.Helper()
	cfg, err := Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return startProxyConfig(t, cfg, Options{Logger: discardLogger(), Getenv: func(k string) string { return env[k] }})
}

func startProxyConfig(t testing.TB, cfg *Config, opts Options) *testProxy {
	t.Helper()
	p, err := New(cfg, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln, aln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		p.Close()
	})
	return &testProxy{Proxy: p, url: "http://" + ln.Addr().String(), admin: "http://" + aln.Addr().String()}
}

var testClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}

// get sends a request and returns status, X-Served-By and the decoded echo (if any).
func get(t testing.TB, url string, hdr ...string) (int, string, echo) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "host") {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Add(hdr[i], hdr[i+1])
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var e echo
	body, _ := io.ReadAll(resp.Body)
	json.Unmarshal(body, &e)
	return resp.StatusCode, resp.Header.Get("X-Served-By"), e
}

// rawRequest writes a raw HTTP/1.1 request and returns the status line.
func rawRequest(t testing.TB, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := io.ReadAtLeast(c, buf, 12)
	line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
	return line
}
