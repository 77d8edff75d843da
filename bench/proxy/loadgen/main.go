// Command loadgen is an open-loop HTTP load generator for latency at a fixed rate (wrk, as
// packaged in Debian, has no rate limit): -c connections each send -rate/-c requests per
// second on a fixed schedule; latency is measured from the scheduled send time, so a stall
// counts against every request it delays (no coordinated omission). Prints
// "achieved=<req/s> p50=<ms> p99=<ms> errors=<n>".
//
// It speaks HTTP/1.1 over raw keep-alive connections: each request is the same preformatted
// GET, and each answer is read as a status line, headers and a Content-Length body (what the
// benchmark backend, carve and NGINX send). On a 2-core machine that shares its cores with
// the servers under test, this costs a fraction of net/http's client, so less of the
// generator's own work shows up in the latencies it measures. Answers it cannot read that way
// count as errors. -client std uses net/http's client instead.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:18080/", "target URL")
	rate := flag.Float64("rate", 1000, "requests per second in total")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	client := flag.String("client", "raw", "raw (preformatted requests on raw connections) or std (net/http)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		fmt.Fprintf(os.Stderr, "loadgen: -url %q: need http://host:port/path\n", *target)
		os.Exit(2)
	}
	var newDoer func() doer
	switch *client {
	case "raw":
		req := []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: loadgen\r\n\r\n")
		newDoer = func() doer { return &rawDoer{addr: u.Host, req: req} }
	case "std":
		newDoer = func() doer {
			return &stdDoer{url: *target, c: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}}
		}
	default:
		fmt.Fprintf(os.Stderr, "loadgen: -client %q: want raw or std\n", *client)
		os.Exit(2)
	}
	interval := time.Duration(float64(time.Second) * float64(*conns) / *rate)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(*dur)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := newDoer()
			next := start.Add(interval * time.Duration(i) / time.Duration(*conns))
			local := make([]time.Duration, 0, int(*dur/interval)+1)
			bad := 0
			var badErr error
			for next.Before(end) {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				if err := d.do(); err != nil {
					bad++
					badErr = err
				}
				local = append(local, time.Since(next))
				next = next.Add(interval)
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += bad
			if firstErr == nil {
				firstErr = badErr
			}
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(lat) == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no requests")
		os.Exit(1)
	}
	if firstErr != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %d errors, e.g. %v\n", errs, firstErr)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	fmt.Printf("achieved=%.0f p50=%.3f p99=%.3f errors=%d\n", float64(len(lat))/dur.Seconds(), q(0.50), q(0.99), errs)
}

type doer interface{ do() error }

type stdDoer struct {
	url string
	c   *http.Client
}

func (d *stdDoer) do() error {
	resp, err := d.c.Get(d.url)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// rawDoer sends req on one keep-alive connection, redialing after an error.
type rawDoer struct {
	addr string
	req  []byte
	c    net.Conn
	br   *bufio.Reader
}

func (d *rawDoer) do() error {
	if d.c == nil {
		c, err := net.Dial("tcp", d.addr)
		if err != nil {
			return err
		}
		d.c, d.br = c, bufio.NewReaderSize(c, 8192)
	}
	closing, err := d.exchange()
	if err != nil || closing {
		d.c.Close()
		d.c = nil
	}
	return err
}

var errAnswer = errors.New("answer is not 200 with a Content-Length body")

// exchange sends one request and reads its answer; closing reports "Connection: close" (NGINX
// closes a keep-alive connection after 1 000 requests by default).
func (d *rawDoer) exchange() (closing bool, err error) {
	if _, err := d.c.Write(d.req); err != nil {
		return false, err
	}
	line, err := d.br.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return false, errAnswer
	}
	n := -1
	for {
		line, err = d.br.ReadSlice('\n')
		if err != nil {
			return false, err
		}
		if len(line) <= 2 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		switch {
		case !ok:
			return false, errAnswer
		case bytes.EqualFold(k, []byte("Content-Length")):
			if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return false, errAnswer
			}
		case bytes.EqualFold(k, []byte("Connection")):
			closing = bytes.EqualFold(bytes.TrimSpace(v), []byte("close"))
		}
	}
	if n < 0 {
		return false, errAnswer
	}
	_, err = d.br.Discard(n)
	return closing, err
}
