package strangler

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// plainCases are response streams for the plain-path comparison. plain says whether the
// plain path must take the head (true) or leave it to http.ReadResponse (false).
var plainCases = []struct {
	name, in string
	plain    bool
}{
	{"typical", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", true},
	{"empty body", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true},
	{"no reason", "HTTP/1.1 404\r\nContent-Length: 1\r\n\r\nx", true},
	{"empty reason", "HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nx", true},
	{"lower-case names", "HTTP/1.1 201 Created\r\ncontent-length: 2\r\nx-request-id: abc\r\nset-cookie: a=1\r\n\r\nok", true},
	{"repeated header", "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n", true},
	{"blanks around values", "HTTP/1.1 200 OK\r\nX-A: \t v \t\r\nX-B:\r\nContent-Length:  3 \r\n\r\nabc", true},
	{"connection close", "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok", true},
	{"connection keep-alive", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok", true},
	{"pipelined rest", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n", true},
	{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true},
	{"server error", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n", true},
	{"underscore and digits", "HTTP/1.1 200 OK\r\nX_Odd_1: v\r\nContent-Length: 0\r\n\r\n", true},
	{"leading zeros", "HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n1234567", true},

	{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false},
	{"CL and TE", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false},
	{"until close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", false},
	{"duplicate CL", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", false},
	{"conflicting CL", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", false},
	{"signed CL", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok", false},
	{"empty CL", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nok", false},
	{"huge CL", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nok", false},
	{"trailer", "HTTP/1.1 200 OK\r\nTrailer: X-T\r\nContent-Length: 2\r\n\r\nok", false},
	{"pragma", "HTTP/1.1 200 OK\r\nPragma: no-cache\r\nContent-Length: 2\r\n\r\nok", false},
	{"204", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false},
	{"304", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false},
	{"103", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
	{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false},
	{"HTTP/2 line", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false},
	{"four-digit status", "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok", false},
	{"status 099", "HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nok", false},
	{"status 600", "HTTP/1.1 600 OK\r\nContent-Length: 2\r\n\r\nok", false},
	{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false},
	{"bare LF in a header", "HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok", false},
	{"bare CR in a value", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok", false},
	{"folded header", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok", false},
	{"space before colon", "HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length: 2\r\n\r\nok", false},
	{"no colon", "HTTP/1.1 200 OK\r\nX-A\r\nContent-Length: 2\r\n\r\nok", false},
	{"empty name", "HTTP/1.1 200 OK\r\n: a\r\nContent-Length: 2\r\n\r\nok", false},
	{"UTF-8 value", "HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9\r\nContent-Length: 2\r\n\r\nok", false},
	{"NUL in value", "HTTP/1.1 200 OK\r\nX-A: a\x00\r\nContent-Length: 2\r\n\r\nok", false},
	{"UTF-8 reason", "HTTP/1.1 200 \xc3\xa9\r\nContent-Length: 2\r\n\r\nok", false},
	{"truncated head", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", false},
	{"empty stream", "", false},
	{"oversize head", "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", 5000) + "\r\nContent-Length: 0\r\n\r\n", false},
	{"TLS bytes", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", false},
}

// TestPlainResponseMatchesNetHTTP holds the plain path to http.ReadResponse on plainCases, with
// whole and byte-by-byte reads, and with and without scratch storage.
func TestPlainResponseMatchesNetHTTP(t *testing.T) {
	for _, tc := range plainCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				plain := comparePlain(t, []byte(tc.in), method, false, nil)
				comparePlain(t, []byte(tc.in), method, true, new(h1Scratch))
				want := tc.plain && method != http.MethodHead
				if plain != want {
					t.Errorf("%s: plain path taken = %v, want %v", method, plain, want)
				}
			}
		})
	}
}

// TestPlainResponseScratch checks that a head that fits in the scratch storage costs no
// allocation, and that the scratch head is written only once per request.
func TestPlainResponseScratch(t *testing.T) {
	in := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 22 Nov 2026 04:00:00 GMT\r\nContent-Length: 2\r\n\r\nok")
	rd := bytes.NewReader(in)
	c := &h1Conn{br: bufio.NewReaderSize(rd, 4096)}
	req, _ := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	sc := new(h1Scratch)
	read := func() *http.Response {
		rd.Reset(in)
		c.br.Reset(rd)
		resp, plain, err := c.readResponse(req, sc)
		if err != nil || !plain {
			t.Fatalf("plain = %v, err = %v", plain, err)
		}
		return resp
	}
	first := read()
	status := first.Status
	if allocs := testing.AllocsPerRun(100, func() { sc.headUsed = false; read() }); allocs != 0 {
		t.Errorf("plain path with scratch: %.1f allocations per response, want 0", allocs)
	}
	sc.headUsed = true
	head := sc.head
	read()
	if sc.head != head || status != "200 OK" {
		t.Error("a used scratch head was written again")
	}
}

// FuzzPlainResponseMatchesNetHTTP: for any byte stream the plain path accepts, it must build
// what http.ReadResponse builds and read the same body.
func FuzzPlainResponseMatchesNetHTTP(f *testing.F) {
	for _, tc := range plainCases {
		f.Add([]byte(tc.in), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, byteWise bool) {
		comparePlain(t, in, http.MethodGet, byteWise, new(h1Scratch))
	})
}

// comparePlain reads in with readResponse and with http.ReadResponse and requires the same
// result: the response fields, the body and its error, and the bytes left unread. It reports
// whether the plain path took the head.
func comparePlain(t *testing.T, in []byte, method string, byteWise bool, sc *h1Scratch) bool {
	t.Helper()
	var src io.Reader = bytes.NewReader(in)
	if byteWise {
		src = iotest.OneByteReader(src)
	}
	req, _ := http.NewRequest(method, "http://example.test/", nil)
	c := &h1Conn{br: bufio.NewReaderSize(src, 4096)}
	got, plain, gotErr := c.readResponse(req, sc)
	refBR := bufio.NewReaderSize(bytes.NewReader(in), 4096)
	want, wantErr := http.ReadResponse(refBR, req)
	if !sameError(gotErr, wantErr) {
		t.Fatalf("%q: error %v, net/http %v", in, gotErr, wantErr)
	}
	if wantErr != nil {
		return plain
	}
	var body io.Reader = got.Body
	if plain {
		if got.Body != nil {
			t.Fatalf("%q: the plain path set a body", in)
		}
		body = &h1Body{c: c, left: got.ContentLength, eof: got.ContentLength == 0}
	}
	type fields struct {
		Status                           string
		StatusCode, ProtoMajor, ProtoMin int
		Proto                            string
		Header, Trailer                  http.Header
		ContentLength                    int64
		TransferEncoding                 []string
		Close, Uncompressed              bool
		Request                          *http.Request
	}
	of := func(r *http.Response) fields {
		return fields{r.Status, r.StatusCode, r.ProtoMajor, r.ProtoMinor, r.Proto, r.Header, r.Trailer,
			r.ContentLength, r.TransferEncoding, r.Close, r.Uncompressed, r.Request}
	}
	if g, w := of(got), of(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("%q (plain %v):\n got %+v\nwant %+v", in, plain, g, w)
	}
	gotBody, gotErr := io.ReadAll(body)
	wantBody, wantErr := io.ReadAll(want.Body)
	if !bytes.Equal(gotBody, wantBody) || !sameError(gotErr, wantErr) {
		t.Fatalf("%q: body %q, %v; net/http %q, %v", in, gotBody, gotErr, wantBody, wantErr)
	}
	if wantErr == nil {
		gotRest, _ := io.ReadAll(c.br)
		wantRest, _ := io.ReadAll(refBR)
		if !bytes.Equal(gotRest, wantRest) {
			t.Fatalf("%q: left %q, net/http left %q", in, gotRest, wantRest)
		}
	}
	return plain
}

// sameError reports whether a and b are both nil or say the same.
func sameError(a, b error) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Error() == b.Error())
}

// TestPlainResponseThroughProxy sends requests through the proxy to an upstream that answers
// on one keep-alive connection with heads of changing shape: the plain path (short and over
// 512 bytes), then heads it leaves to net/http. The client must see exactly each answer's own
// end-to-end headers and body — nothing left over from the previous response on the same
// connection (the header map is reused per connection) — and hop-by-hop headers removed.
func TestPlainResponseThroughProxy(t *testing.T) {
	long := strings.Repeat("v", 600)
	answers := []struct{ head, body string }{
		{"HTTP/1.1 200 OK\r\nX-One: 1\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nKeep-Alive: timeout=5\r\nContent-Length: 3\r\n\r\n", "one"},
		{"HTTP/1.1 201 Created\r\nX-Two: " + long + "\r\nContent-Length: 3\r\n\r\n", "two"},
		{"HTTP/1.1 200 OK\r\nX-Three: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nthree\r\n0\r\n\r\n"},
		{"HTTP/1.1 404 Not Found\r\nX-Four: 4\r\nConnection: keep-alive, X-Four\r\nContent-Length: 4\r\n\r\n", "four"},
	}
	var conns atomic.Int64
	up := rawBackend(t, func(c net.Conn, br *bufio.Reader) {
		conns.Add(1)
		for i := 0; ; i++ {
			if _, err := readReq(br); err != nil {
				return
			}
			a := answers[i%len(answers)]
			io.WriteString(c, a.head+a.body)
		}
	})
	p := startProxy(t, cfgYAML(up, up, "  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}\n"), nil)
	want := []struct {
		code   int
		header http.Header
		body   string
	}{
		{200, http.Header{"X-One": {"1"}, "Set-Cookie": {"a=1", "b=2"}}, "one"},
		{201, http.Header{"X-Two": {long}}, "two"},
		{200, http.Header{"X-Three": {"3"}}, "three"},
		{404, http.Header{}, "four"},
	}
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	for round := 0; round < 3; round++ {
		for i, w := range want {
			resp, err := client.Get(p.url + "/x")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := http.Header{}
			for k, v := range resp.Header {
				if strings.HasPrefix(k, "X-") && k != "X-Request-Id" || k == "Set-Cookie" || k == "Keep-Alive" || k == "Connection" {
					got[k] = v
				}
			}
			if resp.StatusCode != w.code || string(b) != w.body || !reflect.DeepEqual(got, w.header) {
				t.Errorf("round %d answer %d: %d %q %v, want %d %q %v", round, i, resp.StatusCode, b, got, w.code, w.body, w.header)
			}
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d upstream connections, want 1 reused for every answer", n)
	}
}
