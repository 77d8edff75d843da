// Package spec loads, validates and applies carve.yaml, the versioned boundaries file
// (docs/carve-yaml.md): services with package, file and unit patterns, owned tables, the shared
// kernel and accepted cross-service dependencies. Errors carry carve.yaml:line:col. A loaded
// Spec is read-only and safe for concurrent use.
package spec

import (
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/carve-go/carve/analyzer/facts"
)

// Version is the only carve.yaml version this carve understands.
const Version = 1

// Kinds of dependency an Allow entry may name.
var allowKinds = map[string]bool{"call": true, "read": true, "write": true, "join": true, "tx": true, "fk": true}

// Selectors pick code by package dir pattern, file glob or unit pattern (docs/carve-yaml.md).
type Selectors struct {
	Packages []string `yaml:"packages,omitempty"`
	Files    []string `yaml:"files,omitempty"`
	Units    []string `yaml:"units,omitempty"`
}

// Service is one service of the spec.
type Service struct {
	Name        string `yaml:"-"`
	Description string `yaml:"description,omitempty"`
	Selectors   `yaml:",inline"`
	Tables      []string `yaml:"tables,omitempty"` // owned tables, normalised (lower case, no default schema)
	Line        int      `yaml:"-"`                // line of the service key in the file
}

// Allow accepts a cross-service dependency.
type Allow struct {
	From   string   `yaml:"from"`
	To     string   `yaml:"to"`
	Kinds  []string `yaml:"kinds,omitempty"` // empty: every kind
	Reason string   `yaml:"reason"`
	Line   int      `yaml:"-"`
}

// Spec is a loaded carve.yaml.
type Spec struct {
	File     string    // name used in error messages
	Version  int       // always Version after a successful load
	Dialect  string    // "", postgres or mysql
	Services []Service // in file order
	Kernel   Selectors
	Allow    []Allow

	owner map[string]string // table → service
	units []unitMatcher
}

// Error is a problem at a position of the file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Load reads and validates the spec at path.
func Load(file string) (*Spec, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	return Parse(file, data)
}

type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

// Parse parses and validates a spec; name is used in error messages. All problems found are
// returned together (errors.Join of *Error), each with line and column.
func Parse(name string, data []byte) (*Spec, error) {
	p := &parser{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty file: want a mapping with version: 1"}
	}
	root := doc.Content[0]
	s := &Spec{File: name}
	p.mapping(root, "top level", func(k, v *yaml.Node) {
		switch k.Value {
		case "version":
			if err := v.Decode(&s.Version); err != nil || s.Version != Version {
				p.errorf(v, "version: got %q, want %d", v.Value, Version)
			}
		case "dialect":
			s.Dialect = v.Value
			if v.Kind != yaml.ScalarNode || (v.Value != "postgres" && v.Value != "mysql") {
				p.errorf(v, "dialect: got %q, want postgres or mysql", v.Value)
			}
		case "services":
			p.mapping(v, "services", func(k, v *yaml.Node) {
				svc := Service{Name: k.Value, Line: k.Line}
				if !validName.MatchString(k.Value) {
					p.errorf(k, "service name %q: want lower case letters, digits and dashes, starting with a letter", k.Value)
				}
				p.mapping(v, "service "+k.Value, func(k, v *yaml.Node) {
					switch k.Value {
					case "description":
						svc.Description = v.Value
					case "packages", "files", "units", "tables":
						p.selector(k, v, &svc.Selectors, &svc.Tables)
					default:
						p.errorf(k, "service %s: unknown key %q (want description, packages, files, units, tables)", svc.Name, k.Value)
					}
				})
				s.Services = append(s.Services, svc)
			})
		case "shared_kernel":
			p.mapping(v, "shared_kernel", func(k, v *yaml.Node) {
				switch k.Value {
				case "packages", "files", "units":
					p.selector(k, v, &s.Kernel, nil)
				default:
					p.errorf(k, "shared_kernel: unknown key %q (want packages, files, units)", k.Value)
				}
			})
		case "allow":
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "allow: want a list")
				return
			}
			for _, item := range v.Content {
				a := Allow{Line: item.Line}
				p.mapping(item, "allow entry", func(k, v *yaml.Node) {
					switch k.Value {
					case "from":
						a.From = v.Value
					case "to":
						a.To = v.Value
					case "reason":
						a.Reason = strings.TrimSpace(v.Value)
					case "kinds":
						a.Kinds = p.strings("kinds", v)
						for i, kind := range a.Kinds {
							if !allowKinds[kind] {
								p.errorf(v.Content[i], "allow: unknown kind %q (want call, read, write, join, tx, fk)", kind)
							}
						}
					default:
						p.errorf(k, "allow: unknown key %q (want from, to, kinds, reason)", k.Value)
					}
				})
				if a.Reason == "" {
					p.errorf(item, "allow: reason is required")
				}
				s.Allow = append(s.Allow, a)
				p.check(item, a)
			}
		default:
			p.errorf(k, "unknown key %q (want version, dialect, services, shared_kernel, allow)", k.Value)
		}
	})
	if s.Version == 0 && !hasKey(root, "version") {
		p.errorf(root, "version is required (version: %d)", Version)
	}
	if len(s.Services) == 0 && len(p.errs) == 0 {
		p.errorf(root, "services: at least one service is required")
	}
	p.validate(root, s)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return s, nil
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// mapping walks a mapping node, rejecting duplicate keys.
func (p *parser) mapping(n *yaml.Node, what string, f func(k, v *yaml.Node)) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k, "%s: duplicate key %q", what, k.Value)
			continue
		}
		seen[k.Value] = true
		f(k, v)
	}
}

func (p *parser) strings(key string, v *yaml.Node) []string {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s: want a list of strings", key)
		return nil
	}
	var out []string
	for _, item := range v.Content {
		if item.Kind != yaml.ScalarNode || item.Value == "" {
			p.errorf(item, "%s: want a non-empty string", key)
			continue
		}
		out = append(out, item.Value)
	}
	return out
}

func (p *parser) selector(k, v *yaml.Node, sel *Selectors, tables *[]string) {
	list := p.strings(k.Value, v)
	for i, s := range list {
		var err error
		switch k.Value {
		case "packages":
			err = checkPackagePattern(s)
		case "files":
			_, err = path.Match(s, "")
			if err == nil && (strings.HasPrefix(s, "/") || strings.Contains(s, "**")) {
				err = errors.New("want a glob relative to the module root, without **")
			}
		case "units":
			_, err = compileUnit(s)
		}
		if err != nil {
			p.errorf(v.Content[i], "%s pattern %q: %v", strings.TrimSuffix(k.Value, "s"), s, err)
		}
	}
	switch k.Value {
	case "packages":
		sel.Packages = list
	case "files":
		sel.Files = list
	case "units":
		sel.Units = list
	case "tables":
		for _, t := range list {
			*tables = append(*tables, NormalizeTable(t))
		}
	}
}

func (p *parser) check(item *yaml.Node, a Allow) {
	if a.From == "" || a.To == "" {
		p.errorf(item, "allow: from and to are required")
	}
}

func (p *parser) validate(root *yaml.Node, s *Spec) {
	names := map[string]bool{}
	for _, svc := range s.Services {
		names[svc.Name] = true
	}
	for _, a := range s.Allow {
		for _, n := range []string{a.From, a.To} {
			if n != "" && !names[n] {
				p.errs = append(p.errs, &Error{File: p.file, Line: a.Line, Col: 5, Msg: fmt.Sprintf("allow: unknown service %q", n)})
			}
		}
	}
	s.owner = map[string]string{}
	for _, svc := range s.Services {
		for _, t := range svc.Tables {
			if prev, ok := s.owner[t]; ok && prev != svc.Name {
				p.errs = append(p.errs, &Error{File: p.file, Line: svc.Line, Col: 3, Msg: fmt.Sprintf("table %q is owned by both %s and %s; a table has one owner", t, prev, svc.Name)})
				continue
			}
			s.owner[t] = svc.Name
		}
	}
	for _, svc := range s.Services {
		for _, u := range svc.Units {
			if m, err := compileUnit(u); err == nil {
				s.units = append(s.units, unitMatcher{re: m, service: svc.Name, pattern: u})
			}
		}
	}
	for _, u := range s.Kernel.Units {
		if m, err := compileUnit(u); err == nil {
			s.units = append(s.units, unitMatcher{re: m, service: "", pattern: u})
		}
	}
}

type unitMatcher struct {
	re      *regexp.Regexp
	service string // "" = kernel
	pattern string
}

func compileUnit(pat string) (*regexp.Regexp, error) {
	if strings.ContainsAny(pat, " \t") {
		return nil, errors.New("unit patterns have no spaces")
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pat {
		if r == '*' {
			b.WriteString(`[^/]*`)
		} else {
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func checkPackagePattern(s string) error {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.Contains(s, "*") {
		return errors.New(`want a package dir relative to the module root, like "internal/orders" or "internal/orders/..."`)
	}
	return nil
}

// NormalizeTable normalises a table name as carve does everywhere: lower case, quotes and
// backticks dropped, default schema "public." dropped.
func NormalizeTable(t string) string {
	t = strings.ToLower(strings.NewReplacer(`"`, "", "`", "").Replace(strings.TrimSpace(t)))
	return strings.TrimPrefix(t, "public.")
}

// Owner returns the service owning table, if any.
func (s *Spec) Owner(table string) (string, bool) {
	o, ok := s.owner[NormalizeTable(table)]
	return o, ok
}

// Allowed reports whether a dependency of kind (call, read, write, join, tx, fk) from one
// service to another is accepted by an allow entry. It returns the reason when it is.
func (s *Spec) Allowed(from, to, kind string) (string, bool) {
	for _, a := range s.Allow {
		if a.From != from || a.To != to {
			continue
		}
		if len(a.Kinds) == 0 {
			return a.Reason, true
		}
		for _, k := range a.Kinds {
			if k == kind {
				return a.Reason, true
			}
		}
	}
	return "", false
}

// Match levels, most specific last.
const (
	levelNone = iota
	levelPackage
	levelFile
	levelUnit
)

// Assignment is where a unit belongs under a spec.
type Assignment struct {
	Service string // "" when Kernel or unassigned
	Kernel  bool
	Pattern string // the pattern that decided
}

// Assign returns where unit u belongs. ok is false when no pattern matches. An error means two
// services claim the unit at the same level of precedence.
func (s *Spec) Assign(u facts.Unit) (a Assignment, ok bool, err error) {
	type cand struct {
		level, spec int // spec: pattern length for package patterns
		svc         string
		kernel      bool
		pattern     string
	}
	var best []cand
	consider := func(c cand) {
		if len(best) == 0 || c.level > best[0].level || (c.level == best[0].level && c.spec > best[0].spec) {
			best = []cand{c}
		} else if c.level == best[0].level && c.spec == best[0].spec && (c.svc != best[0].svc || c.kernel != best[0].kernel) {
			best = append(best, c)
		}
	}
	check := func(sel Selectors, svc string, kernel bool) {
		for _, p := range sel.Packages {
			if MatchPackage(p, u.Package) {
				consider(cand{levelPackage, len(p), svc, kernel, p})
			}
		}
		for _, p := range sel.Files {
			if ok, _ := path.Match(p, u.File()); ok {
				consider(cand{levelFile, 0, svc, kernel, p})
			}
		}
	}
	for _, svc := range s.Services {
		check(svc.Selectors, svc.Name, false)
	}
	check(s.Kernel, "", true)
	for _, m := range s.units {
		if m.re.MatchString(string(u.ID)) {
			consider(cand{levelUnit, 0, m.service, m.service == "", m.pattern})
		}
	}
	if len(best) == 0 {
		return Assignment{}, false, nil
	}
	if len(best) > 1 {
		var who []string
		for _, c := range best {
			name := c.svc
			if c.kernel {
				name = "shared_kernel"
			}
			who = append(who, fmt.Sprintf("%s (%s)", name, c.pattern))
		}
		sort.Strings(who)
		return Assignment{}, false, fmt.Errorf("%s: unit %s is claimed by %s at the same precedence", s.File, u.ID, strings.Join(who, " and "))
	}
	c := best[0]
	return Assignment{Service: c.svc, Kernel: c.kernel, Pattern: c.pattern}, true, nil
}

// MatchPackage reports whether package dir pkg matches pattern ("a/b" exactly, "a/b/..." for a/b
// and below, "..." for everything).
func MatchPackage(pattern, pkg string) bool {
	if pattern == "..." {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// ServiceNames returns the service names, sorted.
func (s *Spec) ServiceNames() []string {
	var out []string
	for _, svc := range s.Services {
		out = append(out, svc.Name)
	}
	sort.Strings(out)
	return out
}
