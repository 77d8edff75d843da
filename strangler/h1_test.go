package strangler

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rawBackend accepts connections and lets handle speak raw HTTP/1.1 on each.
func rawBackend(t testing.TB, handle func(c net.Conn, br *bufio.Reader)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c, bufio.NewReader(c))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func readReq(br *bufio.Reader) (*http.Request, error) {
	r, err := http.ReadRequest(br)
	if err == nil {
		io.Copy(io.Discard, r.Body)
	}
	return r, err
}

func TestH1Engine(t *testing.T) {
	var conns atomic.Int64
	// Answers one request per connection while advertising keep-alive, then closes: every
	// reused connection is stale.
	oneShot := rawBackend(t, func(c net.Conn, br *bufio.Reader) {
		conns.Add(1)
		if _, err := readReq(br); err != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Served-By: oneshot\r\nContent-Length: 2\r\n\r\nok")
		time.Sleep(20 * time.Millisecond)
	})
	// Informational 103 before the final answer; chunked body; HEAD without body.
	fancy := rawBackend(t, func(c net.Conn, br *bufio.Reader) {
		for {
			r, err := readReq(br)
			if err != nil {
				return
			}
			switch {
			case r.Method == http.MethodHead:
				io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Served-By: fancy\r\nContent-Length: 1000\r\n\r\n")
			case strings.HasSuffix(r.URL.Path, "/hints"):
				io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nX-Served-By: fancy\r\nContent-Length: 5\r\n\r\nfinal")
			case strings.HasSuffix(r.URL.Path, "/close"):
				io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Served-By: fancy\r\nConnection: close\r\n\r\nuntil-close")
				return
			default:
				io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Served-By: fancy\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
			}
		}
	})
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  fancy: {url: %s}
routes:
  - {name: f, match: {path_prefix: /f}, service: fancy, stage: full}
`, oneShot, fancy)
	p := startProxy(t, y, nil)
	for i := 0; i < 5; i++ {
		code, by, _ := get(t, p.url+"/x")
		if code != 200 || by != "oneshot" {
			t.Fatalf("request %d over stale keep-alive connections = %d from %q, want 200", i, code, by)
		}
	}
	if conns.Load() < 5 {
		t.Errorf("%d upstream connections for 5 requests to a one-shot backend", conns.Load())
	}
	body := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, p.url+path, nil)
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for i := 0; i < 3; i++ {
		if code, b := body("GET", "/f/chunked"); code != 200 || b != "hello" {
			t.Errorf("chunked = %d %q", code, b)
		}
		if code, b := body("GET", "/f/hints"); code != 200 || b != "final" {
			t.Errorf("after 103 = %d %q, want the final answer", code, b)
		}
		if code, b := body("HEAD", "/f/head"); code != 200 || b != "" {
			t.Errorf("HEAD = %d %q", code, b)
		}
		if code, b := body("GET", "/f/close"); code != 200 || b != "until-close" {
			t.Errorf("read-until-close = %d %q", code, b)
		}
	}
}

// TestH1ClientGone: a client that gives up does not leave the upstream call hanging, and the
// proxy keeps serving.
func TestH1ClientGone(t *testing.T) {
	mono, svc := twoBackends(t)
	mono.delay.Store(int64(2 * time.Second))
	p := startProxy(t, cfgYAML(mono.URL, svc.URL, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), nil)
	c := &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := c.Get(p.url + "/slow"); err == nil {
		t.Fatal("expected the client timeout")
	}
	start := time.Now()
	if code, by, _ := get(t, p.url+"/api/sale/1"); code != 200 || by != "timesale" {
		t.Errorf("after a client gave up: %d from %q", code, by)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("proxy slow after a cancelled request")
	}
}

// TestH1StaleRetryDials: when every pooled connection is stale and the upstream is gone, the
// one retry dials (and reports the refused dial, a connection error that allows fallback)
// instead of taking a second stale connection from the pool.
func TestH1StaleRetryDials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	tr := newH1Transport(time.Second, time.Second, time.Minute, 8)
	defer tr.close()
	for i := 0; i < 2; i++ {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		sc.Close() // the upstream closed its side: the pooled connection is stale
		tr.put(addr, newH1Conn(nc))
	}
	ln.Close()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/x", nil)
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("round trip to a closed upstream succeeded")
	}
	if !connError(err) {
		t.Errorf("error = %v, want the refused dial (a connection error)", err)
	}
}

// TestResponseTimeout: timeouts.response bounds the wait for the upstream's response head on
// both paths (direct GET and ReverseProxy POST: 504), but not the body that follows it; and a
// keep-alive connection that sat idle past the timeout still serves the next request.
func TestResponseTimeout(t *testing.T) {
	var conns atomic.Int64
	up := rawBackend(t, func(c net.Conn, br *bufio.Reader) {
		conns.Add(1)
		for {
			r, err := readReq(br)
			if err != nil {
				return
			}
			switch r.URL.Path {
			case "/slow-head":
				time.Sleep(700 * time.Millisecond)
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate")
			case "/slow-body":
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
				time.Sleep(700 * time.Millisecond)
				io.WriteString(c, "world")
			default:
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfast")
			}
		}
	})
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
timeouts: {response: 300ms}
retry: {attempts: -1}
`, up)
	p := startProxy(t, y, nil)
	do := func(method, path string) (int, string, time.Duration) {
		t.Helper()
		start := time.Now()
		req, _ := http.NewRequest(method, p.url+path, nil)
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b), time.Since(start)
	}
	for _, method := range []string{"GET", "POST"} {
		// A 504 (not the late 200) shows the timeout fired before the head came; the lower
		// bound shows it did not fire early.
		if code, _, took := do(method, "/slow-head"); code != http.StatusGatewayTimeout || took < 300*time.Millisecond {
			t.Errorf("%s with the head 700 ms late: %d after %v, want 504 after 300 ms (+ at most a tenth)", method, code, took)
		}
	}
	if code, body, took := do("GET", "/slow-body"); code != 200 || body != "helloworld" || took < 700*time.Millisecond {
		t.Errorf("GET with the body 700 ms late: %d %q after %v, want the whole body", code, body, took)
	}
	n := conns.Load()
	for i := 0; i < 3; i++ {
		if code, body, _ := do("GET", "/fast"); code != 200 || body != "fast" {
			t.Errorf("fast GET %d: %d %q", i, code, body)
		}
		time.Sleep(400 * time.Millisecond) // idle past the response timeout
	}
	if got := conns.Load() - n; got > 1 {
		t.Errorf("%d new upstream connections for 3 sequential fast GETs, want the pooled one reused", got)
	}
}
