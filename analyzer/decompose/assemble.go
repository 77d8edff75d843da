package decompose

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// assignment is where every unit and table goes, by dense index.
type assignment struct {
	names  []string // service names by index, sorted
	svc    []int    // per unit: service index, -1 for kernel and outliers
	kernel []bool   // per unit; a unit neither in a service nor kernel is an outlier
	owner  []int    // per table: owning service index, -1 when nobody owns it
}

// allowFunc reports whether a dependency of kind (call, read, write, join, tx, fk) from one
// service to another is accepted; nil accepts nothing.
type allowFunc func(from, to, kind string) bool

// tableUse is how much each service reads and writes one table, with its own statements and
// through stored routines (via).
type tableUse struct {
	reads, writes       map[int]int // service → statements
	viaReads, viaWrites map[int]int
}

// uses returns, per table, the reads and writes of each service's units.
func (m *model) uses(svc []int) []tableUse {
	out := make([]tableUse, len(m.tables))
	for i := range out {
		out[i] = tableUse{reads: map[int]int{}, writes: map[int]int{}, viaReads: map[int]int{}, viaWrites: map[int]int{}}
	}
	for u := range m.units {
		s := svc[u]
		if s < 0 {
			continue
		}
		for _, a := range m.acc[u] {
			if a.reads > 0 {
				out[a.table].reads[s] += a.reads
			}
			if a.writes > 0 {
				out[a.table].writes[s] += a.writes
			}
			if a.viaReads > 0 {
				out[a.table].viaReads[s] += a.viaReads
			}
			if a.viaWrites > 0 {
				out[a.table].viaWrites[s] += a.viaWrites
			}
		}
	}
	return out
}

// writes reports whether service s writes the table (itself or through a routine).
func (u tableUse) writer(s int) bool { return u.writes[s]+u.viaWrites[s] > 0 }

// reader reports whether service s reads the table (itself or through a routine).
func (u tableUse) reader(s int) bool { return u.reads[s]+u.viaReads[s] > 0 }

// proposeOwners gives every table the service that writes it most with its own statements
// (ties: more writes through stored routines, more reads, more reads through routines, then
// the lower index, which is the alphabetically first name once names are sorted); so tables
// nobody writes go to the heaviest reader; tables nobody touches go to the owner most of their
// foreign-key neighbours have, if any.
func proposeOwners(m *model, svc []int, nsvc int) []int {
	use := m.uses(svc)
	owner := make([]int, len(m.tables))
	for t := range m.tables {
		owner[t] = -1
		best := -1
		var bk [4]int
		for s := 0; s < nsvc; s++ {
			k := [4]int{use[t].writes[s], use[t].viaWrites[s], use[t].reads[s], use[t].viaReads[s]}
			if k == [4]int{} {
				continue
			}
			if best < 0 || greater(k, bk) {
				best, bk = s, k
			}
		}
		owner[t] = best
	}
	// Untouched tables: follow foreign keys (both directions), majority owner.
	for changed := true; changed; {
		changed = false
		for t := range m.tables {
			if owner[t] >= 0 {
				continue
			}
			votes := map[int]int{}
			for _, b := range m.fk[t] {
				if owner[b] >= 0 {
					votes[owner[b]]++
				}
			}
			best := -1
			for s := 0; s < nsvc; s++ {
				if votes[s] > 0 && (best < 0 || votes[s] > votes[best]) {
					best = s
				}
			}
			if best >= 0 {
				owner[t] = best
				changed = true
			}
		}
	}
	return owner
}

// greater compares two count vectors lexicographically.
func greater(a, b [4]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

// assemble turns an assignment into a Proposal: services, kernel, ownership, findings,
// metrics and plan.
func assemble(m *model, a *assignment, source string, allow allowFunc) *Proposal {
	p := &Proposal{Source: source, Metrics: map[string]float64{}}
	ns := len(a.names)
	name := func(s int) string {
		if s < 0 {
			return ""
		}
		return a.names[s]
	}

	// Files and packages held wholly by one service or by the kernel.
	fileSvc := map[string]map[int]int{} // file → service (-1 kernel, -2 outlier) → units
	pkgSvc := map[string]map[int]int{}
	cls := func(u int) int {
		switch {
		case a.svc[u] >= 0:
			return a.svc[u]
		case a.kernel[u]:
			return -1
		default:
			return -2
		}
	}
	for u, un := range m.units {
		c := cls(u)
		if fileSvc[un.File()] == nil {
			fileSvc[un.File()] = map[int]int{}
		}
		fileSvc[un.File()][c]++
		if pkgSvc[un.Package] == nil {
			pkgSvc[un.Package] = map[int]int{}
		}
		pkgSvc[un.Package][c]++
	}
	whole := func(mm map[int]int, c int) bool { return len(mm) == 1 && mm[c] > 0 }

	p.Services = make([]Service, ns)
	for s := range p.Services {
		p.Services[s] = Service{Name: a.names[s], Units: []facts.UnitID{}, Files: []string{}, Packages: []string{}, Tables: []string{}, Reads: []string{}, Writes: []string{}, Routes: []string{}, Metrics: map[string]float64{}}
	}
	splitFiles := make([]map[string]map[string]bool, ns) // service → package → files
	for u, un := range m.units {
		switch {
		case a.svc[u] >= 0:
			sv := &p.Services[a.svc[u]]
			sv.Units = append(sv.Units, un.ID)
			sv.Lines += un.Lines
			if !whole(pkgSvc[un.Package], a.svc[u]) {
				if splitFiles[a.svc[u]] == nil {
					splitFiles[a.svc[u]] = map[string]map[string]bool{}
				}
				if splitFiles[a.svc[u]][un.Package] == nil {
					splitFiles[a.svc[u]][un.Package] = map[string]bool{}
				}
				splitFiles[a.svc[u]][un.Package][un.File()] = true
			}
		case a.kernel[u]:
			p.Kernel.Units = append(p.Kernel.Units, un.ID)
		default:
			p.Outliers = append(p.Outliers, un.ID)
		}
	}
	for _, f := range sortedKeys(fileSvc) {
		for c := range fileSvc[f] {
			if c >= 0 && whole(fileSvc[f], c) {
				p.Services[c].Files = append(p.Services[c].Files, f)
			}
		}
	}
	for _, pk := range sortedKeys(pkgSvc) {
		for c := range pkgSvc[pk] {
			if !whole(pkgSvc[pk], c) {
				continue
			}
			if c >= 0 {
				p.Services[c].Packages = append(p.Services[c].Packages, pk)
			} else if c == -1 {
				p.Kernel.Packages = append(p.Kernel.Packages, pk)
			}
		}
	}
	for s := range p.Services {
		for _, pk := range sortedKeys(splitFiles[s]) {
			p.Services[s].Splits = append(p.Services[s].Splits, PackageSplit{Package: pk, Files: sortedKeys(splitFiles[s][pk])})
		}
	}
	if p.Kernel.Units == nil {
		p.Kernel.Units = []facts.UnitID{}
	}
	if p.Kernel.Packages == nil {
		p.Kernel.Packages = []string{}
	}
	if p.Outliers == nil {
		p.Outliers = []facts.UnitID{}
	}

	// Routes.
	for _, r := range m.routes {
		if s := a.svc[r.handler]; s >= 0 {
			p.Services[s].Routes = append(p.Services[s].Routes, r.route.Key())
		}
	}
	for s := range p.Services {
		p.Services[s].Routes = uniqSorted(p.Services[s].Routes)
	}

	// Ownership.
	use := m.uses(a.svc)
	for t, tn := range m.tables {
		o := Ownership{Table: tn, Owner: name(a.owner[t]), Class: Owned}
		for s := 0; s < ns; s++ {
			if s == a.owner[t] {
				continue
			}
			if use[t].writer(s) {
				o.Writers = append(o.Writers, a.names[s])
			} else if use[t].reader(s) {
				o.Readers = append(o.Readers, a.names[s])
			}
		}
		switch {
		case len(o.Writers) > 0:
			o.Class = SharedWrite
		case len(o.Readers) > 0:
			o.Class = SharedRead
		}
		p.Ownership = append(p.Ownership, o)
		if s := a.owner[t]; s >= 0 {
			p.Services[s].Tables = append(p.Services[s].Tables, tn)
		}
		for s := 0; s < ns; s++ {
			if s == a.owner[t] {
				continue
			}
			if use[t].writer(s) {
				p.Services[s].Writes = append(p.Services[s].Writes, tn)
			}
			if use[t].reader(s) {
				p.Services[s].Reads = append(p.Services[s].Reads, tn)
			}
		}
	}
	if p.Ownership == nil {
		p.Ownership = []Ownership{}
	}

	p.Findings = findings(m, a, allow)
	computeMetrics(m, a, p)
	p.Plan = plan(m, a, p)
	return p
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func uniqSorted(in []string) []string {
	slices.Sort(in)
	if out := slices.Compact(in); out != nil {
		return out
	}
	return []string{}
}

// Remedies, one per finding kind.
var remedies = map[FindingKind]string{
	CrossCall:    "call through the owning service's API (or move the callee) instead of an in-process call",
	ForeignRead:  "read through the owner's API or keep a replicated read model fed by the owner's events",
	ForeignWrite: "send the change to the owner's API; only the owner writes its tables",
	CrossJoin:    "replace the join by API composition or a CQRS read view maintained from events",
	CrossFK:      "drop the foreign key, keep the ID, and reconcile asynchronously",
	CrossTx:      "replace the transaction by a saga (with compensations) or a transactional outbox",
	CrossRoutine: "move the routine's logic into the owning services; each service touches only its tables",
	Unowned:      "assign the table to one service in carve.yaml (tables:) or drop it if unused",
}

// allowKind maps finding kinds to carve.yaml allow kinds.
var allowKind = map[FindingKind]string{
	CrossCall: "call", ForeignRead: "read", ForeignWrite: "write", CrossJoin: "join", CrossTx: "tx", CrossFK: "fk",
}

// findings lists every cross-boundary coupling of assignment a.
func findings(m *model, a *assignment, allow allowFunc) []Finding {
	var out []Finding
	name := func(s int) string {
		if s < 0 {
			return ""
		}
		return a.names[s]
	}
	emit := func(f Finding) {
		if k, ok := allowKind[f.Kind]; ok && allow != nil && f.From != "" && f.To != "" && allow(f.From, f.To, k) {
			return
		}
		f.Remedy = remedies[f.Kind]
		out = append(out, f)
	}
	owner := func(t string) int {
		if ti, ok := m.tidx[normTable(t)]; ok {
			return a.owner[ti]
		}
		return -1
	}

	// Calls and references across services, one finding per (from unit, to unit).
	for u := range m.units {
		su := a.svc[u]
		if su < 0 {
			continue
		}
		for _, d := range m.out[u] {
			sv := a.svc[d.to]
			if sv < 0 || sv == su {
				continue
			}
			verb := "calls"
			if d.calls == 0 {
				verb = "references"
			}
			emit(Finding{Kind: CrossCall, Pos: d.pos, From: name(su), To: name(sv), FromUnit: m.units[u].ID, ToUnit: m.units[d.to].ID,
				Detail: fmt.Sprintf("%s %s %s of %s (%d×)", m.units[u].ID, verb, m.units[d.to].ID, name(sv), d.count())})
		}
	}

	// Statements.
	for _, s := range m.f.SQL {
		u, ok := m.idx[s.Unit]
		if !ok || s.Status == facts.Unresolved {
			continue
		}
		su := a.svc[u]
		if su < 0 {
			continue
		}
		reads := map[int][]string{}
		writes := map[int][]string{}
		via := map[int][]string{} // owner → routines reaching its tables
		touch := func(t facts.TableAccess, routine string) {
			o := owner(t.Name)
			if o == su || o < 0 {
				return
			}
			tn := normTable(t.Name)
			if t.Access.IsWrite() {
				writes[o] = append(writes[o], tn)
			} else {
				reads[o] = append(reads[o], tn)
			}
			if routine != "" {
				via[o] = append(via[o], routine)
			}
		}
		for _, t := range s.Tables {
			touch(t, "")
		}
		for _, c := range s.Calls {
			if r, ok := m.routines[normTable(c)]; ok {
				for _, t := range r.Tables {
					touch(t, r.Name)
				}
			}
		}
		for o := 0; o < len(a.names); o++ {
			through := ""
			if v := uniqSorted(via[o]); len(v) > 0 {
				through = " through " + strings.Join(v, ", ")
			}
			if ts := uniqSorted(writes[o]); len(writes[o]) > 0 {
				emit(Finding{Kind: ForeignWrite, Pos: s.Pos, From: name(su), To: name(o), FromUnit: s.Unit, Tables: ts,
					Detail: fmt.Sprintf("%s writes %s owned by %s%s", s.Unit, strings.Join(ts, ", "), name(o), through)})
			}
			if ts := uniqSorted(reads[o]); len(reads[o]) > 0 {
				emit(Finding{Kind: ForeignRead, Pos: s.Pos, From: name(su), To: name(o), FromUnit: s.Unit, Tables: ts,
					Detail: fmt.Sprintf("%s reads %s owned by %s%s", s.Unit, strings.Join(ts, ", "), name(o), through)})
			}
		}
		// Joins across owners.
		if len(s.Joins) > 0 {
			joined := map[string]bool{}
			owners := map[int]bool{}
			for _, j := range s.Joins {
				oa, ob := owner(j[0]), owner(j[1])
				if oa >= 0 && ob >= 0 && oa != ob {
					joined[normTable(j[0])] = true
					joined[normTable(j[1])] = true
					owners[oa] = true
					owners[ob] = true
				}
			}
			if len(owners) >= 2 {
				ts := sortedKeys(joined)
				for o := 0; o < len(a.names); o++ {
					if owners[o] && o != su {
						emit(Finding{Kind: CrossJoin, Pos: s.Pos, From: name(su), To: name(o), FromUnit: s.Unit, Tables: ts,
							Detail: fmt.Sprintf("%s joins %s across services", s.Unit, strings.Join(ts, ", "))})
					}
				}
			}
		}
	}

	// Foreign keys.
	for _, fk := range m.f.ForeignKeys {
		oa, ob := owner(fk.Table), owner(fk.RefTable)
		if oa < 0 || ob < 0 || oa == ob {
			continue
		}
		emit(Finding{Kind: CrossFK, Pos: fk.Pos, From: name(oa), To: name(ob), Tables: []string{normTable(fk.Table), normTable(fk.RefTable)},
			Detail: fmt.Sprintf("%s(%s) references %s of %s", normTable(fk.Table), strings.Join(fk.Columns, ", "), normTable(fk.RefTable), name(ob))})
	}

	// Transactions writing several services' tables (also through the stored routines their
	// statements call).
	txCalls := map[string][]facts.TableAccess{}
	for _, s := range m.f.SQL {
		if s.Tx == "" {
			continue
		}
		for _, c := range s.Calls {
			if r, ok := m.routines[normTable(c)]; ok {
				txCalls[s.Tx] = append(txCalls[s.Tx], r.Tables...)
			}
		}
	}
	for _, tx := range m.f.Transactions {
		u, ok := m.idx[tx.Unit]
		su := -1
		if ok {
			su = a.svc[u]
		}
		owners := map[int]bool{}
		var ts []string
		for _, t := range append(append([]facts.TableAccess(nil), tx.Tables...), txCalls[tx.ID]...) {
			if !t.Access.IsWrite() {
				continue
			}
			if o := owner(t.Name); o >= 0 {
				owners[o] = true
				ts = append(ts, normTable(t.Name))
			}
		}
		if len(owners) < 2 {
			continue
		}
		ts = uniqSorted(ts)
		from := su
		if from < 0 {
			from = lowest(owners)
		}
		for o := 0; o < len(a.names); o++ {
			if owners[o] && o != from {
				emit(Finding{Kind: CrossTx, Pos: tx.Pos, From: name(from), To: name(o), FromUnit: tx.Unit, Tables: ts,
					Detail: fmt.Sprintf("transaction %s begun in %s writes %s of %d services", tx.ID, tx.Unit, strings.Join(ts, ", "), len(owners))})
			}
		}
	}

	// Stored routines touching several services' tables.
	callers := map[string]int{} // routine → service of its first caller
	for _, s := range m.f.SQL {
		u, ok := m.idx[s.Unit]
		if !ok || a.svc[u] < 0 {
			continue
		}
		for _, c := range s.Calls {
			if _, seen := callers[normTable(c)]; !seen {
				callers[normTable(c)] = a.svc[u]
			}
		}
	}
	for _, r := range m.f.Routines {
		count := map[int]int{}
		var ts []string
		for _, t := range r.Tables {
			if o := owner(t.Name); o >= 0 {
				count[o]++
				ts = append(ts, normTable(t.Name))
			}
		}
		if len(count) < 2 {
			continue
		}
		ts = uniqSorted(ts)
		from, ok := callers[normTable(r.Name)]
		if !ok {
			from = -1
			for o := 0; o < len(a.names); o++ {
				if count[o] > 0 && (from < 0 || count[o] > count[from]) {
					from = o
				}
			}
		}
		for o := 0; o < len(a.names); o++ {
			if count[o] > 0 && o != from {
				emit(Finding{Kind: CrossRoutine, Pos: r.Pos, From: name(from), To: name(o), Tables: ts,
					Detail: fmt.Sprintf("%s %s touches %s of %d services", r.Kind, r.Name, strings.Join(ts, ", "), len(count))})
			}
		}
	}

	// Tables nobody owns.
	tpos := map[string]facts.Pos{}
	for _, t := range m.f.Tables {
		if _, ok := tpos[normTable(t.Name)]; !ok {
			tpos[normTable(t.Name)] = t.Pos
		}
	}
	for t, tn := range m.tables {
		if a.owner[t] >= 0 {
			continue
		}
		pos, ok := tpos[tn]
		if !ok {
			for _, s := range m.f.SQL {
				if hasTable(s.Tables, tn) {
					pos = s.Pos
					break
				}
			}
		}
		emit(Finding{Kind: Unowned, Pos: pos, Tables: []string{tn}, Detail: fmt.Sprintf("table %s has no owning service", tn)})
	}

	sort.Slice(out, func(i, j int) bool { return findingLess(out[i], out[j]) })
	if out == nil {
		out = []Finding{}
	}
	return out
}

func hasTable(ts []facts.TableAccess, t string) bool {
	for _, x := range ts {
		if normTable(x.Name) == t {
			return true
		}
	}
	return false
}

func lowest(set map[int]bool) int {
	best := -1
	for k := range set {
		if best < 0 || k < best {
			best = k
		}
	}
	return best
}

// findingLess orders findings by kind, position, from, to, then the remaining fields.
func findingLess(a, b Finding) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.Pos != b.Pos {
		return a.Pos.Less(b.Pos)
	}
	if a.From != b.From {
		return a.From < b.From
	}
	if a.To != b.To {
		return a.To < b.To
	}
	if a.FromUnit != b.FromUnit {
		return a.FromUnit < b.FromUnit
	}
	if a.ToUnit != b.ToUnit {
		return a.ToUnit < b.ToUnit
	}
	return strings.Join(a.Tables, ",") < strings.Join(b.Tables, ",")
}

// serviceName makes a valid carve.yaml service name from a word.
func serviceName(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return "service"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "svc-" + out
	}
	return out
}

// genericFile names files whose base says nothing about a capability.
var genericFile = map[string]bool{"store": true, "db": true, "handler": true, "handlers": true, "service": true, "services": true,
	"repo": true, "repository": true, "models": true, "model": true, "queries": true, "queries.sql": true, "main": true,
	"util": true, "utils": true, "types": true, "routes": true, "router": true, "server": true, "api": true, "http": true, "doc": true}

// nameServices names communities by the word most of their units carry: the base name of a
// package mostly in the community (support: the community's units in it) or the base name of
// its files, generic names (store, handler, db…) left out; ties go to the shorter, then the
// alphabetically first word. A community with no such word is named after its most used table,
// else its first unit's package. Names are made unique with -2, -3… in community order.
func nameServices(m *model, comm []int, k int) []string {
	pkgUnits := map[string]int{}
	for _, un := range m.units {
		pkgUnits[un.Package]++
	}
	names := make([]string, k)
	support := make([]map[string]int, k)
	pkgIn := make([]map[string]int, k)
	for c := range support {
		support[c], pkgIn[c] = map[string]int{}, map[string]int{}
	}
	for u, un := range m.units {
		c := comm[u]
		if c < 0 || c >= k {
			continue
		}
		pkgIn[c][un.Package]++
		base := strings.TrimSuffix(path.Base(un.File()), ".go")
		base = strings.TrimSuffix(base, "_test")
		if !genericFile[base] {
			support[c][base]++
		}
	}
	for c := 0; c < k; c++ {
		for pk, n := range pkgIn[c] {
			if b := path.Base(pk); 2*n >= pkgUnits[pk] && !genericFile[b] && b != "." {
				support[c][b] = max(support[c][b], n)
			}
		}
		best, bn := "", 0
		for _, w := range sortedKeys(support[c]) {
			n := support[c][w]
			if n > bn || (n == bn && len(w) < len(best)) {
				best, bn = w, n
			}
		}
		if best == "" {
			tw := map[int]int{}
			for u := range m.units {
				if comm[u] == c {
					for _, a := range m.acc[u] {
						tw[a.table] += 4*a.writes + a.reads
					}
				}
			}
			bt := -1
			for t := range m.tables {
				if tw[t] > 0 && (bt < 0 || tw[t] > tw[bt]) {
					bt = t
				}
			}
			if bt >= 0 {
				best = m.tables[bt]
			}
		}
		if best == "" {
			for u, un := range m.units {
				if comm[u] == c {
					best = path.Base(un.Package)
					break
				}
			}
		}
		names[c] = serviceName(best)
	}
	used := map[string]int{}
	for c := range names {
		used[names[c]]++
		if n := used[names[c]]; n > 1 {
			names[c] = fmt.Sprintf("%s-%d", names[c], n)
		}
	}
	return names
}
