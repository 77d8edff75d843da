package decompose

import (
	"math"
	"sort"
)

// Metric names in Proposal.Metrics and SweepPoint.Metrics (formulas in docs/metrics.md).
const (
	MetricServices        = "services"
	MetricModularity      = "modularity"
	MetricTurboMQ         = "turbomq"
	MetricSM              = "structural_modularity"
	MetricICP             = "icp"
	MetricIFN             = "ifn"
	MetricNED             = "ned"
	MetricOwnershipPurity = "ownership_purity"
	MetricISTCohesion     = "ist_cohesion"
	MetricISTCoupling     = "ist_coupling"
	MetricISTComplexity   = "ist_complexity"
	MetricFanoutMean      = "endpoint_fanout_mean"
	MetricFanoutMax       = "endpoint_fanout_max"
	MetricKernelUnits     = "kernel_units"
	MetricOutliers        = "outliers"
)

// wedge is a weighted edge between two nodes of a metric graph.
type wedge struct {
	a, b int
	w    float64
}

// label returns the community key of node i: its label, or a unique negative key when it has
// none (a node without a community counts as its own singleton).
func label(comm []int, i int) int {
	if comm[i] >= 0 {
		return comm[i]
	}
	return -1 - i
}

// newmanQ is weighted Newman modularity with resolution gamma of an undirected graph with n
// nodes: Q = Σ_c [ L_c/m − γ (d_c / 2m)² ], L_c the weight inside c, d_c the total degree of c,
// m the total weight. Nodes with a negative label are singletons.
func newmanQ(n int, edges []wedge, comm []int, gamma float64) float64 {
	var m float64
	in := map[int]float64{}
	deg := map[int]float64{}
	for _, e := range edges {
		if e.a == e.b {
			continue
		}
		m += e.w
		ca, cb := label(comm, e.a), label(comm, e.b)
		deg[ca] += e.w
		deg[cb] += e.w
		if ca == cb {
			in[ca] += e.w
		}
	}
	if m == 0 {
		return 0
	}
	keys := make([]int, 0, len(deg))
	for k := range deg {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var q float64
	for _, k := range keys {
		q += in[k]/m - gamma*(deg[k]/(2*m))*(deg[k]/(2*m))
	}
	return q
}

// arc is a directed dependency between two nodes (units), with its call count.
type arc struct {
	from, to int
	calls    int // 0 for a pure reference
}

// turboMQ is Bunch's TurboMQ on directed, unweighted arcs: Σ_i CF_i with
// CF_i = 2μ_i / (2μ_i + Σ_{j≠i} (ε_ij + ε_ji)), μ_i arcs inside i, ε_ij arcs from i to j;
// CF_i = 0 when μ_i = 0. Nodes with a negative label are ignored.
func turboMQ(arcs []arc, comm []int) float64 {
	mu := map[int]float64{}
	eps := map[int]float64{}
	for _, a := range arcs {
		ca, cb := comm[a.from], comm[a.to]
		if ca < 0 || cb < 0 || a.from == a.to {
			continue
		}
		if ca == cb {
			mu[ca]++
		} else {
			eps[ca]++
			eps[cb]++
		}
	}
	keys := make([]int, 0, len(mu))
	for k := range mu {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var mq float64
	for _, k := range keys {
		mq += 2 * mu[k] / (2*mu[k] + eps[k])
	}
	return mq
}

// pairs returns the unordered node pairs joined by at least one arc, as a<b.
func pairs(arcs []arc) [][2]int {
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, a := range arcs {
		x, y := a.from, a.to
		if x == y {
			continue
		}
		if x > y {
			x, y = y, x
		}
		if !seen[[2]int{x, y}] {
			seen[[2]int{x, y}] = true
			out = append(out, [2]int{x, y})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// structuralModularity is SM (Mono2Micro, FoSCI's SMQ) over k clusters:
// SM = (1/K) Σ_k μ_k/N_k² − (2/(K(K−1))) Σ_{k<l} σ_kl/(2 N_k N_l), μ_k the unit pairs inside k
// joined by an arc, σ_kl the pairs across k and l joined by an arc. For K = 1 the second term
// is 0. Nodes with a negative label are ignored.
func structuralModularity(arcs []arc, comm []int, k int) float64 {
	if k == 0 {
		return 0
	}
	size := make([]float64, k)
	for _, c := range comm {
		if c >= 0 {
			size[c]++
		}
	}
	mu := make([]float64, k)
	sigma := map[[2]int]float64{}
	for _, p := range pairs(arcs) {
		ca, cb := comm[p[0]], comm[p[1]]
		if ca < 0 || cb < 0 {
			continue
		}
		if ca == cb {
			mu[ca]++
		} else {
			if ca > cb {
				ca, cb = cb, ca
			}
			sigma[[2]int{ca, cb}]++
		}
	}
	var coh float64
	for c := 0; c < k; c++ {
		if size[c] > 0 {
			coh += mu[c] / (size[c] * size[c])
		}
	}
	coh /= float64(k)
	if k == 1 {
		return coh
	}
	var cop float64
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			if s := sigma[[2]int{a, b}]; s > 0 {
				cop += s / (2 * size[a] * size[b])
			}
		}
	}
	return coh - 2/(float64(k)*float64(k-1))*cop
}

// icp is the inter-partition call percentage: Σ_cross w / Σ w over call arcs between labelled
// nodes, w = 1 + ln(calls). It is 0 when there are no calls.
func icp(arcs []arc, comm []int) float64 {
	var cross, all float64
	for _, a := range arcs {
		if a.calls == 0 || a.from == a.to || comm[a.from] < 0 || comm[a.to] < 0 {
			continue
		}
		w := 1 + math.Log(float64(a.calls))
		all += w
		if comm[a.from] != comm[a.to] {
			cross += w
		}
	}
	if all == 0 {
		return 0
	}
	return cross / all
}

// ifn is the interface number: the number of distinct units called from another cluster,
// divided by the number of clusters k.
func ifn(arcs []arc, comm []int, k int) float64 {
	if k == 0 {
		return 0
	}
	iface := map[int]bool{}
	for _, a := range arcs {
		if a.calls == 0 || comm[a.from] < 0 || comm[a.to] < 0 || comm[a.from] == comm[a.to] {
			continue
		}
		iface[a.to] = true
	}
	return float64(len(iface)) / float64(k)
}

// ned is the non-extreme distribution: the share of units in services whose size is below half
// or above twice the mean service size (Σ N_k / K).
func ned(sizes []int) float64 {
	var total float64
	for _, s := range sizes {
		total += float64(s)
	}
	if total == 0 {
		return 0
	}
	mean := total / float64(len(sizes))
	var extreme float64
	for _, s := range sizes {
		if float64(s) < mean/2 || float64(s) > 2*mean {
			extreme += float64(s)
		}
	}
	return extreme / total
}

// funcAccess is one functionality (route) and the tables it touches, with mode.
type funcAccess struct {
	tables map[int]bool // table → writes (true) or only reads (false)
}

// istMetrics computes the data-access metrics of socialsoftware/mono2micro on tables:
// cohesion, coupling and complexity (docs/metrics.md). cluster maps each table to its cluster
// (-1: none); k is the number of clusters; unitAccess lists, per cluster, the tables its code
// touches.
func istMetrics(fs []funcAccess, cluster []int, k int, clusterAccess []map[int]bool) (cohesion, coupling, complexity float64, perCoh, perCoup []float64) {
	members := make([][]int, k)
	for t, c := range cluster {
		if c >= 0 {
			members[c] = append(members[c], t)
		}
	}
	perCoh = make([]float64, k)
	perCoup = make([]float64, k)
	var nc float64
	for c := 0; c < k; c++ {
		if len(members[c]) == 0 {
			continue
		}
		var sum, n float64
		for _, f := range fs {
			inter := 0
			for _, t := range members[c] {
				if _, ok := f.tables[t]; ok {
					inter++
				}
			}
			if inter > 0 {
				sum += float64(inter) / float64(len(members[c]))
				n++
			}
		}
		if n > 0 {
			perCoh[c] = sum / n
			cohesion += perCoh[c]
			nc++
		}
	}
	if nc > 0 {
		cohesion /= nc
	}
	withTables := 0
	for c := 0; c < k; c++ {
		if len(members[c]) > 0 {
			withTables++
		}
	}
	if withTables > 1 {
		var n float64
		for c1 := 0; c1 < k; c1++ {
			var sum float64
			for c2 := 0; c2 < k; c2++ {
				if c2 == c1 || len(members[c2]) == 0 {
					continue
				}
				acc := 0
				for _, t := range members[c2] {
					if clusterAccess[c1][t] {
						acc++
					}
				}
				sum += float64(acc) / float64(len(members[c2]))
			}
			perCoup[c1] = sum / float64(withTables-1)
			coupling += perCoup[c1]
			n++
		}
		coupling /= n
	}
	// Complexity.
	clustersOf := func(f funcAccess) map[int]bool {
		out := map[int]bool{}
		for t := range f.tables {
			if cluster[t] >= 0 {
				out[cluster[t]] = true
			}
		}
		return out
	}
	distributed := make([]bool, len(fs))
	for i, f := range fs {
		distributed[i] = len(clustersOf(f)) > 1
	}
	if len(fs) > 0 {
		for i, f := range fs {
			if !distributed[i] {
				continue
			}
			for c := range clustersOf(f) {
				others := 0
				for j, g := range fs {
					if j == i || !distributed[j] {
						continue
					}
					for t, wf := range f.tables {
						if cluster[t] != c {
							continue
						}
						if wg, ok := g.tables[t]; ok && wg != wf {
							others++
							break
						}
					}
				}
				complexity += float64(others)
			}
		}
		complexity /= float64(len(fs))
	}
	return cohesion, coupling, complexity, perCoh, perCoup
}

// computeMetrics fills p.Metrics and each service's Metrics.
func computeMetrics(m *model, a *assignment, p *Proposal) {
	k := len(a.names)
	var arcs []arc
	for u := range m.units {
		for _, d := range m.out[u] {
			arcs = append(arcs, arc{from: u, to: d.to, calls: d.calls})
		}
	}
	// Newman modularity on the clustering graph: units by service, tables by owner, files by
	// the service holding most of their units.
	g, l := buildGraph(m, defaultWeights, a.kernel)
	comm := make([]int, l.size())
	copy(comm, a.svc)
	for t := range m.tables {
		comm[l.table(t)] = a.owner[t]
	}
	for i, f := range l.files {
		votes := map[int]int{}
		for _, u := range m.file[f] {
			if a.svc[u] >= 0 {
				votes[a.svc[u]]++
			}
		}
		best := -1
		for s := 0; s < k; s++ {
			if votes[s] > 0 && (best < 0 || votes[s] > votes[best]) {
				best = s
			}
		}
		comm[l.fileNode(i)] = best
	}
	var edges []wedge
	for key, w := range g.w {
		edges = append(edges, wedge{int(key[0]), int(key[1]), w})
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].a != edges[j].a {
			return edges[i].a < edges[j].a
		}
		return edges[i].b < edges[j].b
	})
	p.Metrics[MetricModularity] = round(newmanQ(l.size(), edges, comm, 1))
	p.Misfits = misfits(m, a, g, l, comm)
	p.Metrics[MetricTurboMQ] = round(turboMQ(arcs, a.svc))
	p.Metrics[MetricSM] = round(structuralModularity(arcs, a.svc, k))
	p.Metrics[MetricICP] = round(icp(arcs, a.svc))
	p.Metrics[MetricIFN] = round(ifn(arcs, a.svc, k))
	sizes := make([]int, k)
	for u := range m.units {
		if a.svc[u] >= 0 {
			sizes[a.svc[u]]++
		}
	}
	p.Metrics[MetricNED] = round(ned(sizes))
	p.Metrics[MetricServices] = float64(k)
	p.Metrics[MetricKernelUnits] = float64(len(p.Kernel.Units))
	p.Metrics[MetricOutliers] = float64(len(p.Outliers))

	owned, withOwner := 0, 0
	for _, o := range p.Ownership {
		if o.Owner != "" {
			withOwner++
			if o.Class == Owned {
				owned++
			}
		}
	}
	if withOwner > 0 {
		p.Metrics[MetricOwnershipPurity] = round(float64(owned) / float64(withOwner))
	}

	// IST metrics over routes and tables.
	var fs []funcAccess
	for _, r := range m.routes {
		if len(r.tables) == 0 || a.kernel[r.handler] {
			continue
		}
		fa := funcAccess{tables: map[int]bool{}}
		for _, x := range r.tables {
			fa.tables[x.table] = x.writes+x.viaWrites > 0
		}
		fs = append(fs, fa)
	}
	clusterAccess := make([]map[int]bool, k)
	for s := range clusterAccess {
		clusterAccess[s] = map[int]bool{}
	}
	for u := range m.units {
		if s := a.svc[u]; s >= 0 {
			for _, x := range m.acc[u] {
				clusterAccess[s][x.table] = true
			}
		}
	}
	coh, coup, cx, perCoh, perCoup := istMetrics(fs, a.owner, k, clusterAccess)
	p.Metrics[MetricISTCohesion] = round(coh)
	p.Metrics[MetricISTCoupling] = round(coup)
	p.Metrics[MetricISTComplexity] = round(cx)

	// Endpoint fan-out.
	var sum, max float64
	n := 0
	for _, r := range m.routes {
		if a.kernel[r.handler] {
			continue
		}
		set := map[int]bool{}
		for _, u := range r.reach {
			if a.svc[u] >= 0 {
				set[a.svc[u]] = true
			}
		}
		for _, x := range r.tables {
			if a.owner[x.table] >= 0 {
				set[a.owner[x.table]] = true
			}
		}
		f := float64(len(set))
		sum += f
		if f > max {
			max = f
		}
		n++
	}
	if n > 0 {
		p.Metrics[MetricFanoutMean] = round(sum / float64(n))
		p.Metrics[MetricFanoutMax] = max
	}
	for kind := range remedies {
		p.Metrics["findings_"+string(kind)] = 0
	}
	for _, f := range p.Findings {
		p.Metrics["findings_"+string(f.Kind)]++
	}

	// Per service.
	fanIn := make([]map[int]bool, k)
	fanOut := make([]map[int]bool, k)
	for s := range fanIn {
		fanIn[s], fanOut[s] = map[int]bool{}, map[int]bool{}
	}
	for _, x := range arcs {
		a1, a2 := a.svc[x.from], a.svc[x.to]
		if a1 >= 0 && a2 >= 0 && a1 != a2 {
			fanOut[a1][a2] = true
			fanIn[a2][a1] = true
		}
	}
	idx := map[string]int{}
	for s, nm := range a.names {
		idx[nm] = s
	}
	fin := make([]int, k)
	fout := make([]int, k)
	for _, f := range p.Findings {
		if s, ok := idx[f.From]; ok && f.From != "" {
			fout[s]++
		}
		if s, ok := idx[f.To]; ok && f.To != "" {
			fin[s]++
		}
	}
	for s := range p.Services {
		sv := &p.Services[s]
		sv.Metrics["units"] = float64(len(sv.Units))
		sv.Metrics["lines"] = float64(sv.Lines)
		sv.Metrics["tables"] = float64(len(sv.Tables))
		sv.Metrics["routes"] = float64(len(sv.Routes))
		sv.Metrics["fan_in"] = float64(len(fanIn[s]))
		sv.Metrics["fan_out"] = float64(len(fanOut[s]))
		sv.Metrics["findings_out"] = float64(fout[s])
		sv.Metrics["findings_in"] = float64(fin[s])
		sv.Metrics[MetricISTCohesion] = round(perCoh[s])
		sv.Metrics[MetricISTCoupling] = round(perCoup[s])
	}
}

// round keeps 6 decimals so that JSON output does not depend on the last bits of a sum.
func round(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1e6) / 1e6
}

// misfits lists the assigned units whose tie weight on the clustering graph (calls, references,
// tables; the file edge left out) goes more to one other service than to their own, with
// fit = weight to own service / total tie weight. Sorted by unit.
func misfits(m *model, a *assignment, g *wgraph, l layout, comm []int) []Misfit {
	var out []Misfit
	for u := range m.units {
		s := a.svc[u]
		if s < 0 {
			continue
		}
		by := map[int]float64{}
		var total float64
		for _, y := range g.nbrs[u] {
			if int(y) >= l.units+l.tables { // file node
				continue
			}
			w := g.weight(u, int(y))
			total += w
			if c := comm[y]; c >= 0 {
				by[c] += w
			}
		}
		if total == 0 {
			continue
		}
		best := -1
		for c := 0; c < len(a.names); c++ {
			if c != s && by[c] > 0 && (best < 0 || by[c] > by[best]) {
				best = c
			}
		}
		if best >= 0 && by[best] > by[s] {
			out = append(out, Misfit{Unit: m.units[u].ID, Service: a.names[s], Closer: a.names[best], Fit: round(by[s] / total)})
		}
	}
	return out
}
