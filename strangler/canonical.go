package strangler

import (
	"strings"
)

// Canonical is the result of Canonicalize.
type Canonical struct {
	// Path is the canonical escaped path: it is matched against routes and forwarded.
	Path string
	// Changed reports whether Path differs from the request's path.
	Changed bool
}

// PathError is a request path the policy rejects. Status is 400 or 414.
type PathError struct {
	Status int
	Reason string
}

// Error returns the reason with the operation prefix.
func (e *PathError) Error() string { return "canonicalize path: " + e.Reason }

const defaultMaxPath = 8192

// Canonicalize returns the canonical form of an escaped request path (the request-target
// without the query) under policy pol. The steps, in this order (the order matters, see
// docs/proxy.md):
//
//  1. reject control characters, NUL (raw or %00), a raw "#", bad percent-encoding, and paths
//     not starting with "/" (400) or longer than MaxLength (414);
//  2. decode percent-encoded unreserved characters (A-Z a-z 0-9 - . _ ~), upper-case every
//     other triplet, percent-encode raw bytes outside RFC 3986 pchar; %25 is never decoded
//     twice;
//  3. %2F and %5C per EscapedSlash, a raw "\" per Backslash;
//  4. ";" parameters per Params;
//  5. remove dot segments (RFC 3986 5.2.4, never above the root) and merge repeated slashes.
//
// Canonicalize is idempotent: Canonicalize(Canonicalize(p).Path) returns the same path,
// unchanged. It allocates only when the path is not already canonical.
func Canonicalize(raw string, pol PathPolicy) (Canonical, error) {
	max := pol.MaxLength
	if max <= 0 {
		max = defaultMaxPath
	}
	if len(raw) > max {
		return Canonical{}, &PathError{Status: 414, Reason: "path too long"}
	}
	if raw == "" || raw[0] != '/' {
		return Canonical{}, &PathError{Status: 400, Reason: "path must start with /"}
	}
	if isCanonical(raw) {
		return Canonical{Path: raw}, nil
	}
	// Step 1–3: decode into b; separators are raw '/' only.
	b := make([]byte, 0, len(raw)+8)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return Canonical{}, &PathError{Status: 400, Reason: "control character in path"}
		case c == '#' || c == '?':
			return Canonical{}, &PathError{Status: 400, Reason: "fragment or query delimiter in path"}
		case c == '\\':
			if pol.Backslash == "reject" {
				return Canonical{}, &PathError{Status: 400, Reason: "backslash in path"}
			}
			b = append(b, '/')
		case c == '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return Canonical{}, &PathError{Status: 400, Reason: "bad percent-encoding in path"}
			}
			v := unhex(raw[i+1])<<4 | unhex(raw[i+2])
			i += 2
			switch {
			case v == 0:
				return Canonical{}, &PathError{Status: 400, Reason: "encoded NUL in path"}
			case isUnreserved(v):
				b = append(b, v)
			case v == '/' || v == '\\':
				switch pol.EscapedSlash {
				case "decode":
					b = append(b, '/')
				case "keep":
					b = appendTriplet(b, v)
				default:
					return Canonical{}, &PathError{Status: 400, Reason: "encoded slash or backslash in path"}
				}
			default:
				b = appendTriplet(b, v)
			}
		case c >= 0x80 || !isPchar(c) && c != '/':
			b = appendTriplet(b, c)
		default:
			b = append(b, c)
		}
	}
	// Step 4–5: segments.
	out := make([]byte, 0, len(b)+1)
	segs := make([]int, 0, 16) // start offsets in out of each kept segment (after its '/')
	trailing := false
	s := string(b)
	for start := 1; start <= len(s); {
		end := strings.IndexByte(s[start:], '/')
		last := end < 0
		if last {
			end = len(s)
		} else {
			end += start
		}
		seg := s[start:end]
		if j := strings.IndexByte(seg, ';'); j >= 0 {
			switch pol.Params {
			case "strip":
				seg = seg[:j]
			case "keep":
			default:
				return Canonical{}, &PathError{Status: 400, Reason: "';' parameter in path"}
			}
		}
		switch seg {
		case "", ".":
			trailing = last && len(segs) > 0
		case "..":
			if len(segs) > 0 {
				out = out[:segs[len(segs)-1]-1]
				segs = segs[:len(segs)-1]
			}
			trailing = last && len(segs) > 0
		default:
			out = append(out, '/')
			segs = append(segs, len(out))
			out = append(out, seg...)
			trailing = false
		}
		start = end + 1
	}
	if len(out) == 0 {
		out = append(out, '/')
	} else if trailing {
		out = append(out, '/')
	}
	if len(out) > max {
		// Encoding can grow a path; the limit holds for what is forwarded.
		return Canonical{}, &PathError{Status: 414, Reason: "path too long"}
	}
	p := string(out)
	return Canonical{Path: p, Changed: p != raw}, nil
}

// isCanonical is the allocation-free fast path: only plain pchars, no "%", ";", "\\", no empty
// or dot segments except a final empty one (trailing slash).
func isCanonical(p string) bool {
	segStart := 1
	for i := 1; i <= len(p); i++ {
		if i < len(p) {
			c := p[i]
			if c != '/' {
				if c >= 0x80 || c == ';' || !isPchar(c) {
					return false
				}
				continue
			}
		}
		seg := p[segStart:i]
		if (seg == "" && i < len(p)) || seg == "." || seg == ".." {
			return false
		}
		segStart = i + 1
	}
	return true
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// isPchar reports RFC 3986 pchar bytes except '%' (handled by the caller).
func isPchar(c byte) bool {
	if isUnreserved(c) {
		return true
	}
	switch c {
	case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

const upperHex = "0123456789ABCDEF"

func appendTriplet(b []byte, v byte) []byte {
	return append(b, '%', upperHex[v>>4], upperHex[v&15])
}

// lenientView returns the path as lenient legacy frameworks read it (ASCII case folded,
// ";params" stripped, %2F and %5C decoded), and whether that differs from canon. It is used by
// the leak guard only.
func lenientView(canon string) (string, bool) {
	need := false
	for i := 0; i < len(canon); i++ {
		c := canon[i]
		if 'A' <= c && c <= 'Z' || c == ';' || c == '%' {
			need = true
			break
		}
	}
	if !need {
		return "", false
	}
	c, err := Canonicalize(canon, PathPolicy{EscapedSlash: "decode", Params: "strip"})
	if err != nil {
		return "", false
	}
	v := strings.ToLower(c.Path)
	return v, v != canon
}
