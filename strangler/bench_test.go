package strangler

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"testing"
	"time"
)

var benchBody = []byte("0123456789012345678901234567890123456789012345678901234567890123") // 64 bytes

func benchBackend(b *testing.B) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Write(benchBody)
	}))
	b.Cleanup(s.Close)
	return s
}

func doGet(b *testing.B, c *http.Client, url string) {
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

// allocsPer measures heap allocations per request of the whole process (client, proxy and
// backend live in this process) over n sequential requests.
func allocsPer(b *testing.B, c *http.Client, url string, n int) float64 {
	for i := 0; i < 200; i++ {
		doGet(b, c, url)
	}
	m0 := mallocs()
	for i := 0; i < n; i++ {
		doGet(b, c, url)
	}
	return float64(mallocs()-m0) / float64(n)
}

// BenchmarkProxy measures a proxied GET on loopback (client → carve → backend, 64-byte body)
// and reports proxy-allocs/op: allocations per request minus those of the same request sent
// directly to the backend, i.e. what the proxy itself costs.
func BenchmarkProxy(b *testing.B) {
	mono := benchBackend(b)
	svc := benchBackend(b)
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services: {timesale: {url: %s}}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
access_log: false
`, mono.URL, svc.URL)
	p := startProxy(b, y, nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	for _, tc := range []struct{ name, url string }{
		{"direct", svc.URL + "/api/sale/1"},
		{"service", p.url + "/api/sale/1"},
		{"monolith", p.url + "/other"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			direct := allocsPer(b, client, svc.URL+"/api/sale/1", 2000)
			proxied := allocsPer(b, client, tc.url, 2000)
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
			b.ReportMetric(proxied-direct, "proxy-allocs/op")
		})
	}
}
