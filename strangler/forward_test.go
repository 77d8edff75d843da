package strangler

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDirectMatchesReverseProxy sends the same requests through the direct path (engine
// auto) and through httputil.ReverseProxy (engine std): the upstream must see the same
// request and the client the same response headers.
func TestDirectMatchesReverseProxy(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Connection", "X-Secret")
		h.Set("X-Secret", "hop")
		h.Set("Keep-Alive", "timeout=5")
		h.Set("X-Visible", "yes")
		h.Add("Set-Cookie", "a=1")
		h.Add("Set-Cookie", "b=2")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q,"query":%q,"host":%q,"header":{`, r.URL.EscapedPath(), r.URL.RawQuery, r.Host)
		first := true
		for k, vv := range r.Header {
			if k == "Traceparent" {
				vv = []string{vv[0][:35]} // trace id only: the parent id is new per hop
			}
			if !first {
				io.WriteString(w, ",")
			}
			first = false
			fmt.Fprintf(w, "%q:%q", k, strings.Join(vv, "|"))
		}
		io.WriteString(w, "}}")
	}))
	defer up.Close()
	y := fmt.Sprintf(`version: 1
monolith: {url: %s}
services:
  direct: {url: %s}
  std: {url: %s, engine: std}
  direct-up: {url: %s, host: upstream}
  std-up: {url: %s, host: upstream, engine: std}
routes:
  - {name: d, match: {path_prefix: /d}, service: direct, stage: full}
  - {name: s, match: {path_prefix: /s}, service: std, stage: full}
  - {name: du, match: {path_prefix: /du}, service: direct-up, stage: full}
  - {name: su, match: {path_prefix: /su}, service: std-up, stage: full}
trusted_proxies: [127.0.0.1]
`, up.URL, up.URL, up.URL, up.URL, up.URL)
	p := startProxy(t, y, nil)
	send := func(method, prefix string) (int, http.Header, string) {
		req, _ := http.NewRequest(method, p.url+prefix+"/a/./b%2e/c?x=1&y=%20", nil)
		req.Host = "shop.example"
		h := req.Header
		h.Set("Connection", "X-Drop, keep-alive")
		h.Set("X-Drop", "1")
		h.Set("X-Keep", "1")
		h.Add("X-Multi", "1")
		h.Add("X-Multi", "2")
		h.Set("Keep-Alive", "timeout=1")
		h.Set("Proxy-Authorization", "secret")
		h.Set("Te", "trailers")
		h["X_Forwarded_For"] = []string{"6.6.6.6"}
		h.Set("X-Forwarded-For", "10.0.0.9")
		h.Set("X-Request-Id", "fixed-id")
		h.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		h.Set("X-Carve-Shadow", "1")
		h.Set("User-Agent", "test-agent")
		resp, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		resp.Header.Del("Date")
		return resp.StatusCode, resp.Header, strings.ReplaceAll(string(b), prefix+"/", "/P/")
	}
	for _, pair := range [][2]string{{"/d", "/s"}, {"/du", "/su"}} {
		for _, method := range []string{"GET", "HEAD", "DELETE", "OPTIONS"} {
			dc, dh, db := send(method, pair[0])
			sc, sh, sb := send(method, pair[1])
			if dc != sc {
				t.Errorf("%s %s: status %d direct vs %d std", method, pair, dc, sc)
			}
			if diff := cmp.Diff(sh, dh); diff != "" {
				t.Errorf("%s %s: response headers differ (-std +direct):\n%s", method, pair, diff)
			}
			if method != "HEAD" && !equalJSONish(db, sb) {
				t.Errorf("%s %s: upstream saw\ndirect: %s\nstd:    %s", method, pair, db, sb)
			}
			if dh.Get("X-Secret") != "" || dh.Get("Keep-Alive") != "" || dh.Get("X-Visible") != "yes" || len(dh.Values("Set-Cookie")) != 2 {
				t.Errorf("%s %s: response hop-by-hop handling: %v", method, pair, dh)
			}
		}
	}
	_, _, body := send("GET", "/d")
	for _, bad := range []string{"X-Drop", "Proxy-Authorization", "X_forwarded_for", "X-Carve-Shadow", "Keep-Alive"} {
		if strings.Contains(body, bad) {
			t.Errorf("upstream saw %s: %s", bad, body)
		}
	}
	for _, good := range []string{`"X-Keep":"1"`, `"X-Multi":"1|2"`, `"X-Forwarded-For":"10.0.0.9, 127.0.0.1"`, `"X-Request-Id":"fixed-id"`,
		`"Traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736"`, `"path":"/P/a/b./c"`, `"query":"x=1&y=%20"`, `"host":"shop.example"`} {
		if !strings.Contains(body, good) {
			t.Errorf("upstream did not see %s: %s", good, body)
		}
	}
}

// equalJSONish compares the echo bodies ignoring header order.
func equalJSONish(a, b string) bool {
	norm := func(s string) []string {
		i := strings.Index(s, `"header":{`)
		if i < 0 {
			return []string{s}
		}
		parts := strings.Split(strings.TrimSuffix(s[i+10:], "}}"), `","`)
		out := []string{s[:i]}
		for _, p := range parts {
			out = append(out, strings.Trim(p, `"`))
		}
		sortStrings(out[1:])
		return out
	}
	return cmp.Equal(norm(a), norm(b))
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestDirectTrailersStreamingAbort(t *testing.T) {
	var broken atomic.Int64 // exchanges cut off upstream (the client may retry once)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/d/trailer":
			w.Header().Set("Trailer", "X-Checksum")
			io.WriteString(w, "body")
			w.Header().Set("X-Checksum", "abc")
		case "/d/stream":
			w.Header().Set("Content-Type", "text/event-stream")
			for i := 0; i < 3; i++ {
				fmt.Fprintf(w, "data: %d\n\n", i)
				w.(http.Flusher).Flush()
			}
		case "/d/broken":
			broken.Add(1)
			hj, _, _ := w.(http.Hijacker).Hijack()
			io.WriteString(hj, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
			hj.Close()
		}
	}))
	defer up.Close()
	p := startProxy(t, fmt.Sprintf("version: 1\nmonolith: {url: %s}\nservices: {s: {url: %s}}\nroutes:\n  - {name: d, match: {path_prefix: /d}, service: s, stage: full}\n", up.URL, up.URL), nil)
	resp, err := testClient.Get(p.url + "/d/trailer")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "body" || resp.Trailer.Get("X-Checksum") != "abc" {
		t.Errorf("trailer: body %q trailer %v, want body and X-Checksum: abc", b, resp.Trailer)
	}
	resp, err = testClient.Get(p.url + "/d/stream")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "data: 0\n\ndata: 1\n\ndata: 2\n\n" {
		t.Errorf("stream body = %q", b)
	}
	resp, err = testClient.Get(p.url + "/d/broken")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Errorf("a body cut off upstream reached the client as complete")
	}
	// The proxy keeps serving.
	if code, _, _ := get(t, p.url+"/d/stream"); code != 200 {
		t.Errorf("after an aborted response: %d", code)
	}
	// Each aborted exchange is counted under the route's cached "error" class.
	mf, err := p.gatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var aborted float64 = -1
	for _, f := range mf {
		if f.GetName() != "carve_proxy_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			l := map[string]string{}
			for _, lp := range m.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			if l["route"] == "d" && l["variant"] == "service" && l["code"] == "error" {
				aborted = m.GetCounter().GetValue()
			}
		}
	}
	if n := broken.Load(); n == 0 || aborted != float64(n) {
		t.Errorf(`carve_proxy_requests_total{route="d",variant="service",code="error"} = %v, want %d (upstream exchanges cut off)`, aborted, n)
	}
}
