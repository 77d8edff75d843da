package strangler

import (
	"math/rand/v2"
	"unsafe"
)

const lowerHex = "0123456789abcdef"

// validRequestID accepts 1–128 visible ASCII characters.
func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// putRequestID writes a random UUIDv4 string into s.
func putRequestID(s *[36]byte) {
	var u [16]byte
	a, b := rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		u[i] = byte(a >> (8 * i))
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = lowerHex[c>>4], lowerHex[c&15]
		j += 2
	}
}

// putTraceparent writes the W3C traceparent to send upstream into s: the inbound trace id and
// flags with a new parent id (the proxy's span) when the inbound header is valid, else a new
// sampled trace. tracestate is forwarded untouched by the caller.
func putTraceparent(s *[55]byte, in []string) {
	copy(s[:], "00-")
	if len(in) == 1 && validTraceparent(in[0]) {
		copy(s[3:35], in[0][3:35])
		copy(s[53:55], in[0][53:55])
	} else {
		putHex(s[3:19], rand.Uint64())
		putHex(s[19:35], rand.Uint64()|1)
		copy(s[53:55], "01")
	}
	s[35] = '-'
	putHex(s[36:52], rand.Uint64()|1)
	s[52] = '-'
}

// frozenString returns a string sharing b's memory. The caller must never write to b again:
// reqState's id buffers are written once in identify and the state is never reused, so the
// strings stay valid (and keep the state alive) for as long as anybody holds them.
func frozenString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func putHex(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = lowerHex[v&15]
		v >>= 4
	}
}

// validTraceparent checks version-format "vv-<32 hex>-<16 hex>-<2 hex>" (lower-case hex,
// non-zero ids, version not ff; future versions may append fields after a dash).
func validTraceparent(s string) bool {
	if len(s) < 55 || (len(s) > 55 && s[55] != '-') || (s[:2] == "00" && len(s) != 55) {
		return false
	}
	if s[2] != '-' || s[35] != '-' || s[52] != '-' || s[:2] == "ff" {
		return false
	}
	for _, r := range [][2]int{{0, 2}, {3, 35}, {36, 52}, {53, 55}} {
		for i := r[0]; i < r[1]; i++ {
			c := s[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return s[3:35] != "00000000000000000000000000000000" && s[36:52] != "0000000000000000"
}
