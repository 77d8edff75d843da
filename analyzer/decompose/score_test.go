package decompose

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
)

func TestMoJo(t *testing.T) {
	tests := []struct {
		name      string
		a, b      []int
		mojo, max int
		fm        float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 0, 2, 100},
		// A = {1,2,3}{4,5,6}, B = {1,2}{3,4,5,6}: move 3; max = 6 − 2.
		{"one move", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 1, 1}, 1, 4, 75},
		// Four singletons into one cluster: three joins; max = 4 − 1.
		{"joins", []int{0, 1, 2, 3}, []int{0, 0, 0, 0}, 3, 3, 0},
		// A = {1,2}{3,4}, B = {1,3}{2,4}: ties resolved by matching, two moves; max = 4 − 2.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 2, 2, 0},
		// A = {1,2,3,4}, B = {1,2}{3}{4}: move 3 and 4 out; max: sizes 1,1,2 → g = 2, 4 − 2.
		{"split", []int{0, 0, 0, 0}, []int{0, 0, 1, 2}, 2, 2, 0},
		// A = {1,2}{3}{4,5}, B = {1,2,3}{4,5}: join {3} into {1,2}; max = 5 − 2.
		{"one join", []int{0, 0, 1, 2, 2}, []int{0, 0, 0, 1, 1}, 1, 3, 100 * (1 - 1.0/3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mojo(tt.a, tt.b); got != tt.mojo {
				t.Errorf("mojo(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.mojo)
			}
			if got := maxMojo(tt.b); got != tt.max {
				t.Errorf("maxMojo(%v) = %d, want %d", tt.b, got, tt.max)
			}
			if got := mojoFM(tt.a, tt.b); !near(got, tt.fm) {
				t.Errorf("mojoFM(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.fm)
			}
		})
	}
}

func TestARI(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1},
		// index 0, expected (2·2)/6, max 2 → −0.5.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
		// index 2, Σa = 6, Σb = 3, C(6,2) = 15 → (2 − 1.2)/(4.5 − 1.2).
		{"partial", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 0.8 / 3.3},
		{"both singletons", []int{0, 1, 2}, []int{2, 1, 0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ari(tt.a, tt.b); !near(got, tt.want) {
				t.Errorf("ari(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestScoreKernelAndOutliers(t *testing.T) {
	u := func(id, file string) facts.Unit {
		return facts.Unit{ID: facts.UnitID(id), Package: "p", Pos: facts.Pos{File: file, Line: 1}}
	}
	f := &facts.Facts{Units: []facts.Unit{u("p.A", "p/a.go"), u("p.B", "p/a.go"), u("p.C", "p/c.go"), u("p.K", "p/k.go"), u("p.X", "p/x.go")}}
	truth := mustSpec(t, `version: 1
services:
  alpha: {files: [p/a.go], tables: [t1, t2]}
  gamma: {files: [p/c.go], tables: [t3]}
shared_kernel: {files: [p/k.go]}
`)
	got := &Proposal{
		Services:  []Service{{Name: "one", Units: []facts.UnitID{"p.A", "p.B"}}, {Name: "two", Units: []facts.UnitID{"p.C", "p.X"}}},
		Kernel:    Kernel{Units: []facts.UnitID{"p.K"}},
		Ownership: []Ownership{{Table: "t1", Owner: "one"}, {Table: "t2", Owner: "two"}, {Table: "t3", Owner: "two"}},
	}
	sc := Score(f, got, truth)
	// p.X is not assigned by the truth: not compared. 4 units, identical partitions.
	if sc.Units != 4 || sc.MoJoFM != 100 || sc.ARI != 1 {
		t.Errorf("Score = %+v, want 4 units, MoJoFM 100, ARI 1", sc)
	}
	// one → alpha, two → gamma: t1 and t3 right, t2 wrong.
	if sc.Tables != 3 || !near(sc.OwnerAccuracy, 100*2.0/3) {
		t.Errorf("owner accuracy = %v over %d tables, want 66.67 over 3", sc.OwnerAccuracy, sc.Tables)
	}
	if diff := cmp.Diff([]Misplaced{{Table: "t2", Got: "two", As: "gamma", Truth: "alpha"}}, sc.WrongOwners); diff != "" {
		t.Errorf("WrongOwners mismatch (-want +got):\n%s", diff)
	}
	if len(sc.Misplaced) != 0 {
		t.Errorf("Misplaced = %v, want none", sc.Misplaced)
	}
	// A unit of the truth's kernel proposed inside a service counts as misplaced (one move).
	got.Kernel.Units = nil
	got.Services[0].Units = append(got.Services[0].Units, "p.K")
	sc = Score(f, got, truth)
	if !near(sc.MoJoFM, 100*(1-1.0/2)) {
		t.Errorf("Score with the kernel unit in a service = %+v, want MoJoFM 50 (1 move; max 4 − 2)", sc)
	}
	if diff := cmp.Diff([]Misplaced{{Unit: "p.K", Got: "one", As: "alpha", Truth: "(kernel)"}}, sc.Misplaced); diff != "" {
		t.Errorf("Misplaced mismatch (-want +got):\n%s", diff)
	}
}

// FuzzMoJo checks properties of the MoJo implementation on arbitrary labelings: 0 ≤ mno(A, B) ≤
// max mno(·, B), mno(B, B) = 0, MoJoFM in [0, 100], ARI ≤ 1 and symmetric.
func FuzzMoJo(f *testing.F) {
	f.Add([]byte{0, 0, 1, 1}, []byte{0, 1, 0, 1})
	f.Add([]byte{0, 1, 2, 3, 4}, []byte{0, 0, 0, 0, 0})
	f.Add([]byte{3, 3, 3, 1, 1, 2}, []byte{0, 0, 1, 1, 2, 2})
	f.Fuzz(func(t *testing.T, x, y []byte) {
		n := min(len(x), len(y), 64)
		if n == 0 {
			return
		}
		la, lb := make([]string, n), make([]string, n)
		for i := 0; i < n; i++ {
			la[i] = string(rune('a' + x[i]%8))
			lb[i] = string(rune('a' + y[i]%8))
		}
		a, b := dense(la), dense(lb)
		d, mx := mojo(a, b), maxMojo(b)
		if d < 0 || d > mx {
			t.Fatalf("mojo(%v, %v) = %d, want within [0, %d]", a, b, d, mx)
		}
		if self := mojo(b, b); self != 0 {
			t.Fatalf("mojo(b, b) = %d, want 0", self)
		}
		if fm := mojoFM(a, b); fm < 0 || fm > 100 {
			t.Fatalf("mojoFM = %v, want within [0, 100]", fm)
		}
		r1, r2 := ari(a, b), ari(b, a)
		if r1 > 1+1e-9 || !near(r1, r2) {
			t.Fatalf("ari(a, b) = %v, ari(b, a) = %v, want ≤ 1 and equal", r1, r2)
		}
	})
}

// canon renumbers a labeling by first appearance, so equal partitions have equal keys.
func canon(l []int) string {
	m := map[int]int{}
	out := make([]byte, len(l))
	for i, x := range l {
		if _, ok := m[x]; !ok {
			m[x] = len(m)
		}
		out[i] = byte('0' + m[x])
	}
	return string(out)
}

// bruteMoJo finds the fewest Move and Join operations turning a into b by breadth-first search
// over partitions (tiny n only).
func bruteMoJo(a, b []int) int {
	target := canon(b)
	n := len(a)
	start := canon(a)
	dist := map[string]int{start: 0}
	queue := []string{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == target {
			return dist[s]
		}
		l := make([]int, n)
		k := 0
		for i := range s {
			l[i] = int(s[i] - '0')
			k = max(k, l[i]+1)
		}
		var next []string
		for i := 0; i < n; i++ { // move object i to cluster c (k = a new cluster)
			for c := 0; c <= k; c++ {
				if c != l[i] {
					m := append([]int(nil), l...)
					m[i] = c
					next = append(next, canon(m))
				}
			}
		}
		for x := 0; x < k; x++ { // join clusters x and y
			for y := x + 1; y < k; y++ {
				m := append([]int(nil), l...)
				for i := range m {
					if m[i] == y {
						m[i] = x
					}
				}
				next = append(next, canon(m))
			}
		}
		for _, t := range next {
			if _, ok := dist[t]; !ok {
				dist[t] = dist[s] + 1
				queue = append(queue, t)
			}
		}
	}
	return -1
}

// partitions returns every partition of n objects as a canonical labeling.
func partitions(n int) [][]int {
	var out [][]int
	var rec func(l []int, k int)
	rec = func(l []int, k int) {
		if len(l) == n {
			out = append(out, append([]int(nil), l...))
			return
		}
		for c := 0; c <= k; c++ {
			rec(append(l, c), max(k, c+1))
		}
	}
	rec(nil, 0)
	return out
}

// TestMoJoOptimal compares mojo and maxMojo with breadth-first search over every pair of
// partitions of up to 5 objects.
func TestMoJoOptimal(t *testing.T) {
	for n := 1; n <= 5; n++ {
		ps := partitions(n)
		for _, b := range ps {
			worst := 0
			for _, a := range ps {
				want := bruteMoJo(a, b)
				worst = max(worst, want)
				if got := mojo(a, b); got != want {
					t.Fatalf("mojo(%v, %v) = %d, breadth-first search says %d", a, b, got, want)
				}
			}
			if got := maxMojo(b); got != worst {
				t.Fatalf("maxMojo(%v) = %d, breadth-first search says %d", b, got, worst)
			}
		}
	}
}
