package strangler

import (
	"bufio"
	"io"
	"net/http"
	"strings"
)

// directOK reports whether r can take the direct path: an idempotent request without a body
// or upgrade, over HTTP/1, to upstreams (the target and the monolith fallback) served by the
// synchronous HTTP/1.1 engine, and not being shadowed. Everything else goes through
// httputil.ReverseProxy.
func directOK(r *http.Request, pl *pool, t *table) bool {
	if pl.h1 == nil || t.monolith.h1 == nil || r.ProtoMajor != 1 || r.ContentLength != 0 || r.Body != http.NoBody {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
	default:
		return false
	}
	return len(r.Header["Upgrade"]) == 0
}

// forwardDirect proxies r by writing the outbound request straight from the inbound one (no
// request clone): the request line with the canonical path, Host per the pool's policy, the
// client's end-to-end headers minus hop-by-hop headers, headers named in Connection and
// proxy-owned headers (and their underscore aliases), then the proxy's own headers. The
// response is parsed by net/http (http.ReadResponse), its hop-by-hop headers removed, and
// its body copied with a pooled buffer. Header rules are the same as the ReverseProxy path;
// TestDirectMatchesReverseProxy holds them equal.
func (p *Proxy) forwardDirect(w *statusWriter, r *http.Request, st *reqState, pl *pool) {
	resp, err := pl.do(st, true, func(target *pool, in *instance, _ int) (*http.Response, error) {
		host := r.Host
		if !target.preserve {
			host = in.origin
		}
		// st.h1 is reused across attempts: pl.do closes each failed attempt's body
		// before the next one and does not touch that response again.
		return target.h1.exchange(in.addr, r, false, &st.h1, func(bw *bufio.Writer) error {
			return writeDirect(bw, r, st, host)
		})
	})
	if err != nil {
		pl.fail(w, r, st, err)
		return
	}
	defer resp.Body.Close()
	wh := w.Header()
	conn := resp.Header["Connection"]
	for k, vv := range resp.Header {
		if isHopByHop(k) || namedIn(conn, k) {
			continue
		}
		wh[k] = vv
	}
	wh["X-Request-Id"] = st.header(6, st.requestID)
	var trailers []string
	if len(resp.Trailer) > 0 {
		for k := range resp.Trailer {
			trailers = append(trailers, k)
		}
		wh["Trailer"] = []string{strings.Join(trailers, ", ")}
	}
	w.WriteHeader(resp.StatusCode)
	flush := resp.ContentLength == -1 || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
	buf := bufPool{}.Get()
	defer bufPool{}.Put(buf)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return // the client went away
			}
			if flush {
				w.Flush()
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			// The upstream broke off mid-body: abort the client connection so the client does
			// not take a truncated body for a complete one (what ReverseProxy does).
			routeMetricsOf(st).req[st.variant][0].Inc() // class 0 = "error"
			panic(http.ErrAbortHandler)
		}
	}
	for k, vv := range resp.Trailer {
		wh[k] = vv
	}
}

// routeMetricsOf returns the metric children of st's route, resolved once per table.
func routeMetricsOf(st *reqState) *routeMetrics {
	if st.route == nil {
		return st.table.defaultMetrics
	}
	return st.route.metrics
}

// writeDirect writes the outbound request head for r.
func writeDirect(bw *bufio.Writer, r *http.Request, st *reqState, host string) error {
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(st.canon)
	if r.URL.RawQuery != "" {
		bw.WriteByte('?')
		bw.WriteString(r.URL.RawQuery)
	}
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	conn := r.Header["Connection"]
	t := st.table
	for k, vv := range r.Header {
		if isHopByHop(k) || k == "Content-Length" || namedIn(conn, k) || isOwned(k, t) {
			continue
		}
		for _, v := range vv {
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(v)
			bw.WriteString("\r\n")
		}
	}
	// As httputil.ReverseProxy: "TE: trailers" is the one TE value passed on.
	if namedIn(r.Header["Te"], "trailers") {
		writeHeader(bw, "Te", "trailers")
	}
	writeHeader(bw, "X-Forwarded-For", st.xff)
	writeHeader(bw, "X-Forwarded-Proto", st.proto)
	writeHeader(bw, "X-Forwarded-Host", r.Host)
	writeHeader(bw, "X-Request-Id", st.requestID)
	writeHeader(bw, "Traceparent", st.traceID)
	if st.identity != "" {
		writeHeader(bw, t.identity.name, st.identity)
	}
	_, err := bw.WriteString("\r\n")
	return err
}

func writeHeader(bw *bufio.Writer, k, v string) {
	bw.WriteString(k)
	bw.WriteString(": ")
	bw.WriteString(v)
	bw.WriteString("\r\n")
}

// isHopByHop reports RFC 9110 hop-by-hop headers (canonical keys).
func isHopByHop(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// namedIn reports whether header k is listed in the Connection header values conn.
func namedIn(conn []string, k string) bool {
	for _, v := range conn {
		for v != "" {
			var tok string
			tok, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.TrimSpace(tok), k) {
				return true
			}
		}
	}
	return false
}

// isOwned reports proxy-owned headers and their underscore aliases: clients' copies are
// dropped.
func isOwned(k string, t *table) bool {
	alias := k
	if strings.IndexByte(k, '_') >= 0 {
		alias = strings.ReplaceAll(k, "_", "-")
	}
	for _, o := range ownedHeaders {
		if strings.EqualFold(alias, o) {
			return true
		}
	}
	return t.identity != nil && strings.EqualFold(alias, t.identity.name)
}
