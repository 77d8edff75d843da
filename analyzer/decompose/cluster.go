package decompose

import (
	"math"
	"path"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Weights are the edge weights of the clustering graph (docs/decompose.md). They are relative:
// only their ratios matter to modularity.
type weights struct {
	Call     float64 // unit → unit call, × (1 + ln count)
	Ref      float64 // unit → unit reference, × (1 + ln count)
	Write    float64 // unit — table it writes, × (1 + ln statements)
	Read     float64 // unit — table it reads, × (1 + ln statements)
	CoWrite  float64 // table — table written by one statement
	CoRead   float64 // table — table touched (not both written) by one statement, or joined
	Tx       float64 // table — table written in one transaction
	Route    float64 // route handler — table its reachable code writes, shared by the tables written
	File     float64 // unit — its file
	Via      float64 // factor for tables touched through a stored routine the unit's statement calls
	CoChange float64 // file — file changed together, × (1 + ln commits)
}

var defaultWeights = weights{Call: 1, Ref: 0.5, Write: 4, Read: 1, CoWrite: 1, CoRead: 0.3, Tx: 0.5, Route: 2, File: 6, Via: 0.5, CoChange: 1}

// layout numbers the nodes of the clustering graph: units, then tables, then files.
type layout struct {
	units, tables int
	files         []string
	fidx          map[string]int
}

func (l layout) table(t int) int    { return l.units + t }
func (l layout) fileNode(i int) int { return l.units + l.tables + i }
func (l layout) size() int          { return l.units + l.tables + len(l.files) }

func logw(n int) float64 {
	if n <= 1 {
		return 1
	}
	return 1 + math.Log(float64(n))
}

// buildGraph builds the clustering graph of m leaving out the excluded units (kernel).
func buildGraph(m *model, w weights, exclude []bool) (*wgraph, layout) {
	l := layout{units: len(m.units), tables: len(m.tables), fidx: map[string]int{}}
	for u := range m.units {
		f := m.units[u].File()
		if _, ok := l.fidx[f]; !ok && !exclude[u] {
			l.fidx[f] = 0
			l.files = append(l.files, f)
		}
	}
	sort.Strings(l.files)
	for i, f := range l.files {
		l.fidx[f] = i
	}
	g := newWGraph(l.size())
	for u := range m.units {
		if exclude[u] {
			continue
		}
		if m.units[u].File() != "" {
			g.add(u, l.fileNode(l.fidx[m.units[u].File()]), w.File)
		}
		for _, a := range m.acc[u] {
			var x float64
			if a.writes > 0 {
				x += w.Write * logw(a.writes)
			}
			if a.reads > 0 {
				x += w.Read * logw(a.reads)
			}
			if a.viaWrites > 0 {
				x += w.Via * w.Write * logw(a.viaWrites)
			}
			if a.viaReads > 0 {
				x += w.Via * w.Read * logw(a.viaReads)
			}
			g.add(u, l.table(a.table), x)
		}
		for _, d := range m.out[u] {
			if exclude[d.to] {
				continue
			}
			var x float64
			if d.calls > 0 {
				x += w.Call * logw(d.calls)
			}
			if d.refs > 0 {
				x += w.Ref * logw(d.refs)
			}
			g.add(u, d.to, x)
		}
	}
	// Table affinity from statements and transactions.
	for _, s := range m.f.SQL {
		seen := map[int]bool{}
		var ts []int
		wr := map[int]bool{}
		for _, t := range s.Tables {
			ti, ok := m.tidx[normTable(t.Name)]
			if !ok {
				continue
			}
			if t.Access.IsWrite() {
				wr[ti] = true
			}
			if !seen[ti] {
				seen[ti] = true
				ts = append(ts, ti)
			}
		}
		sort.Ints(ts)
		for i := range ts {
			for j := i + 1; j < len(ts); j++ {
				x := w.CoRead
				if wr[ts[i]] && wr[ts[j]] {
					x = w.CoWrite
				}
				g.add(l.table(ts[i]), l.table(ts[j]), x)
			}
		}
		for _, jn := range s.Joins {
			a, ok1 := m.tidx[normTable(jn[0])]
			b, ok2 := m.tidx[normTable(jn[1])]
			if ok1 && ok2 {
				g.add(l.table(a), l.table(b), w.CoRead)
			}
		}
	}
	for _, tx := range m.f.Transactions {
		var ts []int
		seen := map[int]bool{}
		for _, t := range tx.Tables {
			ti, ok := m.tidx[normTable(t.Name)]
			if ok && t.Access.IsWrite() && !seen[ti] {
				seen[ti] = true
				ts = append(ts, ti)
			}
		}
		sort.Ints(ts)
		for i := range ts {
			for j := i + 1; j < len(ts); j++ {
				g.add(l.table(ts[i]), l.table(ts[j]), w.Tx)
			}
		}
	}
	// Optional git co-change between files.
	for _, cc := range m.coChange {
		a, ok1 := l.fidx[cc.A]
		b, ok2 := l.fidx[cc.B]
		if ok1 && ok2 && cc.Commits > 0 && w.CoChange > 0 {
			g.add(l.fileNode(a), l.fileNode(b), w.CoChange*logw(cc.Commits))
		}
	}
	// Use cases: a route handler belongs with the tables its code writes.
	for _, r := range m.routes {
		if exclude[r.handler] {
			continue
		}
		total := 0
		for _, a := range r.tables {
			total += a.writes
		}
		for _, a := range r.tables {
			if total > 0 && a.writes > 0 {
				g.add(r.handler, l.table(a.table), w.Route*float64(a.writes)/float64(total))
			}
		}
	}
	g.seal()
	return g, l
}

// clusterer runs the clustering pipeline on one graph.
type clusterer struct {
	m       *model
	g       *wgraph
	l       layout
	exclude []bool
	seed    uint64
	minSize int  // communities with fewer units are merged into their best neighbour
	recurse bool // split communities that cluster well on their own (splitLarge)
	// noData is set when no unit touches a table (no SQL found): services are then judged by
	// structure alone, not by the tables they would own.
	noData bool
}

// run clusters at resolution res and returns the community of every node (-1: none), after
// splitting disconnected communities and merging communities that would own no table or have
// fewer than minSize units.
func (c *clusterer) run(res float64) []int {
	comm := louvain(c.g, res, c.seed)
	for u := range c.m.units {
		if c.exclude[u] {
			comm[u] = -1
		}
	}
	comm = c.splitDisconnected(comm)
	comm = c.mergeWeak(comm)
	if c.recurse {
		comm = c.splitLarge(renumber(comm), res, 0)
	}
	return renumber(comm)
}

// subSplitQ is the modularity a community's own clustering must reach for the community to be
// split (splitLarge).
const subSplitQ = 0.3

// subSplitConductance is the largest share of a part's edge weight that may leave it for the
// part to be split off (splitLarge).
const subSplitConductance = 0.05

// splitLarge works around modularity's resolution limit (small capabilities merge in a large
// graph): each community is clustered again on its own subgraph and replaced by its parts when
// the parts have a modularity of at least subSplitQ there, every part keeps at least
// 1 − subSplitConductance of its edge weight inside, holds at least minSize units and at least
// one table (parts that do not are first merged into their best-connected part), recursively
// up to depth 4.
func (c *clusterer) splitLarge(comm []int, res float64, depth int) []int {
	if depth >= 4 {
		return comm
	}
	n := 0
	for _, x := range comm {
		n = max(n, x+1)
	}
	members := make([][]int, n)
	for i, x := range comm {
		if x >= 0 {
			members[x] = append(members[x], i)
		}
	}
	out := append([]int(nil), comm...)
	next := n
	changed := false
	for k, nodes := range members {
		units := 0
		for _, x := range nodes {
			if x < c.l.units {
				units++
			}
		}
		if units < 2*c.minSize {
			continue
		}
		local := map[int]int{}
		for i, x := range nodes {
			local[x] = i
		}
		sub := newWGraph(len(nodes))
		var edges []wedge
		for i, x := range nodes {
			for _, y := range c.g.nbrs[x] {
				if j, ok := local[int(y)]; ok && i < j {
					w := c.g.weight(x, int(y))
					sub.add(i, j, w)
					edges = append(edges, wedge{i, j, w})
				}
			}
		}
		sub.seal()
		parts := louvain(sub, res, c.seed)
		// Split disconnected parts.
		sc := &clusterer{g: sub}
		parts = renumber(sc.splitDisconnected(parts))
		// Merge parts without a table or with fewer than minSize units into the part they are
		// most connected to (the layers of one capability cluster apart on their own).
		for {
			np := 0
			for _, x := range parts {
				np = max(np, x+1)
			}
			pu := make([]int, np)
			pt := make([]int, np)
			for i, x := range nodes {
				switch {
				case x < c.l.units:
					pu[parts[i]]++
				case x < c.l.units+c.l.tables:
					pt[parts[i]]++
				}
			}
			weak := -1
			for p := 0; p < np; p++ {
				if (pu[p] < c.minSize || (pt[p] == 0 && !c.noData)) && (weak < 0 || pu[p] < pu[weak]) {
					weak = p
				}
			}
			if weak < 0 || np < 2 {
				break
			}
			conn := make([]float64, np)
			for _, e := range edges {
				if pa, pb := parts[e.a], parts[e.b]; pa != pb {
					if pa == weak {
						conn[pb] += e.w
					} else if pb == weak {
						conn[pa] += e.w
					}
				}
			}
			best := -1
			for p := 0; p < np; p++ {
				if p != weak && (best < 0 || conn[p] > conn[best] || (conn[p] == conn[best] && pu[p] > pu[best])) {
					best = p
				}
			}
			for i := range parts {
				if parts[i] == weak {
					parts[i] = best
				}
			}
			parts = renumber(parts)
		}
		np := 0
		for _, x := range parts {
			np = max(np, x+1)
		}
		if np < 2 || newmanQ(len(nodes), edges, parts, res) < subSplitQ {
			continue
		}
		// Conductance: the weight leaving each part over the part's volume must be small.
		vol := make([]float64, np)
		cut := make([]float64, np)
		for _, e := range edges {
			vol[parts[e.a]] += e.w
			vol[parts[e.b]] += e.w
			if parts[e.a] != parts[e.b] {
				cut[parts[e.a]] += e.w
				cut[parts[e.b]] += e.w
			}
		}
		loose := true
		for p := 0; p < np; p++ {
			loose = loose && vol[p] > 0 && cut[p]/vol[p] <= subSplitConductance
		}
		if !loose {
			continue
		}
		changed = true
		for i, x := range nodes {
			if parts[i] > 0 {
				out[x] = next + parts[i] - 1
			}
		}
		next += np - 1
		_ = k
	}
	if !changed {
		return out
	}
	return c.splitLarge(renumber(out), res, depth+1)
}

// splitDisconnected gives every connected component of a community's induced subgraph its own
// label (Louvain can produce disconnected communities).
func (c *clusterer) splitDisconnected(comm []int) []int {
	out := make([]int, len(comm))
	for i := range out {
		out[i] = -1
	}
	next := 0
	for s := 0; s < len(comm); s++ {
		if comm[s] < 0 || out[s] >= 0 {
			continue
		}
		out[s] = next
		stack := []int{s}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, y := range c.g.nbrs[x] {
				if comm[y] == comm[s] && out[y] < 0 {
					out[y] = next
					stack = append(stack, int(y))
				}
			}
		}
		next++
	}
	return out
}

// mergeWeak merges each community that would own no table, or has fewer than minSize units, into the neighbouring community it is most strongly connected to. Communities with no
// neighbour lose their label (their units become outliers).
func (c *clusterer) mergeWeak(comm []int) []int {
	for iter := 0; iter < len(comm)+1; iter++ {
		n := 0
		for _, x := range comm {
			if x+1 > n {
				n = x + 1
			}
		}
		size := make([]int, n)
		data := make([]bool, n)
		for u := range c.m.units {
			if comm[u] >= 0 {
				size[comm[u]]++
			}
		}
		for _, o := range proposeOwners(c.m, comm[:len(c.m.units)], n) {
			if o >= 0 {
				data[o] = true
			}
		}
		if c.noData {
			for k := range data {
				data[k] = true
			}
		}
		// Pick the weakest community: smallest first, ties by label.
		weak := -1
		for k := 0; k < n; k++ {
			if size[k] == 0 {
				continue
			}
			if !data[k] || size[k] < c.minSize {
				if weak < 0 || size[k] < size[weak] {
					weak = k
				}
			}
		}
		if weak < 0 {
			return comm
		}
		// Connection weight to every other community.
		conn := map[int]float64{}
		for x := range comm {
			if comm[x] != weak {
				continue
			}
			for _, y := range c.g.nbrs[x] {
				if k := comm[y]; k >= 0 && k != weak {
					conn[k] += c.g.weight(x, int(y))
				}
			}
		}
		best, bw := -1, 0.0
		for k := 0; k < n; k++ {
			if conn[k] > bw {
				best, bw = k, conn[k]
			}
		}
		for x := range comm {
			if comm[x] == weak {
				if best >= 0 {
					comm[x] = best
				} else {
					comm[x] = -1
				}
			}
		}
	}
	return comm
}

// count returns the number of distinct non-negative labels among units.
func (c *clusterer) count(comm []int) int {
	seen := map[int]bool{}
	for u := range c.m.units {
		if comm[u] >= 0 {
			seen[comm[u]] = true
		}
	}
	return len(seen)
}

// target clusters to k services: it bisects the resolution (log scale) for a count of k, then
// merges the smallest community into its best-connected neighbour while there are too many.
// It returns the labels and the resolution used.
func (c *clusterer) target(k int, res float64) ([]int, float64) {
	lo, hi := math.Log(0.01), math.Log(50.0)
	var best []int
	bestRes, bestDiff := res, math.MaxInt
	consider := func(r float64) int {
		comm := c.run(r)
		n := c.count(comm)
		diff := n - k
		// Prefer exact, then slightly too many (mergeable), then too few.
		score := diff
		if diff < 0 {
			score = -diff * 1000
		}
		if score < bestDiff {
			best, bestRes, bestDiff = comm, r, score
		}
		return n
	}
	for i := 0; i < 24 && bestDiff != 0; i++ {
		mid := (lo + hi) / 2
		n := consider(math.Exp(mid))
		if n < k {
			lo = mid
		} else {
			hi = mid
		}
	}
	comm := best
	for c.count(comm) > k {
		comm = c.mergeSmallest(comm)
	}
	return renumber(comm), bestRes
}

// mergeSmallest merges the smallest community (by units; ties by label) into the neighbour it
// is most strongly connected to, or into the largest community when it has no neighbour.
func (c *clusterer) mergeSmallest(comm []int) []int {
	size := map[int]int{}
	for u := range c.m.units {
		if comm[u] >= 0 {
			size[comm[u]]++
		}
	}
	small, largest := -1, -1
	var labels []int
	for k := range size {
		labels = append(labels, k)
	}
	sort.Ints(labels)
	for _, k := range labels {
		if small < 0 || size[k] < size[small] {
			small = k
		}
		if largest < 0 || size[k] > size[largest] {
			largest = k
		}
	}
	conn := map[int]float64{}
	for x := range comm {
		if comm[x] != small {
			continue
		}
		for _, y := range c.g.nbrs[x] {
			if k := comm[y]; k >= 0 && k != small {
				conn[k] += c.g.weight(x, int(y))
			}
		}
	}
	best, bw := -1, 0.0
	for _, k := range labels {
		if k != small && conn[k] > bw {
			best, bw = k, conn[k]
		}
	}
	if best < 0 {
		best = largest
		if best == small {
			for _, k := range labels {
				if k != small {
					best = k
					break
				}
			}
		}
	}
	out := append([]int(nil), comm...)
	for x := range out {
		if out[x] == small {
			out[x] = best
		}
	}
	return out
}

// detectKernel returns the shared kernel: units that touch no table, directly or through
// anything they reach, and whose direct users fall in at least kernelSpread communities of a
// first clustering of the table-touching units; composition roots (package main, and wiring
// units whose dependencies spread over kernelSpread communities with no majority); glue
// functions between kernel units; then units used only by kernel units; then every unit of
// a package that touches no table and whose units are at least half kernel already.
func detectKernel(m *model, w weights, seed uint64) []bool {
	n := len(m.units)
	const (
		none = iota
		hub
		helper
		root
	)
	kind := make([]int, n)
	touches := m.touchesTables()
	// The first clustering leaves out every table-free unit, so that the hubs being judged do
	// not glue the communities they are judged by.
	free := make([]bool, n)
	data := m.hasData()
	for u := range free {
		free[u] = data && !touches[u]
	}
	g, l := buildGraph(m, w, free)
	c := &clusterer{m: m, g: g, l: l, exclude: free, seed: seed, minSize: 2, noData: !data}
	comm := c.run(1.0)
	for u := 0; u < n; u++ {
		if touches[u] {
			continue
		}
		seen := map[int]bool{}
		for _, d := range m.in[u] {
			if k := comm[d.to]; k >= 0 {
				seen[k] = true
			}
		}
		if len(seen) >= kernelSpread {
			kind[u] = hub
		}
	}
	// Composition roots: the main package's units that touch no table themselves, and
	// wiring functions that no route reaches (they run at start-up) whose dependencies spread
	// over kernelSpread or more communities with none holding half of them.
	mainPkg := map[string]bool{}
	for _, p := range m.f.Packages {
		if p.Name == "main" {
			mainPkg[p.Dir] = true
		}
	}
	// Table-free units were left out of the first clustering: they count in the community
	// holding most of their file's clustered units.
	fileVotes := map[string]map[int]int{}
	for u := 0; u < n; u++ {
		if comm[u] >= 0 {
			f := m.units[u].File()
			if fileVotes[f] == nil {
				fileVotes[f] = map[int]int{}
			}
			fileVotes[f][comm[u]]++
		}
	}
	commOf := func(u int) int {
		if comm[u] >= 0 {
			return comm[u]
		}
		best, bn := -1, 0
		for c, v := range fileVotes[m.units[u].File()] {
			if v > bn || (v == bn && c < best) {
				best, bn = c, v
			}
		}
		return best
	}
	// Units a route reaches; a route's own handler counts only when another route reaches it
	// (a closure registered inside the wiring function makes that function the "handler").
	fromRoutes := map[int]bool{}
	for _, r := range m.routes {
		for _, u := range r.reach {
			if u != r.handler {
				fromRoutes[u] = true
			}
		}
	}
	for u := 0; u < n; u++ {
		if len(m.acc[u]) > 0 || kind[u] != none {
			continue
		}
		if mainPkg[m.units[u].Package] {
			kind[u] = root
			continue
		}
		if fromRoutes[u] || (m.units[u].Kind != facts.Func && m.units[u].Kind != facts.Method) {
			continue
		}
		cnt := map[int]int{}
		total := 0
		for _, d := range m.out[u] {
			if k := commOf(d.to); k >= 0 {
				cnt[k]++
				total++
			}
		}
		top := 0
		for _, c := range cnt {
			top = max(top, c)
		}
		if len(cnt) >= kernelSpread && 2*top < total {
			kind[u] = root
		}
	}
	// Helpers: table-free units used only by hubs and helpers.
	for changed := true; changed; {
		changed = false
		for u := 0; u < n; u++ {
			if kind[u] != none || touches[u] || len(m.in[u]) == 0 {
				continue
			}
			all := true
			for _, d := range m.in[u] {
				if kind[d.to] != hub && kind[d.to] != helper {
					all = false
					break
				}
			}
			if all {
				kind[u] = helper
				changed = true
			}
		}
	}
	kernel := make([]bool, n)
	for u := range kernel {
		kernel[u] = kind[u] != none
	}
	// Methods of a kernel type that issue no statement and use only kernel units.
	for u := 0; u < n; u++ {
		if m.units[u].Kind != facts.Method || touches[u] || m.nsql[u] > 0 {
			continue
		}
		id := string(m.units[u].ID)
		dot := strings.LastIndex(id, ".")
		if dot < 0 {
			continue
		}
		recv, ok := m.idx[facts.UnitID(id[:dot])]
		if !ok || !kernel[recv] {
			continue
		}
		all := true
		for _, d := range m.out[u] {
			all = all && kernel[d.to]
		}
		kernel[u] = all
	}
	// Whole packages without data access whose units are at least half kernel already.
	pkgTouch := map[string]bool{}
	pkgKernel := map[string]int{}
	pkgUnits := map[string]int{}
	for u := 0; u < n; u++ {
		p := m.units[u].Package
		pkgUnits[p]++
		if touches[u] {
			pkgTouch[p] = true
		}
		if kernel[u] {
			pkgKernel[p]++
		}
	}
	wholeKernel := map[string]bool{}
	for p := range pkgUnits {
		if !pkgTouch[p] && 2*pkgKernel[p] >= pkgUnits[p] {
			wholeKernel[p] = true
		}
	}
	// Table-free packages below a kernel package (internal/platform/namedsql under
	// internal/platform) are kernel too.
	for p := range pkgUnits {
		for q := path.Dir(p); !pkgTouch[p] && q != "." && q != "/"; q = path.Dir(q) {
			if wholeKernel[q] {
				wholeKernel[p] = true
				break
			}
		}
	}
	for u := 0; u < n; u++ {
		if wholeKernel[m.units[u].Package] {
			kernel[u] = true
		}
	}
	// Glue: functions without SQL whose every dependency and every user is kernel
	// (store.New, called by main, building the Store handle; a middleware used only by the
	// router).
	for changed := true; changed; {
		changed = false
		for u := 0; u < n; u++ {
			un := m.units[u]
			if kernel[u] || m.nsql[u] > 0 || touches[u] || (un.Kind != facts.Func && un.Kind != facts.Method) || len(m.out[u])+len(m.in[u]) == 0 {
				continue
			}
			all := true
			for _, d := range m.out[u] {
				all = all && kernel[d.to]
			}
			for _, d := range m.in[u] {
				all = all && kernel[d.to]
			}
			if all {
				kernel[u] = true
				changed = true
			}
		}
	}
	return kernel
}

// kernelSpread is how many first-pass communities must use a table-free unit for it to be
// shared kernel.
const kernelSpread = 3
