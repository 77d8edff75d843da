package strangler

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sort"
	"testing"
	"time"
)

var benchBody = []byte("0123456789012345678901234567890123456789012345678901234567890123") // 64 bytes

func benchBackend(b testing.TB) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Write(benchBody)
	}))
	b.Cleanup(s.Close)
	return s
}

func doGet(b testing.TB, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// benchConfig is the proxy configuration of BenchmarkProxy and TestProxyAllocs.
func benchConfig(mono, svc string) string {
	return fmt.Sprintf(`version: 1
monolith: {url: %s}
services: {timesale: {url: %s}}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
access_log: false
`, mono, svc)
}

// cannedBackend is an HTTP/1.1 upstream that allocates nothing per request: it reads until
// the end of a request header and answers with a canned 64-byte response. With rawClient it
// lets a test count the allocations of the proxy alone (net/http on either side would
// allocate more for every header the proxy adds).
func cannedBackend(t testing.TB) string {
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 64\r\n\r\n" + string(benchBody))
	end := []byte("\r\n\r\n")
	return rawBackend(t, func(c net.Conn, _ *bufio.Reader) {
		buf := make([]byte, 8192)
		n := 0
		for {
			m, err := c.Read(buf[n:])
			if err != nil {
				return
			}
			n += m
			for {
				i := bytes.Index(buf[:n], end)
				if i < 0 {
					break
				}
				n = copy(buf, buf[i+4:n])
				if _, err := c.Write(resp); err != nil {
					return
				}
			}
			if n == len(buf) {
				return
			}
		}
	})
}

// rawClient sends GET requests with a canned header on one keep-alive connection and reads
// responses of a known length, allocating nothing per request.
type rawClient struct {
	c    net.Conn
	req  []byte
	buf  []byte
	want int // response length in bytes
}

func newRawClient(t testing.TB, base, path string, respLen int) *rawClient {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{c: c, req: []byte("GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: bench\r\n\r\n"),
		buf: make([]byte, 8192), want: respLen}
}

// do sends one request and reads one response; it returns the response bytes.
func (rc *rawClient) do(t testing.TB) []byte {
	if _, err := rc.c.Write(rc.req); err != nil {
		t.Fatal(err)
	}
	n := 0
	for n < rc.want {
		m, err := rc.c.Read(rc.buf[n:])
		if err != nil {
			t.Fatalf("after %d bytes: %v", n, err)
		}
		n += m
	}
	if n != rc.want {
		t.Fatalf("response of %d bytes, want %d: %q", n, rc.want, rc.buf[:n])
	}
	return rc.buf[:n]
}

// responseLen learns the length of the proxy's response (it carries a generated request id
// and the date, both of fixed length) from one request read with net/http.
func responseLen(t testing.TB, base, path string) int {
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: bench\r\n\r\n", path, u.Host)
	var rec bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(c, &rec)), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	return rec.Len()
}

// ownAllocs returns the heap allocations per request of the whole process while rawClient
// sends n sequential requests to base+path: with cannedBackend behind the proxy, that is what
// the proxy allocates per request.
func ownAllocs(t testing.TB, base, path string, n int) float64 {
	rc := newRawClient(t, base, path, responseLen(t, base, path))
	for i := 0; i < 200; i++ {
		rc.do(t)
	}
	m0 := mallocs()
	for i := 0; i < n; i++ {
		rc.do(t)
	}
	return float64(mallocs()-m0) / float64(n)
}

// maxProxyAllocs is the budget of the proxy's own allocations per proxied GET on the direct
// path: issue 7's target of 10 (measured 9.0 on Go 1.26.8 with server.engine auto and the
// plain response path; BENCHMARKS.md "Proxy" lists them). Eight are http.ReadRequest's, which
// parses every client request; one is the request state. The one of slack absorbs background
// work (health checks, GC) during the measurement.
const maxProxyAllocs = 10

// TestProxyAllocs keeps the proxy's own allocations per request under maxProxyAllocs, for a
// carved route and the default route, and checks that the raw measurement harness itself
// allocates nothing.
func TestProxyAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation regression test: skipped under -short (sends 8 800 requests)")
	}
	if raceEnabled {
		t.Skip("allocation regression test: the race detector changes allocation counts")
	}
	mono := cannedBackend(t)
	svc := cannedBackend(t)
	if got := ownAllocs(t, svc, "/api/sale/1", 2000); got > 0.5 {
		t.Fatalf("the raw client and backend allocate %.1f per request; the measurement needs 0", got)
	}
	p := startProxy(t, benchConfig(mono, svc), nil)
	for _, path := range []string{"/api/sale/1", "/other"} {
		got := ownAllocs(t, p.url, path, 2000)
		t.Logf("%s: %.2f allocations per request", path, got)
		if got > maxProxyAllocs {
			t.Errorf("%s: the proxy allocates %.2f times per request, budget %d", path, got, maxProxyAllocs)
		}
	}
}

// BenchmarkProxy measures a proxied GET on loopback (client → carve → backend, 64-byte body)
// with net/http as client and backend, and reports proxy-allocs/op: what the proxy itself
// allocates per request, measured separately with a raw client and backend that allocate
// nothing.
func BenchmarkProxy(b *testing.B) {
	mono := benchBackend(b)
	svc := benchBackend(b)
	p := startProxy(b, benchConfig(mono.URL, svc.URL), nil)
	rawMono, rawSvc := cannedBackend(b), cannedBackend(b)
	praw := startProxy(b, benchConfig(rawMono, rawSvc), nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	for _, tc := range []struct{ name, url, raw, path string }{
		{"direct", svc.URL + "/api/sale/1", rawSvc, "/api/sale/1"},
		{"service", p.url + "/api/sale/1", praw.url, "/api/sale/1"},
		{"monolith", p.url + "/other", praw.url, "/other"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			own := ownAllocs(b, tc.raw, tc.path, 2000)
			for i := 0; i < 200; i++ {
				doGet(b, client, tc.url)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				doGet(b, client, tc.url)
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(own, "proxy-allocs/op")
		})
	}
}
