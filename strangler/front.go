package strangler

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
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
	h          http.Handler
	errorLog   *log.Logger
	std        *http.Server // serves handed-off connections
	ln         net.Listener
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

// bufferBeforeChunking is the handler's response buffer, as net/http's server has it: a
// handler that finishes within it gets a Content-Length.
const bufferBeforeChunking = 2048

const (
	connIdle int32 = iota
	connActive
)

// newFront returns the loop serving h on ln, with std (whose Handler should be h too) for the
// connections it hands off.
func newFront(h http.Handler, std *http.Server, ln net.Listener, readHeader, idle time.Duration) *front {
	f := &front{h: h, errorLog: std.ErrorLog, std: std, ln: ln, readHeader: readHeader, idle: idle, conns: map[*frontConn]struct{}{},
		handoff: &connQueue{ch: make(chan net.Conn), done: make(chan struct{}), addr: ln.Addr()}}
	return f
}

// serve accepts connections until shutdown. The handed-off connections are served by f.std,
// started here.
func (f *front) serve() error {
	ln := f.ln
	stdErr := make(chan error, 1)
	go func() { stdErr <- f.std.Serve(f.handoff) }()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if f.closing.Load() {
				return http.ErrServerClosed
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() {
				// Temporary accept error (EMFILE, ENFILE, ECONNABORTED…): back off and keep
				// serving, as net/http's Serve does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				f.logf("http: Accept error: %v; retrying in %v", err, delay)
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

func (f *front) logf(format string, args ...any) {
	if f.errorLog != nil {
		f.errorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// shutdown stops the loop gracefully: the listener is closed, idle connections are closed
// now, active ones after their current response; handed-off connections are drained by
// net/http's Shutdown. When ctx ends first, the remaining connections are closed.
func (f *front) shutdown(ctx context.Context) error {
	f.closing.Store(true)
	f.ln.Close()
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
	// Read deadlines: the first request's header must arrive within readHeader; later ones
	// within idle (waiting) and then readHeader once a request has begun, unless its whole
	// header already arrived with the first read. The idle deadline is refreshed at most once
	// a second (idle is honoured to within a second, or a tenth of it when shorter): each
	// SetReadDeadline re-arms a runtime timer, and this loop runs once per request.
	var deadline time.Time
	setDeadline := func(now time.Time, d time.Duration) {
		deadline = now.Add(d)
		fc.c.SetReadDeadline(deadline)
	}
	slack := min(time.Second, f.idle/10)
	setDeadline(time.Now(), f.readHeader)
	for first := true; ; first = false {
		if !first {
			if now := time.Now(); deadline.Sub(now) < f.idle-slack {
				setDeadline(now, f.idle)
			}
		}
		if f.closing.Load() {
			return // checked after the deadline is set: shutdown's wake-up cannot be overwritten
		}
		// Like net/http: the first request is read at once; a later one only once 4 bytes
		// have arrived, and a connection that ends before that is closed without an answer.
		if n := peekBefore(first); n > 0 {
			if _, err := fc.br.Peek(n); err != nil {
				return // closed, idle timeout or shutdown
			}
		}
		fc.state.Store(connActive)
		if !first && !headerBuffered(fc.br) {
			setDeadline(time.Now(), f.readHeader)
		}
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
		if !fc.serveRequest(req) {
			return
		}
		fc.state.Store(connIdle)
	}
}

// peekBefore is how many bytes the loop waits for before reading a request: 1 for the first
// (an empty connection closes silently; anything else is parsed), 4 for later ones.
func peekBefore(first bool) int {
	if first {
		return 1
	}
	return 4
}

// headerBuffered reports whether a complete request header is already in br.
func headerBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.Contains(b, crlf2)
}

var crlf2 = []byte("\r\n\r\n")

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
			fc.bw.Flush() // what was already written reaches the client, as with net/http
			if v != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				buf = buf[:runtime.Stack(buf, false)]
				fc.f.logf("http: panic serving %v: %v\n%s", fc.remote, v, buf)
			}
		}
	}()
	fc.f.h.ServeHTTP(w, req)
	w.finish()
	if err := fc.bw.Flush(); err != nil {
		return false
	}
	return !w.closeAfter && !req.Close && !fc.f.closing.Load()
}

// frontWriter is the http.ResponseWriter of the loop. It has net/http's server structure and
// rules, so the bytes on the wire are the same (TestFrontMatchesNetHTTP compares them): the
// handler writes into a 2 KiB buffer in front of a chunk writer; the head is written when that
// buffer first spills or the handler returns, from the header snapshot taken at WriteHeader
// (later changes only count as declared trailers); a handler that finishes within the buffer
// gets a Content-Length, otherwise the body is chunked; HEAD and 1xx/204/304 responses carry
// no body; a missing Content-Type is sniffed from the first bytes; Date is added; header values
// have CR and LF replaced by spaces and invalid header names are dropped.
type frontWriter struct {
	fc             *frontConn
	req            *http.Request
	h              http.Header
	bw             *bufio.Writer // the handler's 2 KiB buffer; writes through to chunkWriter
	status         int
	wrote          bool // final status set
	committed      bool // head written to the connection's buffer
	done           bool // the handler has returned
	chunked        bool
	head           bool // HEAD request
	statusNoBody   bool // the status carries no body (1xx, 204, 304)
	haveType       bool
	haveDate       bool
	encoded        bool  // non-empty Content-Encoding: no sniffing
	prefixTrailers bool  // http.TrailerPrefix keys were set before the head
	handlerClose   bool  // the handler's Connection header has "close"
	cl             int64 // declared Content-Length, -1 when none
	written        int64
	closeAfter     bool
	hbuf           []byte   // serialized header snapshot
	trailers       []string // declared trailer keys (canonical)
	keys           []string
	scratch        [40]byte
}

// chunkWriter is what the handler's buffer spills into: it writes the head on first use and
// frames the body.
type chunkWriter struct{ w *frontWriter }

func (w *frontWriter) reset(req *http.Request) {
	w.req = req
	clear(w.h)
	if w.bw == nil {
		w.bw = bufio.NewWriterSize(chunkWriter{w}, bufferBeforeChunking)
	}
	w.bw.Reset(chunkWriter{w})
	w.status, w.wrote, w.committed, w.done, w.chunked = 0, false, false, false, false
	w.head = req.Method == http.MethodHead
	w.statusNoBody = false
	w.haveType, w.haveDate, w.encoded, w.prefixTrailers, w.handlerClose = false, false, false, false, false
	w.cl, w.written, w.closeAfter = -1, 0, false
	w.hbuf, w.trailers = w.hbuf[:0], w.trailers[:0]
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
	if !informational {
		w.handlerClose = httpguts.HeaderValuesContainsToken(w.h["Connection"], "close")
		w.closeAfter = w.handlerClose || w.req.Close || w.fc.f.closing.Load()
	}
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
				if w.closeAfter && !w.handlerClose {
					continue // replaced by "Connection: close"
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
	if v != "" && (isBlank(v[0]) || isBlank(v[len(v)-1])) {
		v = strings.Trim(v, " \t\r\n")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, "\r\n"...)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// dateCache holds the Date header value of the current second.
type dateCache struct {
	unix int64
	text string
}

var lastDate atomic.Pointer[dateCache]

// httpDate returns now in http.TimeFormat, formatted once per second.
func httpDate(now time.Time) string {
	sec := now.Unix()
	if d := lastDate.Load(); d != nil && d.unix == sec {
		return d.text
	}
	d := &dateCache{unix: sec, text: now.UTC().Format(http.TimeFormat)}
	lastDate.Store(d)
	return d.text
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

// commit writes the response head; p is the first body data (for sniffing and, when the
// handler is done, the whole body). Header order is net/http's: the handler's headers sorted
// by key, then Date, Content-Length, Content-Type, Connection and Transfer-Encoding when the
// writer adds them.
func (w *frontWriter) commit(p []byte) {
	w.committed = true
	bw := w.fc.bw
	w.statusLine(w.status)
	bw.Write(w.hbuf)
	if !w.haveDate {
		bw.WriteString("Date: ")
		bw.WriteString(httpDate(time.Now()))
		bw.WriteString("\r\n")
	}
	trailers := len(w.trailers) > 0 || w.prefixTrailers
	if w.cl < 0 && w.done && !trailers && !w.statusNoBody && (!w.head || len(p) > 0) {
		w.cl = int64(len(p))
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(w.scratch[:0], w.cl, 10))
		bw.WriteString("\r\n")
	}
	if !w.haveType && !w.encoded && !w.statusNoBody && len(p) > 0 {
		bw.WriteString("Content-Type: ")
		bw.WriteString(http.DetectContentType(p))
		bw.WriteString("\r\n")
	}
	if w.closeAfter && !w.handlerClose {
		bw.WriteString("Connection: close\r\n")
	}
	if w.cl < 0 && !w.head && !w.statusNoBody {
		w.chunked = true
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	bw.WriteString("\r\n")
}

// Write frames p for the connection (called when the handler's buffer spills or is flushed).
func (cw chunkWriter) Write(p []byte) (int, error) {
	w := cw.w
	if !w.committed {
		w.commit(p)
	}
	if w.head {
		return len(p), nil // HEAD: the body is dropped
	}
	bw := w.fc.bw
	if w.chunked {
		if len(p) == 0 {
			return 0, nil
		}
		bw.Write(strconv.AppendInt(w.scratch[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		if _, err := bw.WriteString("\r\n"); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return bw.Write(p)
}

func (w *frontWriter) Write(p []byte) (int, error) {
	if err := w.admit(len(p)); err != nil || len(p) == 0 {
		return 0, err
	}
	n, err := w.bw.Write(p)
	if err != nil {
		w.closeAfter = true
	}
	return n, err
}

// WriteString is Write for strings. As with net/http's response writer, a string longer than
// the free buffer is copied through the buffer, so it is framed in 2 KiB chunks.
func (w *frontWriter) WriteString(s string) (int, error) {
	if err := w.admit(len(s)); err != nil || len(s) == 0 {
		return 0, err
	}
	n, err := w.bw.WriteString(s)
	if err != nil {
		w.closeAfter = true
	}
	return n, err
}

// admit applies net/http's rules to a write of n bytes: the status is sent first (200 when
// unset), bodies are refused for 1xx/204/304 and beyond a declared Content-Length.
func (w *frontWriter) admit(n int) error {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return nil
	}
	if w.statusNoBody {
		return http.ErrBodyNotAllowed
	}
	w.written += int64(n) // counted even when refused, as net/http
	if w.cl >= 0 && w.written > w.cl {
		return http.ErrContentLength
	}
	return nil
}

// Flush sends the head and what is buffered.
func (w *frontWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	w.bw.Flush()
	if !w.committed {
		w.commit(nil)
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
	w.done = true
	w.bw.Flush()
	if !w.committed {
		w.commit(nil)
	}
	if w.chunked {
		bw := w.fc.bw
		bw.WriteString("0\r\n")
		if tr := w.finalTrailers(); tr != nil {
			tr.Write(bw) // sorted and sanitized, as net/http writes trailers
		}
		bw.WriteString("\r\n")
	}
	if w.cl >= 0 && w.written != w.cl && !w.head {
		w.closeAfter = true // a short body leaves the framing broken
	}
}

// finalTrailers returns the trailers to send: the declared ones and those set with
// http.TrailerPrefix, or nil.
func (w *frontWriter) finalTrailers() http.Header {
	var tr http.Header
	for k, vv := range w.h {
		if rest, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
			if tr == nil {
				tr = http.Header{}
			}
			tr[rest] = vv
		}
	}
	for _, k := range w.trailers {
		if vv, ok := w.h[k]; ok {
			if tr == nil {
				tr = http.Header{}
			}
			tr[k] = append(tr[k], vv...)
		}
	}
	return tr
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

// CloseWrite and ReadFrom pass through to the connection, so net/http's server can half-close
// before an error close and use splice/sendfile, as on its own connections.
func (c *replayConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *replayConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
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

var (
	_ io.Reader                       = (*recorder)(nil)
	_ io.ReaderFrom                   = (*replayConn)(nil)
	_ interface{ CloseWrite() error } = (*replayConn)(nil)
)
