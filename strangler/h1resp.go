package strangler

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// The synchronous HTTP/1.1 engine reads an upstream response head in one of two ways:
//
//   - The plain path. When the whole head is already in the connection's read buffer and lies
//     in a strict subset of HTTP/1.1 — status line "HTTP/1.1 NNN reason" with a final status
//     other than 204 and 304, header lines "Name: value" in CRLF with token names and
//     visible-ASCII values, no folding, exactly one Content-Length of plain digits, no
//     Transfer-Encoding, Trailer or Pragma, and a request method other than HEAD — the head is
//     taken apart in place: what http.ReadResponse would build, without its nine allocations.
//   - Everything else, including every head that would make http.ReadResponse fail, is left
//     untouched in the buffer and read by http.ReadResponse, so net/http decides framing and
//     errors wherever the input is not plainly well formed.
//
// TestPlainResponseMatchesNetHTTP and FuzzPlainResponseMatchesNetHTTP hold the plain path to
// http.ReadResponse: for every input it accepts, status, protocol, headers, length, close
// flag, body bytes and body error, and what is left in the buffer are the same.

// h1Scratch is storage a caller lends to exchange for one request, so that a response on the
// plain path costs no allocation: the response, its body wrapper, the header value slices and
// (for heads up to len(head) bytes) the bytes the header strings point into.
type h1Scratch struct {
	resp     http.Response
	body     h1Body
	vals     [16]string
	head     [512]byte
	headUsed bool // head backs strings already handed out: it is never written again
}

// maxPlainDigits is the most digits of a Content-Length Content-Length the plain path parses itself (18
// digits, far below the 63-bit limit of net/http's parser).
const maxPlainDigits = 18

// plainHead returns the response head buffered in br (status line through the blank line),
// reading more when the buffer holds only part of it, or nil when the head does not fit in the
// buffer or a read fails. It consumes nothing.
func plainHead(br *bufio.Reader) []byte {
	if br.Buffered() == 0 {
		if _, err := br.Peek(1); err != nil {
			return nil
		}
	}
	for {
		buf, _ := br.Peek(br.Buffered())
		if i := bytes.Index(buf, crlfcrlf); i >= 0 {
			return buf[:i+4]
		}
		if len(buf) >= br.Size() {
			return nil
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return nil
		}
	}
}

var crlfcrlf = []byte("\r\n\r\n")

// readResponse reads the next response head on c for req: on the plain path when it applies
// (then resp.Body is nil and the caller reads resp.ContentLength bytes from c.br itself), else
// with http.ReadResponse. sc, when not nil, is the caller's storage for the plain path, and
// c.hdr then becomes the response's header map, valid until the next response on c.
func (c *h1Conn) readResponse(req *http.Request, sc *h1Scratch) (resp *http.Response, plain bool, err error) {
	if req.Method != http.MethodHead {
		if head := plainHead(c.br); head != nil {
			if resp := c.parsePlain(head, req, sc); resp != nil {
				c.br.Discard(len(head))
				return resp, true, nil
			}
		}
	}
	resp, err = http.ReadResponse(c.br, req)
	return resp, false, err
}

// parsePlain parses head when it lies in the plain subset, else returns nil.
func (c *h1Conn) parsePlain(head []byte, req *http.Request, sc *h1Scratch) *http.Response {
	// Status line: "HTTP/1.1 " three digits, then nothing or a space and a visible-ASCII
	// reason. 1xx, 204 and 304 have their own body rules: net/http reads those.
	line, rest, _ := bytes.Cut(head, crlf)
	if len(line) < 12 || string(line[:9]) != "HTTP/1.1 " || (len(line) > 12 && line[12] != ' ') {
		return nil
	}
	n, ok := plainDigits(line[9:12])
	code := int(n)
	if !ok || code < 200 || code > 599 || code == http.StatusNoContent || code == http.StatusNotModified || !visible(line[12:]) {
		return nil
	}
	// Header lines: check every byte before anything is built, so a head that net/http must
	// read costs nothing here.
	lines, clIndex, clValue := 0, -1, int64(0)
	for l := rest; len(l) > 2; lines++ {
		var kv []byte
		kv, l, _ = bytes.Cut(l, crlf)
		k, v, ok := bytes.Cut(kv, colon)
		if !ok || len(k) == 0 || !visible(v) {
			return nil
		}
		for _, b := range k {
			if !httpguts.IsTokenRune(rune(b)) {
				return nil
			}
		}
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			n, ok := plainDigits(bytes.Trim(v, " \t"))
			if !ok || clIndex >= 0 {
				return nil
			}
			clIndex, clValue = lines, n
		case bytes.EqualFold(k, []byte("Transfer-Encoding")), bytes.EqualFold(k, []byte("Trailer")), bytes.EqualFold(k, []byte("Pragma")):
			return nil
		}
	}
	if clIndex < 0 {
		return nil // a body delimited by chunks or by the end of the connection
	}

	// Build: one string for the whole head (in sc when it fits and is unused), the header
	// map reused per connection, value slices backed by sc.
	var s string
	if sc != nil && !sc.headUsed && len(head) <= len(sc.head) {
		n := copy(sc.head[:], head)
		sc.headUsed = true
		s = frozenString(sc.head[:n])
	} else {
		s = string(head)
	}
	var resp *http.Response
	var h http.Header
	var vals []string
	if sc != nil {
		resp = &sc.resp
		*resp = http.Response{}
		if c.hdr == nil {
			c.hdr = make(http.Header, lines)
		}
		clear(c.hdr)
		h, vals = c.hdr, sc.vals[:0:len(sc.vals)]
	} else {
		resp = new(http.Response)
		h, vals = make(http.Header, lines), make([]string, 0, lines)
	}
	i := len(line) + 2
	end := len(s) - 2
	for i < end {
		j := i + bytes.Index(head[i:], crlf)
		colonAt := i + bytes.IndexByte(head[i:j], ':')
		key := textproto.CanonicalMIMEHeaderKey(s[i:colonAt])
		value := strings.Trim(s[colonAt+1:j], " \t") // as textproto trims values
		if vv, ok := h[key]; ok {
			h[key] = append(vv, value)
		} else if len(vals) < cap(vals) {
			vals = append(vals, value)
			h[key] = vals[len(vals)-1 : len(vals) : len(vals)]
		} else {
			h[key] = []string{value}
		}
		i = j + 2
	}
	*resp = http.Response{
		Status:        s[9:len(line)],
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		ContentLength: clValue,
		Request:       req,
	}
	// As net/http: a response that closes the connection loses its Connection header.
	if httpguts.HeaderValuesContainsToken(h["Connection"], "close") {
		resp.Close = true
		delete(h, "Connection")
	}
	return resp
}

var (
	crlf  = []byte("\r\n")
	colon = []byte(":")
)

// visible reports whether b holds only visible ASCII, space and tab: the header value bytes
// net/http accepts, minus obs-text.
func visible(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c > '~' {
			return false
		}
	}
	return true
}

// plainDigits parses 1 to maxPlainDigits decimal digits (a status code, a Content-Length).
func plainDigits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > maxPlainDigits {
		return 0, false
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}
