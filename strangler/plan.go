package strangler

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
	"gopkg.in/yaml.v3"
)

// PlannedRoute is one strangler route generated for a service from the analysis, with the
// analysis routes ("METHOD /path" keys) it covers.
type PlannedRoute struct {
	Route Route
	Keys  []string
}

// ForeignAccess is a table of another service touched by the code a route's handler reaches:
// the route cannot move to its service without an API call (or a data move) replacing it.
type ForeignAccess struct {
	Key   string       // analysis route key "METHOD /path"; "*" when only the service as a whole is known to touch the table
	Route string       // name of the planned strangler route covering Key; "" for "*"
	Table string       // table name
	Owner string       // service owning the table
	Write bool         // the access writes the table
	Unit  facts.UnitID // unit issuing the statement, when known
	Pos   facts.Pos    // statement position, when known
}

// String describes the access for people, e.g.
// `POST /api/sale/{id}/reserve (route timesale-api-sale) writes inventory, owned by inventory, at internal/store/sale.go:88 (internal/store.Store.Reserve)`.
func (a ForeignAccess) String() string {
	verb := "reads"
	if a.Write {
		verb = "writes"
	}
	var b strings.Builder
	if a.Key == "*" {
		b.WriteString("service code outside any route")
	} else {
		b.WriteString(a.Key)
	}
	if a.Route != "" {
		fmt.Fprintf(&b, " (route %s)", a.Route)
	}
	fmt.Fprintf(&b, " %s table %s, owned by %s", verb, a.Table, a.Owner)
	if a.Pos.File != "" {
		fmt.Fprintf(&b, ", at %s", a.Pos)
	}
	if a.Unit != "" {
		fmt.Fprintf(&b, " (%s)", a.Unit)
	}
	return b.String()
}

// ServicePlan is what the analysis says about moving one service behind the proxy: its
// routes as strangler matches and the foreign tables those routes touch.
type ServicePlan struct {
	Service string
	Routes  []PlannedRoute  // sorted by the first covered path
	Foreign []ForeignAccess // sorted by key, table, write
}

// ForeignWrites returns the accesses of p that write another service's table.
func (p *ServicePlan) ForeignWrites() []ForeignAccess {
	var out []ForeignAccess
	for _, a := range p.Foreign {
		if a.Write {
			out = append(out, a)
		}
	}
	return out
}

// PlanOptions tunes PlanService.
type PlanOptions struct {
	// NoMerge keeps one strangler route per path pattern instead of merging the service's
	// routes under a common PathPrefix.
	NoMerge bool
}

// PlanService turns the routes of service in the proposal into strangler routes:
//
//   - a path without parameters becomes path_exact; a Go 1.22 ServeMux pattern ending in "/"
//     becomes path_prefix, one ending in "{$}" path_exact;
//   - "{name}" parameters become an RE2 path_regex like ^/api/orders/[^/]+$;
//   - a trailing "{rest...}" wildcard becomes path_prefix (or a regex when parameters precede it);
//   - methods of the same path pattern are merged into one route (no methods for "ANY");
//   - unless opts.NoMerge, routes of the service sharing a literal prefix are merged into one
//     path_prefix route when no other route of the analysis (any other service, or no service)
//     could match a path under that prefix, and the prefix covers at least two routes. The
//     shortest such prefix is used.
//
// Foreign accesses come from the statements reachable from each route's handler over call
// edges, judged against the proposal's table ownership, plus the proposal's foreign-read and
// foreign-write findings whose unit is reachable. A route whose handler is unknown (no handler,
// a handler missing from the units, or facts without edges) is charged with the service's
// Reads and Writes; service-level Reads/Writes no route explains are
// reported with key "*".
func PlanService(f *facts.Facts, p *decompose.Proposal, service string, opts PlanOptions) (*ServicePlan, error) {
	if f == nil || p == nil {
		return nil, errors.New("plan service: the analysis has no proposal (run carve analyze with a proposal, or give a carve.yaml)")
	}
	var svc *decompose.Service
	var names []string
	for i := range p.Services {
		names = append(names, p.Services[i].Name)
		if p.Services[i].Name == service {
			svc = &p.Services[i]
		}
	}
	if svc == nil {
		return nil, fmt.Errorf("plan service: unknown service %q (the analysis has: %s)", service, strings.Join(names, ", "))
	}
	if !nameRE.MatchString(service) {
		return nil, fmt.Errorf("plan service: service name %q is not a valid strangler.yaml service name ([a-z0-9][a-z0-9_-]*)", service)
	}
	mine := map[string]bool{}
	for _, k := range svc.Routes {
		mine[k] = true
	}
	byKey := map[string]facts.Route{}
	var own, others []facts.Route
	for _, r := range f.Routes {
		k := r.Key()
		if _, dup := byKey[k]; dup {
			continue
		}
		byKey[k] = r
		if mine[k] {
			own = append(own, r)
		} else {
			others = append(others, r)
		}
	}
	for _, k := range svc.Routes {
		if _, ok := byKey[k]; !ok {
			// A route key the facts do not list (hand-written proposal): parse the key.
			m, path, ok := strings.Cut(k, " ")
			if !ok {
				return nil, fmt.Errorf("plan service: bad route key %q: want \"METHOD /path\"", k)
			}
			r := facts.Route{Method: m, Path: path}
			byKey[k] = r
			own = append(own, r)
		}
	}
	if len(own) == 0 {
		return nil, fmt.Errorf("plan service: service %q has no HTTP routes in the analysis", service)
	}

	// Parse every pattern once.
	pats := map[string]pattern{}
	for k, r := range byKey {
		pt, err := parsePattern(r)
		if err != nil {
			return nil, fmt.Errorf("plan service: route %q at %s: %v", k, r.Pos, err)
		}
		pats[k] = pt
	}

	// Prefix merging.
	type group struct {
		prefix string
		keys   []string
	}
	var groups []*group
	merged := map[string]bool{}
	if !opts.NoMerge {
		byPrefix := map[string]*group{}
		for _, r := range own {
			pt := pats[r.Key()]
			// The shortest safe prefix is one segment deeper than the deepest literal prefix of
			// this route some other route could match under.
			n := 1
			for _, o := range others {
				if d := pats[o.Key()].depth(pt.literal); d+1 > n {
					n = d + 1
				}
			}
			if n > len(pt.literal) {
				continue
			}
			pre := "/" + strings.Join(pt.literal[:n], "/")
			if !canonicalLiteral(pre) {
				continue
			}
			g := byPrefix[pre]
			if g == nil {
				g = &group{prefix: pre}
				byPrefix[pre] = g
				groups = append(groups, g)
			}
			g.keys = append(g.keys, r.Key())
		}
		// Nested groups: a key sits in the group of its shortest safe prefix, so groups never
		// nest; drop groups of one route.
		kept := groups[:0]
		for _, g := range groups {
			if len(g.keys) >= 2 {
				kept = append(kept, g)
				for _, k := range g.keys {
					merged[k] = true
				}
			}
		}
		groups = kept
	}

	var planned []PlannedRoute
	for _, g := range groups {
		sort.Strings(g.keys)
		var methods []string
		for _, k := range g.keys {
			methods = addMethod(methods, byKey[k].Method)
		}
		planned = append(planned, PlannedRoute{
			Route: Route{Match: Match{PathPrefix: g.prefix, Methods: methods}, Service: service},
			Keys:  g.keys,
		})
	}
	// Unmerged routes: one route per match, methods merged.
	byMatch := map[string]int{}
	for _, r := range own {
		k := r.Key()
		if merged[k] {
			continue
		}
		m := pats[k].match()
		mk := m.PathExact + "\x00" + m.PathPrefix + "\x00" + m.PathRegex
		i, ok := byMatch[mk]
		if !ok {
			i = len(planned)
			byMatch[mk] = i
			planned = append(planned, PlannedRoute{Route: Route{Match: m, Service: service}})
		}
		pr := &planned[i]
		pr.Keys = append(pr.Keys, k)
		pr.Route.Match.Methods = addMethod(pr.Route.Match.Methods, r.Method)
	}
	for i := range planned {
		pr := &planned[i]
		sort.Strings(pr.Keys)
		if pr.Route.Match.Methods != nil {
			sort.Strings(pr.Route.Match.Methods)
		}
	}
	sort.Slice(planned, func(i, j int) bool {
		a, b := planned[i], planned[j]
		pa, pb := pathOfKey(a.Keys[0]), pathOfKey(b.Keys[0])
		if pa != pb {
			return pa < pb
		}
		return a.Keys[0] < b.Keys[0]
	})
	used := map[string]bool{}
	for i := range planned {
		planned[i].Route.Name = routeName(service, planned[i].Route.Match, used)
	}

	plan := &ServicePlan{Service: service, Routes: planned}
	plan.Foreign = foreignAccesses(f, p, svc, byKey, planned)
	return plan, nil
}

func pathOfKey(k string) string {
	_, p, _ := strings.Cut(k, " ")
	return p
}

// addMethod adds m to methods; "ANY" (or an empty method) clears the list for good, which is
// marked by returning a non-nil empty slice.
func addMethod(methods []string, m string) []string {
	if methods != nil && len(methods) == 0 {
		return methods
	}
	m = strings.ToUpper(m)
	if m == "" || m == "ANY" || !knownMethods[m] {
		return []string{}
	}
	for _, x := range methods {
		if x == m {
			return methods
		}
	}
	return append(methods, m)
}

// pattern is a parsed route path.
type pattern struct {
	segs     []patSeg
	literal  []string // leading literal segments
	wildcard bool     // ends with {rest...} (or a ServeMux subtree "/")
	exactEnd bool     // ends with {$}
	trailing bool     // ends with "/" (not a subtree)
}

type patSeg struct {
	lit   string         // the literal text when param is false
	param bool           // the whole segment or part of it is a parameter
	re    string         // RE2 for the segment when param
	rx    *regexp.Regexp // re compiled and anchored
}

var paramRE = regexp.MustCompile(`\{[^{}/]*\}`)

var anySegment = regexp.MustCompile(`^[^/]+$`)

func parsePattern(r facts.Route) (pattern, error) {
	var pt pattern
	path := r.Path
	if path == "" || path[0] != '/' {
		return pt, fmt.Errorf("path %q does not start with /", path)
	}
	if !utf8.ValidString(path) || strings.ContainsFunc(path, unicode.IsControl) {
		return pt, fmt.Errorf("path %q has control characters or invalid UTF-8", path)
	}
	if strings.HasSuffix(path, "/{$}") {
		path = strings.TrimSuffix(path, "{$}")
		pt.exactEnd = true
	}
	body := strings.TrimPrefix(path, "/")
	if strings.HasSuffix(body, "/") || body == "" {
		if r.Router == "net/http" && !pt.exactEnd {
			pt.wildcard = true
		} else if body != "" {
			pt.trailing = true
		}
		body = strings.TrimSuffix(body, "/")
	}
	if body == "" {
		return pt, nil
	}
	parts := strings.Split(body, "/")
	for i, s := range parts {
		if s == "*" || (strings.HasPrefix(s, "{") && strings.HasSuffix(s, "...}")) || (strings.HasPrefix(s, "*") && len(s) > 1) {
			if i != len(parts)-1 {
				return pt, fmt.Errorf("wildcard %q is not the last segment", s)
			}
			pt.wildcard = true
			break
		}
		if strings.HasPrefix(s, ":") && len(s) > 1 {
			pt.segs = append(pt.segs, patSeg{param: true, re: `[^/]+`, rx: anySegment})
			continue
		}
		if !strings.ContainsAny(s, "{}") {
			pt.segs = append(pt.segs, patSeg{lit: s})
			continue
		}
		// Parameters inside the segment.
		var re strings.Builder
		last := 0
		for _, loc := range paramRE.FindAllStringIndex(s, -1) {
			re.WriteString(regexp.QuoteMeta(s[last:loc[0]]))
			re.WriteString(`[^/]+`)
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(s[last:]))
		if strings.ContainsAny(s[last:], "{}") {
			return pt, fmt.Errorf("bad parameter in segment %q", s)
		}
		rx, err := regexp.Compile("^(?:" + re.String() + ")$")
		if err != nil {
			return pt, fmt.Errorf("segment %q: %v", s, err)
		}
		pt.segs = append(pt.segs, patSeg{param: true, re: re.String(), rx: rx})
	}
	for _, s := range pt.segs {
		if s.param {
			break
		}
		pt.literal = append(pt.literal, s.lit)
	}
	return pt, nil
}

// match converts the pattern into a strangler Match (without methods).
func (pt pattern) match() Match {
	allLit := len(pt.literal) == len(pt.segs)
	lit := "/" + strings.Join(pt.literal, "/")
	switch {
	case allLit && pt.wildcard && canonicalLiteral(lit):
		return Match{PathPrefix: lit}
	case allLit && !pt.wildcard:
		p := lit
		if pt.trailing || (pt.exactEnd && p != "/") {
			p += "/"
		}
		if canonicalLiteral(p) {
			return Match{PathExact: p}
		}
	}
	var b strings.Builder
	b.WriteString("^")
	for _, s := range pt.segs {
		b.WriteString("/")
		if s.param {
			b.WriteString(s.re)
		} else {
			b.WriteString(regexp.QuoteMeta(s.lit))
		}
	}
	switch {
	case pt.wildcard && len(pt.segs) == 0:
		b.WriteString("/.*")
	case pt.wildcard:
		b.WriteString("(?:/.*)?")
	case pt.trailing || pt.exactEnd:
		b.WriteString("/")
	case len(pt.segs) == 0:
		b.WriteString("/")
	}
	b.WriteString("$")
	return Match{PathRegex: b.String()}
}

// depth returns the largest n such that some path the pattern matches lies at or below the
// literal prefix segs[:n] (segment-wise): len(segs) when the pattern reaches below all of it.
func (pt pattern) depth(segs []string) int {
	for i, want := range segs {
		if i >= len(pt.segs) {
			// The pattern ends above: only a wildcard reaches below it.
			if pt.wildcard {
				return len(segs)
			}
			return i
		}
		s := pt.segs[i]
		if s.param {
			if s.rx == nil || s.rx.MatchString(want) {
				continue
			}
			return i
		}
		if s.lit != want {
			return i
		}
	}
	return len(segs)
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func routeName(service string, m Match, used map[string]bool) string {
	src := m.PathExact + m.PathPrefix
	if m.PathRegex != "" {
		src = strings.NewReplacer(`[^/]+`, "-x-", `(?:/.*)?`, "", `\`, "").Replace(m.PathRegex)
	}
	slug := strings.Trim(slugRE.ReplaceAllString(strings.ToLower(src), "-"), "-")
	base := service
	if slug != "" {
		base += "-" + slug
	}
	if len(m.Methods) == 1 && m.PathPrefix == "" {
		base += "-" + strings.ToLower(m.Methods[0])
	}
	name := base
	for i := 2; used[name]; i++ {
		name = base + "-" + strconv.Itoa(i)
	}
	used[name] = true
	return name
}

// foreignAccesses finds, per route, the foreign tables the handler's reachable code touches.
func foreignAccesses(f *facts.Facts, p *decompose.Proposal, svc *decompose.Service, byKey map[string]facts.Route, planned []PlannedRoute) []ForeignAccess {
	owner := map[string]string{}
	for _, o := range p.Ownership {
		owner[o.Table] = o.Owner
	}
	calls := map[facts.UnitID][]facts.UnitID{}
	for _, e := range f.Edges {
		if e.Kind == facts.Call {
			calls[e.From] = append(calls[e.From], e.To)
		}
	}
	units := map[facts.UnitID]bool{}
	for _, u := range f.Units {
		units[u.ID] = true
	}
	sqlByUnit := map[facts.UnitID][]facts.SQL{}
	for _, s := range f.SQL {
		if s.Unit != "" {
			sqlByUnit[s.Unit] = append(sqlByUnit[s.Unit], s)
		}
	}
	var findings []decompose.Finding
	for _, fd := range p.Findings {
		if (fd.Kind == decompose.ForeignRead || fd.Kind == decompose.ForeignWrite) && fd.FromUnit != "" {
			findings = append(findings, fd)
		}
	}
	routeOf := map[string]string{}
	for _, pr := range planned {
		for _, k := range pr.Keys {
			routeOf[k] = pr.Route.Name
		}
	}
	type akey struct {
		key, table string
		write      bool
	}
	seen := map[akey]bool{}
	var out []ForeignAccess
	add := func(a ForeignAccess) {
		k := akey{a.Key, a.Table, a.Write}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, a)
	}
	covered := map[akey]bool{} // table+write explained by some route
	keys := append([]string(nil), svc.Routes...)
	sort.Strings(keys)
	for _, k := range keys {
		r := byKey[k]
		if r.Handler == "" || len(f.Edges) == 0 || (len(units) > 0 && !units[r.Handler]) {
			for _, t := range svc.Reads {
				add(ForeignAccess{Key: k, Route: routeOf[k], Table: t, Owner: owner[t]})
				covered[akey{"", t, false}] = true
			}
			for _, t := range svc.Writes {
				add(ForeignAccess{Key: k, Route: routeOf[k], Table: t, Owner: owner[t], Write: true})
				covered[akey{"", t, true}] = true
			}
			continue
		}
		reach := map[facts.UnitID]bool{r.Handler: true}
		queue := []facts.UnitID{r.Handler}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, v := range calls[u] {
				if !reach[v] {
					reach[v] = true
					queue = append(queue, v)
				}
			}
		}
		for _, u := range sortedUnits(reach) {
			for _, s := range sqlByUnit[u] {
				for _, ta := range s.Tables {
					o := owner[ta.Name]
					if o == "" || o == svc.Name {
						continue
					}
					w := ta.Access.IsWrite()
					add(ForeignAccess{Key: k, Route: routeOf[k], Table: ta.Name, Owner: o, Write: w, Unit: u, Pos: s.Pos})
					covered[akey{"", ta.Name, w}] = true
				}
			}
		}
		for _, fd := range findings {
			if fd.From != svc.Name || !reach[fd.FromUnit] {
				continue
			}
			w := fd.Kind == decompose.ForeignWrite
			for _, t := range fd.Tables {
				o := owner[t]
				if o == "" {
					o = fd.To
				}
				if o == svc.Name {
					continue
				}
				add(ForeignAccess{Key: k, Route: routeOf[k], Table: t, Owner: o, Write: w, Unit: fd.FromUnit, Pos: fd.Pos})
				covered[akey{"", t, w}] = true
			}
		}
	}
	for _, t := range svc.Reads {
		if !covered[akey{"", t, false}] {
			add(ForeignAccess{Key: "*", Table: t, Owner: owner[t]})
		}
	}
	for _, t := range svc.Writes {
		if !covered[akey{"", t, true}] {
			add(ForeignAccess{Key: "*", Table: t, Owner: owner[t], Write: true})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Write && !b.Write
	})
	return out
}

// canonicalLiteral reports whether p can be used as path_exact or path_prefix: it is its own
// canonical form.
func canonicalLiteral(p string) bool {
	c, err := Canonicalize(p, PathPolicy{})
	return err == nil && c.Path == p
}

func sortedUnits(m map[facts.UnitID]bool) []facts.UnitID {
	out := make([]facts.UnitID, 0, len(m))
	for u := range m {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ErrForeignWrites is returned (wrapped) by Apply when a route would move to stage full or
// retired while the code it reaches writes tables another service owns, and Force is not set.
var ErrForeignWrites = errors.New("routes write tables of other services")

// ApplyOptions says how Apply changes a strangler.yaml.
type ApplyOptions struct {
	// URL of the service (scheme://host:port). Required when the service is not in the file.
	URL string
	// Stage of the service's routes. Empty: new routes start in shadow, existing routes keep
	// their stage.
	Stage Stage
	// Weight (0–100) of the routes in stage canary; nil keeps existing weights (new canary
	// routes get 0).
	Weight *int
	// Monolith is the monolith URL, used only when the file is created.
	Monolith string
	// Force moves routes to full or retired despite foreign writes.
	Force bool
}

// Edit is the result of Apply.
type Edit struct {
	Before, After []byte   // file content; Before is nil when the file is created
	Added         []string // route names appended
	Updated       []string // route names whose stage or weight changed
	Unchanged     []string // route names already as asked
	Notes         []string // things people should know (service urls kept, routes of the service not in the plan)
}

// Apply adds or updates the routes of plan in the strangler.yaml content data (nil or empty:
// create a new file, which needs opts.Monolith). It edits the YAML node tree, so comments,
// key order and everything else in the file are preserved; only the service entry and the
// service's routes change. Existing routes are found by name, then by an identical match of
// the same service; their match is never rewritten, only stage and weight. The result is
// validated with Parse; nothing is returned on error. When opts.Stage is full or retired and
// plan has foreign writes, Apply fails with an error wrapping ErrForeignWrites unless
// opts.Force.
func Apply(name string, data []byte, plan *ServicePlan, opts ApplyOptions) (edit *Edit, err error) {
	defer func() {
		// yaml.v3's emitter panics on some inputs; never let that escape.
		if r := recover(); r != nil {
			edit, err = nil, fmt.Errorf("apply %s: encode: %v", name, r)
		}
	}()
	if opts.Stage != "" {
		switch opts.Stage {
		case StageShadow, StageCanary, StageFull, StageRetired:
		default:
			return nil, fmt.Errorf("apply %s: unknown stage %q: want shadow, canary, full or retired", name, opts.Stage)
		}
	}
	if opts.Weight != nil {
		if *opts.Weight < 0 || *opts.Weight > 100 {
			return nil, fmt.Errorf("apply %s: weight %d out of range 0..100", name, *opts.Weight)
		}
		if opts.Stage != StageCanary {
			return nil, fmt.Errorf("apply %s: a weight needs stage canary", name)
		}
	}
	if (opts.Stage == StageFull || opts.Stage == StageRetired) && !opts.Force {
		if ws := plan.ForeignWrites(); len(ws) > 0 {
			var lines []string
			for _, w := range ws {
				lines = append(lines, "  "+w.String())
			}
			return nil, fmt.Errorf("apply %s: stage %s refused: %w (fix them first or use --force):\n%s", name, opts.Stage, ErrForeignWrites, strings.Join(lines, "\n"))
		}
	}
	edit = &Edit{}
	var doc yaml.Node
	var tp *textPatch // nil when the file is created
	if len(bytes.TrimSpace(data)) == 0 {
		if opts.Monolith == "" {
			return nil, fmt.Errorf("apply %s: the file does not exist: give the monolith URL (--monolith) to create it", name)
		}
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
		root := doc.Content[0]
		setKey(root, "version", scalar("1"))
		setKey(root, "monolith", mapping("url", scalar(opts.Monolith)))
		doc.HeadComment = "strangler.yaml: carve proxy configuration (docs/proxy.md). Created by carve strangle."
	} else {
		edit.Before = data
		if _, err := Parse(name, data); err != nil {
			return nil, fmt.Errorf("apply %s: the file is not valid, fix it first:\n%w", name, err)
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("apply %s: %v", name, err)
		}
		tp = newTextPatch(data)
	}
	root := doc.Content[0]
	var atEnd []*yaml.Node // root keys and values to append at the end of the text
	tpSet := func(m *yaml.Node, key, value string) {
		if tp == nil {
			return
		}
		if _, v, ok := tp.entry(m, key); ok {
			tp.setScalar(v, yamlScalar(value))
		} else {
			tp.ok = false
		}
	}

	// Service entry.
	services := getKey(root, "services")
	servicesExisted := services != nil
	if services == nil || services.Kind != yaml.MappingNode {
		if servicesExisted && tp != nil {
			tp.ok = false
		}
		services = &yaml.Node{Kind: yaml.MappingNode}
		setKey(root, "services", services)
	}
	if s := getKey(services, plan.Service); s == nil || s.Kind != yaml.MappingNode {
		if opts.URL == "" {
			return nil, fmt.Errorf("apply %s: service %q is not in the file: give its URL (--url)", name, plan.Service)
		}
		entry := mapping("url", scalar(opts.URL))
		if tp != nil {
			switch {
			case s != nil:
				tp.ok = false
			case !servicesExisted:
				atEnd = append(atEnd, scalar("services"), mapping(plan.Service, entry))
			case len(services.Content) > 0:
				step := 2
				if k, v := services.Content[0], services.Content[1]; v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > k.Column {
					step = v.Content[0].Column - k.Column
				}
				if lines, err := renderLines(mapping(plan.Service, entry), step); err == nil {
					tp.appendBlock(services, services.Content[0].Column-1, lines)
				} else {
					tp.ok = false
				}
			default:
				tp.ok = false
			}
		}
		setKey(services, plan.Service, entry)
	} else if opts.URL != "" {
		if getKey(s, "urls") != nil {
			edit.Notes = append(edit.Notes, fmt.Sprintf("services.%s lists urls; --url %s not applied", plan.Service, opts.URL))
		} else if u := getKey(s, "url"); u == nil || u.Value != opts.URL {
			tpSet(s, "url", opts.URL)
			setKey(s, "url", scalar(opts.URL))
		}
	}

	// Routes.
	routes := getKey(root, "routes")
	routesExisted := routes != nil
	if routes == nil || routes.Kind != yaml.SequenceNode {
		if routesExisted && tp != nil {
			tp.ok = false
		}
		routes = &yaml.Node{Kind: yaml.SequenceNode}
		setKey(root, "routes", routes)
	}
	var added []*yaml.Node
	var existing []Route
	for _, n := range routes.Content {
		var r Route
		_ = n.Decode(&r)
		existing = append(existing, r)
	}
	claimed := map[int]bool{}
	for _, pr := range plan.Routes {
		idx := -1
		for i, r := range existing {
			if !claimed[i] && r.Name == pr.Route.Name {
				idx = i
				break
			}
		}
		if idx < 0 {
			for i, r := range existing {
				if !claimed[i] && r.Service == plan.Service && sameMatch(r.Match, pr.Route.Match) {
					idx = i
					break
				}
			}
		}
		if idx >= 0 {
			claimed[idx] = true
			n := routes.Content[idx]
			r := existing[idx]
			if r.Service != plan.Service {
				return nil, fmt.Errorf("apply %s: route %q already exists for service %q", name, r.Name, r.Service)
			}
			changed := false
			if opts.Stage != "" && r.Stage != opts.Stage {
				tpSet(n, "stage", string(opts.Stage))
				setKey(n, "stage", scalar(string(opts.Stage)))
				changed = true
			}
			stage := r.Stage
			if opts.Stage != "" {
				stage = opts.Stage
			}
			if stage == StageCanary && opts.Weight != nil && r.Weight != *opts.Weight {
				if tp != nil {
					if getKey(n, "weight") != nil {
						tpSet(n, "weight", strconv.Itoa(*opts.Weight))
					} else {
						tp.insertEntryAfter(n, "stage", "weight", strconv.Itoa(*opts.Weight))
					}
				}
				setKey(n, "weight", scalar(strconv.Itoa(*opts.Weight)))
				changed = true
			}
			if stage != StageCanary && getKey(n, "weight") != nil {
				if tp != nil {
					tp.deleteEntry(n, "weight")
				}
				delKey(n, "weight")
				changed = true
			}
			if stage == StageRetired && r.Fallback != nil && *r.Fallback {
				if tp != nil {
					tp.deleteEntry(n, "fallback")
				}
				delKey(n, "fallback")
				changed = true
			}
			if changed {
				edit.Updated = append(edit.Updated, r.Name)
			} else {
				edit.Unchanged = append(edit.Unchanged, r.Name)
			}
			continue
		}
		stage := opts.Stage
		if stage == "" {
			stage = StageShadow
		}
		n := &yaml.Node{Kind: yaml.MappingNode}
		setKey(n, "name", scalar(pr.Route.Name))
		m := &yaml.Node{Kind: yaml.MappingNode}
		switch {
		case pr.Route.Match.PathExact != "":
			setKey(m, "path_exact", scalar(pr.Route.Match.PathExact))
		case pr.Route.Match.PathPrefix != "":
			setKey(m, "path_prefix", scalar(pr.Route.Match.PathPrefix))
		default:
			setKey(m, "path_regex", quoted(pr.Route.Match.PathRegex))
		}
		if len(pr.Route.Match.Methods) > 0 {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, meth := range pr.Route.Match.Methods {
				seq.Content = append(seq.Content, scalar(meth))
			}
			setKey(m, "methods", seq)
		}
		setKey(n, "match", m)
		setKey(n, "service", scalar(plan.Service))
		setKey(n, "stage", scalar(string(stage)))
		if stage == StageCanary {
			w := 0
			if opts.Weight != nil {
				w = *opts.Weight
			}
			setKey(n, "weight", scalar(strconv.Itoa(w)))
		}
		n.HeadComment = "carve strangle: " + commentSafe(strings.Join(pr.Keys, ", "))
		routes.Content = append(routes.Content, n)
		added = append(added, n)
		edit.Added = append(edit.Added, pr.Route.Name)
	}
	for i, r := range existing {
		if !claimed[i] && r.Service == plan.Service {
			edit.Notes = append(edit.Notes, fmt.Sprintf("route %s of service %s is not generated from the analysis; left as is", r.Name, plan.Service))
		}
	}

	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("apply %s: encode: %v", name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("apply %s: encode: %v", name, err)
	}
	edit.After = b.Bytes()
	cfg, err := Parse(name, edit.After)
	if err != nil {
		return nil, fmt.Errorf("apply %s: the edited file would not be valid:\n%w", name, err)
	}
	if tp != nil && len(added) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Content: added}
		switch {
		case !routesExisted:
			atEnd = append(atEnd, scalar("routes"), seq)
		case len(added) < len(routes.Content):
			first := routes.Content[0]
			dash := first.Column - 3
			if lines, err := renderLines(seq, 2); err == nil && first.Line >= 1 && dash >= 0 && dash < len(tp.lines[first.Line-1]) && tp.lines[first.Line-1][dash] == '-' {
				tp.appendBlock(&yaml.Node{Kind: yaml.SequenceNode, Content: routes.Content[:len(routes.Content)-len(added)]}, dash, lines)
			} else {
				tp.ok = false
			}
		default:
			tp.ok = false // an empty routes list
		}
	}
	if tp != nil && len(atEnd) > 0 {
		if lines, err := renderLines(&yaml.Node{Kind: yaml.MappingNode, Content: atEnd}, 2); err == nil {
			tp.appendAtEnd(lines)
		} else {
			tp.ok = false
		}
	}
	// The text patch is used only when it means exactly what the re-encoded tree means.
	if tp != nil && tp.ok {
		patched := tp.bytes()
		if pc, err := Parse(name, patched); err == nil && reflect.DeepEqual(pc, cfg) {
			edit.After = patched
		}
	}
	return edit, nil
}

// commentSafe makes s printable in a YAML comment: valid UTF-8 without control characters.
func commentSafe(s string) string {
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// yamlScalar renders v as a YAML scalar (plain when possible).
func yamlScalar(v string) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		return strconv.Quote(v)
	}
	return strings.TrimSuffix(string(b), "\n")
}

func sameMatch(a, b Match) bool {
	if a.PathExact != b.PathExact || trimPrefixOrEmpty(a.PathPrefix) != trimPrefixOrEmpty(b.PathPrefix) || a.PathRegex != b.PathRegex {
		return false
	}
	if len(a.Methods) != len(b.Methods) || len(a.Headers) != 0 || len(a.Query) != 0 {
		return false
	}
	am := append([]string(nil), a.Methods...)
	bm := append([]string(nil), b.Methods...)
	sort.Strings(am)
	sort.Strings(bm)
	for i := range am {
		if am[i] != bm[i] {
			return false
		}
	}
	return true
}

func trimPrefixOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	return trimPrefix(p)
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

func quoted(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.SingleQuotedStyle}
}

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		setKey(n, kv[i].(string), kv[i+1].(*yaml.Node))
	}
	return n
}

func getKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setKey sets key to v in mapping m, keeping the position and comments of an existing key.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			v.LineComment, v.FootComment = old.LineComment, old.FootComment
			if old.HeadComment != "" {
				v.HeadComment = old.HeadComment
			}
			if v.Kind == yaml.ScalarNode && old.Kind == yaml.ScalarNode && v.Style == 0 {
				v.Style = old.Style
			}
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

func delKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// UnifiedDiff returns a unified diff (3 lines of context) from a to b, labelled with the two
// names, or "" when they are equal.
func UnifiedDiff(aName, bName string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	// LCS table (files are small: strangler.yaml).
	n, m := len(al), len(bl)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else if lcs[i+1][j] >= lcs[i][j+1] {
				lcs[i][j] = lcs[i+1][j]
			} else {
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		a, b int  // line indexes (0-based) in a and b
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			ops = append(ops, op{' ', i, j})
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
			ops = append(ops, op{'+', i, j})
			j++
		default:
			ops = append(ops, op{'-', i, j})
			i++
		}
	}
	const ctx = 3
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	var changes []int
	for k, o := range ops {
		if o.kind != ' ' {
			changes = append(changes, k)
		}
	}
	for c := 0; c < len(changes); {
		first, last := changes[c], changes[c]
		c++
		for c < len(changes) && changes[c]-last <= 2*ctx+1 {
			last = changes[c]
			c++
		}
		start, end := max(first-ctx, 0), min(last+ctx+1, len(ops))
		as, bs := ops[start].a, ops[start].b
		var ac, bc int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				ac++
			}
			if o.kind != '-' {
				bc++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(as, ac), hunkRange(bs, bc))
		for _, o := range ops[start:end] {
			line := ""
			switch o.kind {
			case ' ', '-':
				line = al[o.a]
			case '+':
				line = bl[o.b]
			}
			out.WriteByte(o.kind)
			out.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.String()
}

func hunkRange(start, count int) string {
	if count == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if count == 1 {
		return strconv.Itoa(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// PrecedenceOrder returns the indexes of routes in the order the proxy tries them: Gateway API
// precedence (Exact, then RegularExpression, then PathPrefix; longer path first; a method
// match; more header matches; more query matches; then file order). Exporters use it so every
// target evaluates routes in the proxy's order. It fails on a match that does not compile.
func PrecedenceOrder(routes []Route) ([]int, error) {
	rs := make([]*route, len(routes))
	for i, r := range routes {
		m, err := compileMatch(r.Match)
		if err != nil {
			return nil, fmt.Errorf("precedence order: routes[%d] (%s): %v", i, r.Name, err)
		}
		rs[i] = &route{name: r.Name, order: i, m: m}
	}
	sortRoutes(rs)
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.order
	}
	return out, nil
}

// textPatch re-applies Apply's node edits to the original text line by line, so that an
// updated strangler.yaml differs from the original only where something changed (yaml.v3's
// encoder would otherwise re-indent sequences and respace comments). Any construct it cannot
// edit exactly (flow collections, multi-line scalars, foot comments, unusual spacing) clears
// ok, and Apply then keeps the re-encoded node tree.
type textPatch struct {
	lines   []string // original lines with their "\n"
	ok      bool
	replace map[int]string   // 0-based line -> new content
	deleted map[int]bool     // 0-based lines removed
	after   map[int][]string // lines inserted after a 0-based line; -1 = at the start
}

func newTextPatch(data []byte) *textPatch {
	return &textPatch{lines: splitLines(data), ok: true, replace: map[int]string{}, deleted: map[int]bool{}, after: map[int][]string{}}
}

func (tp *textPatch) line(i int) string {
	if s, ok := tp.replace[i]; ok {
		return s
	}
	return tp.lines[i]
}

// setScalar replaces the plain or single-quoted scalar v with text (already YAML).
func (tp *textPatch) setScalar(v *yaml.Node, text string) {
	if !tp.ok || v == nil || v.Kind != yaml.ScalarNode || v.Line < 1 || v.Line > len(tp.lines) {
		tp.ok = false
		return
	}
	tok := v.Value
	switch v.Style {
	case 0:
	case yaml.SingleQuotedStyle:
		if strings.Contains(tok, "'") {
			tp.ok = false
			return
		}
		tok = "'" + tok + "'"
	default:
		tp.ok = false
		return
	}
	i := v.Line - 1
	l := tp.line(i)
	c := v.Column - 1
	if c < 0 || c+len(tok) > len(l) || l[c:c+len(tok)] != tok {
		tp.ok = false
		return
	}
	if rest := l[c+len(tok):]; rest != "" && rest[0] != ' ' && rest[0] != '\n' && rest[0] != '\r' {
		tp.ok = false
		return
	}
	tp.replace[i] = l[:c] + text + l[c+len(tok):]
}

// entry returns the key and value nodes of key in the block mapping m, both on one line.
func (tp *textPatch) entry(m *yaml.Node, key string) (k, v *yaml.Node, ok bool) {
	if m == nil || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
		return nil, nil, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
			return k, v, v.Kind == yaml.ScalarNode && k.Line == v.Line && k.Line >= 1 && k.Line <= len(tp.lines)
		}
	}
	return nil, nil, false
}

// deleteEntry removes the line of key in the block mapping m. The line must hold only that
// entry (not the first key of a sequence item).
func (tp *textPatch) deleteEntry(m *yaml.Node, key string) {
	k, _, ok := tp.entry(m, key)
	if !tp.ok || !ok || strings.HasPrefix(strings.TrimSpace(tp.lines[k.Line-1]), "-") || k.HeadComment != "" {
		tp.ok = false
		return
	}
	tp.deleted[k.Line-1] = true
}

// insertEntryAfter adds "key: value" on a new line after the entry of afterKey in m.
func (tp *textPatch) insertEntryAfter(m *yaml.Node, afterKey, key, value string) {
	k, v, _ := tp.entry(m, afterKey)
	// The value may already be a new node (no position): the key's line is what counts.
	if !tp.ok || k == nil || k.Line < 1 || k.Line > len(tp.lines) || (v.Line != 0 && v.Line != k.Line) {
		tp.ok = false
		return
	}
	i := k.Line - 1
	tp.after[i] = append(tp.after[i], strings.Repeat(" ", k.Column-1)+key+": "+value+"\n")
}

// lastLine returns the last line (1-based) any node of n's subtree starts on, or 0 when the
// subtree has something whose end is not known (multi-line scalars, foot comments, flow style).
func lastLine(n *yaml.Node) int {
	if n.FootComment != "" || (n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n"))) {
		return 0
	}
	if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle != 0 {
		// A flow collection is fine when it sits on one line.
		max := n.Line
		for _, c := range n.Content {
			if c.Line != n.Line || strings.Contains(c.Value, "\n") || c.FootComment != "" {
				return 0
			}
		}
		return max
	}
	max := n.Line
	for _, c := range n.Content {
		l := lastLine(c)
		if l == 0 {
			return 0
		}
		if l > max {
			max = l
		}
	}
	return max
}

// appendBlock inserts rendered (lines at column 0) after the last line of the block
// collection n, indented to indent columns.
func (tp *textPatch) appendBlock(n *yaml.Node, indent int, rendered []string) {
	if !tp.ok || n == nil || n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0 {
		tp.ok = false
		return
	}
	end := lastLine(n)
	if end == 0 || end > len(tp.lines) || indent < 0 {
		tp.ok = false
		return
	}
	for _, l := range rendered {
		if strings.TrimSpace(l) != "" {
			l = strings.Repeat(" ", indent) + l
		}
		tp.after[end-1] = append(tp.after[end-1], l)
	}
}

// appendAtEnd adds rendered (root-level lines) at the end of the file.
func (tp *textPatch) appendAtEnd(rendered []string) {
	if !tp.ok {
		return
	}
	last := len(tp.lines) - 1
	if last < 0 {
		tp.ok = false
		return
	}
	if !strings.HasSuffix(tp.lines[last], "\n") {
		tp.replace[last] = tp.line(last) + "\n"
	}
	tp.after[last] = append(tp.after[last], rendered...)
}

func (tp *textPatch) bytes() []byte {
	var b strings.Builder
	for _, l := range tp.after[-1] {
		b.WriteString(l)
	}
	for i := range tp.lines {
		if !tp.deleted[i] {
			b.WriteString(tp.line(i))
		}
		for _, l := range tp.after[i] {
			b.WriteString(l)
		}
	}
	return []byte(b.String())
}

// renderLines encodes n (a mapping or sequence at the root) with indent-space indentation
// (2 when indent < 2).
func renderLines(n *yaml.Node, indent int) ([]string, error) {
	if indent < 2 {
		indent = 2
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(indent)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return splitLines(b.Bytes()), nil
}
