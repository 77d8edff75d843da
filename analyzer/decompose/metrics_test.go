package decompose

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5 }

// Two triangles {0,1,2} and {3,4,5} joined by the edge 2—3, unit weights.
func twoTriangles() []wedge {
	return []wedge{{0, 1, 1}, {1, 2, 1}, {0, 2, 1}, {3, 4, 1}, {4, 5, 1}, {3, 5, 1}, {2, 3, 1}}
}

func TestNewmanQ(t *testing.T) {
	// m = 7; each triangle: L = 3, d = 7 → Q = 2 (3/7 − (7/14)²) = 0.357143.
	if got := newmanQ(6, twoTriangles(), []int{0, 0, 0, 1, 1, 1}, 1); !near(got, 2*(3.0/7-0.25)) {
		t.Errorf("newmanQ(two triangles) = %v, want %v", got, 2*(3.0/7-0.25))
	}
	// One community: Q = 7/7 − (14/14)² = 0.
	if got := newmanQ(6, twoTriangles(), []int{0, 0, 0, 0, 0, 0}, 1); !near(got, 0) {
		t.Errorf("newmanQ(one community) = %v, want 0", got)
	}
	// Unlabelled nodes are singletons: all singletons → Q = −Σ (d_i/2m)² = −(4·(2/14)² + 2·(3/14)²).
	want := -(4*math.Pow(2.0/14, 2) + 2*math.Pow(3.0/14, 2))
	if got := newmanQ(6, twoTriangles(), []int{-1, -1, -1, -1, -1, -1}, 1); !near(got, want) {
		t.Errorf("newmanQ(singletons) = %v, want %v", got, want)
	}
	// Resolution 2 doubles the penalty: 2 (3/7 − 2·0.25) = −0.142857.
	if got := newmanQ(6, twoTriangles(), []int{0, 0, 0, 1, 1, 1}, 2); !near(got, 2*(3.0/7-0.5)) {
		t.Errorf("newmanQ(γ=2) = %v, want %v", got, 2*(3.0/7-0.5))
	}
}

// Arcs 0→1, 1→2 (inside A = {0,1,2}), 3→4 (inside B = {3,4}), 2→3 (A to B, 3 calls).
var toyArcs = []arc{{0, 1, 1}, {1, 2, 1}, {3, 4, 1}, {2, 3, 3}}
var toyComm = []int{0, 0, 0, 1, 1}

func TestTurboMQ(t *testing.T) {
	// CF_A = 2·2/(2·2+1) = 0.8, CF_B = 2·1/(2·1+1) = 2/3.
	if got, want := turboMQ(toyArcs, toyComm), 0.8+2.0/3; !near(got, want) {
		t.Errorf("turboMQ = %v, want %v", got, want)
	}
	// A cluster with no inner arc contributes 0.
	if got := turboMQ([]arc{{0, 1, 1}}, []int{0, 1}); got != 0 {
		t.Errorf("turboMQ(no inner arcs) = %v, want 0", got)
	}
}

func TestStructuralModularity(t *testing.T) {
	// scoh_A = 2/9, scoh_B = 1/4, scop_AB = 1/(2·3·2); SM = (2/9+1/4)/2 − 2/(2·1)·(1/12).
	want := (2.0/9+1.0/4)/2 - 1.0/12
	if got := structuralModularity(toyArcs, toyComm, 2); !near(got, want) {
		t.Errorf("structuralModularity = %v, want %v", got, want)
	}
	// K = 1: only cohesion, 4 joined pairs of 5 units → 4/25.
	if got := structuralModularity(toyArcs, []int{0, 0, 0, 0, 0}, 1); !near(got, 4.0/25) {
		t.Errorf("structuralModularity(K=1) = %v, want %v", got, 4.0/25)
	}
}

func TestICPAndIFN(t *testing.T) {
	// Weights 1, 1, 1, 1+ln 3; only 2→3 crosses.
	w := 1 + math.Log(3)
	if got, want := icp(toyArcs, toyComm), w/(3+w); !near(got, want) {
		t.Errorf("icp = %v, want %v", got, want)
	}
	// References (calls = 0) do not count.
	if got := icp([]arc{{0, 1, 0}}, []int{0, 1}); got != 0 {
		t.Errorf("icp(references only) = %v, want 0", got)
	}
	// One interface unit (3) over 2 clusters.
	if got := ifn(toyArcs, toyComm, 2); !near(got, 0.5) {
		t.Errorf("ifn = %v, want 0.5", got)
	}
}

func TestNED(t *testing.T) {
	// Mean 61/4 = 15.25: sizes below 7.625 or above 30.5 are extreme → (1+40)/61.
	if got, want := ned([]int{1, 10, 10, 40}), 41.0/61; !near(got, want) {
		t.Errorf("ned = %v, want %v", got, want)
	}
	if got := ned([]int{5, 5}); got != 0 {
		t.Errorf("ned(even) = %v, want 0", got)
	}
}

func TestISTMetrics(t *testing.T) {
	// Tables 0, 1 in cluster 0; table 2 in cluster 1. Routes (true = writes):
	// F1 {0:w, 1:r}, F2 {1:r, 2:w}, F3 {2:r}, F4 {0:r, 2:r}.
	fs := []funcAccess{
		{tables: map[int]bool{0: true, 1: false}},
		{tables: map[int]bool{1: false, 2: true}},
		{tables: map[int]bool{2: false}},
		{tables: map[int]bool{0: false, 2: false}},
	}
	access := []map[int]bool{{0: true, 1: true, 2: true}, {1: true, 2: true}}
	coh, coup, cx, perCoh, perCoup := istMetrics(fs, []int{0, 0, 1}, 2, access)
	// Cohesion: c0 = mean(2/2, 1/2, 1/2) = 2/3; c1 = mean(1, 1, 1) = 1.
	if !near(perCoh[0], 2.0/3) || !near(perCoh[1], 1) || !near(coh, (2.0/3+1)/2) {
		t.Errorf("cohesion = %v %v, want [2/3 1] and %v", coh, perCoh, (2.0/3+1)/2)
	}
	// Coupling: c0 reads 1 of c1's 1 table → 1; c1 reads 1 of c0's 2 → 1/2.
	if !near(perCoup[0], 1) || !near(perCoup[1], 0.5) || !near(coup, 0.75) {
		t.Errorf("coupling = %v %v, want [1 0.5] and 0.75", coup, perCoup)
	}
	// Complexity: F2 and F4 are distributed; each meets the other on table 2 in another mode
	// (w vs r) in cluster 1 → 1 each; mean over 4 routes = 0.5.
	if !near(cx, 0.5) {
		t.Errorf("complexity = %v, want 0.5", cx)
	}
}
