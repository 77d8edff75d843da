package strangler

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// frontTestHandler covers the response-writer behaviours the loop must reproduce exactly as
// net/http's server writes them.
func frontTestHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch r.URL.Path {
		case "/small":
			io.WriteString(w, "hello")
		case "/html":
			io.WriteString(w, "<html><body>hi</body></html>")
		case "/big":
			w.Write(bytes.Repeat([]byte("a"), 2500))
			w.Write(bytes.Repeat([]byte("b"), 2500))
		case "/cl":
			h.Set("Content-Length", "5")
			io.WriteString(w, "hello")
		case "/flush":
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			io.WriteString(w, "b")
		case "/trailer":
			h.Set("Trailer", "X-T")
			io.WriteString(w, "x")
			h.Set("X-T", "v")
			h.Set(http.TrailerPrefix+"X-U", "u")
		case "/204":
			h.Set("Content-Length", "3")
			w.WriteHeader(http.StatusNoContent)
		case "/304":
			h.Set("Content-Type", "text/plain")
			h.Set("Etag", `"x"`)
			w.WriteHeader(http.StatusNotModified)
		case "/newline":
			h["X-A"] = []string{"a\r\nInjected: yes"}
			h["Bad Name"] = []string{"v"}
			h["X-Trim"] = []string{"  padded \t"}
			io.WriteString(w, "n")
		case "/103":
			h.Set("Link", "</x.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "ok")
		case "/close":
			h.Set("Connection", "close")
			io.WriteString(w, "bye")
		case "/error":
			http.Error(w, "nope", http.StatusTeapot)
		case "/overflow":
			h.Set("Content-Length", "2")
			if _, err := io.WriteString(w, "abc"); err != http.ErrContentLength {
				panic("overflowing write: want ErrContentLength")
			}
		case "/short":
			h.Set("Content-Length", "10")
			io.WriteString(w, "abc")
		case "/multi":
			h.Add("X-M", "1")
			h.Add("X-M", "2")
			h.Set("Content-Type", "application/json")
			io.WriteString(w, "{}")
		case "/date":
			h.Set("Date", "Mon, 01 Jan 2001 00:00:00 GMT")
			io.WriteString(w, "d")
		case "/encoded":
			h.Set("Content-Encoding", "gzip")
			w.Write([]byte{0x1f, 0x8b, 0, 0})
		case "/abort":
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case "/body":
			b, _ := io.ReadAll(r.Body)
			io.WriteString(w, "got "+string(b))
		case "/echo":
			io.WriteString(w, r.Method+" "+r.RequestURI+" "+r.Host+" "+r.Header.Get("X-In"))
		default:
			// nothing written: 200 with an empty body
		}
	})
}

// startBoth serves h with net/http's server and with the loop (server.engine auto), each on
// a real 127.0.0.1 listener.
func startBoth(t testing.TB, h http.Handler) (std, fast string) {
	t.Helper()
	quiet := log.New(io.Discard, "", 0)
	sln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ssrv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: quiet}
	go ssrv.Serve(sln)
	fln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fsrv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: quiet}
	f := newFront(h, fsrv, fln, 5*time.Second, 5*time.Second)
	done := make(chan error, 1)
	go func() { done <- f.serve() }()
	t.Cleanup(func() {
		ssrv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := f.shutdown(ctx); err != nil {
			t.Errorf("front shutdown: %v", err)
		}
		if err := <-done; err != http.ErrServerClosed {
			t.Errorf("front serve returned %v, want http.ErrServerClosed", err)
		}
	})
	return sln.Addr().String(), fln.Addr().String()
}

var dateRE = regexp.MustCompile(`Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

// rawExchange writes raw to addr, half-closes, and returns everything the server sends until
// it closes the connection, with generated Date values blanked.
func rawExchange(t testing.TB, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	out, err := io.ReadAll(c)
	if err != nil && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("read: %v (after %q)", err, out)
	}
	return dateRE.ReplaceAllString(string(out), "Date: <now>\r\n")
}

// TestFrontMatchesNetHTTP sends the same bytes to net/http's server and to the loop and
// requires the same bytes back: simple requests served by the loop's writer, everything
// else by net/http after the hand-off.
func TestFrontMatchesNetHTTP(t *testing.T) {
	std, fast := startBoth(t, frontTestHandler())
	for name, raw := range frontCases() {
		t.Run(name, func(t *testing.T) {
			want := rawExchange(t, std, raw)
			got := rawExchange(t, fast, raw)
			if got != want {
				t.Errorf("loop and net/http differ\nnet/http: %q\nloop:     %q", want, got)
			}
			if want == "" && !strings.Contains(name, "truncated") && name != "garbage" && name != "leading crlf" {
				t.Errorf("net/http sent nothing; the case tests nothing")
			}
		})
	}
}

// frontCases are raw client byte streams, by name.
func frontCases() map[string]string {
	get := func(path string, hdr ...string) string {
		return "GET " + path + " HTTP/1.1\r\nHost: example.test\r\n" + strings.Join(hdr, "") + "\r\n"
	}
	return map[string]string{
		"empty":           get("/"),
		"small":           get("/small"),
		"html sniffed":    get("/html"),
		"big chunked":     get("/big"),
		"content-length":  get("/cl"),
		"flush":           get("/flush"),
		"trailers":        get("/trailer"),
		"204":             get("/204"),
		"304":             get("/304"),
		"newlines":        get("/newline"),
		"103":             get("/103"),
		"handler close":   get("/close") + get("/small"),
		"error":           get("/error"),
		"overflow":        get("/overflow") + get("/small"),
		"short body":      get("/short") + get("/small"),
		"multi":           get("/multi"),
		"date kept":       get("/date"),
		"encoded":         get("/encoded"),
		"abort":           get("/abort") + get("/small"),
		"head small":      "HEAD /small HTTP/1.1\r\nHost: a\r\n\r\n",
		"head cl":         "HEAD /cl HTTP/1.1\r\nHost: a\r\n\r\n",
		"head empty":      "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
		"options":         "OPTIONS /echo HTTP/1.1\r\nHost: a\r\n\r\n",
		"delete":          "DELETE /echo HTTP/1.1\r\nHost: a\r\n\r\n",
		"client close":    get("/small", "Connection: close\r\n") + get("/small"),
		"keep-alive x3":   get("/small") + get("/cl") + get("/echo", "X-In: 3\r\n"),
		"query":           get("/echo?a=1&b=%2F"),
		"get then post":   get("/small") + "POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" + get("/echo"),
		"post then get":   "POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" + get("/small"),
		"get with body":   "GET /body HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi",
		"chunked request": "GET /body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		"cl and te":       "GET /body HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"duplicate cl":    "GET /body HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"http/1.0":        "GET /echo HTTP/1.0\r\nHost: a\r\n\r\n",
		"http/1.0 ka":     "GET /small HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n" + get("/small"),
		"http/2 preface":  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"missing host":    "GET /small HTTP/1.1\r\n\r\n",
		"empty host":      "GET /echo HTTP/1.1\r\nHost:\r\n\r\n",
		"two hosts":       "GET /small HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"bad host":        "GET /small HTTP/1.1\r\nHost: a b\r\n\r\n",
		"bad header name": "GET /small HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n",
		"ctl in value":    "GET /small HTTP/1.1\r\nHost: a\r\nX-In: a\x01b\r\n\r\n",
		"bare lf":         "GET /echo HTTP/1.1\nHost: a\nX-In: lf\n\n",
		"absolute form":   "GET http://other.test/echo HTTP/1.1\r\nHost: a\r\n\r\n",
		"asterisk":        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
		"lowercase":       "get /echo HTTP/1.1\r\nHost: a\r\n\r\n",
		"expect":          "GET /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
		"unknown expect":  "GET /echo HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n",
		"upgrade":         "GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"version 1.5":     "GET /echo HTTP/1.5\r\nHost: a\r\n\r\n",
		"version 3":       "GET /echo HTTP/3.0\r\nHost: a\r\n\r\n",
		"garbage":         "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
		"leading crlf":    "\r\n" + get("/small"),
		"huge header":     "GET /small HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("x", http.DefaultMaxHeaderBytes+8192) + "\r\n\r\n",
		"truncated":       "GET /small HTTP/1.1\r\nHost: a\r\n",
		// Found by FuzzFrontMatchesNetHTTP: after a keep-alive response net/http waits for 4
		// bytes and closes silently when the connection ends first.
		"then 2 bytes":  get("/small") + "00",
		"first 2 bytes": "00",
		"long string":   get("/echo?" + strings.Repeat("A", 2600)),
	}
}

// FuzzFrontMatchesNetHTTP is the differential test on arbitrary client bytes: whatever a
// client sends, the loop answers byte for byte as net/http's server does. Its seeds are the
// cases of TestFrontMatchesNetHTTP (run by go test); go test -fuzz explores further.
func FuzzFrontMatchesNetHTTP(f *testing.F) {
	for _, raw := range frontCases() {
		if len(raw) < 4096 {
			f.Add([]byte(raw))
		}
	}
	std, fast := startBoth(f, frontTestHandler())
	f.Fuzz(func(t *testing.T, raw []byte) {
		want := rawExchange(t, std, string(raw))
		got := rawExchange(t, fast, string(raw))
		if got != want {
			t.Errorf("input %q\nnet/http: %q\nloop:     %q", raw, want, got)
		}
	})
}

// TestFrontServesSimpleRequestsItself checks that the loop, not the hand-off, answers simple
// requests (so the differential test above compares the loop's writer), and that a
// connection handed off stays with net/http.
func TestFrontServesSimpleRequestsItself(t *testing.T) {
	var lastWriter string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch w.(type) {
		case *frontWriter:
			lastWriter = "loop"
		default:
			lastWriter = "net/http"
		}
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, lastWriter)
	})
	_, fast := startBoth(t, h)
	out := rawExchange(t, fast, "GET /a HTTP/1.1\r\nHost: a\r\n\r\nHEAD /b HTTP/1.1\r\nHost: a\r\n\r\n"+
		"PUT /c HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx"+"GET /d HTTP/1.1\r\nHost: a\r\n\r\n")
	if n := strings.Count(out, "HTTP/1.1 200 OK"); n != 4 {
		t.Fatalf("want 4 responses, got %d: %q", n, out)
	}
	if !strings.Contains(out, "\r\n\r\nloop") || !strings.HasSuffix(out, "\r\n\r\nnet/http") ||
		strings.Count(out, "net/http") != 2 {
		t.Errorf("want GET served by the loop, PUT and the GET after it by net/http: %q", out)
	}
}

// TestFrontShutdown checks the loop's drain: idle keep-alive connections are closed at once,
// an in-flight request finishes (with Connection: close), and new connections are refused.
func TestFrontShutdown(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			started <- struct{}{}
			<-release
		}
		io.WriteString(w, "ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	f := newFront(h, srv, ln, 5*time.Second, time.Minute)
	done := make(chan error, 1)
	go func() { done <- f.serve() }()

	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n")
	buf := make([]byte, 4096)
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := idle.Read(buf); err != nil || !bytes.Contains(buf[:n], []byte("ok")) {
		t.Fatalf("first response: %q, %v", buf[:n], err)
	}
	busy, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started

	sdone := make(chan error, 1)
	start := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		sdone <- f.shutdown(ctx)
	}()
	// The idle connection is closed promptly (not after the one-minute idle timeout).
	if _, err := idle.Read(buf); err != io.EOF {
		t.Errorf("idle connection: read %v, want EOF", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("idle connection closed after %v", d)
	}
	close(release)
	busy.SetReadDeadline(time.Now().Add(5 * time.Second))
	out, _ := io.ReadAll(busy)
	if !bytes.HasPrefix(out, []byte("HTTP/1.1 200 OK")) || !bytes.Contains(out, []byte("Connection: close")) || !bytes.HasSuffix(out, []byte("ok")) {
		t.Errorf("in-flight response during drain: %q", out)
	}
	if err := <-sdone; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-done; err != http.ErrServerClosed {
		t.Errorf("serve returned %v", err)
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Errorf("a new connection was accepted after shutdown")
	}
}

func TestHeapFloorPercent(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live, floor uint64
		want        int
	}{
		{2 * mib, 64 * mib, 1600},  // the 4 MiB minimum heap × 16 = 64 MiB (live × 17 = 34 MiB)
		{16 * mib, 64 * mib, 300},  // goal 16 × 4 = 64 MiB
		{32 * mib, 64 * mib, 100},  // 2 × live reaches the floor: the default
		{500 * mib, 64 * mib, 100}, // big live heap (shadow queue full): the default
		{0, 64 * mib, 1600},        // before the first collection: the minimum-heap term
		{3 * mib, 5 * mib, 100},    // never below the default
	} {
		got := heapFloorPercent(tc.live, tc.floor)
		if got != tc.want {
			t.Errorf("heapFloorPercent(%d MiB, %d MiB) = %d, want %d", tc.live/mib, tc.floor/mib, got, tc.want)
		}
		// The runtime's goal for that GOGC stays within max(2 × live, floor).
		goal := max(tc.live+tc.live*uint64(got)/100, heapMinimum*uint64(got)/100)
		if limit := max(2*tc.live, tc.floor, heapMinimum); goal > limit {
			t.Errorf("live %d MiB: heap goal %d MiB exceeds %d MiB", tc.live/mib, goal/mib, limit/mib)
		}
	}
}

// flakyListener fails its first Accept calls with a temporary error (as accept does when the
// process is out of file descriptors).
type flakyListener struct {
	net.Listener
	fails int
}

type tempErr struct{}

func (tempErr) Error() string   { return "accept: too many open files" }
func (tempErr) Timeout() bool   { return false }
func (tempErr) Temporary() bool { return true }

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: tempErr{}}
	}
	return l.Listener.Accept()
}

// TestFrontSurvivesTemporaryAcceptErrors: running out of file descriptors for a moment must
// not stop the proxy.
func TestFrontSurvivesTemporaryAcceptErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := frontTestHandler()
	var logged bytes.Buffer
	srv := &http.Server{Handler: h, ErrorLog: log.New(&logged, "", 0)}
	f := newFront(h, srv, &flakyListener{Listener: ln, fails: 3}, 5*time.Second, 5*time.Second)
	done := make(chan error, 1)
	go func() { done <- f.serve() }()
	out := rawExchange(t, ln.Addr().String(), "GET /small HTTP/1.1\r\nHost: a\r\n\r\n")
	if !strings.HasSuffix(out, "\r\n\r\nhello") {
		t.Errorf("after temporary accept errors: %q", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-done; err != http.ErrServerClosed {
		t.Errorf("serve returned %v", err)
	}
	if n := strings.Count(logged.String(), "too many open files"); n != 3 {
		t.Errorf("logged %d accept errors, want 3: %q", n, logged.String())
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	files := func(m map[string]string) func(string) ([]byte, error) {
		return func(p string) ([]byte, error) {
			if v, ok := m[p]; ok {
				return []byte(v), nil
			}
			return nil, os.ErrNotExist
		}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  uint64
		ok    bool
	}{
		{"v2 limit", map[string]string{"/sys/fs/cgroup/memory.max": "268435456\n"}, 256 << 20, true},
		{"v2 unlimited", map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}, 0, false},
		{"v1 limit", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "134217728\n"}, 128 << 20, true},
		{"v1 unlimited", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0, false},
		{"none", nil, 0, false},
	} {
		got, ok := cgroupMemoryLimit(files(tc.files))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: cgroupMemoryLimit = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
