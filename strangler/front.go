package strangler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// front is carve's HTTP/1.1 server engine (server.engine: auto). It runs its own connection
// loop for the proxy's common case and leaves everything else to net/http's server:
//
//   - Requests are parsed by net/http's own parser (http.ReadRequest), never by carve.
//   - A request is served by the loop only when it is simple: HTTP/1.1, GET/HEAD/OPTIONS/
//     DELETE, origin-form target, exactly one valid Host, valid header names and values, no
//     body, no Transfer-Encoding, Expect or Upgrade. Those are the checks net/http's server
//     adds on top of http.ReadRequest for such requests.
//   - Anything else — another method or version, a body, a parse error, an oversized header —
//     hands the connection to a net/http server: the bytes read since the start of that request
//     are replayed to it, so net/http parses the request itself and answers exactly as the std
//     engine would (including its 400/431/505 errors). The connection stays with net/http from
//     then on.
//
// What the loop saves over net/http's server for a simple request: the per-request contexts,
// the background read that watches for the client going away, and the response writer's
// buffers and header clone. The price: while a simple request waits for its upstream, a client
// that disconnects is noticed only when the answer is written (bounded by timeouts.response).
type front struct {
	p          *Proxy
	std        *http.Server // serves handed-off connections
	handoff    *connQueue
	readHeader time.Duration
	idle       time.Duration

	mu      sync.Mutex
	conns   map[*frontConn]struct{}
	closing atomic.Bool
	wg      sync.WaitGroup
}

// maxHeaderBytes is what the loop reads of one request head before handing the connection to
// net/http (which then answers 431): net/http's default limit plus its 4 KiB slack.
const maxHeaderBytes = http.DefaultMaxHeaderBytes + 4096

// bufferBeforeChunking is how much body the writer holds before it commits to chunked
// encoding, as net/http's server does: a handler that finishes within it gets Content-Length.
const bufferBeforeChunking = 2048

const (
	connIdle int32 = iota
	connActive
)

func newFront(p *Proxy, std *http.Server, readHeader, idle time.Duration, addr net.Addr) *front {
	f := &front{p: p, std: std, readHeader: readHeader, idle: idle, conns: map[*frontConn]struct{}{},
		handoff: &connQueue{ch: make(chan net.Conn), done: make(chan struct{}), addr: addr}}
	return f
}

// serve accepts connections on ln until it is closed. The handed-off connections are served
// by f.std, started here.
func (f *front) serve(ln net.Listener) error {
	stdErr := make(chan error, 1)
	go func() { stdErr <- f.std.Serve(f.handoff) }()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if f.closing.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Temporary accept error (EMFILE and friends): back off as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				f.p.errorLog.Printf("http: Accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			select {
			case err2 := <-stdErr:
				if err2 != nil && !errors.Is(err2, http.ErrServerClosed) {
					return err2
				}
			default:
			}
			return err
		}
		delay = 0
		fc := newFrontConn(f, c)
		f.mu.Lock()
		if f.closing.Load() {
			f.mu.Unlock()
			c.Close()
			continue
		}
		f.conns[fc] = struct{}{}
		f.wg.Add(1)
		f.mu.Unlock()
		go fc.serve()
	}
}

// shutdown stops the loop gracefully: the caller has closed the listener; idle connections
// are closed now, active ones after their current response; handed-off connections are
// drained by net/http's Shutdown. When ctx ends first, the remaining connections are closed.
func (f *front) shutdown(ctx context.Context) error {
	f.closing.Store(true)
	f.mu.Lock()
	for fc := range f.conns {
		if fc.state.Load() == connIdle {
			fc.c.SetReadDeadline(time.Unix(1, 0)) // wakes the idle read; the loop closes
		}
	}
	f.mu.Unlock()
	stdErr := f.std.Shutdown(ctx) // also closes f.handoff
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return stdErr
	case <-ctx.Done():
		f.mu.Lock()
		for fc := range f.conns {
			fc.c.Close()
		}
		f.mu.Unlock()
		return ctx.Err()
	}
}

// frontConn is one client connection served by the loop.
type frontConn struct {
	f      *front
	c      net.Conn
	rec    recorder
	br     *bufio.Reader
	bw     *bufio.Writer
	remote string
	state  atomic.Int32
	w      frontWriter
}

func newFrontConn(f *front, c net.Conn) *frontConn {
	fc := &frontConn{f: f, c: c, remote: c.RemoteAddr().String()}
	fc.rec.c = c
	fc.br = bufio.NewReaderSize(&fc.rec, 4096)
	fc.bw = bufio.NewWriterSize(c, 4096)
	fc.w.fc = fc
	fc.w.h = http.Header{}
	return fc
}

func (fc *frontConn) serve() {
	f := fc.f
	handedOff := false
	defer func() {
		if !handedOff {
			fc.c.Close()
		}
		f.mu.Lock()
		delete(f.conns, fc)
		f.mu.Unlock()
		f.wg.Done()
	}()
	first := true
	for {
		if f.closing.Load() {
			return
		}
		wait := f.idle
		if first {
			wait = f.readHeader
		}
		fc.c.SetReadDeadline(time.Now().Add(wait))
		if _, err := fc.br.Peek(1); err != nil {
			return // closed, idle timeout or shutdown
		}
		fc.state.Store(connActive)
		if !first {
			fc.c.SetReadDeadline(time.Now().Add(f.readHeader))
		}
		first = false
		fc.rec.start(fc.br)
		req, err := http.ReadRequest(fc.br)
		fc.rec.on = false
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return // a client too slow to send its header gets no answer, as with net/http
			}
			handedOff = fc.handOff()
			return
		}
		if !simpleRequest(req) {
			handedOff = fc.handOff()
			return
		}
		fc.c.SetReadDeadline(time.Time{})
		if !fc.serveRequest(req) {
			return
		}
		fc.state.Store(connIdle)
	}
}

// handOff gives the connection, with the bytes of the current request replayed, to net/http.
// It reports whether net/http took it.
func (fc *frontConn) handOff() bool {
	fc.c.SetReadDeadline(time.Time{})
	rc := &replayConn{Conn: fc.c, buf: fc.rec.buf}
	fc.rec.buf = nil
	select {
	case fc.f.handoff.ch <- rc:
		return true
	case <-fc.f.handoff.done:
		return false
	}
}

// simpleRequest reports whether the loop serves req itself.
func simpleRequest(req *http.Request) bool {
	if req.ProtoMajor != 1 || req.ProtoMinor != 1 || req.ContentLength != 0 || req.Body != http.NoBody ||
		len(req.TransferEncoding) != 0 || req.RequestURI == "" || req.RequestURI[0] != '/' {
		return false
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
	default:
		return false
	}
	// http.ReadRequest has moved the Host header into req.Host (and rejected several) for an
	// origin-form target.
	if req.Host == "" || !httpguts.ValidHostHeader(req.Host) {
		return false
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
		switch k {
		case "Expect", "Upgrade", "Content-Length":
			return false
		}
	}
	return true
}

// serveRequest runs the proxy for one simple request and reports whether the connection
// stays open.
func (fc *frontConn) serveRequest(req *http.Request) (keep bool) {
	req.RemoteAddr = fc.remote
	w := &fc.w
	w.reset(req)
	defer func() {
		if v := recover(); v != nil {
			keep = false
			if v != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				buf = buf[:runtime.Stack(buf, false)]
				fc.f.p.errorLog.Printf("http: panic serving %v: %v\n%s", fc.remote, v, buf)
			}
		}
	}()
	fc.f.p.ServeHTTP(w, req)
	w.finish()
	if err := fc.bw.Flush(); err != nil {
		return false
	}
	return !w.closeAfter && !req.Close && !fc.f.closing.Load()
}

// frontWriter is the http.ResponseWriter of the loop. It follows net/http's server rules: the
// header is snapshotted at WriteHeader (later changes only count as declared trailers), up to
// 2 KiB of body is held so a short response gets Content-Length, longer ones without a
// Content-Length are chunked, HEAD and 1xx/204/304 responses carry no body, a missing
// Content-Type is sniffed, Date is added, header values have newlines replaced by spaces and
// invalid header names are dropped.
type frontWriter struct {
	fc             *frontConn
	req            *http.Request
	h              http.Header
	status         int
	wrote          bool // final status set
	committed      bool // head written to the connection's buffer
	chunked        bool
	head           bool // HEAD request
	noBody         bool // the status or method carries no body
	statusNoBody   bool // the status carries no body (1xx, 204, 304)
	haveType       bool
	haveDate       bool
	encoded        bool  // non-empty Content-Encoding: no sniffing
	prefixTrailers bool  // http.TrailerPrefix keys were set before the head
	cl             int64 // declared Content-Length, -1 when none
	written        int64
	closeAfter     bool
	hbuf           []byte   // serialized header snapshot
	trailers       []string // declared trailer keys (canonical)
	buf            []byte   // body held before commit
	keys           []string
	scratch        [40]byte
}

func (w *frontWriter) reset(req *http.Request) {
	w.req = req
	clear(w.h)
	w.status, w.wrote, w.committed, w.chunked = 0, false, false, false
	w.head = req.Method == http.MethodHead
	w.noBody, w.statusNoBody = false, false
	w.haveType, w.haveDate, w.encoded, w.prefixTrailers = false, false, false, false
	w.cl, w.written, w.closeAfter = -1, 0, false
	w.hbuf, w.trailers, w.buf = w.hbuf[:0], w.trailers[:0], w.buf[:0]
}

func (w *frontWriter) Header() http.Header { return w.h }

func (w *frontWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// Informational: written at once with the current header; the final status follows.
		bw := w.fc.bw
		w.statusLine(code)
		w.hbuf = w.hbuf[:0]
		w.snapshot(true)
		bw.Write(w.hbuf)
		bw.WriteString("\r\n")
		w.hbuf = w.hbuf[:0]
		bw.Flush()
		return
	}
	w.wrote = true
	w.status = code
	w.statusNoBody = code == http.StatusNoContent || code == http.StatusNotModified || (code >= 100 && code <= 199)
	w.noBody = w.head || w.statusNoBody
	w.snapshot(false)
}

// snapshot serializes the header map (sorted by key, as net/http writes it) into w.hbuf and
// records the framing-relevant values; informational responses keep every header.
func (w *frontWriter) snapshot(informational bool) {
	w.keys = w.keys[:0]
	for k := range w.h {
		w.keys = append(w.keys, k)
	}
	slices.Sort(w.keys)
	for _, k := range w.keys {
		vv := w.h[k]
		if strings.HasPrefix(k, http.TrailerPrefix) {
			w.prefixTrailers = true
			continue
		}
		if !informational {
			switch k {
			case "Content-Length":
				if w.statusNoBody {
					continue // suppressed on 1xx, 204 and 304, as net/http
				}
				if len(vv) > 0 {
					if n, err := strconv.ParseInt(strings.TrimSpace(vv[0]), 10, 64); err == nil && n >= 0 {
						w.cl = n
					}
				}
			case "Transfer-Encoding":
				continue // framing is the writer's decision
			case "Connection":
				if httpguts.HeaderValuesContainsToken(vv, "close") {
					w.closeAfter = true
					continue // written with the framing headers
				}
			case "Trailer":
				for _, v := range vv {
					for v != "" {
						var tok string
						tok, v, _ = strings.Cut(v, ",")
						if tok = strings.TrimSpace(tok); tok != "" {
							w.trailers = append(w.trailers, http.CanonicalHeaderKey(tok))
						}
					}
				}
			case "Content-Type":
				w.haveType = true
				if w.status == http.StatusNotModified {
					continue // no representation metadata on 304, as net/http
				}
			case "Content-Encoding":
				w.encoded = len(vv) > 0 && vv[0] != ""
			case "Date":
				w.haveDate = true
			}
		}
		if !httpguts.ValidHeaderFieldName(k) {
			continue // dropped, as net/http's Header.Write does
		}
		for _, v := range vv {
			w.hbuf = appendHeaderLine(w.hbuf, k, v)
		}
	}
}

// appendHeaderLine appends "k: v\r\n" with v's CR and LF replaced by spaces and surrounding
// blanks trimmed, as net/http's Header.Write does.
func appendHeaderLine(b []byte, k, v string) []byte {
	b = append(b, k...)
	b = append(b, ": "...)
	v = strings.Trim(v, " \t\r\n")
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, "\r\n"...)
}

func (w *frontWriter) statusLine(code int) {
	bw := w.fc.bw
	bw.WriteString("HTTP/1.1 ")
	bw.Write(strconv.AppendInt(w.scratch[:0], int64(code), 10))
	bw.WriteByte(' ')
	if text := http.StatusText(code); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		bw.Write(strconv.AppendInt(w.scratch[:0], int64(code), 10))
	}
	bw.WriteString("\r\n")
}

// commit writes the response head; done says the handler has returned, so the held body is
// the whole body. Header order is net/http's: the handler's headers sorted by key, then Date,
// Content-Length, Content-Type, Connection and Transfer-Encoding when the writer adds them.
func (w *frontWriter) commit(done bool) {
	w.committed = true
	bw := w.fc.bw
	w.statusLine(w.status)
	bw.Write(w.hbuf)
	if !w.haveDate {
		bw.WriteString("Date: ")
		bw.Write(time.Now().UTC().AppendFormat(w.scratch[:0], http.TimeFormat))
		bw.WriteString("\r\n")
	}
	trailers := len(w.trailers) > 0 || w.prefixTrailers
	if w.cl < 0 && done && !trailers && !w.statusNoBody && (!w.head || len(w.buf) > 0) {
		w.cl = int64(len(w.buf))
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(w.scratch[:0], w.cl, 10))
		bw.WriteString("\r\n")
	}
	if !w.haveType && !w.encoded && !w.statusNoBody && len(w.buf) > 0 {
		bw.WriteString("Content-Type: ")
		bw.WriteString(http.DetectContentType(w.buf))
		bw.WriteString("\r\n")
	}
	if w.closeAfter || w.req.Close || w.fc.f.closing.Load() {
		w.closeAfter = true
		bw.WriteString("Connection: close\r\n")
	}
	if w.cl < 0 && !w.noBody {
		w.chunked = true
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	bw.WriteString("\r\n")
	if len(w.buf) > 0 && !w.noBody {
		w.body(w.buf)
	}
}

// body writes p to the connection in the response's framing; bufio's error is sticky, so the
// last write's error is the first one's.
func (w *frontWriter) body(p []byte) error {
	bw := w.fc.bw
	if w.chunked {
		bw.Write(strconv.AppendInt(w.scratch[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		_, err := bw.WriteString("\r\n")
		return err
	}
	_, err := bw.Write(p)
	return err
}

func (w *frontWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if w.noBody && !w.head {
		return 0, http.ErrBodyNotAllowed
	}
	if w.committed && w.head {
		return len(p), nil // HEAD: writes are accepted and dropped
	}
	if w.cl >= 0 && w.written+int64(len(p)) > w.cl {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if w.cl < 0 && len(w.buf)+len(p) <= bufferBeforeChunking {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		w.commit(false)
		if w.head {
			return len(p), nil
		}
	}
	if err := w.body(p); err != nil {
		w.closeAfter = true
		return 0, err
	}
	return len(p), nil
}

// Flush commits the head and sends what is buffered.
func (w *frontWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(false)
	}
	if w.fc.bw.Flush() != nil {
		w.closeAfter = true
	}
}

// finish completes the response after the handler returned.
func (w *frontWriter) finish() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(true)
	}
	if w.chunked {
		bw := w.fc.bw
		bw.WriteString("0\r\n")
		for _, k := range w.trailers {
			for _, v := range w.h[k] {
				w.hbuf = appendHeaderLine(w.hbuf[:0], k, v)
				bw.Write(w.hbuf)
			}
		}
		for k, vv := range w.h {
			if rest, ok := strings.CutPrefix(k, http.TrailerPrefix); ok && httpguts.ValidHeaderFieldName(rest) {
				for _, v := range vv {
					w.hbuf = appendHeaderLine(w.hbuf[:0], rest, v)
					bw.Write(w.hbuf)
				}
			}
		}
		bw.WriteString("\r\n")
	}
	if w.cl >= 0 && w.written != w.cl && !w.noBody {
		w.closeAfter = true // a short body leaves the framing broken
	}
}

// recorder reads from the connection and, while on, keeps every byte read, so a request can
// be replayed to net/http.
type recorder struct {
	c   net.Conn
	on  bool
	buf []byte
}

var errHeaderTooLarge = errors.New("request header too large")

// start begins recording at the start of a request: the bytes already buffered (read ahead)
// come first.
func (r *recorder) start(br *bufio.Reader) {
	ahead, _ := br.Peek(br.Buffered())
	r.buf = append(r.buf[:0], ahead...)
	r.on = true
}

func (r *recorder) Read(p []byte) (int, error) {
	if r.on && len(r.buf) >= maxHeaderBytes {
		return 0, errHeaderTooLarge
	}
	n, err := r.c.Read(p)
	if r.on && n > 0 {
		r.buf = append(r.buf, p[:n]...)
	}
	return n, err
}

// replayConn returns buf before reading from the connection.
type replayConn struct {
	net.Conn
	buf []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.buf) > 0 {
		n := copy(p, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// connQueue is the net.Listener through which connections reach net/http's server.
type connQueue struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
	addr net.Addr
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }

var _ io.Reader = (*recorder)(nil)
