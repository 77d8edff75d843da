package strangler

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// h1Transport is a synchronous HTTP/1.1 client for the proxy's common case: idempotent,
// bodiless, non-upgrade requests to plain-HTTP upstreams. It writes the request and reads the
// response in the calling goroutine on a pooled keep-alive connection, so a proxied request
// costs no hand-off to the reader and writer goroutines that http.Transport keeps per
// connection. Serialization and parsing are the standard library's (Request.Write,
// http.ReadResponse), so framing rules are net/http's. Everything else (bodies, upgrades,
// TLS) goes through http.Transport.
type h1Transport struct {
	dialer   net.Dialer
	response time.Duration // deadline for writing the request and reading the headers
	idle     time.Duration
	maxIdle  int

	mu     sync.Mutex
	conns  map[string][]*h1Conn
	closed bool // after close, connections are not pooled any more
}

type h1Conn struct {
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	abort     func()      // unblocks a pending read or write; built once per connection
	hdr       http.Header // header map of plain-path responses read with scratch, reused
	deadline  time.Time   // the read/write deadline set on c, zero when none
}

// armDeadline makes sure the connection's deadline is at least d from now. To spare a
// runtime timer update on every request it sets now + d + a tenth of d (at most 1 s), so
// requests in the next tenth reuse it: the response timeout is honoured to within that slack.
func (c *h1Conn) armDeadline(now time.Time, d time.Duration) {
	if !c.deadline.Before(now.Add(d)) {
		return
	}
	c.deadline = now.Add(d + min(d/10, time.Second))
	c.c.SetDeadline(c.deadline)
}

// disarmDeadline removes the deadline, for a body that is still to be read from the network.
func (c *h1Conn) disarmDeadline() {
	if !c.deadline.IsZero() {
		c.deadline = time.Time{}
		c.c.SetDeadline(time.Time{})
	}
}

func newH1Conn(nc net.Conn) *h1Conn {
	c := &h1Conn{c: nc, br: bufio.NewReaderSize(nc, 4096), bw: bufio.NewWriterSize(nc, 4096)}
	c.abort = func() { c.c.SetDeadline(time.Unix(1, 0)) }
	return c
}

func newH1Transport(connect, response, idle time.Duration, maxIdle int) *h1Transport {
	return &h1Transport{
		dialer:   net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second},
		response: response,
		idle:     idle,
		maxIdle:  maxIdle,
		conns:    map[string][]*h1Conn{},
	}
}

// eligible reports whether req may use the synchronous path.
func (t *h1Transport) eligible(req *http.Request) bool {
	if t == nil || req.URL.Scheme != "http" || (req.Body != nil && req.Body != http.NoBody) || req.ContentLength > 0 {
		return false
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
	default:
		return false
	}
	return len(req.Header["Upgrade"]) == 0
}

func (t *h1Transport) get(addr string) *h1Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.conns[addr]
	for len(list) > 0 {
		c := list[len(list)-1]
		list[len(list)-1] = nil
		list = list[:len(list)-1]
		if t.idle > 0 && time.Since(c.idleSince) > t.idle {
			c.c.Close()
			continue
		}
		t.conns[addr] = list
		return c
	}
	t.conns[addr] = list
	return nil
}

func (t *h1Transport) put(addr string, c *h1Conn) {
	c.idleSince = time.Now()
	t.mu.Lock()
	if !t.closed && len(t.conns[addr]) < t.maxIdle {
		t.conns[addr] = append(t.conns[addr], c)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	c.c.Close()
}

// close closes pooled connections and stops pooling: connections of requests still in
// flight are closed when they finish.
func (t *h1Transport) close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.CloseIdleConnections()
}

// CloseIdleConnections closes pooled connections.
func (t *h1Transport) CloseIdleConnections() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for addr, list := range t.conns {
		for _, c := range list {
			c.c.Close()
		}
		delete(t.conns, addr)
	}
}

var errStaleConn = errors.New("stale keep-alive connection")

// RoundTrip sends an eligible request.
func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.exchange(req.URL.Host, req, req.Close, nil, func(bw *bufio.Writer) error { return req.Write(bw) })
}

// exchange writes a request with write on a pooled (or new) connection to addr and reads the
// response to req (whose method and context count). A reused connection that turns out to be
// closed by the upstream is replaced by a fresh one once: the request is idempotent and was
// not answered.
// closing says the written request asked for "Connection: close". sc, when not nil, is
// where the response, its body wrapper and its header strings are kept instead of new
// allocations: the caller owns it, must close each returned body before calling exchange
// again with the same sc, and must not use a response (its header map included) after
// closing its body.
func (t *h1Transport) exchange(addr string, req *http.Request, closing bool, sc *h1Scratch, write func(*bufio.Writer) error) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		var c *h1Conn
		if attempt == 0 {
			// The retry dials: another pooled connection may be just as stale (the upstream
			// restarted and closed them all), and a second stale one would turn a refused
			// dial (a connection error, eligible for fallback) into a 502.
			c = t.get(addr)
		}
		reused := c != nil
		if c == nil {
			nc, err := t.dialer.DialContext(req.Context(), "tcp", addr)
			if err != nil {
				return nil, err
			}
			c = newH1Conn(nc)
		}
		resp, err := t.roundTrip(c, addr, req, closing, sc, write)
		if err == nil {
			return resp, nil
		}
		c.c.Close()
		if !reused || attempt > 0 || !errors.Is(err, errStaleConn) || req.Context().Err() != nil {
			if errors.Is(err, errStaleConn) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

func (t *h1Transport) roundTrip(c *h1Conn, addr string, req *http.Request, closing bool, sc *h1Scratch, write func(*bufio.Writer) error) (*http.Response, error) {
	if t.response > 0 {
		c.armDeadline(time.Now(), t.response)
	}
	stop := notFired
	if ctx := req.Context(); ctx.Done() != nil {
		stop = context.AfterFunc(ctx, c.abort)
	}
	if err := write(c.bw); err != nil {
		stop()
		return nil, staleIf(err)
	}
	if err := c.bw.Flush(); err != nil {
		stop()
		return nil, staleIf(err)
	}
	var resp *http.Response
	var plain bool
	for {
		var err error
		resp, plain, err = c.readResponse(req, sc)
		if err != nil {
			stop()
			if ctxErr := req.Context().Err(); ctxErr != nil {
				return nil, ctxErr
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, err
			}
			return nil, staleIf(err)
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			continue // informational response: the final one follows
		}
		break
	}
	// The response timeout covers the head only. A plain-path body already in the buffer
	// needs no more reads, so the deadline may stay for the next request on c.
	if !plain || int64(c.br.Buffered()) < resp.ContentLength {
		c.disarmDeadline()
	}
	var body *h1Body
	if sc != nil {
		body = &sc.body
	} else {
		body = new(h1Body)
	}
	*body = h1Body{rc: resp.Body, t: t, c: c, addr: addr, stop: stop, reuse: !resp.Close && !closing}
	if plain {
		body.rc, body.left, body.eof = nil, resp.ContentLength, resp.ContentLength == 0
	} else {
		body.eof = resp.Body == http.NoBody
	}
	resp.Body = body
	return resp, nil
}

// notFired is the stop function of a request whose context cannot be canceled.
func notFired() bool { return true }

// staleIf marks errors that mean the connection was closed before any answer.
func staleIf(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return errStaleConn
	}
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "write" || op.Op == "read") {
		return errStaleConn
	}
	return err
}

// h1Body returns the connection to the pool when the body was read to its end.
type h1Body struct {
	rc    io.ReadCloser // net/http's body; nil for a plain-path response, read from c.br here
	left  int64         // plain path: body bytes not read yet
	t     *h1Transport
	c     *h1Conn
	addr  string
	stop  func() bool
	reuse bool
	eof   bool
	done  bool
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.rc == nil {
		return b.readPlain(p)
	}
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *h1Body) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	var err error
	if b.rc != nil {
		err = b.rc.Close()
	}
	notFired := b.stop()
	if b.eof && b.reuse && notFired && b.c.br.Buffered() == 0 {
		b.t.put(b.addr, b.c)
	} else {
		b.c.c.Close()
	}
	return err
}

// readPlain reads a plain-path body of b.left bytes from the connection's buffer, with
// net/http's body semantics: io.EOF together with the last bytes, io.ErrUnexpectedEOF when the
// connection ends early, http.ErrBodyReadAfterClose after Close.
func (b *h1Body) readPlain(p []byte) (int, error) {
	if b.done {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.left <= 0 {
		b.eof = true
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.c.br.Read(p)
	b.left -= int64(n)
	if b.left == 0 {
		b.eof = true
		return n, io.EOF
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
