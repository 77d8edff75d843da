package history

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Traffic is runtime evidence: requests per route and per service counted from access logs.
// It is measured, not inferred from code, and marked as such in reports.
type Traffic struct {
	Source    string           `json:"source"` // always "measured from access logs"
	Files     []string         `json:"files"`
	Requests  int              `json:"requests"`  // request lines read
	Matched   int              `json:"matched"`   // requests matched to a route of the analysis
	Unmatched []PathCount      `json:"unmatched"` // top paths no route matched
	Routes    []RouteTraffic   `json:"routes"`    // by requests, descending
	Services  []ServiceTraffic `json:"services"`  // ranked by requests: the scale-out candidates first
}

// RouteTraffic is the request count of one route.
type RouteTraffic struct {
	Route    string `json:"route"` // "METHOD /path"
	Service  string `json:"service,omitempty"`
	Requests int    `json:"requests"`
}

// ServiceTraffic is the request count of one service.
type ServiceTraffic struct {
	Service  string  `json:"service"`
	Requests int     `json:"requests"`
	Share    float64 `json:"share"` // of matched requests, 0..1
}

// PathCount is a path with a count.
type PathCount struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
}

var clfRequest = regexp.MustCompile(`"([A-Z]+) (\S+) HTTP/[0-9.]+"`)

// ReadTraffic counts the requests in access logs per route of routes and per service
// (routeService maps a route key to its service). It reads JSON lines (carve proxy's access
// log, or any log with "method" and "path"/"uri"/"url" fields) and Common/Combined Log Format
// lines; other lines are ignored. A path matches the most specific route pattern.
func ReadTraffic(files []string, routes []facts.Route, routeService map[string]string) (*Traffic, error) {
	t := &Traffic{Source: "measured from access logs", Files: files, Unmatched: []PathCount{}, Routes: []RouteTraffic{}, Services: []ServiceTraffic{}}
	m := newRouteMatcher(routes)
	perRoute := map[string]int{}
	unmatched := map[string]int{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("traffic: %w", err)
		}
		err = readRequests(f, func(method, path string) {
			t.Requests++
			if key, ok := m.match(method, path); ok {
				t.Matched++
				perRoute[key]++
			} else {
				unmatched[path]++
			}
		})
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("traffic: %s: %v", name, err)
		}
	}
	perService := map[string]int{}
	for key, n := range perRoute {
		svc := routeService[key]
		t.Routes = append(t.Routes, RouteTraffic{Route: key, Service: svc, Requests: n})
		if svc != "" {
			perService[svc] += n
		}
	}
	sort.Slice(t.Routes, func(i, j int) bool {
		if t.Routes[i].Requests != t.Routes[j].Requests {
			return t.Routes[i].Requests > t.Routes[j].Requests
		}
		return t.Routes[i].Route < t.Routes[j].Route
	})
	for s, n := range perService {
		share := 0.0
		if t.Matched > 0 {
			share = float64(n) / float64(t.Matched)
		}
		t.Services = append(t.Services, ServiceTraffic{Service: s, Requests: n, Share: share})
	}
	sort.Slice(t.Services, func(i, j int) bool {
		if t.Services[i].Requests != t.Services[j].Requests {
			return t.Services[i].Requests > t.Services[j].Requests
		}
		return t.Services[i].Service < t.Services[j].Service
	})
	for p, n := range unmatched {
		t.Unmatched = append(t.Unmatched, PathCount{p, n})
	}
	sort.Slice(t.Unmatched, func(i, j int) bool {
		if t.Unmatched[i].Count != t.Unmatched[j].Count {
			return t.Unmatched[i].Count > t.Unmatched[j].Count
		}
		return t.Unmatched[i].Path < t.Unmatched[j].Path
	})
	if len(t.Unmatched) > 20 {
		t.Unmatched = t.Unmatched[:20]
	}
	return t, nil
}

func readRequests(r io.Reader, f func(method, path string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "{") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) != nil {
				continue
			}
			method, _ := rec["method"].(string)
			path := ""
			for _, k := range []string{"path", "uri", "url", "request_uri"} {
				if s, ok := rec[k].(string); ok && s != "" {
					path = s
					break
				}
			}
			if method != "" && path != "" {
				f(strings.ToUpper(method), cleanPath(path))
			}
			continue
		}
		if m := clfRequest.FindStringSubmatch(line); m != nil {
			f(m[1], cleanPath(m[2]))
		}
	}
	return sc.Err()
}

func cleanPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "://"); i >= 0 { // absolute-form URL
		rest := p[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			p = rest[j:]
		} else {
			p = "/"
		}
	}
	return p
}

type routePattern struct {
	key     string
	method  string
	re      *regexp.Regexp
	literal int // literal characters: more is more specific
}

type routeMatcher struct{ pats []routePattern }

var paramRE = regexp.MustCompile(`\{[^{}]*\}`)

func newRouteMatcher(routes []facts.Route) *routeMatcher {
	m := &routeMatcher{}
	for _, r := range routes {
		p := r.Path
		if i := strings.IndexByte(p, '/'); i > 0 { // host pattern "example.com/x"
			p = p[i:]
		}
		var b strings.Builder
		b.WriteString("^")
		last := 0
		literal := 0
		for _, loc := range paramRE.FindAllStringIndex(p, -1) {
			b.WriteString(regexp.QuoteMeta(p[last:loc[0]]))
			literal += loc[0] - last
			if strings.HasSuffix(p[loc[0]:loc[1]], "...}") {
				b.WriteString(".*")
			} else {
				b.WriteString("[^/]+")
			}
			last = loc[1]
		}
		b.WriteString(regexp.QuoteMeta(p[last:]))
		literal += len(p) - last
		if strings.HasSuffix(p, "/") && p != "/" {
			b.WriteString(".*") // subtree pattern
		}
		b.WriteString("$")
		re, err := regexp.Compile(b.String())
		if err != nil {
			continue
		}
		m.pats = append(m.pats, routePattern{key: r.Key(), method: r.Method, re: re, literal: literal})
	}
	sort.SliceStable(m.pats, func(i, j int) bool {
		if m.pats[i].literal != m.pats[j].literal {
			return m.pats[i].literal > m.pats[j].literal
		}
		if (m.pats[i].method == "ANY") != (m.pats[j].method == "ANY") {
			return m.pats[j].method == "ANY"
		}
		return m.pats[i].key < m.pats[j].key
	})
	return m
}

func (m *routeMatcher) match(method, path string) (string, bool) {
	for _, p := range m.pats {
		if p.method != "ANY" && p.method != method && !(p.method == "GET" && method == "HEAD") {
			continue
		}
		if p.re.MatchString(path) {
			return p.key, true
		}
	}
	return "", false
}
