package decompose

import (
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// wgraph is a weighted undirected graph with dense node IDs 0..n-1 whose iterators always run
// in ID order. gonum's own graphs iterate maps, which would let floating-point sums (and so
// Louvain's tie-breaking) depend on map order; this one keeps the clustering byte-for-byte
// reproducible for a given seed.
type wgraph struct {
	n    int
	nbrs [][]int64 // sorted
	w    map[[2]int64]float64
}

func newWGraph(n int) *wgraph {
	return &wgraph{n: n, nbrs: make([][]int64, n), w: map[[2]int64]float64{}}
}

func ekey(a, b int64) [2]int64 {
	if a > b {
		a, b = b, a
	}
	return [2]int64{a, b}
}

// add adds w (> 0) to the weight of the edge a—b. Self loops and non-positive weights are
// ignored (gonum's Louvain panics on negative weights).
func (g *wgraph) add(a, b int, w float64) {
	if a == b || !(w > 0) {
		return
	}
	k := ekey(int64(a), int64(b))
	if _, ok := g.w[k]; !ok {
		g.nbrs[a] = append(g.nbrs[a], int64(b))
		g.nbrs[b] = append(g.nbrs[b], int64(a))
	}
	g.w[k] += w
}

// seal sorts the adjacency lists; call it once after the last add.
func (g *wgraph) seal() {
	for _, l := range g.nbrs {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	}
}

func (g *wgraph) weight(a, b int) float64 { return g.w[ekey(int64(a), int64(b))] }

// graph.Graph, graph.Undirected and graph.Weighted for gonum.

func (g *wgraph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(g.n) {
		return nil
	}
	return simple.Node(id)
}

func (g *wgraph) Nodes() graph.Nodes {
	nodes := make([]graph.Node, g.n)
	for i := range nodes {
		nodes[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(nodes)
}

func (g *wgraph) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(g.n) || len(g.nbrs[id]) == 0 {
		return graph.Empty
	}
	nodes := make([]graph.Node, len(g.nbrs[id]))
	for i, b := range g.nbrs[id] {
		nodes[i] = simple.Node(b)
	}
	return iterator.NewOrderedNodes(nodes)
}

func (g *wgraph) HasEdgeBetween(x, y int64) bool {
	_, ok := g.w[ekey(x, y)]
	return ok
}

func (g *wgraph) Edge(u, v int64) graph.Edge { return g.WeightedEdge(u, v) }

func (g *wgraph) EdgeBetween(x, y int64) graph.Edge { return g.WeightedEdge(x, y) }

func (g *wgraph) WeightedEdge(u, v int64) graph.WeightedEdge {
	w, ok := g.w[ekey(u, v)]
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: w}
}

func (g *wgraph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge { return g.WeightedEdge(x, y) }

func (g *wgraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	w, ok := g.w[ekey(x, y)]
	return w, ok
}

// louvain clusters g with gonum's Louvain at the given resolution and a PCG source seeded from
// seed. It returns the community of each node, communities numbered by their smallest node.
func louvain(g *wgraph, resolution float64, seed uint64) []int {
	comm := make([]int, g.n)
	if g.n == 0 {
		return comm
	}
	if len(g.w) == 0 {
		for i := range comm {
			comm[i] = i
		}
		return comm
	}
	rg := community.Modularize(g, resolution, rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for ci, c := range rg.Communities() {
		for _, n := range c {
			comm[n.ID()] = ci
		}
	}
	return renumber(comm)
}

// renumber renames community labels so that communities are numbered 0.. in the order of
// their smallest member. Negative labels are kept as they are.
func renumber(comm []int) []int {
	names := map[int]int{}
	out := make([]int, len(comm))
	for i, c := range comm {
		if c < 0 {
			out[i] = c
			continue
		}
		n, ok := names[c]
		if !ok {
			n = len(names)
			names[c] = n
		}
		out[i] = n
	}
	return out
}
