package routes

import (
	"strings"
)

// Router names, as written in facts.Route.Router.
const (
	netHTTP = "net/http"
	chi     = "chi"
	gorilla = "gorilla/mux"
	gin     = "gin"
	echo    = "echo"
)

// wildcardNoName is the parameter name given to an unnamed wildcard (chi and echo "*"): the
// name those routers use to look the value up (chi.URLParam(r, "*"), c.Param("*")).
const wildcardNoName = "*"

// joinPath joins a prefix and a path with exactly one slash between them. An empty path
// yields the prefix unchanged; a trailing slash of path is kept.
func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case prefix == "":
		return path
	}
	return strings.TrimRight(prefix, "/") + "/" + strings.TrimLeft(path, "/")
}

// cleanPath makes a full path start with "/" (unless it starts with an Unknown part) and
// collapses repeated slashes.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, Unknown) {
		p = "/" + p
	}
	return p
}

// edge links a router object to the router it hangs under.
type edge struct {
	parent *object
	prefix string
	// full is true for a handler mounted without stripping its prefix (ServeMux.Handle,
	// gorilla Handle/PathPrefix(...).Handler, chi Handle): the child sees the whole request path,
	// so its own patterns are already full and the prefix is only added to a pattern that does
	// not start with it (a pattern that could never match, written as if the prefix were stripped).
	full bool
}

func (e edge) apply(p string) string {
	if e.full {
		base := strings.TrimRight(e.prefix, "/")
		if base == "" || p == base || strings.HasPrefix(p, base+"/") {
			return p
		}
	}
	return joinPath(e.prefix, p)
}

// mountPrefix turns a normalised mount pattern into the prefix its children get: a trailing
// wildcard segment ("/api/{*...}", "/api/{rest...}") is dropped.
func mountPrefix(p string) string {
	if i := strings.LastIndex(p, "/{"); i >= 0 && strings.HasSuffix(p, "...}") && !strings.Contains(p[i+1:], "/") {
		return p[:i+1]
	}
	return p
}

// normalize rewrites a router's path pattern into carve's form: parameters {name}, wildcards
// {name...}. Unknown parts are left as they are.
func normalize(router, p string) string {
	switch router {
	case gorilla:
		return stripRegex(p)
	case chi:
		p = stripRegex(p)
		if p == "*" {
			return "{" + wildcardNoName + "...}"
		}
		if strings.HasSuffix(p, "/*") {
			p = p[:len(p)-1] + "{" + wildcardNoName + "...}"
		}
		return p
	case gin, echo:
		segs := strings.Split(p, "/")
		for i, s := range segs {
			switch {
			case strings.HasPrefix(s, ":") && len(s) > 1:
				segs[i] = "{" + s[1:] + "}"
			case s == "*":
				segs[i] = "{" + wildcardNoName + "...}"
			case strings.HasPrefix(s, "*"):
				segs[i] = "{" + s[1:] + "...}"
			}
		}
		return strings.Join(segs, "/")
	}
	return p
}

// stripRegex drops the regular expression of "{name:regex}" parameters (gorilla, chi), keeping
// "{name}". Braces nested in the regex are balanced.
func stripRegex(p string) string {
	if !strings.Contains(p, ":") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '{' || strings.HasPrefix(p[i:], Unknown) {
			b.WriteByte(c)
			continue
		}
		depth, j := 0, i
		for ; j < len(p); j++ {
			if p[j] == '{' {
				depth++
			} else if p[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j == len(p) { // unbalanced: keep as written
			b.WriteString(p[i:])
			break
		}
		inner := p[i+1 : j]
		if k := strings.IndexByte(inner, ':'); k >= 0 && !strings.ContainsAny(inner[:k], "{}") {
			inner = inner[:k]
		}
		b.WriteString("{" + inner + "}")
		i = j
	}
	return b.String()
}

// splitServeMuxPattern splits a net/http ServeMux pattern "[METHOD ][HOST]/[PATH]" into its
// method ("ANY" when absent) and path. The host is dropped.
func splitServeMuxPattern(p string) (method, path string) {
	method = "ANY"
	p = strings.TrimSpace(p)
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		method = strings.ToUpper(p[:i])
		p = strings.TrimLeft(p[i:], " \t")
	}
	if i := strings.IndexByte(p, '/'); i > 0 && !strings.HasPrefix(p, Unknown) {
		p = p[i:]
	}
	return method, p
}
