// Command loadgen is an open-loop HTTP load generator for latency at a fixed rate (wrk, as
// packaged in Debian, has no rate limit): -c connections each send -rate/-c requests per
// second on a fixed schedule; latency is measured from the scheduled send time, so a stall
// counts against every request it delays (no coordinated omission). Prints
// "achieved=<req/s> p50=<ms> p99=<ms> errors=<n>".
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:18080/", "target URL")
	rate := flag.Float64("rate", 1000, "requests per second in total")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	flag.Parse()
	interval := time.Duration(float64(time.Second) * float64(*conns) / *rate)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(*dur)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
			next := start.Add(interval * time.Duration(i) / time.Duration(*conns))
			var local []time.Duration
			bad := 0
			for next.Before(end) {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				resp, err := client.Get(*url)
				if err != nil {
					bad++
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						bad++
					}
				}
				local = append(local, time.Since(next))
				next = next.Add(interval)
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += bad
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(lat) == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no requests")
		os.Exit(1)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	fmt.Printf("achieved=%.0f p50=%.3f p99=%.3f errors=%d\n", float64(len(lat))/dur.Seconds(), q(0.50), q(0.99), errs)
}
