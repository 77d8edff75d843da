package decompose

import (
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

// Scores compares a proposal with a hand-written true decomposition (docs/metrics.md).
type Scores struct {
	MoJoFM        float64 `json:"mojofm"`         // percent, 100 = same partition
	ARI           float64 `json:"ari"`            // adjusted Rand index in [-1, 1], 1 = same partition
	OwnerAccuracy float64 `json:"owner_accuracy"` // percent of the truth's tables whose owner matches
	Units         int     `json:"units"`          // units compared (those the truth assigns)
	Tables        int     `json:"tables"`         // tables compared (those the truth assigns)

	// Misplaced lists the compared units whose service maps to another truth service than
	// theirs (see Score for the mapping), sorted by unit; WrongOwners the truth tables whose
	// owner maps to another truth service, sorted by table.
	Misplaced   []Misplaced `json:"misplaced,omitempty"`
	WrongOwners []Misplaced `json:"wrong_owners,omitempty"`
}

// Misplaced is one unit (or table) a proposal puts elsewhere than the truth.
type Misplaced struct {
	Unit  facts.UnitID `json:"unit,omitempty"`
	Table string       `json:"table,omitempty"`
	Got   string       `json:"got"`   // proposed service ("(kernel)", "(none)" for outliers and unowned)
	As    string       `json:"as"`    // truth service the proposed one maps to
	Truth string       `json:"truth"` // truth service ("(kernel)" for the shared kernel)
}

// kernelLabel is the cluster name of the shared kernel in both partitions.
const kernelLabel = "\x00kernel"

// Score compares got with truth. The units compared are the units of f that truth assigns to a
// service or to the shared kernel (units truth leaves unassigned are not scored); the kernel
// counts as one more cluster on both sides, and a unit got leaves unassigned (outlier) is a
// cluster of its own. MoJoFM(got, truth) follows Wen & Tzerpos 2004 with the optimal MoJo of
// Wen & Tzerpos 2003; ARI is Hubert & Arabie's. Each got service is mapped to the truth service
// it shares most units with (ties: the alphabetically first); a table's owner is right when the
// mapped service of its got owner is its truth owner.
func Score(f *facts.Facts, got *Proposal, truth *spec.Spec) Scores {
	var sc Scores
	if f == nil || got == nil || truth == nil {
		return sc
	}
	where := map[facts.UnitID]string{}
	for _, s := range got.Services {
		for _, u := range s.Units {
			where[u] = s.Name
		}
	}
	for _, u := range got.Kernel.Units {
		where[u] = kernelLabel
	}
	var gl, tl []string
	var ids []facts.UnitID
	overlap := map[string]map[string]int{} // got service → truth label → units
	for _, u := range sortedUnits(f.Units) {
		as, ok, err := truth.Assign(u)
		if err != nil || !ok {
			continue
		}
		t := as.Service
		if as.Kernel {
			t = kernelLabel
		}
		g, ok := where[u.ID]
		if !ok {
			g = "\x01outlier " + string(u.ID)
		}
		gl = append(gl, g)
		tl = append(tl, t)
		ids = append(ids, u.ID)
		if overlap[g] == nil {
			overlap[g] = map[string]int{}
		}
		overlap[g][t]++
	}
	sc.Units = len(gl)
	a, b := dense(gl), dense(tl)
	sc.MoJoFM = round(mojoFM(a, b))
	sc.ARI = round(ari(a, b))

	mapped := map[string]string{}
	for g, ts := range overlap {
		best, bn := "", -1
		for _, t := range sortedKeys(ts) {
			if ts[t] > bn {
				best, bn = t, ts[t]
			}
		}
		mapped[g] = best
	}
	show := func(l string) string {
		switch {
		case l == kernelLabel:
			return "(kernel)"
		case l == "" || strings.HasPrefix(l, "\x01"):
			return "(none)"
		}
		return l
	}
	for i, id := range ids {
		if mapped[gl[i]] != tl[i] {
			sc.Misplaced = append(sc.Misplaced, Misplaced{Unit: id, Got: show(gl[i]), As: show(mapped[gl[i]]), Truth: show(tl[i])})
		}
	}
	gotOwner := map[string]string{}
	for _, o := range got.Ownership {
		gotOwner[o.Table] = o.Owner
	}
	right := 0
	for _, s := range truth.Services {
		for _, t := range s.Tables {
			sc.Tables++
			o := gotOwner[normTable(t)]
			if o != "" && mapped[o] == s.Name {
				right++
			} else {
				sc.WrongOwners = append(sc.WrongOwners, Misplaced{Table: normTable(t), Got: show(o), As: show(mapped[o]), Truth: s.Name})
			}
		}
	}
	sort.Slice(sc.WrongOwners, func(i, j int) bool { return sc.WrongOwners[i].Table < sc.WrongOwners[j].Table })
	if sc.Tables > 0 {
		sc.OwnerAccuracy = round(100 * float64(right) / float64(sc.Tables))
	}
	return sc
}

// dense maps labels to 0..k-1 in order of first appearance.
func dense(labels []string) []int {
	ids := map[string]int{}
	out := make([]int, len(labels))
	for i, l := range labels {
		id, ok := ids[l]
		if !ok {
			id = len(ids)
			ids[l] = id
		}
		out[i] = id
	}
	return out
}

// mojo is the MoJo distance from partition a to partition b (labels per object, dense), the
// minimum number of Move and Join operations turning a into b, computed optimally (Wen &
// Tzerpos 2003): each cluster A_i is tagged with a cluster B_j it shares most objects with,
// choosing tags by maximum bipartite matching so that as many B clusters as possible are
// tagged; then mojo = (n − Σ_i max_j |A_i ∩ B_j|) + (|A| − matched).
func mojo(a, b []int) int {
	n := len(a)
	la, lb := 0, 0
	for i := range a {
		la = max(la, a[i]+1)
		lb = max(lb, b[i]+1)
	}
	v := make([][]int, la)
	for i := range v {
		v[i] = make([]int, lb)
	}
	for i := range a {
		v[a[i]][b[i]]++
	}
	adj := make([][]int, la)
	sumMax := 0
	for i := 0; i < la; i++ {
		mx := 0
		for j := 0; j < lb; j++ {
			mx = max(mx, v[i][j])
		}
		sumMax += mx
		for j := 0; j < lb; j++ {
			if mx > 0 && v[i][j] == mx {
				adj[i] = append(adj[i], j)
			}
		}
	}
	matched := bipartiteMatching(adj, lb)
	return (n - sumMax) + (la - matched)
}

// bipartiteMatching returns the size of a maximum matching of the left vertices (adjacency
// lists into 0..right-1), by augmenting paths.
func bipartiteMatching(adj [][]int, right int) int {
	matchR := make([]int, right)
	for i := range matchR {
		matchR[i] = -1
	}
	var try func(u int, seen []bool) bool
	try = func(u int, seen []bool) bool {
		for _, v := range adj[u] {
			if seen[v] {
				continue
			}
			seen[v] = true
			if matchR[v] < 0 || try(matchR[v], seen) {
				matchR[v] = u
				return true
			}
		}
		return false
	}
	n := 0
	for u := range adj {
		if try(u, make([]bool, right)) {
			n++
		}
	}
	return n
}

// maxMojo is max over all partitions A of mno(A, b) = n − g, where g is found by taking b's
// cluster sizes in increasing order and counting one more group each time the count is below
// the size (Wen & Tzerpos 2004).
func maxMojo(b []int) int {
	size := map[int]int{}
	for _, x := range b {
		size[x]++
	}
	var sizes []int
	for _, s := range size {
		sizes = append(sizes, s)
	}
	sort.Ints(sizes)
	g := 0
	for _, s := range sizes {
		if g < s {
			g++
		}
	}
	return len(b) - g
}

// mojoFM is (1 − mojo(a, b) / maxMojo(b)) × 100; 100 when b allows no distance at all.
func mojoFM(a, b []int) float64 {
	mx := maxMojo(b)
	if mx == 0 {
		return 100
	}
	return (1 - float64(mojo(a, b))/float64(mx)) * 100
}

// ari is the adjusted Rand index of two labelings of the same objects. Two partitions that are
// both all-singletons or both one cluster score 1.
func ari(a, b []int) float64 {
	n := len(a)
	if n < 2 {
		return 1
	}
	type pair struct{ x, y int }
	nij := map[pair]int{}
	ai := map[int]int{}
	bj := map[int]int{}
	for i := range a {
		nij[pair{a[i], b[i]}]++
		ai[a[i]]++
		bj[b[i]]++
	}
	c2 := func(k int) float64 { return float64(k) * float64(k-1) / 2 }
	var index, sa, sb float64
	for _, v := range nij {
		index += c2(v)
	}
	for _, v := range ai {
		sa += c2(v)
	}
	for _, v := range bj {
		sb += c2(v)
	}
	expected := sa * sb / c2(n)
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}
