package strangler

import (
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Path match kinds, in precedence order (higher wins): Exact > RegularExpression > PathPrefix,
// as Envoy Gateway orders them.
const (
	kindPrefix = 1
	kindRegex  = 2
	kindExact  = 3
)

// matcher is the compiled Match of one route.
type matcher struct {
	kind    int
	path    string // exact or prefix (trailing slash trimmed), canonical
	lower   string // path lower-cased, for the leak guard
	re      *regexp.Regexp
	reLower *regexp.Regexp
	methods []string
	headers []valueMatcher
	query   []valueMatcher
}

type valueMatcher struct {
	name  string // canonical header key, or query name
	value string
	re    *regexp.Regexp
}

func (v *valueMatcher) ok(s string, present bool) bool {
	if !present {
		return false
	}
	if v.re != nil {
		return v.re.MatchString(s)
	}
	return s == v.value
}

func compileMatch(m Match) (matcher, error) {
	var c matcher
	switch {
	case m.PathExact != "":
		c.kind, c.path = kindExact, m.PathExact
	case m.PathRegex != "":
		c.kind = kindRegex
		var err error
		if c.re, err = regexp.Compile("^(?:" + m.PathRegex + ")$"); err != nil {
			return c, err
		}
		if c.reLower, err = regexp.Compile("(?i)^(?:" + m.PathRegex + ")$"); err != nil {
			return c, err
		}
		c.path = m.PathRegex
	default:
		c.kind, c.path = kindPrefix, trimPrefix(m.PathPrefix)
	}
	c.lower = strings.ToLower(c.path)
	c.methods = m.Methods
	for _, h := range m.Headers {
		vm := valueMatcher{name: textproto.CanonicalMIMEHeaderKey(h.Name), value: h.Value}
		if h.Regex != "" {
			re, err := regexp.Compile("^(?:" + h.Regex + ")$")
			if err != nil {
				return c, err
			}
			vm.re = re
		}
		c.headers = append(c.headers, vm)
	}
	for _, q := range m.Query {
		vm := valueMatcher{name: q.Name, value: q.Value}
		if q.Regex != "" {
			re, err := regexp.Compile("^(?:" + q.Regex + ")$")
			if err != nil {
				return c, err
			}
			vm.re = re
		}
		c.query = append(c.query, vm)
	}
	return c, nil
}

// matchPath reports whether the canonical path p matches; lenient selects the lower-cased
// patterns (p is then lower-cased too).
func (m *matcher) matchPath(p string, lenient bool) bool {
	path := m.path
	if lenient {
		path = m.lower
	}
	switch m.kind {
	case kindExact:
		return p == path
	case kindRegex:
		if lenient {
			return m.reLower.MatchString(p)
		}
		return m.re.MatchString(p)
	default:
		if path == "/" {
			return true
		}
		return strings.HasPrefix(p, path) && (len(p) == len(path) || p[len(path)] == '/')
	}
}

func (m *matcher) match(p string, r *http.Request, lenient bool) bool {
	if !m.matchPath(p, lenient) {
		return false
	}
	if len(m.methods) > 0 {
		found := false
		for _, meth := range m.methods {
			if meth == r.Method {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for i := range m.headers {
		h := &m.headers[i]
		vs := r.Header[h.name]
		if len(vs) == 0 {
			if !h.ok("", false) {
				return false
			}
			continue
		}
		if !h.ok(vs[0], true) {
			return false
		}
	}
	for i := range m.query {
		q := &m.query[i]
		v, ok := queryFirst(r.URL.RawQuery, q.name)
		if !q.ok(v, ok) {
			return false
		}
	}
	return true
}

// queryFirst returns the first value of name in a raw query without building a map.
func queryFirst(raw, name string) (string, bool) {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			dk, err := url.QueryUnescape(k)
			if err != nil {
				continue
			}
			k = dk
		}
		if k != name {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			dv, err := url.QueryUnescape(v)
			if err != nil {
				return "", false
			}
			v = dv
		}
		return v, true
	}
	return "", false
}

// sortRoutes orders routes by Gateway API precedence: path kind (Exact, RegularExpression,
// PathPrefix), longer path first, a method match, more header matches, more query matches,
// then file order.
func sortRoutes(rs []*route) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := &rs[i].m, &rs[j].m
		if a.kind != b.kind {
			return a.kind > b.kind
		}
		if len(a.path) != len(b.path) {
			return len(a.path) > len(b.path)
		}
		if (len(a.methods) > 0) != (len(b.methods) > 0) {
			return len(a.methods) > 0
		}
		if len(a.headers) != len(b.headers) {
			return len(a.headers) > len(b.headers)
		}
		if len(a.query) != len(b.query) {
			return len(a.query) > len(b.query)
		}
		return rs[i].order < rs[j].order
	})
}

// lookup returns the route for canonical path p, or nil for the monolith default route.
func (t *table) lookup(p string, r *http.Request) *route {
	for _, rt := range t.routes {
		if rt.m.match(p, r, false) {
			return rt
		}
	}
	return nil
}

// leak reports the carved route a monolith-bound request would reach if the monolith read
// its path leniently, or nil.
func (t *table) leak(canon string, r *http.Request) *route {
	if !t.leakGuard {
		return nil
	}
	v, differs := lenientView(canon)
	if !differs {
		return nil
	}
	for _, rt := range t.routes {
		if rt.stage == StageShadow {
			continue
		}
		if rt.m.match(v, r, true) {
			return rt
		}
	}
	return nil
}

// Route returns the name of the route a request for path (escaped, as sent) with method and
// header would take under cfg, "" for the monolith, or an error when the path is rejected.
// It is the same decision the proxy makes, exported for tests, dry runs and exporters.
func (t *table) routeFor(rawPath string, r *http.Request) (string, error) {
	c, err := Canonicalize(rawPath, t.paths)
	if err != nil {
		return "", err
	}
	if rt := t.lookup(c.Path, r); rt != nil {
		return rt.name, nil
	}
	if rt := t.leak(c.Path, r); rt != nil {
		return "", &PathError{Status: 400, Reason: "ambiguous spelling of carved route " + rt.name}
	}
	return "", nil
}
