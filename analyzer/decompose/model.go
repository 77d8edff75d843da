package decompose

import (
	"sort"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

// model is the indexed fact base every step of the decomposition reads: units and tables by
// dense index, per-unit table accesses, dependencies in both directions and what each route
// reaches. All slices are in a fixed order (units by ID, tables by name) so that every loop over
// them is deterministic.
type model struct {
	f      *facts.Facts
	units  []facts.Unit
	idx    map[facts.UnitID]int
	tables []string
	tidx   map[string]int

	nsql []int      // per unit: statements it issues, whatever their status
	acc  [][]access // per unit: tables it touches itself (own statements and routines it calls), sorted by table
	out  [][]dep    // per unit: units it depends on, sorted by target
	in   [][]dep    // per unit: units depending on it, sorted by source (dep.to is the source)
	file map[string][]int

	routes []routeInfo // one per route with a known handler unit, in facts order

	routines map[string]facts.Routine // by normalised name
	fk       [][]int                  // per table: tables it has a foreign key with (either direction), sorted
	coChange []CoChange               // optional file co-change (Options.CoChange)
}

// access counts how often a unit reads and writes one table: with its own statements, and
// through the stored routines its statements call (via).
type access struct {
	table               int
	reads, writes       int
	viaReads, viaWrites int
}

// dep is an aggregated dependency between two units.
type dep struct {
	to          int
	calls, refs int
	pos         facts.Pos // first call (or first reference when there is no call)
}

// weightCount is the number of occurrences of a dependency, calls and references together.
func (d dep) count() int { return d.calls + d.refs }

// routeInfo is a route and the code it reaches.
type routeInfo struct {
	route   facts.Route
	handler int
	reach   []int    // units reachable from the handler by calls, sorted, handler included
	tables  []access // tables the reachable code touches, sorted by table
}

func normTable(t string) string { return spec.NormalizeTable(t) }

// newModel indexes f. Edges and statements naming units that are not in f.Units are ignored.
// extra names tables to know even when no fact mentions them (tables a spec assigns).
func newModel(f *facts.Facts, extra ...string) *model {
	m := &model{f: f, idx: map[facts.UnitID]int{}, tidx: map[string]int{}, file: map[string][]int{}, routines: map[string]facts.Routine{}}
	m.units = append([]facts.Unit(nil), f.Units...)
	sort.Slice(m.units, func(i, j int) bool { return m.units[i].ID < m.units[j].ID })
	// Drop duplicate IDs deterministically (keep the first).
	uniq := m.units[:0]
	for _, u := range m.units {
		if _, dup := m.idx[u.ID]; dup {
			continue
		}
		m.idx[u.ID] = len(uniq)
		uniq = append(uniq, u)
	}
	m.units = uniq
	for i, u := range m.units {
		m.file[u.File()] = append(m.file[u.File()], i)
	}

	// Tables: schema, statements, foreign keys, routines.
	seen := map[string]bool{}
	add := func(t string) {
		t = normTable(t)
		if t != "" && !seen[t] && !facts.IsSystemTable(t) {
			seen[t] = true
			m.tables = append(m.tables, t)
		}
	}
	for _, t := range f.Tables {
		add(t.Name)
	}
	for _, s := range f.SQL {
		for _, t := range s.Tables {
			add(t.Name)
		}
	}
	for _, fk := range f.ForeignKeys {
		add(fk.Table)
		add(fk.RefTable)
	}
	for _, r := range f.Routines {
		for _, t := range r.Tables {
			add(t.Name)
		}
		m.routines[normTable(r.Name)] = r
	}
	for _, tx := range f.Transactions {
		for _, t := range tx.Tables {
			add(t.Name)
		}
	}
	for _, t := range extra {
		add(t)
	}
	sort.Strings(m.tables)
	for i, t := range m.tables {
		m.tidx[t] = i
	}

	// Foreign-key neighbours.
	m.fk = make([][]int, len(m.tables))
	for _, k := range f.ForeignKeys {
		a, ok1 := m.tidx[normTable(k.Table)]
		b, ok2 := m.tidx[normTable(k.RefTable)]
		if ok1 && ok2 && a != b {
			m.fk[a] = append(m.fk[a], b)
			m.fk[b] = append(m.fk[b], a)
		}
	}
	for t := range m.fk {
		sort.Ints(m.fk[t])
	}

	// Accesses.
	accm := make([]map[int]*access, len(m.units))
	note := func(u int, t string, a facts.Access, via bool) {
		ti, ok := m.tidx[normTable(t)]
		if !ok {
			return
		}
		if accm[u] == nil {
			accm[u] = map[int]*access{}
		}
		x := accm[u][ti]
		if x == nil {
			x = &access{table: ti}
			accm[u][ti] = x
		}
		switch {
		case via && a.IsWrite():
			x.viaWrites++
		case via:
			x.viaReads++
		case a.IsWrite():
			x.writes++
		default:
			x.reads++
		}
	}
	m.nsql = make([]int, len(m.units))
	for _, s := range f.SQL {
		u, ok := m.idx[s.Unit]
		if ok {
			m.nsql[u]++
		}
		if !ok || s.Status == facts.Unresolved {
			continue
		}
		for _, t := range s.Tables {
			note(u, t.Name, t.Access, false)
		}
		for _, c := range s.Calls {
			if r, ok := m.routines[normTable(c)]; ok {
				for _, t := range r.Tables {
					note(u, t.Name, t.Access, true)
				}
			}
		}
	}
	m.acc = make([][]access, len(m.units))
	for u, mm := range accm {
		for _, a := range mm {
			m.acc[u] = append(m.acc[u], *a)
		}
		sort.Slice(m.acc[u], func(i, j int) bool { return m.acc[u][i].table < m.acc[u][j].table })
	}

	// Dependencies.
	type key struct{ a, b int }
	deps := map[key]*dep{}
	for _, e := range f.Edges {
		a, ok1 := m.idx[e.From]
		b, ok2 := m.idx[e.To]
		if !ok1 || !ok2 || a == b {
			continue
		}
		d := deps[key{a, b}]
		if d == nil {
			d = &dep{to: b}
			deps[key{a, b}] = d
		}
		n := e.Count
		if n < 1 {
			n = 1
		}
		if e.Kind == facts.Call {
			if d.calls == 0 || e.Pos.Less(d.pos) {
				d.pos = e.Pos
			}
			d.calls += n
		} else {
			if d.calls == 0 && (d.refs == 0 || e.Pos.Less(d.pos)) {
				d.pos = e.Pos
			}
			d.refs += n
		}
	}
	m.out = make([][]dep, len(m.units))
	m.in = make([][]dep, len(m.units))
	for k, d := range deps {
		m.out[k.a] = append(m.out[k.a], *d)
		r := *d
		r.to = k.a
		m.in[k.b] = append(m.in[k.b], r)
	}
	for u := range m.units {
		sort.Slice(m.out[u], func(i, j int) bool { return m.out[u][i].to < m.out[u][j].to })
		sort.Slice(m.in[u], func(i, j int) bool { return m.in[u][i].to < m.in[u][j].to })
	}

	// Routes.
	for _, r := range f.Routes {
		h, ok := m.idx[r.Handler]
		if !ok {
			continue
		}
		ri := routeInfo{route: r, handler: h, reach: m.reach(h, true)}
		tm := map[int]*access{}
		for _, u := range ri.reach {
			for _, a := range m.acc[u] {
				x := tm[a.table]
				if x == nil {
					x = &access{table: a.table}
					tm[a.table] = x
				}
				x.reads += a.reads
				x.writes += a.writes
				x.viaReads += a.viaReads
				x.viaWrites += a.viaWrites
			}
		}
		for _, a := range tm {
			ri.tables = append(ri.tables, *a)
		}
		sort.Slice(ri.tables, func(i, j int) bool { return ri.tables[i].table < ri.tables[j].table })
		m.routes = append(m.routes, ri)
	}
	return m
}

// reach returns the units reachable from u (u included), sorted. With callsOnly only call edges
// are followed; otherwise references too.
func (m *model) reach(u int, callsOnly bool) []int {
	seen := map[int]bool{u: true}
	stack := []int{u}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range m.out[x] {
			if callsOnly && d.calls == 0 {
				continue
			}
			if !seen[d.to] {
				seen[d.to] = true
				stack = append(stack, d.to)
			}
		}
	}
	out := make([]int, 0, len(seen))
	for x := range seen {
		out = append(out, x)
	}
	sort.Ints(out)
	return out
}

// touchesTables reports, per unit, whether it touches a table itself or through anything it
// reaches by calls or references.
func (m *model) touchesTables() []bool {
	t := make([]bool, len(m.units))
	// Reverse propagation from the units that touch tables.
	var stack []int
	for u := range m.units {
		if len(m.acc[u]) > 0 {
			t[u] = true
			stack = append(stack, u)
		}
	}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range m.in[x] {
			if !t[d.to] {
				t[d.to] = true
				stack = append(stack, d.to)
			}
		}
	}
	return t
}

// hasData reports whether any unit touches a table.
func (m *model) hasData() bool {
	for _, a := range m.acc {
		if len(a) > 0 {
			return true
		}
	}
	return false
}
